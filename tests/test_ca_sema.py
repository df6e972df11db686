"""Canada SEMA ingester: both element-name sets, the quirks of the list, hostile and damaged input."""
from __future__ import annotations

import doctest
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import ca_sema
from kgraph.errors import SourceFormatError
from kgraph.ids import make_id
from kgraph.model import Edge, Node, ParseReport, validate
from kgraph.schema import schema
from tests.conftest import FIXTURES, corpus_path
from tests.mutations import damaged

NEW = FIXTURES / "canada" / "sema-lmes-2025.xml"
OLD = FIXTURES / "canada" / "sema-lmes-2020.xml"
AVIACON_ID = make_id("ca-sema", "Russia / Russie", "1, Part 2", "380")


def run(path: Path) -> tuple[list, ParseReport]:
    report = ParseReport("ca_sema")
    return list(ca_sema.parse(path, snapshot="2026-01-31", report=report)), report


def nodes_by_record(records) -> dict[str, Node]:
    return {r.prov.record: r for r in records if isinstance(r, Node) and r.type in ("Person", "Organization", "Vessel")}


def edge_from(records, node_id: str, rel: str = "SANCTIONED_UNDER") -> Edge:
    (edge,) = [r for r in records if isinstance(r, Edge) and r.type == rel and r.start == node_id]
    return edge


def assert_valid(records) -> None:
    """Every record fits the schema, every edge joins allowed types, every entity is sanctioned once."""
    types = {r.id: r.type for r in records if isinstance(r, Node)}
    assert len(types) == sum(isinstance(r, Node) for r in records), "duplicate node ids"
    for rec in records:
        assert validate(rec) == [], (rec, validate(rec))
        if isinstance(rec, Edge):
            pair = (types[rec.start], types[rec.end])
            assert pair in schema().rel(rec.type).between, (rec.type, pair)
    entities = [r for r in records if isinstance(r, Node) and r.type in ("Person", "Organization", "Vessel")]
    listed = [r.start for r in records if isinstance(r, Edge) and r.type == "SANCTIONED_UNDER"]
    assert sorted(listed) == sorted(e.id for e in entities)


def test_source_declaration():
    src = ca_sema.SOURCE
    assert src.name == "canada" and src.datasets == ("ca_sema",)
    assert src.files[0].urls[0] == ca_sema.URL and src.files[0].name == "sema-lmes.xml"
    assert "Open Government Licence" in src.licence
    lo, hi = src.assertions["read"]
    assert lo <= 5690 <= hi  # the 2026-08-22 count


def test_aviacon_zitotrans_from_2025_names():
    records, report = run(NEW)
    aviacon = nodes_by_record(records)["Russia / Russie|1, Part 2|380"]
    assert aviacon.id == AVIACON_ID == "ca-sema-eddeda8f89db741a4d9b"
    assert aviacon.type == "Organization"
    assert aviacon.get("name") == ["Aviacon Zitotrans JSC"]
    assert aviacon.prov.source == "ca_sema" and aviacon.prov.snapshot == "2026-01-31"
    # the regime is not the company's nationality
    assert "country" not in aviacon.props
    edge = edge_from(records, AVIACON_ID)
    assert edge.end == "program-ca-sema-russia-1-part-2"
    assert edge.get("listingDate") == ["2023-05-18"]
    assert edge.get("decree") == ["Schedule 1, Part 2, item 380"]
    program = next(r for r in records if isinstance(r, Node) and r.id == edge.end)
    assert program.get("name") == ["Russia (SEMA) — Schedule 1, Part 2"]
    assert "Regime targets Russia (RU)" in program.get("notes")
    issued = edge_from(records, program.id, "ISSUED_BY")
    assert issued.end == "authority-ca_sema"
    authority = next(r for r in records if isinstance(r, Node) and r.id == "authority-ca_sema")
    assert authority.get("publisher") == ["Global Affairs Canada"] and authority.get("country") == ["CA"]
    assert report.info["element_names"] == "2025"
    assert_valid(records)


def test_same_ids_from_pre_2025_names():
    old_records, old_report = run(OLD)
    new_records, _ = run(NEW)
    old_nodes, new_nodes = nodes_by_record(old_records), nodes_by_record(new_records)
    assert old_nodes["Russia / Russie|1, Part 2|380"].id == AVIACON_ID
    # a listing keeps its node id across the March 2025 renaming of the elements
    for rid in set(old_nodes) & set(new_nodes):
        assert old_nodes[rid].id == new_nodes[rid].id
    assert len(set(old_nodes) & set(new_nodes)) >= 4
    assert "listingDate" not in edge_from(old_records, AVIACON_ID).props  # no DateOfListing before 2025
    assert old_report.info["element_names"] == "pre-2025"
    assert old_report.read == old_report.kept == 8 and old_report.rejected == 0
    assert_valid(old_records)


