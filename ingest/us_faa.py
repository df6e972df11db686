"""United States: FAA Releasable Aircraft Database (``ReleasableAircraft.zip``).

The zip holds fixed-width records written as comma-separated text
(``ardata.pdf``): ``MASTER.txt`` (registered aircraft), ``DEREG.txt``
(aircraft that left the register, with cancel date and export country),
``ACFTREF.txt`` (make/model by ``MFR MDL CODE``) and ``ENGINE.txt``. Each
MASTER row becomes an Airplane ``faa-<UNIQUE ID>``; each DEREG row (which has
no unique id) an Airplane ``faa-dereg-<hash of N-number, serial, cancel
date>`` with ``registryStatus`` "deregistered". The registrant and co-owners
become Organization/Person nodes with a candidate OWNS edge; the resolver
decides later whether they are anyone else's entity.

``parse`` takes the zip, a folder with the extracted files, or the MASTER
file itself (reference files are looked up beside it). Files are streamed:
the daily MASTER has ~300k rows.

Example
-------
>>> recs = list(parse("../shared/corpus/aviation/faa"))  # doctest: +SKIP
>>> [r.props["registrationNumber"] for r in recs if r.id == "faa-00084341"]  # doctest: +SKIP
[['N80']]
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import IO, Callable, Iterator

from kgraph.errors import SourceFormatError
from kgraph.ids import make_id, normalize_icao24
from kgraph.model import Edge, Node, ParseReport, Provenance, Record
from kgraph.refdata.countries import country_code
from kgraph.refdata.icao import n_number_to_hex
from kgraph.refdata.models import model_family
from kgraph.sources import Source, SourceFile

__all__ = ["SOURCE", "parse"]

DATASET = "us_faa"
URL = "https://registry.faa.gov/database/ReleasableAircraft.zip"
# the registry answers library user agents with an error page: kgraph.fetch sends a browser User-Agent
# for user_agent="browser" (Source.user_agent; until that field exists, [sources.faa] user_agent in config)
_UA = {"user_agent": "browser"} if "user_agent" in getattr(Source, "__dataclass_fields__", {}) else {}

SOURCE = Source(
    name="faa",
    title="FAA Releasable Aircraft Database (US civil aircraft register)",
    datasets=(DATASET,),
    publisher="Federal Aviation Administration, Civil Aviation Registry (AFS-750)",
    licence="US Government work: public domain",
    cadence="daily (refreshed 23:30 US Central)",
    homepage="https://www.faa.gov/licenses_certificates/aircraft_certification/aircraft_registry/"
             "releasable_aircraft_download",
    files=(SourceFile("ReleasableAircraft.zip", (URL,), kind="zip"),),
    # MASTER: ~290k registered aircraft (250k-350k); DEREG adds deregistered airframes
    assertions={
        "read": [250_000, 2_000_000],
        "nodes": {"Airplane": [250_000, 2_000_000]},
        "fill": {"Airplane.icao24": 0.9, "Airplane.serialNumber": 0.95},
    },
    prefix="faa",
    **_UA,
)

# header spellings (spaces and hyphens folded to one space) -> the MASTER name used below
_ALIASES = {
    "STREET MAIL": "STREET", "STREET2 MAIL": "STREET2", "CITY MAIL": "CITY", "STATE ABBREV MAIL": "STATE",
    "ZIP CODE MAIL": "ZIP CODE", "COUNTY MAIL": "COUNTY", "COUNTRY MAIL": "COUNTRY", "LAST ACT DATE": "LAST ACTION DATE",
    "INDICATOR GROUP": "TYPE REGISTRANT", "TYPE REGISTRATION": "TYPE REGISTRANT", "EXP COUNTRY": "EXPORT COUNTRY",
}
_OTHER_NAMES = tuple(f"OTHER NAMES({i})" for i in range(1, 6))
_MASTER_KNOWN = {
    "N NUMBER", "SERIAL NUMBER", "MFR MDL CODE", "ENG MFR MDL", "YEAR MFR", "TYPE REGISTRANT", "NAME", "STREET",
    "STREET2", "CITY", "STATE", "ZIP CODE", "REGION", "COUNTY", "COUNTRY", "LAST ACTION DATE", "CERT ISSUE DATE",
    "CERTIFICATION", "TYPE AIRCRAFT", "TYPE ENGINE", "STATUS CODE", "MODE S CODE", "FRACT OWNER", "AIR WORTH DATE",
    *_OTHER_NAMES, "EXPIRATION DATE", "UNIQUE ID", "KIT MFR", "KIT MODEL", "MODE S CODE HEX",
}
_DEREG_KNOWN = (_MASTER_KNOWN - {"UNIQUE ID", "EXPIRATION DATE", "TYPE AIRCRAFT", "TYPE ENGINE", "FRACT OWNER"}) | {
    "CANCEL DATE", "EXPORT COUNTRY", "STREET PHYSICAL", "STREET2 PHYSICAL", "CITY PHYSICAL",
    "STATE ABBREV PHYSICAL", "ZIP CODE PHYSICAL", "COUNTY PHYSICAL", "COUNTRY PHYSICAL",
}
_ACFTREF_KNOWN = {"CODE", "MFR", "MODEL", "TYPE ACFT", "TYPE ENG", "AC CAT", "BUILD CERT IND", "NO ENG", "NO SEATS",
                  "AC WEIGHT", "SPEED", "TC DATA SHEET", "TC DATA HOLDER"}
_ENGINE_KNOWN = {"CODE", "MFR", "MODEL", "TYPE", "HORSEPOWER", "THRUST"}
# the columns this reader maps (the rest of the known ones are read past on purpose)
_USED = {"N NUMBER", "SERIAL NUMBER", "MFR MDL CODE", "ENG MFR MDL", "YEAR MFR", "TYPE REGISTRANT", "NAME", "STREET",
         "STREET2", "CITY", "STATE", "ZIP CODE", "COUNTRY", "CERT ISSUE DATE", "STATUS CODE", "MODE S CODE",
         *_OTHER_NAMES, "EXPIRATION DATE", "UNIQUE ID", "KIT MFR", "KIT MODEL", "MODE S CODE HEX", "CANCEL DATE",
         "EXPORT COUNTRY", "CODE", "MFR", "MODEL"}
_MASTER_REQUIRED = ("N NUMBER", "SERIAL NUMBER", "MFR MDL CODE", "NAME", "UNIQUE ID")
_DEREG_REQUIRED = ("N NUMBER", "SERIAL NUMBER", "MFR MDL CODE", "CANCEL DATE")

# STATUS CODE (ardata.pdf) -> registryStatus
_STATUS = {
    **dict.fromkeys(("V", "M", "T"), "registered"),
    **dict.fromkeys(("R", "19", "20"), "registration pending"),
    **dict.fromkeys(("13", "16", "27", "29", "D", "23"), "expired"),
    **dict.fromkeys(("E", "9", "21", "22", "W", "X"), "revoked"),
    **dict.fromkeys(("7", "17", "18"), "sale reported"),
    **dict.fromkeys(("A", "S", "1", "8", "N", "14", "15", "24", "25", "26", "28"), "registered (renewal due)"),
    **dict.fromkeys(("2", "3", "4", "10", "11", "12", "5", "Z"), "assigned, not registered"),
    "6": "cancelled",
}
# TYPE REGISTRANT 1 individual; 2 partnership, 4/9 co-owned: decided per name; the rest are bodies
_COMPANY = re.compile(
    r"\b(INC|LLC|L L C|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LP|LLP|PLC|GMBH|AG|SA|BV|NV|TRUST|TRUSTEE|BANK|"
    r"AIRLINES?|AIRWAYS|AVIATION|AIR|AERO|LEASING|LEASE|HOLDINGS?|GROUP|PARTNERS(HIP)?|ASSOCIATES|UNIVERSITY|"
    r"COLLEGE|SCHOOL|CLUB|DEPT|DEPARTMENT|COUNTY|CITY|STATE|FOUNDATION|SERVICES?|ENTERPRISES?|INDUSTRIES|"
    r"FLYING|FLIGHT|HELICOPTERS?|JETS?|CHARTER|CAPITAL|FINANCIAL|FINANCE|MANAGEMENT|PROPERTIES|INVESTMENTS?|"
    r"VENTURES?|ADMINISTRATION|AUTHORITY|UNITED STATES|GOVERNMENT|CHURCH|MINISTRIES)\b"
)


def _norm(name: str) -> str:
    key = re.sub(r"[\s\-]+", " ", name.strip().upper())
    return _ALIASES.get(key, key)


def _lines(stream: IO[bytes], name: str, report: ParseReport) -> Iterator[tuple[int, str]]:
    for lineno, raw in enumerate(stream, 1):
        while lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):  # UTF-8 BOM on the first line
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            # the files are ASCII in practice; an odd byte is read as Latin-1 rather than lost
            text = raw.decode("latin-1")
            report.warn("not UTF-8, read as Latin-1", file=name, line=lineno)
        yield lineno, text.rstrip("\r\n")


def _rows(stream: IO[bytes], name: str, report: ParseReport, required: tuple[str, ...],
          known: set[str], *, counted: bool = True) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as {header: stripped value}; a header without the required columns is a format error."""
    lines = _lines(stream, name, report)
    first = next(lines, None)
    if first is None:
        raise SourceFormatError(name, 1, "empty file, expected a header line")
    # every line ends with a comma: the split leaves one empty trailing field, kept so counts match
    header = [_norm(h) for h in first[1].split(",")]
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceFormatError(name, 1, f"not an FAA {Path(name).stem} header: missing {', '.join(missing)}")
    unknown = [(h, i) for i, h in enumerate(header) if h and h not in known]
    # only the columns read below are stripped into the row dict (a third of MASTER's are not)
    wanted = [(h, i) for i, h in enumerate(header) if h in _USED or h in required]
    for lineno, text in lines:
        if not text.strip():
            continue
        if counted:
            report.read += 1
        # no quoting (QUOTE_NONE): quotes are literal characters, commas never occur inside values
        fields = text.split(",")
        if len(fields) != len(header):
            why = f"expected {len(header)} fields, found {len(fields)}"
            report.reject(why, file=name, line=lineno) if counted else report.warn(why, file=name, line=lineno)
            continue
        for h, i in unknown:
            if fields[i].strip():
                report.unknown(h, file=name)
        yield lineno, {h: fields[i].strip() for h, i in wanted}


