"""Flight legs: the shape every flight source emits, and the airport matching the builder runs.

The three flight sources (an analyst's CSV log, ADS-B trace files, the
OpenSky API) describe a leg with different precision: a news report knows
"Algeria, late January", a trace knows a position to the metre and the
second. They all fill one :class:`Leg` and turn it into records with
:func:`leg_records`, so a Flight looks the same whichever way it came in:

* one ``Flight`` node (id from the source's own ids) that states its
  aircraft and its ends as properties;
* the graph builder derives its edges from those properties
  (:func:`flight_edges`), as it derives an airframe's registrations from its
  tails: ``PERFORMED`` from the aircraft, named by ``icao24-<hex>`` or,
  without a hex, ``tail-<TAIL>`` (the builder picks the airframe that held the
  tail on the flight's date, see :func:`flight_date_range`);
  ``DEPARTED_FROM`` / ``ARRIVED_AT`` to ``airport-<CODE>`` when a code is
  known, to ``country-<ISO2>`` when only the country is: the graph keeps those
  country-level rather than inventing an airport.

A flight log of a million legs is then a million records, not four million:
the edges were a restatement of the node's own properties, and storing,
loading and merging them took most of a full-size build (bench/pipeline.py).

Trace legs carry positions, not codes. Airports may be ingested after the
traces, so matching happens at build time: :func:`link_positions` finds the
nearest airport within ``max_km`` through an :class:`AirportIndex` (a spatial
grid, in :mod:`kgraph.airport_index`) and reports the ends with no airport
near enough, which keep their coordinates and get a note.

Example
-------
>>> from kgraph.model import Node, Provenance
>>> airports = [Node("airport-MUSA", "Airport", {"ident": ["MUSA"], "latitude": ["22.8715"],
...                  "longitude": ["-82.5093"], "airportType": ["small_airport"]}, Provenance("ourairports", "4853"))]
>>> leg = Leg("adsb-1533ad-x", Provenance("adsb_traces", "1533ad/1769900000"), "adsb-trace", icao24="1533ad",
...           tail="RA-78765", arrival=End(time=1769958000.0, position=(22.874, -82.507)))
>>> flight, = leg_records(leg)
>>> links = link_positions([flight], airports)
>>> [(e.type, e.end, e.first("distanceKm")) for e in links]
[('ARRIVED_AT', 'airport-MUSA', '0.36')]
>>> links.names[flight.id]
'RA-78765 ? -> MUSA, arr. 2026-02-01'
"""
from __future__ import annotations

import calendar
import functools
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable

# haversine_km and TYPE_PENALTY_KM are unused here: re-exported, as callers import them from this module
from .airport_index import TYPE_PENALTY_KM, AirportIndex, haversine_km
from .ids import airport_key, country_id, icao24_key, normalize_icao24, tail_key
from .model import Edge, Node, Provenance, clean_values

__all__ = ["haversine_km", "AirportIndex", "PositionLinks", "link_positions", "End", "Leg", "leg_records",
           "flight_name", "date_label", "date_bounds", "flight_date_range", "parse_position", "format_position",
           "iso_utc", "TYPE_PENALTY_KM", "flight_edges", "flight_edge_records", "FLIGHT_EDGE_TYPES"]


def parse_position(text: str | None) -> tuple[float, float] | None:
    """``"lat,lon"`` -> (lat, lon); None when absent or not a valid position.

    >>> parse_position("22.8715,-82.5093"), parse_position("91,0"), parse_position("x")
    ((22.8715, -82.5093), None, None)
    """
    if not text:
        return None
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also False for NaN
        return None
    return lat, lon


def format_position(lat: float, lon: float) -> str:
    """The ``departurePosition`` text of a point: five decimals (about a metre).

    >>> format_position(22.871512345, -82.5093)
    '22.87151,-82.5093'
    """
    return f"{_num(lat, 5)},{_num(lon, 5)}"


