"""ADS-B traces (readsb ``trace_full_<hex>.json``): one aircraft's positions for a day, cut into legs.

readsb, tar1090, ADS-B Exchange and adsb.lol keep one trace file per aircraft
and day: ``{icao, r, t, desc, timestamp, trace: [[dt, lat, lon, alt, gs,
track, flags, vrate, details, source, ...], ...]}``, gzip-compressed despite
the ``.json`` name (plain JSON is accepted too). Layout of an archive day::

    <YYYY>/<MM>/<DD>/traces/<last 2 hex digits>/trace_full_<hex>.json

Points become legs (:func:`split_legs`). A new leg starts at readsb's "new
leg" flag (bit 2), at a gap in coverage longer than ``max_gap_s``, or at a
gap longer than ``low_gap_s`` with the aircraft low or on the ground on both
sides (it landed unseen). Within a stretch, "ground" points end a leg: the
first ground point after the air is the arrival (touchdown), the last one
before the air the departure (runway). A leg that starts or ends in the air
keeps its first/last position and says so in a note ("arrival: last seen
airborne at 33,000 ft, then a gap of 5.3 h"): coverage ended, the aircraft
did not land there. Positions are matched to airports at build time by
:func:`kgraph.flights.link_positions`, since airports may be ingested later.

Records: the source records are trace points; ``read == kept + rejected``
counts points, and a malformed point (not a number, out of range, out of
time order) is rejected with a warning per file. A file that is not a trace
(not gzip/JSON, no ``trace`` list, no timestamp) raises
:class:`~kgraph.errors.SourceFormatError`. Files of the same aircraft on
consecutive days are read in time order as one stream, so a leg crossing
midnight UTC stays one leg.

Fetching: ``fetch(dest, config=..., icao24=[...], dates=[...])`` takes trace
files from the ADS-B Exchange samples (first day of each month only, one
file per request) or from adsb.lol's daily archive (``provider="adsblol"``:
a split tar of the whole day, ~3 GB, downloaded to a hidden temporary folder,
searched for the wanted files and deleted).
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import shutil
import tarfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator

from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.flights import End, Leg, leg_records
from kgraph.ids import normalize_icao24
from kgraph.model import Edge, Node, ParseReport, Provenance
from kgraph.sources import Source

try:  # orjson parses trace files about three times faster; the standard library is the fallback
    import orjson

    _loads = orjson.loads
    _JSONError: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - orjson is an optional speed-up
    _loads = json.loads
    _JSONError = (json.JSONDecodeError, UnicodeDecodeError)

DATASET = "adsb_traces"
ADSBX_SAMPLES = "https://samples.adsbexchange.com/traces/{year}/{month}/{day}/{xx}/trace_full_{hex}.json"
ADSBLOL_PART = ("https://github.com/adsblol/globe_history_{year}/releases/download/"
                "v{year}.{month}.{day}-planes-readsb-prod-0/v{year}.{month}.{day}-planes-readsb-prod-0.tar.{part}")

SOURCE = Source(
    name="traces",
    title="ADS-B traces (readsb trace_full JSON: adsb.lol archive, ADS-B Exchange samples, own receiver)",
    datasets=(DATASET,),
    publisher="adsb.lol (globe_history_YYYY releases) / ADS-B Exchange (samples) / any readsb globe_history",
    licence="adsb.lol: Open Database License (ODbL 1.0), attribution 'ADSB.lol'; "
            "ADS-B Exchange samples: ADSBx terms (non-commercial sample data)",
    cadence="adsb.lol: one release per day; ADSBx samples: first day of each month",
    homepage="https://github.com/adsblol/globe_history_2025",
    files=(),
    assertions={"read": [1, 10**10]},
    prefix="adsb",
)

#: how legs are cut; override per call: parse(path, max_gap_s=...)
DEFAULTS = {
    "max_gap_s": 2 * 3600,  # no position for longer than this: a new leg whatever the altitude
    "low_gap_s": 30 * 60,  # ... or this long with the aircraft low on both sides (landed unseen)
    "low_alt_ft": 5000,  # "low" for the rule above
    "glitch_alt_ft": 10000,  # a "ground" report this soon after cruise is a transponder glitch
    "glitch_s": 60,
    "min_airborne_s": 60,  # shorter airborne runs (an altitude blip while taxiing) are not legs
}
KNOWN_FIELDS = {"icao", "r", "t", "desc", "dbFlags", "ownOp", "year", "timestamp", "trace", "noRegData", "version"}
_NAME = re.compile(r"^trace_full_(~?[0-9a-fA-F]{6})\.json(?:\.gz)?$")


# --------------------------------------------------------------------------- reading files
def load_trace(path: Path) -> dict[str, Any]:
    """The trace object of one file (gzip or plain JSON), checked for the fields legs need."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceFormatError(path, None, f"cannot read: {e.strerror or e}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise SourceFormatError(path, None, f"damaged gzip data ({e})") from None
    try:
        obj = _loads(data.removeprefix(b"\xef\xbb\xbf"))  # a BOM from an editor is harmless
    except _JSONError as e:
        head = data[:200].lstrip().lower()
        what = "an HTML page" if head.startswith((b"<!doctype html", b"<html")) else "not valid JSON"
        pos = getattr(e, "pos", getattr(e, "start", None))
        raise SourceFormatError(path, f"byte {pos}" if pos is not None else None,
                                f"{what} ({str(e).splitlines()[0][:120]})") from None
    if not isinstance(obj, dict):
        raise SourceFormatError(path, None, f"expected a trace object, found a JSON {type(obj).__name__}")
    for key in ("icao", "timestamp", "trace"):
        if key not in obj:
            raise SourceFormatError(path, None, f"not a readsb trace: no {key!r} field")
    ts = obj["timestamp"]
    if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not 0 < ts < 1e11:
        raise SourceFormatError(path, "timestamp", f"not a unix time: {ts!r}")
    if not isinstance(obj["trace"], list):
        raise SourceFormatError(path, "trace", f"expected a list of points, found {type(obj['trace']).__name__}")
    if not isinstance(obj["icao"], str) or not obj["icao"].strip():
        raise SourceFormatError(path, "icao", f"not an address: {obj['icao']!r}")
    for key in ("r", "t", "desc"):
        if key in obj and obj[key] is not None and not isinstance(obj[key], str):
            raise SourceFormatError(path, key, f"expected text, found {obj[key]!r}")
    return obj


