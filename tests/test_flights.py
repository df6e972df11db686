"""kgraph.flights and kgraph.airport_index: distances, the airport grid index, leg records and position linking."""
from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgraph.flights import (
    TYPE_PENALTY_KM, AirportIndex, End, Leg, date_bounds, flight_date_range, flight_edge_records, haversine_km, leg_records,
    link_positions, parse_position,
)
from kgraph.model import Node, Provenance, validate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flights"


def airport_nodes(path: Path = FIXTURES / "airports.csv") -> list[Node]:
    """Airport nodes from an OurAirports airports.csv (the fields the matching needs)."""
    with open(path, encoding="utf-8", newline="") as f:
        return [Node(f"airport-{row['ident']}", "Airport",
                     {"ident": [row["ident"]], "name": [row["name"]], "airportType": [row["type"]],
                      "latitude": [row["latitude_deg"]], "longitude": [row["longitude_deg"]],
                      "icaoCode": [row["icao_code"]], "iataCode": [row["iata_code"]], "gpsCode": [row["gps_code"]],
                      "country": [row["iso_country"]]},
                     Provenance("ourairports", row["id"]))
                for row in csv.DictReader(f)]


def _airport(ident: str, lat: float, lon: float, kind: str = "large_airport") -> Node:
    return Node(f"airport-{ident}", "Airport", {"latitude": [str(lat)], "longitude": [str(lon)],
                                                "airportType": [kind]}, Provenance("ourairports", ident))


# --------------------------------------------------------------------------- distances
def test_haversine_known_distances():
    # Pulkovo to Sochi and MUSA to MUHA, against the spherical-law-of-cosines formula
    for a, b in (((59.800301, 30.262501), (43.449902, 39.9566)), ((22.8715, -82.5093), (22.9892, -82.4091))):
        p1, p2 = map(math.radians, a), map(math.radians, b)
        (la1, lo1), (la2, lo2) = p1, p2
        cosines = 6371.0088 * math.acos(math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(lo2 - lo1))
        assert haversine_km(*a, *b) == pytest.approx(cosines, rel=1e-6)
    assert 1925 < haversine_km(59.800301, 30.262501, 43.449902, 39.9566) < 1940
    assert 15 < haversine_km(22.8715, -82.5093, 22.9892, -82.4091) < 17
    assert haversine_km(0, 179.9, 0, -179.9) == pytest.approx(22.24, abs=0.01)  # across the date line
    assert haversine_km(10, 20, 10, 20) == 0.0


def test_parse_position():
    assert parse_position("22.8715,-82.5093") == (22.8715, -82.5093)
    assert parse_position("nan,0") is None
    assert parse_position("22.8,-182") is None
    assert parse_position("") is None


# --------------------------------------------------------------------------- the index
def test_index_prefers_the_field_you_landed_on_over_the_big_airport_next_door():
    idx = AirportIndex(airport_nodes())
    # touchdown 1 km from MUSA: MUSA (small) wins over MUHA (large, 16 km away)
    aid, km = idx.nearest(22.8625, -82.5093)
    assert aid == "airport-MUSA" and 0.9 < km < 1.1
    assert idx.nearest(22.985, -82.41)[0] == "airport-MUHA"
    assert idx.nearest(30.0, -45.0) is None
    assert idx.size == 9 and idx.skipped == 0


def test_index_prefers_a_larger_airport_when_both_are_close():
    hospital = _airport("XHEL", 50.0, 8.0, "heliport")
    big = _airport("XBIG", 50.0, 8.03, "large_airport")  # 2.1 km east of the heliport
    idx = AirportIndex([hospital, big])
    # 0.5 km from the heliport, 1.6 km from the airport's reference point
    assert idx.nearest(50.0, 8.007) == ("airport-XBIG", pytest.approx(1.64, abs=0.01))
    plain = AirportIndex([hospital, big], type_penalty_km={})
    assert plain.nearest(50.0, 8.007)[0] == "airport-XHEL"


