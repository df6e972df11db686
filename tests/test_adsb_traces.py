"""ADS-B trace files (ingest/adsb_traces.py): legs, airports at build time, damaged files, fetching."""
from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import adsb_traces
from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.flights import link_positions
from kgraph.model import Edge, Node, ParseReport, validate
from tests.httpserver import HTTPTestServer, Reply
from tests.mutations import damaged
from tests.test_flights import airport_nodes, with_flight_edges

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flights"
TRACES = FIXTURES / "traces"
DAY_30 = TRACES / "2026" / "01" / "30" / "traces" / "ad" / "trace_full_1533ad.json"
ROUTE = [("ULLI", "URSS"), ("URSS", "DAAG"), ("DAAG", "GQNO"), ("GQNO", None), (None, "MDSD"), ("MDSD", "MUSA")]


def _parse(path, **options):
    report = ParseReport(source="adsb_traces", path=str(path))
    recs = with_flight_edges(adsb_traces.parse(path, report=report, **options))
    return recs, report


def _flights(recs):
    return [r for r in recs if isinstance(r, Node)]


def _route(recs, **link):
    """(from, to) airport idents per leg, in time order, after matching positions to the fixture airports."""
    flights = sorted(_flights(recs), key=lambda f: f.first("departureTime"))
    links = link_positions(flights, airport_nodes(), **link)
    ends = {(e.start, e.type): e.end.removeprefix("airport-") for e in links}
    return [(ends.get((f.id, "DEPARTED_FROM")), ends.get((f.id, "ARRIVED_AT"))) for f in flights], links, flights


def _points(path: Path) -> int:
    return len(adsb_traces.load_trace(path)["trace"])


def test_the_trip_becomes_six_legs_at_the_right_airports():
    recs, report = _parse(TRACES)
    route, links, flights = _route(recs)
    assert route == ROUTE
    total = sum(_points(p) for p in TRACES.rglob("trace_full_*.json"))
    assert report.read == total == report.kept and report.rejected == 0 and report.balanced
    assert all(validate(r) == [] for r in [*recs, *links])
    assert all(0 < float(e.first("distanceKm")) < 3 for e in links)
    # MUSA, not the larger MUHA 16 km away
    assert links.names[flights[-1].id] == "RA-78765 MDSD -> MUSA, 2026-02-01"


def test_the_leg_lost_over_the_atlantic_keeps_its_coordinates_and_says_so():
    recs, _ = _parse(TRACES)
    route, links, flights = _route(recs)
    lost = flights[3]
    assert lost.first("arrivalPosition") == "19.36713,-24.01888"
    assert "arrival: last seen airborne at 33,000 ft, then a gap of 5.2 h" in lost.get("notes")
    assert links.notes[lost.id] == ["arrival: no airport within 30 km of 19.36713,-24.01888"]
    found = flights[4]
    assert "departure: first seen airborne at 33,000 ft" in found.get("notes")
    assert links.notes[found.id][0].startswith("departure: no airport within 30 km")


def test_leg_properties_and_edges():
    recs, _ = _parse(TRACES)
    first = min(_flights(recs), key=lambda f: f.first("departureTime"))
    assert first.id == "adsb-1533ad-20260129T060000Z"
    assert first.prov.source == "adsb_traces" and first.prov.record == "1533ad/1769666400"
    assert first.first("callsign") == "RA78765"  # readsb's 8-character padding stripped
    assert first.first("registrationNumber") == "RA-78765" and first.first("method") == "adsb-trace"
    assert first.first("departureTime") == "2026-01-29T06:00:00Z" and first.first("departureDate") == "2026-01-29"
    assert first.first("citation") == "ADS-B trace 2026/01/29/traces/ad/trace_full_1533ad.json"
    performed = [e for e in recs if isinstance(e, Edge) and e.end == first.id]
    assert [(e.type, e.start, e.first("matchedBy")) for e in performed] == [("PERFORMED", "icao24-1533ad", "icao24")]


def test_gap_rule_is_configurable():
    # with a 6-hour allowance the Atlantic crossing is one leg, Nouakchott to Santo Domingo
    recs, _ = _parse(TRACES, max_gap_s=6 * 3600)
    route, _, _ = _route(recs)
    assert route == [("ULLI", "URSS"), ("URSS", "DAAG"), ("DAAG", "GQNO"), ("GQNO", "MDSD"), ("MDSD", "MUSA")]
    with pytest.raises(ConfigError, match="unknown option"):
        _parse(TRACES, max_gap=1)


