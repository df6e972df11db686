"""The flights' part of the graph build (:mod:`.build`): the edges of every Flight node.

A Flight states its aircraft and its ends as properties; here they become
PERFORMED, DEPARTED_FROM and ARRIVED_AT edges (:func:`add_flight_edges`),
ends known only by position are linked to the nearest airport
(:func:`link_flight_positions`), and an airport code not in the graph falls
back to the flight's country (:func:`airport_fallback`). A module of its
own because a million flights take a path of their own through the build
(rows made before the tables), and :mod:`.build` was over 500 lines with it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Node
from .derive import Assertion
from .rows import edge_row_maker

if TYPE_CHECKING:
    from .build import _Builder


def link_flight_positions(builder: _Builder, max_km: float) -> None:
    """DEPARTED_FROM / ARRIVED_AT of the flight ends known only by position (:func:`kgraph.flights.link_positions`)."""
    flights = [m for m in builder.merged.values() if m.type == "Flight"
               and (m.props.get("departurePosition") or m.props.get("arrivalPosition"))]
    if not flights:
        return
    try:
        from ..flights import link_positions
    except ImportError:
        builder.audit.notes["flight positions not linked to airports: kgraph.flights.link_positions missing"] += 1
        return
    airports = [Node(m.id, "Airport", m.props, m.provs[0]) for m in builder.merged.values() if m.type == "Airport"]
    links = link_positions([Node(m.id, "Flight", m.props, m.provs[0]) for m in flights], airports, max_km=max_km)
    for e in links:
        builder.add_edge(e.type, e.start, e.end, [e])
    builder.stats["position_links"] += len(links)
    for fid, name in getattr(links, "names", {}).items():
        m = builder.merged.get(fid)
        if m is not None:
            m.props = dict(m.props, name=[name])
    for fid, notes in getattr(links, "notes", {}).items():
        m = builder.merged.get(fid)
        if m is not None:
            m.props = dict(m.props, notes=[*m.get("notes"), *notes])
            builder.stats["position_ends_without_airport"] += len(notes)


def add_flight_edges(builder: _Builder, collect: list | None = None) -> None:
    """PERFORMED / DEPARTED_FROM / ARRIVED_AT of every Flight, from its properties (:func:`kgraph.flights.flight_edges`).

    A million flights make three million edges. The common case (one
    record, the other end a key held by one node of an allowed type, no
    edge there yet) becomes its table row here, in ``ready_rows``: a key
    and an assertion per edge, held until the rows were made, were ~0.4 GB
    of the build's peak at full size. Everything else takes :meth:`_Builder.add_edge`.
    Runs after every other source of these edges, so that no edge it makes
    a row of can be asserted again.

    ``collect``: a builder that holds the flights and airports only (the
    flights' part, :mod:`.flight_part`) puts each PERFORMED edge there as
    ``(flight id, aircraft key, edge properties, provenances, dates)`` for
    the graph's builder to resolve (:func:`add_performed`; they are counted
    in ``flight_edges`` here). ``dates`` are the flight's when its aircraft
    is a tail (a tail held by several airframes is chosen among them by
    date), else None.
    """
    from ..flights import FLIGHT_EDGE_TYPES, flight_edges

    add_edge, edges, types, keys = builder.add_edge, builder.edges, builder.types, builder.endpoints.keys
    between = {rel: builder.rel_ends[rel][2] for rel in FLIGHT_EDGE_TYPES}
    make = {rel: edge_row_maker(rel) for rel in FLIGHT_EDGE_TYPES}
    ready = builder.ready_rows
    n = 0
    # a list first: an end at a country not yet in the graph adds its Country node while this runs
    for m in [m for m in builder.merged.values() if m.type == "Flight"]:
        fid, provs = m.id, m.provs
        for rel, start, end, props in flight_edges(fid, m.props):
            n += 1
            if collect is not None and rel == "PERFORMED":
                collect.append((fid, start, props, tuple(provs),
                                  flight_dates(m.props) if start.startswith("tail-") else None))
                continue
            if len(provs) == 1:
                performed = rel == "PERFORMED"
                h = keys.get(start if performed else end)
                if h.__class__ is str:  # held by one node
                    a, b = (h, fid) if performed else (fid, h)
                    table = (rel, types[a], types[b])
                    if table[1:] in between[rel] and (rel, a, b) not in edges:
                        rows = ready.get(table)
                        if rows is None:
                            rows = ready[table] = []
                        rows.append(make[rel](a, b, provs[0], props))
                        continue
            add_edge(rel, start, end, [Assertion(props, p) for p in provs])
    builder.stats["flight_edges"] += n


#: a flight's properties that say when it flew (the day range that chooses among a tail's holders)
FLIGHT_DATE_PROPS = ("departureDate", "departureDateLatest", "departureTime", "arrivalDate", "arrivalDateLatest",
                     "arrivalTime")


def flight_dates(props: dict[str, list[str]]) -> list[str]:
    """Every date value of a flight's properties (:data:`FLIGHT_DATE_PROPS`), for :func:`.endpoints.date_range`."""
    return [v for p in FLIGHT_DATE_PROPS for v in props.get(p, ())]


def add_performed(builder: _Builder, performed: list) -> None:
    """The PERFORMED edges of flights built apart (collected by :func:`add_flight_edges`), resolved here.

    As in :func:`add_flight_edges`: the common case becomes its row at once,
    the rest takes :meth:`_Builder.add_edge` (the flight's dates choosing
    among the airframes that held a tail). The flights are in the builder's
    ``types`` already (:func:`.flight_part.take_flights`).
    """
    add_edge, edges, types, keys = builder.add_edge, builder.edges, builder.types, builder.endpoints.keys
    between = builder.rel_ends["PERFORMED"][2]
    make = edge_row_maker("PERFORMED")
    ready = builder.ready_rows
    for fid, start, props, provs, dates in performed:
        if len(provs) == 1:
            h = keys.get(start)
            if h.__class__ is str:
                table = ("PERFORMED", types[h], "Flight")
                if table[1:] in between and ("PERFORMED", h, fid) not in edges:
                    rows = ready.get(table)
                    if rows is None:
                        rows = ready[table] = []
                    rows.append(make(h, fid, provs[0], props))
                    continue
        if dates is not None:
            builder.flight_dates[fid] = dates
        add_edge("PERFORMED", start, fid, [Assertion(props, p) for p in provs])


def airport_fallback(builder: _Builder, rel: str, flights: list[str], end: str) -> list[str]:
    """An airport code not in the graph: the flight keeps its code, the edge goes to its country."""
    prefix = "departure" if rel == "DEPARTED_FROM" else "arrival"
    out = []
    for fid in flights:
        m = builder.merged[fid]
        if m.type != "Flight":
            continue
        if not m.get(f"{prefix}Code"):
            m.props = dict(m.props)
            m.props[f"{prefix}Code"] = [end[len("airport-"):]]
        country = m.first(f"{prefix}Country")
        code = builder.country_code(country) if country else None
        cid = builder.create_country(code) if code else None
        if cid:
            out.append(cid)
            builder.stats["airport_to_country_fallbacks"] += 1
            builder.audit.notes[f"{rel}: airport not in the graph, linked to the flight's country"] += 1
    return out