def test_counts_and_rejections_balance():
    records, report = run(NEW)
    assert report.read == 13 and report.kept == 12 and report.rejected == 1
    assert report.balanced
    assert any("without Country or Item" in w for w in report.warnings)
    assert len(nodes_by_record(records)) == report.kept
    assert report.unknown_fields == {"Remarks": 1}
    army = nodes_by_record(records)["Iran|1|151"]
    assert "Remarks: added by the test" in army.get("notes")  # unknown fields are counted and kept


def test_names_and_aliases():
    nodes = nodes_by_record(run(NEW)[0])
    aviacon = nodes["Russia / Russie|1, Part 2|380"]
    assert aviacon.get("alias") == ["AO AK Aviakon Tsitotrans", "Air Company Aviacon Zitotrans",
                                    "АО «Авиакомпания «Авиакон Цитотранс»"]
    assert "Russian name(s) in the list: АО «Авиакомпания «Авиакон Цитотранс»" in aviacon.get("notes")
    alliance = nodes["Russia / Russie|1, Part 2|768"]
    assert alliance.get("alias") == ["Alliance", 'Ассоциация "Альянс В Сфере ИИ"', "Альянс"]
    army = nodes["Iran|1|151"]
    assert army.get("name") == ["Iranian Army", "Armée iranienne"]
    assert army.get("alias") == ["Artesh", "Islamic Republic of Iran Army", "Pars Trading Co., Ltd."]
    girkin = nodes["Russia / Russie|1|43"]
    assert girkin.get("name") == ["Igor GIRKIN"] and girkin.get("lastName") == ["GIRKIN"]
    assert girkin.get("alias") == ["Igor STRELKOV", "Ігар Гіркін"]
    dyumin = nodes["Russia / Russie|1|96"]
    # "Alexei, Aleksei" spell his given name: full names, not lone words
    assert dyumin.get("alias") == ["Alexei DYUMIN", "Aleksei DYUMIN"] and not dyumin.get("weakAlias")
    general = nodes["Syria / Syrie|2|56"]
    assert general.get("title") == ["Major General", "major-général"]


# persons as the list writes them: an alias is often one name part spelt otherwise
PERSON = ("<record><Country>Russia / Russie</Country><LastName>{last}</LastName><GivenName>{given}</GivenName>"
          "<Aliases>{aliases}</Aliases><Schedule>1</Schedule><Item>{item}</Item></record>")
PERSONS = [  # (LastName, GivenName, Aliases) as in the real list
    ("DVORNIKOV", "Aleksandr Vladimirovich", "Alexander "),
    ("AKIMOV", "Andrey Igorevich", " Andrei "),
    ("ZHAROV", "Aleksandr Aleksandrovich ", "Alexander Alexandrovich"),
    ("GRABCHAK", "Evgeny Petrovich", "Yevgeny, Yevgeni, Evgeni, Evgeniy "),
    ("PASHCHENKO ", "Natalya Aleksandrovna", "PASHENKO"),
    ("MARTYNOV ", "Igor Yuryevich", "MARTINOV"),
    ("SALYAEV", "Aleksey Mikhailovich", "Aleksei, Oleksii SALYAYEV, SALIAIEV"),
    ("PAVLOV ", "Arseny ", "Motorola"),
    ("DREMOV", "Pavel ", "Batya, Kazak"),
    ("GIRKIN ", "Igor", "Igor STRELKOV"),
    ("Aslan ", "Aous ", "Aws Aslan"),
    ("Zadeh ", "Amir Ali Haji", "Amir Ali Hajizadeh"),
    ("MEDVEDEV", "Gennady  Nikolayevich ", "Gennadiy Nikolaevich; Russian: Геннадий"),
]


@pytest.fixture
def persons(tmp_path) -> dict[str, Node]:
    path = tmp_path / "sema-lmes.xml"
    path.write_text("<data-set>" + "".join(PERSON.format(last=last, given=given, aliases=aliases, item=i)
                                           for i, (last, given, aliases) in enumerate(PERSONS, 1))
                    + "</data-set>", encoding="utf-8")
    records, report = run(path)
    assert report.kept == len(PERSONS) and not report.warnings  # the list's normal shape: no warning
    assert_valid(records)
    return {n.get("lastName")[0]: n for n in nodes_by_record(records).values()}


