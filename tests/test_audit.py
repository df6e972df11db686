"""The record-loss audit: per source, records read, kept, rejected and merged, stored with the build.

``build.json`` carries ``sources`` (per dataset: snapshot, read, kept,
rejected, merged, nodes, edges, warnings); ``kgraph stats`` shows it (table
and ``--json``). For every source read == kept + rejected, the counts are the
ones its ingest reported, the node and edge counts are those of the stored
record snapshot, and merged counts the source's records folded into a
cluster with records of other sources. Checked on the demo, on fixtures with
rejected rows, and on the corpus files of every ingester that has some.
"""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

import kgraph
from kgraph import records as store
from kgraph.cli import cli
from kgraph.datadir import DataDir
from kgraph.model import Node, ParseReport
from tests.conftest import FIXTURES, corpus_path

KEYS = ("snapshot", "read", "kept", "rejected", "merged", "nodes", "edges", "warnings")


def check_audit(dd: DataDir, ingested: dict[str, dict]) -> dict:
    """The audit of ``dd``'s current graph against what each dataset's last ingest reported."""
    info = kgraph.stats(datadir=dd)
    audit = info["sources"]
    assert set(audit) == set(ingested), (sorted(audit), sorted(ingested))
    for dataset, a in audit.items():
        assert set(KEYS) <= set(a), (dataset, a)
        assert a["read"] == a["kept"] + a["rejected"], (dataset, a)
        assert a["read"] > 0 and isinstance(a["merged"], int) and 0 <= a["merged"] <= a["nodes"], (dataset, a)
        reported = ingested[dataset]["report"]
        assert (a["read"], a["kept"], a["rejected"]) == (reported["read"], reported["kept"], reported["rejected"])
        assert a["snapshot"] == ingested[dataset]["snapshot"]
        # the nodes and edges counted are the records stored for that snapshot
        recs = list(store.read_current(dd, dataset))
        assert a["nodes"] == sum(isinstance(r, Node) for r in recs) == ingested[dataset]["nodes"]
        assert a["edges"] == len(recs) - a["nodes"] == ingested[dataset]["edges"]
    # merged members of the clusters, all counted against their sources
    assert sum(a["merged"] for a in audit.values()) == info["merged_records"]
    build = json.loads((dd.require_graph() / "build.json").read_text())
    assert build["sources"] == audit
    return info


def _cli_stats(dd: DataDir) -> tuple[dict, str]:
    runner = CliRunner()
    as_json = runner.invoke(cli, ["--data-dir", str(dd.root), "stats", "--json"])
    table = runner.invoke(cli, ["--data-dir", str(dd.root), "stats"], env={"COLUMNS": "200"})
    assert as_json.exit_code == 0 and table.exit_code == 0, as_json.output + table.output
    return json.loads(as_json.stdout), table.stdout


def _ingest(dd: DataDir, ingested: dict, source: str, path, **options) -> dict:
    summary = kgraph.ingest(source, from_path=path, datadir=dd, check=False, **options)
    assert summary["read"] == summary["kept"] + summary["rejected"]
    for dataset, d in summary["datasets"].items():
        ingested[dataset] = d
    return summary


def test_demo_audit_in_build_stats_and_cli(tmp_path):
    dd = DataDir(tmp_path / "data")
    kgraph.demo(datadir=dd)
    ingested = {s: store.snapshot_summary(dd, s) for s in store.sources_with_records(dd)}
    info = check_audit(dd, ingested)
    audit = info["sources"]
    # the reference case merges: OFAC's and Canada's Aviacon Zitotrans, the registry's RA-78765 and operator
    assert audit["us_ofac_sdn"]["merged"] > 0 and audit["ca_sema"]["merged"] > 0
    assert audit["ru_aircraft_db"]["merged"] > 0 and info["merged_records"] > 0
    as_json, table = _cli_stats(dd)
    assert as_json["sources"] == audit and as_json["merged_records"] == info["merged_records"]
    assert "Record-loss audit per source" in table
    for dataset, a in audit.items():
        row = next(line for line in table.splitlines() if re.search(rf"\b{dataset}\b", line))
        numbers = [int(n) for n in re.findall(r"(?<![\w-])\d+(?![\w-])", row.split(dataset, 1)[1])][-5:]
        assert numbers == [a["read"], a["kept"], a["rejected"], a["merged"], a["warnings"]], row


