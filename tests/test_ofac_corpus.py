"""OFAC ingesters on the real files of the corpus (skipped when the corpus is absent)."""
from __future__ import annotations

from collections import Counter

import pytest

from ingest import ofac_csv, us_ofac
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate
from tests.conftest import corpus_path

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def sdn_2024():
    path = corpus_path("sanctions", "ofac", "jackdwyer_sdn-list_2024-05-03", "sdn.csv")
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(path, snapshot="2024-05-03", report=report))
    return records, report


def test_sdn_csv_2024_parses_whole(sdn_2024):
    records, report = sdn_2024
    assert (report.read, report.kept, report.rejected) == (14_965, 14_965, 0)
    kinds = ("Organization", "Person", "Vessel", "Airplane")
    entities = [r for r in records if isinstance(r, Node) and r.type in kinds]
    assert len(entities) == 14_965
    assert Counter(n.type for n in entities) == {"Organization": 6_884, "Person": 6_854, "Vessel": 851,
                                                 "Airplane": 376}
    problems = [p for r in records for p in validate(r)]
    assert problems == []


def test_every_aircraft_has_a_tail_or_an_msn(sdn_2024):
    planes = [r for r in sdn_2024[0] if isinstance(r, Node) and r.type == "Airplane"]
    assert len(planes) == 376
    assert [p.id for p in planes if not (p.get("registrationNumber") or p.get("serialNumber"))] == []
    # every model written in the list is brought to a family
    assert sorted({p.first("model") for p in planes if not p.get("modelFamily")}) == []


def test_ra_78765_and_its_operator(sdn_2024):
    records = sdn_2024[0]
    nodes = {r.id: r for r in records if isinstance(r, Node)}
    plane = nodes["ofac-40185"]
    assert plane.get("registrationNumber") == ["RA-78765"] and plane.get("serialNumber") == ["83486590"]
    assert plane.get("modelFamily") == ["Il-76"]
    assert ("ofac-40185", "ofac-40181") in {(r.start, r.end) for r in records
                                            if isinstance(r, Edge) and r.type == "LINKED_TO"}
    assert nodes["ofac-40181"].get("innCode") == ["6658039390"]


def test_ep_gom_and_ep_pus_share_their_msn(sdn_2024):
    nodes = {r.id: r for r in sdn_2024[0] if isinstance(r, Node)}
    assert nodes["ofac-15431"].get("registrationNumber") == ["EP-GOM"]
    assert nodes["ofac-48727"].get("registrationNumber") == ["EP-PUS"]
    assert nodes["ofac-15431"].get("serialNumber") == nodes["ofac-48727"].get("serialNumber") == ["1023409321"]


def test_links_and_labels(sdn_2024):
    records, report = sdn_2024
    links = [r for r in records if isinstance(r, Edge) and r.type == "LINKED_TO"]
    assert len(links) > 6_000
    # the names that stay unresolved name entries of the consolidated list or of no list in this file
    assert report.info["links_unresolved"] < 20
    # nearly every label is known; the few unknown ones are counted and kept in notes
    assert sum(report.unknown_fields.values()) < 10


def test_assertion_ranges_hold_for_a_real_sdn_list(sdn_2024):
    from kgraph.sources import check_assertions

    import copy
    import dataclasses

    records, report = sdn_2024
    # this snapshot is SDN.CSV alone, without the ADD.CSV a full download brings
    assertions = copy.deepcopy(us_ofac.SOURCE.assertions)
    del assertions["datasets"]["us_ofac_sdn"]["nodes"]["Address"]
    source = dataclasses.replace(us_ofac.SOURCE, assertions=assertions)
    passed = check_assertions(source, {"us_ofac_sdn": report}, {"us_ofac_sdn": records})
    assert any("Airplane.serialNumber filled" in p for p in passed)
    assert any("376 Airplane nodes" in p for p in passed)


def test_assertions_flag_a_short_list(sdn_2024):
    from kgraph.errors import QualityError
    from kgraph.sources import check_assertions

    records, _ = sdn_2024
    excerpt = records[:2000]
    report = ParseReport("us_ofac_sdn")
    report.read = report.kept = 500
    for rec in excerpt:
        (report.nodes if isinstance(rec, Node) else report.edges)[rec.type] += 1
    with pytest.raises(QualityError, match=r"500 records read \(expected 12000\.\.110000\)"):
        check_assertions(us_ofac.SOURCE, {"us_ofac_sdn": report}, {"us_ofac_sdn": excerpt})


