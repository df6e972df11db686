"""Throughput and peak memory of the OFAC readers on full-size inputs.

Generates, in the real formats, a full-size CSV family (~19k SDN.CSV rows with
ADD/ALT/SDN_COMMENTS.CSV) and a full-size SDN_ADVANCED.XML (~19k parties,
~100 MB: reference value sets, locations, ID documents, features, names in
several scripts, relationships, sanctions entries), then parses each in its own
subprocess (so peak RSS is that parse's alone), with the garbage collector
paused as ``kgraph ingest`` parses, and prints records/s and peak RSS.

The synthetic list has the real list's make-up (``RATES`` and the notes above
it: remarks per entry and kind measured on the 2024 SDN.CSV, addresses and
other names per entry on the 2025 ADD.CSV and ALT.CSV of ../shared/corpus).
``--parties 25000`` writes a 130 MB SDN_ADVANCED.XML.

Usage::

    /tmp/kgvenv/bin/python bench/ofac_parse.py [--parties 19000] [--keep DIR] [--python PATH]

Goals: CSV family under 1 s; advanced XML under 60 s with peak RSS under 300 MB.

The parsers are pure Python, so the interpreter's build counts: on the
development machine, Debian's python3.11 (3.11.2, libpython linked into the
executable) parses the CSV family in 8 % fewer instructions than pyenv's
default build of 3.11.7 (libpython as a shared library, no
``--enable-optimizations``): 4,619 M against 5,036 M (cachegrind). The first
line printed names the interpreter and how libpython is linked; ``--python``
runs the parses with another one (it needs kgraph's dependencies installed).
"""
from __future__ import annotations

import argparse
import calendar
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
REAL_SDN_CSV = REPO.parent / "shared/corpus/sanctions/ofac/jackdwyer_sdn-list_2024-05-03/sdn.csv"
NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
PROGRAMS = ["RUSSIA-EO14024", "SDGT", "IRAN", "NPWMD", "IFSR", "CYBER2", "UKRAINE-EO13662", "SDNTK", "IRGC",
            "BELARUS-EO14038", "GLOMAG", "DPRK3", "VENEZUELA-EO13850", "SYRIA", "ILLICIT-DRUGS-EO14059"]
COUNTRIES = [("Russia", "RU"), ("Iran", "IR"), ("China", "CN"), ("United Arab Emirates", "AE"), ("Syria", "SY"),
             ("Belarus", "BY"), ("Mexico", "MX"), ("Turkey", "TR"), ("Korea, North", "KP"), ("Venezuela", "VE")]
MODELS = ["IL-76TD", "IL76-TD", "Il-76T", "Airbus A340-642", "B.747-422", "TU-154", "AN-124", "B737", "ERJ190",
          "BAe 146-300", "Hawker 800XP", "Gulfstream 200", "A320-232", "Yak-40"]
SECTORS = ["Freight air transport", "Passenger air transport", "Wholesale of fuels", "Manufacture of weapons",
           "Activities of holding companies", "Sea and coastal freight water transport"]
WORDS = ["AVIA", "TRANS", "NEFT", "GAZ", "STROI", "INVEST", "CARGO", "MARINE", "SHIPPING", "TECH", "PROM", "ENERGO",
         "SERVIS", "LOGISTIK", "KAPITAL", "EXPORT", "HOLDING", "ALFA", "SEVER", "VOSTOK", "URAL", "SIBIR"]
FIRST = ["Dmitry", "Yevgeniy", "Ali", "Mohammad", "Sergey", "Olga", "Hassan", "Ivan", "Natalia", "Reza", "Pavel"]
LAST = ["IVANOV", "PETROV", "KHOROSHEV", "SAEED", "HOSSEINI", "SIDOROV", "KUZNETSOV", "AL-SHAMI", "RAHMANI"]
CYR = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "АБЦДЕФГХИЙКЛМНОПКРСТУВШХЫЗ")


def _kinds(n: int, rnd: random.Random) -> list[str]:
    """Entry kinds in the SDN list's proportions (2024: 46% entities, 46% people, 6% vessels, 2.5% aircraft)."""
    return [rnd.choices(["entity", "individual", "vessel", "aircraft"], [46, 45.5, 6, 2.5])[0] for _ in range(n)]


