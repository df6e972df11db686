"""OpenSky Network flights: the REST API's ``/flights/aircraft`` answers (and the Zenodo flight lists).

OpenSky computes flights from its receivers' state vectors in a nightly
batch: first and last time seen, and the airports it estimates the aircraft
left from and arrived at (null when it could not tell: military fields such
as MUSA often come back null or as a neighbour), with the horizontal
distance from the last airborne position to that airport. The distance is
kept (``departureDistanceKm``, ``distanceKm`` on the edge) so that weak
matches can be reviewed.

Fetching (:func:`fetch`) needs an API client (OAuth2 client credentials,
``KGRAPH_OPENSKY_CLIENT_ID`` / ``KGRAPH_OPENSKY_CLIENT_SECRET``; basic auth
is gone). ``/flights/aircraft`` accepts at most two days per request and only
returns flights that departed *and* arrived inside the window, so a range is
cut into two-day windows that overlap by ``overlap_s`` (12 h by default: a
leg up to 12 hours long falls entirely inside one window); the duplicates
are dropped at parse time. 404 with an empty body means "no flights"; 429
waits for ``X-Rate-Limit-Retry-After-Seconds``; 401 (expired token) gets a
new token once. Each answer is saved as
``flights_aircraft_<hex>_<begin>_<end>.json`` with a list of the queries in
``opensky-queries.jsonl``. Each 2-day request costs 30-180 credits of the
4,000 a standard user gets per day.

Parsing reads those files, any JSON list of OpenSky flight objects (the
``/flights/departure``, ``/arrival`` and ``/all`` answers have the same
shape), and the Zenodo "OpenSky Network 2020" flight lists
(``flightlist_*.csv[.gz]``; the anonymised versions with ``aircraft_uid``
instead of ``icao24`` are refused: they cannot be tied to an aircraft).

Config (``config.toml``)::

    [sources.opensky-flights]
    icao24 = ["1533ad"]
    begin = "2026-01-25"        # or unix seconds
    end = "2026-02-02"
    overlap_s = 43200
    api_url = "https://opensky-network.org/api"          # overridable (tests, mirrors)
    token_url = "https://auth.opensky-network.org/..."
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import logging
import math
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.flights import End, Leg, leg_records
from kgraph.ids import normalize_icao24, normalize_tail
from kgraph.model import Edge, Node, ParseReport, Provenance
from kgraph.sources import Source

log = logging.getLogger("kgraph.opensky_flights")

DATASET = "opensky_flights"
API_URL = "https://opensky-network.org/api"
TOKEN_URL = "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/openid-connect/token"
ENV_ID, ENV_SECRET = "KGRAPH_OPENSKY_CLIENT_ID", "KGRAPH_OPENSKY_CLIENT_SECRET"
WINDOW_S = 2 * 86400  # the API's limit for /flights/aircraft
OVERLAP_S = 12 * 3600
MANIFEST = "opensky-queries.jsonl"

SOURCE = Source(
    name="opensky-flights",
    title="OpenSky Network flights by aircraft (REST API) and flight lists (Zenodo)",
    datasets=(DATASET,),
    publisher="OpenSky Network",
    licence="OpenSky Network terms of use (non-commercial research; cite the network); "
            "Zenodo flight list: Creative Commons CC-BY (per the Zenodo record)",
    cadence="flights are computed nightly (yesterday and older); fetch on demand per aircraft and period",
    homepage="https://opensky-network.org/data/api",
    files=(),
    env=(ENV_ID, ENV_SECRET),
    assertions={"read": [0, 10**8]},
    prefix="opensky-flight",
)

FIELDS = {"icao24", "firstSeen", "lastSeen", "estDepartureAirport", "estArrivalAirport", "callsign",
          "estDepartureAirportHorizDistance", "estDepartureAirportVertDistance", "estArrivalAirportHorizDistance",
          "estArrivalAirportVertDistance", "departureAirportCandidatesCount", "arrivalAirportCandidatesCount"}
ZENODO_COLUMNS = ("callsign", "number", "icao24", "registration", "typecode", "origin", "destination", "firstseen",
                  "lastseen", "day", "latitude_1", "longitude_1", "altitude_1", "latitude_2", "longitude_2",
                  "altitude_2")


class _Reject(Exception):
    pass


# --------------------------------------------------------------------------- parse
def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None) -> Iterator[Node | Edge]:
    """Flight legs from saved API answers (``*.json``) and Zenodo flight lists (``*.csv``, ``*.csv.gz``)."""
    path = Path(path)
    report = report if report is not None else ParseReport(source=DATASET, path=str(path))
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                       and p.name != "fetch.json" and p.name.endswith((".json", ".csv", ".csv.gz")))
        if not files and not (path / MANIFEST).exists():
            raise SourceFormatError(path, None, "no OpenSky answers (*.json) or flight lists (*.csv) in this folder")
    else:
        files = [path]
    seen: set[str] = set()
    for file in files:
        if file.name.endswith((".csv", ".csv.gz")):
            yield from _parse_flightlist(file, snapshot, report, seen)
        else:
            yield from _parse_api_json(file, snapshot, report, seen)


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceFormatError(path, None, f"cannot read: {e.strerror or e}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise SourceFormatError(path, None, f"damaged gzip data ({e})") from None
    return data


def _parse_api_json(path: Path, snapshot: str | None, report: ParseReport, seen: set[str]) -> Iterator[Node | Edge]:
    data = _read(path)
    if not data.strip():
        raise SourceFormatError(path, None, "empty file (OpenSky's 'no flights' 404 is not saved as a file)")
    try:
        flights = json.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        what = "an HTML page" if data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) else "not valid JSON"
        where = f"line {e.lineno}" if isinstance(e, json.JSONDecodeError) else f"byte {e.start}"
        raise SourceFormatError(path, where, f"{what} ({e.msg if hasattr(e, 'msg') else e.reason})") from None
    if isinstance(flights, dict):
        flights = [flights]
    if not isinstance(flights, list):
        raise SourceFormatError(path, None, f"expected a list of flight objects, found a JSON {type(flights).__name__}")
    dupes = 0
    for i, obj in enumerate(flights):
        report.read += 1
        try:
            leg = _api_leg(obj, path, snapshot, report)
        except _Reject as e:
            report.reject(str(e), file=path.name, item=i)
            continue
        if leg.id in seen:
            dupes += 1
            continue
        seen.add(leg.id)
        report.kept += 1
        yield from leg_records(leg)
    if dupes:
        # overlapping query windows return the same flight twice: counted, warned once
        report.rejected += dupes
        report.warn(f"rejected: {dupes} flight{'s' if dupes > 1 else ''} already read from an overlapping query window",
                    file=path.name)


def _int(obj: dict, key: str, *, required: bool = False) -> int | None:
    v = obj.pop(key, None)
    if v is None:
        if required:
            raise _Reject(f"no {key}")
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Reject(f"{key} is not a number: {v!r}")
    return int(v)


def _text(obj: dict, key: str) -> str | None:
    v = obj.pop(key, None)
    if v is None:
        return None
    if not isinstance(v, str):
        raise _Reject(f"{key} is not text: {v!r}")
    return v.strip() or None


def _api_leg(obj: Any, path: Path, snapshot: str | None, report: ParseReport) -> Leg:
    if not isinstance(obj, dict):
        raise _Reject(f"expected a flight object, found {type(obj).__name__}")
    obj = dict(obj)
    raw_hex = _text(obj, "icao24")
    hex_ = normalize_icao24(raw_hex)
    if hex_ is None:
        raise _Reject(f"icao24 {raw_hex!r} is not a 24-bit address")
    first = _int(obj, "firstSeen", required=True)
    last = _int(obj, "lastSeen", required=True)
    if not 0 < first <= last < 10**11:
        raise _Reject(f"firstSeen {first} / lastSeen {last} are not a time span")
    callsign = _text(obj, "callsign")  # 8 characters, right-padded with spaces: stripped
    dep_code, arr_code = _text(obj, "estDepartureAirport"), _text(obj, "estArrivalAirport")
    dep_m, arr_m = _int(obj, "estDepartureAirportHorizDistance"), _int(obj, "estArrivalAirportHorizDistance")
    for key in ("estDepartureAirportVertDistance", "estArrivalAirportVertDistance", "departureAirportCandidatesCount",
                "arrivalAirportCandidatesCount"):
        _int(obj, key)  # checked, not stored: the horizontal distance is what a reviewer needs
    for key in obj:
        report.unknown(key, file=path.name)
    notes = []
    if not dep_code:
        notes.append("departure airport not identified by OpenSky")
    if not arr_code:
        notes.append("arrival airport not identified by OpenSky")
    return Leg(
        f"opensky-flight-{hex_}-{first}", Provenance(DATASET, f"{hex_}/{first}", snapshot), "opensky-api",
        icao24=hex_, callsign=callsign.upper() if callsign else None,
        departure=End(time=float(first), code=dep_code.upper() if dep_code else None,
                      distance_km=dep_m / 1000 if dep_m is not None and dep_code else None),
        arrival=End(time=float(last), code=arr_code.upper() if arr_code else None,
                    distance_km=arr_m / 1000 if arr_m is not None and arr_code else None),
        citation=[f"OpenSky Network API ({path.name})"], notes=notes,
    )


# --------------------------------------------------------------------------- Zenodo flight lists
def _parse_flightlist(path: Path, snapshot: str | None, report: ParseReport, seen: set[str]) -> Iterator[Node | Edge]:
    data = _read(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceFormatError(path, data.count(b"\n", 0, e.start) + 1, "not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != ZENODO_COLUMNS:
            raise SourceFormatError(path, 1, "not an OpenSky flight list: expected the header " + ",".join(ZENODO_COLUMNS))
        for values in reader:
            if not values:
                continue
            report.read += 1
            try:
                if len(values) != len(ZENODO_COLUMNS):
                    raise _Reject(f"expected {len(ZENODO_COLUMNS)} fields, found {len(values)}")
                leg = _flightlist_leg(dict(zip(ZENODO_COLUMNS, values)), path, snapshot)
            except _Reject as e:
                report.reject(str(e), file=path.name, line=reader.line_num)
                continue
            if leg.id in seen:
                report.reject("duplicate flight", file=path.name, line=reader.line_num)
                continue
            seen.add(leg.id)
            report.kept += 1
            yield from leg_records(leg)
    except csv.Error as e:
        raise SourceFormatError(path, reader.line_num, f"broken CSV: {e}") from None


def _when(text: str, column: str) -> float:
    try:
        t = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise _Reject(f"{column} {text!r} is not a date and time") from None
    return (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).timestamp()


def _pos(lat: str, lon: str) -> tuple[float, float] | None:
    try:
        p = float(lat), float(lon)
    except ValueError:
        return None
    return p if -90 <= p[0] <= 90 and -180 <= p[1] <= 180 else None


def _flightlist_leg(row: dict[str, str], path: Path, snapshot: str | None) -> Leg:
    hex_ = normalize_icao24(row["icao24"])
    if hex_ is None:
        raise _Reject(f"icao24 {row['icao24']!r} is not a 24-bit address")
    first, last = _when(row["firstseen"], "firstseen"), _when(row["lastseen"], "lastseen")
    if last < first:
        raise _Reject("lastseen is before firstseen")
    reg = row["registration"].strip()
    notes = [f"flight number {row['number'].strip()}"] if row["number"].strip() else []
    return Leg(
        f"opensky-flight-{hex_}-{int(first)}", Provenance(DATASET, f"{hex_}/{int(first)}", snapshot), "opensky-api",
        icao24=hex_, tail=reg if normalize_tail(reg) else None, callsign=row["callsign"].strip().upper() or None,
        departure=End(time=first, code=row["origin"].strip().upper() or None,
                      position=_pos(row["latitude_1"], row["longitude_1"])),
        arrival=End(time=last, code=row["destination"].strip().upper() or None,
                    position=_pos(row["latitude_2"], row["longitude_2"])),
        citation=[f"OpenSky Network 2020 flight list, Zenodo 10.5281/zenodo.6797232 ({path.name})"], notes=notes,
    )


# --------------------------------------------------------------------------- fetch
def to_unix(value: Any) -> int:
    """Unix seconds from an int, a date (midnight UTC), a datetime or ISO text.

    >>> to_unix("2026-02-01"), to_unix("2026-02-01T12:00:00Z"), to_unix(1769904000)
    (1769904000, 1769947200, 1769904000)
    """
    if isinstance(value, bool):
        raise ConfigError(f"opensky-flights: {value!r} is not a time")
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, dt.datetime):
        return int((value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).timestamp())
    if isinstance(value, dt.date):
        return int(dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc).timestamp())
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        return to_unix(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ConfigError(f"opensky-flights: {text!r} is not a time (unix seconds, YYYY-MM-DD or ISO datetime)") from None


def windows(begin: int, end: int, *, size: int = WINDOW_S, overlap: int = OVERLAP_S) -> list[tuple[int, int]]:
    """Cut [begin, end] into windows of at most ``size`` seconds that overlap by ``overlap``.

    >>> windows(0, 5 * 86400, overlap=0)
    [(0, 172800), (172800, 345600), (345600, 432000)]
    >>> windows(0, 3 * 86400)
    [(0, 172800), (129600, 259200)]
    """
    if end <= begin:
        raise ConfigError(f"opensky-flights: end {end} is not after begin {begin}")
    if not 0 <= overlap < size:
        raise ConfigError(f"opensky-flights: overlap_s must be between 0 and {size - 1}")
    out, start = [], begin
    while True:
        stop = min(start + size, end)
        out.append((start, stop))
        if stop >= end:
            return out
        start = stop - overlap


def fetch(dest: str | Path, *, config: dict | None = None, session: Any = None, icao24: Iterable[str] | None = None,
          begin: Any = None, end: Any = None) -> dict[str, Any]:
    """Query ``/flights/aircraft`` for each address over [begin, end] and save the answers in ``dest``.

    Arguments missing here come from ``[sources.opensky-flights]`` in the
    config. Credentials come from the environment only and never reach a log
    line, an error message or a file. Returns a summary for fetch.json.
    """
    from kgraph.httpclient import RequestFailed, get_json, http_session, oauth2_client_credentials, redact

    cfg = ((config or {}).get("sources") or {}).get("opensky-flights") or {}
    client_id, secret = os.environ.get(ENV_ID, "").strip(), os.environ.get(ENV_SECRET, "").strip()
    if not client_id or not secret:
        raise ConfigError(f"opensky-flights: set {ENV_ID} and {ENV_SECRET} (an API client from "
                          "https://opensky-network.org/my-opensky/account)")
    raw_hexes = list(icao24 if icao24 is not None else cfg.get("icao24") or [])
    hexes = [normalize_icao24(str(h)) for h in raw_hexes]
    if not hexes or None in hexes:
        raise ConfigError(f"opensky-flights: give icao24 addresses (6 hex digits), not {raw_hexes!r}")
    if (begin if begin is not None else cfg.get("begin")) is None or (end if end is not None else cfg.get("end")) is None:
        raise ConfigError("opensky-flights: give begin and end (unix seconds or YYYY-MM-DD)")
    t0 = to_unix(begin if begin is not None else cfg["begin"])
    t1 = to_unix(end if end is not None else cfg["end"])
    spans = windows(t0, t1, overlap=int(cfg.get("overlap_s", OVERLAP_S)))
    api = str(cfg.get("api_url") or API_URL).rstrip("/")
    token_url = str(cfg.get("token_url") or TOKEN_URL)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    own = session is None
    session = session or http_session(config)

    def authenticate() -> None:
        try:
            oauth2_client_credentials(session, token_url, client_id, secret)
        except RequestFailed as e:
            raise FetchError(f"opensky-flights: token request failed: {e}") from None

    queries, total = [], 0
    try:
        authenticate()
        for h in hexes:
            for a, b in spans:
                params = {"icao24": h, "begin": a, "end": b}
                try:
                    answer = get_json(session, api + "/flights/aircraft", params=params, allow_404=True)
                except RequestFailed as e:
                    if e.status != 401:
                        raise
                    log.info("opensky-flights: token expired, getting a new one")
                    authenticate()
                    try:
                        answer = get_json(session, api + "/flights/aircraft", params=params, allow_404=True)
                    except RequestFailed as e2:
                        if e2.status == 401:
                            raise FetchError("opensky-flights: the API refuses the new token (HTTP 401); "
                                             "check the client's permissions") from None
                        raise
                entry: dict[str, Any] = {"icao24": h, "begin": a, "end": b}
                if answer is None:
                    entry.update(status=404, flights=0)  # OpenSky's way of saying "no flights"
                elif not isinstance(answer, list) or not all(isinstance(x, dict) for x in answer):
                    raise FetchError(f"opensky-flights: {redact(api)}/flights/aircraft answered with "
                                     f"{type(answer).__name__}, not a list of flights")
                else:
                    name = f"flights_aircraft_{h}_{a}_{b}.json"
                    (dest / name).write_text(json.dumps(answer, indent=1) + "\n", encoding="utf-8")
                    entry.update(status=200, flights=len(answer), file=name)
                    total += len(answer)
                queries.append(entry)
    finally:
        if own:
            session.close()
    (dest / MANIFEST).write_text("".join(json.dumps(q, sort_keys=True) + "\n" for q in queries), encoding="utf-8")
    return {"queries": len(queries), "flights": total, "windows": len(spans)}
