"""OFAC's legacy CSV family: SDN.CSV + ADD.CSV + ALT.CSV + SDN_COMMENTS.CSV, and CONS_* alike.

No header row; records end with CRLF; the null is an unquoted ``-0- ``; the
file ends with a Ctrl-Z byte; several programs share one field as
``SDGT] [NPWMD``; Remarks is cut at 1,000 characters (mid-word) and continues
in SDN_COMMENTS.CSV. Everything else an entry states is in Remarks (see
:mod:`ingest.ofac_remarks`), including ``Linked To: NAME``, which is resolved
to a uid by name once the whole publication is read.

``read`` counts the rows of every file of the family; companion rows whose
entry is not in the primary file are rejected (named in the warnings).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable, Iterator

from kgraph.errors import SourceFormatError
from kgraph.model import ParseReport, Record

from .ofac_common import CONS, SDN, Catalog, Entry, LinkIndex, make_address, split_programs
from .ofac_remarks import apply_remarks

__all__ = ["FAMILIES", "find_family", "read_rows", "read_companions", "parse_family"]

#: file names (lower case; OFAC's own are upper case) of each list's family
FAMILIES = {
    SDN: {"primary": "sdn.csv", "add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    CONS: {"primary": "cons_prim.csv", "add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"},
}
COLUMNS = {"primary": 12, "add": 6, "alt": 5, "comments": 2}
TYPES = {None: "Organization", "individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
ALT_PROPS = {"aka": "alias", "fka": "previousName", "nka": "alias"}  # no "current name" property: n.k.a. is an alias
REMARKS_LIMIT = 1000
_CTRL_Z = "\x1a"


def find_family(folder: Path) -> dict[str, dict[str, Path]]:
    """The CSV files of each list present in ``folder`` (names matched case-insensitively)."""
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    out = {}
    for dataset, names in FAMILIES.items():
        files = {role: by_name[n] for role, n in names.items() if n in by_name}
        if files:
            out[dataset] = files
    return out


def _decode(path: Path, data: bytes, role: str, report: ParseReport) -> str:
    if not data.strip(b" \r\n\t\x1a"):
        if role != "primary" and data.strip(b" \r\n\t") == b"\x1a":
            return ""  # a companion table with no rows: OFAC writes just the end-of-file byte
        raise SourceFormatError(path, None, "empty file (OFAC's server sometimes answers 200 with no body)")
    if data.startswith(b"\xef\xbb\xbf"):  # a re-saved file: the BOM is the only non-ASCII
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise SourceFormatError(path, "byte 0", "UTF-16 or binary data, not OFAC's ASCII CSV")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"{")):
        raise SourceFormatError(path, 1, "an HTML/XML/JSON page instead of CSV (error page or wrong file?)")
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        pass
    try:
        # OFAC transliterates everything; a byte above 0x7F means a re-saved file, most likely cp1252
        text = data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise SourceFormatError(path, f"byte {e.start}", "neither ASCII nor cp1252 text") from None
    report.warn("not pure ASCII; decoded as cp1252", file=path.name)
    return text


def _lines(text: str) -> Iterable[str]:
    """The lines of ``text`` as ``open(newline="")`` gives them (ends kept, split at CR, LF and CRLF).

    ``str.splitlines`` when it splits at those only (ASCII text without VT, FF and
    \\x1c-\\x1e): a list of ASCII strings, cheaper than StringIO's lines, which it
    builds from a 4-byte-per-character copy of the text.
    """
    if text.isascii() and not any(c in text for c in "\x0b\x0c\x1c\x1d\x1e"):
        return text.splitlines(True)
    return io.StringIO(text, newline="")


def read_rows(path: Path, role: str, report: ParseReport) -> Iterator[tuple[int, list[str | None]]]:
    """``(line, cells)`` of one file, cells stripped and ``-0-`` as None; structural errors raise.

    The last cell of SDN.CSV and SDN_COMMENTS.CSV (Remarks and its spill-over) keeps its edge
    spaces: the 1,000-character cut can fall on a space, which the glued text needs.
    """
    ncols = COLUMNS[role]
    raw_last = role in ("primary", "comments")
    text = _decode(path, path.read_bytes(), role, report)
    reader = csv.reader(_lines(text), strict=True)
    ended = False
    try:
        for row in reader:
            # every table has 2+ columns: the end byte and blank rows are rows of another length
            if len(row) != ncols:
                if row == [_CTRL_Z]:  # DOS end-of-file byte: the csv module reads it as a 1-field row
                    ended = True
                    continue
                if not row:
                    continue
                if ended:
                    report.warn("rows after the end-of-file byte (Ctrl-Z)", file=path.name, line=reader.line_num)
                raise SourceFormatError(path, reader.line_num, f"expected {ncols} fields, found {len(row)}")
            if ended:
                report.warn("rows after the end-of-file byte (Ctrl-Z)", file=path.name, line=reader.line_num)
                ended = False
            # OFAC writes the null as "-0- " exactly: tested first, it spares most cells of SDN.CSV a strip()
            cells = [None if c == "-0- " else v if (v := c.strip()) and v != "-0-" else None for c in row]
            if raw_last and cells[-1] is not None:
                cells[-1] = row[-1]
            yield reader.line_num, cells
    except csv.Error as e:
        raise SourceFormatError(path, reader.line_num, f"malformed CSV: {e}") from None
    if not ended and text:
        report.warn("no end-of-file byte (Ctrl-Z): the file may be truncated", file=path.name)


def read_companions(files: dict[str, Path], report: ParseReport) -> dict[str, dict[str, tuple]]:
    """Companion rows by entry number: {"add": {ent: ((line, row), ...)}, ...}, rows as tuples.

    Tuples of strings throughout: the garbage collector stops tracking them,
    and tens of thousands of rows wait here until their entry is read.
    """
    out: dict[str, dict[str, tuple]] = {}
    for role in ("comments", "alt", "add"):
        table: dict[str, tuple] = {}
        out[role] = table
        if role not in files:
            continue
        n = 0  # counted once per file: ``report.read += 1`` is a property call, 40k rows here
        try:
            for line, row in read_rows(files[role], role, report):
                n += 1
                ent = row[0]
                if not (ent or "").isdigit():
                    report.reject("entry number is not a number", file=files[role].name, line=line, value=ent)
                    continue
                rows = table.get(ent)
                # a few rows per entry at most: growing the tuple is cheap
                table[ent] = ((line, tuple(row)),) if rows is None else (*rows, (line, tuple(row)))
        finally:
            report.read += n
    return out


def parse_family(families: dict[str, dict[str, Path]], *, snapshot: str | None, report: ParseReport
                 ) -> Iterator[Record]:
    """Records of the CSV families given (``{dataset: {role: path}}``), name links resolved at the end."""
    catalog, index, pending = Catalog(snapshot), LinkIndex(), []
    for dataset, files in families.items():
        report.dataset = dataset  # counts add up per list as well
        if "primary" not in files:
            names = ", ".join(p.name for p in files.values())
            primary = FAMILIES[dataset]["primary"].upper()
            raise SourceFormatError(files[next(iter(files))], None,
                                    f"{primary} is missing: {names} only list additions to its entries")
        companions = read_companions(files, report)
        seen: set[str] = set()
        primary = files["primary"]
        # counted here and added once per list (``report.read += 1`` is two property calls, per row)
        read = kept = 0
        try:
            for line, row in read_rows(primary, "primary", report):
                read += 1
                made = _entry(primary, line, row, dataset, seen, companions, snapshot, report)
                if made is None:
                    continue
                entry, rows = made
                kept += rows
                index.add(entry)
                if entry.links:
                    # a tuple: kept to the end, and the garbage collector stops tracking a tuple of strings
                    pending.append((entry.uid, dataset, tuple(entry.links)))
                yield from catalog.entry(entry)
        finally:
            report.read += read
            report.kept += kept
        for role, table in companions.items():
            for ent, rows in table.items():
                for line, _ in rows:
                    report.reject(f"no entry {ent} in {files['primary'].name}", file=files[role].name, line=line)
    yield from index.edges(pending, report, snapshot)


def _entry(path: Path, line: int, row: list[str | None], dataset: str, seen: set[str],
           companions: dict[str, dict[str, tuple]], snapshot: str | None, report: ParseReport
           ) -> tuple[Entry, int] | None:
    """The entry of one primary row and the number of rows kept for it (the row and its companions)."""
    uid, name, sdn_type, programs, title, call_sign, vess_type, tonnage, grt, flag, owner, remarks = row
    if not (uid or "").isdigit():
        report.reject("entry number is not a number", value=uid, file=path.name, line=line)
        return None
    if uid in seen:
        report.reject(f"entry {uid} appears twice", file=path.name, line=line)
        return None
    if not name:
        report.reject(f"entry {uid} has no name", file=path.name, line=line)
        return None
    node_type = TYPES.get(sdn_type.lower() if sdn_type else None)
    if node_type is None:
        report.reject(f"entry {uid} has unknown SDN_Type {sdn_type!r}", file=path.name, line=line)
        return None
    seen.add(uid)
    entry = Entry(uid, node_type, dataset, report)
    entry.add("name", name)
    entry.programs = dict.fromkeys(split_programs(programs))  # the CSV family carries no listing date
    if title or call_sign or vess_type or tonnage or grt or flag or owner:
        for label, value in (("Title", title), ("Vessel Call Sign", call_sign), ("VESSEL TYPE", vess_type),
                             ("Vessel Tonnage", tonnage), ("Vessel Gross Registered Tonnage", grt),
                             ("Vessel Flag", flag), ("Vessel Owner", owner)):
            if value:
                entry.feature(label, value)
    spill = companions["comments"].pop(uid, ())
    alts = companions["alt"].pop(uid, ())
    addresses = companions["add"].pop(uid, ())
    kept = 1 + len(spill) + len(alts) + len(addresses)  # the entry and every companion row of it
    if spill:
        if remarks is not None and len(remarks) != REMARKS_LIMIT:
            report.warn("spill-over text for remarks that were not cut at 1,000 characters", uid=uid)
        # the cut falls mid-word (or on a space): the continuation is glued on as is
        remarks = (remarks or "") + "".join(r[1] or "" for _, r in spill)
    apply_remarks(entry, remarks and remarks.strip())
    for _, (_, _, alt_type, alt_name, alt_remarks) in alts:
        prop = ALT_PROPS.get((alt_type or "").lower())
        if prop is None:
            report.unknown(f"alt_type={alt_type}", uid=uid)
            prop = "alias"
        entry.add(prop, alt_name)
        if alt_remarks:
            entry.note(f"{alt_name}: {alt_remarks}")
    for _, (_, add_num, street, city_line, country, add_remarks) in addresses:
        make_address(entry, add_num or f"{uid}-{line}", street, city_line, country, add_remarks, snapshot)
    return entry, kept
