"""Aircraft lists through a column mapping: ru-aircraft-db (SQLite), Transport Canada CCARCS, configured CSV."""
from __future__ import annotations

import csv
import io
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import aircraft_list
from kgraph.errors import ConfigError, SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate
from kgraph.refdata.icao import tail_to_hex
from tests.conftest import FIXTURES, corpus_path
from tests.mutations import damaged

REG = FIXTURES / "aviation" / "registries"


def run(path, **kw):
    report = ParseReport("list", str(path))
    recs = list(aircraft_list.parse(path, report=report, **kw))
    assert report.balanced
    for r in recs:
        assert validate(r) == [], r
    nodes = {}
    for r in recs:
        if isinstance(r, Node):
            nodes.setdefault(r.id, r)
    return nodes, [r for r in recs if isinstance(r, Edge)], report, recs


def sample_db(folder: Path) -> Path:
    db = folder / "aircraft.db"
    con = sqlite3.connect(db)
    con.executescript((REG / "ru-aircraft-db-sample.sql").read_text(encoding="utf-8"))
    con.close()
    return db


@pytest.mark.corpus
def test_corpus_ru_aircraft_db(capsys):
    nodes, edges, report, recs = run(corpus_path("aviation", "registries", "ru-aircraft-db", "aircraft.db"),
                                     mapping="ru_aircraft_db")
    assert report.read == report.kept == 6725
    assert all(r.prov.source == "ru_aircraft_db" for r in recs)
    ra = nodes["ru-aircraft-db-RA78765"]
    assert ra.props["icao24"] == ["1533ad"] and ra.props["registrationNumber"] == ["RA-78765"]
    assert ra.props["model"] == ["Ilyushin Il-76TD"] and ra.props["modelFamily"] == ["Il-76"]
    assert ra.props["icaoType"] == ["IL76"] and ra.props["serialNumber"] == ["83486590"]
    assert ra.props["country"] == ["RU"]
    ops = [nodes[e.start] for e in edges if e.type == "OPERATES" and e.end == ra.id]
    assert [(o.props["name"], o.props["icaoCode"], o.props["iataCode"]) for o in ops] == [
        (["Aviacon Zitotrans"], ["AZS"], ["ZR"])]
    # "Private owner" is a placeholder, never an organisation
    names = {n.props.get("name", [""])[0] for n in nodes.values() if n.type == "Organization"}
    assert "Private owner" not in names and "-" not in names
    # a livery is no company: "Aeroflot (Retro Livery)" is Aeroflot, its paint a note of the aircraft
    assert not [n for n in names if "livery" in n.lower()]
    retro = [n for n in nodes.values() if "livery: Retro" in n.props.get("notes", ())]
    assert len(retro) == 1 and [nodes[e.start].props["name"] for e in edges
                                if e.type == "OPERATES" and e.end == retro[0].id] == [["Aeroflot"]]
    # how far the RA-NNNNN rule holds in this register
    planes = [n for n in nodes.values() if n.type == "Airplane" and n.props.get("icao24")]
    numeric = [n for n in planes if tail_to_hex(n.props["registrationNumber"][0])]
    agree = sum(tail_to_hex(n.props["registrationNumber"][0]) == n.props["icao24"][0] for n in numeric)
    with capsys.disabled():
        print(f"\nru-aircraft-db: {len(numeric)} RA-NNNNN aircraft with a hex, {agree} follow the 0x140000 rule "
              f"({agree / len(numeric):.1%})")
    assert agree / len(numeric) > 0.95


def test_ru_sample_placeholders_and_codes(tmp_path):
    nodes, edges, report, _ = run(sample_db(tmp_path), mapping="ru_aircraft_db")
    # the row whose registration is "-" has no key: one counted rejection
    assert (report.read, report.kept, report.rejected) == (7, 6, 1)
    assert "icao24" not in nodes["ru-aircraft-db-RA01946"].props  # "-" is unknown, not a value
    assert not [e for e in edges if e.end == "ru-aircraft-db-RA07897"]  # Private owner: no operator
    # airline and operator differ: two candidate operators, each with its own codes
    ops = {nodes[e.start].props["name"][0]: nodes[e.start].props for e in edges if e.end == "ru-aircraft-db-RA00485"}
    assert ops == {"S7 Airlines": {"name": ["S7 Airlines"], "icaoCode": ["SBI"], "iataCode": ["S7"]},
                   "Citrus": {"name": ["Citrus"], "icaoCode": ["CTU"], "iataCode": ["XT"]}}
    # same airline in both columns: one edge
    assert len([e for e in edges if e.end == "ru-aircraft-db-RA78765"]) == 1
    assert report.unknown_fields == {}  # timestamp is known and ignored


