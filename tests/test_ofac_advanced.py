"""OFAC's advanced XML (SDN_ADVANCED.XML / CONS_ADVANCED.XML), read in one streaming pass."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import us_ofac
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate

FIXTURE = Path(__file__).parent / "fixtures" / "ofac" / "sdn_advanced.xml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def parse_text(tmp_path: Path, text: str, name: str = "SDN_ADVANCED.XML"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = ParseReport("us_ofac_sdn")
    return list(us_ofac.parse(path, report=report)), report


def canonical(records) -> list[str]:
    return sorted(repr(r.to_json()) for r in records)


@pytest.fixture(scope="module")
def advanced():
    report = ParseReport("us_ofac_sdn")
    return list(us_ofac.parse(FIXTURE, snapshot="1999-01-01", report=report)), report


def test_parties_become_entities(advanced):
    records, report = advanced
    assert (report.read, report.kept, report.rejected) == (8, 8, 0)
    assert report.info["formats"] == {"us_ofac_sdn": "advanced"}
    assert report.info["lists"] == {"SDN List": 8} and report.info["measures"] == {"Block": 8}
    assert all(not validate(r) for r in records)
    nodes = {r.id: r for r in records if isinstance(r, Node)}
    assert {n.type for k, n in nodes.items() if k.startswith("ofac-4018")} == {"Organization", "Airplane"}
    plane = nodes["ofac-40185"]
    assert plane.prov.snapshot == "2024-05-03"  # DateOfIssue wins over the snapshot given
    assert plane.get("registrationNumber") == ["RA-78765"] and plane.get("serialNumber") == ["83486590"]
    assert plane.get("buildDate") == ["1988-06-30"] and plane.get("modelFamily") == ["Il-76"]
    assert nodes["ofac-40182"].get("buildDate") == ["1993"]  # a whole-year period
    org = nodes["ofac-40181"]
    assert org.get("name") == ["JSC AVIACON ZITOTRANS"]
    assert "АО АВИАКОН ЦИТОТРАНС" in org.get("alias")  # a Cyrillic name: an alias, never the name
    assert org.get("sector") == ["Freight air transport"]  # a DetailReference lookup
    assert org.get("innCode") == ["6658039390"] and org.get("incorporationDate") == ["1995-06-02"]
    assert nodes["ofac-addr-59835"].get("city") == ["Yekaterinburg"]
    assert nodes["ofac-13109"].get("notes") == ["Additional Sanctions Information - Subject to Secondary Sanctions"]


def test_listing_dates_and_relation_types(advanced):
    records, report = advanced
    sanctioned = {r.start: r for r in records if isinstance(r, Edge) and r.type == "SANCTIONED_UNDER"}
    assert sanctioned["ofac-40185"].get("listingDate") == ["2023-01-26"]
    assert sanctioned["ofac-40185"].end == "program-us-ofac-russia-eo14024"
    links = {(r.start, r.end): r.first("relation") for r in records if isinstance(r, Edge) and r.type == "LINKED_TO"}
    assert links[("ofac-40185", "ofac-40181")] == "Owned or Controlled By"
    assert links[("ofac-15431", "ofac-13109")] == "Owns, controls, or operates"
    # a relationship to a profile the file does not hold is warned about, not dropped silently
    assert any("profiles not in the file" in w for w in report.warnings)


def _swap(text: str, kind: str, ref: str, a: str, b: str) -> str:
    """Exchange two ids of one reference table, in the table and where the parties use them."""
    text = text.replace(f'<{kind} ID="{a}"', "@@A@@").replace(f'<{kind} ID="{b}"', f'<{kind} ID="{a}"')
    text = text.replace("@@A@@", f'<{kind} ID="{b}"')
    text = text.replace(f'{ref}="{a}"', "@@A@@").replace(f'{ref}="{b}"', f'{ref}="{a}"')
    return text.replace("@@A@@", f'{ref}="{b}"')


def test_reference_ids_are_looked_up_not_assumed(tmp_path, advanced):
    text = _swap(TEXT, "FeatureType", "FeatureTypeID", "47", "50")  # Aircraft Model <-> MSN
    text = _swap(text, "RelationType", "RelationTypeID", "15003", "92019")
    text = _swap(text, "PartySubType", "PartySubTypeID", "2", "3")  # Aircraft <-> Unknown (entity)
    text = _swap(text, "Script", "ScriptID", "215", "220")
    assert text != TEXT
    records, _ = parse_text(tmp_path, text)
    assert canonical(records) == canonical(advanced[0])


def test_unknown_reference_id_is_a_format_error(tmp_path):
    text = TEXT.replace('FeatureTypeID="47"', 'FeatureTypeID="4747"', 1)
    with pytest.raises(SourceFormatError, match=r"SDN_ADVANCED.XML: line \d+: FeatureType ID '4747' is not in"):
        parse_text(tmp_path, text)


def test_unknown_feature_label_is_counted_and_kept(tmp_path):
    text = TEXT.replace(">Aircraft Operator<", ">Aircraft Paint Scheme<")
    records, report = parse_text(tmp_path, text)
    gom = next(r for r in records if isinstance(r, Node) and r.id == "ofac-15431")
    assert report.unknown_fields == {"Aircraft Paint Scheme": 1}
    assert "Aircraft Paint Scheme YAS AIR" in gom.get("notes") and "operatorName" not in gom.props


def test_former_relations_say_so(tmp_path):
    text = TEXT.replace('From-ProfileID="40185" To-ProfileID="40181" RelationTypeID="15003" RelationQualityID="1" '
                        'Former="false"', 'From-ProfileID="40185" To-ProfileID="40181" RelationTypeID="15003" '
                        'RelationQualityID="1" Former="true"')
    records, _ = parse_text(tmp_path, text)
    link = next(r for r in records if isinstance(r, Edge) and r.type == "LINKED_TO" and r.start == "ofac-40185")
    assert link.get("relation") == ["Owned or Controlled By (former)"]


def test_consolidated_file_gives_consolidated_records(tmp_path):
    records, _ = parse_text(tmp_path, TEXT, name="CONS_ADVANCED.XML")
    assert {r.prov.source for r in records} == {"us_ofac_cons"}
    assert any(isinstance(r, Node) and r.id == "authority-us_ofac_cons" for r in records)


def test_party_without_name_or_type_is_rejected(tmp_path):
    text = TEXT.replace('<DistinctParty FixedRef="40183">', '<DistinctParty FixedRef="x40183">')
    records, report = parse_text(tmp_path, text)
    assert (report.read, report.kept, report.rejected) == (8, 7, 1)
    # its sanctions entry and relationship point at a profile that was not kept: warned
    assert any("not in the file" in w for w in report.warnings)


def test_not_advanced_xml(tmp_path):
    with pytest.raises(SourceFormatError, match="not advanced XML|not an OFAC advanced XML"):
        parse_text(tmp_path, '<?xml version="1.0"?><Sanctionz><DistinctParty FixedRef="1"/></Sanctionz>')
    no_refs = re.sub(r"<ReferenceValueSets>.*</ReferenceValueSets>", "", TEXT, flags=re.S)
    with pytest.raises(SourceFormatError, match="before ReferenceValueSets"):
        parse_text(tmp_path, no_refs)


BILLION_LAUGHS = ('<!DOCTYPE Sanctions [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')
XXE = '<!DOCTYPE Sanctions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
EXTERNAL_DTD = '<!DOCTYPE Sanctions PUBLIC "-//OFAC//SDN//EN" "http://127.0.0.1:9/advanced.dtd">\n'


@pytest.mark.parametrize("head, body", [(XXE, "&xxe;"), (BILLION_LAUGHS, "&lol3;"), (EXTERNAL_DTD, "")])
def test_hostile_xml_is_refused(tmp_path, head, body):
    text = TEXT.replace("<Sanctions ", head + "<Sanctions ", 1).replace(">RA-78765<", f">RA-78765{body}<", 1)
    with pytest.raises(SourceFormatError, match="refused"):
        parse_text(tmp_path, text)


def test_deep_nesting_is_refused(tmp_path):
    deep = "<Comment>" + "<b>" * 100 + "</b>" * 100 + "</Comment>"
    text = TEXT.replace('<DistinctParty FixedRef="40185">', '<DistinctParty FixedRef="40185">' + deep, 1)
    with pytest.raises(SourceFormatError, match="nested deeper"):
        parse_text(tmp_path, text)


def test_truncated_download(tmp_path):
    with pytest.raises(SourceFormatError, match="malformed XML"):
        parse_text(tmp_path, TEXT[: len(TEXT) * 2 // 3])
