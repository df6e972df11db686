"""The interactive view: one self-contained HTML file showing the neighbourhood of a node.

:func:`view` writes the file; :func:`view_data` returns what it shows as a
plain dict (for tests and other front ends). The page needs no network: the
viewer's JavaScript and CSS (``viewer.js``, ``viewer.css`` beside this file)
and the data (JSON in a ``<script type="application/json">`` block) are all
inside it, and its Content-Security-Policy forbids every fetch.

What is drawn: the nodes within ``hops`` relationships of the node, found by
a breadth-first walk over the embedded store with parameterised Cypher, with
two protections against an unreadable hairball:

* **hub types** (:data:`kgraph.graph.analysis.HUB_TYPES`: Country, Program,
  Authority) are reached but lead only to other hub nodes: sharing a country
  or a program with a thousand other entities is not a link worth drawing
  (a Program still shows the Authority that issues it);
* **caps**: at most ``max_neighbours`` new nodes are drawn per node and
  relationship type (sanctioned ones first, then by type, flights most
  recent first), and ``max_nodes`` in all. A node whose links were not all
  drawn carries a "+N more" note.

Every node carries its card (names, identifiers, listings with their
sources, details, the node's own sources), built from the store here.

Example
-------
>>> import kgraph                                      # doctest: +SKIP
>>> kgraph.view("ofac-40181", hops=2, out="aviacon.html")  # doctest: +SKIP
PosixPath('aviacon.html')
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import KgraphError, NotFound
from ..graph.tables import rel_assertions

__all__ = ["view", "view_data", "render_html", "write_html", "TYPE_STYLE", "MAX_NODES", "MAX_NEIGHBOURS"]

#: default limits: nodes drawn in all, and new neighbours drawn per node and relationship type
MAX_NODES = 200
MAX_NEIGHBOURS = 12

#: node type -> (shape, colour), in the order neighbours are preferred when a node's links are capped.
#: Colours are told apart by shape too (colour-blind readers, grey-scale prints); red is kept for sanctions.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "Organization": ("circle", "#0072B2"),
    "Person": ("triangle", "#CC79A7"),
    "Airplane": ("diamond", "#E69F00"),
    "Vessel": ("triangle-down", "#56B4E9"),
    "Program": ("square", "#009E73"),
    "Authority": ("hexagon", "#4D4D4D"),
    "Identifier": ("star", "#8C8C8C"),
    "Address": ("pentagon", "#A6761D"),
    "Registration": ("tag", "#B8A200"),
    "Airport": ("cross", "#7570B3"),
    "Flight": ("chevron", "#6BAED6"),
    "Country": ("octagon", "#99C794"),
}
_FALLBACK_STYLE = ("circle", "#777777")
_RANK = {t: i for i, t in enumerate(TYPE_STYLE)}
#: name properties, in the order `kgraph show` lists them (kgraph.card); other names follow as "other"
_NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "firstName", "lastName")
_BUILTINS = frozenset({"id", "type", "caption", "names", "sanctioned", "sources"})
#: sections of the `kgraph show` card added to the centre's card (the others are built for every node here)
_CENTER_SECTIONS = ("registrations", "aircraft", "listed", "located_here", "sanctioned_aircraft_here",
                    "sanctioned_aircraft_total", "flights", "flights_total", "countries_visited")

# Every per-node query starts from one id of a known label, so the store finds it by its primary key: an
# `id IN $ids` filter on an unlabelled pattern scans every table instead (2 s instead of 0.1 s at 1M nodes).
# Labels put into the text come from the schema only; ids are always parameters.
_NEIGHBOURS = ("MATCH (a:{label})-[r]-(b) WHERE a.id = $id{only} RETURN DISTINCT label(r), b.id, b.type, "
               "b.sanctioned, coalesce(b.departureDate, b.arrivalDate)")
_DEGREE = "MATCH (a:{label})-[]-(b) WHERE a.id = $id AND b.id <> $id RETURN count(DISTINCT b.id)"
# one query per type, each id by its primary key: `n.id IN $ids` on the unlabelled pattern scanned every table
# that can be listed (0.15-0.19 s for an operator's hundred aircraft at full size; 5-30 ms this way)
_LISTINGS = ("UNWIND $ids AS i MATCH (n:{label} {{id: i}})-[r:SANCTIONED_UNDER]->(p:Program) "
             "OPTIONAL MATCH (p)-[:ISSUED_BY]->(a:Authority) "
             "RETURN n.id AS node, a.caption AS authority, a.id AS authority_id, p.caption AS program, "
             "p.id AS program_id, r.listingDate AS listingDate, r.firstSeen AS firstSeen, r.startDate AS startDate, "
             "r.endDate AS endDate, r.status AS status, r.decree AS decree, r.sourceUrl AS sourceUrl, "
             "r.sources AS sources, r.source AS _source, r.record AS _record, r.snapshot AS _snapshot "
             "ORDER BY node, authority, program")


def _rank_candidates(cands: list[tuple[str, str, bool, str]]) -> list[tuple[str, str, bool, str]]:
    """Neighbours ``(id, type, sanctioned, date)`` in the order they are drawn: sanctioned, by type, latest, by id."""
    out = sorted(cands, key=lambda c: c[0])
    out.sort(key=lambda c: c[3], reverse=True)  # flights (and anything dated): latest first
    out.sort(key=lambda c: (not c[2], _RANK.get(c[1], len(_RANK))))
    return out


def _interleave(lists: list[list]) -> list:
    """Round robin over lists: ``[[1, 2, 3], [4]] -> [1, 4, 2, 3]``."""
    out = []
    for i in range(max(map(len, lists), default=0)):
        out.extend(lst[i] for lst in lists if i < len(lst))
    return out


def _cypher(template: str, label: str, **parts: str) -> str:
    """A query for nodes of one type: the label must be a schema node type (never data)."""
    from ..schema import schema

    if label not in schema().nodes:
        raise KgraphError(f"unknown node type {label!r} in the store")
    return template.format(label=label, **parts)


def _walk(store, center: str, hops: int, max_nodes: int, max_neighbours: int) -> tuple[dict, dict, dict]:
    """Breadth-first walk with the hub rule and the caps; returns depth, parent (via) and type per node id.

    A node's new neighbours are capped per relationship type, so that 500
    flights do not crowd out an aircraft's registration or an operator's
    programs. When ``max_nodes`` runs out mid-level, the level is filled
    round robin (over nodes, and over each node's relationship types), so no
    one node takes the whole budget.
    """
    from ..graph.analysis import HUB_TYPES
    from ..graph.query import node_label
    from ..schema import schema

    rel_rank = {name: i for i, name in enumerate(schema().rels)}
    center_type = node_label(store.query, center)
    if center_type is None:
        raise NotFound(f"no node with id {center!r} in the graph; find ids with `kgraph lookup NAME`")
    depth, via, kind = {center: 0}, {center: None}, {center: center_type}
    frontier = [center]
    for d in range(hops):
        # a -> b -> [relationship types joining them, b's type, sanctioned, date]
        cands: dict[str, dict[str, list]] = {}
        for a in frontier:
            hub = a != center and kind[a] in HUB_TYPES  # a hub leads only to other hubs
            only = " AND b.type IN $types" if hub else ""
            params = {"id": a, "types": sorted(HUB_TYPES)} if hub else {"id": a}
            for rel, b, b_type, sanctioned, when in store.query(_cypher(_NEIGHBOURS, kind[a], only=only), params)[1]:
                if b != a and b not in depth:
                    entry = cands.setdefault(a, {}).setdefault(b, [set(), b_type, bool(sanctioned), when or ""])
                    entry[0].add(rel)
        picks = []
        for a in frontier:
            groups: dict[str, list] = {}
            for b, (rels, b_type, sanctioned, when) in cands.get(a, {}).items():
                rel = min(rels, key=lambda r: rel_rank.get(r, len(rel_rank)))  # b counts under its first type
                groups.setdefault(rel, []).append((b, b_type, sanctioned, when))
            ranked = [[(a, c[0], c[1]) for c in _rank_candidates(groups[rel])[:max_neighbours]]
                      for rel in sorted(groups, key=lambda r: rel_rank.get(r, len(rel_rank)))]
            picks.append(_interleave(ranked))
        nxt = []
        for a, b, b_type in _interleave(picks):
            if len(depth) >= max_nodes:
                break
            if b not in depth:
                depth[b], via[b], kind[b] = d + 1, a, b_type
                nxt.append(b)
        frontier = nxt
        if not frontier:
            break
    return depth, via, kind


def _records(store, kind: dict[str, str]) -> tuple[list, list, dict[str, int]]:
    """The nodes' stored records, the relationships among them, and each node's number of distinct neighbours.

    Returns ``[(type, {column: value})]`` by id, ``[(rel, start, end, {column: value})]`` sorted, and
    ``{id: degree}``; null values are left out.
    """
    from ..graph.tables import node_columns, rel_columns
    from ..schema import schema

    rels = schema().rels
    node_q: dict[str, tuple[str, list]] = {}
    rel_q: dict[str, list[tuple[str, str, list]]] = {}
    for label in set(kind.values()):
        cols = node_columns(label)
        node_q[label] = (_cypher("MATCH (n:{label}) WHERE n.id = $id RETURN " + ", ".join(f"n.{c.name}" for c in cols),
                                 label), cols)
        rel_q[label] = []
        for name, rel in rels.items():
            if any(a == label for a, _ in rel.between):
                rcols = rel_columns(name)
                text = f"MATCH (x:{{label}})-[r:{name}]->(y) WHERE x.id = $id RETURN y.id, " + \
                    ", ".join(f"r.{c.name}" for c in rcols)
                rel_q[label].append((name, _cypher(text, label), rcols))
    nodes, edges, degree = [], [], {}
    for nid in sorted(kind):
        label = kind[nid]
        text, cols = node_q[label]
        row = store.query(text, {"id": nid})[1][0]
        nodes.append((label, {c.name: v for c, v in zip(cols, row) if v is not None}))
        for name, text, rcols in rel_q[label]:
            for end, *values in store.query(text, {"id": nid})[1]:
                if end in kind:
                    edges.append((name, nid, end, {c.name: v for c, v in zip(rcols, values) if v is not None}))
        degree[nid] = store.query(_cypher(_DEGREE, label), {"id": nid})[1][0][0]
    edges.sort(key=lambda e: (e[0], e[1], e[2]))
    return nodes, edges, degree


def _json_list(value: Any) -> list:
    if not value:
        return []
    try:
        out = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return out if isinstance(out, list) else []


def _values(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, float):
        return [f"{value:g}"]
    return [str(value)]


def _provs(value: Any) -> list[dict[str, Any]]:
    """Provenance entries as {source, record, snapshot}, as the card lists them."""
    return [{"source": p.get("source"), "record": p.get("record"), "snapshot": p.get("snapshot")}
            for p in _json_list(value) if isinstance(p, dict)]


def _listings(store, kind: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each node's listings (``kind``: node id -> type), in the shape of the card's ``listings``."""
    from ..schema import schema

    listed = {a for a, _ in schema().rels["SANCTIONED_UNDER"].between}
    by_type: dict[str, list[str]] = {}
    for nid, label in sorted(kind.items()):
        if label in listed:
            by_type.setdefault(label, []).append(nid)
    out: dict[str, list[dict[str, Any]]] = {}
    for label, ids in sorted(by_type.items()):
        columns, rows = store.query(_cypher(_LISTINGS, label), {"ids": ids})
        for row in rows:
            entry = dict(zip(columns, row))
            entry["sources"] = rel_assertions(entry["sources"], entry.pop("_source"), entry.pop("_record"),
                                              entry.pop("_snapshot"))
            out.setdefault(entry.pop("node"), []).append(entry)
    return out


def _card(node_type: str, rec: dict[str, Any], listings: list[dict[str, Any]]) -> dict[str, Any]:
    """The node's card in the shape of ``kgraph show`` (:func:`kgraph.card.show`): names with their kind and
    scripts, identifiers, details, listings, sources; built from the node's stored record."""
    from ..card import scripts_of
    from ..schema import schema

    spec = schema().nodes.get(node_type)
    props = {k: v for k, v in rec.items() if k not in _BUILTINS}

    def listed(value: Any) -> list:
        return value if isinstance(value, list) else [value] if value not in (None, "") else []

    names = []
    for prop in _NAME_PROPS:
        for v in listed(props.get(prop)):
            names.append({"name": v, "kind": prop, "scripts": scripts_of(v)})
    for v in rec.get("names") or []:
        if not any(x["name"] == v for x in names):
            names.append({"name": v, "kind": "other", "scripts": scripts_of(v)})
    keys = spec.identifiers if spec else []
    identifiers = [{"property": p, "label": spec.properties[p].label, "value": v} for p in keys for v in listed(props.get(p))]
    details = {}
    for prop, v in props.items():
        if v in (None, [], "") or prop in _NAME_PROPS or prop in keys:
            continue
        details[prop] = {"label": spec.properties[prop].label if spec and prop in spec.properties else prop, "value": v}
    return {"names": names, "identifiers": identifiers, "details": details, "listings": listings,
            "sources": _provs(rec.get("sources"))}


def _style(node_type: str) -> dict[str, str]:
    from ..schema import schema

    shape, colour = TYPE_STYLE.get(node_type, _FALLBACK_STYLE)
    spec = schema().nodes.get(node_type)
    return {"label": spec.label if spec else node_type, "plural": spec.plural if spec else node_type,
            "shape": shape, "color": colour}


def view_data(node_id: str, *, hops: int = 2, datadir=None, max_nodes: int = MAX_NODES,
              max_neighbours: int = MAX_NEIGHBOURS) -> dict[str, Any]:
    """The neighbourhood of ``node_id`` as the view shows it: nodes with their cards, relationships, legend.

    Parameters
    ----------
    node_id : str
        Id of the node in the middle (``ofac-40181``), or anything
        :func:`kgraph.lookup` finds exactly (``RA-78765``): the data then has
        ``found_by`` (see :func:`kgraph.show`).
    hops : int
        How many relationships away from it to go.
    datadir : DataDir or path, optional
        Whose current graph to read (the default data directory when None).
    max_nodes, max_neighbours : int
        At most this many nodes in all, and new neighbours per node and relationship type.

    Returns
    -------
    dict
        ``center``, ``hops``, ``types`` (legend: label, plural, shape, colour),
        ``rels`` (relationship type -> label), ``nodes`` (id, type, caption,
        sanctioned, depth, via, more, search terms, card), ``edges`` (start
        ``s``, end ``t``, type, label, source, record, sources, props) and
        ``truncated`` (the node limit was reached).

    Raises
    ------
    NotFound
        No node has this id, and lookup finds none exactly. NoGraph: no graph is built.
    """
    from ..find import found_by

    return found_by(node_id, lambda nid: _view_data(nid, hops, datadir, max_nodes, max_neighbours), datadir=datadir)


def _view_data(node_id: str, hops: int, datadir, max_nodes: int, max_neighbours: int) -> dict[str, Any]:
    from .. import __version__
    from ..datadir import DataDir
    from ..graph import open_store
    from ..schema import schema

    if hops < 0:
        raise KgraphError(f"hops must be 0 or more, not {hops}")
    if max_nodes < 1 or max_neighbours < 1:
        raise KgraphError("max_nodes and max_neighbours must be at least 1")
    dd = DataDir.of(datadir)
    with open_store(datadir=dd) as store:
        depth, via, kind = _walk(store, node_id, hops, max_nodes, max_neighbours)
        node_records, rel_records, degree = _records(store, kind)
        listings = _listings(store, kind)
        built_at = store.build_info().get("built_at")
    sch = schema()
    edges, shown = [], {}
    for rel, start, end, rec in rel_records:
        spec = sch.rels.get(rel)
        props = {p.label: ", ".join(_values(rec[name])) for name, p in (spec.properties.items() if spec else ())
                 if rec.get(name) is not None and p.type != "json"}
        edges.append({"s": start, "t": end, "type": rel, "label": spec.label if spec else rel,
                      "source": rec.get("source"), "record": rec.get("record"), "sources": rel_assertions(rec.get("sources"), rec.get("source"), rec.get("record"), rec.get("snapshot")),
                      "props": props})
        if start != end:
            shown.setdefault(start, set()).add(end)
            shown.setdefault(end, set()).add(start)
    nodes = []
    for node_type, rec in node_records:
        nid = rec["id"]
        card = _card(node_type, rec, listings.get(nid, []))
        terms = [nid, rec.get("caption") or "", *(x["name"] for x in card["names"]),
                 *(str(x["value"]) for x in card["identifiers"])]
        nodes.append({"id": nid, "type": node_type, "caption": rec.get("caption") or nid,
                      "sanctioned": bool(rec.get("sanctioned")), "depth": depth[nid], "via": via[nid],
                      "more": max(0, degree.get(nid, 0) - len(shown.get(nid, ()))),
                      "search": list(dict.fromkeys(t for t in terms if t)), "card": card})
    nodes.sort(key=lambda n: (n["depth"], _RANK.get(n["type"], len(_RANK)), n["id"]))
    # the centre's card also gets what `kgraph show` adds beyond the record (one call: ~1 s at 1M nodes)
    from ..card import show

    full = show(node_id, datadir=dd)
    nodes[0]["card"].update({k: full[k] for k in _CENTER_SECTIONS if full.get(k)})
    # every drawn node's card says which records were merged into it, and why (worded as kgraph show words it,
    # not again in JavaScript)
    from ..merges import merge_line, why_merged_all

    cards = {n["id"]: n["card"] for n in nodes}
    for nid, merges in why_merged_all(list(cards), datadir=dd).items():
        for m in merges:
            m["line"] = merge_line(m)
        cards[nid]["merged"] = merges
    present = {n["type"] for n in nodes}
    return {
        "version": 1, "kgraph": __version__, "builtAt": built_at,
        "generatedAt": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "center": node_id, "hops": hops, "maxNodes": max_nodes, "maxNeighbours": max_neighbours,
        "truncated": len(depth) >= max_nodes,
        "types": {t: _style(t) for t in [*TYPE_STYLE, *sorted(present - set(TYPE_STYLE))] if t in present},
        "rels": {name: r.label for name, r in sch.rels.items()},
        "nodes": nodes, "edges": edges,
    }


def _script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` block: no ``</script>``, ``<!--`` or line separators can end or bend it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    # a lone surrogate cannot be written as UTF-8: keep it as a JSON escape
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _asset(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def render_html(data: dict[str, Any]) -> str:
    """The complete HTML page for :func:`view_data` output (nothing outside it is loaded)."""
    js, css, template = _asset("viewer.js"), _asset("viewer.css"), _asset("template.html")
    if "</script" in js.lower() or "</style" in css.lower():
        raise KgraphError("viewer assets must not contain a closing </script> or </style> tag")
    center = next((n for n in data["nodes"] if n["id"] == data["center"]), None)
    title = f"{center['caption'] if center else data['center']} ({data['center']}) - kgraph view"
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    subs = {"title": html.escape(title), "css": css, "js": js, "data": _script_json(data),
            "script_hash": f"'sha256-{digest}'"}
    # one pass: text put in is never scanned again for placeholders
    return re.sub(r"\{\{(\w+)\}\}", lambda m: subs[m.group(1)], template)


def view(node_id: str, *, hops: int = 2, out: str | Path | None = None, datadir=None, max_nodes: int = MAX_NODES,
         max_neighbours: int = MAX_NEIGHBOURS) -> Path:
    """Write the interactive HTML view of the neighbourhood of ``node_id``; returns the file's path.

    ``out`` defaults to ``kgraph-view-<id>.html`` in the current directory.
    The file is written atomically. See :func:`view_data` for the other
    parameters.

    Example (``dd``: a data directory holding the demo graph; ``tmp``: an empty folder)
    -------
    >>> kgraph.view("ofac-40181", out=tmp / "aviacon.html", datadir=dd).name
    'aviacon.html'
    """
    from ..datadir import output_path

    path = None if out is None else output_path(out)  # a mistyped -o fails before the graph is read
    data = view_data(node_id, hops=hops, datadir=datadir, max_nodes=max_nodes, max_neighbours=max_neighbours)
    return write_html(data, path)


def write_html(data: dict[str, Any], out: str | Path | None = None) -> Path:
    """Render :func:`view_data` output and write it atomically to ``out`` (default ``kgraph-view-<id>.html``)."""
    from ..datadir import atomic_write, output_path

    if out is None:
        out = f"kgraph-view-{re.sub(r'[^A-Za-z0-9_.-]+', '_', data['center'])}.html"
    path = output_path(out)
    atomic_write(path, render_html(data))
    return path