def test_tiny_watchman_folder_parses_whole():
    folder = corpus_path("sanctions", "ofac", "watchman_ofactest-tiny_2025-05-16")
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(folder, report=report))
    assert report.read == report.kept + report.rejected == 17 + 28 + 18 + 1
    # the subset was cut by hand: its ADD/ALT rows of entries left out of its SDN.CSV are rejected, by name
    orphans = [w for w in report.warnings if "no entry" in w]
    assert report.rejected == len(orphans) == 9  # ALT: 10416 11935 18820 29445 30221; ADD: 12562 21765 33723 33997
    nodes = {r.id: r for r in records if isinstance(r, Node)}
    assert nodes["ofac-48727"].get("icao24") == ["7342B3"]
    assert nodes["ofac-20540"].get("operatorName") == ["Air Koryo"]
    assert nodes["ofac-33151"].get("incorporationDate") == ["2018-09-25"]  # from the SDN_COMMENTS.CSV spill-over


@pytest.mark.parametrize("folder, rows", [
    ("watchman_tfidf-testdata_2025-12-24", {"add": 24_244, "alt": 20_107, "comments": 28}),
    ("watchman_pkg-sources-ofac-testdata_2025-02-27", {"add": 22_641, "alt": 19_486, "comments": 21}),
])
def test_companion_files_without_their_sdn_csv(folder, rows):
    path = corpus_path("sanctions", "ofac", folder)
    with pytest.raises(SourceFormatError, match="SDN.CSV is missing"):
        list(us_ofac.parse(path))
    # every companion row still reads: nulls, Ctrl-Z, CRLF, numbers
    files = ofac_csv.find_family(path)["us_ofac_sdn"]
    report = ParseReport("us_ofac_sdn")
    tables = ofac_csv.read_companions(files, report)
    assert report.read == sum(rows.values()) and report.rejected == 0 and not report.warnings
    assert {role: sum(len(v) for v in t.values()) for role, t in tables.items()} == rows
    alt_types = Counter(row[2] for entries in tables["alt"].values() for _, row in entries)
    assert set(alt_types) == {"aka", "fka", "nka"}
    if folder.startswith("watchman_tfidf"):
        assert alt_types == {"aka": 19_551, "fka": 539, "nka": 17}
        assert tables["add"]["40181"][0][1][1:] == ("59835", "Ul. Belinskogo D. 56, Pom. 605", "Yekaterinburg 620026",
                                                    "Russia", None)


def test_consolidated_lists_parse_whole():
    folder = corpus_path("sanctions", "ofac", "watchman_consolidated_2025-12-19")
    report = ParseReport("us_ofac_cons")
    records = list(us_ofac.parse(folder, report=report))
    assert report.read == report.kept == 442 + 574 + 1_073 + 10 and report.rejected == 0
    entities = [r for r in records if isinstance(r, Node) and r.type in ("Organization", "Person", "Vessel", "Airplane")]
    assert len(entities) == 442 and report.info["entries"] == {"us_ofac_cons": 442}
    assert {r.prov.source for r in records} == {"us_ofac_cons"}
    assert all(not validate(r) for r in records)


def test_sdn_xml_excerpt_is_flagged_incomplete():
    path = corpus_path("sanctions", "ofac", "deriv_sdn-xml-excerpt_2020-04-22", "sdn.xml")
    with pytest.raises(SourceFormatError, match="Record_Count says 8,197 entries but the file holds 8"):
        list(us_ofac.parse(path))
    report = ParseReport("us_ofac_sdn")
    records = list(us_ofac.parse(path, report=report, allow_partial=True))
    assert (report.read, report.kept, report.rejected) == (8, 8, 0)
    entities = [r for r in records if isinstance(r, Node) and r.type in ("Person", "Organization")]
    assert Counter(r.type for r in entities) == {"Person": 6, "Organization": 2}
    assert {r.prov.snapshot for r in records} == {"2020-04-22"}
    assert report.info["incomplete"] == {"declared": 8_197, "read": 8}
