"""OFAC's classic SDN.XML: ``sdnList/sdnEntry`` with id, aka, address and date lists.

The namespace changed over the years (``http://tempuri.org/sdnList.xsd`` in
2020, an SLS URL since), so elements are matched by local name. The header
``publshInformation`` (sic) gives ``Publish_Date`` (MM/DD/YYYY, the snapshot
date) and ``Record_Count``, which is checked against the entries read: a file
holding fewer is incomplete (a truncated download, or an excerpt) and is an
error unless ``allow_partial`` is set.

Facts the CSV puts in Remarks come here as ``idList/id`` items whose
``idType`` is the same label (``Aircraft Model``, ``Tax ID No.``...), so they
go through the same label table (:mod:`ingest.ofac_common`); what is left in
``remarks`` is parsed like CSV Remarks (``(Linked To: NAME)``, free text).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

from kgraph.errors import SourceFormatError
from kgraph.model import ParseReport, Record
from kgraph.xmlsafe import iterparse_safe, localname

from .ofac_common import Catalog, Entry, LinkIndex, make_address
from .ofac_remarks import apply_remarks

__all__ = ["parse_classic"]

TYPES = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
ALIAS_PROPS = {("a", "strong"): "alias", ("f", "strong"): "previousName", ("n", "strong"): "alias",
               ("a", "weak"): "weakAlias", ("f", "weak"): "previousName", ("n", "weak"): "weakAlias"}
VESSEL_LABELS = {"callSign": "Vessel Call Sign", "vesselType": "VESSEL TYPE", "vesselFlag": "Vessel Flag",
                 "vesselOwner": "Vessel Owner", "tonnage": "Vessel Tonnage",
                 "grossRegisteredTonnage": "Vessel Gross Registered Tonnage"}
LIST_LABELS = {"nationalityList": ("country", "nationality"), "citizenshipList": ("country", "citizen"),
               "dateOfBirthList": ("dateOfBirth", "DOB"), "placeOfBirthList": ("placeOfBirth", "POB")}


def _fields(elem) -> dict[str, str]:
    """Child local name -> stripped text (the leaves of an item)."""
    return {localname(c.tag): (c.text or "").strip() for c in elem if isinstance(c.tag, str)}


def _name(f: dict[str, str]) -> str | None:
    last, first = f.get("lastName"), f.get("firstName")
    if last and first:
        return f"{last}, {first}"  # the CSV writes individuals "LAST, First"
    return last or first or None


def _release(elem) -> None:
    """Free what has been read: the streaming reader otherwise keeps the whole tree."""
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def parse_classic(path: Path, dataset: str, *, snapshot: str | None, report: ParseReport,
                  allow_partial: bool = False) -> Iterator[Record]:
    """Records of one SDN.XML file, Linked To names resolved at the end."""
    report.dataset = dataset  # counts add up per list as well
    catalog, index, pending = Catalog(snapshot), LinkIndex(), []
    declared, rooted, entries = None, False, 0
    for event, elem in iterparse_safe(path, tags={"sdnList", "publshInformation", "sdnEntry"},
                                      events=("start", "end")):
        name = localname(elem.tag)
        if event == "start":
            rooted = rooted or (name == "sdnList" and elem.getparent() is None)
            continue
        if not rooted:
            raise SourceFormatError(path, elem.sourceline, f"<{name}> outside an <sdnList> root: not an SDN.XML")
        if name == "publshInformation":
            f = _fields(elem)
            declared = f.get("Record_Count")
            try:
                catalog.snapshot = dt.datetime.strptime(f.get("Publish_Date", ""), "%m/%d/%Y").date().isoformat()
            except ValueError:
                report.warn("unreadable Publish_Date; using the snapshot given", value=f.get("Publish_Date"))
        elif name == "sdnEntry":
            entries += 1
            report.read += 1
            entry = _entry(path, elem, dataset, catalog.snapshot, report)
            _release(elem)
            if entry is None:
                continue
            report.kept += 1
            index.add(entry)
            if entry.links:
                pending.append((entry.uid, dataset, entry.links))
            yield from catalog.entry(entry)
    if not rooted:
        raise SourceFormatError(path, None, "no <sdnList> element: not an SDN.XML")
    yield from index.edges(pending, report, catalog.snapshot)
    if declared is None:
        report.warn("no Record_Count in the header; completeness not checked")
    elif not declared.isdigit():
        raise SourceFormatError(path, None, f"Record_Count {declared!r} is not a number")
    elif int(declared) != entries:
        message = f"Record_Count says {int(declared):,} entries but the file holds {entries:,}: the file is incomplete"
        if not allow_partial:
            raise SourceFormatError(path, None, message + " (allow_partial=True reads an excerpt anyway)")
        report.warn(message)
        report.info["incomplete"] = {"declared": int(declared), "read": entries}


def _entry(path: Path, elem, dataset: str, snapshot: str | None, report: ParseReport) -> Entry | None:
    f = _fields(elem)
    uid, kind, name = f.get("uid", ""), f.get("sdnType", ""), _name(f)
    node_type = TYPES.get(kind.lower())
    if not uid.isdigit() or node_type is None or not name:
        report.reject("sdnEntry without a numeric uid, a known sdnType or a name", file=path.name,
                      line=elem.sourceline, uid=uid, sdnType=kind)
        return None
    entry = Entry(uid, node_type, dataset, report)
    entry.add("name", name)
    for child in elem:
        tag = localname(child.tag)
        if tag in ("uid", "firstName", "lastName", "sdnType") or not isinstance(child.tag, str):
            continue
        if tag == "title":
            entry.feature("Title", child.text)
        elif tag == "remarks":
            apply_remarks(entry, child.text)
        elif tag == "programList":
            for p in child:
                if p.text and p.text.strip():
                    entry.programs[p.text.strip()] = None
        elif tag == "idList":
            for item in child:
                i = _fields(item)
                entry.feature(i.get("idType", ""), i.get("idNumber"), i.get("idCountry") or None,
                              issued=i.get("issueDate") or None, expires=i.get("expirationDate") or None)
        elif tag == "akaList":
            for item in child:
                a = _fields(item)
                key = (a.get("type", "a.k.a.")[:1].lower(), a.get("category", "strong").lower())
                entry.add(ALIAS_PROPS.get(key, "alias"), _name(a))
        elif tag == "addressList":
            for item in child:
                a = _fields(item)
                street = ", ".join(a[k] for k in ("address1", "address2", "address3") if a.get(k)) or None
                make_address(entry, a.get("uid") or f"{uid}-{item.sourceline}", street, None, a.get("country"),
                             None, snapshot, city=a.get("city") or None, region=a.get("stateOrProvince") or None,
                             postal=a.get("postalCode") or None)
        elif tag in LIST_LABELS:
            leaf, label = LIST_LABELS[tag]
            for item in child:
                entry.feature(label, _fields(item).get(leaf))
        elif tag == "vesselInfo":
            for key, value in _fields(child).items():
                if key in VESSEL_LABELS:
                    entry.feature(VESSEL_LABELS[key], value)
                else:
                    report.unknown(f"vesselInfo/{key}", uid=uid)
        else:
            report.unknown(f"sdnEntry/{tag}", uid=uid)
    return entry