def test_plain_json_flat_folder_and_single_file(tmp_path):
    for p in TRACES.rglob("trace_full_*.json"):
        day = "".join(p.parts[-6:-3])
        (tmp_path / day).mkdir()
        (tmp_path / day / p.name).write_bytes(gzip.decompress(p.read_bytes()))  # plain JSON
    recs, _ = _parse(tmp_path)
    assert _route(recs)[0] == ROUTE
    one, report = _parse(DAY_30)
    assert len(_flights(one)) == 2 and report.read == _points(DAY_30)


def _trace_file(tmp_path: Path, trace: list, **extra) -> Path:
    obj = {"icao": "1533ad", "r": "RA-78765", "t": "IL76", "timestamp": 1769666400.0, "trace": trace, **extra}
    path = tmp_path / "trace_full_1533ad.json"
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def _pt(t, lat, lon, alt, flags=0):
    return [t, lat, lon, alt, 300.0, 90.0, flags, 0, None, "adsb_icao", None, None, None, None]


def test_bad_points_are_rejected_and_counted_once_per_file(tmp_path):
    good = [_pt(0, 59.8, 30.26, "ground"), _pt(60, 59.81, 30.27, 1500), _pt(600, 59.0, 31.0, 30000),
            _pt(3000, 43.45, 39.95, "ground")]
    bad = [[700, "59.0", 31.0, 30000, 1, 1, 0], [800, 95.0, 31.0, 30000, 1, 1, 0], [900, 59.0, 31.0, "high", 1, 1, 0],
           [1000, 59.0], {"t": 1}, [500, 59.0, 31.0, 30000, 1, 1, 0], [1100, 59.0, 31.0, 30000, 1, 1, 0.5]]
    path = _trace_file(tmp_path, good[:3] + bad + good[3:], extra_field=1)
    recs, report = _parse(path)
    assert (report.read, report.kept, report.rejected) == (11, 4, 7)
    assert any("7 of 11 trace points" in w for w in report.warnings)
    assert report.unknown_fields == {"extra_field": 1}
    assert len(_flights(recs)) == 1


def test_new_leg_flag_ground_glitch_and_short_hops(tmp_path):
    trace = [
        _pt(0, 59.8, 30.26, "ground"), _pt(60, 59.81, 30.27, 1500), _pt(600, 59.0, 31.0, 30000),
        _pt(620, 59.0, 31.0, "ground"),  # a bogus ground report at cruise: not a landing
        _pt(660, 58.9, 31.1, 30000), _pt(3000, 43.45, 39.95, "ground"),
        _pt(3600, 43.45, 39.95, "ground", flags=2), _pt(3700, 43.46, 39.96, 300),  # a 100 s hop, not a leg
        _pt(3800, 43.46, 39.96, "ground"),
        _pt(4000, 43.46, 39.96, 800, flags=2), _pt(4600, 44.0, 38.0, 20000), _pt(5200, 44.5, 37.0, 20000),
        _pt(5300, 44.6, 36.9, 19000, flags=2),  # readsb starts a new leg in the air
        _pt(6000, 45.0, 36.0, 5000), _pt(6300, 45.03, 35.95, "ground"),
    ]
    recs, report = _parse(_trace_file(tmp_path, trace))
    flights = sorted(_flights(recs), key=lambda f: f.first("departureTime"))
    assert [(f.first("departurePosition"), f.first("arrivalPosition")) for f in flights] == [
        ("59.8,30.26", "43.45,39.95"), ("43.46,39.96", "44.5,37"), ("44.6,36.9", "45.03,35.95")]
    assert "arrival: last seen airborne at 20,000 ft, then readsb starts a new leg" in flights[1].get("notes")
    assert report.rejected == 0


def test_non_icao_address_is_not_matched_by_hex(tmp_path):
    path = _trace_file(tmp_path, [_pt(0, 1.0, 1.0, "ground"), _pt(100, 1.1, 1.1, 3000), _pt(200, 1.2, 1.2, 3000),
                                  _pt(400, 1.5, 1.5, "ground")],
                       icao="~1533ad")
    path = path.rename(tmp_path / "trace_full_~1533ad.json")
    recs, _ = _parse(path)
    (flight,) = _flights(recs)
    performed = [e for e in recs if isinstance(e, Edge) and e.type == "PERFORMED"]
    assert [e.start for e in performed] == ["tail-RA78765"] and "icao24" not in flight.props
    assert any("non-ICAO address" in n for n in flight.get("notes"))


