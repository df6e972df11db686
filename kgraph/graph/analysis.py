"""Graph analysis as plain functions over a networkx graph (networkx style).

:func:`to_networkx` materialises the built graph (or one neighbourhood of
it) as a ``networkx.MultiDiGraph``: node attributes are the node's stored
columns (``type``, ``caption``, ``sanctioned``, properties), edges are keyed
by relationship type and carry their columns plus ``type``. The other
functions take that graph ``G`` and return plain Python objects.

Examples
--------
:func:`example_graph` builds a six-node graph in that shape (an operator, its
aircraft, one flight to MUSA, a tax number shared with another company):

>>> G = example_graph()
>>> sorted(neighbourhood(G, "op", 1))
['ac', 'op', 'tax']
>>> paths_between(G, "op", "musa")
[['op', 'ac', 'f1', 'musa']]
"""
from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from typing import Any, Iterable

__all__ = ["to_networkx", "example_graph", "neighbourhood", "paths_between", "shared_identifiers", "central_operators",
           "communities", "table_neighbourhood", "HUB_TYPES"]

#: node types that link nearly everything (a country, a program): skipped as stepping stones by default
HUB_TYPES = frozenset({"Country", "Program", "Authority"})
OPERATOR_LINKS = ("OPERATES", "OWNS", "LINKED_TO")


def example_graph():
    """The six-node graph the examples use: an operator, its aircraft, a flight to MUSA, a shared tax number.

    >>> sorted(example_graph().nodes)
    ['ac', 'f1', 'musa', 'op', 'other', 'tax']
    """
    import networkx as nx

    G = nx.MultiDiGraph(name="example")
    G.add_node("op", type="Organization", caption="Aviacon", sanctioned=True)
    G.add_node("ac", type="Airplane", caption="RA-78765", sanctioned=True)
    G.add_node("f1", type="Flight", caption="URSS -> MUSA")
    G.add_node("musa", type="Airport", caption="MUSA")
    G.add_node("tax", type="Identifier", caption="6658039390", scheme="tax")
    G.add_node("other", type="Organization", caption="Other LLC", sanctioned=False)
    for u, v, k in (("op", "ac", "OPERATES"), ("ac", "f1", "PERFORMED"), ("f1", "musa", "ARRIVED_AT"),
                    ("op", "tax", "HAS_IDENTIFIER"), ("other", "tax", "HAS_IDENTIFIER")):
        G.add_edge(u, v, key=k, type=k)
    return G


def table_neighbourhood(tables, node_id: str, hops: int) -> set[str]:
    """Ids within ``hops`` of ``node_id`` in :class:`GraphTables` (either direction), itself included."""
    from ..errors import NotFound

    adjacency: dict[str, set[str]] = {}
    for table in tables.rels.values():
        for row in table.rows:
            adjacency.setdefault(row[0], set()).add(row[1])
            adjacency.setdefault(row[1], set()).add(row[0])
    if node_id not in adjacency and not any(r[0] == node_id for t in tables.nodes.values() for r in t.rows):
        raise NotFound(f"no node with id {node_id!r} in the graph")
    seen = {node_id}
    frontier = [node_id]
    for _ in range(max(0, hops)):
        nxt = [m for n in frontier for m in adjacency.get(n, ()) if m not in seen]
        seen.update(nxt)
        frontier = nxt
    return seen


def to_networkx(source: Any, *, around: str | None = None, hops: int = 2):
    """The graph as a ``networkx.MultiDiGraph``, whole or around one node.

    Parameters
    ----------
    source : GraphTables, Store, or path of a build directory
        What to read.
    around : str, optional
        Only the nodes within ``hops`` of this node id, and the edges among them.
    hops : int

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by id with their non-null columns; edges keyed by
        relationship type, with ``type`` and their non-null columns.
    """
    import networkx as nx

    from .tables import GraphTables, tables_from_store

    if isinstance(source, (str, os.PathLike, Path)):
        from .store import open_store

        with open_store(source) as store:
            return to_networkx(store, around=around, hops=hops)
    if isinstance(source, GraphTables):
        tables = source.subset(table_neighbourhood(source, around, hops)) if around else source
    else:
        from .export import neighbourhood_ids

        tables = tables_from_store(source, neighbourhood_ids(source, around, hops) if around else None)
    G = nx.MultiDiGraph(name="kgraph")
    for _, rec in tables.node_records():
        G.add_node(rec.pop("id"), **rec)
    for rel, start, end, rec in tables.rel_records():
        G.add_edge(start, end, key=rel, type=rel, **rec)
    return G


