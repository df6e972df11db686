"""OFAC's advanced XML (SDN_ADVANCED.XML, CONS_ADVANCED.XML), streamed.

The file (~130 MB for the SDN list) is a UN-standard ``Sanctions`` document:
``ReferenceValueSets`` (every lookup table), ``Locations``, ``IDRegDocuments``,
``DistinctParties``, ``ProfileRelationships``, ``SanctionsEntries``, in that
order. It is read in one pass with :func:`kgraph.xmlsafe.iterparse_safe`,
freeing each element once read: lookups and locations are kept (small), each
party becomes its records as soon as it closes, relationships and sanctions
entries (programs with their listing date) become edges as they come.

Ids in the file are looked up in ``ReferenceValueSets`` at run time, never
hard-coded: FeatureType, AliasType, PartySubType, RelationType, List,
SanctionsType, Country, LegalBasis... Feature and document type names are
the labels of the CSV Remarks (``Aircraft Model``), so they go through the
same label table (:mod:`ingest.ofac_remarks`). Names come in every script:
Latin ones are names/aliases, the others aliases.

Two assumptions to re-check on the first real download (no real file was at
hand): a ``Location`` ID is the address number of ADD.CSV / SDN.XML (the
Address node id ``ofac-addr-<id>`` is the same in every format), and a
party's ``FixedRef`` is the uid the other formats use.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

from kgraph.errors import SourceFormatError
from kgraph.model import ParseReport, Record
from kgraph.xmlsafe import iterparse_safe, localname

from .ofac_common import Catalog, Entry, link_edge, make_address
from .ofac_remarks import reduce_period, written_date

__all__ = ["parse_advanced"]

TAGS = {"Sanctions", "DateOfIssue", "ReferenceValueSets", "Location", "IDRegDocument", "DistinctParty",
        "ProfileRelationship", "SanctionsEntry"}
TYPES = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel", "Aircraft": "Airplane"}
GIVEN = ("First Name", "Middle Name", "Patronymic", "Matronymic")
ALIAS_PROPS = {"a": "alias", "f": "previousName", "n": "alias"}
WEAK_PROPS = {"a": "weakAlias", "f": "previousName", "n": "weakAlias"}
COUNTRY_FEATURES = {"nationality country", "citizenship country", "nationality of registration", "vessel flag",
                    "other vessel flag", "former vessel flag"}


class Refs:
    """ReferenceValueSets: ``(set, id) -> (value, attributes)``."""

    def __init__(self, path: Path, elem):
        self.path = path
        self.values: dict[tuple[str, str], tuple[str, dict]] = {}
        for value_set in elem:
            for v in value_set:
                if isinstance(v.tag, str):
                    self.values[(localname(v.tag), v.get("ID"))] = ((v.text or "").strip(), dict(v.attrib))

    def get(self, kind: str, ref_id: str | None, elem=None) -> str:
        return self.entry(kind, ref_id, elem)[0]

    def entry(self, kind: str, ref_id: str | None, elem=None) -> tuple[str, dict]:
        try:
            return self.values[(kind, ref_id)]
        except KeyError:
            raise SourceFormatError(self.path, getattr(elem, "sourceline", None),
                                    f"{kind} ID {ref_id!r} is not in ReferenceValueSets") from None


def _child(elem, name: str):
    for c in elem:
        if localname(c.tag) == name:
            return c
    return None


def _children(elem, name: str):
    return [c for c in elem if localname(c.tag) == name]


def _date(elem) -> dt.date | None:
    """A ``Year``/``Month``/``Day`` element as a date (None when absent or impossible)."""
    if elem is None:
        return None
    try:
        return dt.date(*(int((_child(elem, n).text or "").strip()) for n in ("Year", "Month", "Day")))
    except (AttributeError, TypeError, ValueError):
        return None


def _period(elem) -> str | None:
    """A ``DatePeriod`` as ISO text: its earliest start to its latest end, reduced to a partial date."""
    start, end = _child(elem, "Start"), _child(elem, "End")
    lo = [_date(_child(b, n)) for b in (start,) if b is not None for n in ("From", "To")]
    hi = [_date(_child(b, n)) for b in (end,) if b is not None for n in ("To", "From")]
    lo = next((d for d in lo if d), None)
    hi = next((d for d in hi if d), None) or lo
    return reduce_period(lo, hi) if lo and hi and lo <= hi else None


def _release(elem) -> None:
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def parse_advanced(path: Path, dataset: str, *, snapshot: str | None, report: ParseReport) -> Iterator[Record]:
    """Records of one advanced-XML file."""
    report.dataset = dataset  # counts add up per list as well
    catalog = Catalog(snapshot)
    refs: Refs | None = None
    locations: dict[str, dict] = {}
    documents: dict[str, list[tuple]] = {}
    profiles: dict[str, tuple[str, str]] = {}  # profile id -> uid
    types: dict[str, tuple[str, str]] = {}  # uid -> (node type, dataset)
    rooted = False
    for event, elem in iterparse_safe(path, tags=TAGS, events=("start", "end")):
        name = localname(elem.tag)
        if event == "start":
            rooted = rooted or (name == "Sanctions" and elem.getparent() is None)
            continue
        if not rooted:
            raise SourceFormatError(path, elem.sourceline, f"<{name}> outside a <Sanctions> root: not advanced XML")
        if name == "Sanctions":
            break
        if name == "DateOfIssue":
            issued = _date(elem)
            catalog.snapshot = issued.isoformat() if issued else snapshot
        elif name == "ReferenceValueSets":
            refs = Refs(path, elem)
        elif refs is None:
            raise SourceFormatError(path, elem.sourceline, f"<{name}> before ReferenceValueSets")
        elif name == "Location":
            locations[elem.get("ID")] = _location(elem, refs)
        elif name == "IDRegDocument":
            documents.setdefault(elem.get("IdentityID"), []).append(_document(elem, refs))
        elif name == "DistinctParty":
            report.read += 1
            entry, profile_id = _party(path, elem, dataset, refs, locations, documents, catalog.snapshot, report)
            if entry is not None:
                report.kept += 1
                profiles[profile_id] = entry.uid
                types[entry.uid] = (entry.type, dataset)
                yield from catalog.entry(entry)
        elif name == "ProfileRelationship":
            yield from _relation(elem, refs, profiles, types, dataset, report, catalog.snapshot)
        elif name == "SanctionsEntry":
            yield from _sanction(elem, refs, profiles, dataset, catalog, report)
        _release(elem)
    if not rooted:
        raise SourceFormatError(path, None, "no <Sanctions> element: not an OFAC advanced XML")
    orphans = sum(len(v) for v in documents.values())
    if orphans:
        report.warn("identity documents of no party in the file", count=orphans)


def _location(elem, refs: Refs) -> dict:
    parts: dict[str, list[str]] = {}
    for part in _children(elem, "LocationPart"):
        kind = refs.get("LocPartType", part.get("LocPartTypeID"), part)
        for value in _children(part, "LocationPartValue"):
            text = (_child(value, "Value").text or "").strip() if _child(value, "Value") is not None else ""
            if text and value.get("Primary", "true") == "true":
                parts.setdefault(kind.upper(), []).append(text)
    countries = [refs.get("Country", c.get("CountryID"), c) for c in _children(elem, "LocationCountry")]
    first = {k: ", ".join(v) for k, v in parts.items()}
    street = ", ".join(first[k] for k in ("ADDRESS1", "ADDRESS2", "ADDRESS3") if k in first) or None
    text = ", ".join([*first.values(), *countries])
    return {"street": street, "city": first.get("CITY"), "postal": first.get("POSTAL CODE"),
            "region": first.get("STATE/PROVINCE") or first.get("REGION"),
            "country": countries[0] if countries else None, "unknown": first.get("UNKNOWN"), "text": text}


def _document(elem, refs: Refs) -> tuple:
    label = refs.get("IDRegDocType", elem.get("IDRegDocTypeID"), elem)
    number = _child(elem, "IDRegistrationNo")
    country = elem.get("IssuedBy-CountryID")
    dates = {}
    for d in _children(elem, "DocumentDate"):
        kind = refs.get("IDRegDocDateType", d.get("IDRegDocDateTypeID"), d).lower()
        period = _child(d, "DatePeriod")
        if period is not None:
            dates["expires" if "expir" in kind else "issued"] = written_date(_period(period))
    comment = _child(elem, "Comment")
    return (label, (number.text or "").strip() if number is not None else "",
            refs.get("Country", country, elem) if country else None, dates.get("issued"), dates.get("expires"),
            (comment.text or "").strip() or None if comment is not None else None)


def _party(path, elem, dataset, refs, locations, documents, snapshot, report) -> tuple[Entry | None, str | None]:
    uid = elem.get("FixedRef", "")
    profiles = _children(elem, "Profile")
    if not uid.isdigit() or not profiles:
        report.reject("DistinctParty without a numeric FixedRef or a Profile", file=path.name, line=elem.sourceline)
        return None, None
    if len(profiles) > 1:
        report.warn("party with several profiles; the first is read", uid=uid)
    profile = profiles[0]
    sub, attrs = refs.entry("PartySubType", profile.get("PartySubTypeID"), profile)
    kind = refs.get("PartyType", attrs.get("PartyTypeID"), profile) if attrs.get("PartyTypeID") else ""
    node_type = TYPES.get(sub) or TYPES.get(kind)
    if node_type is None:
        report.reject(f"party {uid} of unknown type {sub!r}/{kind!r}", file=path.name, line=elem.sourceline)
        return None, None
    entry = Entry(uid, node_type, dataset, report)
    for c in _children(elem, "Comment") + _children(profile, "Comment"):
        entry.note(c.text)
    for identity in _children(profile, "Identity"):
        _names(entry, identity, refs)
        for label, number, country, issued, expires, comment in documents.pop(identity.get("ID"), []):
            entry.feature(label, number, country, issued=issued, expires=expires, extra=comment)
    if "name" not in entry.props:
        report.reject(f"party {uid} has no primary name", file=path.name, line=elem.sourceline)
        return None, None
    for feature in _children(profile, "Feature"):
        _feature(entry, feature, refs, locations, snapshot)
    for child in profile:
        tag = localname(child.tag)
        if tag not in ("Comment", "Identity", "Feature", "SanctionsEntryReference", ""):
            report.unknown(f"Profile/{tag}", uid=uid)
    return entry, profile.get("ID")


def _names(entry: Entry, identity, refs: Refs) -> None:
    groups = {}
    for g in identity.iter():
        if localname(g.tag) == "NamePartGroup":
            groups[g.get("ID")] = refs.get("NamePartType", g.get("NamePartTypeID"), g)
    for alias in _children(identity, "Alias"):
        alias_type = refs.get("AliasType", alias.get("AliasTypeID"), alias)[:1].lower()
        primary, weak = alias.get("Primary") == "true", alias.get("LowQuality") == "true"
        for documented in _children(alias, "DocumentedName"):
            parts, scripts = [], set()
            for part in _children(documented, "DocumentedNamePart"):
                value = _child(part, "NamePartValue")
                if value is not None and (value.text or "").strip():
                    parts.append((groups.get(value.get("NamePartGroupID"), ""), value.text.strip()))
                    scripts.add(refs.get("Script", value.get("ScriptID"), value))
            if not parts:
                continue
            last = " ".join(v for t, v in parts if t in ("Last Name", "Maiden Name"))
            given = " ".join(v for t, v in parts if t in GIVEN)
            name = f"{last}, {given}" if last and given else " ".join(v for _, v in parts)
            latin = scripts <= {"Latin"}
            if primary:
                entry.add("name" if latin else "alias", name)
            else:
                entry.add((WEAK_PROPS if weak else ALIAS_PROPS).get(alias_type, "alias"), name)


def _feature(entry: Entry, feature, refs: Refs, locations: dict, snapshot: str | None) -> None:
    label = refs.get("FeatureType", feature.get("FeatureTypeID"), feature)
    for version in _children(feature, "FeatureVersion"):
        for vl in _children(version, "VersionLocation"):
            loc = locations.get(vl.get("LocationID"))
            if loc is None:
                entry.report.warn("feature names a location not in the file", uid=entry.uid,
                                  location=vl.get("LocationID"))
            elif label == "Location":
                make_address(entry, vl.get("LocationID"), loc["street"] or loc["unknown"], None, loc["country"],
                             None, snapshot, city=loc["city"], region=loc["region"], postal=loc["postal"])
            elif label.casefold() in COUNTRY_FEATURES:
                entry.feature(label, loc["country"] or loc["text"])
            else:
                entry.feature(label, loc["text"])
        for period in _children(version, "DatePeriod"):
            entry.feature(label, _period(period) or "")
        for detail in _children(version, "VersionDetail"):
            ref = detail.get("DetailReferenceID")
            entry.feature(label, refs.get("DetailReference", ref, detail) if ref else detail.text)
        for c in _children(version, "Comment"):
            entry.note(f"{label}: {(c.text or '').strip()}")


def _relation(elem, refs, profiles, types, dataset, report, snapshot) -> Iterator[Record]:
    relation = refs.get("RelationType", elem.get("RelationTypeID"), elem)
    if elem.get("Former") == "true":  # the schema has no flag for it; the relation text says it
        relation += " (former)"
    start, end = profiles.get(elem.get("From-ProfileID")), profiles.get(elem.get("To-ProfileID"))
    if start is None or end is None:
        report.warn("relationship between profiles not in the file", id=elem.get("ID"))
        return
    yield from link_edge(start, end, relation, types, dataset, report, snapshot)


def _sanction(elem, refs, profiles, dataset, catalog: Catalog, report) -> Iterator[Record]:
    uid = profiles.get(elem.get("ProfileID"))
    if uid is None:
        report.warn("sanctions entry for a profile not in the file", profile=elem.get("ProfileID"))
        return
    if elem.get("ListID"):
        listed_on = refs.get("List", elem.get("ListID"), elem)
        lists = report.info.setdefault("lists", {})
        lists[listed_on] = lists.get(listed_on, 0) + 1
    dates = [d for d in (_date(_child(e, "Date")) for e in _children(elem, "EntryEvent")) if d]
    listed = min(dates).isoformat() if dates else None
    for measure in _children(elem, "SanctionsMeasure"):
        kind = refs.get("SanctionsType", measure.get("SanctionsTypeID"), measure)
        comment = _child(measure, "Comment")
        if kind == "Program" and comment is not None and (comment.text or "").strip():
            yield from catalog.sanction(uid, dataset, comment.text.strip(), listed)
        else:  # "Block" and the like say nothing a program does not
            measures = report.info.setdefault("measures", {})
            measures[kind] = measures.get(kind, 0) + 1
