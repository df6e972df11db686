"""US OFAC: the SDN list and the consolidated non-SDN lists, from any of OFAC's three formats.

``parse(path)`` takes a folder or one file and reads what it holds:

* the advanced XML (SDN_ADVANCED.XML / CONS_ADVANCED.XML, :mod:`ingest.ofac_advanced`),
  streamed; the richest format (listing dates, relation types, names in every script);
* the classic SDN.XML (:mod:`ingest.ofac_xml`);
* the legacy CSV family (SDN.CSV + ADD/ALT/SDN_COMMENTS.CSV, CONS_PRIM.CSV + CONS_*,
  :mod:`ingest.ofac_csv`).

In a folder holding several formats of the same list, the richest one is read
(advanced XML, then SDN.XML, then CSV) and the choice is recorded in
``report.info["formats"]``; SDN files give records of ``us_ofac_sdn``, CONS_*
files records of ``us_ofac_cons``. Each entry becomes a node ``ofac-<uid>``
(Organization, Person, Vessel or Airplane) with every attribute the list gives
(aircraft: tail, previous tail, MSN, construction number, Mode S code, model
and model family, build date, operator, country of registration), plus Address
nodes, Program and Authority nodes, and SANCTIONED_UNDER, HAS_ADDRESS, ISSUED_BY
and LINKED_TO edges. Operator/owner edges are not made here: the resolver
derives them from LINKED_TO and the operator names, with scores.

The report: ``read`` counts the rows of every CSV file of the family, or the
entries of an XML file (``read == kept + rejected``); nodes and edges are
counted by type here (the caller must not count them again); ``info`` holds
``formats`` and ``entries`` per list, and ``links_unresolved``,
``remarks_free_text``, ``incomplete`` (SDN.XML excerpts), ``lists`` and
``measures`` (advanced XML) where they apply.

Quality assertions (``SOURCE.assertions``) describe a full download of both
lists; the ingest pipeline checks them on full downloads only. ``parse`` itself
never checks them, so excerpts and single lists (e.g. only CONS_PRIM.CSV) parse.
"""
from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Iterator

from kgraph.errors import SourceFormatError
from kgraph.model import ParseReport, Record
from kgraph.sources import Source, SourceFile

from .ofac_common import CONS, PUBLISHER, SDN

__all__ = ["SOURCE", "parse", "sniff"]

_SLS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
_ALT = "https://sanctionslist.ofac.treas.gov/api/download/"
_LEGACY = "https://www.treasury.gov/ofac/downloads/"


def _file(name: str, kind: str, required: bool = True, legacy: str | None = None) -> SourceFile:
    """Sanctions List Service export first, its other host next, treasury.gov's legacy path last."""
    if legacy is None:  # the legacy site kept the consolidated files in a folder of their own
        legacy = _LEGACY + ("consolidated/" if name.startswith("CONS") else "") + name.lower()
    return SourceFile(name, (_SLS + name, _ALT + name.lower(), legacy), required=required, kind=kind)


SOURCE = Source(
    name="ofac",
    title="US OFAC sanctions lists (SDN and consolidated non-SDN lists)",
    datasets=(SDN, CONS),
    publisher=PUBLISHER,
    licence="US government work, public domain (17 U.S.C. 105)",
    cadence="irregular, several times a week (published on each OFAC action)",
    homepage="https://ofac.treasury.gov/sanctions-list-service",
    files=(
        _file("SDN.CSV", "csv"),
        _file("ADD.CSV", "csv"),
        _file("ALT.CSV", "csv"),
        _file("SDN_COMMENTS.CSV", "csv"),
        _file("CONS_PRIM.CSV", "csv"),
        _file("CONS_ADD.CSV", "csv"),
        _file("CONS_ALT.CSV", "csv"),
        _file("CONS_COMMENTS.CSV", "csv"),
        # richer (listing dates, relation types, non-Latin names) but ~130 MB: used when it arrived
        _file("SDN_ADVANCED.XML", "xml", required=False, legacy=_LEGACY + "sanctions/1.0/sdn_advanced.xml"),
        _file("CONS_ADVANCED.XML", "xml", required=False, legacy=_LEGACY + "sanctions/1.0/cons_advanced.xml"),
    ),
    # Per list, for a full download (2024-05: 14,965 SDN entries, 376 aircraft; 2026-08: 19,249 SDN +
    # ~450 consolidated entries). `read` counts CSV rows of every file (~3.5 per entry) or XML
    # entries (1 per entry), hence the wide ranges.
    assertions={
        "datasets": {
            SDN: {
                "read": [12_000, 110_000],
                "nodes": {
                    "Person": [5_000, 14_000],
                    "Organization": [5_000, 14_000],
                    "Airplane": [300, 700],
                    "Vessel": [700, 3_000],
                    "Program": [50, 200],
                    "Authority": [1, 1],
                    "Address": [10_000, 40_000],
                },
                "fill": {
                    "Airplane.serialNumber": 0.8,
                    "Airplane.registrationNumber": 0.95,
                    "Airplane.model": 0.95,
                    "Airplane.modelFamily": 0.9,
                    "Vessel.imoNumber": 0.8,
                    "Organization.country": 0.6,
                },
            },
            CONS: {
                "read": [200, 10_000],
                "nodes": {"Organization": [100, 3_000], "Program": [3, 60], "Authority": [1, 1]},
            },
        },
    },
    prefix="ofac",
)