def trace_files(path: Path) -> list[Path]:
    """Trace files under ``path`` (a file, a flat folder, or a globe_history tree)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise SourceFormatError(path, None, "no such file or folder")
    files = sorted(p for p in path.rglob("trace_full_*.json*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SourceFormatError(path, None, "no trace_full_<hex>.json files in this folder")
    return files


# --------------------------------------------------------------------------- legs
class _Run:
    """The airborne run being followed (one leg in the making)."""

    __slots__ = ("dep", "dep_ground", "takeoff", "first_alt", "last", "last_alt", "points", "callsigns", "files")

    def __init__(self, t: float, lat: float, lon: float, alt: float, ground: tuple | None, file: str):
        self.dep = (ground[1], ground[2]) if ground else (lat, lon)
        self.dep_ground = ground is not None
        self.takeoff = t
        self.first_alt = alt
        self.last = (t, lat, lon)
        self.last_alt = alt
        self.points = 1
        self.callsigns: Counter = Counter()
        self.files = [file]


def split_legs(chunks: Iterable[tuple[str, float, list]], *, report: ParseReport | None = None,
               **options: float) -> Iterator[dict[str, Any]]:
    """Cut the points of one aircraft into legs.

    Parameters
    ----------
    chunks : iterable of (file name, base timestamp, trace point list), in time order
    options : the :data:`DEFAULTS` to override

    Yields dicts: ``departure``/``arrival`` (time, lat, lon), ``dep_ground``/
    ``arr_ground`` (seen on the ground there), ``callsign``, ``notes``, ``files``.
    Bad points are counted in ``report`` (rejected) with one warning per file.

    Example
    -------
    >>> pts = [[0, 59.80, 30.26, "ground", 10, 0, 0, None, None], [60, 59.81, 30.27, 1200, 160, 0, 0, 1500, None],
    ...        [600, 59.0, 31.0, 30000, 440, 0, 0, 0, None], [3000, 43.45, 39.95, "ground", 20, 0, 0, None, None]]
    >>> [(leg["departure"], leg["arrival"]) for leg in split_legs([("f", 1769670000.0, pts)])]
    [((1769670060.0, 59.8, 30.26), (1769673000.0, 43.45, 39.95))]
    """
    o = {**DEFAULTS, **options}
    max_gap, low_gap, low_alt = o["max_gap_s"], o["low_gap_s"], o["low_alt_ft"]
    glitch_alt, glitch_s, min_air = o["glitch_alt_ft"], o["glitch_s"], o["min_airborne_s"]
    run: _Run | None = None
    ground: tuple | None = None  # last ground point (t, lat, lon) since the last break
    prev_t = float("-inf")
    prev_low = False
    for name, base, trace in chunks:
        bad = 0
        first_bad = ""
        for p in trace:
            try:
                t = base + p[0]
                lat = p[1]
                lon = p[2]
                alt = p[3]
                flags = p[6]
                if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                    raise ValueError("position out of range")
                if not prev_t <= t < base + 1e7:  # also refuses NaN and infinite times
                    raise ValueError("time out of order or out of range")
                on_ground = alt == "ground"
                if not on_ground and alt is not None and (alt.__class__ is not int and alt.__class__ is not float):
                    raise ValueError("altitude is neither a number, 'ground' nor null")
                new_leg = flags & 2
            except (TypeError, IndexError, KeyError, ValueError, AttributeError) as e:
                bad += 1
                if not first_bad:
                    first_bad = f"{e.__class__.__name__}: {e}" if not isinstance(e, ValueError) else str(e)
                continue
            gap = t - prev_t
            low = on_ground or (alt is not None and alt < low_alt)
            if new_leg or gap > max_gap or (gap > low_gap and low and prev_low):
                if run is not None:
                    if on_ground and gap <= low_gap:
                        # readsb put the new-leg flag on the touchdown point itself: that is the landing
                        yield from _close(run, (t, lat, lon), "", min_air)
                    else:
                        why = "then readsb starts a new leg" if new_leg else f"then a gap of {gap / 3600:.1f} h"
                        yield from _close(run, None, why, min_air)
                    run = None
                ground = None
            prev_t, prev_low = t, low
            if on_ground:
                if run is not None:
                    if run.last_alt is not None and run.last_alt > glitch_alt and t - run.last[0] < glitch_s:
                        continue  # no aircraft gets from cruise to the ground this fast: a bad report
                    yield from _close(run, (t, lat, lon), "", min_air)
                    run = None
                ground = (t, lat, lon)
                continue
            if run is None:
                if alt is None:
                    continue  # position without altitude while not flying: cannot tell air from ground
                run = _Run(t, lat, lon, alt, ground, name)
            else:
                run.last = (t, lat, lon)
                if alt is not None:
                    run.last_alt = alt
                run.points += 1
                if run.files[-1] != name:
                    run.files.append(name)
            if len(p) > 8 and p[8].__class__ is dict:
                flight = p[8].get("flight")
                if flight.__class__ is str and flight.strip():
                    run.callsigns[flight.strip()] += 1
        if report is not None:
            report.read += len(trace)
            report.kept += len(trace) - bad
            if bad:
                report.rejected += bad
                report.warn(f"rejected: {bad} of {len(trace)} trace points", file=name, first=first_bad)
    if run is not None:
        yield from _close(run, None, "at the end of the trace", min_air)


def _close(run: _Run, landing: tuple | None, why: str, min_air: float) -> Iterator[dict[str, Any]]:
    arrival = landing or run.last
    if run.points < 2 or arrival[0] - run.takeoff < min_air:
        return
    notes = []
    if not run.dep_ground:
        notes.append(f"departure: first seen airborne at {run.first_alt:,.0f} ft")
    if landing is None:
        alt = f"{run.last_alt:,.0f} ft" if run.last_alt is not None else "unknown altitude"
        notes.append(f"arrival: last seen airborne at {alt}, {why}")
    yield {
        "departure": (run.takeoff, *run.dep),
        "arrival": arrival,
        "dep_ground": run.dep_ground,
        "arr_ground": landing is not None,
        "callsign": run.callsigns.most_common(1)[0][0] if run.callsigns else None,
        "notes": notes,
        "files": run.files,
    }


# --------------------------------------------------------------------------- parse
def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None,
          **options: float) -> Iterator[Node | Edge]:
    """Flight legs of the trace files under ``path`` (see the module docstring)."""
    path = Path(path)
    report = report if report is not None else ParseReport(source=DATASET, path=str(path))
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise ConfigError(f"traces: unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}")
    groups: dict[str, list[Path]] = {}
    for file in trace_files(path):
        m = _NAME.match(file.name)
        groups.setdefault(m[1].lower() if m else f"file:{file}", []).append(file)
    for files in groups.values():
        traces = []
        for file in files:
            obj = load_trace(file)
            for key in obj:
                if key not in KNOWN_FIELDS:
                    report.unknown(key, file=file.name)
            name = file.relative_to(path).as_posix() if path.is_dir() else file.name
            traces.append((obj["timestamp"], file, name, obj))
        traces.sort(key=lambda x: x[0])
        yield from _legs(traces, snapshot, report, options)


def _legs(traces: list[tuple[float, Path, str, dict]], snapshot: str | None, report: ParseReport,
          options: dict) -> Iterator[Node | Edge]:
    first = traces[0][3]
    raw_hex = first["icao"].strip().lower()
    # "~" marks a non-ICAO address (TIS-B, anonymised): it must not be matched to an airframe's hex
    hex_ = normalize_icao24(raw_hex) if not raw_hex.startswith("~") else None
    for _, file, _, obj in traces[1:]:
        if obj["icao"].strip().lower() != raw_hex:
            raise SourceFormatError(file, "icao", f"address {obj['icao']!r} differs from {raw_hex!r} in the "
                                                  f"other files of this aircraft")
    tail = next((o["r"].strip() for _, _, _, o in traces if (o.get("r") or "").strip()), None)
    chunks = ((name, float(o["timestamp"]), o["trace"]) for _, _, name, o in traces)
    for leg in split_legs(chunks, report=report, **options):
        t0, t1 = leg["departure"][0], leg["arrival"][0]
        stamp = dt.datetime.fromtimestamp(int(t0), dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        key = raw_hex.replace("~", "x")
        record = f"{raw_hex}/{int(t0)}"
        notes = list(leg["notes"])
        if hex_ is None:
            notes.append(f"non-ICAO address {raw_hex}: not matched by address")
        out = Leg(
            f"adsb-{key}-{stamp}", Provenance(DATASET, record, snapshot), "adsb-trace", icao24=hex_,
            tail=tail, callsign=leg["callsign"],
            departure=End(time=t0, position=leg["departure"][1:]),
            arrival=End(time=t1, position=leg["arrival"][1:]),
            citation=[f"ADS-B trace {', '.join(leg['files'])}"], notes=notes,
        )
        yield from leg_records(out)


# --------------------------------------------------------------------------- fetch
def _as_dates(values: Iterable[Any]) -> list[dt.date]:
    out = []
    for v in values:
        if isinstance(v, dt.date):
            out.append(v)
            continue
        text = str(v).strip()
        try:
            if "/" in text:  # an interval: every day in it
                a, b = (dt.date.fromisoformat(x) for x in text.split("/"))
                out += [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
            else:
                out.append(dt.date.fromisoformat(text))
        except ValueError:
            raise ConfigError(f"traces: {text!r} is not a date (YYYY-MM-DD) or interval A/B") from None
    return sorted(set(out))


def fetch(dest: str | Path, *, config: dict | None = None, session: Any = None, icao24: Iterable[str] | None = None,
          dates: Iterable[Any] | None = None, provider: str | None = None) -> dict[str, Any]:
    """Download the trace files of ``icao24`` addresses for ``dates`` into ``dest`` (archive layout).

    ``provider`` is ``"adsbx-samples"`` (default; first day of each month
    only) or ``"adsblol"``. Arguments missing here are read from
    ``[sources.traces]`` in config.toml (``icao24``, ``dates``, ``provider``,
    ``adsbx_url``, ``adsblol_url`` URL templates). Returns a summary for
    fetch.json. A day without a file for an aircraft is not an error.
    """
    from kgraph.httpclient import RequestFailed, http_session

    cfg = ((config or {}).get("sources") or {}).get("traces") or {}
    hexes = [normalize_icao24(h) for h in (icao24 if icao24 is not None else cfg.get("icao24") or [])]
    if not hexes or None in hexes:
        raise ConfigError("traces: give icao24 addresses (6 hex digits), e.g. [sources.traces] icao24 = [\"1533ad\"]")
    days = _as_dates(dates if dates is not None else cfg.get("dates") or [])
    if not days:
        raise ConfigError("traces: give dates, e.g. [sources.traces] dates = [\"2026-02-01\"]")
    provider = provider or cfg.get("provider") or "adsbx-samples"
    dest = Path(dest)
    own = session is None
    session = session or http_session(config)
    found: list[str] = []
    missing: list[str] = []
    try:
        if provider == "adsbx-samples":
            template = cfg.get("adsbx_url") or ADSBX_SAMPLES
            for day in days:
                if day.day != 1:
                    raise ConfigError(f"traces: ADS-B Exchange samples exist for the first day of a month only, "
                                      f"not {day}; use provider = \"adsblol\"")
                for h in hexes:
                    url = template.format(year=f"{day:%Y}", month=f"{day:%m}", day=f"{day:%d}", xx=h[-2:], hex=h)
                    target = _target(dest, day, h)
                    try:
                        _download_trace(session, url, target)
                        found.append(f"{day}/{h}")
                    except RequestFailed as e:
                        if e.status != 404:
                            raise
                        missing.append(f"{day}/{h}")
        elif provider == "adsblol":
            template = cfg.get("adsblol_url") or ADSBLOL_PART
            for day in days:
                got = _fetch_adsblol_day(session, template, day, set(hexes), dest)
                found += [f"{day}/{h}" for h in sorted(got)]
                missing += [f"{day}/{h}" for h in hexes if h not in got]
        else:
            raise ConfigError(f"traces: unknown provider {provider!r} (adsbx-samples, adsblol)")
    finally:
        if own:
            session.close()
    return {"provider": provider, "found": found, "missing": missing}


def _target(dest: Path, day: dt.date, h: str) -> Path:
    return dest / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / "traces" / h[-2:] / f"trace_full_{h}.json"


def _download_trace(session: Any, url: str, target: Path) -> None:
    from kgraph.fetch import download

    target.parent.mkdir(parents=True, exist_ok=True)
    download(session, url, target, kind="any")
    try:
        load_trace(target)
    except SourceFormatError as e:
        target.unlink(missing_ok=True)
        raise FetchError(f"{url}: the answer is not a trace file ({e.reason})") from None


def _fetch_adsblol_day(session: Any, template: str, day: dt.date, hexes: set[str], dest: Path) -> set[str]:
    """Download one day's split tar, keep the wanted trace files, delete the rest."""
    from kgraph.fetch import download
    from kgraph.httpclient import RequestFailed

    parts_dir = dest / f".adsblol-{day:%Y%m%d}"
    parts_dir.mkdir(parents=True, exist_ok=True)
    try:
        parts = []
        for suffix in ("aa", "ab", "ac", "ad", "ae", "af"):
            url = template.format(year=f"{day:%Y}", month=f"{day:%m}", day=f"{day:%d}", part=suffix)
            try:
                download(session, url, parts_dir / suffix, kind="any")
            except RequestFailed as e:
                if e.status == 404 and parts:
                    break  # no more parts
                if e.status == 404:
                    return set()  # no release for that day
                raise
            parts.append(parts_dir / suffix)
        wanted = {f"trace_full_{h}.json": h for h in hexes}
        got: set[str] = set()
        with _Concat(parts) as stream:
            try:
                with tarfile.open(fileobj=stream, mode="r|*") as tar:
                    for member in tar:
                        h = wanted.get(member.name.rsplit("/", 1)[-1])
                        if h is None or not member.isfile():
                            continue
                        target = _target(dest, day, h)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        src = tar.extractfile(member)
                        with open(target, "wb") as out:
                            shutil.copyfileobj(src, out)
                        got.add(h)
            except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
                raise FetchError(f"adsb.lol archive of {day}: not a readable tar ({e})") from None
        return got
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)


class _Concat:
    """The parts of a split archive read as one stream (``cat a b | tar x``)."""

    def __init__(self, paths: list[Path]):
        self.paths = list(paths)
        self.current = None

    def __enter__(self) -> "_Concat":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.current:
            self.current.close()

    def read(self, n: int = -1) -> bytes:
        out = b""
        while n < 0 or len(out) < n:
            if self.current is None:
                if not self.paths:
                    break
                self.current = open(self.paths.pop(0), "rb")
            chunk = self.current.read(-1 if n < 0 else n - len(out))
            if not chunk:
                self.current.close()
                self.current = None
                continue
            out += chunk
        return out
