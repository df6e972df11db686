"""The flights' share of the graph, made apart from the rest: :func:`flight_part` and :func:`attach`.

A Flight is never merged with another record (no flight is matchable), and
its edges need nothing of the resolution but the airframe at one end
(PERFORMED). So its node row and its DEPARTED_FROM / ARRIVED_AT rows can be
made from the flight records and the airports alone, while the rest of the
build loads and resolves: :mod:`kgraph.flight_worker` runs
:func:`save_flight_part` in a process of its own, and the graph's builder
resolves the PERFORMED edges and takes the rows in (:func:`take_flights`,
:func:`add_part_edges`, :func:`attach`).

:func:`kgraph.graph.build_tables` with a part makes the same rows as with
the flights among its nodes, in one process (tests/test_flight_worker.py
compares the two); the flights' tables come right after PERFORMED's.

>>> from kgraph.model import Node, Provenance
>>> p = Provenance("flightlog", "1", "2026-02-01")
>>> part = flight_part([Node("flightlog-1", "Flight", {"registrationNumber": ["RA-78765"],
...                                                    "arrivalCode": ["MUSA"]}, p)],
...                    [Node("airport-MUSA", "Airport", {"ident": ["MUSA"]}, Provenance("ourairports", "MUSA"))])
>>> len(part.flight_rows), [(k, len(rows)) for k, rows in part.tables], part.performed[0][:2]
(1, [(('ARRIVED_AT', 'Flight', 'Airport'), 1)], ('flightlog-1', 'tail-RA78765'))
"""
from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..model import Edge, Node
from ..schema import INACTIVE_STATUSES
from .build_flights import add_flight_edges, link_flight_positions
from .endpoints import Endpoints
from .rows import to_tables
from .tables import GraphTables

if TYPE_CHECKING:
    from .build import _Builder

__all__ = ["FlightPart", "flight_part", "save_flight_part", "take_flights", "add_part_edges", "attach"]


#: flights made into rows at a time when a part is written as it is made (:func:`save_flight_part`)
BATCH = 100_000


@dataclass
class FlightPart:
    """The rows of a build's flights, and what the graph's builder still has to do with them."""

    #: the Flight table's rows
    flight_rows: list[list] = field(default_factory=list)
    #: ((type, start type, end type), rows) of the flights' DEPARTED_FROM and ARRIVED_AT, in table order
    tables: list[tuple[tuple[str, str, str], list[list]]] = field(default_factory=list)
    #: (flight id, aircraft key, edge properties, provenances, dates or None): see :func:`.build_flights.add_flight_edges`
    performed: list[tuple] = field(default_factory=list)
    #: the flights with no PERFORMED edge (the others' ids are in ``performed``)
    unperformed: list[str] = field(default_factory=list)
    #: codes of the countries flight ends went to when their airport is not in the graph
    countries: list[str] = field(default_factory=list)
    #: the audit's pieces: dangling counts and samples, notes, ambiguity, stats, dropped properties
    audit: dict[str, Any] = field(default_factory=dict)
    #: the folder of a part written by :func:`save_flight_part` and loaded without its rows (:meth:`load`)
    folder: str | None = None

    @classmethod
    def load(cls, folder) -> "FlightPart":
        """A part :func:`save_flight_part` wrote into ``folder``, but its rows (:meth:`take_rows`)."""
        folder = Path(folder)
        with open(folder / "part.pickle", "rb") as f:
            part = pickle.load(f)
        for batch in _batches(folder / "performed.pickle"):
            part.performed += batch
        part.folder = str(folder)
        return part

    def take_rows(self) -> None:
        """Read the rows a loaded part left in its folder (the graph's builder takes them last: read at the
        graph stage's start, its peak at full size was 4,153 MiB; read last, 2,936 MiB)."""
        if self.folder is None:
            return
        tables: dict[tuple[str, str, str], list[list]] = {}
        for flight_rows, batch_tables in _batches(Path(self.folder) / "rows.pickle"):
            self.flight_rows += flight_rows
            for key, rows in batch_tables:
                tables.setdefault(key, []).extend(rows)
        self.tables = list(tables.items())
        self.folder = None


def _batches(path: Path):
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


