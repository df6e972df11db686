"""Merged nodes and edges -> typed table rows, fast (the last step of :func:`kgraph.graph.build.build_tables`).

At full size this turns ~1M nodes and ~3M edges into rows, so the per-value
work is kept to a C-level check (``str.isprintable``) with the general
:func:`kgraph.graph.tables.coerce` only for the values that need it, and the
provenance JSON is assembled from cached pieces instead of ``json.dumps``
per row (same text, ~5x faster).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Callable

from ..model import Provenance
from ..schema import NODE_COLUMNS, schema
from .tables import GraphTables, RelTable, clean_text, coerce, rel_columns, release_free_memory

__all__ = ["prov_json", "converter", "node_names", "NAME_PROPS", "to_tables", "edge_row_maker"]

NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
_OTHER_NAMES = {"alias", "weakAlias", "previousName", "firstName", "lastName"}

#: nodes (and edges) made into rows between two returns of the freed C heap (see :func:`to_tables`)
TRIM_EVERY = 250_000

_SAFE = re.compile(r"[\w .,:;/|@+()#&'*-]*").fullmatch  # characters JSON writes as they are
_JSTR: dict[str | None, str] = {None: "null"}


def _jstr(s: str | None) -> str:
    cached = _JSTR.get(s)
    if cached is not None:
        return cached
    return '"' + s + '"' if _SAFE(s) else json.dumps(s, ensure_ascii=False)


def _jconst(s: str | None) -> str:
    """JSON text of a value that repeats (source names, snapshots): cached."""
    v = _JSTR.get(s)
    if v is None:
        v = _JSTR[s] = _jstr(s)
    return v


def prov_json(provs: list[Provenance]) -> str:
    """``[{"source":..,"record":..,"snapshot":..}, ...]``, the text of compact ``json.dumps``.

    >>> prov_json([Provenance("ca_sema", 'Russia / Russie|1, "Part 2"', None)])
    '[{"source":"ca_sema","record":"Russia / Russie|1, \\\\"Part 2\\\\"","snapshot":null}]'
    """
    return "[" + ",".join('{"source":' + _jconst(p.source) + ',"record":' + _jstr(p.record)
                          + ',"snapshot":' + _jconst(p.snapshot) + "}" for p in provs) + "]"


def _text(x: str) -> str:
    return x if x.isprintable() else clean_text(x)


def _strings(v: list[str]) -> list[str] | None:
    """The list itself when every value is clean: a copy per cell was 13% of the build's memory
    (at 0.2 scale, tracemalloc), and no row value or record list is changed once it is in a row."""
    for x in v:
        if not x.isprintable():
            return coerce("strings", v)
    return v if v else None


def _first(v: list[str]) -> str | None:
    x = v[0] if v else None
    if x is None or not x.isprintable():
        return coerce("string", v)
    return x


def converter(kind: str) -> Callable[[Any], Any]:
    """A fast function from a property's list of strings to its stored value."""
    if kind == "strings":
        return _strings
    if kind in ("string", "date", "json"):
        return _first
    return lambda v, _k=kind: coerce(_k, v)


def node_names(node_type: str, props: dict[str, list[str]]) -> list[str]:
    """Every name-like value of a node: names and aliases, first + last name, an airframe's tails."""
    out: dict[str, None] = {}
    for p in NAME_PROPS:
        for v in props.get(p, ()):
            out[v] = None
    firsts, lasts = props.get("firstName"), props.get("lastName")
    if firsts and lasts:
        out[f"{firsts[0]} {lasts[0]}"] = None
    if node_type == "Airplane":
        for p in ("registrationNumber", "previousRegistrationNumber"):
            for v in props.get(p, ()):
                out[v] = None
    elif node_type == "Registration":
        for v in props.get("registrationNumber", ()):
            out[v] = None
    return list(out)


def _sanctioned(edges: dict[tuple[str, str, str], Any], order: Callable[[Any], Any], inactive: frozenset[str]
                ) -> set[str]:
    """The starts of SANCTIONED_UNDER edges whose first status (in ``order``) is not an inactive one."""
    out: set[str] = set()
    for (rel, a, _), asserts in edges.items():
        if rel != "SANCTIONED_UNDER":
            continue
        status = ""
        for x in sorted(asserts, key=order) if asserts.__class__ is list else (asserts,):
            v = x.props.get("status")
            if v:
                status = v[0]
                break
        if status.strip().lower() not in inactive:
            out.add(a)
    return out


