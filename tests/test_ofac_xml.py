"""OFAC's classic SDN.XML: the fixture, the Record_Count completeness check, hostile XML."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest import us_ofac
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate

FIXTURE = Path(__file__).parent / "fixtures" / "ofac" / "sdn.xml"
OLD_NS = "http://tempuri.org/sdnList.xsd"

ENTRY = """  <sdnEntry>
    <uid>40185</uid>
    <lastName>RA-78765</lastName>
    <sdnType>Aircraft</sdnType>
    <programList><program>RUSSIA-EO14024</program></programList>
    <idList>
      <id><uid>1</uid><idType>Aircraft Model</idType><idNumber>IL-76TD</idNumber></id>
      <id><uid>2</uid><idType>Aircraft Manufacturer\u2019s Serial Number (MSN)</idType>
        <idNumber>83486590</idNumber></id>
    </idList>
  </sdnEntry>
"""


def sdn_xml(entries: str = ENTRY, count: int = 1, ns: str = OLD_NS, head: str = "") -> str:
    return (f'<?xml version="1.0" standalone="yes"?>\n{head}<sdnList xmlns="{ns}">\n'
            f"  <publshInformation><Publish_Date>04/22/2020</Publish_Date><Record_Count>{count}</Record_Count>"
            f"</publshInformation>\n{entries}</sdnList>\n")


def parse_text(tmp_path: Path, text: str, name: str = "sdn.xml", **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = ParseReport("us_ofac_sdn")
    return list(us_ofac.parse(path, report=report, **kw)), report


@pytest.fixture(scope="module")
def classic():
    report = ParseReport("us_ofac_sdn")
    return list(us_ofac.parse(FIXTURE, snapshot="1999-01-01", report=report)), report


def test_fixture_entries(classic):
    records, report = classic
    assert (report.read, report.kept, report.rejected) == (8, 8, 0)
    assert report.info["formats"] == {"us_ofac_sdn": "classic"}
    assert all(not validate(r) for r in records)
    nodes = {r.id: r for r in records if isinstance(r, Node)}
    plane = nodes["ofac-40185"]
    # the publish date in the header wins over the snapshot given
    assert plane.prov.snapshot == "2024-05-03"
    # aircraft features come as idList items; the MSN label has a curly apostrophe
    assert plane.get("serialNumber") == ["83486590"] and plane.get("registrationNumber") == ["RA-78765"]
    assert plane.get("modelFamily") == ["Il-76"] and plane.get("buildDate") == ["1988-06-30"]
    org = nodes["ofac-40181"]
    assert org.get("innCode") == ["6658039390"] and org.get("ogrnCode") == ["1026602311240"]
    assert nodes["ofac-addr-59835"].get("postalCode") == ["620026"]
    links = {(r.start, r.end) for r in records if isinstance(r, Edge) and r.type == "LINKED_TO"}
    assert ("ofac-40185", "ofac-40181") in links and ("ofac-48727", "ofac-13109") in links


def test_record_count_flags_an_incomplete_file(tmp_path):
    text = sdn_xml(count=8197)
    with pytest.raises(SourceFormatError, match="Record_Count says 8,197 entries but the file holds 1") as e:
        parse_text(tmp_path, text)
    assert str(e.value).startswith("sdn.xml: ")
    records, report = parse_text(tmp_path, text, allow_partial=True)
    assert report.kept == 1 and report.info["incomplete"] == {"declared": 8197, "read": 1}
    assert any("incomplete" in w for w in report.warnings)
    assert any(isinstance(r, Node) and r.id == "ofac-40185" for r in records)


def test_old_namespace_and_publish_date(tmp_path):
    records, report = parse_text(tmp_path, sdn_xml())
    plane = next(r for r in records if isinstance(r, Node) and r.id == "ofac-40185")
    assert plane.prov.snapshot == "2020-04-22" and plane.get("serialNumber") == ["83486590"]


def test_people_akas_dates_and_addresses(tmp_path):
    person = """  <sdnEntry>
    <uid>10689</uid><firstName>Muhammad</firstName><lastName>SAEED</lastName><sdnType>Individual</sdnType>
    <programList><program>SDGT</program></programList>
    <idList><id><uid>7589</uid><idType>Passport</idType><idNumber>BE5978421</idNumber><idCountry>Pakistan</idCountry>
      <issueDate>14 Nov 2007</issueDate><expirationDate>12 Nov 2012</expirationDate></id></idList>
    <akaList>
      <aka><uid>10711</uid><type>a.k.a.</type><category>strong</category><lastName>SAEED</lastName>
        <firstName>Hafiz Muhammad</firstName></aka>
      <aka><uid>10713</uid><type>a.k.a.</type><category>weak</category><lastName>HAFIZ SAHIB</lastName></aka>
    </akaList>
    <addressList><address><uid>15084</uid><address1>House No. 116 E</address1><address2>Mohalla Johar</address2>
      <city>Lahore</city><country>Pakistan</country></address></addressList>
    <nationalityList><nationality><uid>6116</uid><country>Pakistan</country><mainEntry>true</mainEntry>
      </nationality></nationalityList>
    <dateOfBirthList>
      <dateOfBirthItem><uid>1</uid><dateOfBirth>05 Jun 1950</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem>
      <dateOfBirthItem><uid>2</uid><dateOfBirth>1951 to 1953</dateOfBirth><mainEntry>false</mainEntry></dateOfBirthItem>
    </dateOfBirthList>
    <placeOfBirthList><placeOfBirthItem><uid>6115</uid><placeOfBirth>Sargodha, Punjab, Pakistan</placeOfBirth>
      <mainEntry>true</mainEntry></placeOfBirthItem></placeOfBirthList>
    <remarks>Head of the group</remarks>
    <shoeSize>44</shoeSize>
  </sdnEntry>