def _date(value: str, report: ParseReport, where: str) -> str | None:
    # YYYYMMDD although ardata.pdf says YYYY/MM/DD
    if not value:
        return None
    try:
        if len(value) == 8 and value.isdigit():
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        pass
    report.warn("bad date", value=value, where=where)
    return None


def _filled(props: dict[str, list]) -> dict[str, list]:
    # leave the empty properties out before Node cleans every list: ~300k rows a day
    return {k: v for k, v in props.items() if v and v != [None]}


def _owner(name: str, kind: str, row: dict[str, str], airplane: str, prov: Provenance, seen: set[str],
           end: str | None) -> Iterator[Record]:
    person = kind == "1" or (kind in ("", "2", "4", "9") and not _COMPANY.search(name))
    address = ", ".join(p for p in (row.get("STREET"), row.get("STREET2"), row.get("CITY"),
                                    " ".join(filter(None, (row.get("STATE"), row.get("ZIP CODE"))))) if p)
    # organisations are keyed by the raw name; namesakes among private people are common, so add the address
    oid = make_id("faa-owner", name, *((address,) if person else ()))
    if oid not in seen:
        seen.add(oid)
        country = row.get("COUNTRY")
        yield Node(oid, "Person" if person else "Organization",
                   {"name": [name], "address": [address], "country": [country_code(country) or country]}, prov)
    yield Edge("OWNS", oid, airplane, {"endDate": [end]} if end else {}, prov)


