"""An analyst's flight log: legs reported by the press, NOTAMs or spotters, as a CSV file.

News rarely gives more than "the Il-76 flew from St Petersburg via Algeria to
Cuba in late January". This format keeps exactly that much: dates may be
ranges, and an end may be only a country. kgraph never turns "Algeria" into
an airport; the leg's edge goes to the country.

Format (UTF-8 CSV, a BOM is tolerated; one file, or a folder of ``*.csv``)::

    leg_id,departure_date,arrival_date,tail,icao24,callsign,from_airport,from_country,to_airport,to_country,source,url,notes
    dn-1,2026-01-20/2026-01-31,2026-01-20/2026-01-31,RA-78765,1533ad,,ULLI,RU,URSS,RU,"Defense News, 2026-02-02",https://...,

* ``leg_id`` (optional column and value): the leg's stable id; without it the
  id is a hash of the row's values, so editing a row makes it a new leg.
* dates: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, an interval ``A/B`` of those
  ("late January" = ``2026-01-20/2026-01-31``), or empty. Kept as precise as
  given: the start in ``departureDate``, the end in ``departureDateLatest``.
* ``tail`` and/or ``icao24`` (at least one). The flight is tied to
  ``icao24-<hex>`` when a hex is given, else to ``tail-<TAIL>`` (the builder
  picks the airframe that held that tail on the flight's dates).
* ``from_airport``/``to_airport``: any airport code (ICAO, IATA, OurAirports
  ident); ``from_country``/``to_country``: ISO alpha-2 code or a name.
* ``source``: the citation ("Defense News, 2026-02-02"); ``url``; ``notes``.

Rejected rows (counted, with the reason): no tail and no icao24, a date that
is not one of the forms above, an unknown country, a malformed code, a
duplicate ``leg_id``, and an arrival that ends before the departure can
begin. The last is rejected rather than warned about: a leg that contradicts
itself would put a wrong date on the graph, and the analyst can fix the row.
A missing required column, text that is not UTF-8, or broken CSV quoting
raise :class:`~kgraph.errors.SourceFormatError` naming the file and line.
"""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import Any, Iterator

from kgraph.errors import SourceFormatError
from kgraph.flights import End, Leg, date_bounds, leg_records
from kgraph.ids import make_id, normalize_icao24, normalize_tail
from kgraph.model import Edge, Node, ParseReport, Provenance
from kgraph.refdata.countries import country_code
from kgraph.sources import Source

DATASET = "flightlog"

SOURCE = Source(
    name="flightlog",
    title="Analyst's flight log (CSV)",
    datasets=(DATASET,),
    publisher="the analyst (citing press reports, NOTAMs, spotter photos)",
    licence="as the cited sources allow; facts only",
    cadence="by hand, whenever a new report appears",
    homepage="",
    files=(),
    assertions={"read": [1, 1_000_000]},
    prefix="flightlog",
)

COLUMNS = ("leg_id", "departure_date", "arrival_date", "tail", "icao24", "callsign", "from_airport",
           "from_country", "to_airport", "to_country", "source", "url", "notes")
REQUIRED = ("departure_date", "arrival_date", "tail", "icao24", "from_airport", "from_country", "to_airport",
            "to_country", "source")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,11}$")
_LEG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_CALLSIGN = re.compile(r"^[A-Z0-9-]{2,10}$")


class _Reject(Exception):
    """One row cannot be used; the message says why."""


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None) -> Iterator[Node | Edge]:
    """Flight legs of a flight-log CSV, or of every ``*.csv`` in a folder (in name order)."""
    path = Path(path)
    report = report if report is not None else ParseReport(source=DATASET, path=str(path))
    if path.is_dir():
        files = sorted(p for p in path.glob("*.csv") if not p.name.startswith("."))
        if not files:
            raise SourceFormatError(path, None, "no flight log (*.csv) in this folder")
    else:
        files = [path]
    seen: dict[str, str] = {}  # leg id -> "file line N" of its first row
    for file in files:
        yield from _parse_file(file, snapshot, report, seen)


def _parse_file(path: Path, snapshot: str | None, report: ParseReport, seen: dict[str, str]) -> Iterator[Node | Edge]:
    try:
        f = open(path, "rb")
    except OSError as e:
        raise SourceFormatError(path, None, f"cannot read: {e.strerror or e}") from None
    with f:
        reader = csv.reader(_lines(f, path), strict=True)
        try:
            yield from _rows(reader, path, snapshot, report, seen)
        except csv.Error as e:
            raise SourceFormatError(path, reader.line_num, f"broken CSV: {e}") from None


