"""OpenSky flights (ingest/opensky_flights.py): parsing saved answers, and the API client against a local server."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import opensky_flights
from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate
from tests.conftest import corpus_path
from tests.httpserver import HTTPTestServer, Reply, Request
from tests.mutations import damaged
from tests.test_flights import with_flight_edges

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flights" / "opensky"
ANSWERS = sorted(FIXTURES.glob("flights_aircraft_*.json"))
CLIENT_ID, SECRET = "kgraph-test-client", "s3cr3t-OpenSky-value-987"


def _parse(path):
    report = ParseReport(source="opensky_flights", path=str(path))
    return with_flight_edges(opensky_flights.parse(path, report=report)), report


def _flights(recs):
    return {r.id: r for r in recs if isinstance(r, Node)}


def _edges(recs, kind):
    return {e.start: e for e in recs if isinstance(e, Edge) and e.type == kind}


# --------------------------------------------------------------------------- parsing
def test_saved_answers_become_legs_with_duplicates_from_overlapping_windows_dropped(tmp_path):
    for p in ANSWERS:
        (tmp_path / p.name).write_bytes(p.read_bytes())
    recs, report = _parse(tmp_path)
    flights = _flights(recs)
    assert len(flights) == 6 and (report.read, report.kept, report.rejected) == (7, 6, 1)
    assert any("1 flight already read from an overlapping query window" in w for w in report.warnings)
    assert all(validate(r) == [] for r in recs)
    first = flights["opensky-flight-1533ad-1769666405"]
    assert first.first("callsign") == "RA78765"  # "RA78765 " in the answer: padding stripped
    assert first.first("departureTime") == "2026-01-29T06:00:05Z" and first.first("departureCode") == "ULLI"
    assert first.first("departureDistanceKm") == "1.45" and first.first("method") == "opensky-api"
    assert _edges(recs, "DEPARTED_FROM")[first.id].end == "airport-ULLI"
    assert _edges(recs, "DEPARTED_FROM")[first.id].first("distanceKm") == "1.45"
    performed = [e for e in recs if isinstance(e, Edge) and e.type == "PERFORMED"]
    assert {e.start for e in performed} == {"icao24-1533ad"} and len(performed) == 6


def test_null_airports_give_no_edge_and_a_note():
    recs, _ = _parse(FIXTURES / "flights_aircraft_1533ad_1769774400_1769947200.json")
    flights = _flights(recs)
    lost = flights["opensky-flight-1533ad-1769803210"]
    assert "arrivalCode" not in lost.props and lost.id not in _edges(recs, "ARRIVED_AT")
    assert "arrival airport not identified by OpenSky" in lost.get("notes")
    found = flights["opensky-flight-1533ad-1769826160"]
    assert found.id not in _edges(recs, "DEPARTED_FROM") and _edges(recs, "ARRIVED_AT")[found.id].end == "airport-MDSD"
    assert found.first("name") == "1533AD ? -> MDSD, 2026-01-31"


def test_a_neighbouring_airport_keeps_its_distance_for_review():
    recs, _ = _parse(FIXTURES / "flights_aircraft_1533ad_1769904000_1769990400.json")
    (flight,) = _flights(recs).values()
    arr = _edges(recs, "ARRIVED_AT")[flight.id]
    assert (arr.end, arr.first("distanceKm"), flight.first("arrivalDistanceKm")) == ("airport-MUHA", "15.82", "15.82")


@pytest.mark.corpus
def test_real_api_sample():
    recs, report = _parse(corpus_path("aviation", "flights", "opensky-api-samples", "flights_departure_LFPG_20231010.json"))
    flights = _flights(recs)
    assert report.read == report.kept == 2 and not report.unknown_fields
    f = flights["opensky-flight-39856f-1696927889"]
    assert f.first("callsign") == "AFR21YB" and f.first("arrivalCode") == "LEVT"
    assert f.first("arrivalDistanceKm") == "62.51" and f.first("departureDistanceKm") == "2.31"
    assert all(validate(r) == [] for r in recs)


@pytest.mark.corpus
def test_real_zenodo_flight_list_row(tmp_path):
    recs, report = _parse(corpus_path("aviation", "flights", "opensky-zenodo-flightlist",
                                      "flightlist_20190101_20190131.excerpt.csv"))
    (flight,) = _flights(recs).values()
    assert flight.first("callsign") == "HVN19" and flight.first("departureCode") == "YMML"
    assert flight.first("arrivalTime") == "2019-01-01T04:56:29Z" and flight.first("arrivalPosition") == "48.99532,2.6108"


def test_flight_list_with_unknown_airports_keeps_positions_for_matching():
    recs, report = _parse(FIXTURES / "flightlist_20200101_20200131.csv")
    flights = sorted(_flights(recs).values(), key=lambda f: f.first("departureTime"))
    assert report.read == report.kept == 2
    assert flights[0].first("departureCode") == "USSS" and "arrivalCode" not in flights[0].props
    assert flights[0].first("arrivalPosition") == "55.1021,41.6702"
    assert flights[1].first("registrationNumber") == "RA-78765" and flights[1].first("arrivalCode") == "UUBW"
    assert all(validate(r) == [] for r in recs)


def test_bad_flight_objects_are_rejected(tmp_path):
    good = json.loads(ANSWERS[0].read_text())[0]
    items = [good, "not an object", {**good, "icao24": "zz"}, {**good, "firstSeen": "soon"},
             {k: v for k, v in good.items() if k != "lastSeen"}, {**good, "lastSeen": good["firstSeen"] - 10},
             {**good, "firstSeen": good["firstSeen"] + 1, "newField": 1}]
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(items))
    recs, report = _parse(path)
    assert (report.read, report.kept, report.rejected) == (7, 2, 5)
    assert report.unknown_fields == {"newField": 1}


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"<!DOCTYPE html><html><body>Too many requests</body></html>", "an HTML page"),
    (b'{"icao24": "1533ad"', "not valid JSON"),
    (b'"flights"', "found a JSON str"),
])
def test_files_that_are_not_answers(tmp_path, content, message):
    path = tmp_path / "answer.json"
    path.write_bytes(content)
    with pytest.raises(SourceFormatError) as e:
        _parse(path)
    assert str(e.value).startswith("answer.json") and message in str(e.value)


_ANSWER = ANSWERS[0].read_bytes()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damaged(_ANSWER))
def test_damaged_answers_give_records_or_one_clear_error(tmp_path, damage):
    kind, data = damage
    path = tmp_path / "answer.json"
    path.write_bytes(data)
    try:
        recs, report = _parse(path)
    except SourceFormatError as e:
        assert str(e).startswith("answer.json")
        return
    assert report.balanced and all(validate(r) == [] for r in recs)
    assert len(_flights(recs)) == report.kept
    assert report.read == len(json.loads(_ANSWER))  # still a list of flights: every one counted


# --------------------------------------------------------------------------- the API client
def _all_fixture_flights() -> list[dict]:
    seen, out = set(), []
    for p in ANSWERS:
        for f in json.loads(p.read_text()):
            if f["firstSeen"] not in seen:
                seen.add(f["firstSeen"])
                out.append(f)
    return out


class FakeOpenSky:
    """The OpenSky API's observable behaviour, served by the real local HTTP server."""

    def __init__(self, srv: HTTPTestServer):
        self.srv = srv
        self.tokens = 0
        self.flights = _all_fixture_flights()
        srv.route("/auth/token", handler=self.token, method="POST")
        srv.route("/api/flights/aircraft", handler=self.aircraft)
        self.valid = set()

    def token(self, req: Request) -> Reply:
        form = req.form()
        if form != {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}:
            return Reply.json({"error": "invalid_client"}, status=401)
        self.tokens += 1
        token = f"token-{self.tokens}-abcdefgh"
        self.valid = {token}
        return Reply.json({"access_token": token, "expires_in": 1800, "token_type": "Bearer"})

    def aircraft(self, req: Request) -> Reply:
        if (req.header("authorization") or "").removeprefix("Bearer ") not in self.valid:
            return Reply.json({"error": "unauthorized"}, status=401)
        begin, end = int(req.param("begin")), int(req.param("end"))
        if end - begin > 2 * 86400:
            return Reply.text("The given time interval must not be larger than 2 days!", status=400)
        found = [f for f in self.flights if f["icao24"] == req.param("icao24") and begin <= f["firstSeen"]
                 and f["lastSeen"] <= end]
        return Reply.json(found) if found else Reply(404, body=b"", content_type=None)