def _org_name(i: int, rnd: random.Random) -> str:
    return f"{rnd.choice(['JSC', 'LLC', 'OOO', 'AO', 'PJSC'])} {rnd.choice(WORDS)}{rnd.choice(WORDS)} {i}"


def _date(rnd: random.Random) -> tuple[int, int, int]:
    return rnd.randrange(1950, 2020), rnd.randrange(1, 13), rnd.randrange(1, 29)


def _written(d: tuple[int, int, int], precision: int) -> str:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return [f"{d[0]}", f"{months[d[1] - 1]} {d[0]}", f"{d[2]:02d} {months[d[1] - 1]} {d[0]}"][precision]


# How often each remark appears per entry of a kind, measured on the real SDN.CSV of 2024-05-03
# (../shared/corpus/sanctions/ofac/jackdwyer_sdn-list_2024-05-03: 14,965 entries). Remarks segments per
# entry there: entities 2.96, individuals 5.29, vessels 2.91 (their flag, type and call sign are columns),
# aircraft 5.25. The 2025-12 ADD.CSV/ALT.CSV of the same corpus hold 1.31 addresses and 1.09 other names
# per entry. An earlier version of this generator gave every entity and person every feature (6.6
# segments per entry, 60 % more than the real list), which measured a heavier list than OFAC publishes.
SECONDARY = ("Secondary sanctions risk:", "See Section 11 of Executive Order 14024.")
ADDITIONAL = ("Additional Sanctions Information -", "Subject to Secondary Sanctions")
PROHIBITED = ("Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
              "Included in Directive 1 under Executive Order 14024")
# the long tail of labels (each under 5 % of entries, about one segment per entry together)
ENTITY_TAIL = ["Business Registration Number", "NIT #", "Registration ID", "Company Number", "Legal Entity Number",
               "Government Gazette Number"]
PERSON_TAIL = ["Cedula No.", "Personal ID Card", "D.N.I.", "SSN", "Citizen's Card Number"]
ENTITY_IDS = [("Tax ID No.", 0.37, 10), ("Registration Number", 0.40, 13)]  # label, share of entries, digits
PERSON_IDS = [("National ID No.", 0.19, 10), ("Tax ID No.", 0.06, 12)]
RATES = {  # kind -> (secondary, additional, prohibited, linked)
    "entity": (0.19, 0.18, 0.04, 0.41), "individual": (0.14, 0.11, 0.0, 0.35),
    "vessel": (0.18, 0.23, 0.12, 0.99), "aircraft": (0.06, 0.41, 0.04, 0.90),
}


def _numbers(ids: list, rnd: random.Random, country: str, table: list, tail: list[str], tail_counts: list[int]
             ) -> None:
    """Identifiers of one entry: each of ``table`` at its rate, then a few labels of the long ``tail``."""
    for label, rate, digits in table:
        if rnd.random() < rate:
            ids.append((label, f"{rnd.randrange(10 ** (digits - 1), 10 ** digits)}", country, None))
    for label in rnd.sample(tail, rnd.choice(tail_counts)):
        ids.append((label, f"{rnd.randrange(10**6, 10**10)}", country, None))