def test_ccarcs_traps():
    nodes, edges, report, recs = run(REG / "carscurr.txt", mapping="ca_ccarcs")
    # four aircraft and the short line; the footer and the blank line are not records
    assert (report.read, report.kept, report.rejected) == (5, 4, 1)
    assert all(r.prov.source == "ca_ccarcs" for r in recs)
    sky = nodes["ca-ccarcs-CGSKY"]
    # the mark comes with a leading space and without C-; the address as 24 binary digits
    assert sky.props["registrationNumber"] == ["C-GSKY"]
    assert sky.props["icao24"] == ["c0754d"]
    assert sky.props["registered"] == ["2012-04-03"] and sky.props["buildDate"] == ["2007-06-01"]
    assert sky.props["country"] == ["CA"] and sky.props["manufacturer"] == ["CESSNA"]
    faac = nodes["ca-ccarcs-CFAAC"]
    assert faac.props["registeredUntil"] == ["2024-12-31"] and faac.props["registryStatus"] == ["Cancelled"]
    assert nodes["ca-ccarcs-CAAC"].props["registrationNumber"] == ["C-AAC"]
    bad = nodes["ca-ccarcs-CGBAD"]
    assert "icao24" not in bad.props and "registered" not in bad.props
    assert any("24 binary digits" in w for w in report.warnings)
    assert any("bad date" in w for w in report.warnings)
    assert report.unknown_fields == {}


def test_configured_csv_list():
    config = {"registry": {"lists": {
        "by_example": {"format": "csv", "delimiter": ";", "date_format": "%d/%m/%Y", "null": ["n/a"],
                       "columns": {"registration": "Mark", "icao24": "Hex", "model": "Type",
                                   "serialNumber": "Serial", "registered": "Since"},
                       "operators": [["Operator", "Operator code"]]},
        "ru_aircraft_db": {},
    }}}
    lists = aircraft_list.lists_from_config(config)
    assert lists["ru_aircraft_db"]["table"] == "aircraftdb"  # the preset, untouched
    nodes, edges, report, recs = run(REG / "example-register.csv", mapping=lists["by_example"], name="by_example")
    assert (report.read, report.kept, report.rejected) == (4, 2, 2)  # a duplicate mark, a row without one
    ew = nodes["by-example-EW78849"]
    assert ew.props["icao24"] == ["5100b1"] and ew.props["registered"] == ["2005-02-01"]
    assert ew.props["country"] == ["BY"] and ew.props["modelFamily"] == ["Il-76"]
    assert "registered" not in nodes["by-example-EW78843"].props  # "n/a" is null
    assert all(r.prov.source == "by_example" for r in recs)
    org = nodes[next(e.start for e in edges if e.end == ew.id)]
    assert org.props == {"name": ["Transaviaexport"], "icaoCode": ["TXC"]}


@pytest.mark.parametrize("mapping, message", [
    (None, "no column mapping"),
    ("no_such_preset", "unknown preset"),
    ({"name": "x", "format": "csv", "columns": {"tailNumber": "Mark"}}, "columns among"),
    ({"name": "x", "format": "xlsx", "columns": {}}, "format = csv"),
    ({"name": "x", "format": "csv", "colums": {}}, "unknown mapping keys"),
])
def test_bad_mappings(mapping, message):
    with pytest.raises(ConfigError, match=message):
        list(aircraft_list.parse(REG / "example-register.csv", mapping=mapping))


def test_structural_errors(tmp_path):
    db = sample_db(tmp_path)
    with pytest.raises(SourceFormatError, match="no table 'aircraft'"):
        list(aircraft_list.parse(db, mapping={"preset": "ru_aircraft_db", "table": "aircraft"}))
    with pytest.raises(SourceFormatError, match="mapped columns not in the source: hex"):
        list(aircraft_list.parse(db, mapping={"preset": "ru_aircraft_db",
                                              "columns": {"icao24": "hex", "registration": "registration"}}))
    html = tmp_path / "aircraft.db"
    html.write_bytes(b"<html><body>Not Found</body></html>" * 50)
    with pytest.raises(SourceFormatError, match="aircraft.db"):
        list(aircraft_list.parse(html, mapping="ru_aircraft_db"))
    with pytest.raises(SourceFormatError, match="empty file"):
        (tmp_path / "empty.csv").write_text("")
        list(aircraft_list.parse(tmp_path / "empty.csv", mapping={"name": "x", "format": "csv",
                                                                 "columns": {"registration": "Mark"}}))


