"""OpenSky Network aircraft database: ICAO 24-bit address -> registration, type, operator, owner.

Two shapes are read, by header name:

* legacy ``aircraftDatabase.csv``: 27 lower-case columns, every field
  double-quoted, booleans as ``"true"``/``"false"``;
* monthly ``aircraft-database-complete-YYYY-MM.csv``: 31 or 32 camelCase
  columns (``notes`` comes and goes), **single-quote** quoting with doubled
  ``''`` escapes, many fields (the hex too) unquoted, empty as ``''`` or
  nothing.

Each row becomes an Airplane ``opensky-<icao24>``. Operators and owners
become Organization nodes (id from the raw name) with OPERATES / OWNS edges:
candidate links only, the resolver decides whether "Aviacon Zitotrans" here
is the sanctioned JSC AVIACON ZITOTRANS. Rows that are not aircraft
(``000000``, ground vehicles with type ``GRND``) are rejected with a reason.

:func:`aircraft_records` is shared with :mod:`ingest.aircraft_list`.

Example
-------
>>> recs = list(parse("../shared/corpus/aviation/opensky/aircraft-database-complete.excerpt.31col.csv"))  # doctest: +SKIP
>>> [r.props["registrationNumber"] for r in recs if r.id == "opensky-3c48e8"]  # doctest: +SKIP
[['D-ABGH']]
"""
from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from pathlib import Path
from typing import Iterable, Iterator

from kgraph.errors import SourceFormatError
from kgraph.ids import make_id, normalize_icao24
from kgraph.model import Edge, Node, ParseReport, Provenance, Record, clean_values
from kgraph.refdata.countries import country_code
from kgraph.refdata.icao import format_tail, hex_to_state, tail_to_state
from kgraph.refdata.models import model_family
from kgraph.sources import Source, SourceFile

__all__ = ["SOURCE", "parse", "aircraft_records", "split_airline_codes", "FIELDS"]

DATASET = "opensky_aircraft"
BASE = "https://s3.opensky-network.org/data-samples/metadata/"

SOURCE = Source(
    name="opensky",
    title="OpenSky Network aircraft database",
    datasets=(DATASET,),
    publisher="OpenSky Network",
    licence="unlicensed, offered as is, outside the OpenSky terms of use; citation of OpenSky requested",
    cadence="monthly snapshot (aircraft-database-complete-YYYY-MM.csv; pass the month's URL in config)",
    homepage="https://opensky-network.org/data/aircraft",
    files=(SourceFile("aircraftDatabase.csv", (BASE + "aircraftDatabase.csv",
                                               "https://opensky-network.org/datasets/metadata/aircraftDatabase.csv"),
                      kind="csv"),),
    # ~460k rows in the legacy file, ~600k-620k in the 2024-2025 monthly ones
    assertions={"read": [400_000, 800_000], "nodes": {"Airplane": [350_000, 800_000]},
                "fill": {"Airplane.registrationNumber": 0.7}},
    prefix="opensky",
)

#: the camelCase column names (the monthly file); legacy names are these lower-cased
FIELDS = (
    "icao24", "registration", "typecode", "model", "manufacturerName", "manufacturerIcao", "operator",
    "operatorCallsign", "operatorIcao", "operatorIata", "owner", "serialNumber", "lineNumber", "built",
    "registered", "regUntil", "status", "country", "prevReg", "nextReg", "firstFlightDate", "notes",
)
# columns known and deliberately not mapped (capabilities, categories, bookkeeping)
_IGNORED = ("timestamp", "acars", "adsb", "modes", "vdl", "selCal", "firstSeen", "engines", "categoryDescription",
            "icaoAircraftClass", "seatConfiguration", "testReg")
_BY_LOWER = {c.lower(): c for c in (*FIELDS, *_IGNORED)} | {"icaoaircrafttype": "icaoAircraftClass"}
_DATE = re.compile(r"^\d{4}(-\d\d(-\d\d)?)?")
_SURROGATE = re.compile("[\udc80-\udcff]")


def split_airline_codes(text: str | None) -> tuple[str | None, str | None]:
    """``(iata, icao)`` from a code field such as ``ZR / AZS``, ``AZS`` or ``ZR``.

    >>> split_airline_codes("ZR / AZS"), split_airline_codes("AZS"), split_airline_codes("-")
    (('ZR', 'AZS'), (None, 'AZS'), (None, None))
    """
    iata = icao = None
    for part in re.split(r"\s*/\s*", (text or "").strip().upper()):
        if re.fullmatch(r"[A-Z0-9]{2}", part):
            iata = iata or part
        elif re.fullmatch(r"[A-Z]{3}", part):
            icao = icao or part
    return iata, icao


