"""The Neo4j loader at size: nodes/s and rels/s of ``kgraph neo4j load`` on a large generated graph.

Builds the graph of ``bench/graph_scale.py`` (generated kgraph records, the
embedded builder's tables) at ``--scale`` (1.0 = ~1M nodes / ~3M edges;
the default 0.1 = ~100k nodes / ~300k edges), then loads it into Neo4j with
:func:`kgraph.graph.neo4j_load.load_tables` three times:

* ``fresh``: ``wipe=True`` into an empty database (every MERGE creates);
* ``reload``: the same tables again (every MERGE matches; counts must not change);
* ``wipe+load``: the replace path, wipe time included in the wall time.

The server is ``$NEO4J_URI`` (with ``NEO4J_USERNAME``/``NEO4J_PASSWORD``) if
set, else the test launcher (``tools/neo4j-prepare``) started here with a
random password in a temporary home, full JIT, ``--heap`` and
``--pagecache``. It prints whether the driver's Rust PackStream extension
(``neo4j-rust-ext``) is active: run once with and once without it to compare.

Usage::

    /tmp/kgvenv/bin/python bench/neo4j_load.py [--scale 0.1] [--batch-size 5000] [--workers 1 2]

Goal: >= 20,000 nodes/s.
"""
from __future__ import annotations

import argparse
import gc
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def start_launcher(heap: str, pagecache: str) -> tuple[subprocess.Popen, str, tuple[str, str], Path]:
    """Start tools/neo4j-launcher on a free port; returns (process, uri, auth, home)."""
    jar = subprocess.run([str(REPO / "tools" / "neo4j-prepare")], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    home = Path(tempfile.mkdtemp(prefix="kgraph-neo4j-bench-"))
    password = secrets.token_urlsafe(18)
    env = {**os.environ, "KGRAPH_BENCH_NEO4J_PW": password}
    out = (home / "launcher.out").open("wb")
    proc = subprocess.Popen(["java", f"-Xmx{heap}", "-jar", jar, "--port", "0", "--home", str(home / "home"),
                             "--password-env", "KGRAPH_BENCH_NEO4J_PW", "--pagecache", pagecache, "--watch-stdin"],
                            stdin=subprocess.PIPE, stdout=out, stderr=subprocess.DEVNULL, env=env)
    began = time.monotonic()
    while True:
        m = re.search(r"NEO4J_READY (bolt://\S+) version=(\S+) startup=(\S+)", (home / "launcher.out").read_text())
        if m:
            print(f"server: launcher, Neo4j {m[2]}, startup {m[3]}, -Xmx{heap}, page cache {pagecache}, full JIT")
            return proc, m[1], ("neo4j", password), home
        if proc.poll() is not None or time.monotonic() - began > 300:
            raise SystemExit(f"the launcher did not start; see {home / 'launcher.out'}")
        time.sleep(0.2)


def cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (this process when None); 0 if unknown."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--batch-size", type=int, nargs="+", default=[5000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--pagecache", default="512m")
    args = ap.parse_args()

    import neo4j
    from neo4j._codec.packstream import v1 as packstream

    from graph_scale import generate
    from kgraph.graph import build_tables
    from kgraph.graph.neo4j import Neo4jGraph, settings
    from kgraph.graph.neo4j_load import load_tables

    rust = packstream._rust_pack is not None
    codec = "Rust extension (neo4j-rust-ext)" if rust else "pure Python"
    print(f"driver: neo4j {neo4j.__version__}, PackStream: {codec}")
    t0 = time.perf_counter()
    gc.disable()
    nodes, edges, res = generate(args.scale)
    tables = build_tables(nodes, edges, res)
    del nodes, edges, res
    gc.enable()
    print(f"graph: scale {args.scale}, {tables.node_count:,} nodes, {tables.edge_count:,} relationships "
          f"(generated and built in {time.perf_counter() - t0:.1f} s)")

    # the machine is shared: the load average says how much of it the figures below had
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    proc = home = None
    if os.environ.get("NEO4J_URI"):
        cfg = settings()
        print(f"server: {cfg.where} (from NEO4J_URI)")
    else:
        proc, uri, auth, home = start_launcher(args.heap, args.pagecache)
        cfg = settings(uri, auth)
    graph = Neo4jGraph(cfg, retry_seconds=120)
    try:
        graph.verify()
        for batch_size in args.batch_size:
            for workers in args.workers:
                for label, wipe in (("fresh", True), ("reload", False), ("wipe+load", True)):
                    w0 = time.perf_counter()
                    # on 2 shared cores the split says whether the client or the server is the bottleneck
                    c0, j0 = cpu_seconds(None), cpu_seconds(proc.pid if proc else -1)
                    s = load_tables(tables, graph=graph, wipe=wipe, batch_size=batch_size, workers=workers)
                    wall = time.perf_counter() - w0
                    cpu = (f"cpu client {cpu_seconds(None) - c0:5.1f} s "
                           f"server {cpu_seconds(proc.pid if proc else -1) - j0:5.1f} s")
                    counts = graph.counts()
                    n_db = sum(counts["nodes"].values())
                    r_db = sum(counts["edges"].values())
                    ok = "ok" if (n_db, r_db) == (tables.node_count, tables.edge_count) else "COUNTS DIFFER"
                    print(f"  batch {batch_size:>6,} workers {workers}  {label:9s}  nodes {s['nodes_per_s']:>8,}/s  "
                          f"rels {s['rels_per_s']:>8,}/s  wall {wall:6.1f} s (wiped {s['wiped']:,})  "
                          f"db {n_db:,} nodes / {r_db:,} rels {ok}  {cpu}  load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        graph.close()
        if proc is not None:
            proc.terminate()
            proc.wait(60)
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