@pytest.mark.parametrize("content, message", [
    (b"<!DOCTYPE html><html><body>rate limited</body></html>", "an HTML page"),
    (b'{"icao": "1533ad", "trace": []}', "no 'timestamp' field"),
    (b'{"icao": "1533ad", "timestamp": "yesterday", "trace": []}', "not a unix time"),
    (b'{"icao": "1533ad", "timestamp": 1769666400, "trace": {}}', "expected a list of points"),
    (b'[1, 2, 3]', "found a JSON list"),
    (gzip.compress(b'{"icao": "1533ad", "timestamp": 1769666400, "trace": []}')[:-6], "damaged gzip"),
    (b"", "not valid JSON"),
])
def test_files_that_are_not_traces(tmp_path, content, message):
    path = tmp_path / "trace_full_1533ad.json"
    path.write_bytes(content)
    with pytest.raises(SourceFormatError) as e:
        _parse(path)
    assert str(e.value).startswith("trace_full_1533ad.json") and message in str(e.value)


def test_files_of_one_aircraft_must_agree_on_the_address(tmp_path):
    shutil.copytree(TRACES, tmp_path / "t")
    other = tmp_path / "t" / "2026" / "01" / "31" / "traces" / "ad" / "trace_full_1533ad.json"
    obj = json.loads(gzip.decompress(other.read_bytes()))
    obj["icao"] = "1533ae"
    other.write_bytes(gzip.compress(json.dumps(obj).encode()))
    with pytest.raises(SourceFormatError, match="differs from"):
        _parse(tmp_path / "t")


_PLAIN = gzip.decompress(DAY_30.read_bytes())
_PRETTY = json.dumps(json.loads(_PLAIN), indent=1).encode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damaged(_PLAIN))
def test_damaged_plain_traces(tmp_path, damage):
    _check_damaged(tmp_path, damage, gzipped=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damaged(_PRETTY))
def test_damaged_pretty_printed_traces(tmp_path, damage):
    _check_damaged(tmp_path, damage, gzipped=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damaged(DAY_30.read_bytes()))
def test_damaged_gzip_traces(tmp_path, damage):
    _check_damaged(tmp_path, damage, gzipped=True)


def _check_damaged(tmp_path, damage, *, gzipped):
    kind, data = damage
    path = tmp_path / "trace_full_1533ad.json"
    path.write_bytes(data)
    try:
        recs, report = _parse(path)
    except SourceFormatError as e:
        assert str(e).startswith("trace_full_1533ad.json")
        return
    assert report.balanced and all(validate(r) == [] for r in recs)
    # a file that still parses as a trace has all its points counted: none can vanish unseen
    assert report.read == len(json.loads(_PLAIN)["trace"])


# --------------------------------------------------------------------------- fetching
def _config(srv: HTTPTestServer, **traces) -> dict:
    return {"http": {"retries": 1, "backoff": 0.01, "max_wait": 5},
            "sources": {"traces": {"adsbx_url": srv.url("/adsbx/traces/{year}/{month}/{day}/{xx}/trace_full_{hex}.json"),
                                   "adsblol_url": srv.url("/adsblol/v{year}.{month}.{day}.tar.{part}"), **traces}}}


def test_fetch_adsbx_samples(http_server, tmp_path):
    srv = http_server
    day1 = TRACES / "2026" / "02" / "01" / "traces" / "ad" / "trace_full_1533ad.json"
    srv.route("/adsbx/traces/2026/02/01/ad/trace_full_1533ad.json", Reply(body=day1.read_bytes()))
    summary = adsb_traces.fetch(tmp_path, config=_config(srv), icao24=["1533AD", "152c07"], dates=["2026-02-01"])
    assert summary == {"provider": "adsbx-samples", "found": ["2026-02-01/1533ad"], "missing": ["2026-02-01/152c07"]}
    got = tmp_path / "2026" / "02" / "01" / "traces" / "ad" / "trace_full_1533ad.json"
    assert got.read_bytes() == day1.read_bytes()
    assert _route(_parse(tmp_path)[0])[0] == [("MDSD", "MUSA")]
    with pytest.raises(ConfigError, match="first day of a month"):
        adsb_traces.fetch(tmp_path, config=_config(srv), icao24=["1533ad"], dates=["2026-01-30"])


def test_fetch_refuses_a_page_that_is_not_a_trace(http_server, tmp_path):
    srv = http_server
    srv.route("/adsbx/traces/2026/02/01/ad/trace_full_1533ad.json", Reply.json({"error": "not found"}))
    with pytest.raises(FetchError, match="not a trace file"):
        adsb_traces.fetch(tmp_path, config=_config(srv), icao24=["1533ad"], dates=["2026-02-01"])
    assert not list(tmp_path.rglob("trace_full_*"))