def test_index_across_the_date_line_and_near_the_pole():
    idx = AirportIndex([_airport("EAST", -16.0, 179.99), _airport("POLE", 89.95, 0.0), _airport("FAR", 89.0, 120.0)])
    assert idx.nearest(-16.0, -179.99)[0] == "airport-EAST"
    assert idx.nearest(89.9, 170.0)[0] == "airport-POLE"
    assert idx.nearest(89.9, 170.0, max_km=3.0) is None


def test_index_skips_airports_without_coordinates():
    p = Provenance("ourairports", "x")
    idx = AirportIndex([Node("airport-A", "Airport", {"latitude": ["x"], "longitude": ["1"]}, p),
                        Node("airport-B", "Airport", {"latitude": ["95"], "longitude": ["1"]}, p),
                        Node("airport-C", "Airport", {}, p)])
    assert idx.size == 0 and idx.skipped == 3


_coords = st.tuples(st.floats(-89.9, 89.9), st.floats(-180.0, 179.999))
_kinds = st.sampled_from(sorted(TYPE_PENALTY_KM) + ["unknown_kind"])


@settings(max_examples=150, deadline=None)
@given(airports=st.lists(st.tuples(_coords, _kinds), min_size=1, max_size=60),
       queries=st.lists(_coords, min_size=1, max_size=10), max_km=st.floats(1.0, 2500.0),
       spread=st.floats(0.01, 40.0))
def test_index_agrees_with_a_linear_scan(airports, queries, max_km, spread):
    # airports clustered around the first query so that the circle catches some of them
    (qlat, qlon) = queries[0]
    nodes = []
    for i, ((lat, lon), kind) in enumerate(airports):
        lat = max(-90.0, min(90.0, qlat + (lat / 90.0) * spread))
        lon = ((qlon + (lon / 180.0) * spread) + 180.0) % 360.0 - 180.0
        nodes.append(_airport(f"A{i}", lat, lon, kind))
    idx = AirportIndex(nodes, cell_deg=0.25)
    for lat, lon in queries:
        scan = []
        for n in nodes:
            d = haversine_km(lat, lon, float(n.first("latitude")), float(n.first("longitude")))
            if d <= max_km:
                scan.append((d + TYPE_PENALTY_KM.get(n.first("airportType"), 3.0), d, n.id))
        got = idx.nearest(lat, lon, max_km)
        if not scan:
            assert got is None
        else:
            best = min(scan)
            assert got == (best[2], round(best[1], 2))


# --------------------------------------------------------------------------- legs
def with_flight_edges(recs):
    """A parse's records plus the edges the graph builder derives from its Flight nodes."""
    recs = list(recs)
    return recs + [e for r in recs if isinstance(r, Node) and r.type == "Flight" for e in flight_edge_records(r)]


def test_leg_records_country_ends_and_tail_fallback():
    leg = Leg("flightlog-x", Provenance("flightlog", "x"), "analyst-log", tail="RA-78765",
              departure=End(date="2026-01-20", date_latest="2026-02-01", country="MR"),
              arrival=End(date="2026-01-20", date_latest="2026-02-01", country="DO"), citation=["Defense News"])
    flight, = leg_records(leg)
    performed, dep, arr = flight_edge_records(flight)
    assert flight.first("name") == "RA-78765 MR -> DO, 2026-01-20/02-01"
    assert (performed.type, performed.start, performed.first("matchedBy")) == ("PERFORMED", "tail-RA78765", "tail")
    assert (dep.type, dep.end, arr.type, arr.end) == ("DEPARTED_FROM", "country-MR", "ARRIVED_AT", "country-DO")
    assert "distanceKm" not in dep.props
    assert all(validate(r) == [] for r in (flight, performed, dep, arr))


def test_leg_records_prefers_the_hex_and_keeps_distances():
    leg = Leg("opensky-flight-1533ad-1", Provenance("opensky_flights", "1533ad/1"), "opensky-api", icao24="1533AD",
              tail="RA-78765", departure=End(time=1769954403.0, code="MDSD", distance_km=1.41),
              arrival=End(time=1769961325.0, code="MUHA", distance_km=15.82))
    flight, = leg_records(leg)
    performed, dep, arr = flight_edge_records(flight)
    assert performed.start == "icao24-1533ad" and performed.first("matchedBy") == "icao24"
    assert flight.first("departureTime") == "2026-02-01T14:00:03Z"
    assert flight.first("arrivalDistanceKm") == "15.82" and arr.first("distanceKm") == "15.82"
    assert flight.first("departureDate") == "2026-02-01" and "departureDateLatest" not in flight.props



