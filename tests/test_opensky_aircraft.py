"""OpenSky aircraft database: legacy and monthly shapes, quoting traps, junk rows, candidate operators, fuzz."""
from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import opensky_aircraft
from ingest.opensky_aircraft import split_airline_codes
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate
from tests.conftest import FIXTURES, corpus_path
from tests.mutations import damaged

OPENSKY = FIXTURES / "aviation" / "opensky"


def run(path):
    report = ParseReport("opensky_aircraft", str(path))
    recs = list(opensky_aircraft.parse(path, report=report))
    assert report.balanced
    for r in recs:
        assert validate(r) == [], r
    nodes = {}
    for r in recs:
        if isinstance(r, Node):
            nodes.setdefault(r.id, r)
    return nodes, [r for r in recs if isinstance(r, Edge)], report


@pytest.mark.corpus
def test_corpus_31_column_excerpt():
    nodes, edges, report = run(corpus_path("aviation", "opensky", "aircraft-database-complete.excerpt.31col.csv"))
    assert (report.read, report.kept, report.rejected) == (5, 3, 2)
    assert any("000000" in w for w in report.warnings) and any("ground vehicle" in w for w in report.warnings)
    d = nodes["opensky-3c48e8"]
    assert d.props["registrationNumber"] == ["D-ABGH"] and d.props["country"] == ["DE"]
    assert d.props["modelFamily"] == ["Airbus A319"] and d.props["icaoType"] == ["A319"]
    # unquoted hex and the doubled quote of 'VAN''S'
    n = nodes["opensky-a6c64d"]
    assert n.props["registrationNumber"] == ["N5357"] and n.props["registeredUntil"] == ["2029-10-31"]
    assert n.props["buildDate"] == ["2008-01-01"]


@pytest.mark.corpus
def test_corpus_32_column_and_legacy_excerpts():
    nodes, edges, _ = run(corpus_path("aviation", "opensky", "aircraft-database-complete.excerpt.32col.csv"))
    garuda = nodes["opensky-8a003c"]
    assert garuda.props["registrationNumber"] == ["PK-GPG"] and garuda.props["operatorIcao"] == ["GIA"]
    # an operator known only by its ICAO code and callsign is still an organisation with an OPERATES edge
    op = next(e for e in edges if e.type == "OPERATES" and e.end == garuda.id)
    assert nodes[op.start].props == {"icaoCode": ["GIA"], "callsign": ["INDONESIA"]}
    nodes, edges, _ = run(corpus_path("aviation", "opensky", "aircraftDatabase.excerpt.csv"))
    coast_guard = nodes["opensky-ae267b"]
    assert coast_guard.props["model"] == ["MH-65C Dolphin"] and coast_guard.props["country"] == ["US"]
    owner = next(e for e in edges if e.type == "OWNS" and e.end == coast_guard.id)
    assert nodes[owner.start].props["name"] == ["United States Coast Guard"]


def test_monthly_32_columns_traps():
    nodes, edges, report = run(OPENSKY / "aircraft-database-complete-2025-08.csv")
    # 000000, the ground vehicle, the duplicate 1533ad, the non-hex and the truncated last line
    assert (report.read, report.kept, report.rejected) == (9, 4, 5)
    reasons = " | ".join(report.warnings)
    for reason in ("not an ICAO 24-bit address", "ground vehicle", "duplicate icao24", "expected 32 fields"):
        assert reason in reasons
    ra = nodes["opensky-1533ad"]
    assert ra.props["registrationNumber"] == ["RA-78765"]
    assert ra.props["serialNumber"] == ["0083486590"]  # as stored; the MSN key drops the zeros
    assert ra.props["modelFamily"] == ["Il-76"] and ra.props["country"] == ["RU"]
    assert ra.props["buildDate"] == ["1988-01-01"]
    assert ra.props["operatorName"] == ["Aviacon Zitotrans"] and ra.props["operatorIcao"] == ["AZS"]
    # the unquoted hex row
    assert nodes["opensky-152c2e"].props["registrationNumber"] == ["RA-76846"]
    # doubled quotes in quoted fields, an apostrophe inside an unquoted one
    rv = nodes["opensky-a6c64d"]
    assert rv.props["ownerName"] == ["O'Brien Kevin"] and rv.props["manufacturer"] == ["Van's Aircraft"]
    assert "O'Brien's plane" in rv.props["notes"]
    # a quoted note running over two lines; nextReg kept as a note
    hb = nodes["opensky-4b1805"]
    assert "multi\nline note" in hb.props["notes"] and "next registration: RA-73123" in hb.props["notes"]


