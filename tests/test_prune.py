"""`kgraph prune` and `[update] keep_snapshots`: old raw and record snapshots go, what is read stays."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import cli
from kgraph.datadir import utc_stamp
from kgraph.pipeline import demo_path

WIDE = {"COLUMNS": "200"}


def kg(root, *args):
    return CliRunner(env=WIDE).invoke(cli, ["--data-dir", str(root), *args])


def _files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.parts[len(root.parts)] in ("raw", "records"))


@pytest.fixture()
def held(tmp_path):
    """The demo, its airports ingested three times more (four snapshots), then two downloads of them:
    one not parsed yet (newer than the current records) and one rejected by its checks."""
    root = tmp_path / "data"
    assert kg(root, "demo").exit_code == 0
    for _ in range(3):
        assert kg(root, "ingest", "airports", "--from", str(demo_path("airports")), "--no-check").exit_code == 0
    dd = kgraph.DataDir(root)
    raw = dd.raw_dir("airports")
    parsed = sorted(p.name for p in raw.iterdir())
    newest = utc_stamp()
    shutil.copytree(raw / parsed[-1], raw / newest)  # fetched, not parsed yet
    for stamp in (parsed[0], parsed[1]):  # two downloads kept for diagnosis
        (raw / f".rejected-{stamp}").mkdir()
        (raw / f".rejected-{stamp}" / "airports.csv").write_text("<html>Service Unavailable</html>")
    return root, parsed, newest


def _row(report, source, kind):
    return next(r for r in report["rows"] if (r["source"], r["kind"]) == (source, kind))


def test_prune_keeps_the_newest_the_current_and_what_it_was_parsed_from(held):
    root, parsed, newest = held
    dd = kgraph.DataDir(root)
    before = _files(root)
    seen = (dd.records_dir("us_ofac_sdn") / "first_seen.json").read_text()
    answers = kg(root, "lookup", "RA78765", "--json").output

    dry = kg(root, "prune", "--keep", "1", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["dry_run"] and _files(root) == before  # nothing removed
    # the newest raw snapshot (not parsed yet) and the one the current records came from
    assert _row(report, "airports", "raw")["removed"] == parsed[:-1]
    assert _row(report, "airports", "raw")["kept"] == 2
    assert _row(report, "airports", "rejected")["removed"] == [f".rejected-{parsed[0]}"]
    assert _row(report, "ourairports", "records")["removed"] == parsed[:-1]
    assert report["removed"] == 3 + 1 + 3 and report["bytes"] > 0
    assert all(not r["removed"] for r in report["rows"] if r["source"] not in ("airports", "ourairports"))

    done = kg(root, "prune", "--keep", "1")
    assert done.exit_code == 0, done.output
    assert "7 snapshot(s) removed; freed" in done.output and "ourairports" in done.output
    assert sorted(p.name for p in dd.raw_dir("airports").iterdir()) == sorted(
        [parsed[-1], newest, f".rejected-{parsed[1]}"])
    assert sorted(p.name for p in dd.records_dir("ourairports").iterdir()) == sorted([
        "CURRENT", f"{parsed[-1]}.json", f"{parsed[-1]}.jsonl.gz"])
    assert (dd.records_dir("us_ofac_sdn") / "first_seen.json").read_text() == seen
    # what kgraph reads is all there: the build, the lookup, and an offline parse of the newest download
    assert kg(root, "build").exit_code == 0
    assert kg(root, "lookup", "RA78765", "--json").output == answers
    assert kg(root, "ingest", "airports", "--offline", "--no-check").exit_code == 0
    assert (dd.records_dir("ourairports") / "CURRENT").read_text().strip() == newest
    # the newest download is the current one now: the one before goes, raw and records
    again = json.loads(kg(root, "prune", "--keep", "1", "--json").output)
    assert again["removed"] == 2 and _row(again, "airports", "raw")["removed"] == [parsed[-1]]
    assert _row(again, "ourairports", "records")["removed"] == [parsed[-1]]
    assert json.loads(kg(root, "prune", "--keep", "1", "--json").output)["removed"] == 0


def test_stats_says_how_big_the_data_directory_is_and_what_prune_would_free(held):
    root, parsed, newest = held
    disk = json.loads(kg(root, "stats", "--json").output)["disk"]
    # --keep 3: two of the five airport downloads and one of the four parsed snapshots are older
    assert disk["prunable"]["keep"] == 3 and disk["prunable"]["snapshots"] == 3 and disk["prunable"]["bytes"] > 0
    assert set(disk["bytes"]) >= {"raw", "records", "graph"} and disk["total"] == sum(disk["bytes"].values())
    shown = kg(root, "stats").output
    assert "Data directory: " in shown and "3 old snapshot(s)" in shown and "`kgraph prune --keep 3`" in shown
    assert kg(root, "prune").exit_code == 0
    assert json.loads(kg(root, "stats", "--json").output)["disk"]["prunable"]["snapshots"] == 0
    assert "old snapshot(s)" not in kg(root, "stats").output
    # a records summary that cannot be read: the counts and sizes are still shown, the damage is named
    dd = kgraph.DataDir(root)
    summary = dd.records_dir("ourairports") / f"{parsed[-1]}.json"
    summary.write_text('{"source": "ourairports", "snap')
    shown = kg(root, "stats")
    assert shown.exit_code == 0 and "Data directory: " in shown.output
    said = f"old snapshots not counted: {summary}: cannot be read (JSONDecodeError"
    assert said in " ".join(shown.output.split())  # however the table's console wraps it


def test_stats_and_prune_keep_what_config_toml_says(held):
    root, parsed, newest = held
    dd = kgraph.DataDir(root)
    dd.config_path.write_text("[update]\nkeep_snapshots = 1\n")
    # with one kept: the three older of the five airport downloads, the two older parsed snapshots, and
    # the older of the two rejected ones (the CURRENT records and what they were parsed from always stay)
    disk = json.loads(kg(root, "stats", "--json").output)["disk"]
    assert disk["prunable"]["keep"] == 1
    expected = json.loads(kg(root, "prune", "--keep", "1", "--dry-run", "--json").output)["removed"]
    assert disk["prunable"]["snapshots"] == expected > 3
    assert f"{expected} old snapshot(s)" in kg(root, "stats").output
    pruned = kg(root, "prune", "--json")  # no --keep: config.toml's number
    assert json.loads(pruned.output)["keep"] == 1 and json.loads(pruned.output)["removed"] == expected
    assert kgraph.prune(datadir=root, dry_run=True)["keep"] == 1
    assert json.loads(kg(root, "prune", "--keep", "3", "--json").output)["keep"] == 3  # the option still wins
    dd.config_path.write_text("[update]\nkeep_snapshots = true\n")
    refused = kg(root, "prune")
    assert refused.exit_code == 1 and refused.output.strip() == (
        "Error: config.toml: update.keep_snapshots must be a whole number of 1 or more, not True")


def test_a_removal_cut_short_is_finished_by_the_next_run(held):
    root, parsed, _ = held
    raw = kgraph.DataDir(root).raw_dir("airports")
    half = raw / f".removing-{parsed[0]}"  # renamed out of the snapshots, then killed while removed
    (raw / parsed[0]).rename(half)
    assert parsed[0] not in [p.name for p in kgraph.DataDir(root).raw_snapshots("airports")]
    assert kg(root, "prune", "--keep", "1", "--dry-run").exit_code == 0  # takes the lock: leftovers go
    assert not half.exists()


def test_keep_must_be_one_or_more(held):
    root, _, _ = held
    refused = kg(root, "prune", "--keep", "0")
    assert refused.exit_code == 2 and "0 is not in the range x>=1" in refused.output
    with pytest.raises(kgraph.KgraphError, match="keep must be a whole number of 1 or more, not 0"):
        kgraph.prune(keep=0, datadir=root)


def test_update_prunes_with_keep_snapshots(held):
    root, parsed, newest = held
    dd = kgraph.DataDir(root)
    dd.config_path.write_text("[update]\nkeep_snapshots = 2\n")
    updated = kg(root, "update", "--offline", "--no-check", "--json")
    assert updated.exit_code == 0, updated.output
    summary = json.loads(updated.output)
    # the offline update parsed the newest download: it and the one before are kept
    assert summary["pruned"]["keep"] == 2 and summary["pruned"]["removed"] == 3 + 3
    assert sorted(p.name for p in dd.raw_dir("airports").iterdir() if not p.name.startswith(".")) == [
        parsed[-1], newest]
    assert (dd.records_dir("ourairports") / "CURRENT").read_text().strip() == newest
    shown = kg(root, "update", "--offline", "--no-check")
    assert shown.exit_code == 0 and "pruned" not in shown.output  # nothing more to remove: nothing said
    (dd.raw_dir("airports") / parsed[0]).mkdir()  # an older snapshot again (a copied-back backup)
    (dd.raw_dir("airports") / parsed[0] / "airports.csv").write_text("x" * 2048)
    shown = kg(root, "update", "--offline", "--no-check")
    assert "pruned 1 old snapshot(s) (2.0 kB; [update] keep_snapshots = 2)" in shown.output
    dd.config_path.write_text("[update]\nkeep_snapshots = 0\n")
    refused = kg(root, "update", "--offline", "--no-check")
    assert refused.exit_code == 1 and refused.output.strip().splitlines()[-1] == (
        "Error: config.toml: update.keep_snapshots must be a whole number of 1 or more, not 0")