def _airframe(row: dict[str, str], acftref: dict, engines: dict, report: ParseReport, where: str) -> dict:
    code = row.get("MFR MDL CODE", "")
    mfr, model = acftref.get(code, ("", ""))
    if code and acftref and not mfr and not model:
        report.info["acftref_missing"] = report.info.get("acftref_missing", 0) + 1
    kit = " ".join(filter(None, (row.get("KIT MFR"), row.get("KIT MODEL"))))
    engine = engines.get(row.get("ENG MFR MDL", ""))
    year = row.get("YEAR MFR", "")
    n = "N" + row["N NUMBER"] if row.get("N NUMBER") else None
    props = {
        "registrationNumber": [n],
        "serialNumber": [row.get("SERIAL NUMBER")],
        "manufacturer": [mfr or row.get("KIT MFR")],
        "model": [model or row.get("KIT MODEL")],
        "modelFamily": [model_family(model) or model_family(f"{mfr} {model}") if model else None],
        "buildDate": [year if re.fullmatch(r"(19|20)\d\d", year) else None],
        "country": ["US"],
        "notes": [f"engine: {engine}" if engine else None, f"kit: {kit}" if kit else None],
    }
    props["icao24"] = [_address(row, n, report, where)]
    return props


def _address(row: dict[str, str], n: str | None, report: ParseReport, where: str) -> str | None:
    hexa = normalize_icao24(row.get("MODE S CODE HEX"))
    octal = row.get("MODE S CODE", "")
    from_octal = f"{int(octal, 8):06x}" if re.fullmatch(r"[0-7]{1,8}", octal) and int(octal, 8) else None
    if hexa and from_octal and hexa != from_octal:
        # the FAA derives the address from the N-number: that rule breaks the tie, else the hex column wins
        chosen = from_octal if n and n_number_to_hex(n) == from_octal else hexa
        report.warn("MODE S CODE (octal) and MODE S CODE HEX disagree", octal=octal, hex=hexa, kept=chosen,
                    where=where)
        return chosen
    return hexa or from_octal