def test_alias_spelling_given_names(persons):
    assert persons["DVORNIKOV"].get("alias") == ["Alexander DVORNIKOV"]
    assert persons["AKIMOV"].get("alias") == ["Andrei AKIMOV"]  # spells the first given name only
    assert persons["ZHAROV"].get("alias") == ["Alexander Alexandrovich ZHAROV"]
    assert persons["GRABCHAK"].get("alias") == ["Yevgeny GRABCHAK", "Yevgeni GRABCHAK", "Evgeni GRABCHAK",
                                                "Evgeniy GRABCHAK"]
    for last in ("DVORNIKOV", "AKIMOV", "ZHAROV", "GRABCHAK"):
        assert not persons[last].get("weakAlias"), last


def test_alias_spelling_last_name(persons):
    assert persons["PASHCHENKO"].get("alias") == ["Natalya Aleksandrovna PASHENKO"]
    assert persons["MARTYNOV"].get("alias") == ["Igor Yuryevich MARTINOV"]
    assert not persons["PASHCHENKO"].get("weakAlias") and not persons["MARTYNOV"].get("weakAlias")


def test_alias_mixing_name_parts_and_full_names(persons):
    # a given-name spelling, a full name, a last-name spelling, in that order
    assert persons["SALYAEV"].get("alias") == ["Aleksei SALYAEV", "Oleksii SALYAYEV",
                                               "Aleksey Mikhailovich SALIAIEV"]
    assert not persons["SALYAEV"].get("weakAlias")


def test_alias_call_signs_stay_weak(persons):
    assert persons["PAVLOV"].get("weakAlias") == ["Motorola"] and not persons["PAVLOV"].get("alias")
    assert persons["DREMOV"].get("weakAlias") == ["Batya", "Kazak"] and not persons["DREMOV"].get("alias")


def test_alias_full_names_kept(persons):
    assert persons["GIRKIN"].get("alias") == ["Igor STRELKOV"]
    assert persons["Aslan"].get("alias") == ["Aws Aslan"]
    # "Hajizadeh" is close to "Haji" but holds the last name: a full name, not "Amir Ali Hajizadeh Zadeh"
    assert persons["Zadeh"].get("alias") == ["Amir Ali Hajizadeh"]
    # a language-tagged alias is read as before: a lone word stays weak, and is noted
    medvedev = persons["MEDVEDEV"]
    assert medvedev.get("alias") == ["Gennadiy Nikolaevich MEDVEDEV"] and medvedev.get("weakAlias") == ["Геннадий"]
    assert "Russian name(s) in the list: Геннадий" in medvedev.get("notes")


@pytest.mark.parametrize("alias, given, last, expected", [
    ("Alexei", "Alexey Gennadyevich", "DYUMIN", ("alias", "Alexei DYUMIN")),
    ("Aleksei", "Alexey Gennadyevich", "DYUMIN", ("alias", "Aleksei DYUMIN")),  # ratio 62, the closest call
    ("Andrii", "Andrey Olegovich", "SHIPITSYN", ("alias", "Andrii SHIPITSYN")),
    ("Lydia", "Lidia Aleksandrovna", "BASOVA", ("alias", "Lydia BASOVA")),
    ("ERYGIN", "Vladimir Vladimirovich", "YERYGIN", ("alias", "Vladimir Vladimirovich ERYGIN")),
    ("DUBOVSKIY", "Ruslan Mikhailovich", "DUBOVSKY", ("alias", "Ruslan Mikhailovich DUBOVSKIY")),
    ("PASICHNYK", "Leonid Ivanovich", "PASECHNIK", ("alias", "Leonid Ivanovich PASICHNYK")),
    ("Givi", "Mikhail", "TOLSTYKH", ("weakAlias", "Givi")),
    ("Arina", "Vera Vadimovna", "NOVOSELSKAYA", ("weakAlias", "Arina")),
    ("Serhii SHERBAKOV", "Sergey Alekseyevich", "SHCHERBAKOV", ("alias", "Serhii SHERBAKOV")),
    ("Bushra Shawkat", "Bushra", "Al Assad", ("alias", "Bushra Shawkat")),
    ("Louise Sehulle Nhema", "Louise S.", "Nkomo", ("alias", "Louise Sehulle Nhema")),
])
def test_person_alias(alias, given, last, expected):
    assert ca_sema.person_alias(alias, given, last) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Air Bagan Holdings Pte. Ltd., Air Bagan Limited", ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]),
    ("(Rosselkhozbank)", ["Rosselkhozbank"]),
    ("GORT/ORTAS", ["GORT", "ORTAS"]),
    ("Maersk A/S", ["Maersk A/S"]),
    ("X (f.k.a. Old X)", ["X", "Old X"]),
    ('ООО «Альянс, Плюс»; Hebrew: אבג', ["ООО «Альянс, Плюс»", "אבג"]),
    ('Alpha "Beta, Gamma', ['Alpha "Beta', "Gamma"]),  # an unclosed quote does not swallow the rest
    ("  ", []),
])
def test_split_aliases(raw, expected):
    assert [a for a, _, _ in ca_sema.split_aliases(raw)] == expected