def test_operator_is_a_candidate_organisation_not_a_merge():
    nodes, edges, _ = run(OPENSKY / "aircraft-database-complete-2025-08.csv")
    ops = [e for e in edges if e.type == "OPERATES"]
    # both Aviacon aircraft point at one organisation, named as OpenSky names it, with its codes
    starts = {e.start for e in ops if e.end in ("opensky-1533ad", "opensky-152c2e")}
    assert len(starts) == 1
    org = nodes[starts.pop()]
    assert org.id.startswith("opensky-org-")
    assert org.props == {"name": ["Aviacon Zitotrans"], "icaoCode": ["AZS"], "iataCode": ["ZR"],
                         "callsign": ["ZITOTRANS"]}
    owns = [e for e in edges if e.type == "OWNS" and e.end == "opensky-1533ad"]
    assert [nodes[e.start].props["name"] for e in owns] == [["Aviacon Zitotrans"]]


def test_monthly_31_columns_and_derived_country():
    nodes, _, report = run(OPENSKY / "aircraft-database-complete-2024-10.csv")
    assert report.kept == 2 and not report.unknown_fields
    assert nodes["opensky-1533ad"].props["registrationNumber"] == ["RA-78765"]
    # no country column value: the YV mark says Venezuela
    assert nodes["opensky-0d8123"].props["country"] == ["VE"]


def test_legacy_double_quoted_file():
    nodes, edges, report = run(OPENSKY / "aircraftDatabase.csv")
    assert report.kept == 2 and not report.unknown_fields
    ra = nodes["opensky-1533ad"]
    assert ra.props["registrationNumber"] == ["RA-78765"]  # written RA78765 in the file
    assert ra.props["operatorIcao"] == ["AZS"]


def test_unknown_column_is_counted_and_warned():
    nodes, _, report = run(OPENSKY / "aircraft-database-complete-unknown-column.csv")
    assert report.kept == 2
    assert report.unknown_fields == {"mysteryField": 1}
    assert any("mysteryField" in w for w in report.warnings)


@pytest.mark.parametrize("content", [b"", b"<html><body>503 Service Unavailable</body></html>\n",
                                     b"'a','b'\n'1','2'\n"])
def test_not_an_opensky_file(tmp_path, content):
    p = tmp_path / "aircraftDatabase.csv"
    p.write_bytes(content)
    with pytest.raises(SourceFormatError, match="aircraftDatabase.csv"):
        list(opensky_aircraft.parse(p))


def test_doctests():
    import doctest

    assert doctest.testmod(opensky_aircraft).failed == 0


def test_split_airline_codes():
    assert split_airline_codes("ZR / AZS") == ("ZR", "AZS")
    assert split_airline_codes("S7 / SBI") == ("S7", "SBI")
    assert split_airline_codes("RFF") == (None, "RFF")
    assert split_airline_codes("") == (None, None)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged((OPENSKY / "aircraft-database-complete-2025-08.csv").read_bytes()))
def test_fuzz(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "aircraft-database-complete-2025-08.csv"
        p.write_bytes(data)
        report = ParseReport("opensky_aircraft")
        try:
            recs = list(opensky_aircraft.parse(p, report=report))
        except SourceFormatError as e:
            assert p.name in str(e)
            return
        assert report.balanced
        assert report.kept == sum(1 for r in recs if isinstance(r, Node) and r.type == "Airplane")
        # rows can merge (a damaged quote swallows newlines) but never vanish uncounted: every CSV
        # record after the header is read
        assert report.read == _csv_records(data)


def _csv_records(data: bytes) -> int:
    buf = io.StringIO(data.decode("utf-8-sig", errors="surrogateescape"), newline="")
    quote = "'" if buf.readline().lstrip().startswith("'") else '"'
    return sum(1 for row in csv.reader(buf, quotechar=quote) if row and (len(row) > 1 or row[0].strip()))


def test_folder_takes_the_newest_monthly_file(tmp_path):
    for name in ("aircraft-database-complete-2024-10.csv", "aircraft-database-complete-2025-08.csv"):
        (tmp_path / name).write_bytes((OPENSKY / name).read_bytes())
    _, _, report = run(tmp_path)
    assert report.read == 9  # the 2025-08 file
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceFormatError, match="no aircraft-database"):
        list(opensky_aircraft.parse(tmp_path / "empty"))


def test_source_metadata():
    from kgraph.sources import source_of

    src = source_of("opensky")
    assert src.datasets == ("opensky_aircraft",) and all(u.startswith("https://") for u in src.files[0].urls)
    assert src.assertions["read"] == [400_000, 800_000]
