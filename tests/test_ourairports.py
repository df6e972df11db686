"""OurAirports: airports keyed by ident (MUSA has no ICAO/IATA code), countries, the "NA" trap, fuzz."""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import ourairports
from kgraph.errors import SourceFormatError
from kgraph.ids import node_keys
from kgraph.model import Edge, Node, ParseReport, validate
from tests.conftest import FIXTURES, corpus_path
from tests.mutations import damaged

AIRPORTS = FIXTURES / "aviation" / "ourairports"


def run(path, **kw):
    report = ParseReport("ourairports", str(path))
    recs = list(ourairports.parse(path, report=report, **kw))
    assert report.balanced
    for r in recs:
        assert validate(r) == [], r
    nodes = {r.id: r for r in recs if isinstance(r, Node)}
    return nodes, [r for r in recs if isinstance(r, Edge)], report


@pytest.mark.corpus
def test_corpus_musa_and_countries():
    nodes, edges, report = run(corpus_path("aviation", "ourairports"))
    assert report.read == report.kept == 249 + 8
    musa = nodes["airport-MUSA"]
    assert musa.props["name"] == ["San Antonio de los Baños Airfield"]
    assert musa.props["airportType"] == ["small_airport"] and musa.props["region"] == ["CU-15"]
    assert (musa.props["latitude"], musa.props["longitude"], musa.props["elevationFt"]) == (
        ["22.8715"], ["-82.5093"], ["164"])
    # no icao_code, no iata_code: the ident (and gps_code) are the keys flights join on
    assert "icaoCode" not in musa.props and "iataCode" not in musa.props
    assert node_keys("Airport", musa.props) == ["airport-MUSA"]
    assert [(e.end, e.props) for e in edges if e.start == "airport-MUSA"] == [("country-CU", {"role": ["airport"]})]
    assert nodes["airport-MUHA"].props["iataCode"] == ["HAV"]
    # "NA" is Namibia's code and North America's continent, never a missing value
    assert nodes["country-NA"].props == {"code": ["NA"], "name": ["Namibia"], "continent": ["AF"]}
    assert nodes["country-CU"].props["continent"] == ["NA"]


@pytest.mark.corpus
def test_corpus_unquoted_lite_file():
    nodes, edges, report = run(corpus_path("aviation", "ourairports", "airports-lite.csv"))
    assert report.kept == 249 + 9
    ulli = nodes["airport-ULLI"]
    assert ulli.props["iataCode"] == ["LED"] and ulli.props["country"] == ["RU"]
    assert "Leningrad" in ulli.props["keywords"]
    assert nodes["airport-MDSD"].props["name"] == ["Las Américas International Airport"]


def test_fixture_traps():
    nodes, edges, report = run(AIRPORTS)
    # 4 countries + 8 airport rows, one of them short
    assert (report.read, report.kept, report.rejected) == (12, 11, 1)
    assert any("expected 19 fields" in w for w in report.warnings)
    windhoek = nodes["airport-FYWH"]
    assert windhoek.props["country"] == ["NA"]
    assert [e.end for e in edges if e.start == windhoek.id] == ["country-NA"]
    assert nodes["airport-00A"].props["airportType"] == ["heliport"]
    # one quoted field holding a comma list
    assert nodes["airport-MULM"].props["keywords"] == ["MULM", "LCL"]
    bad = nodes["airport-XBAD"]
    assert not {"latitude", "longitude", "elevationFt"} & set(bad.props)
    assert sum("bad number" in w for w in report.warnings) == 3
    # no country: the airport is kept, without an edge, with a warning
    assert "airport-XNOC" in nodes and not [e for e in edges if e.start == "airport-XNOC"]


def test_skip_types_rejects_with_a_reason():
    nodes, _, report = run(AIRPORTS, skip_types=("heliport", "closed"))
    assert "airport-00A" not in nodes and "airport-MULM" not in nodes and "airport-MUSA" in nodes
    assert report.rejected == 3
    assert sum("skipped (skip_types)" in w for w in report.warnings) == 2


def test_airports_file_alone(tmp_path):
    shutil.copy(AIRPORTS / "airports.csv", tmp_path)
    nodes, _, report = run(tmp_path / "airports.csv")
    assert not [n for n in nodes.values() if n.type == "Country"]
    assert any("no countries.csv" in w for w in report.warnings)


@pytest.mark.parametrize("content", [b"", b"<html>404</html>\n", b'"id","code","name"\n1,"CU","Cuba"\n'])
def test_not_an_airports_file(tmp_path, content):
    (tmp_path / "airports.csv").write_bytes(content)
    with pytest.raises(SourceFormatError, match="airports.csv"):
        list(ourairports.parse(tmp_path))


def test_missing_file(tmp_path):
    with pytest.raises(SourceFormatError, match="no airports.csv"):
        list(ourairports.parse(tmp_path))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged((AIRPORTS / "airports.csv").read_bytes()))
def test_fuzz(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "airports.csv"
        p.write_bytes(data)
        report = ParseReport("ourairports")
        try:
            recs = list(ourairports.parse(p, report=report))
        except SourceFormatError as e:
            assert "airports.csv" in str(e)
            return
        assert report.balanced
        assert report.kept == sum(1 for r in recs if isinstance(r, Node) and r.type == "Airport")
        # every CSV record after the header is counted
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
        assert report.read == sum(1 for row in rows if any(v.strip() for v in row))


def test_source_metadata():
    from kgraph.sources import source_of

    src = source_of("airports")
    assert src.datasets == ("ourairports",) and [f.name for f in src.files] == ["airports.csv", "countries.csv"]
    assert src.assertions["nodes"]["Airport"] == [70_000, 100_000]