"""
    records, report = parse_text(tmp_path, sdn_xml(person))
    p = next(r for r in records if isinstance(r, Node) and r.id == "ofac-10689")
    assert p.get("name") == ["SAEED, Muhammad"] and p.get("alias") == ["SAEED, Hafiz Muhammad"]
    assert p.get("weakAlias") == ["HAFIZ SAHIB"]
    assert p.get("birthDate") == ["1950-06-05", "1951/1953"] and p.get("nationality") == ["PK"]
    assert p.get("passportNumber") == ["BE5978421"]
    assert "Passport BE5978421 (Pakistan) issued 14 Nov 2007 expires 12 Nov 2012" in p.get("notes")
    assert "Head of the group" in p.get("notes")
    assert p.get("address") == ["House No. 116 E, Mohalla Johar, Lahore, Pakistan"]
    assert report.unknown_fields == {"sdnEntry/shoeSize": 1}


def test_entry_without_uid_is_rejected(tmp_path):
    _, report = parse_text(tmp_path, sdn_xml(ENTRY.replace("<uid>40185</uid>", "<uid>x</uid>")))
    assert (report.read, report.kept, report.rejected) == (1, 0, 1)


def test_not_an_sdn_list(tmp_path):
    with pytest.raises(SourceFormatError, match="not an SDN.XML"):
        parse_text(tmp_path, '<?xml version="1.0"?><catalog><book>1</book></catalog>')


def test_truncated_xml(tmp_path):
    text = sdn_xml()
    with pytest.raises(SourceFormatError, match="malformed XML"):
        parse_text(tmp_path, text[: len(text) // 2])


BILLION_LAUGHS = ('<!DOCTYPE sdnList [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')
XXE = '<!DOCTYPE sdnList [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
EXTERNAL_DTD = '<!DOCTYPE sdnList SYSTEM "http://127.0.0.1:9/sdn.dtd">\n'


@pytest.mark.parametrize("head, body", [(XXE, "&xxe;"), (BILLION_LAUGHS, "&lol3;"), (EXTERNAL_DTD, "")])
def test_hostile_xml_is_refused(tmp_path, head, body):
    entry = ENTRY.replace("<lastName>RA-78765</lastName>", f"<lastName>RA-78765{body}</lastName>")
    with pytest.raises(SourceFormatError, match="refused"):
        parse_text(tmp_path, sdn_xml(entry, head=head))


def test_deep_nesting_is_refused(tmp_path):
    deep = "<remarks>" + "<b>" * 200 + "x" + "</b>" * 200 + "</remarks>"
    with pytest.raises(SourceFormatError, match="nested deeper"):
        parse_text(tmp_path, sdn_xml(ENTRY.replace("<idList>", deep + "<idList>")))