def _date(value: str | None) -> str | None:
    m = _DATE.match(value or "")
    return m.group(0) if m else None


def _org(prefix: str, name: str | None, icao: str | None, iata: str | None, callsign: str | None,
         prov: Provenance, seen: dict) -> tuple[str | None, list[Record]]:
    """The operator/owner Organization (id from the raw name, or the ICAO code when unnamed)."""
    if not name and not icao:
        return None, []
    key = (name, None if name else icao)
    oid, known = seen.get(key) or seen.setdefault(key, (make_id(prefix, name or "", *(() if name else (icao,))), set()))
    facts = {f for f in (("icaoCode", icao), ("iataCode", iata), ("callsign", callsign)) if f[1]}
    # emit the node once, and again only when a row says something new about the organisation
    if known and facts <= known:
        return oid, []
    known |= facts | {("name", name)}
    return oid, [Node(oid, "Organization", {"name": [name], "icaoCode": [icao], "iataCode": [iata],
                                            "callsign": [callsign]}, prov)]


_country = functools.lru_cache(maxsize=4096)(country_code)


# the Russian register names the aircraft's paint after its airline: "Aeroflot (Retro Livery)", "Rossiya (Troika
# livery)", 22 rows in 2024; the paint is no company (it made 15 organisations of 6 airlines)
_LIVERY = re.compile(r"\s*\(([^()]*?)\s*\blivery\)\s*$", re.IGNORECASE)


def split_livery(name: str | None, notes: list) -> str | None:
    """An operator's name without the livery the register adds to it; the livery goes to ``notes``.

    >>> notes = []; split_livery("Aeroflot (Retro Livery)", notes), notes
    ('Aeroflot', ['livery: Retro'])
    """
    m = _LIVERY.search(name) if name and ")" in name else None  # 600k OpenSky rows, a handful of liveries
    if not m:
        return name
    notes.append(f"livery: {m.group(1)}")
    return name[: m.start()] or name


def aircraft_records(nid: str, f: dict[str, str | None], prov: Provenance, *, org_prefix: str, seen: dict,
                     operators: Iterable[tuple[str | None, str | None, str | None, str | None]] = (),
                     icao24: str | None = None) -> Iterator[Record]:
    """Airplane node plus candidate operator/owner records from one row in OpenSky field names.

    ``operators`` adds (name, iata, icao, callsign) operators besides the row's own ``operator``;
    ``seen`` is the caller's per-file memory of organisations already emitted; ``icao24``, when
    the caller has normalised the address already.
    """
    g = {k: v.strip() for k, v in f.items() if v and not v.isspace()}.get
    icao24 = normalize_icao24(g("icao24")) if icao24 is None else icao24
    reg = format_tail(g("registration"))
    model, typecode = g("model"), g("typecode")
    ops = [(g("operator"), g("operatorIata"), g("operatorIcao"), g("operatorCallsign")), *operators]
    notes = [g("notes")]
    ops = [(split_livery(o[0], notes), *o[1:]) for o in ops if o[0] or o[2]]
    if g("nextReg"):
        notes.append(f"next registration: {format_tail(g('nextReg'))}")
    if g("firstFlightDate"):
        notes.append(f"first flight: {g('firstFlightDate')}")
    props = {
        "registrationNumber": [reg],
        "previousRegistrationNumber": [format_tail(g("prevReg"))],
        "icao24": [icao24],
        "serialNumber": [g("serialNumber")],
        "constructionNumber": [g("lineNumber")],
        "model": [model],
        "modelFamily": [model_family(model) or model_family(typecode)],
        "icaoType": [typecode],
        "manufacturer": [g("manufacturerName") or g("manufacturerIcao")],
        "buildDate": [_date(g("built"))],
        # the source's own country name first; else the nationality mark, else the address block
        "country": [_country(g("country")) or tail_to_state(reg) or hex_to_state(icao24)],
        "registered": [_date(g("registered"))],
        "registeredUntil": [_date(g("regUntil"))],
        "registryStatus": [g("status")],
        "operatorName": [o[0] for o in ops],
        "operatorIcao": [o[2] for o in ops],
        "ownerName": [g("owner")],
        "notes": notes,
    }
    # every single value is a stripped, non-empty string or None (g() strips; the helpers give codes or None),
    # so only the lists that can hold None or repeats are cleaned, and most rows fill a third of the fields:
    # the empty ones are left out and Node's per-value cleaning is skipped (9 % of the parse's instructions)
    for k in ("operatorName", "operatorIcao", "notes"):
        props[k] = clean_values(props[k])
    yield Node.trusted(nid, "Airplane", {k: v for k, v in props.items() if v and v != [None]}, prov)
    linked = set()
    for name, iata, icao, callsign in ops:
        oid, recs = _org(org_prefix, name, icao, iata, callsign, prov, seen)
        yield from recs
        if oid not in linked:  # the airline and the operator columns often name the same company
            linked.add(oid)
            yield Edge("OPERATES", oid, nid, {}, prov)
    if g("owner"):
        oid, recs = _org(org_prefix, g("owner"), None, None, None, prov, seen)
        yield from recs
        yield Edge("OWNS", oid, nid, {}, prov)


