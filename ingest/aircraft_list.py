"""Aircraft registries published as CSV or SQLite, read through a column mapping.

A mapping says where each field of an aircraft record is (field names as in
:data:`ingest.opensky_aircraft.FIELDS`: ``icao24``, ``registration``,
``typecode``, ``model``, ``serialNumber``, ``operator``, ``owner``, ``built``,
``registered``, ``regUntil``...) and how the file is written. Two presets are
built in:

``ru_aircraft_db``
    the community SQLite of Russian-registered aircraft
    (github.com/3ng1n33r/ru-aircraft-db): table ``aircraftdb``, ``-`` for
    unknown, airline codes as ``ZR / AZS`` (IATA / ICAO), serials without
    leading zeros, ``Private owner`` where there is no airline, the paint
    in the airline's name (``Aeroflot (Retro Livery)``: the operator is
    Aeroflot, ``livery: Retro`` a note of the aircraft).
``ca_ccarcs``
    Transport Canada's ``carscurr.txt`` (CCARCS): no header (47 columns),
    Latin-1, the mark without ``C-`` and with a leading space, an Oracle
    footer ``N rows selected.``, the Mode S address as 24 binary digits.

Other lists are configured in ``config.toml`` and may start from a preset::

    [registry.lists.my_register]
    format = "csv"                       # or "sqlite" (with table = "...")
    encoding = "utf-8"
    columns = {icao24 = "hex", registration = "reg", model = "type", operator = "airline"}
    null = ["-", "n/a"]
    date_format = "%d/%m/%Y"

The list name is the provenance source of its records (``ru_aircraft_db``);
nodes are ``<list-name>-<registration or hex>``. Operators become candidate
OPERATES edges as in the OpenSky reader.

Example
-------
>>> recs = list(parse("../shared/corpus/aviation/registries/ru-aircraft-db/aircraft.db",
...                   mapping="ru_aircraft_db"))  # doctest: +SKIP
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import fnmatch
import io
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any, Iterator

from kgraph.errors import ConfigError, SourceFormatError
from kgraph.ids import normalize_icao24, normalize_tail, slug
from kgraph.model import ParseReport, Provenance, Record
from kgraph.sources import Source, SourceFile

from ingest.opensky_aircraft import FIELDS, aircraft_records, split_airline_codes

__all__ = ["SOURCE", "PRESETS", "parse", "lists_from_config", "resolve_mapping"]

_CCARCS_COLUMNS = [
    "MARK", "REGISTRATION_SUB_TYPE_E", "REGISTRATION_SUB_TYPE_F", "COMMON_NAME", "MODEL_NAME",
    "MANUFACTURERS_SERIAL_NUMBER", "MANUFACTURER_SERIAL_COMPRESSED", "ID_PLATE_MANUFACTURERS_NAME",
    "BASIS_FOR_REGISTRATION", "BASIS_FOR_REGISTRATION_F", "AIRCRAFT_CATEGORY_E", "AIRCRAFT_CATEGORY_F",
    "DATE_OF_IMPORT", "ENGINE_MANUF_E", "POWERGLIDER_FLAG", "ENGINE_CATEGORY_E", "ENGINE_CATEGORY_F",
    "NUMBER_OF_ENGINES", "NUMBER_OF_SEATS", "AIR_WEIGHT_KILOS", "SALE_REPORTED", "ISSUE_DATE", "EFFECTIVE_DATE",
    "INEFFECTIVE_DATE", "REGISTERED_PURPOSE_E", "REGISTERED_PURPOSE_F", "FLIGHT_AUTHORITY_E", "FLIGHT_AUTHORITY_F",
    "MANUFACTURE_OR_ASSEMBLY", "COUNTRY_MANUFACTURE_ASS_E", "COUNTRY_MANUFACTURE_ASS_F",
    "DATE_MANUFACTURE_ASSEMBLY", "BASE_OF_OPERATIONS_CTRY_E", "BASE_OF_OPERATIONS_CTRY_F",
    "BASE_PROVINCE_OR_STATE_E", "BASE_PROVINCE_OR_STATE_F", "CITY_AIRPORT", "TYPE_CERTIFICATE_NUMBER",
    "REGISTRATION_AUTH_STATUS_E", "REGISTRATION_AUTH_STATUS_F", "MULTIPLE_OWNER_FLAG", "MODIFIED_DATE",
    "MODE_S_TRANSPONDER_BINARY", "PHYSICAL_FILE_REGION_E", "PHYSICAL_FILE_REGION_F", "EX_MILITARY_MARK",
    "TRIMMED_MARK",
]
_CCARCS_MAPPED = {
    "registration": "MARK", "manufacturer": "COMMON_NAME", "model": "MODEL_NAME",
    "serialNumber": "MANUFACTURERS_SERIAL_NUMBER", "icao24": "MODE_S_TRANSPONDER_BINARY",
    "built": "DATE_MANUFACTURE_ASSEMBLY", "registered": "EFFECTIVE_DATE", "regUntil": "INEFFECTIVE_DATE",
    "status": "REGISTRATION_AUTH_STATUS_E",
}

PRESETS: dict[str, dict[str, Any]] = {
    "ru_aircraft_db": {
        "title": "Russian Federation aircraft database (community, 3ng1n33r/ru-aircraft-db)",
        "url": "https://github.com/3ng1n33r/ru-aircraft-db/raw/HEAD/aircraft.db",
        "format": "sqlite",
        "table": "aircraftdb",
        # the database, or a CSV export of its table (sqlite3 -csv -header)
        "files": ["aircraft.db", "ru_aircraft_db*", "ru-aircraft-db*"],
        "columns": {"icao24": "icao_24bit_address", "registration": "registration", "typecode": "aircraft_type",
                    "model": "model", "serialNumber": "serial_number"},
        # (name column, code column): the fleet's airline and the actual operator, codes "IATA / ICAO"
        "operators": [["airline", "airline_code"], ["operator", "operator_code"]],
        "ignore": ["timestamp"],
        "null": ["-"],
        "placeholders": ["Private owner"],
        "key": "registration",
    },
    "ca_ccarcs": {
        "title": "Canadian Civil Aircraft Register (Transport Canada CCARCS, carscurr.txt)",
        "url": "https://wwwapps.tc.gc.ca/saf-sec-sur/2/ccarcs-riacc/download/ccarcsdb.zip",
        "format": "csv",
        "files": ["ccarcsdb.zip", "carscurr*.txt"],
        "member": "carscurr.txt",
        "encoding": "latin-1",
        "header": _CCARCS_COLUMNS,
        "footer": r"^\s*\d+ rows? selected\.?\s*$",
        "columns": _CCARCS_MAPPED,
        "ignore": [c for c in _CCARCS_COLUMNS if c not in _CCARCS_MAPPED.values()],
        "icao24_format": "binary",
        "registration_prefix": "C-",
        "date_format": "%Y/%m/%d",
        "country": "CA",
        "key": "registration",
    },
}

SOURCE = Source(
    name="registry",
    title="Aircraft registries read through a column mapping (CSV or SQLite)",
    datasets=tuple(PRESETS),
    publisher="various (see each list)",
    licence="per list: ru-aircraft-db has no licence file (verify before redistribution); CCARCS under the "
            "Government of Canada Open Data Licence (no linking to identify individuals)",
    cadence="per list (ru-aircraft-db irregular community updates; CCARCS daily)",
    homepage="https://github.com/3ng1n33r/ru-aircraft-db",
    files=tuple(SourceFile(Path(p["url"]).name, (p["url"],), required=False, kind="zip" if p["url"].endswith(".zip") else "any")
                for p in PRESETS.values()),
    assertions={"read": [1_000, 2_000_000], "nodes": {"Airplane": [1_000, 2_000_000]}},
    prefix="registry",
)

_FIELD_ALIASES = {"manufacturer": "manufacturerName"}
_KEYS = {"title", "url", "format", "table", "columns", "operators", "ignore", "null", "placeholders", "key",
         "encoding", "delimiter", "quotechar", "header", "footer", "icao24_format", "registration_prefix",
         "date_format", "country", "preset", "name", "files", "member"}
_DATES = ("built", "registered", "regUntil", "firstFlightDate")


def resolve_mapping(mapping: str | dict | None, name: str | None = None,
                    config: dict | None = None) -> tuple[str, dict]:
    """(list name, full mapping) from a preset or configured list name, or a mapping dict.

    A dict may start from a preset (``preset = "ru_aircraft_db"``) and override any key.
    """
    if mapping is None:
        raise ConfigError("aircraft list: no column mapping; pass a preset name "
                          f"({', '.join(PRESETS)}) or configure [registry.lists.NAME]")
    if isinstance(mapping, str):
        configured = _configured(config)
        if mapping in configured:
            return resolve_mapping(configured[mapping] or {}, mapping)
        if mapping not in PRESETS:
            raise ConfigError(f"aircraft list: unknown preset {mapping!r}; known: "
                              f"{', '.join([*PRESETS, *configured])} (configure others in [registry.lists.NAME])")
        return name or mapping, copy.deepcopy(PRESETS[mapping])
    unknown = set(mapping) - _KEYS
    if unknown:
        raise ConfigError(f"aircraft list {name or ''}: unknown mapping keys {sorted(unknown)}")
    list_name = name or mapping.get("name") or mapping.get("preset")
    if not list_name:
        raise ConfigError("aircraft list: a configured list needs a name")
    base = copy.deepcopy(PRESETS.get(mapping.get("preset") or list_name, {}))
    base.update({k: v for k, v in mapping.items() if k not in ("preset", "name")})
    columns = base.get("columns") or {}
    bad = [f for f in columns if _FIELD_ALIASES.get(f, f) not in FIELDS]
    if bad or "format" not in base or base["format"] not in ("csv", "sqlite"):
        raise ConfigError(f"aircraft list {list_name}: needs format = csv|sqlite and columns among "
                          f"{', '.join(FIELDS)} (bad: {bad})")
    return list_name, base


def _configured(config: dict | None) -> dict[str, dict]:
    lists = ((config or {}).get("registry") or {}).get("lists") or {}
    if not isinstance(lists, dict):
        raise ConfigError("config.toml: [registry.lists] must be a table of lists")
    return lists


def lists_from_config(config: dict | None) -> dict[str, dict]:
    """Every list kgraph knows: the presets plus ``[registry.lists.NAME]`` of config.toml, as {name: mapping}."""
    out = {name: copy.deepcopy(m) for name, m in PRESETS.items()}
    out.update(resolve_mapping(m or {}, name) for name, m in _configured(config).items())
    return out


class _Converter:
    """Turns one raw row ({column: value}) into OpenSky-named fields, per the mapping."""

    def __init__(self, m: dict, report: ParseReport):
        self.columns = {_FIELD_ALIASES.get(k, k): v for k, v in (m.get("columns") or {}).items()}
        self.operators = [tuple(o) for o in m.get("operators") or []]
        self.null = {v.casefold() for v in m.get("null") or []}
        self.placeholders = {v.casefold() for v in m.get("placeholders") or []}
        self.binary = m.get("icao24_format") == "binary"
        self.prefix = m.get("registration_prefix") or ""
        self.date_format = m.get("date_format")
        self.country = m.get("country")
        self.report = report
        self.used = {*self.columns.values(), *(c for o in self.operators for c in o), *(m.get("ignore") or [])}

    def value(self, row: dict, column: str | None) -> str | None:
        v = row.get(column) if column else None
        v = "" if v is None else str(v).strip()
        return None if not v or v.casefold() in self.null else v

    def convert(self, row: dict, where: str) -> tuple[dict, list]:
        f = {k: self.value(row, c) for k, c in self.columns.items()}
        if self.binary and f.get("icao24"):
            # 24 characters of 0/1: read as hex or decimal it would name another aircraft
            b = f["icao24"]
            f["icao24"] = f"{int(b, 2):06x}" if re.fullmatch(r"[01]{24}", b) else None
            if f["icao24"] is None:
                self.report.warn("Mode S address is not 24 binary digits", value=b, where=where)
        if f.get("registration") and self.prefix and not f["registration"].upper().startswith(self.prefix):
            f["registration"] = self.prefix + f["registration"]
        if self.date_format:
            for k in _DATES:
                if f.get(k):
                    try:
                        f[k] = dt.datetime.strptime(f[k], self.date_format).date().isoformat()
                    except ValueError:
                        self.report.warn("bad date", field=k, value=f[k], where=where)
                        f[k] = None
        if self.country and not f.get("country"):
            f["country"] = self.country
        ops = []
        for name_col, code_col in self.operators:
            name, codes = self.value(row, name_col), self.value(row, code_col)
            if name and name.casefold() in self.placeholders:
                name = None  # "Private owner" is no organisation: as a node it would link thousands of aircraft
            iata, icao = split_airline_codes(codes)
            if name or icao:
                ops.append((name, iata, icao, None))
        return f, ops


def _sqlite_rows(path: Path, m: dict, report: ParseReport) -> Iterator[tuple[str, dict]]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise SourceFormatError(path, None, f"not a SQLite database: {e}") from None
    not_utf8 = []

    def text(b: bytes) -> str:
        # TEXT that is not UTF-8 would raise inside the cursor: read it as Latin-1 and say so
        try:
            return b.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8.append(b)
            return b.decode("latin-1")

    con.text_factory = text
    try:
        # a damaged file can still answer queries with rows missing; check the structure first
        check = con.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise SourceFormatError(path, None, f"SQLite integrity check failed: {check}")
        table = m.get("table")
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        if table not in tables:
            raise SourceFormatError(path, None, f"no table {table!r} (tables: {', '.join(tables) or 'none'})")
        cur = con.execute(f'SELECT rowid, * FROM "{table}"')
        names = [d[0] for d in cur.description][1:]
        for rowid, *values in cur:
            if not_utf8:
                report.warn("text not UTF-8, read as Latin-1", where=f"row {rowid}")
                not_utf8.clear()
            yield f"row {rowid}", dict(zip(names, values))
    except (sqlite3.Error, UnicodeDecodeError) as e:
        # a damaged schema or message text fails to decode inside the sqlite3 module itself
        raise SourceFormatError(path, None, f"SQLite: {e}") from None
    finally:
        con.close()


def _open_text(path: Path, m: dict):
    """The list's text stream: the file, or its member inside a zip (CCARCS comes as ccarcsdb.zip)."""
    encoding = m.get("encoding") or "utf-8-sig"
    try:
        if zipfile.is_zipfile(path):
            zf = zipfile.ZipFile(path)
            names = [n for n in zf.namelist() if not n.endswith("/")]
            wanted = m.get("member")
            member = next((n for n in names if Path(n).name.lower() == (wanted or "").lower()), None)
            if member is None and not wanted and len(names) == 1:
                member = names[0]
            if member is None:
                zf.close()
                raise SourceFormatError(path, None, f"no {wanted or 'single data file'} in the zip")
            return io.TextIOWrapper(zf.open(member), encoding=encoding, newline=""), zf.close
        return open(path, encoding=encoding, newline=""), lambda: None
    except (OSError, zipfile.BadZipFile) as e:
        raise SourceFormatError(path, None, f"cannot read: {e}") from None


