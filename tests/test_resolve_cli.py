"""`kgraph judge` and `kgraph review` through click's CliRunner, on a resolution saved like a build saves it."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kgraph.cli import cli
from kgraph.datadir import DataDir
from kgraph.model import Node, Provenance
from kgraph.resolve import resolve
from kgraph.resolve.judgements import load_judgements


def org(node_id: str, name: str, source: str) -> Node:
    return Node(node_id, "Organization", {"name": [name]}, Provenance(source, node_id))


NODES = [
    org("ofac-1", "Neka Novin Engineering Services", "us_ofac_sdn"),
    org("ca-sema-2", "Neka Novin", "ca_sema"),  # a possible match: extra words on one side
    org("ofac-3", "Mahan Air", "us_ofac_sdn"),
    org("ca-sema-4", "Mahan Air", "ca_sema"),  # a sure match
]


@pytest.fixture
def built(tmp_path):
    """A data directory with a published build holding a saved resolution."""
    dd = DataDir(tmp_path / "data")
    res = resolve(NODES, [], judgements=load_judgements(dd))
    staging = dd.new_build_dir()
    res.save(staging / "resolution")
    dd.publish_build(staging)
    return dd


def run(dd: DataDir, *args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["--data-dir", str(dd.root), *args], env=env or {"USER": "analyst"})


def test_review_lists_uncertain_pairs_with_evidence(built):
    result = run(built, "review")
    assert result.exit_code == 0, result.output
    assert "ofac-1" in result.output and "ca-sema-2" in result.output
    assert "ofac-3" not in result.output  # merged, not uncertain
    assert "kgraph judge" in result.output


def test_pairs_a_rule_kept_apart_come_after_the_uncertain_ones(tmp_path):
    dd = DataDir(tmp_path / "data")
    nodes = [org("ofac-10", "SYRIAN ARAB AIRLINES", "us_ofac_sdn"), org("ofac-11", "SYRIAN ARAB ARMY", "us_ofac_sdn"),
             *NODES[:2]]
    staging = dd.new_build_dir()
    resolve(nodes, []).save(staging / "resolution")
    dd.publish_build(staging)
    pairs = json.loads(run(dd, "review", "--json").output)
    # the OFAC pair scores higher (0.78) but is decided by a rule: the pair an analyst must judge comes first
    assert [(p["a"], p["b"]) for p in pairs] == [("ca-sema-2", "ofac-1"), ("ofac-10", "ofac-11")]
    assert pairs[1]["score"] > pairs[0]["score"] and pairs[1]["evidence"][-1]["feature"] == "blocked"


def test_review_json_for_machines(built):
    result = run(built, "review", "--json", "--limit", "5")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.output)
    assert [(p["a"], p["b"]) for p in pairs] == [("ca-sema-2", "ofac-1")]
    assert pairs[0]["decision"] == "possible"
    assert 0.55 <= pairs[0]["score"] < 0.75
    assert pairs[0]["evidence"][0]["feature"] == "name"


def test_judge_records_and_removes_the_pair_from_review(built):
    result = run(built, "judge", "ofac-1", "ca-sema-2", "--same", "--note", "same address")
    assert result.exit_code == 0, result.output
    assert "Recorded" in result.output
    j = load_judgements(built)[("ca-sema-2", "ofac-1")]
    assert (j.judgement, j.user, j.note) == ("same", "analyst", "same address")
    assert json.loads(run(built, "review", "--json").output) == []
    # and the next build applies it before any automatic decision
    res = resolve(NODES, [], judgements=load_judgements(built))
    assert res.canonical["ca-sema-2"] == "ofac-1"


def test_judge_json_output_and_last_judgement_wins(built):
    run(built, "judge", "ofac-3", "ca-sema-4", "--same")
    result = run(built, "judge", "ca-sema-4", "ofac-3", "--different", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["judgement"] == "different"
    res = resolve(NODES, [], judgements=load_judgements(built))
    assert res.canonical["ca-sema-4"] != res.canonical["ofac-3"]


def test_judge_needs_a_decision_and_known_ids(built):
    result = run(built, "judge", "ofac-1", "ca-sema-2")
    assert result.exit_code != 0 and "--same" in result.output
    result = run(built, "judge", "ofac-1", "ofac-404", "--different")
    assert result.exit_code != 0 and "ofac-404" in result.output and "Traceback" not in result.output
    result = run(built, "judge", "ofac-1", "ofac-404", "--different", "--force")
    assert result.exit_code == 0, result.output


def test_review_without_a_build_is_one_clear_error(tmp_path):
    result = run(DataDir(tmp_path / "empty"), "review")
    assert result.exit_code != 0
    assert "kgraph build" in result.output and "Traceback" not in result.output


def test_python_api_matches_the_cli(built):
    import kgraph

    pairs = kgraph.review(datadir=built)
    assert [(m.a, m.b) for m in pairs] == [("ca-sema-2", "ofac-1")]
    kgraph.judge("ofac-1", "ca-sema-2", "unsure", datadir=built)
    assert kgraph.review(datadir=built) == []


def test_review_names_both_records_and_prints_their_ids_whole_for_judge(tmp_path):
    """OFAC lists Aviacon Zitotrans' RA-76842 with MSN 1033418616, the Russian registry with 1043418616:
    one tail, serial numbers one character apart, a pair for an analyst."""
    import sqlite3
    from pathlib import Path

    import kgraph
    from tests.conftest import FIXTURES

    db = tmp_path / "aircraft.db"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / "aviation" / "registries" / "ru-aircraft-db-sample.sql").read_text("utf-8"))
    con.execute("INSERT INTO aircraftdb VALUES ('152C2A', 'RA-76842', 'IL76', 'Ilyushin Il-76TD', '1043418616', "
                "'Aviacon Zitotrans', '-', 'ZR / AZS', '-', '2023-08-13 09:47:00')")
    con.commit()
    con.close()
    dd = DataDir(tmp_path / "data")
    kgraph.ingest("ofac", from_path=Path(kgraph.__file__).parent / "demo" / "data" / "ofac", datadir=dd, check=False)
    kgraph.ingest("registry", from_path=db, datadir=dd, check=False, preset="ru_aircraft_db")
    kgraph.build(datadir=dd)
    pairs = json.loads(run(dd, "review", "--json").output)
    assert [(p["a"], p["b"]) for p in pairs] == [("ofac-40182", "ru-aircraft-db-RA76842")]
    assert pairs[0]["evidence"][-1]["feature"] == "msn_typo"
    out = run(dd, "review", env={"USER": "analyst", "COLUMNS": "80"}).output
    assert "A ofac-40182" in out and "B ru-aircraft-db-RA76842" in out  # whole, at 80 columns
    assert out.count("RA-76842 (Airplane)") == 2