def _num(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def iso_utc(seconds: float) -> str:
    """Unix seconds -> ``2026-02-01T14:20:05Z``.

    >>> iso_utc(1769955605)
    '2026-02-01T14:20:05Z'
    """
    return dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- dates
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@functools.lru_cache(maxsize=1 << 14)  # legs repeat the same days
def date_bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day a possibly partial ISO date (or datetime) stands for.

    >>> date_bounds("2026-01")
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    >>> date_bounds("2026-02-01T14:20:05Z")
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 1))
    >>> date_bounds("late January") is None
    True
    """
    if not value:
        return None
    m = _PARTIAL_DATE.match(value[:10] if "T" in value else value)
    if not m:
        return None
    try:
        year = int(m[1])
        if m[3]:
            d = dt.date(year, int(m[2]), int(m[3]))
            return d, d
        if m[2]:
            month = int(m[2])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def date_label(earliest: str | None, latest: str | None = None) -> str:
    """A short text for a date or a date range, for flight names.

    >>> date_label("2026-01-20", "2026-01-31"), date_label("2026-01-20", "2026-02-01"), date_label("2026-02-01")
    ('2026-01-20/31', '2026-01-20/02-01', '2026-02-01')
    """
    if not earliest:
        return latest or ""
    if not latest or latest == earliest:
        return earliest
    if len(earliest) == len(latest) == 10:
        if earliest[:8] == latest[:8]:
            return f"{earliest}/{latest[8:]}"
        if earliest[:5] == latest[:5]:
            return f"{earliest}/{latest[5:]}"
    return f"{earliest}/{latest}"


def flight_date_range(flight: Node) -> tuple[dt.date, dt.date] | None:
    """The days a Flight node may have taken place on: (first possible, last possible).

    Uses the departure and arrival dates, their ``...Latest`` bounds and the
    exact times, whichever are present; the builder compares this range with
    the validity of a tail number to pick the airframe a ``tail-`` key means.

    >>> from kgraph.model import Node, Provenance
    >>> f = Node("f", "Flight", {"departureDate": ["2026-01-20"], "departureDateLatest": ["2026-01-31"],
    ...                          "arrivalDate": ["2026-02-01"]}, Provenance("flightlog", "1"))
    >>> flight_date_range(f)
    (datetime.date(2026, 1, 20), datetime.date(2026, 2, 1))
    """
    lows: list[dt.date] = []
    highs: list[dt.date] = []
    for prop in ("departureDate", "departureDateLatest", "departureTime", "arrivalDate", "arrivalDateLatest",
                 "arrivalTime"):
        for value in flight.get(prop):
            bounds = date_bounds(value)
            if bounds:
                lows.append(bounds[0])
                highs.append(bounds[1])
    if not lows:
        return None
    return min(lows), max(highs)


# --------------------------------------------------------------------------- legs -> records
@dataclass(slots=True)
class End:
    """What a source knows about one end of a leg. Every field is optional."""

    time: float | None = None  # unix seconds, UTC
    date: str | None = None  # earliest date, possibly partial (2026, 2026-01, 2026-01-20)
    date_latest: str | None = None  # latest date when the source gives a range
    code: str | None = None  # airport code of any kind: ident, ICAO, IATA, GPS
    country: str | None = None  # ISO 3166-1 alpha-2
    position: tuple[float, float] | None = None  # (lat, lon)
    distance_km: float | None = None  # from the named airport, when the source says


@dataclass(slots=True)
class Leg:
    """One flight leg as a source states it; :func:`leg_records` turns it into records."""

    id: str
    prov: Provenance
    method: str  # opensky-api, adsb-trace, analyst-log
    icao24: str | None = None
    tail: str | None = None  # as written (RA-78765)
    callsign: str | None = None
    departure: End = field(default_factory=End)
    arrival: End = field(default_factory=End)
    citation: list[str] = field(default_factory=list)
    source_url: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def flight_name(aircraft: str, departure: str, arrival: str, when: str) -> str:
    """``RA-78765 ULLI -> URSS, 2026-01-20/31``.

    >>> flight_name("RA-78765", "ULLI", "URSS", "2026-01-20/31")
    'RA-78765 ULLI -> URSS, 2026-01-20/31'
    """
    name = f"{aircraft} {departure} -> {arrival}"
    return f"{name}, {when}" if when else name


def _day(seconds: float | None) -> str | None:
    return iso_utc(seconds)[:10] if seconds is not None else None


def _km(value: float) -> str:
    return _num(value, 2)


def leg_records(leg: Leg) -> list[Node]:
    """The records of one leg: its Flight node, which states its aircraft and ends (see :func:`flight_edges`).

    >>> leg = Leg("flightlog-x", Provenance("flightlog", "x"), "analyst-log", tail="RA-78765",
    ...           departure=End(date="2026-01-20", date_latest="2026-01-31", code="ULLI", country="RU"),
    ...           arrival=End(date="2026-01-20", date_latest="2026-02-01", country="DZ"))
    >>> flight, = leg_records(leg)
    >>> flight.first("name"), flight.first("departureCode"), flight.first("arrivalCountry")
    ('RA-78765 ULLI -> DZ, 2026-01-20/31', 'ULLI', 'DZ')
    >>> [(rel, start, end) for rel, start, end, _ in flight_edges(flight.id, flight.props)]
    [('PERFORMED', 'tail-RA78765', 'flightlog-x'), ('DEPARTED_FROM', 'flightlog-x', 'airport-ULLI'), ('ARRIVED_AT', 'flightlog-x', 'country-DZ')]
    """
    dep, arr = leg.departure, leg.arrival
    hex_ = normalize_icao24(leg.icao24) if leg.icao24 else None
    aircraft = leg.tail or (hex_.upper() if hex_ else None) or leg.callsign or "?"
    dep_date = dep.date or _day(dep.time)
    dep_latest = dep.date_latest if dep.date_latest != dep_date else None
    arr_date = arr.date or _day(arr.time)
    arr_latest = arr.date_latest if arr.date_latest != arr_date else None
    when = date_label(dep_date, dep_latest) if dep_date else (f"arr. {date_label(arr_date, arr_latest)}" if arr_date else "")
    # built as Node's own cleaning leaves them (stripped, no blanks or repeats), so that a million legs
    # skip it: texts from a source go through _text or clean_values, the generated ones are clean
    props: dict[str, list[str]] = {"name": [flight_name(aircraft, _end_label(dep), _end_label(arr), when).strip()]}
    for key, value in (("callsign", leg.callsign), ("icao24", hex_), ("registrationNumber", leg.tail),
                       ("method", leg.method)):
        _text(props, key, value)
    for key, values in (("citation", leg.citation), ("sourceUrl", leg.source_url), ("notes", leg.notes)):
        if values:
            values = clean_values(values)
            if values:
                props[key] = values
    for prefix, end, date, latest in (("departure", dep, dep_date, dep_latest), ("arrival", arr, arr_date, arr_latest)):
        if end.time is not None:
            props[f"{prefix}Time"] = [iso_utc(end.time)]
        _text(props, f"{prefix}Date", date)
        _text(props, f"{prefix}DateLatest", latest)
        _text(props, f"{prefix}Code", end.code)
        _text(props, f"{prefix}Country", end.country)
        if end.position:
            props[f"{prefix}Position"] = [format_position(*end.position)]
        if end.distance_km is not None:
            props[f"{prefix}DistanceKm"] = [_km(end.distance_km)]
    return [Node.trusted(leg.id, "Flight", props, leg.prov)]


def _text(props: dict[str, list[str]], key: str, value: str | None) -> None:
    """Set a one-value property from a source's text, as :class:`Node` cleans it (stripped, blank left out)."""
    if value:
        value = value.strip()
        if value:
            props[key] = [value]