def test_former_name_alias():
    assert ca_sema.split_aliases("X (f.k.a. Old X)")[1] == ("Old X", None, True)


def test_vessels():
    nodes = nodes_by_record(run(NEW)[0])
    tanker = nodes["Russia / Russie|1.1|12"]
    assert tanker.type == "Vessel"
    assert tanker.get("imoNumber") == ["9333436"] and tanker.get("vesselType") == ["Crude Oil Tanker"]
    assert tanker.get("buildDate") == ["2009"] and tanker.get("name") == ["SCF Primorye"]
    blank_imo = nodes["Russia / Russie|1.1|13"]  # whitespace-only ShipIMONumber; a ship by its type
    assert blank_imo.type == "Vessel" and "imoNumber" not in blank_imo.props
    bad_imo = nodes["Russia / Russie|1.1|14"]
    assert bad_imo.type == "Vessel" and "imoNumber" not in bad_imo.props
    assert "IMO number as published (not valid): 9333437" in bad_imo.get("notes")


def test_dates():
    nodes = nodes_by_record(run(NEW)[0])
    general = nodes["Syria / Syrie|2|56"]
    assert general.get("birthDate") == ["1953-08-04"]  # 19575 as a spreadsheet day number
    assert any("19575" in n for n in general.get("notes"))
    assert nodes["Russia / Russie|1|96"].get("notes") == ["date as published: born in the early 1970s"]
    assert "birthDate" not in nodes["Russia / Russie|1|96"].props
    assert nodes["Russia / Russie|1|43"].get("birthDate") == ["1963", "1964"]
    jvcfor = next(n for rid, n in nodes.items() if rid.startswith("Justice for Victims") and rid.endswith("|54"))
    assert jvcfor.get("birthDate") == ["1972-03"]
    assert nodes["Venezuela||55"].get("birthDate") == ["1953-08-04"]  # DD-MM-YYYY


@pytest.mark.parametrize("raw, dates", [
    ("1972-08-10 or 1972-08-11", ["1972-08-10", "1972-08-11"]),
    ("28541", ["1978-02-20"]),
    ("1964-03", ["1964-03"]),
    ("1955", ["1955"]),
    ("31-02-1960", []),
    ("circa 1960", []),
])
def test_parse_dates(raw, dates):
    assert ca_sema.parse_dates(raw)[0] == dates


def test_record_ids_are_stripped_raw_key():
    nodes = nodes_by_record(run(NEW)[0])
    # "Venezuela " has a trailing space and no Schedule; the JVCFOR regime keeps its inner no-break space
    assert nodes["Venezuela||55"].id == make_id("ca-sema", "Venezuela", "", "55")
    jv = next(rid for rid in nodes if rid.startswith("Justice"))
    assert "/\u00a0Règlement" in jv


def test_doctests():
    assert doctest.testmod(ca_sema, optionflags=doctest.ELLIPSIS).failed == 0