@pytest.mark.parametrize("leg", [
    Leg("flightlog-pad", Provenance("flightlog", "pad"), " analyst-log ", tail=" RA-78765 ", callsign="  ",
        departure=End(date=" 2026-01-20 ", date_latest="2026-01-31 ", code=" ULLI", country="RU "),
        arrival=End(date="", code="  ", country=" DZ"),
        citation=["Defense News", " Defense News ", "", " "], source_url=[" "], notes=["a", "b ", "a"]),
    Leg("adsb-1533ad-1", Provenance("adsb_traces", "1533ad/1"), "adsb-trace", icao24="1533ad",
        departure=End(time=1769954403.0, position=(59.8, 30.26), distance_km=0.4),
        arrival=End(time=1769961325.0, position=(22.87, -82.51))),
])
def test_leg_records_are_as_clean_as_node_makes_them(leg):
    # leg_records builds a flight's properties clean and skips Node's own cleaning: cleaning them again
    # must change nothing, whatever padding, blanks and repeats the source left in
    flight, = leg_records(leg)
    again = Node(flight.id, flight.type, {k: list(v) for k, v in flight.props.items()}, flight.prov)
    assert flight.props == again.props
    assert list(flight.props) == list(again.props)
    assert all(v for v in flight.props.values())

def test_date_bounds_and_flight_date_range():
    assert date_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert date_bounds("2026") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert date_bounds("2026-02-30") is None
    f = Node("f", "Flight", {"departureTime": ["2026-01-31T23:50:00Z"], "arrivalTime": ["2026-02-01T03:00:00Z"]},
             Provenance("adsb_traces", "x"))
    assert flight_date_range(f) == (dt.date(2026, 1, 31), dt.date(2026, 2, 1))
    assert flight_date_range(Node("g", "Flight", {}, Provenance("x", "y"))) is None


# --------------------------------------------------------------------------- linking
def _flight(fid: str, **props: str) -> Node:
    return Node(fid, "Flight", {"name": [props.pop("name", f"{fid} ? -> ?")], **{k: [v] for k, v in props.items()}},
                Provenance("adsb_traces", fid))


def test_link_positions_matches_ends_and_reports_the_far_ones():
    flights = [
        _flight("f1", name="RA-78765 59.81,30.27 -> 43.46,39.95, 2026-01-29",
                departurePosition="59.80952,30.26621", arrivalPosition="43.45975,39.95052"),
        _flight("f2", name="RA-78765 18.32,-15.97 -> 19.37,-24.02, 2026-01-30",
                departurePosition="18.31922,-15.96776", arrivalPosition="19.36713,-24.01888"),
        # an end that already has a code was linked by the ingester and is left alone
        _flight("f3", departurePosition="18.43,-69.66", departureCode="MDSD"),
    ]
    links = link_positions(flights, airport_nodes(), max_km=30.0)
    got = sorted((e.start, e.type, e.end) for e in links)
    assert got == [("f1", "ARRIVED_AT", "airport-URSS"), ("f1", "DEPARTED_FROM", "airport-ULLI"),
                   ("f2", "DEPARTED_FROM", "airport-GQNO")]
    assert all(0 < float(e.first("distanceKm")) < 2 and e.prov.source == "adsb_traces" for e in links)
    assert links.notes == {"f2": ["arrival: no airport within 30 km of 19.36713,-24.01888"]}
    assert links.names["f1"] == "RA-78765 ULLI -> URSS, 2026-01-29"
    assert links.names["f2"] == "RA-78765 GQNO -> 19.37,-24.02, 2026-01-30"
    assert all(validate(e) == [] for e in links)


def test_link_positions_accepts_a_prebuilt_index_and_a_larger_radius():
    idx = AirportIndex(airport_nodes())
    far = [_flight("f", arrivalPosition="19.36713,-24.01888")]
    assert list(link_positions(far, idx)) == []
    assert list(link_positions(far, idx, max_km=1000.0))[0].end == "airport-GQNO"