def _config(srv: HTTPTestServer, **extra) -> dict:
    return {"http": {"retries": 2, "backoff": 0.01, "max_wait": 5},
            "sources": {"opensky-flights": {"api_url": srv.url("/api"), "token_url": srv.url("/auth/token"), **extra}}}


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv(opensky_flights.ENV_ID, CLIENT_ID)
    monkeypatch.setenv(opensky_flights.ENV_SECRET, SECRET)


def _no_secrets(texts: list[str], folder: Path) -> None:
    blobs = texts + [p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()]
    for blob in blobs:
        assert SECRET not in blob and "abcdefgh" not in blob


def test_fetch_windows_tokens_and_saved_answers(http_server, credentials, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    api = FakeOpenSky(http_server)
    summary = opensky_flights.fetch(tmp_path, config=_config(http_server), icao24=["1533AD"], begin="2026-01-25",
                                    end="2026-02-02")
    reqs = http_server.requests_to("/api/flights/aircraft")
    spans = [(int(r.param("begin")), int(r.param("end"))) for r in reqs]
    # 8 days in windows of at most 2 days that overlap by 12 hours, covering the range
    assert spans[0][0] == opensky_flights.to_unix("2026-01-25") and spans[-1][1] == opensky_flights.to_unix("2026-02-02")
    assert all(0 < b - a <= 2 * 86400 for a, b in spans) and len(spans) == 5
    assert all(spans[i + 1][0] == spans[i][1] - 12 * 3600 for i in range(len(spans) - 1))
    assert all(r.param("icao24") == "1533ad" for r in reqs)
    assert all(r.header("authorization") == "Bearer token-1-abcdefgh" for r in reqs) and api.tokens == 1
    assert summary["queries"] == 5 and summary["windows"] == 5
    manifest = [json.loads(line) for line in (tmp_path / opensky_flights.MANIFEST).read_text().splitlines()]
    # the first two windows hold no flights: 404, no file
    assert [q["status"] for q in manifest] == [404, 404, 200, 200, 200]
    assert sorted(q["file"] for q in manifest if "file" in q) == sorted(p.name for p in tmp_path.glob("*.json"))
    recs, report = _parse(tmp_path)
    assert len(_flights(recs)) == 6 and report.rejected == summary["flights"] - 6
    _no_secrets([caplog.text], tmp_path)


def test_fetch_gets_a_new_token_on_401(http_server, credentials, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    api = FakeOpenSky(http_server)
    orig = api.aircraft
    expired = {"done": False}

    def expire_once(req: Request) -> Reply:
        if not expired["done"]:
            expired["done"] = True
            api.valid = set()  # the token expires server-side
        return orig(req)

    http_server.route("/api/flights/aircraft", handler=expire_once)
    opensky_flights.fetch(tmp_path, config=_config(http_server), icao24=["1533ad"], begin="2026-01-29",
                          end="2026-01-31")
    reqs = http_server.requests_to("/api/flights/aircraft")
    assert api.tokens == 2 and len(reqs) == 2
    assert reqs[0].header("authorization") == "Bearer token-1-abcdefgh"
    assert reqs[1].header("authorization") == "Bearer token-2-abcdefgh"
    assert len(list(tmp_path.glob("flights_aircraft_*.json"))) == 1
    _no_secrets([caplog.text], tmp_path)


def test_fetch_honours_rate_limit_retry_after(http_server, credentials, tmp_path):
    api = FakeOpenSky(http_server)
    orig = api.aircraft
    calls = []

    def limited(req: Request) -> Reply:
        calls.append(req)
        if len(calls) == 1:
            return Reply(429, body=b"", headers={"X-Rate-Limit-Retry-After-Seconds": "1"}, content_type=None)
        return orig(req)

    http_server.route("/api/flights/aircraft", handler=limited)
    opensky_flights.fetch(tmp_path, config=_config(http_server), icao24=["1533ad"], begin="2026-01-29",
                          end="2026-01-31")
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 0.95  # waited as told, not the 0.01 s backoff
    assert len(list(tmp_path.glob("flights_aircraft_*.json"))) == 1


def test_fetch_refuses_an_html_page(http_server, credentials, tmp_path):
    FakeOpenSky(http_server)
    http_server.route("/api/flights/aircraft", Reply.html())
    with pytest.raises(FetchError, match="HTML page"):
        opensky_flights.fetch(tmp_path, config=_config(http_server), icao24=["1533ad"], begin="2026-01-29",
                              end="2026-01-31")
    assert not list(tmp_path.glob("*.json"))


def test_fetch_bad_credentials_fail_without_leaking(http_server, monkeypatch, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    FakeOpenSky(http_server)
    monkeypatch.setenv(opensky_flights.ENV_ID, CLIENT_ID)
    monkeypatch.setenv(opensky_flights.ENV_SECRET, SECRET + "-wrong")
    with pytest.raises(FetchError, match="token request failed") as e:
        opensky_flights.fetch(tmp_path, config=_config(http_server), icao24=["1533ad"], begin="2026-01-29",
                              end="2026-01-31")
    for text in (str(e.value), caplog.text):
        assert SECRET not in text
    assert not http_server.requests_to("/api/flights/aircraft")


def test_fetch_needs_credentials_and_a_period(monkeypatch, tmp_path):
    monkeypatch.delenv(opensky_flights.ENV_ID, raising=False)
    monkeypatch.delenv(opensky_flights.ENV_SECRET, raising=False)
    with pytest.raises(ConfigError, match="KGRAPH_OPENSKY_CLIENT_ID and KGRAPH_OPENSKY_CLIENT_SECRET"):
        opensky_flights.fetch(tmp_path, config={}, icao24=["1533ad"], begin="2026-01-29", end="2026-01-31")
    monkeypatch.setenv(opensky_flights.ENV_ID, CLIENT_ID)
    monkeypatch.setenv(opensky_flights.ENV_SECRET, SECRET)
    with pytest.raises(ConfigError, match="begin and end"):
        opensky_flights.fetch(tmp_path, config={}, icao24=["1533ad"])
    with pytest.raises(ConfigError, match="not after begin"):
        opensky_flights.fetch(tmp_path, config={}, icao24=["1533ad"], begin="2026-02-01", end="2026-01-01")
    with pytest.raises(ConfigError, match="icao24"):
        opensky_flights.fetch(tmp_path, config={}, icao24=["RA-78765"], begin="2026-01-29", end="2026-01-31")
