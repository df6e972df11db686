"""Build the graph: every source's records plus the resolution -> one typed graph.

:func:`build_tables` is the whole step, in memory, with no store involved:

1. **Merge.** Records of one cluster (``resolution.canonical``) become one
   node under the cluster id. Properties are a list union in source priority
   order (:data:`SOURCE_PRIORITY`: sanctions lists, then registries, then the
   rest), so single-valued properties (``string``/``date``/``number``) take
   the first value of the most authoritative source.
2. **Derive.** Registration, Identifier and Country nodes with their
   REGISTERED_AS, HAS_IDENTIFIER and LOCATED_IN edges (:mod:`.derive`);
   SAME_AS edges for "possible" matches; the resolver's derived OPERATES/OWNS
   edges; in :mod:`.build_flights`, PERFORMED, DEPARTED_FROM and ARRIVED_AT
   from each Flight's properties (:func:`kgraph.flights.flight_edges`), and
   for flight ends known only by position (:func:`kgraph.flights.link_positions`).
3. **Resolve edges.** Ends are re-pointed to cluster ids, identifier keys
   resolved (:mod:`.endpoints`), and edges de-duplicated by (type, start,
   end): the first assertion (in source priority order) fills ``source``,
   ``record`` and ``snapshot``, every assertion is kept in ``sources``.
4. **Audit.** Nodes and edges per type, records folded into clusters, every
   edge end that could not be resolved (with the reason), every ambiguous
   tail link: nothing is dropped silently.

Why tables and not a networkx graph: at 1M nodes / 3M edges a networkx build
alone takes ~53 s and 2.4 GB (docs/graph-engines.md), against a 60 s budget
for the whole embedded build; measured here at 580k nodes / 1.35M edges,
this whole step took 18.6 s of CPU and turning its result into a networkx
graph another 23.1 s. The builder therefore emits typed row tables
(:class:`kgraph.graph.tables.GraphTables`) that the store loads with COPY;
networkx is materialised on demand, for the whole graph or a neighbourhood,
by :func:`kgraph.graph.analysis.to_networkx`.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any, Iterable

from ..model import Edge, Node, Provenance
from ..resolve.entity import MATCHABLE
from ..schema import INACTIVE_STATUSES, schema
from .build_flights import add_flight_edges, airport_fallback, flight_dates, link_flight_positions
from .derive import (COUNTRY_PROPS, REGISTRY_SOURCES, Assertion, derive_identifiers, derive_locations,
                     derive_registrations)
from .endpoints import Endpoints, date_range
from .rows import to_tables
from .tables import GraphTables, no_gc

__all__ = ["build_tables", "SOURCE_PRIORITY", "INACTIVE_STATUSES", "LINK_MAX_KM", "source_rank"]

#: Sources in the order their values win when records are merged; others follow, alphabetically.
SOURCE_PRIORITY = ("us_ofac_sdn", "us_ofac_cons", "ca_sema", "ua_nsdc", "us_faa", "opensky_aircraft",
                   "ru_aircraft_db", "ourairports", "flightlog", "opensky_flights", "adsb_traces",
                   "kgraph_resolve", "kgraph_refdata")
_RANK = {s: i for i, s in enumerate(SOURCE_PRIORITY)}


#: how far from an airport a flight's first/last position may be to count as that airport
LINK_MAX_KM = 30.0

_SAMPLES = 200


def source_rank(prov: Provenance) -> tuple:
    """Sort key of a provenance: priority of its source, then source, record, snapshot."""
    return (_RANK.get(prov.source, len(_RANK)), prov.source, prov.record, prov.snapshot or "")


class _Merged:
    """One node of the graph while it is built: a cluster's merged properties and provenances."""

    __slots__ = ("id", "type", "props", "provs")

    def __init__(self, id: str, type: str, props: dict[str, list[str]], provs: list[Provenance]):
        self.id, self.type, self.props, self.provs = id, type, props, provs

    def get(self, prop: str) -> list[str]:
        return self.props.get(prop, [])

    def first(self, prop: str) -> str | None:
        v = self.props.get(prop)
        return v[0] if v else None