def _outcome(path: Path, **kw) -> ParseReport | None:
    report = ParseReport("list")
    try:
        recs = list(aircraft_list.parse(path, report=report, **kw))
    except SourceFormatError as e:
        assert path.name in str(e)
        return None
    assert report.balanced
    assert report.kept == sum(1 for r in recs if isinstance(r, Node) and r.type == "Airplane")
    return report


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged((REG / "carscurr.txt").read_bytes()))
def test_fuzz_ccarcs(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "carscurr.txt"
        p.write_bytes(data)
        report = _outcome(p, mapping="ca_ccarcs")
        if report is not None:
            # every CSV record but blank lines and the footer is counted, whatever the damage
            rows = csv.reader(io.StringIO(data.decode("latin-1"), newline=""))
            footer = re.compile(aircraft_list.PRESETS["ca_ccarcs"]["footer"])
            expected = [r for r in rows if any(v.strip() for v in r) and not (len(r) == 1 and footer.match(r[0]))]
            assert report.read == len(expected)


_DB = None


def _db_bytes() -> bytes:
    global _DB
    if _DB is None:
        with tempfile.TemporaryDirectory() as tmp:
            _DB = sample_db(Path(tmp)).read_bytes()
    return _DB


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(_db_bytes()))
def test_fuzz_sqlite(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "aircraft.db"
        p.write_bytes(data)
        report = _outcome(p, mapping="ru_aircraft_db")
        if report is not None:
            # a damaged database that still opens must not lose rows silently
            assert report.read == 7


def test_preset_keyword_and_csv_export_of_the_database(tmp_path):
    # the pipeline passes preset=...; a CSV export of the table reads like the database
    db = sample_db(tmp_path)
    con = sqlite3.connect(db)
    cur = con.execute("SELECT * FROM aircraftdb")
    with open(tmp_path / "ru_aircraft_db.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([d[0] for d in cur.description])
        w.writerows(cur)
    con.close()
    from_db, _, _, _ = run(db, preset="ru_aircraft_db")
    from_csv, _, report, _ = run(tmp_path / "ru_aircraft_db.csv", preset="ru_aircraft_db")
    assert from_csv == from_db and report.kept == 6


def test_folder_with_several_lists_and_the_ccarcs_zip(tmp_path):
    sample_db(tmp_path)
    with zipfile.ZipFile(tmp_path / "ccarcsdb.zip", "w") as z:
        z.write(REG / "carscurr.txt", "carscurr.txt")
        z.writestr("carsownr.txt", "")
    nodes, _, report, recs = run(tmp_path)
    assert report.by_dataset() == {"ru_aircraft_db": {"read": 7, "kept": 6, "rejected": 1},
                                       "ca_ccarcs": {"read": 5, "kept": 4, "rejected": 1}}
    assert {r.prov.source for r in recs} == {"ru_aircraft_db", "ca_ccarcs"}
    assert nodes["ca-ccarcs-CGSKY"].props["icao24"] == ["c0754d"]
    # one list of the folder, chosen by preset
    nodes, _, report, _ = run(tmp_path, preset="ca_ccarcs")
    assert report.kept == 4 and "ru-aircraft-db-RA78765" not in nodes


def test_configured_list_by_name(tmp_path):
    config = {"registry": {"lists": {"by_example": {
        "format": "csv", "delimiter": ";", "files": ["example-register*.csv"],
        "columns": {"registration": "Mark", "icao24": "Hex"}, "ignore": ["Type", "Serial", "Operator",
                                                                        "Operator code", "Since"]}}}}
    nodes, _, report, recs = run(REG / "example-register.csv", preset="by_example", config=config)
    assert report.kept == 2 and not report.unknown_fields
    assert {r.prov.source for r in recs} == {"by_example"}
    # told from the file name when no preset is given
    _, _, report, _ = run(REG / "example-register.csv", config=config)
    assert report.kept == 2


def test_source_metadata():
    from kgraph.sources import source_of

    src = source_of("registry")
    assert set(src.datasets) == {"ru_aircraft_db", "ca_ccarcs"}
    assert {f.name for f in src.files} == {"aircraft.db", "ccarcsdb.zip"}
    assert not any(f.required for f in src.files)