class _PartBuilder:
    """A graph builder holding the airports, which makes the rows of flights a batch at a time."""

    def __init__(self, airports: list[Node], edges: list[Edge], link_max_km: float | None):
        from .build import LINK_MAX_KM, _Builder

        b = self.builder = _Builder(SimpleNamespace(canonical={}, clusters={}, matches=[], derived_edges=[]),
                                    frozenset())
        b.merge(airports)
        b.endpoints = Endpoints(b.types, b.id_map, {}, b.create_country)
        for cid, m in b.merged.items():
            if m.type == "Airport":
                b.endpoints.index(cid, m.type, m.props)
        # the end records, each with the batch of the flight it starts at (any other with the last batch)
        self.edges: dict[str, list[Edge]] = {}
        for e in edges:
            self.edges.setdefault(e.start, []).append(e)
        self.order = {id(e): i for i, e in enumerate(edges)}
        self.km = LINK_MAX_KM if link_max_km is None else link_max_km
        self.flights = 0
        self.dropped: Counter = Counter()
        self.seen: set[str] = set()

    def rows(self, flights: list[Node], last: bool = True) -> tuple[list[list], list[tuple[tuple[str, str, str],
                                                                                       list[list]]], list[tuple], list[str]]:
        """``(flight rows, [(table key, rows)], performed, unperformed)`` of one batch (``flights`` emptied)."""
        from .build import source_rank

        b = self.builder
        ids = {n.id for n in flights}
        if not self.seen.isdisjoint(ids):  # a flight in two batches would be two nodes: never made so
            raise ValueError(f"flight {next(iter(self.seen & ids))} stated by records of two batches")
        self.seen |= ids
        b.merge(flights)
        flights.clear()
        self.flights += b.stats.pop("input_nodes")
        link_flight_positions(b, self.km)
        b.ready_at = len(b.edges)
        mine = [e for fid in ids for e in self.edges.pop(fid, ())]
        if last:
            mine += [e for es in self.edges.values() for e in es]
            self.edges = {}
        mine.sort(key=lambda e: self.order[id(e)])  # in the records' order, as one pass adds them
        b.add_records(mine)
        performed: list[tuple] = []
        add_flight_edges(b, collect=performed)
        others = {cid: m for cid, m in b.merged.items() if m.type != "Flight"}  # airports, countries: kept
        b.merged = {cid: m for cid, m in b.merged.items() if m.type == "Flight"}
        out, dropped = to_tables(b.merged, b.types, b.edges, lambda rel: (lambda x: source_rank(x.prov)),
                                 INACTIVE_STATUSES, b.ready_rows, b.ready_at)
        b.merged = others
        b.types.update((cid, m.type) for cid, m in others.items())  # emptied by to_tables (the endpoints' too)
        self.dropped.update(dropped)
        done = {x[0] for x in performed}
        rows = out.nodes["Flight"].rows
        return rows, [(key, t.rows) for key, t in out.rels.items() if t.rows], performed, \
            [r[0] for r in rows if r[0] not in done]

    def finish(self, part: FlightPart) -> FlightPart:
        """Countries and audit into ``part``."""
        b = self.builder
        part.countries = [m.props["code"][0] for m in b.merged.values() if m.type == "Country"]
        # the countries are counted where the graph creates them (add_part_edges)
        stats = Counter({k: v for k, v in b.stats.items() if k != "created_countries"})
        stats["input_nodes"] = self.flights
        part.audit = {"dangling": b.audit.dangling, "samples": b.audit.samples, "notes": b.audit.notes,
                      "ambiguous": b.audit.ambiguous, "ambiguous_count": b.audit.ambiguous_count,
                      "stats": stats, "dropped": self.dropped}
        return part


def flight_part(flights: list[Node], airports: list[Node], edges: list[Edge] = (),
                link_max_km: float | None = None) -> FlightPart:
    """Rows of ``flights`` with their ends at ``airports`` (every Airport record of the graph).

    ``edges``: the DEPARTED_FROM and ARRIVED_AT records of the graph (sources
    that state them as records: they join the ends the flights state). Each
    list is emptied (consumed as in :func:`kgraph.graph.build_tables`).
    """
    maker = _PartBuilder(airports, list(edges), link_max_km)
    if isinstance(edges, list):
        edges.clear()
    part = FlightPart()
    part.flight_rows, part.tables, part.performed, part.unperformed = maker.rows(flights)
    return maker.finish(part)