def edge_row_maker(rel: str) -> Callable[[str, str, Provenance, dict[str, list[str]]], list]:
    """``make(start, end, prov, props)``: the table row of an edge from its first provenance and its properties.

    :func:`to_tables` makes every edge's row with it (and sets ``sources`` when an edge has several
    provenances); a builder may make an edge's row as it finds the edge (the flights' three million)
    instead of holding a key and an assertion per edge until :func:`to_tables` runs.

    >>> make = edge_row_maker("PERFORMED")
    >>> make("icao24-1533ad", "flightlog-1", Provenance("flightlog", "1", "2026-02-01"), {"matchedBy": ["icao24"]})
    ['icao24-1533ad', 'flightlog-1', 'flightlog', '1', '2026-02-01', None, 'icao24']
    """
    # a row: 6 fixed cells (start, end, source, record, snapshot, sources), then the property columns; a
    # copy of a template of its exact size, as node rows are
    spec = {c.name: (6 + i, converter(c.kind)) for i, c in enumerate(rel_columns(rel)[4:])}
    template = [None] * (6 + len(spec))

    def make(start: str, end: str, prov: Provenance, props: dict[str, list[str]]) -> list:
        row = template.copy()
        row[:5] = (start, end, _text(prov.source), _text(prov.record),
                   None if prov.snapshot is None else _text(prov.snapshot))
        for k, v in props.items():
            hit = spec.get(k)
            if hit is not None:
                row[hit[0]] = hit[1](v)
        return row

    return make


