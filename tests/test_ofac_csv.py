"""OFAC's CSV family: the fixture folder's facts, and one small hand-written file per trap."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import us_ofac
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate

FAMILY = Path(__file__).parent / "fixtures" / "ofac" / "family"
CONS = Path(__file__).parent / "fixtures" / "ofac" / "cons"
NULL = "-0- "

AVIACON = ('40181,"JSC AVIACON ZITOTRANS",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
           '"Organization Established Date 02 Jun 1995; Organization Type: Freight air transport; Tax ID No. '
           '6658039390 (Russia); Registration Number 1026602311240 (Russia)."')
RA78765 = ('40185,"RA-78765","aircraft","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Aircraft Manufacture '
           'Date 30 Jun 1988; Aircraft Model IL-76TD; Aircraft Manufacturer\'s Serial Number (MSN) 83486590; Aircraft '
           'Tail Number RA-78765; Linked To: JSC AVIACON ZITOTRANS."')


def csv_bytes(*lines: str, end: bytes = b"\x1a") -> bytes:
    """Rows as OFAC writes them: no header, CRLF, the Ctrl-Z byte at the end."""
    return "".join(line + "\r\n" for line in lines).encode("ascii") + end


def parse_bytes(tmp_path: Path, data: bytes, name: str = "SDN.CSV", **kw):
    path = tmp_path / name
    path.write_bytes(data)
    report = ParseReport("us_ofac_sdn")
    return list(us_ofac.parse(path, report=report, **kw)), report


def by_id(records) -> dict[str, Node]:
    return {r.id: r for r in records if isinstance(r, Node)}


def edges(records, kind: str) -> set[tuple[str, str]]:
    return {(r.start, r.end) for r in records if isinstance(r, Edge) and r.type == kind}


@pytest.fixture(scope="module")
def family():
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(FAMILY, snapshot="2024-05-03", report=report))
    return records, report


def test_family_reads_every_row_of_every_file(family):
    records, report = family
    # 15 SDN rows + 13 ADD + 14 ALT + 1 SDN_COMMENTS
    assert (report.read, report.kept, report.rejected) == (43, 43, 0)
    assert report.info["formats"] == {"us_ofac_sdn": "csv"}
    assert report.info["entries"] == {"us_ofac_sdn": 15}
    assert report.nodes["Organization"] + report.nodes["Person"] + report.nodes["Vessel"] + \
        report.nodes["Airplane"] == 15
    assert all(not validate(r) for r in records)


def test_aviacon_zitotrans_and_its_il76(family):
    records, _ = family
    nodes = by_id(records)
    org = nodes["ofac-40181"]
    assert org.type == "Organization" and org.prov.source == "us_ofac_sdn" and org.prov.record == "40181"
    assert org.prov.snapshot == "2024-05-03"  # the CSV states no date: the snapshot given is used
    assert org.get("name") == ["JSC AVIACON ZITOTRANS"]
    assert org.get("alias") == ["OAO AVIAKOMPANIYA AVIAKON TSITOTRANS", "AIR COMPANY AVIACON ZITOTRANS",
                                "AVIACON AIR CARGO", "AO AK AVIAKON TSITOTRANS"]
    assert org.get("innCode") == ["6658039390"] and org.get("ogrnCode") == ["1026602311240"]
    assert org.get("incorporationDate") == ["1995-06-02"] and org.get("sector") == ["Freight air transport"]
    assert org.get("country") == ["RU"]
    assert org.get("address") == ["Ul. Belinskogo D. 56, Pom. 605, Yekaterinburg 620026, Russia"]
    assert org.get("sourceUrl") == ["https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40181"]
    address = nodes["ofac-addr-59835"]
    assert address.props == {"full": ["Ul. Belinskogo D. 56, Pom. 605, Yekaterinburg 620026, Russia"],
                             "street": ["Ul. Belinskogo D. 56, Pom. 605"], "city": ["Yekaterinburg"],
                             "postalCode": ["620026"], "country": ["RU"]}
    assert ("ofac-40181", "ofac-addr-59835") in edges(records, "HAS_ADDRESS")
    plane = nodes["ofac-40185"]
    assert plane.type == "Airplane"
    assert plane.get("registrationNumber") == ["RA-78765"] and plane.get("serialNumber") == ["83486590"]
    assert plane.get("model") == ["IL-76TD"] and plane.get("modelFamily") == ["Il-76"]
    assert plane.get("buildDate") == ["1988-06-30"]
    linked = edges(records, "LINKED_TO")
    assert {(f"ofac-{u}", "ofac-40181") for u in range(40182, 40186)} <= linked
    link = next(r for r in records if isinstance(r, Edge) and r.type == "LINKED_TO" and r.start == "ofac-40185")
    assert link.get("relation") == ["Linked To"]
    assert not any(r.type == "OPERATES" for r in records if isinstance(r, Edge))


def test_programs_authority_and_sanctions(family):
    records, _ = family
    nodes = by_id(records)
    program = nodes["program-us-ofac-russia-eo14024"]
    assert program.props == {"name": ["RUSSIA-EO14024"], "code": ["RUSSIA-EO14024"],
                             "authority": ["OFAC Specially Designated Nationals and Blocked Persons List (SDN)"]}
    authority = nodes["authority-us_ofac_sdn"]
    assert authority.get("publisher") == ["US Treasury, Office of Foreign Assets Control"]
    assert authority.get("country") == ["US"]
    assert ("program-us-ofac-russia-eo14024", "authority-us_ofac_sdn") in edges(records, "ISSUED_BY")
    sanctioned = [r for r in records if isinstance(r, Edge) and r.type == "SANCTIONED_UNDER"
                  and r.start == "ofac-48727"]
    # "SDGT] [NPWMD] [IRGC] [IFSR": one edge per program
    assert sorted(r.end for r in sanctioned) == ["program-us-ofac-ifsr", "program-us-ofac-irgc",
                                                 "program-us-ofac-npwmd", "program-us-ofac-sdgt"]
    assert all("listingDate" not in r.props for r in sanctioned)  # the CSV family has none
    assert sanctioned[0].get("sourceUrl") == ["https://sanctionssearch.ofac.treas.gov/Details.aspx?id=48727"]
    # every program node is emitted once
    assert len([r for r in records if isinstance(r, Node) and r.type == "Program"]) == len(
        {r.id for r in records if isinstance(r, Node) and r.type == "Program"})


def test_ep_gom_and_ep_pus_share_one_msn(family):
    nodes = by_id(family[0])
    assert nodes["ofac-15431"].get("serialNumber") == nodes["ofac-48727"].get("serialNumber") == ["1023409321"]
    assert nodes["ofac-15431"].get("constructionNumber") == ["8401"]
    assert nodes["ofac-15431"].get("operatorName") == ["YAS AIR"]
    assert nodes["ofac-48727"].get("icao24") == ["7342B3"]
    assert {("ofac-15431", "ofac-13109"), ("ofac-48727", "ofac-13109")} <= edges(family[0], "LINKED_TO")


def test_remarks_cut_at_1000_characters_continue_in_comments(family):
    sber = by_id(family[0])["ofac-17018"]
    # the cut fell inside the INN: "7707083" | "893 (Russia)"
    assert sber.get("innCode") == ["7707083893"] and sber.get("ogrnCode") == ["1027700132195"]
    assert sber.get("weakAlias") == ["SBERBANK"] and sber.get("previousName") == ["SBERBANK OF RUSSIA"]


def test_vessels_people_and_odd_aircraft(family):
    nodes = by_id(family[0])
    ship = nodes["ofac-47371"]
    assert (ship.get("imoNumber"), ship.get("mmsi"), ship.get("callSign"), ship.get("flag")) == (
        ["9339301"], ["636013272"], ["A8LU7"], ["GA"])
    assert nodes["ofac-40716"].get("alias") == ["MAKRAN", "IRINS MAKRAN"]  # vessels have no weakAlias
    person = nodes["ofac-48603"]
    assert person.get("passportNumber") == ["2018278055", "2006801524"] and person.get("innCode") == ["366110340670"]
    assert person.get("lastName") == ["KHOROSHEV"] and person.get("firstName") == ["Dmitry Yuryevich"]
    assert person.get("gender") == ["male"] and person.get("nationality") == ["RU"]
    msn_named = nodes["ofac-18158"]
    assert msn_named.get("name") == ["MSN 550"] and "registrationNumber" not in msn_named.props
    hawker = nodes["ofac-27197"]
    assert hawker.get("serialNumber") == ["258512"]  # "Aircraft Serial Identification"
    assert hawker.get("previousRegistrationNumber") == ["M-VITO"]  # its ALT.CSV fka
    assert hawker.get("modelFamily") == ["BAe 125"] and hawker.get("country") == ["RU"]


def test_unresolved_links_are_warned_by_name(family):
    warnings = "\n".join(family[1].warnings)
    assert "name='MAHAN AIR'" in warnings and "name='ISLAMIC REVOLUTIONARY GUARD CORPS AIR FORCE'" in warnings
    assert family[1].info["links_unresolved"] == 4


def test_file_names_are_case_insensitive(tmp_path):
    for f in FAMILY.iterdir():
        shutil.copy(f, tmp_path / f.name.lower())
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(tmp_path, report=report))
    assert (report.read, report.rejected) == (43, 0)
    assert by_id(records)["ofac-17018"].get("innCode") == ["7707083893"]


def test_consolidated_lists(tmp_path):
    report = ParseReport("us_ofac_cons")
    records = list(us_ofac.parse(CONS, report=report))
    assert (report.read, report.kept, report.rejected) == (7, 7, 0)  # an empty CONS_COMMENTS.CSV is fine
    nodes = by_id(records)
    assert nodes["ofac-17022"].prov.source == "us_ofac_cons"
    assert nodes["authority-us_ofac_cons"].get("name") == ["OFAC Consolidated Sanctions List (non-SDN lists)"]
    assert ("ofac-18267", "ofac-17022") in edges(records, "LINKED_TO")
    assert ("program-us-ofac-ns-plc", "authority-us_ofac_cons") in edges(records, "ISSUED_BY")


def test_links_resolve_across_the_two_lists_of_one_publication(tmp_path):
    for f in (*FAMILY.iterdir(), *CONS.iterdir()):
        shutil.copy(f, tmp_path / f.name)
    with open(tmp_path / "SDN.CSV", "r+b") as f:
        body = f.read().rstrip(b"\x1a")
        f.seek(0)
        f.write(body + csv_bytes('99999,"TEST TANKER","vessel","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
                                 '"Linked To: OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY."'))
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(tmp_path, report=report))
    assert report.info["formats"] == {"us_ofac_sdn": "csv", "us_ofac_cons": "csv"}
    assert report.info["entries"] == {"us_ofac_sdn": 16, "us_ofac_cons": 3}
    assert ("ofac-99999", "ofac-17022") in edges(records, "LINKED_TO")


def test_no_header_null_marker_crlf_and_ctrl_z(tmp_path):
    records, report = parse_bytes(tmp_path, csv_bytes(AVIACON, RA78765))
    assert (report.read, report.kept) == (2, 2) and not report.warnings
    nodes = by_id(records)
    # "-0- " is null: no title, no vessel fields; a real value is always quoted
    assert set(nodes["ofac-40181"].props) == {"name", "incorporationDate", "sector", "innCode", "ogrnCode",
                                              "country", "sourceUrl"}
    assert ("ofac-40185", "ofac-40181") in edges(records, "LINKED_TO")


def test_missing_ctrl_z_is_a_truncation_warning(tmp_path):
    _, report = parse_bytes(tmp_path, csv_bytes(AVIACON, end=b""))
    assert report.kept == 1 and any("truncated" in w for w in report.warnings)


def test_rows_after_ctrl_z_are_read_and_warned_about(tmp_path):
    data = csv_bytes(AVIACON) + b"\r\n" + csv_bytes(RA78765)
    _, report = parse_bytes(tmp_path, data)
    assert report.kept == 2 and any("after the end-of-file byte" in w for w in report.warnings)


def test_wrong_column_count_names_the_line(tmp_path):
    short = '40182,"RA-76842","aircraft","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Aircraft Model IL-76TD."'
    with pytest.raises(SourceFormatError) as e:
        parse_bytes(tmp_path, csv_bytes(AVIACON, short))
    assert str(e.value) == "SDN.CSV: line 2: expected 12 fields, found 11"


def test_unterminated_quote_is_one_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=r"SDN.CSV: line \d+: malformed CSV"):
        parse_bytes(tmp_path, csv_bytes(AVIACON)[:-40])


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b"\x1a", "empty file"),
        (b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Service unavailable</body></html>",
         "HTML page"),
        (b'{"message": "Forbidden"}', "JSON"),
    ],
)
def test_empty_file_or_web_page_instead_of_csv(tmp_path, data, message):
    with pytest.raises(SourceFormatError, match=message) as e:
        parse_bytes(tmp_path, data)
    assert str(e.value).startswith("SDN.CSV")


def test_cp1252_fallback(tmp_path):
    row = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Website www.a\xe9ro.cu."'
    records, report = parse_bytes(tmp_path, row.encode("cp1252") + b"\r\n\x1a")
    assert by_id(records)["ofac-36"].get("website") == ["www.a\xe9ro.cu"]
    assert any("cp1252" in w for w in report.warnings)


def test_utf16_is_refused_and_a_utf8_bom_tolerated(tmp_path):
    with pytest.raises(SourceFormatError, match="UTF-16"):
        parse_bytes(tmp_path, csv_bytes(AVIACON).decode("ascii").encode("utf-16"))
    records, report = parse_bytes(tmp_path, b"\xef\xbb\xbf" + csv_bytes(AVIACON))
    assert report.kept == 1 and "ofac-40181" in by_id(records)


def test_bad_rows_are_rejected_with_a_reason(tmp_path):
    rows = [AVIACON, AVIACON,  # the same entry twice
            AVIACON.replace("40181,", "4O181,"),  # letter O for a zero
            RA78765.replace('"aircraft"', '"spaceship"'),
            '40183,-0- ,"aircraft","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ']
    records, report = parse_bytes(tmp_path, csv_bytes(*rows))
    assert (report.read, report.kept, report.rejected) == (5, 1, 4)
    text = "\n".join(report.warnings)
    for reason in ("appears twice", "not a number", "unknown SDN_Type 'spaceship'", "has no name"):
        assert reason in text


def test_companion_rows_of_no_entry_are_rejected(tmp_path):
    (tmp_path / "SDN.CSV").write_bytes(csv_bytes(AVIACON))
    (tmp_path / "ALT.CSV").write_bytes(csv_bytes('40181,62413,"aka","AVIACON AIR CARGO",-0- ',
                                                 '99999,1,"aka","NOBODY",-0- ', '40181,2,"xka","ODD TYPE",-0- '))
    (tmp_path / "ADD.CSV").write_bytes(csv_bytes('88888,7,"Somewhere 1","Moscow","Russia",-0- '))
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(tmp_path, report=report))
    assert (report.read, report.kept, report.rejected) == (5, 3, 2)
    assert "no entry 99999 in SDN.CSV" in "\n".join(report.warnings)
    assert by_id(records)["ofac-40181"].get("alias") == ["AVIACON AIR CARGO", "ODD TYPE"]
    assert report.unknown_fields["alt_type=xka"] == 1


def test_companions_without_their_primary_file(tmp_path):
    shutil.copy(FAMILY / "ADD.CSV", tmp_path / "add.csv")
    shutil.copy(FAMILY / "ALT.CSV", tmp_path / "alt.csv")
    with pytest.raises(SourceFormatError, match="SDN.CSV is missing"):
        list(us_ofac.parse(tmp_path))
    with pytest.raises(SourceFormatError, match="a companion file"):
        list(us_ofac.parse(tmp_path / "add.csv"))


def test_empty_folder_and_missing_path(tmp_path):
    with pytest.raises(SourceFormatError, match="no OFAC list files"):
        list(us_ofac.parse(tmp_path))
    with pytest.raises(SourceFormatError, match="no such file"):
        list(us_ofac.parse(tmp_path / "nope.csv"))


def test_a_single_sdn_csv_is_read_without_companions(tmp_path):
    records, report = parse_bytes(tmp_path, (FAMILY / "SDN.CSV").read_bytes())
    assert (report.read, report.kept) == (15, 15)
    assert "alias" not in by_id(records)["ofac-40181"].props