def sniff(path: Path) -> str:
    """What one file is: ``advanced``, ``classic`` (SDN.XML) or ``csv``; an HTML page raises."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as e:
        raise SourceFormatError(path, None, f"cannot read: {e.strerror}") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at the text, the reader decides
        head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<html" in text[:1024] or text.startswith(b"<!doctype html"):
        raise SourceFormatError(path, 1, "an HTML page, not an OFAC list (error page or login wall?)")
    if text.startswith(b"<"):
        if b"<sanctions" in text or b":sanctions" in text:
            return "advanced"
        if b"sdnlist" in text:
            return "classic"
        if path.suffix.lower() == ".xml":
            # UTF-16 or an unknown root: the classic reader names the problem
            return "advanced" if "advanced" in path.name.lower() else "classic"
    return "csv"


def _dataset(path: Path) -> str:
    return CONS if path.name.lower().startswith("cons") else SDN


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None,
          allow_partial: bool = False) -> Iterator[Record]:
    """Records of the OFAC file or folder at ``path``.

    Parameters
    ----------
    path
        A folder (OFAC's file names, any case) or one file (SDN.CSV, CONS_PRIM.CSV,
        SDN.XML, SDN_ADVANCED.XML, CONS_ADVANCED.XML). A single CSV file is read
        without companions; pass the folder to have ADD/ALT/COMMENTS joined.
    snapshot
        Date of the download, used when the file states no publish date.
    report
        Filled with counts and warnings; nodes and edges are counted by type.
    allow_partial
        Accept an SDN.XML holding fewer entries than its ``Record_Count``
        (an excerpt); by default that is an error, the file being incomplete.
    """
    path = Path(path)
    report = report if report is not None else ParseReport(SDN, str(path))
    if not path.exists():
        raise SourceFormatError(path, None, "no such file or folder")
    # records pass through chain() (C) rather than through one more Python generator: 100,000 of them
    yield from report.count(chain.from_iterable(_streams(path, snapshot, report, allow_partial)))


def _streams(path: Path, snapshot: str | None, report: ParseReport, allow_partial: bool
             ) -> Iterator[Iterator[Record]]:
    """The record streams of what ``path`` holds, in order; each is made when the one before it is read."""
    from . import ofac_csv

    formats = report.info.setdefault("formats", {})
    if path.is_file():
        dataset, kind = _dataset(path), sniff(path)
        if kind == "csv" and path.name.lower() not in ("sdn.csv", "cons_prim.csv"):
            role = next((r for fam in ofac_csv.FAMILIES.values() for r, n in fam.items() if n == path.name.lower()),
                        None)
            if role is not None:
                raise SourceFormatError(path, None, f"a companion file ({role}); pass the folder holding SDN.CSV "
                                                    "or CONS_PRIM.CSV")
        formats[dataset] = kind
        if kind == "csv":
            yield ofac_csv.parse_family({dataset: {"primary": path}}, snapshot=snapshot, report=report)
        else:
            yield _xml(path, kind, dataset, snapshot, report, allow_partial)
        return
    by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    families = ofac_csv.find_family(path)
    csv_lists = {}
    for dataset, names in ((SDN, ("sdn_advanced.xml", "sdn.xml")), (CONS, ("cons_advanced.xml",))):
        xml = next((by_name[n] for n in names if n in by_name), None)
        if xml is not None:  # the richer format of the list, when it is there
            formats[dataset] = kind = sniff(xml)
            yield _xml(xml, kind, dataset, snapshot, report, allow_partial)
        elif dataset in families:
            formats[dataset] = "csv"
            csv_lists[dataset] = families[dataset]
    if csv_lists:
        yield ofac_csv.parse_family(csv_lists, snapshot=snapshot, report=report)
    if not formats:
        raise SourceFormatError(path, None, "no OFAC list files here (SDN.CSV, CONS_PRIM.CSV, SDN.XML, "
                                            "SDN_ADVANCED.XML or CONS_ADVANCED.XML)")


def _xml(path: Path, kind: str, dataset: str, snapshot: str | None, report: ParseReport,
         allow_partial: bool) -> Iterator[Record]:
    from . import ofac_advanced, ofac_xml

    if kind == "advanced":
        return ofac_advanced.parse_advanced(path, dataset, snapshot=snapshot, report=report)
    if kind == "classic":
        return ofac_xml.parse_classic(path, dataset, snapshot=snapshot, report=report, allow_partial=allow_partial)
    raise SourceFormatError(path, 1, "not XML: expected an OFAC XML list here")