def to_tables(merged: dict[str, Any], types: dict[str, str], edges: dict[tuple[str, str, str], Any],
              edge_order: Callable[[str], Callable[[Any], Any]], inactive: frozenset[str],
              ready: dict[tuple[str, str, str], list[list]] | None = None, ready_at: int = 0
              ) -> tuple[GraphTables, Counter]:
    """Rows for every merged node and accumulated edge; returns the tables and dropped property counts.

    ``edges`` maps (type, start, end) to one assertion or a list of them
    (objects with ``props`` and ``prov``); ``edge_order(type)`` gives the sort
    key that decides which assertion comes first. ``ready`` holds rows
    already made (by :func:`edge_row_maker`) per (type, start type, end type)
    for edges not in ``edges``: their tables come after those of the first
    ``ready_at`` entries of ``edges``, their rows after that table's other
    rows, and the dict is emptied.

    ``merged`` and ``edges`` are consumed (left empty): each entry is popped
    as its row is made, so that the builder's structures are freed while the
    rows grow instead of both being alive at the end (the build's peak).
    The node rows come first (the sanctioned flags are read from the edge map
    beforehand), so each merged node's properties dict is freed while the edge
    map is still whole. ``types`` is emptied at the end.
    ``popitem`` takes the last entry first; each table's rows are reversed
    at the end, so rows keep the maps' order.
    """
    s = schema()
    out = GraphTables.empty()
    sanctioned = _sanctioned(edges, edge_order("SANCTIONED_UNDER"), inactive)
    # one Provenance object is shared by a record and the nodes derived from it (an airframe's
    # registrations): its JSON is made once (keyed by id(): every provenance looked up here was made
    # before this ran, and this makes none, so an id freed as nodes are consumed is never taken by another
    # provenance while the cache is used)
    prov_sources: dict[int, str] = {}
    sources_of = prov_sources.get
    dropped: Counter = Counter()
    specs = {}
    base = len(NODE_COLUMNS)
    for name, table in out.nodes.items():
        nt = s.node(name)
        cols = table.columns[base:]
        # types whose only name-like property is `name` take it as it is (no aliases, tails or person names)
        simple = name not in ("Airplane", "Registration") and not (set(nt.properties) & _OTHER_NAMES)
        # each row a copy of a template of its exact size: `[a, b, *pad]` leaves a list room to grow (a
        # 7-cell row took 12 cells' room: 0.2 GB over the 5.3M edge rows of a full-size build)
        specs[name] = ({c.name: (base + i, converter(c.kind)) for i, c in enumerate(cols)}, [None] * (base + len(cols)),
                       nt.caption, table.rows, simple)
    renamed: dict[str, str] = {}
    popped = 0
    while merged:
        cid, m = merged.popitem()
        popped += 1
        if not popped % TRIM_EVERY:
            # a node's properties dict is freed to the C heap (most have more than a few keys), its row
            # comes from Python's arenas: without this the heap kept all it freed, and this loop was
            # the build's peak at full size (4.18 GB; 3.80 GB with it, for 0.03 s of trimming)
            release_free_memory()
        name = m.type
        index, pad, caption_props, rows, simple = specs[name]
        props = m.props
        caption = cid
        for p in caption_props:
            v = props.get(p)
            if v:
                caption = v[0]
                break
        provs = m.provs
        if len(provs) == 1:
            sources = sources_of(id(provs[0]))
            if sources is None:
                sources = prov_sources[id(provs[0])] = prov_json(provs)
        else:
            sources = prov_json(provs)
        names = props.get("name") if simple else node_names(name, props)
        row = pad.copy()
        row[:6] = (cid, name, caption if caption.isprintable() else clean_text(caption),
                   None if not names else _strings(names), cid in sanctioned, sources)
        for k, v in props.items():
            hit = index.get(k)
            if hit is None:
                dropped[f"{name}.{k}"] += 1
            else:
                row[hit[0]] = hit[1](v)
        rows.append(row)
        if not cid.isprintable():  # ids with control characters (never seen in practice) are cleaned like any text
            renamed[cid] = clean_text(cid)
    prov_sources.clear()
    merged.clear()  # popitem never shrinks a dict: emptied, it still held its table of 2.4M entries at full size
    for table in out.nodes.values():
        table.rows.reverse()
    make_row = {name: edge_row_maker(name) for name in s.rels}
    tables: dict[tuple[str, str, str], list] = {}  # (type, start type, end type) -> rows, last first
    last_row: dict[tuple[str, str, str], int] = {}  # ... -> when its last row (its first in `edges`) was made
    made, n_edges = 0, len(edges)
    while edges:
        (rel, a, b), asserts = edges.popitem()
        if asserts.__class__ is list:
            asserts.sort(key=edge_order(rel))
            props = {}
            provs = []
            for x in asserts:
                for k, vals in x.props.items():
                    have = props.get(k)
                    if have is None:
                        props[k] = list(vals)
                    else:
                        have.extend(v for v in vals if v not in have)
                if x.prov not in provs:
                    provs.append(x.prov)
            row = make_row[rel](a, b, provs[0], props)
            if len(provs) > 1:  # several assertions: all of them in `sources`; one: source/record/snapshot say it all
                row[5] = prov_json(provs)
        else:
            row = make_row[rel](a, b, asserts.prov, asserts.props)
        key = (rel, types[a], types[b])
        rows = tables.get(key)
        if rows is None:
            rows = tables[key] = []
        rows.append(row)
        made += 1
        last_row[key] = made
        if not made % TRIM_EVERY:  # an edge's key and assertions go, its row comes: as for the nodes
            release_free_memory()
    edges.clear()  # as the node map: its table held 5.3M entries at full size
    types.clear()
    # tables in the order of their first edge in `edges` (the order stores write them in), rows in its order
    order = sorted(tables, key=last_row.__getitem__, reverse=True)
    before = sum(1 for key in order if last_row[key] > n_edges - ready_at)  # first made among the first ready_at
    for key in order[:before]:
        out.rel_table(*key).rows.extend(reversed(tables.pop(key)))
    for key in list(ready or ()):
        out.rel_table(*key).rows.extend(ready.pop(key))
    for key in order[before:]:
        out.rel_table(*key).rows.extend(reversed(tables.pop(key)))
    if renamed:
        for table in (*out.nodes.values(), *out.rels.values()):
            for row in table.rows:
                for i in (0, 1) if isinstance(table, RelTable) else (0,):
                    row[i] = renamed.get(row[i], row[i])
    return out, dropped