def _master(stream: IO[bytes], name: str, acftref: dict, engines: dict, report: ParseReport,
            snapshot: str | None, seen: set[str]) -> Iterator[Record]:
    for lineno, row in _rows(stream, name, report, _MASTER_REQUIRED, _MASTER_KNOWN):
        where = f"{name}:{lineno}"
        uid, n = row["UNIQUE ID"], row["N NUMBER"]
        if not uid or not n:
            report.reject("no UNIQUE ID or N-NUMBER", where=where)
            continue
        report.kept += 1
        prov = Provenance(DATASET, uid, snapshot)
        nid = f"faa-{uid}"
        props = _airframe(row, acftref, engines, report, where)
        status = row.get("STATUS CODE", "")
        props.update(registered=[_date(row.get("CERT ISSUE DATE", ""), report, where)],
                     registeredUntil=[_date(row.get("EXPIRATION DATE", ""), report, where)],
                     registryStatus=[_STATUS.get(status, "registered" if not status else f"status {status}")])
        props["notes"].append(f"FAA status code {status}" if status not in ("", "V") else None)
        owners = [v for v in (row.get("NAME"), *(row.get(k) for k in _OTHER_NAMES)) if v]
        props["ownerName"] = owners
        if not row.get("NAME"):
            # 49 U.S.C. 44114(b): owners may have their name and address withheld
            props["notes"].append("registrant name withheld at the owner's request (49 U.S.C. 44114(b))")
        yield Node(nid, "Airplane", _filled(props), prov)
        for owner in owners:
            yield from _owner(owner, row.get("TYPE REGISTRANT", ""), row, nid, prov, seen, None)


def _dereg(stream: IO[bytes], name: str, acftref: dict, engines: dict, report: ParseReport,
           snapshot: str | None, seen: set[str]) -> Iterator[Record]:
    for lineno, row in _rows(stream, name, report, _DEREG_REQUIRED, _DEREG_KNOWN):
        where = f"{name}:{lineno}"
        n, serial, cancel = row["N NUMBER"], row["SERIAL NUMBER"], row["CANCEL DATE"]
        if not n or not serial:
            report.reject("no N-NUMBER or SERIAL NUMBER", where=where)
            continue
        report.kept += 1
        prov = Provenance(DATASET, f"DEREG|{n}|{serial}|{cancel}", snapshot)
        nid = make_id("faa-dereg", n, serial, cancel)
        props = _airframe(row, acftref, engines, report, where)
        until = _date(cancel, report, where)
        export = row.get("EXPORT COUNTRY", "")
        props.update(registered=[_date(row.get("CERT ISSUE DATE", ""), report, where)],
                     registeredUntil=[until], registryStatus=["deregistered"])
        props["notes"].append(f"exported to {export}" if export else None)
        owners = [v for v in (row.get("NAME"), *(row.get(k) for k in _OTHER_NAMES)) if v]
        props["ownerName"] = owners
        yield Node(nid, "Airplane", _filled(props), prov)
        code = country_code(export)
        if code:
            # where the airframe went: the way to find US aircraft exported to Russia, Iran...
            yield Edge("LOCATED_IN", nid, f"country-{code}", {"role": ["export"]}, prov)
        elif export:
            report.warn("export country not recognised", value=export, where=where)
        for owner in owners:
            yield from _owner(owner, row.get("TYPE REGISTRANT", ""), row, nid, prov, seen, until)