def _union(target: dict[str, list[str]], props: dict[str, list[str]]) -> None:
    for k, vals in props.items():
        have = target.get(k)
        if have is None:
            target[k] = list(vals)
        else:
            for v in vals:
                if v not in have:
                    have.append(v)


class _Audit:
    def __init__(self) -> None:
        self.dangling: Counter = Counter()
        self.samples: dict[str, list[dict[str, Any]]] = {}
        self.ambiguous: list[dict[str, Any]] = []
        self.ambiguous_count = 0
        self.notes: Counter = Counter()

    def drop(self, edge_type: str, reason: str, n: int = 1, **detail: Any) -> None:
        key = f"{edge_type}: {reason}"
        self.dangling[key] += n
        bucket = self.samples.setdefault(key, [])
        if len(bucket) < _SAMPLES:
            bucket.append(detail)


class _Builder:
    def __init__(self, resolution: Any, registry_sources: frozenset[str]):
        self.schema = schema()
        self.resolution = resolution
        self.registry_sources = registry_sources
        self.canonical: dict[str, str] = getattr(resolution, "canonical", None) or {}
        self.merged: dict[str, _Merged] = {}
        self.members: dict[str, list[Node]] = {}
        self.types: dict[str, str] = {}
        #: record id -> its cluster's id, for the records whose id is not a node's (a node's id is its own:
        #: an identity entry per node was ~0.1 GB at full size)
        self.id_map: dict[str, str] = {}
        self.edges: dict[tuple[str, str, str], Any] = {}
        #: rows made before the tables, per (type, start type, end type): see :func:`.build_flights.add_flight_edges`;
        #: their tables come after those of the first ``ready_at`` edges
        self.ready_rows: dict[tuple[str, str, str], list[list]] = {}
        self.ready_at = 0
        #: the flights' part when it was built apart (:mod:`.flight_part`), and the dates of its flights
        #: whose aircraft is a tail held by several airframes
        self.flight_part = None
        self.flight_dates: dict[str, list[str]] = {}
        self.audit = _Audit()
        self.stats: Counter = Counter()
        self._country_cache: dict[str, str | None] = {}
        self.endpoints: Endpoints | None = None
        #: the builder may empty what it is given (the records, the resolution's keys): build_tables(consume=True)
        self.consume = False
        self.rel_ends = {name: (frozenset(r.from_types), frozenset(r.to_types), frozenset(r.between))
                         for name, r in self.schema.rels.items()}

    # -- 1. merge ------------------------------------------------------------
    def merge(self, nodes: Iterable[Node]) -> None:
        groups: dict[str, list[Node]] = {}
        canonical = self.canonical
        n_in = 0
        for n in nodes:
            n_in += 1
            cid = canonical.get(n.id, n.id)
            g = groups.get(cid)
            if g is None:
                groups[cid] = [n]
            else:
                g.append(n)
        self.stats["input_nodes"] = n_in
        unknown_types: Counter = Counter()
        known = self.schema.nodes
        merged, types, id_map, members_of = self.merged, self.types, self.id_map, self.members
        for cid, members in groups.items():
            if len(members) == 1:  # most records: no merge to do
                n = members[0]
                node_type = n.type
                if node_type not in known:
                    unknown_types[node_type] += 1
                    continue
                # a tuple: a one-item list takes half as much again, over 2.4M nodes at full size
                merged[cid] = _Merged(cid, node_type, n.props, (n.prov,))
                types[cid] = node_type
                if n.id != cid:
                    id_map[n.id] = cid
                if node_type == "Airplane":  # registrations are derived per member record
                    members_of[cid] = members
                continue
            members.sort(key=lambda x: source_rank(x.prov))
            node_type = next((x.type for x in members if x.id == cid), members[0].type)
            if node_type not in known:
                unknown_types[node_type] += len(members)
                continue
            props: dict[str, list[str]] = {}
            provs: list[Provenance] = []
            for x in members:
                if x.type != node_type:
                    self.stats["type_conflicts"] += 1
                    self.audit.notes[f"member {x.id} is a {x.type}, its cluster a {node_type}"] += 1
                _union(props, x.props)
                if x.prov not in provs:
                    provs.append(x.prov)
            merged[cid] = _Merged(cid, node_type, props, provs)
            self.stats["merged_records"] += len(members) - 1
            self.stats["merged_clusters"] += 1
            types[cid] = node_type
            members_of[cid] = members
            for x in members:
                if x.id != cid:
                    id_map[x.id] = cid
        for member, cid in canonical.items():
            if cid in merged and member not in types:
                id_map.setdefault(member, cid)
        for t, k in unknown_types.items():
            self.audit.drop("node", f"unknown node type {t!r}", k, count=k)

    def add_node(self, cid: str, node_type: str, props: dict[str, list[str]], provs: list[Provenance],
                 key: str | None = None) -> None:
        """Add a node made by the build; ``key``: its one identifier key, when known (else made from ``props``)."""
        self.merged[cid] = _Merged(cid, node_type, props, provs)
        self.types[cid] = node_type
        if self.endpoints is not None:
            if key is None:
                self.endpoints.index(cid, node_type, props)
            else:
                self.endpoints.hold(key, cid)

    def country_code(self, value: str) -> str | None:
        try:
            return self._country_cache[value]
        except KeyError:
            from ..refdata.countries import country_code

            code = self._country_cache[value] = country_code(value)
            return code

    def create_country(self, code: str) -> str | None:
        from ..refdata.countries import country_name

        code = code.strip().upper()
        cid = f"country-{code}"
        if cid in self.merged:
            return cid if self.types[cid] == "Country" else None
        name = country_name(code)
        if name is None:
            return None
        self.add_node(cid, "Country", {"name": [name], "code": [code]}, [Provenance("kgraph_refdata", code)])
        self.stats["created_countries"] += 1
        return cid

    # -- 2. derive -----------------------------------------------------------
    def derive(self) -> None:
        airframes = [(cid, self.members.get(cid) or []) for cid, m in self.merged.items() if m.type == "Airplane"]
        reg_nodes, reg_edges, validity = derive_registrations(airframes, self.registry_sources)
        # the member records were kept for the registrations only: 600k airframes' at full size
        del airframes
        self.members = {}
        self.endpoints = self._endpoints(validity)
        # a tail's registration dates only choose among several airframes holding it: the other 600k
        # entries of a full-size register took ~0.2 GB to the end of the edges
        types, keys = self.types, self.endpoints.keys
        self.endpoints.validity = {k: v for k, v in validity.items()
                                   if (h := keys.get("tail-" + k[1])).__class__ is list
                                   and sum(types[c] == "Airplane" for c in h) > 1}
        del validity
        for rid, (props, provs) in reg_nodes.items():
            if rid in self.merged:
                continue
            self.add_node(rid, "Registration", props, provs, key=rid)  # a derived registration's id is its key
        ident_props = {t: self.schema.node(t).identifiers for t in ("Organization", "Person")}
        entities = ((cid, m.type, m.props, m.provs) for cid, m in self.merged.items()
                    if m.type in ("Organization", "Person"))
        id_nodes, id_edges = derive_identifiers(entities, ident_props)
        for key, (props, provs) in id_nodes.items():
            if key not in self.merged:
                self.add_node(key, "Identifier", props, provs)
        located = [(cid, m.type, m.props, m.provs) for cid, m in self.merged.items() if m.type in COUNTRY_PROPS]
        loc_edges, unknown = derive_locations(located, self.country_code)
        for value, n in unknown.items():
            self.audit.drop("LOCATED_IN", "country value names no known country", n, value=value, count=n)
        types, edges = self.types, self.edges
        for rel, derived in (("REGISTERED_AS", reg_edges), ("HAS_IDENTIFIER", id_edges), ("LOCATED_IN", loc_edges)):
            between = self.rel_ends[rel][2]
            for start, end, asserts in derived:
                if end not in types and end.startswith("country-"):
                    self.create_country(end[len("country-"):])
                key = (rel, start, end)
                if (types.get(start), types.get(end)) in between and key not in edges:
                    edges[key] = asserts[0] if len(asserts) == 1 else list(asserts)
                else:  # an id taken by another type, or a second statement: the general path
                    self.add_edge(rel, start, end, asserts)

    def _endpoints(self, validity) -> Endpoints:
        """The edge ends' resolver, with every merged node's identifier keys.

        The resolution made the keys of the records it resolved (600k airframes' at full size, ~7 s to make
        again): they are taken over, and only the other nodes' made here. A resolution read back from disk
        has no shared keys (``shared_keys`` None): every node's keys are made here then.
        """
        res = self.resolution
        shared = getattr(res, "shared_keys", None)
        if shared is None:
            endpoints = Endpoints(self.types, self.id_map, validity, self.create_country)
            for cid, m in list(self.merged.items()):
                endpoints.index(cid, m.type, m.props)
            return endpoints
        keys = res.keys if self.consume else dict(res.keys)
        if self.consume:
            res.keys = {}  # the endpoints' now, and changed by them
        for key, held in shared.items():
            keys[key] = list(held)
        endpoints = Endpoints(self.types, self.id_map, validity, self.create_country, keys=keys)
        for cid, m in list(self.merged.items()):
            if m.type not in MATCHABLE:
                endpoints.index(cid, m.type, m.props)
        return endpoints

    # -- 3. edges ------------------------------------------------------------
    def add_edge(self, rel: str, start: str, end: str, asserts: list[Any]) -> None:
        """Resolve both ends and accumulate one edge's assertions under (type, start, end)."""
        spec = self.rel_ends.get(rel)
        if spec is None:
            self.audit.drop(rel, "unknown relationship type", start=start, end=end)
            return
        from_types, to_types, between = spec
        types, keys = self.types, self.endpoints.keys
        id_map = self.id_map
        s = start if start in types else id_map.get(start)
        t = end if end in types else id_map.get(end)
        if s is None or types[s] not in from_types:  # an identifier key held by exactly one node (a str)
            h = keys.get(start)
            s = h if (h.__class__ is str and types[h] in from_types) else None
        if t is None or types[t] not in to_types:
            h = keys.get(end)
            t = h if (h.__class__ is str and types[h] in to_types) else None
        if s is not None and t is not None and (types[s], types[t]) in between:
            self._accumulate((rel, s, t), asserts)  # the common case: one node at each end, an allowed pair
            return
        starts, reason, amb = self.endpoints.resolve(start, from_types, lambda: self._when(end, asserts))
        if not starts:
            self.audit.drop(rel, f"start: {reason}", start=start, end=end, source=asserts[0].prov.source)
            return
        self._ambiguous(rel, amb)
        ends, reason, amb = self.endpoints.resolve(end, to_types, lambda: self._when(start, asserts))
        if not ends and rel in ("DEPARTED_FROM", "ARRIVED_AT") and end.startswith("airport-"):
            ends = airport_fallback(self, rel, starts, end)
        if not ends:
            self.audit.drop(rel, f"end: {reason}", start=start, end=end, source=asserts[0].prov.source)
            return
        self._ambiguous(rel, amb)
        for a in starts:
            for b in ends:
                if (types[a], types[b]) in between:
                    self._accumulate((rel, a, b), asserts)
                else:
                    self.audit.drop(rel, f"{types[a]} -> {types[b]} not in the schema", start=a, end=b)

    def _accumulate(self, key: tuple[str, str, str], asserts: list[Any]) -> None:
        have = self.edges.get(key)
        if have is None:
            self.edges[key] = asserts[0] if len(asserts) == 1 else list(asserts)
        elif isinstance(have, list):
            have.extend(asserts)
        else:
            self.edges[key] = [have, *asserts]

    def _ambiguous(self, rel: str, record: dict[str, Any] | None) -> None:
        if record is None:
            return
        self.audit.ambiguous_count += 1
        if len(self.audit.ambiguous) < _SAMPLES:
            self.audit.ambiguous.append({"relationship": rel, **record})

    def _when(self, other: str, asserts: list[Any]):
        """Day range of an edge, for choosing among a tail's holders: the other end's flight dates first."""
        cid = other if other in self.types else self.id_map.get(other)
        m = self.merged.get(cid) if cid else None
        if m is not None and m.type == "Flight":  # a flight's own dates only: its log's snapshot says nothing
            return date_range(flight_dates(m.props))
        if cid in self.flight_dates:  # a flight built apart (:mod:`.flight_part`)
            return date_range(self.flight_dates[cid])
        props = asserts[0].props
        return date_range([*props.get("startDate", ()), *props.get("listingDate", ())]) or \
            date_range([asserts[0].prov.snapshot])

    def add_records(self, edges: Iterable[Edge]) -> None:
        n = 0
        for e in edges:
            n += 1
            self.add_edge(e.type, e.start, e.end, [e])
        self.stats["input_edges"] += n

    def add_same_as(self) -> None:
        for m in getattr(self.resolution, "matches", None) or []:
            get = m.get if isinstance(m, dict) else (lambda k, _m=m: getattr(_m, k, None))
            decision = get("decision")
            if decision not in ("possible", "judged-unsure"):
                continue
            a, b = get("a"), get("b")
            ca = a if a in self.types else self.id_map.get(a, a)
            cb = b if b in self.types else self.id_map.get(b, b)
            if ca == cb:
                continue
            props = {"score": [str(get("score"))], "evidence": [json.dumps(get("evidence") or [], ensure_ascii=False,
                                                                          sort_keys=True)]}
            if decision == "judged-unsure":
                props["judgement"] = ["unsure"]
            self.add_edge("SAME_AS", a, b, [Assertion(props, Provenance("kgraph_resolve", f"{a}|{b}"))])

    # -- 4. tables -----------------------------------------------------------
    def tables(self) -> GraphTables:
        registries = self.registry_sources

        def registry_first(x: Any) -> tuple:  # which register holds a tail is a registry's statement
            return (x.prov.source not in registries, *source_rank(x.prov))

        def by_source(x: Any) -> tuple:
            return source_rank(x.prov)

        # the rows need no end resolution: free it first
        self.endpoints, self.id_map = None, {}
        out, dropped = to_tables(self.merged, self.types, self.edges,  # empties merged, types, edges, ready_rows
                                 lambda rel: registry_first if rel == "REGISTERED_AS" else by_source, INACTIVE_STATUSES,
                                 self.ready_rows, self.ready_at)
        if self.flight_part is not None:  # the flights' rows, made apart, last: see flight_part.take_rows
            from .flight_part import attach
            attach(out, self.flight_part, dropped)
            self.flight_part = None
        out.audit = self.audit_dict(out, dropped)
        return out

    def audit_dict(self, out: GraphTables, dropped: Counter) -> dict[str, Any]:
        counts = out.counts()
        return {
            "input": {"nodes": self.stats["input_nodes"], "edges": self.stats["input_edges"]},
            "flight_edges": self.stats["flight_edges"],
            "nodes": counts["nodes"],
            "edges": counts["edges"],
            "merged_records": self.stats["merged_records"],
            "merged_clusters": self.stats["merged_clusters"],
            "type_conflicts": self.stats["type_conflicts"],
            "created_countries": self.stats["created_countries"],
            "airport_to_country_fallbacks": self.stats["airport_to_country_fallbacks"],
            "position_links": self.stats["position_links"],
            "position_ends_without_airport": self.stats["position_ends_without_airport"],
            "dangling": dict(sorted(self.audit.dangling.items())),
            "dangling_total": sum(self.audit.dangling.values()),
            "dangling_samples": {k: v for k, v in sorted(self.audit.samples.items())},
            "ambiguous_tail_links": self.audit.ambiguous_count,
            "ambiguous_samples": self.audit.ambiguous,
            "dropped_properties": dict(sorted(dropped.items())),
            "notes": dict(sorted(self.audit.notes.items())),
        }