def save_flight_part(flights: list[Node], airports: list[Node], edges: list[Edge], folder,
                     link_max_km: float | None = None, batch: int | None = None) -> Path:
    """:func:`flight_part` written into ``folder`` a batch of flights at a time (for :meth:`FlightPart.load`).

    Each batch's records are freed as its rows are written: a process that
    made a million flights' rows at once held 1.8 GB at its peak, this one
    little more than the records it was given. A table's rows keep the
    batches' order (within a batch, :func:`flight_part`'s). Raises
    ValueError for a flight id two batches hold (one node in one pass).
    """
    folder = Path(folder)
    size = batch or BATCH
    maker = _PartBuilder(airports, edges, link_max_km)
    part = FlightPart()
    flights.reverse()  # taken from the end: each batch's records go as it is made
    with open(folder / "rows.pickle", "wb") as rows_file, open(folder / "performed.pickle", "wb") as perf_file:
        last = False
        while not last:
            chunk = flights[-size:][::-1]
            del flights[-size:]
            last = not flights
            rows, tables, performed, unperformed = maker.rows(chunk, last)
            pickle.dump((rows, tables), rows_file, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(performed, perf_file, protocol=pickle.HIGHEST_PROTOCOL)
            part.unperformed += unperformed
            del rows, tables, performed
    with open(folder / "part.pickle", "wb") as f:
        pickle.dump(maker.finish(part), f, protocol=pickle.HIGHEST_PROTOCOL)
    return folder


def take_flights(builder: _Builder, part: FlightPart) -> None:
    """The flights of a part become ends of the graph's edges (before its record edges are added)."""
    from .build import _SAMPLES

    types = builder.types
    for x in part.performed:
        types[x[0]] = "Flight"
    for fid in part.unperformed:
        types[fid] = "Flight"
    audit, mine = part.audit, builder.audit
    mine.dangling.update(audit["dangling"])
    for key, samples in audit["samples"].items():
        have = mine.samples.setdefault(key, [])
        have.extend(samples[:max(0, _SAMPLES - len(have))])
    mine.notes.update(audit["notes"])
    mine.ambiguous.extend(audit["ambiguous"][:max(0, _SAMPLES - len(mine.ambiguous))])
    mine.ambiguous_count += audit["ambiguous_count"]
    builder.stats.update(audit["stats"])
    builder.flight_part = part


def add_part_edges(builder: _Builder, part: FlightPart) -> None:
    """The PERFORMED edges of a part's flights, and the countries their ends went to, where the graph's
    builder adds the flights' edges (after every other edge of a flight)."""
    from .build_flights import add_performed

    lost = part.audit["lost"] = set()
    for code in part.countries:
        if builder.create_country(code) is None:  # an id the graph gave another type: its flight ends are lost
            lost.add(f"country-{code}")
            builder.audit.drop("flight end", f"country-{code} is not a Country in the graph", code=code)
    add_performed(builder, part.performed)
    part.performed = []


def attach(out: GraphTables, part: FlightPart, dropped: Counter) -> None:
    """Take a part's rows into the graph's tables (after :func:`add_part_edges`): the flights' tables
    right after PERFORMED's, where the graph's builder puts them."""
    lost_countries = part.audit.get("lost")
    part.take_rows()
    out.nodes["Flight"].rows.extend(part.flight_rows)
    part.flight_rows = []
    dropped.update(part.audit["dropped"])
    rels = list(out.rels.items())
    at = next((i + 1 for i, (key, _) in enumerate(rels) if key[0] == "PERFORMED"), len(rels))
    mine, later = dict(rels[:at]), dict(rels[at:])
    for key, rows in part.tables:
        if lost_countries and key[2] == "Country":
            rows = [r for r in rows if r[1] not in lost_countries]
        table = mine.get(key) or later.pop(key, None) or out.rel_table(*key)
        mine[key] = table
        table.rows.extend(rows)
    part.tables = []
    out.rels.clear()
    out.rels.update(mine)
    out.rels.update(later)