def _reference(stream: IO[bytes], name: str, report: ParseReport, known: set[str], cols: tuple[str, ...]) -> dict:
    out = {}
    for _, row in _rows(stream, name, report, ("CODE", *cols), known, counted=False):
        out[row["CODE"]] = tuple(row[c] for c in cols)
    return out


def _members(path: Path) -> tuple[dict[str, tuple[str, Callable[[], IO[bytes]]]], Callable[[], None]]:
    """The zip's or folder's files by upper-case stem (MASTER, ACFTREF...): (file name, opener)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    elif zipfile.is_zipfile(path):
        zf = zipfile.ZipFile(path)
        out: dict[str, tuple[str, Callable[[], IO[bytes]]]] = {}
        for info in zf.infolist():
            name = Path(info.filename).name
            out.setdefault(Path(name).stem.upper(), (name, lambda info=info: zf.open(info)))
        return out, zf.close
    elif path.suffix.lower() == ".zip":
        raise SourceFormatError(path, None, "not a zip archive")
    else:
        files = [path, *sorted(p for p in path.parent.iterdir() if p.suffix.lower() == ".txt" and p != path)]
    out = {}
    # an excerpt named MASTER-8.txt stands for MASTER.txt; the exact name wins when both exist
    for p in sorted(files, key=lambda p: (p.stem.upper() != p.stem.upper().split("-")[0], p.name)):
        out.setdefault(p.stem.upper().split("-")[0], (p.name, lambda p=p: open(p, "rb")))
    return out, lambda: None


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None,
          include_dereg: bool = True) -> Iterator[Record]:
    """Airplane, owner and OWNS records of the FAA register (zip, folder or MASTER file)."""
    path = Path(path)
    report = report if report is not None else ParseReport(DATASET, str(path))
    try:
        members, close = _members(path)
    except (OSError, zipfile.BadZipFile) as e:
        raise SourceFormatError(path, None, f"cannot read: {e}") from None
    try:
        if "MASTER" not in members and not (include_dereg and "DEREG" in members):
            raise SourceFormatError(path, None, "no MASTER.txt (FAA Releasable Aircraft Database) found")
        acftref = engines = {}
        if "ACFTREF" in members:
            name, opener = members["ACFTREF"]
            with opener() as f:
                acftref = _reference(f, name, report, _ACFTREF_KNOWN, ("MFR", "MODEL"))
        else:
            report.warn("no ACFTREF.txt: manufacturer and model unknown")
        if "ENGINE" in members:
            name, opener = members["ENGINE"]
            with opener() as f:
                # code 00000 is "NONE NONE" (balloons, gliders)
                engines = {k: " ".join(filter(None, v)) for k, v in
                           _reference(f, name, report, _ENGINE_KNOWN, ("MFR", "MODEL")).items() if v[0] != "NONE"}
        seen: set[str] = set()
        for stem, reader in (("MASTER", _master), ("DEREG", _dereg)):
            if stem in members and (stem == "MASTER" or include_dereg):
                name, opener = members[stem]
                with opener() as f:
                    yield from report.count(reader(f, name, acftref, engines, report, snapshot, seen))
    except (OSError, zipfile.BadZipFile, EOFError) as e:
        raise SourceFormatError(path, None, f"cannot read: {e}") from None
    finally:
        close()
