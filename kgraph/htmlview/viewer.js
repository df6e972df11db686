/* kgraph view: the interactive neighbourhood graph of one node.
 *
 * Plain JavaScript, no libraries, no network: the data is the JSON block
 * #kgraph-data written by kgraph.view. Untrusted text (names come from
 * sanctions lists and registries) only ever goes into the page through
 * textContent and setAttribute, never as markup.
 *
 * Layout: a small force simulation in the manner of d3-force (links as
 * springs, many-body repulsion, collision, a weak pull to the middle), run a
 * fixed number of steps from a seeded start, so the same data always gives
 * the same picture.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var DATA = JSON.parse(document.getElementById("kgraph-data").textContent);
  var svg = document.getElementById("graph");
  var TYPE_ORDER = Object.keys(DATA.types);

  // -- small helpers -------------------------------------------------------
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function s(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function hashString(str) { // FNV-1a, 32 bits
    var x = 0x811c9dc5;
    for (var i = 0; i < str.length; i++) { x ^= str.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; }
    return x >>> 0;
  }
  function mulberry32(a) {
    return function () {
      a = (a + 0x6D2B79F5) | 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }

  // -- shapes ----------------------------------------------------------------
  function polygon(points) {
    return "M" + points.map(function (p) { return p[0].toFixed(2) + "," + p[1].toFixed(2); }).join("L") + "Z";
  }
  function regular(n, r, rot) {
    var pts = [];
    for (var i = 0; i < n; i++) {
      var a = rot + (i * 2 * Math.PI) / n;
      pts.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    return polygon(pts);
  }
  function shapePath(shape, r) {
    var up = -Math.PI / 2;
    switch (shape) {
      case "square": return polygon([[-r * 0.9, -r * 0.9], [r * 0.9, -r * 0.9], [r * 0.9, r * 0.9], [-r * 0.9, r * 0.9]]);
      case "diamond": return polygon([[0, -r * 1.25], [r * 1.25, 0], [0, r * 1.25], [-r * 1.25, 0]]);
      case "triangle": return regular(3, r * 1.3, up);
      case "triangle-down": return regular(3, r * 1.3, -up);
      case "hexagon": return regular(6, r * 1.1, 0);
      case "pentagon": return regular(5, r * 1.15, up);
      case "octagon": return regular(8, r * 1.08, Math.PI / 8);
      case "star":
        var pts = [];
        for (var i = 0; i < 10; i++) {
          var a = up + (i * Math.PI) / 5, rr = i % 2 ? r * 0.6 : r * 1.3;
          pts.push([rr * Math.cos(a), rr * Math.sin(a)]);
        }
        return polygon(pts);
      case "cross":
        var w = r * 0.38, e = r * 1.15;
        return polygon([[-w, -e], [w, -e], [w, -w], [e, -w], [e, w], [w, w], [w, e], [-w, e], [-w, w], [-e, w], [-e, -w], [-w, -w]]);
      case "tag": return polygon([[-r * 1.3, -r * 0.7], [r * 0.8, -r * 0.7], [r * 1.35, 0], [r * 0.8, r * 0.7], [-r * 1.3, r * 0.7]]);
      case "chevron": return polygon([[-r, -r * 0.8], [r * 0.3, -r * 0.8], [r * 1.1, 0], [r * 0.3, r * 0.8], [-r, r * 0.8], [-r * 0.4, 0]]);
      default: return "M" + r + ",0A" + r + "," + r + " 0 1 0 " + -r + ",0A" + r + "," + r + " 0 1 0 " + r + ",0Z";
    }
  }
  function styleOf(type) { return DATA.types[type] || { label: type, plural: type, shape: "circle", color: "#777" }; }
  function swatch(shape, color, sanctioned) {
    var sw = s("svg", { "class": "swatch", viewBox: "-11 -11 22 22", "aria-hidden": "true" });
    if (sanctioned) s("circle", { r: 9.5, fill: "none", stroke: "#d00000", "stroke-width": 2.5 }, sw);
    s("path", { d: shapePath(shape, sanctioned ? 5.5 : 7), fill: color }, sw);
    return sw;
  }

  // -- model -----------------------------------------------------------------
  var LABEL_CHARS = 32;
  var nodes = DATA.nodes.map(function (d) {
    var r = d.id === DATA.center ? 16 : d.type === "Flight" ? 8 : 11;
    // the box a node and its label take, estimated from the text length so the layout does not depend on fonts
    var w = Math.max(2 * r + 16, Math.min(d.caption.length, LABEL_CHARS) * 6.4 + 10);
    return { d: d, id: d.id, r: r, w: w, h: 2 * r + 34, x: 0, y: 0, vx: 0, vy: 0, edges: [], hidden: false, el: null };
  });
  var byId = {};
  nodes.forEach(function (n) { byId[n.id] = n; });
  var edges = [];
  var pairs = {};
  DATA.edges.forEach(function (d) {
    var a = byId[d.s], b = byId[d.t];
    if (!a || !b || a === b) return;
    var key = a.id < b.id ? a.id + "\u0000" + b.id : b.id + "\u0000" + a.id;
    var e = { d: d, s: a, t: b, key: key, offset: 0, el: null };
    (pairs[key] = pairs[key] || []).push(e);
    a.edges.push(e);
    b.edges.push(e);
    edges.push(e);
  });
  Object.keys(pairs).forEach(function (key) { // several relationships between one pair: fan them out
    var group = pairs[key];
    group.forEach(function (e, i) { e.offset = (i - (group.length - 1) / 2) * 26; });
  });

  // -- layout ----------------------------------------------------------------
  function layout(seed) {
    var rand = mulberry32(seed);
    var center = byId[DATA.center];
    var angle = {};
    var first = nodes.filter(function (n) { return n.d.depth === 1; });
    var start = rand() * 2 * Math.PI;
    nodes.forEach(function (n) {
      if (n === center || !n.d.via || !byId[n.d.via]) { n.x = n.y = 0; angle[n.id] = 0; return; }
      var p = byId[n.d.via], a;
      if (n.d.depth === 1) a = start + (first.indexOf(n) * 2 * Math.PI) / first.length;
      else a = angle[p.id] + (rand() - 0.5) * 1.6;
      angle[n.id] = a;
      var dist = (n.d.type === "Flight" ? 70 : 95) * (0.8 + rand() * 0.4);
      n.x = p.x + dist * Math.cos(a);
      n.y = p.y + dist * Math.sin(a);
    });
    var degree = {};
    edges.forEach(function (e) { degree[e.s.id] = (degree[e.s.id] || 0) + 1; degree[e.t.id] = (degree[e.t.id] || 0) + 1; });
    var links = Object.keys(pairs).map(function (key) {
      var e = pairs[key][0], ds = degree[e.s.id], dt = degree[e.t.id];
      var flight = e.s.d.type === "Flight" || e.t.d.type === "Flight";
      return { s: e.s, t: e.t, len: flight ? 100 : 150, strength: 1 / Math.min(ds, dt), bias: ds / (ds + dt) };
    });
    var n = nodes.length, steps = n > 400 ? 150 : 300;
    var alpha = 1, decay = 1 - Math.pow(0.001, 1 / steps);
    for (var step = 0; step < steps; step++) {
      links.forEach(function (l) {
        var dx = l.t.x + l.t.vx - l.s.x - l.s.vx, dy = l.t.y + l.t.vy - l.s.y - l.s.vy;
        var dist = Math.sqrt(dx * dx + dy * dy) || 1e-6, f = ((dist - l.len) / dist) * alpha * l.strength;
        dx *= f; dy *= f;
        l.t.vx -= dx * l.bias; l.t.vy -= dy * l.bias;
        l.s.vx += dx * (1 - l.bias); l.s.vy += dy * (1 - l.bias);
      });
      for (var i = 0; i < n; i++) {
        var a = nodes[i];
        for (var j = i + 1; j < n; j++) {
          var b = nodes[j], dx = b.x - a.x, dy = b.y - a.y, d2 = dx * dx + dy * dy;
          if (d2 < 1e-6) { dx = rand() - 0.5; dy = rand() - 0.5; d2 = dx * dx + dy * dy; }
          var w = (-900 * alpha) / Math.max(d2, 25);
          a.vx += dx * w; a.vy += dy * w; b.vx -= dx * w; b.vy -= dy * w;
          collide(a, b, dx, dy, 0.3, "v");
        }
      }
      nodes.forEach(function (m) {
        m.vx -= m.x * 0.03 * alpha; m.vy -= m.y * 0.03 * alpha;
        m.vx *= 0.6; m.vy *= 0.6;
        if (m === center) { m.vx = m.vy = 0; return; }
        m.x += m.vx; m.y += m.vy;
      });
      alpha -= alpha * decay;
    }
    nodes.forEach(function (m) { m.vx = m.vy = 0; });
    for (step = 0; step < 60; step++) { // last, take overlaps out that the forces left
      for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) collide(nodes[i], nodes[j], nodes[j].x - nodes[i].x, nodes[j].y - nodes[i].y, 0.5, "");
      }
    }
  }
  // push two overlapping node boxes apart along the axis where they overlap least (into velocity or position)
  function collide(a, b, dx, dy, k, into) {
    var ox = (a.w + b.w) / 2 + 6 - Math.abs(dx), oy = (a.h + b.h) / 2 + 4 - Math.abs(dy);
    if (ox <= 0 || oy <= 0) return;
    var center = DATA.center, wa = a.id === center ? 0 : b.id === center ? 1 : 0.5, wb = 1 - wa;
    var px = 0, py = 0;
    if (ox / a.w < oy / a.h) px = (dx < 0 ? -ox : ox) * k; else py = (dy < 0 ? -oy : oy) * k;
    if (into) { a.vx -= px * wa; a.vy -= py * wa; b.vx += px * wb; b.vy += py * wb; }
    else { a.x -= px * wa; a.y -= py * wa; b.x += px * wb; b.y += py * wb; }
  }

  // -- drawing ---------------------------------------------------------------
  var defs = s("defs", {}, svg);
  var marker = s("marker", { id: "arrow", viewBox: "0 -4 8 8", refX: 8, refY: 0, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
  s("path", { d: "M0,-4L8,0L0,4Z", fill: "#9aa3b2" }, marker);
  var markerSel = s("marker", { id: "arrow-sel", viewBox: "0 -4 8 8", refX: 8, refY: 0, markerWidth: 6, markerHeight: 6, orient: "auto" }, defs);
  s("path", { d: "M0,-4L8,0L0,4Z", fill: "#0b63c5" }, markerSel);
  var viewport = s("g", { id: "viewport" }, svg);
  var edgeLayer = s("g", { "class": "edges" }, viewport);
  var nodeLayer = s("g", { "class": "nodes" }, viewport);

  edges.forEach(function (e) {
    var g = s("g", { "class": "edge", "data-type": e.d.type }, edgeLayer);
    e.path = s("path", { "marker-end": "url(#arrow)" }, g);
    e.label = s("text", {}, g);
    e.label.textContent = e.d.label;
    s("title", {}, e.path).textContent = e.s.d.caption + " \u2192 " + e.d.label + " \u2192 " + e.t.d.caption +
      (e.d.source ? "  [" + e.d.source + (e.d.record ? " " + e.d.record : "") + "]" : "");
    e.el = g;
  });

  nodes.forEach(function (n) {
    var st = styleOf(n.d.type);
    var g = s("g", { "class": "node" + (n.id === DATA.center ? " center" : "") + (n.d.sanctioned ? " sanctioned" : ""),
      "data-id": n.id, "data-type": n.d.type, tabindex: 0, role: "button",
      "aria-label": st.label + ": " + n.d.caption + (n.d.sanctioned ? " (sanctioned)" : "") }, nodeLayer);
    s("circle", { "class": "halo", r: n.r + 9 }, g);
    if (n.d.sanctioned) s("circle", { "class": "ring", r: n.r + 5 }, g);
    s("path", { "class": "shape", d: shapePath(st.shape, n.r), fill: st.color }, g);
    if (n.d.sanctioned) {
      var badge = s("g", { "class": "badge", transform: "translate(" + (n.r + 4) + "," + -(n.r + 4) + ")" }, g);
      s("rect", { x: -6, y: -6, width: 12, height: 12, rx: 2 }, badge);
      s("text", {}, badge).textContent = "S";
    }
    var label = s("text", { "class": "label", y: n.r + (n.d.sanctioned ? 19 : 14) }, g);
    label.textContent = shorten(n.d.caption, LABEL_CHARS);
    if (n.d.more > 0 && n.d.depth < DATA.hops) {
      s("text", { "class": "more", y: n.r + (n.d.sanctioned ? 31 : 26) }, g).textContent = "+" + n.d.more + " more";
    }
    s("title", {}, g).textContent = n.d.caption + "\n" + st.label + " \u00b7 " + n.id + (n.d.sanctioned ? "\nSANCTIONED" : "") +
      (n.d.more > 0 ? "\n" + n.d.more + " more links not drawn" : "");
    n.el = g;
  });

  function place() {
    nodes.forEach(function (n) { n.el.setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")"); });
    edges.forEach(function (e) {
      var forward = e.s.id < e.t.id, a = forward ? e.s : e.t, b = forward ? e.t : e.s;
      var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
      var nx = -dy / len, ny = dx / len;
      var mx = (e.s.x + e.t.x) / 2, my = (e.s.y + e.t.y) / 2;
      var cx = mx + nx * 2 * e.offset, cy = my + ny * 2 * e.offset;
      function cut(p, r) { // where the line towards the control point leaves the node's shape
        var ux = cx - p.x, uy = cy - p.y, l = Math.sqrt(ux * ux + uy * uy) || 1;
        return [p.x + (ux / l) * r, p.y + (uy / l) * r];
      }
      var p0 = cut(e.s, e.s.r + 3), p1 = cut(e.t, e.t.r * 1.2 + 4);
      e.path.setAttribute("d", "M" + p0[0].toFixed(1) + "," + p0[1].toFixed(1) + "Q" + cx.toFixed(1) + "," + cy.toFixed(1) +
        " " + p1[0].toFixed(1) + "," + p1[1].toFixed(1));
      e.curve = [e.s.x, e.s.y, cx, cy, e.t.x, e.t.y];
    });
    placeEdgeLabels();
  }

  // an edge's label goes at the middle of its curve, or slides along it to a spot no node or label covers
  var SLIDE = [0.5, 0.38, 0.62, 0.28, 0.72];
  function placeEdgeLabels() {
    var boxes = [];
    nodes.forEach(function (n) {
      if (!n.hidden) boxes.push([n.x - n.w / 2, n.y - n.r - 2, n.x + n.w / 2, n.y + n.r + (n.d.sanctioned ? 22 : 17)]);
    });
    function free(b) {
      for (var i = 0; i < boxes.length; i++) {
        var o = boxes[i];
        if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return false;
      }
      return true;
    }
    edges.forEach(function (e) {
      if (e.s.hidden || e.t.hidden) return;
      var c = e.curve, half = e.d.label.length * 2.9 + 3, best = null;
      for (var i = 0; i < SLIDE.length && !best; i++) {
        var t = SLIDE[i], u = 1 - t;
        var x = u * u * c[0] + 2 * u * t * c[2] + t * t * c[4], y = u * u * c[1] + 2 * u * t * c[3] + t * t * c[5];
        var box = [x - half, y - 7, x + half, y + 7];
        if (free(box)) best = [x, y, box];
      }
      if (!best) { // nowhere free: the middle
        var mx = 0.25 * c[0] + 0.5 * c[2] + 0.25 * c[4], my = 0.25 * c[1] + 0.5 * c[3] + 0.25 * c[5];
        best = [mx, my, [mx - half, my - 7, mx + half, my + 7]];
      }
      boxes.push(best[2]);
      e.label.setAttribute("x", best[0].toFixed(1));
      e.label.setAttribute("y", best[1].toFixed(1));
    });
  }

  // -- zoom and pan ----------------------------------------------------------
  var view = { k: 1, x: 0, y: 0 };
  function applyView() {
    viewport.setAttribute("transform", "translate(" + view.x.toFixed(1) + "," + view.y.toFixed(1) + ") scale(" + view.k.toFixed(4) + ")");
    svg.classList.toggle("far", view.k < 0.6);
  }
  function size() { var r = svg.getBoundingClientRect(); return { w: r.width || 800, h: r.height || 600 }; }
  function zoomAt(px, py, factor) {
    var k = Math.min(4, Math.max(0.1, view.k * factor));
    view.x = px - ((px - view.x) * k) / view.k;
    view.y = py - ((py - view.y) * k) / view.k;
    view.k = k;
    applyView();
  }
  function fit() {
    var shown = nodes.filter(function (n) { return !n.hidden; });
    if (!shown.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    shown.forEach(function (n) {
      x0 = Math.min(x0, n.x - n.w / 2); x1 = Math.max(x1, n.x + n.w / 2);
      y0 = Math.min(y0, n.y - n.r - 14); y1 = Math.max(y1, n.y + n.h - n.r);
    });
    var sz = size(), k = Math.min(1.6, Math.max(0.2, Math.min((sz.w - 20) / (x1 - x0), (sz.h - 30) / (y1 - y0))));
    view.k = k;
    view.x = sz.w / 2 - ((x0 + x1) / 2) * k;
    view.y = sz.h / 2 - ((y0 + y1) / 2) * k;
    applyView();
  }
  function centreOn(n) {
    var sz = size();
    view.k = Math.max(view.k, 0.8);
    view.x = sz.w / 2 - n.x * view.k;
    view.y = sz.h / 2 - n.y * view.k;
    applyView();
  }

  var gesture = null;
  svg.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    var g = ev.target.closest ? ev.target.closest(".node") : null;
    gesture = { node: g ? byId[g.getAttribute("data-id")] : null, x0: ev.clientX, y0: ev.clientY, vx: view.x, vy: view.y, moved: false };
    if (gesture.node) { gesture.nx = gesture.node.x; gesture.ny = gesture.node.y; } else svg.classList.add("panning");
    svg.setPointerCapture(ev.pointerId);
  });
  svg.addEventListener("pointermove", function (ev) {
    if (!gesture) return;
    var dx = ev.clientX - gesture.x0, dy = ev.clientY - gesture.y0;
    if (!gesture.moved && dx * dx + dy * dy < 16) return;
    gesture.moved = true;
    if (gesture.node) {
      gesture.node.x = gesture.nx + dx / view.k;
      gesture.node.y = gesture.ny + dy / view.k;
      place();
    } else {
      view.x = gesture.vx + dx;
      view.y = gesture.vy + dy;
      applyView();
    }
  });
  function endGesture() {
    if (gesture && gesture.node && !gesture.moved) select(gesture.node.id);
    gesture = null;
    svg.classList.remove("panning");
  }
  svg.addEventListener("pointerup", endGesture);
  svg.addEventListener("pointercancel", function () { gesture = null; svg.classList.remove("panning"); });
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    zoomAt(ev.clientX - r.left, ev.clientY - r.top, Math.exp(-ev.deltaY * 0.0015));
  }, { passive: false });
  svg.addEventListener("keydown", function (ev) {
    var g = ev.target.closest ? ev.target.closest(".node") : null;
    if (g && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); select(g.getAttribute("data-id")); }
  });
  document.getElementById("zoom-in").addEventListener("click", function () { var z = size(); zoomAt(z.w / 2, z.h / 2, 1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { var z = size(); zoomAt(z.w / 2, z.h / 2, 0.8); });
  document.getElementById("fit").addEventListener("click", fit);

  // -- filters and status ----------------------------------------------------
  var hiddenTypes = {};
  var statusEl = document.getElementById("status");
  function applyFilters() {
    nodes.forEach(function (n) { n.hidden = !!hiddenTypes[n.d.type]; n.el.classList.toggle("off", n.hidden); });
    var shownEdges = 0;
    edges.forEach(function (e) {
      var off = e.s.hidden || e.t.hidden;
      e.el.classList.toggle("off", off);
      if (!off) shownEdges++;
    });
    placeEdgeLabels();
    var shown = nodes.filter(function (n) { return !n.hidden; }).length;
    statusEl.textContent = shown + " of " + nodes.length + " nodes shown \u00b7 " + shownEdges + " relationships";
    if (search.value) runSearch(false);
  }
  function setTypeVisible(type, visible) {
    if (visible) delete hiddenTypes[type]; else hiddenTypes[type] = true;
    var box = document.querySelector('#legend input[data-type="' + CSS.escape(type) + '"]');
    if (box) box.checked = !!visible;
    applyFilters();
  }

  // -- legend ----------------------------------------------------------------
  function buildLegend() {
    var legend = document.getElementById("legend");
    var center = byId[DATA.center];
    legend.appendChild(h("h3", "", "Node types"));
    var counts = {};
    nodes.forEach(function (n) { counts[n.d.type] = (counts[n.d.type] || 0) + 1; });
    TYPE_ORDER.forEach(function (type) {
      var st = styleOf(type), label = h("label");
      var box = h("input");
      box.type = "checkbox";
      box.checked = true;
      box.setAttribute("data-type", type);
      box.addEventListener("change", function () { setTypeVisible(type, box.checked); });
      label.appendChild(box);
      label.appendChild(swatch(st.shape, st.color, false));
      label.appendChild(h("span", "", st.plural));
      label.appendChild(h("span", "count", counts[type] || 0));
      legend.appendChild(label);
    });
    legend.appendChild(h("h3", "", "Marks"));
    var key = h("div", "key");
    key.appendChild(swatch("circle", "#888", true));
    key.appendChild(h("span", "", "Red ring and S: sanctioned (an active listing)"));
    legend.appendChild(key);
    var more = h("div", "key");
    more.appendChild(h("span", "more-key", "+N more"));
    more.appendChild(h("span", "", "links not drawn (at most " + DATA.maxNeighbours + " new neighbours per node and relationship type)"));
    legend.appendChild(more);
    legend.appendChild(h("h3", "", "This view"));
    legend.appendChild(h("p", "", nodes.length + " nodes within " + DATA.hops + " hop" + (DATA.hops === 1 ? "" : "s") + " of " +
      (center ? center.d.caption : DATA.center) + ". Countries, programs and authorities lead only to each other."));
    if (DATA.truncated) {
      legend.appendChild(h("p", "", "The limit of " + DATA.maxNodes + " nodes was reached: some nodes within reach are not drawn."));
    }
    legend.appendChild(h("p", "", "Wheel: zoom. Drag the background: pan. Drag a node: move it. Click a node: its card."));
    legend.appendChild(h("p", "", "Graph built " + (DATA.builtAt || "?") + "; view written " + DATA.generatedAt +
      " by kgraph " + DATA.kgraph + "."));
  }

  // -- card ------------------------------------------------------------------
  var cardEl = document.getElementById("card");
  var selected = null;
  function provText(p) { return [p.source, p.record, p.snapshot].filter(Boolean).join(" \u00b7 "); }
  function section(title) { cardEl.appendChild(h("h3", "", title)); }
  function dl(rows) { // rows: [label, text]
    var list = h("dl");
    rows.forEach(function (r) { list.appendChild(h("dt", "", r[0])); list.appendChild(h("dd", "", r[1])); });
    cardEl.appendChild(list);
  }
  function text(v) { return Array.isArray(v) ? v.join(", ") : v === true ? "yes" : v === false ? "no" : String(v); }
  function nodeLink(id, caption) { // a button that selects a node of the view, or plain text when it is not drawn
    if (!byId[id]) return h("span", "", caption || id);
    var b = h("button", "link", caption || byId[id].d.caption);
    b.type = "button";
    b.title = id;
    b.addEventListener("click", function () { select(id); centreOn(byId[id]); });
    return b;
  }
  function flightEnd(e) {
    if (!e || !e.id) return "?";
    return (e.name || e.id) + (e.type === "Country" ? " (country only)" : e.country ? " (" + e.country + ")" : "");
  }
  function renderCard(n) {
    var d = n.d, c = d.card, st = styleOf(d.type);
    cardEl.textContent = "";
    cardEl.setAttribute("data-id", n.id);
    var close = h("button", "close", "\u00d7");
    close.type = "button";
    close.title = "Close";
    close.addEventListener("click", function () { select(null); });
    cardEl.appendChild(close);
    var type = h("div", "type");
    type.appendChild(swatch(st.shape, st.color, false));
    var where = d.depth ? d.depth + " hop" + (d.depth > 1 ? "s" : "") + " away" : "centre of this view";
    type.appendChild(h("span", "", st.label + " \u00b7 " + where));
    cardEl.appendChild(type);
    cardEl.appendChild(h("h2", "", d.caption));
    if (d.sanctioned) cardEl.appendChild(h("span", "sanctioned", "SANCTIONED"));
    cardEl.appendChild(h("div", "id", d.id));
    if (c.names.length > 1 || (c.names.length === 1 && c.names[0].name !== d.caption)) {
      section("Names");
      var ul = h("ul");
      c.names.forEach(function (x) {
        var li = h("li", "", x.name);
        li.appendChild(h("span", "src", " " + [x.kind, (x.scripts || []).join("/")].filter(Boolean).join(", ")));
        ul.appendChild(li);
      });
      cardEl.appendChild(ul);
    }
    if (c.merged && c.merged.length) { // the node's records that the resolver made one, and why (worded in Python)
      section("Merged records");
      var merged = h("ul");
      c.merged.forEach(function (m) { merged.appendChild(h("li", "", m.line)); });
      cardEl.appendChild(merged);
    }
    if (c.identifiers.length) {
      section("Identifiers");
      var grouped = [], at = {};
      c.identifiers.forEach(function (x) {
        if (!(x.label in at)) { at[x.label] = grouped.length; grouped.push([x.label, []]); }
        grouped[at[x.label]][1].push(String(x.value));
      });
      dl(grouped.map(function (g) { return [g[0], g[1].join(", ")]; }));
    }
    if (c.listings.length) {
      section("Listings");
      c.listings.forEach(function (l) {
        var box = h("div", "listing");
        box.appendChild(h("div", "program", l.program || l.program_id));
        if (l.authority) box.appendChild(h("div", "", l.authority));
        var when = [];
        if (l.listingDate) when.push("listed " + l.listingDate);
        else if (l.firstSeen) when.push("first seen " + l.firstSeen);
        else when.push("date not stated");
        if (l.startDate) when.push("from " + l.startDate);
        if (l.endDate) when.push("until " + l.endDate);
        if (l.status) when.push(l.status);
        box.appendChild(h("div", "", when.join(" \u00b7 ")));
        if (l.decree) box.appendChild(h("div", "", text(l.decree)));
        (l.sources || []).forEach(function (p) { box.appendChild(h("div", "src", "source: " + provText(p))); });
        if (l.sourceUrl) box.appendChild(h("div", "src", text(l.sourceUrl)));
        cardEl.appendChild(box);
      });
    }
    var details = Object.keys(c.details || {});
    if (details.length) { section("Details"); dl(details.map(function (k) { return [c.details[k].label, text(c.details[k].value)]; })); }
    if (c.registrations) {
      section("Registrations");
      var regs = h("ul");
      c.registrations.forEach(function (r) {
        var span = (r.validFrom || "?") + " .. " + (r.validUntil || (r.current ? "now" : "?"));
        var li = h("li", "", (r.tail || "") + " " + span + (r.current ? " (on a civil register)" : ""));
        li.appendChild(h("div", "src", "source: " + (r.sources || []).map(provText).join("; ")));
        regs.appendChild(li);
      });
      cardEl.appendChild(regs);
    }
    function nodeList(items, describe) { // one line per node: its name (a link when drawn), then what is said of it
      var ul = h("ul");
      items.forEach(function (a) {
        var li = h("li");
        li.appendChild(nodeLink(a.id, a.caption));
        li.appendChild(document.createTextNode(describe(a)));
        ul.appendChild(li);
      });
      cardEl.appendChild(ul);
    }
    if (c.aircraft) {
      section("Aircraft (" + c.aircraft.length + ")");
      nodeList(c.aircraft, function (a) { // what the airframe is, how it is tied (with the resolver's score)
        var what = (a.model || []).slice(0, 1).concat((a.msn || []).slice(0, 1).map(function (m) { return "MSN " + m; }));
        var how = (a.relationships || []).join("/").toLowerCase().replace(/_/g, " ") +
          (typeof a.score === "number" ? " (score " + a.score.toFixed(2) + ")" : "");
        return (what.length ? " \u00b7 " + what.join(", ") : "") + " \u00b7 " + how + (a.sanctioned ? " \u00b7 sanctioned" : "");
      });
    }
    function someOf(shown, total) { return shown === total ? String(total) : shown + " of " + total.toLocaleString("en"); }
    function perType(counts) { // "Person 12,052, Organization 9,863"
      cardEl.appendChild(h("p", "", counts.map(function (t) { return t.type + " " + t.count.toLocaleString("en"); }).join(", ")));
    }
    if (c.listed) {
      section("Listed under it (" + c.listed.total.toLocaleString("en") + ")");
      perType(c.listed.by_type);
      section("Latest designations (" + someOf(c.listed.latest.length, c.listed.total) + ")");
      nodeList(c.listed.latest, function (e) {
        return " \u00b7 " + e.type + " \u00b7 " + (e.listingDate || (e.firstSeen ? "first seen " + e.firstSeen : "date not stated"));
      });
    }
    if (c.located_here) {
      var here = c.located_here;
      section("Located here (" + here.total.toLocaleString("en") + ")");
      perType(here.by_type);
      if (here.sanctioned.length) {
        section("Sanctioned and located here (" + someOf(here.sanctioned.length, here.sanctioned_total) + ")");
        nodeList(here.sanctioned, function (e) { return " \u00b7 " + e.type + (e.role ? " \u00b7 " + e.role : ""); });
      }
    }
    if (c.sanctioned_aircraft_here) {
      section("Sanctioned aircraft flying to or from here (" +
        someOf(c.sanctioned_aircraft_here.length, c.sanctioned_aircraft_total || c.sanctioned_aircraft_here.length) + ")");
      nodeList(c.sanctioned_aircraft_here, function (a) {
        return " \u00b7 " + a.flights + (a.flights === 1 ? " flight" : " flights") + ", last " + (a.last || "date unknown");
      });
    }
    if (c.flights) {
      section("Latest flights (" + someOf(c.flights.length, c.flights_total || c.flights.length) + ")");
      var fl = h("ul");
      c.flights.forEach(function (f) {
        var li = h("li", "", (f.departureDate || "date unknown") + ": " + flightEnd(f.from) + " \u2192 " + flightEnd(f.to) +
          (f.aircraft_caption ? " \u00b7 " + f.aircraft_caption + (f.aircraft_sanctioned ? " (sanctioned)" : "") : ""));
        li.appendChild(h("div", "src", "source: " + ((f.citation || []).join("; ") || (f.sources || []).map(provText).join("; "))));
        fl.appendChild(li);
      });
      cardEl.appendChild(fl);
    }
    if (c.countries_visited) {
      section("Countries visited");
      cardEl.appendChild(h("p", "", c.countries_visited.map(function (x) {
        return x.name + " (" + x.visits + (x.last ? ", last " + x.last : "") + ")";
      }).join(", ")));
    }
    if (n.edges.length) {
      section("Links in this view");
      var links = h("ul");
      n.edges.slice().sort(function (a, b) {
        return a.d.label < b.d.label ? -1 : a.d.label > b.d.label ? 1 : 0;
      }).forEach(function (e) {
        var out = e.s === n, other = out ? e.t : e.s, li = h("li");
        var b = nodeLink(other.id);
        if (out) { li.appendChild(document.createTextNode(e.d.label + " \u2192 ")); li.appendChild(b); }
        else { li.appendChild(b); li.appendChild(document.createTextNode(" \u2192 " + e.d.label + " \u2192 this")); }
        var extra = Object.keys(e.d.props || {}).map(function (k) { return k + ": " + e.d.props[k]; });
        if (extra.length) li.appendChild(h("div", "src", extra.join("; ")));
        if (e.d.source) li.appendChild(h("div", "src", "source: " + provText(e.d)));
        links.appendChild(li);
      });
      cardEl.appendChild(links);
    }
    if (d.more > 0) {
      var note = h("p", "note", d.more + " more link" + (d.more > 1 ? "s" : "") + " not drawn here. Centre a view on this node: ");
      note.appendChild(h("code", "", "kgraph view " + d.id));
      cardEl.appendChild(note);
    }
    if (c.sources.length) {
      section("Sources");
      var srcs = h("ul");
      c.sources.forEach(function (p) { srcs.appendChild(h("li", "src", provText(p))); });
      cardEl.appendChild(srcs);
    }
    cardEl.hidden = false;
  }
  function select(id) {
    if (selected) {
      selected.el.classList.remove("sel");
      selected.edges.forEach(function (e) { e.el.classList.remove("sel"); e.path.setAttribute("marker-end", "url(#arrow)"); });
    }
    selected = id ? byId[id] || null : null;
    if (!selected) { cardEl.hidden = true; cardEl.removeAttribute("data-id"); return; }
    selected.el.classList.add("sel");
    selected.edges.forEach(function (e) { e.el.classList.add("sel"); e.path.setAttribute("marker-end", "url(#arrow-sel)"); });
    renderCard(selected);
  }

  // -- search ----------------------------------------------------------------
  var search = document.getElementById("search");
  var searchStatus = document.getElementById("search-status");
  function norm(text) { return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function compact(text) { return norm(text).replace(/[^\p{L}\p{N}]+/gu, ""); }
  nodes.forEach(function (n) {
    n.terms = n.d.search.map(norm);
    n.compactTerms = n.d.search.map(compact);
  });
  var matches = [], cursor = -1;
  function findMatches(query) {
    var q = norm(query).trim(), qc = compact(query);
    if (!q) return [];
    var found = [];
    nodes.forEach(function (n) {
      if (n.hidden) return;
      var exact = n.compactTerms.indexOf(qc) >= 0;
      var hit = exact || n.terms.some(function (t) { return t.indexOf(q) >= 0; }) ||
        (qc && n.compactTerms.some(function (t) { return t.indexOf(qc) >= 0; }));
      if (hit) found.push({ n: n, exact: exact });
    });
    found.sort(function (a, b) {
      return (b.exact - a.exact) || (a.n.d.depth - b.n.d.depth) ||
        (TYPE_ORDER.indexOf(a.n.d.type) - TYPE_ORDER.indexOf(b.n.d.type)) || (a.n.id < b.n.id ? -1 : 1);
    });
    return found.map(function (f) { return f.n; });
  }
  function runSearch(centre) {
    nodes.forEach(function (n) { n.el.classList.remove("match"); });
    matches = findMatches(search.value);
    cursor = matches.length ? 0 : -1;
    matches.forEach(function (n) { n.el.classList.add("match"); });
    searchStatus.textContent = !search.value.trim() ? "" :
      matches.length ? matches.length + " match" + (matches.length > 1 ? "es" : "") : "no match";
    if (centre && matches.length) centreOn(matches[0]);
  }
  search.addEventListener("input", function () { runSearch(true); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { search.value = ""; runSearch(false); return; }
    if (ev.key !== "Enter" || !matches.length) return;
    ev.preventDefault();
    var n = matches[cursor];
    centreOn(n);
    select(n.id);
    cursor = (cursor + 1) % matches.length;
  });

  // -- start -----------------------------------------------------------------
  var center = byId[DATA.center];
  document.getElementById("heading").textContent = (center ? center.d.caption + " (" + DATA.center + ")" : DATA.center) +
    ", " + DATA.hops + " hop" + (DATA.hops === 1 ? "" : "s");
  layout(hashString(DATA.center + "|" + DATA.hops));
  place();
  buildLegend();
  applyFilters();
  if (center) select(center.id); // the card first: it narrows the stage that fit() fills
  fit();

  /* For the console and for tests: read the state, drive the view. */
  window.kgraphView = {
    data: DATA,
    ready: true,
    select: select,
    search: function (q) { search.value = q; runSearch(true); return matches.map(function (n) { return n.id; }); },
    setTypeVisible: setTypeVisible,
    matches: function () { return matches.map(function (n) { return n.id; }); },
    selected: function () { return selected ? selected.id : null; },
    visibleNodeIds: function () { return nodes.filter(function (n) { return !n.hidden; }).map(function (n) { return n.id; }); },
    positions: function () { var o = {}; nodes.forEach(function (n) { o[n.id] = [n.x, n.y]; }); return o; },
    transform: function () { return { k: view.k, x: view.x, y: view.y }; },
    fit: fit
  };
})();