def make_entries(n: int, seed: int = 7) -> list[dict]:
    """The synthetic list both formats are written from, in the real list's proportions (``RATES``)."""
    rnd = random.Random(seed)

    def some(p: float) -> bool:
        return rnd.random() < p

    entries = []
    orgs: list[str] = []
    for i, kind in enumerate(_kinds(n, rnd)):
        uid = 10_000 + i * 2
        country, iso = rnd.choice(COUNTRIES)
        e = {"uid": uid, "kind": kind, "programs": rnd.sample(PROGRAMS, rnd.choice([1, 1, 1, 1, 1, 2])),
             "features": [], "ids": [], "akas": [], "addresses": [], "links": [], "country": (country, iso),
             "listed": (rnd.randrange(2001, 2026), rnd.randrange(1, 13), rnd.randrange(1, 29)),
             "columns": {}}
        feats, ids = e["features"], e["ids"]
        if kind == "entity":
            e["name"] = _org_name(i, rnd)
            orgs.append(e["name"])
            if some(0.25):
                feats.append(("Organization Established Date", (_date(rnd), rnd.choice([0, 2]))))
            if some(0.08):
                feats.append(("Organization Type:", rnd.choice(SECTORS)))
            if some(0.05):
                feats.append(("Website", f"www.site{i}.ru"))
            _numbers(ids, rnd, country, ENTITY_IDS, ENTITY_TAIL, [0, 0, 1, 1, 1, 2])  # 0.83 of the long tail
            if some(0.04):
                feats.append(("Target Type", "State-Owned Enterprise"))
            e["akas"] += [f"{e['name']} GROUP", f"OAO {e['name'].split(' ', 1)[1]}",
                          f"{e['name'].split(' ', 1)[1]} LTD"][: rnd.randrange(0, 4)]
            for _ in range(rnd.choice([1, 2, 2])):
                e["addresses"].append((f"Ul. Lenina D. {i % 200}, Of. {i % 50}",
                                       rnd.choice(["Moscow", "Tehran", "Dubai"]), f"{rnd.randrange(100000, 999999)}",
                                       country))
        elif kind == "individual":
            e["name"] = f"{rnd.choice(LAST)}, {rnd.choice(FIRST)} {rnd.choice(FIRST)}ovich"
            feats.append(("DOB", (_date(rnd), rnd.choice([0, 1, 2, 2, 2]))))
            if some(0.11):
                feats.append(("alt. DOB", (_date(rnd), 0)))
            if some(0.60):
                feats.append(("POB", f"{country} city {i % 90}"))
            if some(0.69):
                feats.append(("nationality", country))
            if some(0.15):
                feats.append(("citizen", country))
            if some(0.62):
                feats.append(("Gender", rnd.choice(["Male", "Male", "Male", "Female"])))
            if some(0.10):
                ids.append(("Passport", f"{rnd.randrange(10**8, 10**9)}", country, _date(rnd)))
            _numbers(ids, rnd, country, PERSON_IDS, PERSON_TAIL, [0, 0, 1, 1, 2, 3])  # 1.17 of the long tail
            if some(0.23):  # a column of SDN.CSV
                e["columns"]["Title"] = "Member of the State Duma of the Federal Assembly of the Russian Federation"
            variants = [e["name"].replace("ovich", "evich"), e["name"].replace("ovich", "ovitch")]
            e["akas"] += variants[: rnd.randrange(0, 3)]
            if some(0.7):
                e["addresses"].append((None, rnd.choice(["Moscow", "Minsk", "Damascus"]), None, country))
        elif kind == "vessel":
            e["name"] = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i}"
            # SDN.CSV writes these three in their own columns (flag 96 %, type 87 %, call sign 29 %)
            e["columns"] = {"Vessel Flag": country if some(0.96) else None,
                            "VESSEL TYPE": "Crude Oil Tanker" if some(0.87) else None,
                            "Vessel Call Sign": f"A8{i % 9999:04d}" if some(0.29) else None}
            ids.append(("Vessel Registration Identification", f"IMO {9_000_000 + i}", None, None))
            if some(0.18):
                ids.append(("MMSI", f"{273_000_000 + i}", None, None))
        else:
            tail = f"RA-{70000 + i % 29999}"
            e["name"] = tail
            feats += [("Aircraft Model", rnd.choice(MODELS)),
                      ("Aircraft Manufacturer's Serial Number (MSN)", f"{rnd.randrange(10**7, 10**10)}"),
                      ("Aircraft Tail Number", tail),
                      ("Aircraft Manufacture Date", (_date(rnd), rnd.choice([0, 2])))]
        secondary, additional, prohibited, linked = RATES[kind]
        others = [o for o in orgs[-200:] if o != e["name"]]
        if others and some(linked):
            e["links"].append(rnd.choice(others))
        for pair, p in ((SECONDARY, secondary), (ADDITIONAL, additional), (PROHIBITED, prohibited)):
            if some(p):
                feats.append(pair)
        entries.append(e)
    # a few entries whose Remarks run past 1,000 characters (spill-over into SDN_COMMENTS.CSV)
    for e in rnd.sample([e for e in entries if e["kind"] == "entity"], 30):
        e["features"] += [("Website", f"www.mirror{k}.{e['uid']}.example.com") for k in range(30)]
    return entries


# ---------------------------------------------------------------- the CSV family


def _q(v: str | None) -> str:
    return "-0- " if v is None else f'"{v}"'


def _remarks(e: dict) -> str:
    parts = []
    for label, value in e["features"]:
        if isinstance(value, tuple):
            value = _written(*value)
        parts.append(f"{label} {value}")
    for label, number, country, issued in e["ids"]:
        parts.append(f"{label} {number}" + (f" ({country})" if country else "") +
                     (f" issued {_written(issued, 2)}" if issued else ""))
    parts += [f"Linked To: {name}" for name in e["links"]]
    return "; ".join(parts) + "." if parts else None