def test_rejected_records_are_counted_and_shown(tmp_path):
    """Sources with rejected rows (FAA: a short MASTER row; OpenSky: junk addresses): counted, never lost."""
    from ingest import us_faa

    dd = DataDir(tmp_path / "data")
    kgraph.demo(datadir=dd)
    ingested = {s: store.snapshot_summary(dd, s) for s in store.sources_with_records(dd)}
    faa = _ingest(dd, ingested, "faa", FIXTURES / "aviation" / "faa")
    opensky = _ingest(dd, ingested, "opensky",
                      FIXTURES / "aviation" / "opensky" / "aircraft-database-complete-2025-08.csv")
    kgraph.build(datadir=dd)
    audit = check_audit(dd, ingested)["sources"]
    # the same counts as a parse of the files by the ingester itself
    report = ParseReport("us_faa")
    list(us_faa.parse(FIXTURES / "aviation" / "faa", report=report))
    assert (audit["us_faa"]["read"], audit["us_faa"]["rejected"]) == (report.read, report.rejected)
    assert audit["us_faa"]["rejected"] >= 1 and faa["rejected"] == audit["us_faa"]["rejected"]
    assert audit["opensky_aircraft"]["rejected"] == opensky["rejected"] >= 1
    _, table = _cli_stats(dd)
    row = next(line for line in table.splitlines() if "us_faa" in line)
    assert str(audit["us_faa"]["rejected"]) in row.split("us_faa", 1)[1]


def test_each_dataset_of_a_split_source_keeps_its_own_counts(tmp_path):
    """OFAC's SDN and consolidated lists ingested from one folder: counts per list, not the whole parse twice."""
    import shutil

    folder = tmp_path / "ofac"
    shutil.copytree(FIXTURES / "ofac" / "family", folder)
    for p in (FIXTURES / "ofac" / "cons").iterdir():
        shutil.copy(p, folder / p.name)
    dd = DataDir(tmp_path / "data")
    ingested: dict = {}
    summary = _ingest(dd, ingested, "ofac", folder)
    assert set(summary["datasets"]) == {"us_ofac_sdn", "us_ofac_cons"}
    kgraph.build(datadir=dd)
    audit = check_audit(dd, ingested)["sources"]
    assert audit["us_ofac_sdn"]["read"] + audit["us_ofac_cons"]["read"] == summary["read"]
    assert audit["us_ofac_sdn"]["read"] != audit["us_ofac_cons"]["read"]


# --------------------------------------------------------------------------- the corpus
CORPUS_INPUTS = [
    ("ofac", ("sanctions", "ofac", "jackdwyer_sdn-list_2024-05-03", "sdn.csv"), {}),
    ("ofac", ("sanctions", "ofac", "watchman_consolidated_2025-12-19"), {}),
    ("canada", ("sanctions", "canada", "cmt-project-api_2020-04-15", "sema-lmes.xml"), {}),
    ("registry", ("aviation", "registries", "ru-aircraft-db", "aircraft.db"), {"preset": "ru_aircraft_db"}),
    ("airports", ("aviation", "ourairports"), {}),
    ("faa", ("aviation", "faa"), {}),
    ("opensky", ("aviation", "opensky", "aircraftDatabase.excerpt.csv"), {}),
    ("opensky", ("aviation", "opensky", "aircraft-database-complete.excerpt.32col.csv"), {}),
    ("opensky", ("aviation", "opensky", "aircraft-database-complete.excerpt.31col.csv"), {}),
    ("opensky-flights", ("aviation", "flights", "opensky-zenodo-flightlist",
                         "flightlist_20190101_20190131.excerpt.csv"), {}),
    ("opensky-flights", ("aviation", "flights", "opensky-api-samples", "flights_departure_LFPG_20231010.json"), {}),
]


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_audit(tmp_path):
    """Every ingester with corpus files: each ingest balances, and the build's audit shows the last of each."""
    paths = [(source, corpus_path(*parts), options) for source, parts, options in CORPUS_INPUTS]
    dd = DataDir(tmp_path / "data")
    ingested: dict = {}
    per_file = {}
    for source, path, options in paths:
        summary = _ingest(dd, ingested, source, path, **options)
        per_file[path.name] = (summary["read"], summary["kept"], summary["rejected"])
        assert summary["read"] > 0, path
    kgraph.build(datadir=dd)
    info = check_audit(dd, ingested)
    audit = info["sources"]
    assert set(audit) == {"us_ofac_sdn", "us_ofac_cons", "ca_sema", "ru_aircraft_db", "ourairports", "us_faa",
                          "opensky_aircraft", "opensky_flights"}
    # the real SDN list of 2024-05-03 is read whole (test_ofac_corpus checks the entries one by one)
    assert per_file["sdn.csv"] == (audit["us_ofac_sdn"]["read"], audit["us_ofac_sdn"]["kept"], 0)
    # the OpenSky excerpts carry junk rows (address 000000, a ground vehicle): rejected and counted
    assert per_file["aircraft-database-complete.excerpt.31col.csv"][2] > 0
    assert audit["opensky_aircraft"]["rejected"] == per_file["aircraft-database-complete.excerpt.31col.csv"][2]
    # sanctions lists and the Russian register share Aviacon Zitotrans: merges are counted on both sides
    assert audit["us_ofac_sdn"]["merged"] > 0 and audit["ru_aircraft_db"]["merged"] > 0
    as_json, _ = _cli_stats(dd)
    assert as_json["sources"] == audit
