"""Crash safety: `kgraph build`, `ingest` and `update --offline` killed with SIGKILL at many points.

Each test starts from a data directory holding the built demo graph plus a
generated input large enough to take seconds (the demo's airports and 4,000
generated airfields for builds, 30,000 for an ingest alone), runs the real
command in a subprocess, and kills it with SIGKILL as soon as a file-system
event shows it has reached a stage (staging folder created, store being
loaded, index being written, graph swapped in...) or after seeded random
delays. After every kill:

* the data directory opens and the graph that was current answers `kgraph
  lookup`, `show` and `query` exactly as before (a kill after the swap leaves
  the new graph, complete, which answers the same questions the same way);
* the lock is free (the kernel drops an ``flock`` with its holder);
* the next run cleans up what the killed one left (staging folders, temp
  files), and a final run completes and leaves nothing behind.

The kills follow each other on one data directory, so each run also starts
from the debris of the previous kill.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import time
from pathlib import Path

import pytest

from kgraph.datadir import DataDir, utc_stamp
from tests.hardening import (answers, big_airports, complete_build, copy_datadir, current_build, descendants,
                             finish, kill_after, kill_when, leftovers, lock_is_free, run_kgraph, start_kgraph,
                             still_running, tree_digest)

pytestmark = pytest.mark.slow

EXTRA_AIRFIELDS = 4_000
INGEST_AIRFIELDS = 30_000


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """golden: the demo, built; pending: golden plus the big airports ingested, not yet built."""
    base = tmp_path_factory.mktemp("crash")
    big = big_airports(base / "airports-big", EXTRA_AIRFIELDS)
    # an ingest alone is quicker than a build: a bigger file keeps each of its stages open long enough to see
    huge = big_airports(base / "airports-huge", INGEST_AIRFIELDS)
    golden = base / "golden"
    r = run_kgraph(golden, "demo")
    assert r.returncode == 0, r.stderr
    before = answers(golden)
    pending = copy_datadir(golden, base / "pending")
    r = run_kgraph(pending, "ingest", "airports", "--from", big, "--no-check")
    assert r.returncode == 0, r.stderr
    return {"base": base, "big": big, "huge": huge, "golden": golden, "pending": pending, "before": before}


def _records_consistent(root: Path) -> None:
    """Every source's CURRENT names a complete record snapshot (the gzip reads to its end)."""
    for d in (root / "records").iterdir():
        if not d.is_dir():  # a switch's journal, completed by the next run (leftovers() names it)
            continue
        if not (d / "CURRENT").exists():  # a dataset's first records, staged by a killed run: nothing to read
            assert all(p.name.startswith(".") for p in d.iterdir()), sorted(d.iterdir())
            continue
        current = (d / "CURRENT").read_text().strip()
        with gzip.open(d / f"{current}.jsonl.gz", "rt", encoding="utf-8") as f:
            for line in f:
                json.loads(line)
        assert (d / f"{current}.json").is_file()


def _after_kill(root: Path, prev_build: str, before: dict, debris: list[str], *,
                may_swap: bool) -> tuple[str, list[str]]:
    """The checks after each kill; returns the current build and what the killed run left."""
    assert lock_is_free(root), "the killed process still holds the lock"
    build = current_build(root)
    assert build is not None and complete_build(root / "graph" / build), f"current graph {build} is incomplete"
    if not may_swap:
        assert build == prev_build, "the graph changed although the run was killed before the swap"
    # the debris of the previous kill was removed by this run before it was killed in turn
    assert not [p for p in debris if (root / p).exists()], "the next run did not clean up the previous leftovers"
    assert answers(root) == before
    _records_consistent(root)
    return build, leftovers(root)


def _final_run(root: Path, *args: str, before: dict) -> None:
    r = run_kgraph(root, *args)
    assert r.returncode == 0, r.stderr
    assert leftovers(root) == []
    assert lock_is_free(root)
    assert complete_build(root / "graph" / current_build(root))
    assert answers(root) == before
    _records_consistent(root)


def _staging(root: Path, pattern: str):
    return lambda: any(root.glob(pattern))


def _new_staging(root: Path, pattern: str):
    """Like _staging, for paths that did not exist when it was called: the debris of the previous
    kill can hold the very file awaited (the lookup index is written beside the store, from the start)."""
    old = set(root.glob(pattern))
    return lambda: any(p not in old for p in root.glob(pattern))


