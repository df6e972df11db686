"""One entry, three formats: the CSV family, SDN.XML and the advanced XML give the same records.

The fixtures hold the same real entries (Aviacon Zitotrans 40181 and its Il-76TD 40182-40185;
POUYA AIR 13109 with EP-GOM 15431 and EP-PUS 48727) in each format. What only one format
carries is set aside: listing dates and relation types (advanced XML), non-Latin names
(advanced XML).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import us_ofac
from kgraph.errors import QualityError, SourceFormatError
from kgraph.model import Edge, Node, ParseReport
from kgraph.schema import schema
from kgraph.sources import INGESTERS, check_assertions, source_of

FIXTURES = Path(__file__).parent / "fixtures" / "ofac"
UIDS = ("13109", "15431", "40181", "40182", "40183", "40184", "40185", "48727")
SHARED = {f"ofac-{u}" for u in UIDS}


def parse(path: Path):
    report = ParseReport("us_ofac_sdn")
    return list(us_ofac.parse(path, snapshot="2024-05-03", report=report)), report


def comparable(records) -> tuple[dict, set]:
    """Nodes of the shared entries and their addresses, and their edges, without format-only facts."""
    nodes, edges = {}, set()
    for r in records:
        if isinstance(r, Node) and (r.id in SHARED or r.type in ("Address", "Program", "Authority")):
            props = {k: sorted(v) for k, v in r.props.items()}
            if "alias" in props:  # the advanced XML adds names in other scripts
                props["alias"] = [a for a in props["alias"] if a.isascii()]
            nodes[r.id] = (r.type, props, r.prov)
        elif isinstance(r, Edge) and r.start in SHARED | {n for n in nodes if n.startswith("program-")}:
            props = {k: v for k, v in r.props.items() if k not in ("listingDate", "relation")}
            edges.add((r.type, r.start, r.end, repr(sorted(props.items())), r.prov))
    return nodes, edges


@pytest.fixture(scope="module")
def formats():
    return {name: parse(FIXTURES / name) for name in ("family", "sdn.xml", "sdn_advanced.xml")}


@pytest.mark.parametrize("other", ["sdn.xml", "sdn_advanced.xml"])
def test_the_same_entries_give_the_same_records(formats, other):
    csv_nodes, csv_edges = comparable(formats["family"][0])
    xml_nodes, xml_edges = comparable(formats[other][0])
    shared_addresses = {k for k in xml_nodes if k.startswith("ofac-addr-")}
    assert shared_addresses == {"ofac-addr-20948", "ofac-addr-26202", "ofac-addr-73228", "ofac-addr-59835"}
    for node_id in sorted(SHARED | shared_addresses):
        assert csv_nodes[node_id] == xml_nodes[node_id], node_id
    assert {e for e in csv_edges if e[1] in SHARED} == {e for e in xml_edges if e[1] in SHARED}


def test_what_only_the_advanced_xml_says(formats):
    records = formats["sdn_advanced.xml"][0]
    dates = {r.start: r.first("listingDate") for r in records if isinstance(r, Edge) and r.type == "SANCTIONED_UNDER"}
    assert dates["ofac-40181"] == "2023-01-26"
    csv_dates = [r.first("listingDate") for r in formats["family"][0]
                 if isinstance(r, Edge) and r.type == "SANCTIONED_UNDER"]
    assert set(csv_dates) == {None}


def test_a_folder_is_read_in_its_richest_format(tmp_path):
    for f in (FIXTURES / "family").iterdir():
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(FIXTURES / "sdn.xml", tmp_path / "SDN.XML")
    records, report = parse(tmp_path)
    assert report.info["formats"] == {"us_ofac_sdn": "classic"} and report.read == 8
    shutil.copy(FIXTURES / "sdn_advanced.xml", tmp_path / "sdn_advanced.xml")
    records, report = parse(tmp_path)
    assert report.info["formats"] == {"us_ofac_sdn": "advanced"} and report.read == 8
    assert any(r.first("listingDate") for r in records if isinstance(r, Edge))


def test_xml_files_are_read_by_what_they_hold(tmp_path):
    shutil.copy(FIXTURES / "sdn_advanced.xml", tmp_path / "SDN.XML")  # advanced XML under the classic name
    records, report = parse(tmp_path)
    assert report.info["formats"] == {"us_ofac_sdn": "advanced"} and report.kept == 8


@pytest.mark.parametrize("name", ["SDN.CSV", "sdn.xml", "SDN_ADVANCED.XML"])
def test_an_html_page_in_place_of_any_file(tmp_path, name):
    path = tmp_path / name
    path.write_text("<!DOCTYPE html>\n<html><body><h1>403 Forbidden</h1></body></html>")
    with pytest.raises(SourceFormatError, match="HTML page") as e:
        list(us_ofac.parse(path))
    assert str(e.value).startswith(name)


def test_nodes_and_edges_are_counted_by_type(formats):
    records, report = formats["family"]
    assert sum(report.nodes.values()) == sum(isinstance(r, Node) for r in records)
    assert sum(report.edges.values()) == sum(isinstance(r, Edge) for r in records)


def test_source_description():
    source = source_of("ofac")
    assert source is us_ofac.SOURCE and INGESTERS["ofac"] == "ingest.us_ofac"
    assert source.datasets == ("us_ofac_sdn", "us_ofac_cons") and source.prefix == "ofac"
    assert "public domain" in source.licence
    names = [f.name for f in source.files]
    assert {"SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV", "CONS_PRIM.CSV", "SDN_ADVANCED.XML"} <= set(names)
    for f in source.files:
        # the Sanctions List Service first, then its other host, then treasury.gov's legacy paths
        assert f.urls[0].startswith("https://sanctionslistservice.ofac.treas.gov/")
        assert f.urls[-1].startswith("https://www.treasury.gov/ofac/downloads/")
        assert f.kind == ("xml" if f.name.endswith(".XML") else "csv")
    s = schema()
    sdn = source.assertions["datasets"]["us_ofac_sdn"]
    for node_type in sdn["nodes"]:
        assert node_type in s.nodes
    for key in sdn["fill"]:
        node_type, prop = key.split(".")
        assert prop in s.node(node_type).properties


def test_assertions_describe_a_full_download_not_an_excerpt(formats):
    """The pipeline checks them on full downloads; parse() itself works on any excerpt."""
    _, report = formats["family"]
    with pytest.raises(QualityError, match="records read"):
        check_assertions(us_ofac.SOURCE, {"us_ofac_sdn": report})