def write_csv_family(folder: Path, entries: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    types = {"entity": None, "individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}
    sdn, add, alt, comments = [], [], [], []
    alt_num = 100_000
    for e in entries:
        remarks = _remarks(e)
        if remarks and len(remarks) > 1000:
            comments.append(f'{e["uid"]},"{remarks[1000:]}"')
            remarks = remarks[:1000]
        sdn.append(",".join([str(e["uid"]), _q(e["name"]), _q(types[e["kind"]]), _q("] [".join(e["programs"])),
                             *(_q(e["columns"].get(c)) for c in ("Title", "Vessel Call Sign", "VESSEL TYPE")),
                             "-0- ", "-0- ", _q(e["columns"].get("Vessel Flag")), "-0- ", _q(remarks)]))
        for k, (street, city, postal, country) in enumerate(e["addresses"] or [(None, None, None, None)]):
            add_num = e["uid"] * 10 + k  # the advanced XML's Location ID
            city_line = " ".join(x for x in (city, postal) if x) or None
            add.append(",".join([str(e["uid"]), str(add_num), _q(street), _q(city_line), _q(country), "-0- "]))
        for name in e["akas"]:
            alt_num += 1
            alt.append(",".join([str(e["uid"]), str(alt_num), '"aka"', _q(name), "-0- "]))
    for name, rows in (("SDN.CSV", sdn), ("ADD.CSV", add), ("ALT.CSV", alt), ("SDN_COMMENTS.CSV", comments)):
        (folder / name).write_bytes(("\r\n".join(rows) + "\r\n").encode("ascii") + b"\x1a")
    return folder


# ---------------------------------------------------------------- the advanced XML

_FLAGS = ' YearFixed="false" MonthFixed="false" DayFixed="false"'


def _point(tag: str, d: tuple[int, int, int]) -> str:
    return f"<{tag}><Year>{d[0]}</Year><Month>{d[1]}</Month><Day>{d[2]}</Day></{tag}>"


def _period(lo: tuple[int, int, int], hi: tuple[int, int, int]) -> str:
    return (f'<DatePeriod CalendarTypeID="1"{_FLAGS}><Start Approximate="false"{_FLAGS}>{_point("From", lo)}'
            f'{_point("To", lo)}</Start><End Approximate="false"{_FLAGS}>{_point("From", hi)}{_point("To", hi)}'
            f"</End></DatePeriod>")


def _span(d: tuple[int, int, int], precision: int) -> str:
    if precision == 0:
        return _period((d[0], 1, 1), (d[0], 12, 31))
    if precision == 1:
        return _period((d[0], d[1], 1), (d[0], d[1], calendar.monthrange(d[0], d[1])[1]))
    return _period(d, d)


REF = {
    "AliasType": [(1400, "A.K.A."), (1401, "F.K.A."), (1402, "N.K.A."), (1403, "Name")],
    "CalendarType": [(1, "Gregorian")],
    "Country": [(11000 + k, name, f' ISO2="{iso}"') for k, (name, iso) in enumerate(COUNTRIES)],
    "CountryRelevance": [(2, "Location")],
    "DetailReference": [(91400 + k, s) for k, s in enumerate(SECTORS)],
    "DetailType": [(1430, "LOOKUP"), (1432, "TEXT")],
    "DocNameStatus": [(1, "Primary Latin"), (2, "Alternate Script")],
    "EntryEventType": [(1, "Created")],
    "FeatureType": [(k, name) for k, name in enumerate(
        ["Organization Established Date", "Organization Type:", "Website", "Birthdate", "Place of Birth",
         "Nationality Country", "Gender", "Vessel Flag", "VESSEL TYPE", "Vessel Call Sign", "Aircraft Model",
         "Aircraft Manufacturer\u2019s Serial Number (MSN)", "Aircraft Tail Number", "Aircraft Manufacture Date",
         "Secondary sanctions risk:", "Location", "Additional Sanctions Information -", "Citizenship Country",
         "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:", "Target Type",
         "Title"], start=600)],
    "IDRegDocDateType": [(1480, "Issue Date"), (1481, "Expiration Date")],
    "IDRegDocType": [(1571, "Passport"), (1596, "Tax ID No."), (91761, "Registration Number"),
                     (1626, "Vessel Registration Identification"), (91264, "MMSI"), (1584, "National ID No."),
                     *((92000 + k, label) for k, label in enumerate(ENTITY_TAIL + PERSON_TAIL))],
    "List": [(1550, "SDN List")],
    "LocPartType": [(1451, "ADDRESS1"), (1454, "CITY"), (1456, "POSTAL CODE")],
    "NamePartType": [(1520, "Last Name"), (1521, "First Name"), (1525, "Entity Name"), (1526, "Vessel Name"),
                     (1528, "Aircraft Name")],
    "PartySubType": [(1, "Vessel", ' PartyTypeID="3"'), (2, "Aircraft", ' PartyTypeID="3"'),
                     (3, "Unknown", ' PartyTypeID="2"'), (4, "Unknown", ' PartyTypeID="1"')],
    "PartyType": [(1, "Individual"), (2, "Entity"), (3, "Transport")],
    "RelationType": [(15003, "Owned or Controlled By", ' Symmetrical="false"'),
                     (1555, "Associate Of", ' Symmetrical="true"')],
    "Reliability": [(1, "Reported")],
    "SanctionsType": [(1, "Program"), (2, "Block")],
    "Script": [(215, "Latin", ' ScriptCode="Latn"'), (220, "Cyrillic", ' ScriptCode="Cyrl"'),
               (230, "Arabic", ' ScriptCode="Arab"')],
}
FEATURE_IDS = {name.replace("\u2019", "'"): k for k, name in REF["FeatureType"]}
FEATURE_IDS.update({"DOB": FEATURE_IDS["Birthdate"], "POB": FEATURE_IDS["Place of Birth"],
                    "nationality": FEATURE_IDS["Nationality Country"], "alt. DOB": FEATURE_IDS["Birthdate"],
                    "citizen": FEATURE_IDS["Citizenship Country"]})
DOC_IDS = {name: k for k, name in REF["IDRegDocType"]}
COUNTRY_IDS = {name: k for k, name, _ in REF["Country"]}
SECTOR_IDS = {s: k for k, s in REF["DetailReference"]}


def write_advanced(path: Path, entries: list[dict]) -> Path:
    rnd = random.Random(11)
    uids = {e["name"]: e["uid"] for e in entries}
    with open(path, "w", encoding="utf-8") as f:
        w = f.write
        w(f'<?xml version="1.0" encoding="utf-8"?>\n<Sanctions xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
          f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}">\n')
        w('  <DateOfIssue CalendarTypeID="1"><Year>2026</Year><Month>8</Month><Day>20</Day></DateOfIssue>\n')
        w("  <ReferenceValueSets>\n")
        for kind, values in REF.items():
            w(f"    <{kind}Values>\n")
            for v in values:
                w(f'      <{kind} ID="{v[0]}"{v[2] if len(v) > 2 else ""}>{escape(v[1])}</{kind}>\n')
            w(f"    </{kind}Values>\n")
        w("  </ReferenceValueSets>\n  <Locations>\n")
        for e in entries:
            for k, (street, city, postal, country) in enumerate(e["addresses"]):
                w(f'    <Location ID="{e["uid"] * 10 + k}">\n      <LocationCountry CountryID="{COUNTRY_IDS[country]}" '
                  f'CountryRelevanceID="2" />\n')
                for t, v in ((1451, street), (1454, city), (1456, postal)):
                    if v:
                        w(f'      <LocationPart LocPartTypeID="{t}"><LocationPartValue Primary="true" '
                          f'LocPartValueTypeID="1" LocPartValueStatusID="1"><Value>{escape(v)}</Value>'
                          f"</LocationPartValue></LocationPart>\n")
                w("    </Location>\n")
        w("  </Locations>\n  <IDRegDocuments>\n")
        for e in entries:
            for k, (label, number, country, issued) in enumerate(e["ids"]):
                by = f' IssuedBy-CountryID="{COUNTRY_IDS[country]}"' if country else ""
                w(f'    <IDRegDocument ID="{e["uid"] * 10 + k}" IDRegDocTypeID="{DOC_IDS[label]}" '
                  f'IdentityID="{e["uid"] * 10}"{by} ValidityID="1">\n'
                  f"      <IDRegistrationNo>{number}</IDRegistrationNo>\n")
                if issued:
                    w(f'      <DocumentDate IDRegDocDateTypeID="1480">{_span(issued, 2)}</DocumentDate>\n')
                w("    </IDRegDocument>\n")
        w("  </IDRegDocuments>\n  <DistinctParties>\n")
        for e in entries:
            w(_party(e, rnd))
        w("  </DistinctParties>\n  <ProfileRelationships>\n")
        rel = 1
        for e in entries:
            for name in e["links"]:
                rel += 1
                w(f'    <ProfileRelationship ID="{rel}" From-ProfileID="{e["uid"]}" To-ProfileID="{uids[name]}" '
                  f'RelationTypeID="15003" RelationQualityID="1" Former="false" SanctionsEntryID="{e["uid"]}" />\n')
        w("  </ProfileRelationships>\n  <SanctionsEntries>\n")
        for e in entries:
            w(f'    <SanctionsEntry ID="{e["uid"]}" ProfileID="{e["uid"]}" ListID="1550">\n'
              f'      <EntryEvent ID="{e["uid"]}" EntryEventTypeID="1"><Date CalendarTypeID="1"><Year>{e["listed"][0]}'
              f'</Year><Month>{e["listed"][1]}</Month><Day>{e["listed"][2]}</Day></Date></EntryEvent>\n'
              f'      <SanctionsMeasure ID="{e["uid"] * 10}" SanctionsTypeID="2">{_span(e["listed"], 2)}'
              f"</SanctionsMeasure>\n")
            for k, p in enumerate(e["programs"]):
                w(f'      <SanctionsMeasure ID="{e["uid"] * 10 + k + 1}" SanctionsTypeID="1"><Comment>{p}</Comment>'
                  f'{_span(e["listed"], 2)}</SanctionsMeasure>\n')
            w("    </SanctionsEntry>\n")
        w("  </SanctionsEntries>\n  <SanctionsEntryLinks />\n</Sanctions>\n")
    return path


def _name_part(group: int, text: str, script: int) -> str:
    return (f'<DocumentedNamePart><NamePartValue NamePartGroupID="{group}" ScriptID="{script}" ScriptStatusID="1" '
            f'Acronym="false">{escape(text)}</NamePartValue></DocumentedNamePart>')


def _party(e: dict, rnd: random.Random) -> str:
    uid, ident = e["uid"], e["uid"] * 10
    kinds = {"entity": (3, 1525), "individual": (4, None), "vessel": (1, 1526), "aircraft": (2, 1528)}
    subtype, part = kinds[e["kind"]]
    out = [f'    <DistinctParty FixedRef="{uid}">\n      <Profile ID="{uid}" PartySubTypeID="{subtype}">\n'
           f'        <Identity ID="{ident}" FixedRef="{uid}" Primary="true" False="false">\n']

    def documented(name: str, script: int = 215) -> str:
        if part:
            return _name_part(ident + 1, name, script)
        last, first = name.split(", ", 1)
        return _name_part(ident + 2, last, script) + _name_part(ident + 3, first, script)

    for k, name in enumerate([e["name"], *e["akas"]]):
        primary = "true" if k == 0 else "false"
        out.append(f'          <Alias FixedRef="{uid}" AliasTypeID="{1403 if k == 0 else 1400}" Primary="{primary}" '
                   f'LowQuality="false">\n            <DocumentedName ID="{ident + 10 + k}" FixedRef="{uid}" '
                   f'DocNameStatusID="1">{documented(name)}</DocumentedName>\n')
        if k == 0 and e["kind"] == "entity" and rnd.random() < 0.6:
            cyr = name.split(" ", 1)[1].translate(CYR)
            out.append(f'            <DocumentedName ID="{ident + 9}" FixedRef="{uid}" DocNameStatusID="2">'
                       f"{_name_part(ident + 1, cyr, 220)}</DocumentedName>\n")
        out.append("          </Alias>\n")
    groups = ([(ident + 1, part)] if part else [(ident + 2, 1520), (ident + 3, 1521)])
    out.append("          <NamePartGroups><MasterNamePartGroup>" + "".join(
        f'<NamePartGroup ID="{g}" NamePartTypeID="{t}" />' for g, t in groups) +
        "</MasterNamePartGroup></NamePartGroups>\n        </Identity>\n")
    features = [*((label, v) for label, v in e["columns"].items() if v), *e["features"],
                *(("Location", k) for k in range(len(e["addresses"])))]
    for k, (label, value) in enumerate(features):
        if label == "Location":
            body = f'<VersionLocation LocationID="{uid * 10 + value}" />'
        elif isinstance(value, tuple):
            body = _span(*value)
        elif label == "Organization Type:":
            body = f'<VersionDetail DetailTypeID="1430" DetailReferenceID="{SECTOR_IDS[value]}" />'
        else:
            body = f'<VersionDetail DetailTypeID="1432">{escape(value)}</VersionDetail>'
        out.append(f'        <Feature ID="{uid * 100 + k}" FeatureTypeID="{FEATURE_IDS[label]}">\n'
                   f'          <FeatureVersion ID="{uid * 100 + k}" ReliabilityID="1">{body}</FeatureVersion>\n'
                   f'          <IdentityReference IdentityID="{ident}" IdentityFeatureLinkTypeID="1" />\n'
                   f"        </Feature>\n")
    out.append(f'        <SanctionsEntryReference SanctionsEntryID="{uid}" />\n      </Profile>\n'
               "    </DistinctParty>\n")
    return "".join(out)


# ---------------------------------------------------------------- measuring

_CHILD = """
import json, logging, resource, sys, time
logging.disable(logging.WARNING)
from ingest import us_ofac
from kgraph.model import ParseReport
from kgraph.pipeline import _gc_paused
report = ParseReport("us_ofac_sdn")
t0, c0 = time.perf_counter(), time.process_time()
with _gc_paused():  # as `kgraph ingest` and `kgraph update` parse
    n = sum(1 for _ in us_ofac.parse(sys.argv[1], report=report))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"records": n, "read": report.read, "rejected": report.rejected, "wall": wall, "cpu": cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(path: Path, python: str = sys.executable) -> dict:
    out = subprocess.run([python, "-c", _CHILD, str(path)], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


_DESCRIBE = """
import sys
shared = any("libpython" in line for line in open("/proc/self/maps")) if sys.platform == "linux" else None
link = {True: "libpython as a shared library", False: "libpython linked in", None: "libpython linkage unknown"}
print(f"{sys.executable}: Python {sys.version.split()[0]}, {link[shared]}")
"""


def interpreter(python: str = sys.executable) -> str:
    """Which Python runs the parses, and whether libpython is a shared library (slower calls)."""
    return subprocess.run([python, "-c", _DESCRIBE], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parties", type=int, default=19_000)
    ap.add_argument("--keep", type=Path, help="write the inputs here and keep them (default: a temp folder)")
    ap.add_argument("--runs", type=int, default=3, help="parses per format; the best is reported")
    ap.add_argument("--python", default=sys.executable, help="interpreter to parse with (default: this one)")
    args = ap.parse_args()
    print(f"interpreter: {interpreter(args.python)}")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        entries = make_entries(args.parties)
        family = write_csv_family(root / "csv", entries)
        advanced = write_advanced(root / "SDN_ADVANCED.XML", entries)
        print(f"generated {len(entries):,} entries in {time.perf_counter() - t:.1f} s: CSV family "
              f"{sum(p.stat().st_size for p in family.iterdir()) / 1e6:.1f} MB, "
              f"SDN_ADVANCED.XML {advanced.stat().st_size / 1e6:.1f} MB")
        inputs = [("CSV family", family, "< 1 s"), ("SDN_ADVANCED.XML", advanced, "< 60 s, < 300 MB")]
        if REAL_SDN_CSV.exists():  # the generator's yardstick: the real list of 2024 (14,965 entries, no companions)
            inputs.append(("real SDN.CSV 2024", REAL_SDN_CSV, "a check on the synthetic list"))
        for label, path, goal in inputs:
            runs = [measure(path, args.python) for _ in range(args.runs)]
            best = min(runs, key=lambda m: m["wall"])
            walls = ", ".join(f"{m['wall']:.2f}" for m in runs)
            print(f"{label:17s} {best['read']:>7,} source records, {best['records']:>7,} records out in "
                  f"{best['wall']:6.2f} s wall ({best['cpu']:.2f} s CPU): {best['records'] / best['wall']:,.0f} "
                  f"records/s, peak RSS {best['rss_mb']:.0f} MB, {best['rejected']} rejected  (goal {goal}); "
                  f"all runs: {walls} s")


if __name__ == "__main__":
    main()