#: the relationships :func:`flight_edges` derives (records of these types from a flight source are older
#: snapshots' restatements of the same facts, accepted as they are)
FLIGHT_EDGE_TYPES = ("PERFORMED", "DEPARTED_FROM", "ARRIVED_AT")
# edge properties shared by every derived edge that has them: a million flights, three edges each
_BY_HEX, _BY_TAIL, _NO_PROPS = {"matchedBy": ["icao24"]}, {"matchedBy": ["tail"]}, {}


def flight_edges(flight_id: str, props: dict[str, list[str]]) -> list[tuple[str, str, str, dict[str, list[str]]]]:
    """The edges a Flight's properties state: ``(type, start, end, edge properties)``.

    The aircraft by ICAO address when known, else by tail (``matchedBy`` says
    which); each end at its airport code, else at its country. The returned
    property dicts are shared between calls: read them, do not change them.

    >>> flight_edges("opensky-1", {"icao24": ["1533ad"], "registrationNumber": ["RA-78765"],
    ...                            "arrivalCode": ["MUSA"], "arrivalDistanceKm": ["0.36"]})
    [('PERFORMED', 'icao24-1533ad', 'opensky-1', {'matchedBy': ['icao24']}), ('ARRIVED_AT', 'opensky-1', 'airport-MUSA', {'distanceKm': ['0.36']})]
    """
    out = []
    get = props.get
    hex_key = icao24_key(get("icao24", (None,))[0])
    if hex_key:
        out.append(("PERFORMED", hex_key, flight_id, _BY_HEX))
    else:
        key = tail_key(get("registrationNumber", (None,))[0])
        if key:
            out.append(("PERFORMED", key, flight_id, _BY_TAIL))
    for rel, prefix in (("DEPARTED_FROM", "departure"), ("ARRIVED_AT", "arrival")):
        code = get(prefix + "Code")
        if code:
            km = get(prefix + "DistanceKm")
            out.append((rel, flight_id, airport_key(code[0]), {"distanceKm": km} if km else _NO_PROPS))
            continue
        country = get(prefix + "Country")
        if country:
            out.append((rel, flight_id, country_id(country[0]), _NO_PROPS))
    return out


