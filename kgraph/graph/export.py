"""Exports of the built graph: GraphML, GEXF, node-link JSON, FollowTheMoney, Cypher, neo4j-admin, clusters.

Every exporter reads :class:`kgraph.graph.tables.GraphTables` (the whole
graph read back from the store, or one neighbourhood of it with ``around``)
and streams its output, so a full-size graph exports without first becoming
a networkx object (a 1M-node networkx graph costs ~53 s and 2.4 GB to build
and GraphML through networkx ~157 s to write). The files are standard: the
tests read them back with networkx's own readers.

* ``graphml`` (yEd, Cytoscape) and ``gexf`` (Gephi): every column becomes a
  declared attribute; lists are written as JSON text (GraphML and GEXF have
  no list type); ``label`` is the node's caption and the relationship type.
* ``json``: networkx node-link data (``nx.node_link_graph(data, edges="edges")``);
  an edge's provenance ``source`` is called ``dataset`` there.
* ``ftm``: FollowTheMoney entities, one JSON object per line (:mod:`.export_ftm`).
* ``cypher``: a cypher-shell script; ``neo4j-admin``: CSV files plus headers
  for ``neo4j-admin database import full`` (:mod:`.export_neo4j`).
* ``clusters``: the resolution's clusters, via :func:`kgraph.resolve.write_clusters`.

Files are written atomically (:func:`kgraph.datadir.atomic_path`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, TextIO

from ..datadir import atomic_path, output_path
from ..errors import KgraphError, NotFound
from .tables import GraphTables, tables_from_store

__all__ = ["FORMATS", "export", "write_graphml", "write_gexf", "write_node_link", "neighbourhood_ids"]

FORMATS = ("graphml", "gexf", "json", "ftm", "cypher", "neo4j-admin", "clusters")
#: XML escaping by one str.translate per value (element text, and attribute values in double quotes);
#: U+FFFE/U+FFFF are not XML characters and are dropped
_XML_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", 0xFFFE: None, 0xFFFF: None}
_XML_ATTR = {**_XML_TEXT, ord('"'): "&quot;", ord("\n"): "&#10;", ord("\r"): "&#13;", ord("\t"): "&#9;"}


def _text(v: Any) -> str:
    """A value as attribute text: lists as JSON, booleans lower case, numbers as repr."""
    if isinstance(v, list):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _xml(v: Any) -> str:
    return _text(v).translate(_XML_TEXT)


def quoteattr(v: Any) -> str:
    return '"' + _text(v).translate(_XML_ATTR) + '"'


def _attr_types(tables: GraphTables) -> tuple[dict[str, str], dict[str, str]]:
    """Attribute name -> GraphML/GEXF type for nodes and edges: double, boolean or string."""
    def merge(acc: dict[str, str], name: str, kind: str) -> None:
        t = {"number": "double", "bool": "boolean"}.get(kind, "string")
        acc[name] = t if acc.get(name, t) == t else "string"

    nodes: dict[str, str] = {}
    for table in tables.nodes.values():
        if table.rows:
            for c in table.columns:
                if c.name != "id":
                    merge(nodes, c.name, c.kind)
    edges: dict[str, str] = {}
    for table in tables.rels.values():
        for c in table.columns:
            merge(edges, c.name, c.kind)
    return nodes, edges


def write_graphml(tables: GraphTables, out: TextIO) -> None:
    """GraphML for yEd and Cytoscape: node ``label`` = caption, edge ``label`` = relationship type."""
    node_types, edge_types = _attr_types(tables)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    nkey = {"label": "n0"}
    out.write('<key id="n0" for="node" attr.name="label" attr.type="string"/>\n')
    for i, (name, t) in enumerate(sorted(node_types.items()), start=1):
        nkey[name] = f"n{i}"
        out.write(f'<key id="n{i}" for="node" attr.name={quoteattr(name)} attr.type="{t}"/>\n')
    ekey = {"label": "e0"}
    out.write('<key id="e0" for="edge" attr.name="label" attr.type="string"/>\n')
    for i, (name, t) in enumerate(sorted(edge_types.items()), start=1):
        ekey[name] = f"e{i}"
        out.write(f'<key id="e{i}" for="edge" attr.name={quoteattr(name)} attr.type="{t}"/>\n')
    out.write('<graph id="kgraph" edgedefault="directed">\n')
    for _, rec in tables.node_records():
        nid = rec.pop("id")
        out.write(f'<node id={quoteattr(nid)}><data key="n0">{_xml(rec.get("caption", nid))}</data>')
        out.write("".join(f'<data key="{nkey[k]}">{_xml(v)}</data>' for k, v in rec.items()))
        out.write("</node>\n")
    for i, (rel, start, end, rec) in enumerate(tables.rel_records()):
        out.write(f'<edge id="e{i}" source={quoteattr(start)} target={quoteattr(end)}>'
                  f'<data key="e0">{rel}</data>')
        out.write("".join(f'<data key="{ekey[k]}">{_xml(v)}</data>' for k, v in rec.items()))
        out.write("</edge>\n")
    out.write("</graph>\n</graphml>\n")


def write_gexf(tables: GraphTables, out: TextIO) -> None:
    """GEXF 1.3 for Gephi: node label = caption, edge label = relationship type."""
    node_types, edge_types = _attr_types(tables)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
              '<meta><creator>kgraph</creator></meta>\n'
              '<graph mode="static" defaultedgetype="directed">\n')
    nid: dict[str, str] = {}
    out.write('<attributes class="node">\n')
    for i, (name, t) in enumerate(sorted(node_types.items())):
        nid[name] = str(i)
        out.write(f'<attribute id="{i}" title={quoteattr(name)} type="{t}"/>\n')
    out.write('</attributes>\n<attributes class="edge">\n')
    eid: dict[str, str] = {}
    for i, (name, t) in enumerate(sorted(edge_types.items())):
        eid[name] = str(i)
        out.write(f'<attribute id="{i}" title={quoteattr(name)} type="{t}"/>\n')
    out.write("</attributes>\n<nodes>\n")
    for _, rec in tables.node_records():
        node_id = rec.pop("id")
        out.write(f"<node id={quoteattr(node_id)} label={quoteattr(rec.get('caption', node_id))}><attvalues>")
        out.write("".join(f'<attvalue for="{nid[k]}" value={quoteattr(v)}/>' for k, v in rec.items()))
        out.write("</attvalues></node>\n")
    out.write("</nodes>\n<edges>\n")
    for i, (rel, start, end, rec) in enumerate(tables.rel_records()):
        out.write(f'<edge id="{i}" source={quoteattr(start)} target={quoteattr(end)} label="{rel}"><attvalues>')
        out.write("".join(f'<attvalue for="{eid[k]}" value={quoteattr(v)}/>' for k, v in rec.items()))
        out.write("</attvalues></edge>\n")
    out.write("</edges>\n</graph>\n</gexf>\n")


def write_node_link(tables: GraphTables, out: TextIO) -> None:
    """networkx node-link JSON (a directed multigraph; edges under ``edges``, keyed by relationship type).

    ``source``/``target`` are the edge's ends, as node-link wants, so the
    relationship's provenance column ``source`` is written as ``dataset``.
    """
    dump = json.dumps
    out.write('{"directed": true, "multigraph": true, "graph": {"name": "kgraph"}, "nodes": [')
    first = True
    for _, rec in tables.node_records():
        out.write(("\n" if first else ",\n") + dump(rec, ensure_ascii=False))
        first = False
    out.write('], "edges": [')
    first = True
    for rel, start, end, rec in tables.rel_records():
        if "source" in rec:  # node-link reserves "source" for the start node
            rec["dataset"] = rec.pop("source")
        out.write(("\n" if first else ",\n")
                  + dump({"source": start, "target": end, "key": rel, "type": rel, **rec}, ensure_ascii=False))
        first = False
    out.write("]}\n")


def neighbourhood_ids(store, node_id: str, hops: int) -> set[str]:
    """Ids of the nodes within ``hops`` relationships of ``node_id`` (either direction), itself included."""
    from .query import node_label

    if node_label(store.query, node_id) is None:
        raise NotFound(f"no node with id {node_id!r} in the graph")
    seen = {node_id}
    frontier = [node_id]
    for _ in range(max(0, hops)):
        if not frontier:
            break
        _, rows = store.query("MATCH (a)-[]-(b) WHERE a.id IN $ids RETURN DISTINCT b.id", {"ids": frontier})
        frontier = [r[0] for r in rows if r[0] not in seen]
        seen.update(frontier)
    return seen


_TEXT_WRITERS: dict[str, Callable[[GraphTables, TextIO], None]] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "json": write_node_link,
}


def export(fmt: str, path: str | os.PathLike, *, datadir=None, tables: GraphTables | None = None,
           around: str | None = None, hops: int = 2) -> dict[str, Any]:
    """Export the current graph (or ``tables``) to ``path`` in format ``fmt``; returns a summary.

    Parameters
    ----------
    fmt : str
        One of :data:`FORMATS`.
    path : path
        Output file; a directory for ``neo4j-admin``.
    datadir : kgraph.datadir.DataDir, optional
        Whose current graph to export (default data directory when None).
    tables : GraphTables, optional
        Export these instead of reading the store.
    around, hops : str, int
        Export only the nodes within ``hops`` of node ``around`` and the
        relationships among them.

    Example (``dd``: a data directory holding the demo graph; ``tmp``: an empty folder)
    -------
    >>> summary = kgraph.export("graphml", tmp / "aviacon.graphml", datadir=dd, around="ofac-40181", hops=1)
    >>> summary["format"], summary["nodes"] > 5
    ('graphml', True)
    """
    if fmt not in FORMATS:
        raise KgraphError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = output_path(path, folder=fmt == "neo4j-admin")
    if fmt == "clusters":
        if around:
            raise KgraphError("--around does not apply to the clusters export")
        return _export_clusters(path, datadir)
    if tables is None:
        from .store import open_store

        with open_store(datadir=datadir) as store:
            ids = neighbourhood_ids(store, around, hops) if around else None
            tables = tables_from_store(store, ids)
    elif around:
        from .analysis import table_neighbourhood

        tables = tables.subset(table_neighbourhood(tables, around, hops))
    summary: dict[str, Any] = {"format": fmt, "path": str(path), "nodes": tables.node_count,
                               "relationships": tables.edge_count}
    if fmt in _TEXT_WRITERS:
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                _TEXT_WRITERS[fmt](tables, f)
    elif fmt == "ftm":
        from .export_ftm import write_ftm

        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                summary["entities"] = write_ftm(tables, f)
    elif fmt == "cypher":
        from .export_neo4j import write_cypher

        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                write_cypher(tables, f)
        summary["command"] = f"cypher-shell -u neo4j -p \"$NEO4J_PASSWORD\" -f {path}"
    elif fmt == "neo4j-admin":
        from .export_neo4j import write_neo4j_admin

        summary.update(write_neo4j_admin(tables, path))
    return summary


def _export_clusters(path: Path, datadir) -> dict[str, Any]:
    try:
        from ..resolve import Resolution, write_clusters
    except ImportError:
        raise KgraphError("the clusters export needs kgraph.resolve, which is not installed") from None
    from ..datadir import DataDir
    from ..model import Node
    from ..records import read_current, sources_with_records

    dd = DataDir.of(datadir)
    resolution = Resolution.load(dd.require_graph())
    members = {m for ms in resolution.clusters.values() if len(ms) > 1 for m in ms}
    provs: dict[str, list] = {}
    for source in sources_with_records(dd):
        for rec in read_current(dd, source):
            if isinstance(rec, Node) and rec.id in members and rec.prov not in provs.setdefault(rec.id, []):
                provs[rec.id].append(rec.prov)
    n = write_clusters(resolution, provs, path)
    return {"format": "clusters", "path": str(path), "clusters": n}