def neighbourhood(G, node: str, hops: int = 2, *, skip_types: Iterable[str] = ()) -> set[str]:
    """Nodes within ``hops`` relationships of ``node``, in either direction, ``node`` included.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    node : str
    hops : int
    skip_types : iterable of str
        Node types reached but not expanded further (e.g. :data:`HUB_TYPES`).

    Raises
    ------
    networkx.NodeNotFound
        When ``node`` is not in ``G``.

    Examples
    --------
    >>> sorted(neighbourhood(example_graph(), "f1", 2))
    ['ac', 'f1', 'musa', 'op']

    Notes
    -----
    Breadth-first search, O(n + m) over the part of the graph reached.
    """
    import networkx as nx

    if node not in G:
        raise nx.NodeNotFound(f"node {node!r} is not in the graph")
    skip = set(skip_types)
    seen = {node}
    queue = deque([(node, 0)])
    while queue:
        n, d = queue.popleft()
        if d == hops or (n != node and G.nodes[n].get("type") in skip):
            continue
        for m in (*G.successors(n), *G.predecessors(n)):
            if m not in seen:
                seen.add(m)
                queue.append((m, d + 1))
    return seen


def paths_between(G, a: str, b: str, cutoff: int = 4, *, skip_types: Iterable[str] = HUB_TYPES) -> list[list[str]]:
    """Every simple path of at most ``cutoff`` hops between ``a`` and ``b``, ignoring direction.

    Intermediate nodes of ``skip_types`` (countries, programs, authorities by
    default) are not used: sharing a country is not a link. Paths are
    returned shortest first, then in lexicographic order of their node ids.

    Raises
    ------
    networkx.NodeNotFound
        When ``a`` or ``b`` is not in ``G``.

    Examples
    --------
    >>> paths_between(example_graph(), "other", "ac")
    [['other', 'tax', 'op', 'ac']]
    """
    import networkx as nx

    for n in (a, b):
        if n not in G:
            raise nx.NodeNotFound(f"node {n!r} is not in the graph")
    skip = set(skip_types)
    keep = [n for n, t in G.nodes(data="type") if n in (a, b) or t not in skip]
    H = nx.Graph(G.subgraph(keep))
    paths = [list(p) for p in nx.all_simple_paths(H, a, b, cutoff=cutoff)]
    return sorted(paths, key=lambda p: (len(p), p))


def shared_identifiers(G, min_holders: int = 2) -> dict[str, list[str]]:
    """Identifier and Address nodes held by at least ``min_holders`` entities: node -> sorted holders.

    Examples
    --------
    >>> shared_identifiers(example_graph())
    {'tax': ['op', 'other']}
    """
    out = {}
    for n, t in G.nodes(data="type"):
        if t in ("Identifier", "Address"):
            holders = sorted({u for u, _, k in G.in_edges(n, keys=True) if k in ("HAS_IDENTIFIER", "HAS_ADDRESS")})
            if len(holders) >= min_holders:
                out[n] = holders
    return dict(sorted(out.items()))


def central_operators(G, top: int = 20, *, skip_types: Iterable[str] = HUB_TYPES, k: int | None = 500,
                      seed: int = 0) -> list[tuple[str, float]]:
    """Operators ranked by betweenness centrality in the entity graph.

    An operator is an Organization or Person with an OPERATES, OWNS or
    LINKED_TO edge to (or LINKED_TO from) an Airplane or Vessel. Centrality
    is computed on the undirected graph without hub nodes (``skip_types``),
    so an operator scores by how much it bridges aircraft, identifiers,
    addresses and other entities, not by sharing a country.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    top : int
        How many to return.
    k : int or None
        Above ``k`` nodes, betweenness is estimated from ``k`` sampled sources
        (``seed`` makes it repeatable); None computes it exactly.

    Returns
    -------
    list of (node, centrality), highest first (ties by node id).

    Examples
    --------
    >>> [(n, round(c, 2)) for n, c in central_operators(example_graph())]
    [('op', 0.6)]

    Notes
    -----
    Exact betweenness is O(n m); the sampled estimate O(k m).
    """
    import networkx as nx

    entity = ("Organization", "Person")
    asset = ("Airplane", "Vessel")
    operators = {u for u, v, key in G.edges(keys=True)
                 if key in OPERATOR_LINKS and G.nodes[u].get("type") in entity and G.nodes[v].get("type") in asset}
    operators |= {v for u, v, key in G.edges(keys=True)
                  if key == "LINKED_TO" and G.nodes[v].get("type") in entity and G.nodes[u].get("type") in asset}
    if not operators:
        return []
    skip = set(skip_types)
    H = nx.Graph(G.subgraph([n for n, t in G.nodes(data="type") if t not in skip]))
    sample = k if (k is not None and H.number_of_nodes() > k) else None
    centrality = nx.betweenness_centrality(H, k=sample, seed=seed)
    ranked = sorted(((n, centrality.get(n, 0.0)) for n in operators), key=lambda x: (-x[1], x[0]))
    return ranked[:top]


def communities(G, *, skip_types: Iterable[str] = HUB_TYPES, seed: int = 0) -> list[set[str]]:
    """Communities of the graph (Louvain modularity on the undirected graph without hub nodes).

    Returns the communities largest first (ties by smallest node id);
    ``seed`` makes the result repeatable.

    Examples
    --------
    >>> [sorted(c) for c in communities(example_graph())]
    [['ac', 'op'], ['f1', 'musa'], ['other', 'tax']]
    """
    import networkx as nx

    skip = set(skip_types)
    H = nx.Graph(G.subgraph([n for n, t in G.nodes(data="type") if t not in skip]))
    if H.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(H, seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))