def flight_edge_records(flight: Node) -> list[Edge]:
    """:func:`flight_edges` as Edge records with the flight's provenance (what the builder adds for it).

    >>> f, = leg_records(Leg("flightlog-x", Provenance("flightlog", "x"), "analyst-log", tail="RA-78765"))
    >>> [(e.type, e.start, e.end, e.prov.record) for e in flight_edge_records(f)]
    [('PERFORMED', 'tail-RA78765', 'flightlog-x', 'x')]
    """
    return [Edge(rel, start, end, dict(props), flight.prov) for rel, start, end, props in flight_edges(flight.id, flight.props)]


def _end_label(end: End) -> str:
    if end.code or end.country:
        return end.code or end.country or "?"
    if end.position:
        return f"{end.position[0]:.2f},{end.position[1]:.2f}"
    return "?"


# --------------------------------------------------------------------------- airport matching
class PositionLinks(list):
    """The edges :func:`link_positions` made (it is a list of them), with what the builder should add.

    ``notes``: flight id -> notes for ends with no airport within reach
    ("arrival: no airport within 30 km of 33.1,-45.2"); the flight keeps its
    coordinates. ``names``: flight id -> the flight's name with the matched
    airport idents in place of coordinates.
    """

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}


def link_positions(flight_nodes: Iterable[Node], airport_nodes: Iterable[Node] | AirportIndex, *,
                   max_km: float = 30.0) -> PositionLinks:
    """DEPARTED_FROM / ARRIVED_AT edges from flight positions to the nearest airport within ``max_km``.

    Only ends with a ``departurePosition``/``arrivalPosition`` and no airport
    code are looked at (a code was already turned into an edge by the
    ingester). Edges carry ``distanceKm`` and the flight's provenance; their
    end is the airport's node id. Ends with no airport near enough get no
    edge: they are reported in ``result.notes``.

    Parameters
    ----------
    flight_nodes : iterable of Node
        Flight nodes (others are ignored).
    airport_nodes : iterable of Node or AirportIndex
        Airport nodes, or an index built from them once for many calls.
    max_km : float
        Largest distance from the airport's reference point.
    """
    index = airport_nodes if isinstance(airport_nodes, AirportIndex) else AirportIndex(airport_nodes)
    result = PositionLinks()
    for flight in flight_nodes:
        if flight.type != "Flight":
            continue
        matched: dict[str, str] = {}
        for end, rel in (("departure", "DEPARTED_FROM"), ("arrival", "ARRIVED_AT")):
            text = flight.first(f"{end}Position")
            if not text or flight.first(f"{end}Code"):
                continue
            pos = parse_position(text)
            if pos is None:
                result.notes.setdefault(flight.id, []).append(f"{end}: position {text!r} is not lat,lon")
                continue
            hit = index.nearest(pos[0], pos[1], max_km)
            if hit is None:
                result.notes.setdefault(flight.id, []).append(f"{end}: no airport within {max_km:g} km of {text}")
                continue
            airport_id, km = hit
            result.append(Edge(rel, flight.id, airport_id, {"distanceKm": [_km(km)]}, flight.prov))
            matched[end] = airport_id.removeprefix("airport-")
        if matched:
            result.names[flight.id] = _renamed(flight, matched)
    return result


def _renamed(flight: Node, matched: dict[str, str]) -> str:
    """The flight's name with the matched airports in place of the coordinates :func:`leg_records` put there."""
    name = flight.first("name") or ""
    for end, code in matched.items():
        pos = parse_position(flight.first(f"{end}Position"))
        if pos is None:
            continue
        label = f"{pos[0]:.2f},{pos[1]:.2f}"
        old, new = ((f" {label} -> ", f" {code} -> ") if end == "departure" else (f" -> {label}", f" -> {code}"))
        name = name.replace(old, new, 1)
    return name