def _lines(f: Any, path: Path) -> Iterator[str]:
    """The file's lines as text, decoded one by one so that an encoding error names its line."""
    for number, raw in enumerate(f, 1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # the BOM Excel writes
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as e:
            utf16 = b"\x00" in raw or raw[:2] in (b"\xff\xfe", b"\xfe\xff")
            raise SourceFormatError(path, number, "not UTF-8 text" + (" (UTF-16?)" if utf16 else "")
                                    + f": byte 0x{raw[e.start]:02x} at column {e.start + 1}") from None


def _rows(reader: Any, path: Path, snapshot: str | None, report: ParseReport, seen: dict[str, str]) -> Iterator[Node | Edge]:
    header = next(reader, None)
    if header is None:
        raise SourceFormatError(path, None, "empty file (expected a header line)")
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        looks = " (this looks like an HTML page)" if "<html" in ",".join(header).lower() else ""
        raise SourceFormatError(path, 1, f"missing column(s) {', '.join(missing)}{looks}; expected "
                                         f"{','.join(COLUMNS)}")
    dupes = sorted({n for n in names if names.count(n) > 1 and n})
    if dupes:
        raise SourceFormatError(path, 1, f"duplicate column(s) {', '.join(dupes)}")
    unknown = [n for n in names if n not in COLUMNS]
    start = reader.line_num
    for values in reader:
        line, start = start + 1, reader.line_num
        spans_lines = start > line  # a quoted field held a line break
        if not any(v.strip() for v in values):
            continue  # blank line between rows
        report.read += 1
        try:
            if len(values) != len(names):
                raise _Reject(f"expected {len(names)} fields, found {len(values)}")
            row = dict(zip(names, values))
            for n in unknown:
                if row[n].strip():
                    report.unknown(n or "(blank column name)", file=path.name)
            leg = _leg(row, path, snapshot, seen, line, spans_lines)
        except _Reject as e:
            report.reject(str(e), file=path.name, line=line)
            continue
        report.kept += 1
        yield from leg_records(leg)


def _leg(row: dict[str, str], path: Path, snapshot: str | None, seen: dict[str, str], line: int,
         spans_lines: bool) -> Leg:
    # a line break inside a field other than the notes is a stray quote swallowing the next row; only a
    # row that spanned lines can hold one, so the others (all but a few of a million) skip the field loop
    for name, value in row.items() if spans_lines else ():
        if name != "notes" and ("\n" in value or "\r" in value):
            raise _Reject(f"field {name} spans several lines (unbalanced quote?)")
    raw_id = row.get("leg_id", "").strip()
    if raw_id:
        leg_id = f"flightlog-{raw_id}" if _LEG_ID.match(raw_id) else make_id("flightlog", raw_id)
        record = raw_id
    else:
        # raw values in a fixed column order, so a reordered file keeps its ids
        leg_id = make_id("flightlog", *(row.get(c, "") for c in COLUMNS if c != "leg_id"))
        record = leg_id.removeprefix("flightlog-")
    if leg_id in seen:
        raise _Reject(f"duplicate leg {raw_id or '(same values)'}; first at {seen[leg_id]}")

    tail_text = row.pop("tail").strip()
    hex_text = row.pop("icao24").strip()
    if not tail_text and not hex_text:
        raise _Reject("neither tail nor icao24 given")
    icao24 = normalize_icao24(hex_text) if hex_text else None
    if hex_text and (icao24 is None or hex_text.startswith("~")):
        raise _Reject(f"icao24 {hex_text!r} is not a 24-bit hex address")
    if tail_text and not normalize_tail(tail_text):
        raise _Reject(f"tail {tail_text!r} has no letters or digits")
    callsign = row.pop("callsign", "").strip().upper() or None
    if callsign and not _CALLSIGN.match(callsign):
        raise _Reject(f"callsign {callsign!r} is not a callsign")

    dep_date, dep_latest = _dates(row.pop("departure_date"), "departure_date")
    arr_date, arr_latest = _dates(row.pop("arrival_date"), "arrival_date")
    if dep_date and arr_date:
        first_dep = date_bounds(dep_date)[0]
        last_arr = date_bounds(arr_latest or arr_date)[1]
        if last_arr < first_dep:
            raise _Reject(f"arrival {arr_latest or arr_date} ends before the departure {dep_date} begins")
    departure = End(date=dep_date, date_latest=dep_latest, code=_code(row.pop("from_airport"), "from_airport"),
                    country=_country(row.pop("from_country"), "from_country"))
    arrival = End(date=arr_date, date_latest=arr_latest, code=_code(row.pop("to_airport"), "to_airport"),
                  country=_country(row.pop("to_country"), "to_country"))

    citation = row.pop("source").strip()
    url = row.pop("url", "").strip()
    notes = row.pop("notes", "").strip()
    row.pop("leg_id", None)
    leg = Leg(leg_id, Provenance(DATASET, record, snapshot), "analyst-log", icao24=icao24, tail=tail_text or None,
              callsign=callsign, departure=departure, arrival=arrival)
    if citation:
        leg.citation.append(citation)
    if url:
        leg.source_url.append(url)
    if notes:
        leg.notes.append(notes)
    seen[leg_id] = f"{path.name} line {line}"
    return leg


def _dates(text: str, column: str) -> tuple[str | None, str | None]:
    """(earliest, latest) as written; latest only for an interval."""
    text = text.strip()
    dates = _date_pair(text)
    if type(dates) is str:
        raise _Reject(f"{column} {text!r}{dates}")
    return dates


@functools.lru_cache(maxsize=1 << 14)  # a log of a million legs has a few thousand distinct dates
def _date_pair(text: str) -> tuple[str | None, str | None] | str:
    """:func:`_dates` of stripped text, or the end of the message that rejects it."""
    if not text:
        return None, None
    parts = [p.strip() for p in text.split("/")]
    if len(parts) > 2 or not all(_DATE.match(p) and date_bounds(p) for p in parts):
        return " is not YYYY-MM-DD, YYYY-MM, YYYY or an interval A/B of those"
    if len(parts) == 1:
        return parts[0], None
    first, last = parts
    if date_bounds(last)[1] < date_bounds(first)[0]:
        return ": the interval ends before it begins"
    return first, (last if last != first else None)


def _code(text: str, column: str) -> str | None:
    code = text.strip().upper()
    if not code:
        return None
    if not _CODE.match(code):
        raise _Reject(f"{column} {text.strip()!r} is not an airport code")
    return code


def _country(text: str, column: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    code = country_code(text)
    if code is None:
        raise _Reject(f"{column} {text!r} is not a country code or name kgraph knows")
    return code