def _csv_rows(path: Path, m: dict, report: ParseReport) -> Iterator[tuple[str, dict | None]]:
    footer = re.compile(m["footer"]) if m.get("footer") else None
    f, close = _open_text(path, m)
    with f:
        reader = csv.reader(f, delimiter=m.get("delimiter") or ",", quotechar=m.get("quotechar") or '"')
        names = m.get("header")
        ended = False
        try:
            for row in reader:
                line = reader.line_num
                if not row or not any(v.strip() for v in row):
                    continue
                if names is None:
                    names = [h.strip() for h in row]
                    continue
                if line == 1 and [v.strip() for v in row] == names:
                    continue  # a header row although the layout says there is none
                if footer and len(row) == 1 and footer.match(row[0]):
                    ended = True  # Oracle's "N rows selected." closes the export
                    continue
                if ended:
                    report.warn("data after the footer line", line=line)
                if len(row) != len(names):
                    yield f"line {line}", None  # counted and rejected by the caller
                    continue
                yield f"line {line}", dict(zip(names, row))
        except UnicodeDecodeError as e:
            raise SourceFormatError(path, reader.line_num + 1, f"not {m.get('encoding') or 'UTF-8'}: {e}") from None
        except (csv.Error, zipfile.BadZipFile, EOFError, OSError) as e:
            raise SourceFormatError(path, reader.line_num, str(e)) from None
        finally:
            close()
    if names is None:
        raise SourceFormatError(path, None, "empty file")


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _matches(path: Path, m: dict) -> bool:
    return any(fnmatch.fnmatch(path.name.lower(), pat.lower()) for pat in m.get("files") or [])