# ---------------------------------------------------------------- the real 2020 file
@pytest.mark.corpus
def test_corpus_2020_file():
    path = corpus_path("sanctions", "canada", "cmt-project-api_2020-04-15", "sema-lmes.xml")
    text = path.read_text(encoding="utf-8")
    expected = len(re.findall(r"<record>", text))
    persons = len(re.findall(r"<record>\s*<Country>[^<]*</Country>\s*(?:<Title>[^<]*</Title>\s*)?<LastName>", text))
    assert expected == 1369
    records, report = run(path)
    assert report.read == expected and report.kept == expected and report.rejected == 0
    entities = nodes_by_record(records)
    assert len(entities) == expected  # one node per record: the (Country, Schedule, Item) keys are unique
    assert sum(n.type == "Person" for n in entities.values()) == persons
    assert sum(n.type == "Organization" for n in entities.values()) == text.count("<Entity>")
    assert report.unknown_fields == {}
    assert report.info["element_names"] == "pre-2025"
    assert_valid(records)
    by_last = {n.get("lastName")[0]: n for n in entities.values() if n.type == "Person"}
    # an alias spelling one name part is completed into a full name; a call sign stays a weak alias
    assert by_last["DVORNIKOV"].get("alias") == ["Alexander DVORNIKOV"] and not by_last["DVORNIKOV"].get("weakAlias")
    assert by_last["PASHCHENKO"].get("alias") == ["Natalya Aleksandrovna PASHENKO"]
    assert by_last["PAVLOV"].get("weakAlias") == ["Motorola"] and not by_last["PAVLOV"].get("alias")
    assert not any(" " not in a for n in by_last.values() for a in n.get("alias"))  # no lone word as a full alias


# ---------------------------------------------------------------- hostile and broken input
HOSTILE = {
    "xxe": b'<?xml version="1.0"?><!DOCTYPE data-set [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<data-set><record><Country>&x;</Country><Item>1</Item></record></data-set>",
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                      b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                      b"<data-set><record><Country>&lol3;</Country></record></data-set>",
    "external-dtd": b'<?xml version="1.0"?><!DOCTYPE data-set SYSTEM "http://127.0.0.1:9/evil.dtd">'
                    b"<data-set></data-set>",
    "deep-nesting": b"<data-set>" + b"<record>" * 200 + b"</record>" * 200 + b"</data-set>",
    "html-page": b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>",
    "wrong-root": b"<sdnList><sdnEntry/></sdnList>",
    "stray-element": b"<data-set><record><Country>Iran</Country><Item>1</Item></record><note/></data-set>",
    "field-with-children": b"<data-set><record><Country><b>Iran</b></Country><Item>1</Item></record></data-set>",
    "empty": b"",
    "truncated": NEW.read_bytes()[:2000],
    "cp1251-declared-utf8": NEW.read_text(encoding="utf-8").encode("cp1251", errors="replace"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bad_input_is_one_clear_error(tmp_path, name):
    path = tmp_path / f"{name}.xml"
    path.write_bytes(HOSTILE[name])
    with pytest.raises(SourceFormatError) as err:
        list(ca_sema.parse(path))
    assert f"{name}.xml" in str(err.value)
    assert "\n" not in str(err.value)


def test_hostile_entities_refused_by_name(tmp_path):
    path = tmp_path / "sema-lmes.xml"
    path.write_bytes(HOSTILE["xxe"])
    with pytest.raises(SourceFormatError, match="XXE|entit"):
        list(ca_sema.parse(tmp_path))  # a folder holding the file is read too


def test_missing_file(tmp_path):
    with pytest.raises(SourceFormatError, match="not found"):
        list(ca_sema.parse(tmp_path / "sema-lmes.xml"))


def test_duplicate_key_rejected(tmp_path):
    rec = "<record><Country>Iran</Country><EntityOrShip>{}</EntityOrShip><Schedule>1</Schedule><Item>7</Item></record>"
    path = tmp_path / "dup.xml"
    path.write_text(f"<data-set>{rec.format('First')}{rec.format('Second')}</data-set>", encoding="utf-8")
    records, report = run(path)
    assert report.read == 2 and report.kept == 1 and report.rejected == 1
    assert any("duplicate key" in w for w in report.warnings)
    assert [n.get("name") for n in nodes_by_record(records).values()] == [["First"]]


def _check_damaged(data: bytes, name: str, clean_kept: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        report = ParseReport("ca_sema")
        try:
            records = list(ca_sema.parse(path, report=report))
        except SourceFormatError as e:
            assert name in str(e)
            return
    assert report.balanced
    assert_valid(records)
    assert len(nodes_by_record(records)) == report.kept
    if report.kept < clean_kept:
        assert report.rejected > 0 or report.warnings


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])


@FUZZ
@given(damaged(NEW.read_bytes()))
def test_fuzz_fixture(case):
    kind, data = case
    _check_damaged(data, "sema-lmes.xml", 12)


@pytest.mark.corpus
def test_fuzz_corpus():
    data = corpus_path("sanctions", "canada", "cmt-project-api_2020-04-15", "sema-lmes.xml").read_bytes()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.data_too_large])
    @given(damaged(data))
    def check(case):
        _check_damaged(case[1], "sema-lmes.xml", 1369)

    check()
