"""FAA Releasable Aircraft Database: corpus excerpt, hand-written fixtures for every trap, fuzz."""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import us_faa
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate
from tests.conftest import FIXTURES, corpus_path
from tests.mutations import damaged

FAA = FIXTURES / "aviation" / "faa"


def run(path, **kw):
    report = ParseReport("us_faa", str(path))
    recs = list(us_faa.parse(path, report=report, **kw))
    assert report.balanced
    for r in recs:
        assert validate(r) == [], r
    nodes = {r.id: r for r in recs if isinstance(r, Node)}
    edges = [r for r in recs if isinstance(r, Edge)]
    return nodes, edges, report


@pytest.mark.corpus
def test_corpus_master_excerpt_with_engine_reference():
    nodes, edges, report = run(corpus_path("aviation", "faa"))
    planes = {n.first("registrationNumber"): n for n in nodes.values() if n.type == "Airplane"}
    assert sorted(planes) == ["N80", "N80002", "N80007", "N8000E", "N8000T", "N8000U"]
    assert report.read == report.kept == 6
    n80 = nodes["faa-00084341"]
    assert n80.props["icao24"] == ["aadf83"]
    assert n80.props["serialNumber"] == ["FF-15"]
    assert n80.props["registered"] == ["1988-10-26"] and n80.props["registeredUntil"] == ["2028-10-31"]
    # ENGINE.txt (the full corpus file, BOM + CRLF) joined on ENG MFR MDL 52150
    assert "engine: P&W CANADA PT6A-6 SERIES" in n80.props["notes"]
    owner = next(e.start for e in edges if e.type == "OWNS" and e.end == "faa-00084341")
    assert nodes[owner].type == "Organization" and nodes[owner].props["name"] == ["FEDERAL AVIATION ADMINISTRATION"]
    # the privacy-blanked row: no owner node, a note saying why
    blank = nodes["faa-01021660"]
    assert "ownerName" not in blank.props
    assert not [e for e in edges if e.end == "faa-01021660"]
    assert any("44114" in n for n in blank.props["notes"])
    # the corpus ACFTREF is an excerpt without these codes: counted, not guessed
    assert report.info["acftref_missing"] == 6


def test_fixture_traps():
    nodes, edges, report = run(FAA)
    planes = {n.first("registrationNumber"): n for n in nodes.values() if n.type == "Airplane"}
    # BOM before N-NUMBER, CRLF, trailing comma and padding: values come out clean
    n80 = planes["N80"]
    assert n80.id == "faa-00084341"
    assert n80.props["model"] == ["BD-700-1A10"] and n80.props["manufacturer"] == ["BOMBARDIER INC"]
    assert n80.props["ownerName"] == ["FEDERAL AVIATION ADMINISTRATION"]
    # the truncated line is one counted rejection, the rows after it are read
    assert report.read == 9 and report.kept == 8 and report.rejected == 1
    assert any("expected 35 fields, found 11" in w for w in report.warnings)
    # octal and hex disagree: the N-number rule breaks the tie (N1234Y = A061D2), with a warning
    assert planes["N1234Y"].props["icao24"] == ["a061d2"]
    assert any("disagree" in w and "a061d3" in w for w in report.warnings)
    # hex column blank: the octal one alone gives the address
    assert planes["N99999"].props["icao24"] == ["adf7c7"]
    assert planes["N99999"].props["model"] == ["RV-7A"] and "kit: VANS RV-7A" in planes["N99999"].props["notes"]
    # no CSV quoting: the double quotes in ACFTREF's model name are part of the value
    assert planes["N1A"].props["model"] == ['BABY ACE "D"']
    # status code 13 = registration expired
    assert planes["N1234X"].props["registryStatus"] == ["expired"]
    assert planes["N80"].props["registryStatus"] == ["registered"]


def test_privacy_blanked_owner_has_no_owner_node():
    nodes, edges, _ = run(FAA)
    plane = nodes["faa-01021660"]
    assert "ownerName" not in plane.props
    assert not [e for e in edges if e.end == plane.id]
    assert any("withheld" in n for n in plane.props["notes"])