def _jobs(path: Path, chosen: str | dict | None, name: str | None, config: dict | None) -> list[tuple[str, dict, Path]]:
    """(list name, mapping, file) to read: the chosen list, or every known list whose file is there."""
    if chosen is not None:
        list_name, m = resolve_mapping(chosen, name, config)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and _matches(p, m))
            if not found:
                raise SourceFormatError(path, None, f"no file of list {list_name} "
                                                    f"({', '.join(m.get('files') or ['files = [...] not set'])})")
            return [(list_name, m, found[0])]
        return [(list_name, m, path)]
    known = lists_from_config(config)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    jobs = []
    for list_name, m in known.items():
        hit = next((p for p in files if _matches(p, m)), None)
        if hit is not None:
            jobs.append((list_name, m, hit))
    if not jobs:
        if path.is_dir():
            raise SourceFormatError(path, None, f"no aircraft list file of a known list ({', '.join(known)})")
        resolve_mapping(None)  # raises: the list cannot be told from the file name
    return jobs


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None,
          preset: str | None = None, mapping: str | dict | None = None, name: str | None = None,
          config: dict | None = None) -> Iterator[Record]:
    """Airplane, Organization and OPERATES records of aircraft lists.

    ``preset`` (or ``mapping``) names a built-in preset or a list configured in
    ``config`` (config.toml as a dict), or ``mapping`` is a mapping dict. With
    neither, the list is told from the file name (``aircraft.db``,
    ``carscurr.txt``...), and a folder yields every known list found in it;
    per-list counts are in ``report.by_dataset()``.
    """
    path = Path(path)
    jobs = _jobs(path, mapping if mapping is not None else preset, name, config)
    report = report if report is not None else ParseReport(jobs[0][0], str(path))
    for list_name, m, file in jobs:
        report.dataset = list_name  # counts add up per list as well
        conv = _Converter(m, report)
        # the ru_aircraft_db preset reads the database or a CSV export of its table alike
        sqlite = _is_sqlite(file) if m["format"] == "sqlite" and file.suffix.lower() in (".csv", ".txt") \
            else m["format"] == "sqlite"
        rows = _sqlite_rows(file, m, report) if sqlite else _csv_rows(file, m, report)
        yield from report.count(_records(rows, conv, m.get("key") or "registration", list_name, file, report,
                                         snapshot))