def test_fetch_adsblol_split_archive(http_server, tmp_path):
    srv = http_server
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("./traces/ad/trace_full_1533ad.json", DAY_30.read_bytes()),
                           ("./traces/07/trace_full_152c07.json", b"other aircraft"),
                           ("./acas/acas.csv", b"x" * 5000)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    blob = buf.getvalue()
    srv.route("/adsblol/v2026.01.30.tar.aa", Reply(body=blob[:4096]))
    srv.route("/adsblol/v2026.01.30.tar.ab", Reply(body=blob[4096:]))
    cfg = _config(srv, icao24=["1533ad"], dates=["2026-01-30/2026-01-31"], provider="adsblol")
    summary = adsb_traces.fetch(tmp_path, config=cfg)
    assert summary["found"] == ["2026-01-30/1533ad"] and summary["missing"] == ["2026-01-31/1533ad"]
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()] == [
        "2026/01/30/traces/ad/trace_full_1533ad.json"]  # the parts are gone
    assert len(srv.requests_to("/adsblol/v2026.01.30.tar.ac")) == 1  # looked for a third part


def test_fetch_needs_addresses_and_dates(tmp_path):
    with pytest.raises(ConfigError, match="icao24"):
        adsb_traces.fetch(tmp_path, config={}, dates=["2026-02-01"])
    with pytest.raises(ConfigError, match="dates"):
        adsb_traces.fetch(tmp_path, config={}, icao24=["1533ad"])
    with pytest.raises(ConfigError, match="not a date"):
        adsb_traces.fetch(tmp_path, config={}, icao24=["1533ad"], dates=["late January"])


def test_route_with_airports_from_the_ourairports_ingester():
    ourairports = pytest.importorskip("ingest.ourairports")
    airports = [r for r in ourairports.parse(FIXTURES / "airports.csv") if isinstance(r, Node) and r.type == "Airport"]
    flights = sorted(_flights(_parse(TRACES)[0]), key=lambda f: f.first("departureTime"))
    links = link_positions(flights, airports)
    ends = {(e.start, e.type): e.end.removeprefix("airport-") for e in links}
    assert [(ends.get((f.id, "DEPARTED_FROM")), ends.get((f.id, "ARRIVED_AT"))) for f in flights] == ROUTE


# -- the real trace in readsb's documentation (corpus: aviation/flights/readsb-docs) -----------------------
def _readsb_example() -> str:
    """The ```json example under "## trace jsons" in readsb's README-json.md: 3c66b0 / D-AIUP, 2022-09-15."""
    from tests.conftest import corpus_path

    text = corpus_path("aviation", "flights", "readsb-docs", "README-json.md").read_text(encoding="utf-8")
    section = text[text.index("## trace jsons"):]
    start = section.index("```json\n") + len("```json\n")
    return section[start:section.index("```", start)]


def test_the_documented_real_trace_as_published_is_refused_in_one_line(tmp_path):
    # the published example never closes its "trace" list: a truncated file, refused with the place
    path = tmp_path / "trace_full_3c66b0.json"
    path.write_text(_readsb_example(), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        _parse(tmp_path)
    assert "trace_full_3c66b0.json" in str(caught.value) and "not valid JSON" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_documented_real_trace_gives_one_airborne_leg(tmp_path):
    text = _readsb_example().rstrip()
    assert text.endswith("]\n}")  # the last point's bracket, then the object's: the list's is missing
    closed = text[: text.rindex("}")].rstrip() + "\n    ]\n}\n"  # the one bracket the example leaves out
    (tmp_path / "trace_full_3c66b0.json").write_text(closed, encoding="utf-8")
    recs, report = _parse(tmp_path, min_airborne_s=10)
    flights = _flights(recs)
    assert len(flights) == 1 and report.unknown_fields == {}
    f = flights[0]
    assert f.get("icao24") == ["3c66b0"] and f.get("registrationNumber") == ["D-AIUP"]
    assert f.get("callsign") == ["DLH7YA"]  # the 8-character padding stripped
    # seen at 25,125 ft descending and lost at 22,875 ft: neither end is an airport, and the leg says so
    assert f.first("departureTime").startswith("2022-09-15T18:") and not f.first("departureCode")
    assert f.first("departurePosition").startswith("49.2633") and f.first("arrivalPosition").startswith("49.3416")