# --------------------------------------------------------------------------- build
def test_build_killed_at_every_stage(prepared, tmp_path):
    root = copy_datadir(prepared["pending"], tmp_path / "data")
    before = prepared["before"]
    graph = root / "graph"
    prev = current_build(root)
    debris: list[str] = []
    kinds_seen: dict[str, list[str]] = {}
    points = [
        ("staging folder created", ".building-*"),
        ("store being loaded", ".building-*/store.lbdb"),
        ("lookup index being written", ".building-*/lookup.sqlite"),
    ]
    for name, pattern in points:
        event = _new_staging(graph, pattern)
        proc = start_kgraph(root, "build")
        assert kill_when(proc, event), f"build ended before '{name}' was observed: {finish(proc)}"
        prev, debris = _after_kill(root, prev, before, debris, may_swap=False)
        kinds_seen[name] = debris
    # after the swap: `current` moved; what follows (pruning old builds) is cut short
    t0 = time.monotonic()
    proc = start_kgraph(root, "build")
    old = prev
    assert kill_when(proc, lambda: current_build(root) != old), f"build ended before the swap was seen: {finish(proc)}"
    duration = time.monotonic() - t0
    prev, debris = _after_kill(root, prev, before, debris, may_swap=True)
    assert prev != old  # the swap had happened: the new graph is current, and complete
    # seeded random moments across a whole build
    rnd = random.Random(20260201)
    for _ in range(2):
        proc = start_kgraph(root, "build")
        delay = rnd.uniform(0.1, 0.9) * duration
        kill_after(proc, delay)
        # a kill this early may land before the run took the lock: the debris is checked by the final run
        prev, _ = _after_kill(root, prev, before, [], may_swap=True)
    # each staged kill left a half-built graph behind, which the next run removed
    assert all(any(p.startswith("graph/.building-") for p in left) for left in kinds_seen.values()), kinds_seen
    _final_run(root, "build", before=before)
    builds = [p for p in graph.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(builds) <= 2  # old builds are pruned by the completed run


# --------------------------------------------------------------------------- ingest
def test_ingest_killed_at_every_stage(prepared, tmp_path):
    root = copy_datadir(prepared["golden"], tmp_path / "data")
    before = prepared["before"]
    graph_before = tree_digest(root / "graph")
    raw = root / "raw" / "airports"
    records = root / "records" / "ourairports"
    published = set(p.name for p in raw.iterdir())
    prev = current_build(root)
    debris: list[str] = []
    points = [
        ("raw staging folder created", _staging(raw, ".staging-*")),
        ("file copied, parse running", _staging(raw, ".staging-*/fetch.json")),
        ("raw snapshot published", lambda: any(p.name not in published and not p.name.startswith(".")
                                               for p in raw.iterdir())),
        # a temp file of this run, not one a previous kill left (the run removes those first)
        ("records being written", lambda: any(f"records/ourairports/{p.name}" not in debris
                                              for p in records.glob(".*.tmp"))),
    ]
    left_by: dict[str, list[str]] = {}
    for name, event in points:
        proc = start_kgraph(root, "ingest", "airports", "--from", prepared["huge"], "--no-check", "-s")
        assert kill_when(proc, event), f"ingest ended before '{name}' was observed: {finish(proc)}"
        prev, debris = _after_kill(root, prev, before, debris, may_swap=False)
        left_by[name] = debris
        assert tree_digest(root / "graph") == graph_before  # an ingest never touches the graph
    assert any(p.startswith("raw/airports/.staging-") for p in left_by["file copied, parse running"])
    assert any(p.startswith("records/ourairports/.") for p in left_by["records being written"])
    _final_run(root, "ingest", "airports", "--from", str(prepared["huge"]), "--no-check", "-s", before=before)
    assert tree_digest(root / "graph") == graph_before
    newest = sorted(p.name for p in raw.iterdir() if not p.name.startswith("."))[-1]
    assert (records / "CURRENT").read_text().strip() == newest


def test_an_ingest_of_two_lists_killed_between_them_leaves_both_as_they_were(prepared, tmp_path):
    """OFAC's SDN and consolidated lists come from one parse: killed once the first list's records are
    written and while the second's are, neither list changed; the next run switches both."""
    from kgraph.pipeline import demo_path

    root = copy_datadir(prepared["golden"], tmp_path / "data")
    lists = tmp_path / "ofac"
    lists.mkdir()
    for f in demo_path("ofac").iterdir():
        (lists / f.name).write_bytes(f.read_bytes())
    # enough consolidated entries that writing their records takes long enough to be seen
    with open(lists / "CONS_PRIM.CSV", "w", encoding="utf-8", newline="") as f:
        for n in range(900_001, 960_001):
            f.write(f'{n},"TRADING COMPANY {n} LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
                    f'"Tax ID No. {7700000000 + n} (Russia)."\r\n')
    records = [root / "records" / d for d in ("us_ofac_sdn", "us_ofac_cons")]
    current = lambda: [(d / "CURRENT").read_text() if (d / "CURRENT").exists() else None for d in records]  # noqa: E731
    before = current()

    def both_staging() -> bool:  # one list staged whole, the other being written
        return all(d.is_dir() and any(p.name.startswith(".") for p in d.iterdir()) for d in records)

    proc = start_kgraph(root, "ingest", "ofac", "--from", lists, "--no-check", "-s")
    assert kill_when(proc, both_staging), f"ingest ended before both lists were being written: {finish(proc)}"
    assert lock_is_free(root)
    assert current() == before  # neither list switched
    _records_consistent(root)
    assert leftovers(root)  # what it staged, until the next run
    _final_run(root, "ingest", "ofac", "--from", lists, "--no-check", "-s", before=prepared["before"])
    after = current()
    assert after[0] == after[1] and after[0] != before[0]


# --------------------------------------------------------------------------- update --offline
def test_update_offline_killed_at_every_stage(prepared, tmp_path):
    root = copy_datadir(prepared["golden"], tmp_path / "data")
    before = prepared["before"]
    # a newer raw snapshot of the airports, not parsed yet: update --offline re-parses it, then builds
    raw = root / "raw" / "airports" / utc_stamp()
    raw.mkdir()
    for f in prepared["big"].iterdir():
        (raw / f.name).write_bytes(f.read_bytes())
    (raw / "fetch.json").write_text(json.dumps({"from": str(prepared["big"])}))
    graph, records = root / "graph", root / "records" / "ourairports"
    prev = current_build(root)
    debris: list[str] = []
    points = [
        ("airport records being written", _staging(records, ".*.tmp")),
        ("graph store being loaded", _staging(graph, ".building-*/store.lbdb")),
    ]
    for name, event in points:
        proc = start_kgraph(root, "update", "--offline", "--no-check", "-s")
        workers: list[int] = []

        def seen(event=event) -> bool:  # the processes the update runs its ingests in, at the kill
            if event():
                workers[:] = descendants(proc.pid)
                return True
            return False

        assert kill_when(proc, seen), f"update ended before '{name}' was observed: {finish(proc)}"
        if name == "airport records being written":
            # the update ingests in worker processes (and a fork server); killed, it must not leave them
            # waiting for work forever
            assert workers, "no worker process seen while the airports were ingested"
            assert still_running(workers) == [], "worker processes outlived the killed update"
        prev, debris = _after_kill(root, prev, before, debris, may_swap=False)
    old = prev
    proc = start_kgraph(root, "update", "--offline", "--no-check", "-s")
    assert kill_when(proc, lambda: current_build(root) != old), f"update ended before the swap: {finish(proc)}"
    prev, debris = _after_kill(root, prev, before, debris, may_swap=True)
    _final_run(root, "update", "--offline", "--no-check", "-s", before=before)
    assert (records / "CURRENT").read_text().strip() == raw.name


# --------------------------------------------------------------------------- the last instants of a swap
def test_leftover_temporary_link_of_a_swap_is_removed(prepared, tmp_path):
    """A kill between creating the new `current` link and renaming it over the old one leaves a
    hidden link (`graph/.current-PID`); the next run removes it and the old graph stays current."""
    root = copy_datadir(prepared["golden"], tmp_path / "data")
    prev = current_build(root)
    stale = root / "graph" / ".current-999999"
    os.symlink(prev, stale)
    half = root / "graph" / ".building-crashed"
    (half / ".load").mkdir(parents=True)
    (half / "store.lbdb").write_bytes(b"\0" * 4096)
    tmp = root / "records" / "ourairports" / ".CURRENT.abc123.tmp"
    tmp.write_text("half")
    assert leftovers(root) == ["graph/.building-crashed", "graph/.current-999999",
                               "records/ourairports/.CURRENT.abc123.tmp"]
    assert answers(root, [("lookup", "RA78765", "--json")])  # readers are not disturbed by debris
    flightlog = DataDir(root).raw_snapshots("flightlog")[-1]
    r = run_kgraph(root, "ingest", "flightlog", "--from", flightlog, "--no-check")
    assert r.returncode == 0, r.stderr
    assert leftovers(root) == []
    assert current_build(root) == prev