def _records(rows, conv: _Converter, key_field: str, list_name: str, path: Path, report: ParseReport,
             snapshot: str | None) -> Iterator[Record]:
    prefix = slug(list_name)
    seen_keys: set[str] = set()
    seen_org: dict = {}
    unknown: list[str] | None = None
    for where, row in rows:
        report.read += 1
        if row is None:
            report.reject("wrong number of fields", where=where)
            continue
        if unknown is None:
            mapped = {*conv.columns.values(), *(c for o in conv.operators for c in o)}
            missing = sorted(c for c in mapped if c not in row)
            if missing:
                raise SourceFormatError(path, where, f"mapped columns not in the source: {', '.join(missing)}")
            unknown = [c for c in row if c not in conv.used]
        for c in unknown:
            if row.get(c) not in (None, ""):
                report.unknown(c, where=where)
        f, ops = conv.convert(row, where)
        raw_key = f.get(key_field) or f.get("icao24")
        key = normalize_tail(raw_key) if key_field == "registration" else normalize_icao24(raw_key)
        if not key:
            report.reject(f"no {key_field}", where=where)
            continue
        if key in seen_keys:
            report.reject(f"duplicate {key_field}", value=raw_key, where=where)
            continue
        seen_keys.add(key)
        report.kept += 1
        yield from aircraft_records(f"{prefix}-{key}", f, Provenance(list_name, raw_key, snapshot),
                                    org_prefix=f"{prefix}-org", seen=seen_org, operators=ops)
