"""The OFAC Remarks mini-language and the label table shared by the three OFAC formats."""
from __future__ import annotations

import pytest

from ingest.ofac_common import Entry, LinkIndex, split_city_line, split_programs
from ingest.ofac_remarks import apply_remarks, iso_date, lookup, split_identifier, split_remarks
from kgraph.model import ParseReport


def entry(node_type: str = "Organization", uid: str = "1") -> Entry:
    return Entry(uid, node_type, "us_ofac_sdn", ParseReport("us_ofac_sdn"))


@pytest.mark.parametrize(
    "text, iso",
    [
        ("30 Jun 1988", "1988-06-30"),
        ("1993", "1993"),
        ("Sep 1991", "1991-09"),
        ("Jan 1991", "1991-01"),  # January and December are months, not "1991/1991-01"
        ("Dec 1991", "1991-12"),
        ("01 Jan 1991 to 31 Jan 1991", "1991-01"),
        ("Jan 1990 to Jan 1991", "1990/1991-01"),
        ("01 Dec 2000", "2000-12-01"),
        ("28 Dec 1989", "1989-12-28"),
        ("circa 1965", "1965"),
        ("1951 to 1953", "1951/1953"),
        ("01 Jan 1976 to 31 Dec 1978", "1976/1978"),
        ("circa 1979-1982", "1979/1982"),
        ("1988-06-30", "1988-06-30"),  # advanced XML hands ISO dates through
        ("31 Feb 1980", None),
        ("sometime", None),
    ],
)
def test_dates_in_the_forms_ofac_writes(text, iso):
    assert iso_date(text) == iso


def test_remarks_split_on_semicolons_and_lose_the_final_full_stop():
    assert split_remarks("Aircraft Model IL-76TD; Linked To: JSC AVIACON ZITOTRANS.") == [
        "Aircraft Model IL-76TD",
        "Linked To: JSC AVIACON ZITOTRANS",
    ]
    assert split_remarks(None) == [] and split_remarks("") == []


def test_programs_split_on_the_bracket_separator():
    assert split_programs("SDGT] [NPWMD] [IRGC] [IFSR") == ["SDGT", "NPWMD", "IRGC", "IFSR"]
    assert split_programs("RUSSIA-EO14024") == ["RUSSIA-EO14024"]
    assert split_programs(None) == []


def test_longest_label_wins():
    (kind, prop), label, rest = lookup("Aircraft Manufacturer's Serial Number (MSN) 83486590")
    assert (kind, prop, rest) == ("text", "serialNumber", "83486590")
    assert label == "Aircraft Manufacturer's Serial Number (MSN)"
    # the advanced XML spells the label with a curly apostrophe
    assert lookup("Aircraft Manufacturer\u2019s Serial Number (MSN)")[0] == ("text", "serialNumber")
    assert lookup("Additional Sanctions Information - Subject to Secondary Sanctions")[2] == (
        "Subject to Secondary Sanctions"
    )
    assert lookup("Listing Date (EO 14024 Directive 3): 24 Feb 2022")[0][0] == "note"
    assert lookup("Head of the Basij") is None


@pytest.mark.parametrize(
    "value, parts",
    [
        ("6658039390 (Russia)", ("6658039390", "Russia", None, None, None)),
        ("484824 (Egypt) issued 18 Jan 1984", ("484824", "Egypt", "18 Jan 1984", None, None)),
        ("G 649385 issued 08 Sep 2006 expires 17 Jul 2011", ("G 649385", None, "08 Sep 2006", "17 Jul 2011", None)),
        ("0582030 (Connecticut) (United States)", ("0582030", "United States", None, None, "(Connecticut)")),
        ("issued 21 Jun 1992 in Amman, Jordan", ("", None, None, None, "issued 21 Jun 1992 in Amman, Jordan")),
        ("719032284", ("719032284", None, None, None, None)),
    ],
)
def test_identifier_values(value, parts):
    assert split_identifier(value) == parts


def test_aircraft_remarks_keep_every_attribute_apart():
    e = entry("Airplane", "40185")
    e.add("name", "RA-78765")
    apply_remarks(
        e,
        "Aircraft Manufacture Date 30 Jun 1988; Aircraft Model IL-76TD; Aircraft Manufacturer's Serial Number "
        "(MSN) 83486590; Aircraft Tail Number RA-78765; Aircraft Construction Number (also called L/N or S/N or F/N) "
        "8401; Previous Aircraft Tail Number RA-78001; Aircraft Mode S Transponder Code 1533ad; Aircraft Operator "
        "AVIACON ZITOTRANS; Nationality of Registration Russia; Linked To: JSC AVIACON ZITOTRANS.",
    )
    node = e.node("2024-05-03")
    assert node.props == {
        "name": ["RA-78765"],
        "buildDate": ["1988-06-30"],
        "model": ["IL-76TD"],
        "serialNumber": ["83486590"],
        "registrationNumber": ["RA-78765"],
        "constructionNumber": ["8401"],
        "previousRegistrationNumber": ["RA-78001"],
        "icao24": ["1533AD"],
        "operatorName": ["AVIACON ZITOTRANS"],
        "country": ["RU"],
        "modelFamily": ["Il-76"],
        "sourceUrl": ["https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40185"],
    }
    assert e.links == [("JSC AVIACON ZITOTRANS", "Linked To")]