def build_tables(nodes: Iterable[Node], edges: Iterable[Edge], resolution: Any = None, *,
                 registry_sources: Iterable[str] = (), link_max_km: float = LINK_MAX_KM,
                 consume: bool = False, flights: Any = None) -> GraphTables:
    """Build the graph's typed tables from records and a resolution.

    Parameters
    ----------
    nodes, edges : iterables of :class:`kgraph.model.Node` / :class:`kgraph.model.Edge`
        Every ingested record (edge ends may be node ids or identifier keys).
    resolution : object, optional
        Has ``canonical`` (record id -> cluster id), ``clusters``, ``matches``
        (``a``, ``b``, ``score``, ``decision``, ``evidence``) and
        ``derived_edges``; None means every record is its own cluster.
    registry_sources : iterable of str
        Extra provenance source names to treat as civil aircraft registries
        (configured generic registry lists), beside :data:`.derive.REGISTRY_SOURCES`.
    link_max_km : float
        Largest distance between a flight's first/last position and an airport.
    consume : bool
        Take the records over: ``nodes`` and ``edges`` (lists, then) are
        emptied once read, and each record is freed as its rows are made.
        For a caller with no further use for them: while the caller's lists
        hold every record, none of them can be freed before the build ends,
        and at full size they are the largest thing in memory.
    flights : :class:`kgraph.graph.flight_part.FlightPart`, optional
        The flights' rows made apart (:mod:`kgraph.graph.flight_part`);
        ``nodes`` and ``edges`` hold the rest.

    Returns
    -------
    GraphTables
        With ``audit`` filled in (``audit["timings"]`` in seconds per step).

    Examples
    --------
    >>> from kgraph.model import Node, Edge, Provenance
    >>> p = Provenance("us_ofac_sdn", "40185", "2026-01-31")
    >>> t = build_tables([Node("ofac-40185", "Airplane", {"registrationNumber": ["RA-78765"], "country": ["RU"]}, p)], [])
    >>> t.counts()["edges"]
    {'REGISTERED_AS': 1, 'LOCATED_IN': 2}
    >>> records = [Node("ofac-40185", "Airplane", {"registrationNumber": ["RA-78765"]}, p)]
    >>> build_tables(records, [], consume=True).counts()["nodes"]["Airplane"], records
    (1, [])
    """
    from types import SimpleNamespace

    resolution = resolution or SimpleNamespace(canonical={}, clusters={}, matches=[], derived_edges=[])
    if consume and not (isinstance(nodes, list) and isinstance(edges, list)):
        raise TypeError("build_tables(consume=True) takes lists of nodes and edges")
    with no_gc():
        return _build(nodes, edges, resolution, REGISTRY_SOURCES | frozenset(registry_sources), link_max_km,
                      consume, flights)


def _build(nodes, edges, resolution, registry_sources, link_max_km, consume=False, flights=None) -> GraphTables:
    b = _Builder(resolution, registry_sources)
    b.consume = consume
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    b.merge(nodes)
    if consume:
        # from here the builder holds the only references: a single record's props dict is its node's
        # (shared, not copied), and both die when to_tables pops that node
        nodes.clear()
    timings["merge"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    b.derive()
    link_flight_positions(b, link_max_km)
    timings["derive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # the flights' tables keep their place (after the derived edges', before the records'): the order
    # the store loads and the exports write them in is the same as when they were made in to_tables
    b.ready_at = len(b.edges)
    if flights is not None:
        from .flight_part import add_part_edges, take_flights

        take_flights(b, flights)
    b.add_records(edges)
    if consume:
        edges.clear()  # a record edge asserted once is kept as it is, until to_tables pops it
    for e in getattr(resolution, "derived_edges", None) or []:
        b.add_edge(e.type, e.start, e.end, [e])
    add_flight_edges(b)  # after every other edge of a flight: see its docstring
    if flights is not None:
        add_part_edges(b, flights)
    b.add_same_as()
    timings["edges"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = b.tables()
    timings["tables"] = time.perf_counter() - t0
    out.audit["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return out