def _fix(row: list[str], report: ParseReport, line: int) -> list[str]:
    # bytes that are not UTF-8 arrive as surrogates: read those fields as Latin-1 rather than lose them
    report.warn("not UTF-8, field read as Latin-1", line=line)
    return [v.encode("utf-8", "surrogateescape").decode("latin-1") if _SURROGATE.search(v) else v for v in row]


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None) -> Iterator[Record]:
    """Airplane, Organization, OPERATES and OWNS records from an OpenSky aircraft database CSV."""
    path = Path(path)
    if path.is_dir():
        # a snapshot folder: the newest monthly file, else the legacy one
        found = sorted(path.glob("aircraft-database-complete-*.csv")) or sorted(path.glob("aircraftDatabase*.csv"))
        if not found:
            raise SourceFormatError(path, None, "no aircraft-database-complete-YYYY-MM.csv or aircraftDatabase.csv")
        path = found[-1]
    report = report if report is not None else ParseReport(DATASET, str(path))
    try:
        raw = open(path, "rb")
    except OSError as e:
        raise SourceFormatError(path, None, f"cannot read: {e}") from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="") as text:
        first = text.readline()
        # the monthly files quote with ', the legacy one with "
        quote = "'" if first.lstrip().startswith("'") else '"'
        try:
            header = next(csv.reader([first], quotechar=quote), [])
        except csv.Error as e:
            raise SourceFormatError(path, 1, f"unreadable header: {e}") from None
        names = [_BY_LOWER.get(h.strip().lower(), h.strip()) for h in header]
        if "icao24" not in names or "registration" not in names:
            raise SourceFormatError(path, 1, "not an OpenSky aircraft database header (no icao24/registration column)")
        unknown = [i for i, n in enumerate(names) if n not in _BY_LOWER.values()]
        yield from report.count(_rows(csv.reader(text, quotechar=quote), names, unknown, path, report, snapshot))


def _valid_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (checked at C speed, so rows need no check of their own)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _rows(reader, names: list[str], unknown: list[int], path: Path, report: ParseReport,
          snapshot: str | None) -> Iterator[Record]:
    clean_utf8 = _valid_utf8(path)
    seen_hex: set[str] = set()
    seen_org: dict = {}
    # only the mapped columns (and the two the junk checks read) go into the per-row dict
    used = [(n, i) for i, n in enumerate(names) if n in FIELDS or n == "categoryDescription"]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise SourceFormatError(path, reader.line_num + 1, str(e)) from None
        line = reader.line_num + 1  # the header was read before the reader started
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line; a line of empty fields is a record, rejected below
        report.read += 1
        if not clean_utf8 and _SURROGATE.search("".join(row)):
            row = _fix(row, report, line)
        if len(row) != len(names):
            report.reject(f"expected {len(names)} fields, found {len(row)}", line=line)
            continue
        for i in unknown:
            if row[i]:
                report.unknown(names[i], line=line)
        f = {name: v for name, i in used if (v := row[i])}
        icao24 = normalize_icao24(f.get("icao24"))
        if icao24 is None:
            report.reject("not an ICAO 24-bit address", icao24=f.get("icao24", ""), line=line)
            continue
        if (f.get("typecode") or "").strip().upper() == "GRND" or \
                (f.get("categoryDescription") or "").startswith("Surface Vehicle"):
            report.reject("ground vehicle, not an aircraft", icao24=icao24, line=line)
            continue
        if icao24 in seen_hex:
            report.reject("duplicate icao24 (first row kept)", icao24=icao24, line=line)
            continue
        seen_hex.add(icao24)
        report.kept += 1
        yield from aircraft_records(f"opensky-{icao24}", f, Provenance(DATASET, icao24, snapshot),
                                    org_prefix="opensky-org", seen=seen_org, icao24=icao24)