def test_msn_named_aircraft_is_not_given_a_tail():
    e = entry("Airplane")
    e.add("name", "MSN 550")
    apply_remarks(e, "Aircraft Model Airbus A321-131; Previous Aircraft Tail Number 2-WGLP.")
    node = e.node(None)
    assert "registrationNumber" not in node.props
    assert node.get("serialNumber") == ["550"]
    assert node.get("previousRegistrationNumber") == ["2-WGLP"]


def test_russian_identifiers_become_inn_ogrn_and_okpo():
    e = entry()
    apply_remarks(e, "Tax ID No. 6658039390 (Russia); Registration Number 1026602311240 (Russia); "
                     "Government Gazette Number 00032537 (Russia); Tax ID No. 10102315647 (Iran); "
                     "Registration Number 189556 (Iran).")
    p = e.props
    assert p["innCode"] == ["6658039390"] and p["ogrnCode"] == ["1026602311240"] and p["okpoCode"] == ["00032537"]
    assert p["taxNumber"] == ["10102315647"] and p["registrationNumber"] == ["189556"]
    assert p["country"] == ["RU", "IR"]


def test_weak_aliases_and_alternates():
    e = entry("Person")
    apply_remarks(e, "Email Address khoroshev1@icloud.com; alt. Email Address sitedev5@yandex.ru; "
                     "a.k.a. 'LOCKBITSUPP'; f.k.a. 'AL-QA'IDA'.")
    assert e.props["email"] == ["khoroshev1@icloud.com", "sitedev5@yandex.ru"]
    assert e.props["weakAlias"] == ["LOCKBITSUPP"]
    assert e.props["alias"] == ["AL-QA'IDA"]  # a Person has no previousName: the fka stays an alias


def test_unknown_labels_are_counted_and_kept_in_notes():
    e = entry("Person")
    apply_remarks(e, "Occupation: Chemist; Frobnication Code 12345 (Iran); Head of the Basij; "
                     "Flux Capacitor Registry: 88.")
    assert e.report.unknown_fields == {"Frobnication Code": 1, "Flux Capacitor Registry": 1}
    assert "Frobnication Code 12345 (Iran)" in e.props["notes"]
    assert "Flux Capacitor Registry: 88" in e.props["notes"]
    assert "Head of the Basij" in e.props["notes"]  # free text is a note, not an unknown label
    assert e.props["position"] == ["Chemist"]


def test_identifier_details_are_noted_not_dropped():
    e = entry("Person")
    apply_remarks(e, "Passport 484824 (Egypt) issued 18 Jan 1984; Passport issued 21 Jun 1992 in Amman, Jordan.")
    assert e.props["passportNumber"] == ["484824"]
    assert e.props["notes"] == ["Passport 484824 (Egypt) issued 18 Jan 1984",
                                "Passport issued 21 Jun 1992 in Amman, Jordan"]


def test_unreadable_values_are_warned_and_kept():
    e = entry("Person")
    apply_remarks(e, "DOB sometime in spring; nationality Atlantis.")
    assert e.props["notes"] == ["DOB sometime in spring", "nationality Atlantis"]
    assert len(e.report.warnings) == 2


def test_classic_xml_writes_links_in_parentheses():
    e = entry()
    apply_remarks(e, "(Linked To: SUMIYOSHI-KAI)")
    assert e.links == [("SUMIYOSHI-KAI", "Linked To")]


@pytest.mark.parametrize(
    "text, parts",
    [
        ("Yekaterinburg 620026", ("Yekaterinburg", None, "620026")),
        ("Miami, FL 33130", ("Miami", "FL", "33130")),
        ("Prague 110 00", ("Prague", None, "110 00")),
        ("London W1K 4QY", ("London", None, "W1K 4QY")),
        ("Bexhill on Sea, East Sussex", ("Bexhill on Sea", "East Sussex", None)),
        ("Tehran", ("Tehran", None, None)),
        ("123317", (None, None, "123317")),
    ],
)
def test_city_line_split(text, parts):
    assert split_city_line(text) == parts


def test_links_resolve_by_name_within_the_publication():
    index = LinkIndex()
    report = ParseReport("us_ofac_sdn")
    for uid, kind, name, alias in (("40181", "Organization", "JSC AVIACON ZITOTRANS", "AVIACON AIR CARGO"),
                                   ("19709", "Organization", "AIRCRAFT, AVIONICS, PARTS & SUPPORT LTD.", None),
                                   ("1", "Vessel", "FRUNZE", None), ("2", "Organization", "FRUNZE", None),
                                   ("3", "Vessel", "TWIN", None), ("4", "Vessel", "TWIN", None)):
        e = Entry(uid, kind, "us_ofac_sdn", report)
        e.add("name", name)
        e.add("alias", alias)
        index.add(e)
    assert index.resolve("JSC AVIACON ZITOTRANS", "40185", "us_ofac_sdn") == "40181"
    assert index.resolve("Aviacon Air Cargo", "40185", "us_ofac_sdn") == "40181"  # an alias, case folded
    # the remarks' final full stop was taken off the name
    assert index.resolve("AIRCRAFT, AVIONICS, PARTS & SUPPORT LTD", "9", "us_ofac_sdn") == "19709"
    assert index.resolve("FRUNZE", "9", "us_ofac_sdn") == "2"  # an organisation rather than a ship
    assert index.resolve("TWIN", "9", "us_ofac_sdn") is None  # two ships: ambiguous
    assert index.resolve("NOBODY", "9", "us_ofac_sdn") is None