def test_owners_and_co_owners():
    nodes, edges, _ = run(FAA)
    owners = {nodes[e.start].props["name"][0]: nodes[e.start] for e in edges
              if e.type == "OWNS" and e.end == "faa-09000001"}
    # TYPE REGISTRANT 4 (co-owned): people stay people, the club is an organisation
    assert {k: v.type for k, v in owners.items()} == {
        "DOE JANE Q": "Person", "DOE JOHN R": "Person", "EXAMPLE FLYING CLUB": "Organization"}
    assert owners["DOE JANE Q"].props["address"] == ["1 ELM ST, SPRINGFIELD, IL 627011234"]
    assert nodes["faa-09000001"].props["ownerName"] == ["DOE JANE Q", "DOE JOHN R", "EXAMPLE FLYING CLUB"]


def test_dereg_export_country():
    nodes, edges, report = run(FAA)
    exported = next(n for n in nodes.values() if n.first("registrationNumber") == "N737EX")
    assert exported.id.startswith("faa-dereg-")
    assert exported.props["registryStatus"] == ["deregistered"]
    assert exported.props["registeredUntil"] == ["2022-03-10"]
    assert exported.props["modelFamily"] == ["Boeing 737"]
    assert "exported to RUSSIA" in exported.props["notes"]
    located = [e for e in edges if e.type == "LOCATED_IN" and e.start == exported.id]
    assert [(e.end, e.props["role"]) for e in located] == [("country-RU", ["export"])]
    owns = [e for e in edges if e.type == "OWNS" and e.end == exported.id]
    assert owns[0].props["endDate"] == ["2022-03-10"]
    # an export country the table does not know stays in the notes, with a warning, and makes no edge
    unknown = next(n for n in nodes.values() if n.first("registrationNumber") == "N4321Z")
    assert "exported to ATLANTIS" in unknown.props["notes"]
    assert not [e for e in edges if e.type == "LOCATED_IN" and e.start == unknown.id]
    assert any("ATLANTIS" in w for w in report.warnings)
    nodes, _, _ = run(FAA, include_dereg=False)
    assert not [n for n in nodes if n.startswith("faa-dereg-")]


def test_zip_and_single_file_give_the_same_records(tmp_path):
    folder_nodes, _, _ = run(FAA)
    zpath = tmp_path / "ReleasableAircraft.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for p in FAA.iterdir():
            z.write(p, p.name)
    zip_nodes, _, _ = run(zpath)
    assert zip_nodes == folder_nodes
    file_nodes, _, _ = run(FAA / "MASTER.txt")
    assert file_nodes == folder_nodes


@pytest.mark.parametrize("content, message", [
    (b"<!DOCTYPE html><html><body>Access denied</body></html>\r\n", "not an FAA"),
    (b"", "empty file"),
    (b"CODE,MFR,MODEL,\r\n1,2,3,\r\n", "missing N NUMBER"),
])
def test_not_a_master_file(tmp_path, content, message):
    (tmp_path / "MASTER.txt").write_bytes(content)
    with pytest.raises(SourceFormatError, match=message) as e:
        list(us_faa.parse(tmp_path))
    assert "MASTER.txt" in str(e.value)


def test_html_instead_of_zip(tmp_path):
    p = tmp_path / "ReleasableAircraft.zip"
    p.write_bytes(b"<html>Request Rejected</html>")
    with pytest.raises(SourceFormatError, match="not a zip"):
        list(us_faa.parse(p))
    with pytest.raises(SourceFormatError, match="no MASTER"):
        list(us_faa.parse(tmp_path / "nothing-here"))


def _data_lines(data: bytes) -> int:
    lines = data.split(b"\n")[1:]
    count = 0
    for raw in lines:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        count += bool(text.strip())
    return count


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged((FAA / "MASTER.txt").read_bytes()))
def test_fuzz_master(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(FAA / "ACFTREF.txt", folder)
        (folder / "MASTER.txt").write_bytes(data)
        report = ParseReport("us_faa")
        try:
            recs = list(us_faa.parse(folder, report=report, include_dereg=False))
        except SourceFormatError as e:
            assert "MASTER.txt" in str(e)
            return
        assert report.balanced
        # every physical line after the header is a counted record: none silently dropped
        assert report.read == _data_lines(data)
        assert report.kept == sum(1 for r in recs if isinstance(r, Node) and r.type == "Airplane")


def test_source_metadata():
    from kgraph.sources import source_of

    src = source_of("faa")
    assert src is us_faa.SOURCE and src.datasets == ("us_faa",) and src.prefix == "faa"
    assert src.files[0].urls == ("https://registry.faa.gov/database/ReleasableAircraft.zip",)
    assert src.assertions["nodes"]["Airplane"][0] >= 250_000
