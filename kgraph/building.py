"""Build the graph from the stored records: load them, resolve, derive the graph's tables, write the store
and the lookup index into a new build directory, and swap it in atomically (under the data directory's lock).

``on_stage`` callers (``kgraph update``'s progress display) see the stages ``load``, ``resolve``, ``graph``,
``store`` and ``index``; ``build.json`` in the build directory keeps each stage's time.
"""
from __future__ import annotations

import contextlib
import gc
import shutil
import time
from pathlib import Path
from typing import Any, Callable

from . import records as store
from .datadir import DataDir, atomic_write_json
from .errors import KgraphError
from .model import Edge, Node

__all__ = ["build", "build_locked", "load_records", "FLIGHT_SOURCES", "REGISTRY_SOURCES"]


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while millions of records are alive.

    Records hold no reference cycles; with the collector on, its full passes
    over every live record took half of the load and resolve stages (measured
    with bench/pipeline.py). Reference counting still frees everything.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()



def load_records(dd: DataDir, sources: list[str] | None = None) -> tuple[list[Node], list[Edge], dict[str, Any]]:
    """Every CURRENT record of every source (or of ``sources``), with the first-seen dates applied to listings."""
    from .flights import FLIGHT_EDGE_TYPES

    nodes: list[Node] = []
    edges: list[Edge] = []
    audit: dict[str, Any] = {}
    # a worker of `kgraph update` killed after its commit (the lock, taken before the workers started, did not see it)
    store.finish_switches(dd)
    for source in store.sources_with_records(dd) if sources is None else sources:
        seen = store.first_seen(dd, source)
        n = e = 0
        for rec in store.read_current(dd, source):
            if isinstance(rec, Node):
                nodes.append(rec)
                n += 1
            else:
                if source in FLIGHT_SOURCES and rec.type in FLIGHT_EDGE_TYPES:
                    # a snapshot stored before the builder derived a flight's edges from its properties
                    # restates them: the derived ones stand
                    continue
                if rec.type == "SANCTIONED_UNDER" and not rec.first("listingDate"):
                    # CSV formats carry no listing date: the first snapshot that held the entry stands in
                    first = seen.get(rec.start) or seen.get(store.record_key(rec))
                    if first:
                        rec.add("firstSeen", first)
                edges.append(rec)
                e += 1
        summary = store.snapshot_summary(dd, source) or {}
        report = summary.get("report") or {}
        audit[source] = {
            "snapshot": summary.get("snapshot"),
            "read": report.get("read"),
            "kept": report.get("kept"),
            "rejected": report.get("rejected"),
            "nodes": n,
            "edges": e,
            "warnings": len(report.get("warnings") or []),
        }
    return nodes, edges, audit


#: sources of Flight records (their PERFORMED/DEPARTED_FROM/ARRIVED_AT edges are derived at build time)
FLIGHT_SOURCES = ("flightlog", "opensky_flights", "adsb_traces")

#: sources that are civil aircraft registers (their registrations are "current")
REGISTRY_SOURCES = ("us_faa", "opensky_aircraft", "ru_aircraft_db", "ca_ccarcs")


def build(*, datadir: DataDir | str | Path | None = None, progress: bool = False) -> dict[str, Any]:
    """Resolve every stored record and build a new graph, swapped in atomically; returns build.json.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> kgraph.build(datadir=dd)["counts"]["nodes"]["Flight"]
    5
    """
    dd = DataDir.of(datadir)
    with dd.lock("build"):
        return build_locked(dd)


def build_locked(dd: DataDir, *, on_stage: Callable[[str], None] | None = None) -> dict[str, Any]:
    """:func:`build` for a caller that already holds ``dd.lock()``.

    ``on_stage(name)`` is called as each stage starts: ``load``, ``resolve``,
    ``graph``, ``store``, ``index`` (for a progress display).
    """
    with _gc_paused():
        return _build(dd, on_stage)


def _build(dd: DataDir, on_stage: Callable[[str], None] | None) -> dict[str, Any]:
    from .changelog import archive_facts
    from .resolve import resolve
    from .resolve.judgements import load_judgements

    from .flight_worker import FlightWorker

    stage = on_stage or (lambda name: None)
    t0 = time.perf_counter()
    stage("load")
    store.finish_switches(dd)  # before a worker reads the records too
    # a million flights are loaded and made into rows in a process of their own, beside the load and the resolution
    flights = FlightWorker.start(dd)
    try:
        nodes, edges, audit = flights.load(dd) if flights else load_records(dd)
        if not nodes:
            raise KgraphError(f"no records in {dd.root}; run `kgraph ingest SOURCE` (or `kgraph demo`) first")
        timings = {"load": time.perf_counter() - t0}
        stage("resolve")
        t = time.perf_counter()
        warnings: list[str] = []
        resolution = resolve(nodes, edges, judgements=load_judgements(dd, warnings))
        timings["resolve"] = time.perf_counter() - t
        staging = dd.new_build_dir()
        try:
            info = _build_into(dd, staging, nodes, edges, audit, resolution, stage, timings, warnings, flights)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        if flights:
            flights.close()
    target = dd.publish_build(staging)
    archive_facts(dd, target)
    info["path"] = str(target)
    info["seconds"] = round(time.perf_counter() - t0, 3)
    return info


def _build_into(dd: DataDir, staging: Path, nodes: list, edges: list, audit: dict[str, Any], resolution, stage,
                timings: dict[str, float], warnings: list[str], flights=None) -> dict[str, Any]:
    """The graph, store and index stages of :func:`_build`, into ``staging``; returns build.json."""
    from concurrent.futures import ThreadPoolExecutor

    from .graph import build_tables, write_build
    from .changelog import write_facts
    from .graph.tables import RowReaders, release_free_memory
    from .lookup_write import index_read

    # saved first, then pared down to what the build reads: the identifier keys (the graph's builder takes
    # them over to find edge ends by), a record missing from `canonical` is its own cluster, and only merges
    # are counted and indexed (no singleton clusters). At full size the 1.7M identity entries and 645k
    # singletons held most of 0.6 GB, to the end of the build
    t = time.perf_counter()
    resolution.save(staging / "resolution")
    # why each merged node is one, for its card (through the lookup index): thousands of clusters, not millions
    merged_why = resolution.merge_evidence()
    resolution.canonical = {m: c for m, c in resolution.canonical.items() if m != c}
    resolution.clusters = {c: ms for c, ms in resolution.clusters.items() if len(ms) > 1}
    timings["resolve"] += time.perf_counter() - t
    stage("graph")
    t = time.perf_counter()
    registries = {n.prov.source for n in nodes if n.prov.source in REGISTRY_SOURCES or n.prov.source.endswith("_registry")}
    # the sources of merged records only: a map of every node (millions) would cost the build's peak memory
    merged = {m for members in resolution.clusters.values() for m in members}
    source_of = {n.id: n.prov.source for n in nodes if n.id in merged}
    for a in audit.values():
        a["merged"] = 0
    for m in merged:
        if source_of.get(m) in audit:
            audit[source_of[m]]["merged"] += 1
    del source_of, merged
    # the builder takes the records over (and empties both lists): each is freed as its rows are made,
    # instead of all of them outliving the rows (at full size, 2.2 GB of records beside the tables)
    part = None
    if flights:
        t_wait = time.perf_counter()
        part = flights.part(dd, nodes, edges, warnings)  # None: the worker failed, and the flights are in `nodes`
        flights.report["part_wait_seconds"] = round(time.perf_counter() - t_wait, 3)
    tables = build_tables(nodes, edges, resolution, registry_sources=registries, consume=True, flights=part)
    del part
    resolution.canonical, resolution.matches, resolution.derived_edges = {}, [], []  # in the tables now
    timings["graph"] = time.perf_counter() - t
    # the store's load allocates on the engine's threads, from other heaps than the one the graph stage
    # freed its large maps into: hand those pages back first (the build's peak at full size, 8.52 -> 8.10 GB)
    release_free_memory()
    extra = {
        "sources": audit,
        "clusters": len(resolution.clusters),
        "merged_records": sum(len(m) for m in resolution.clusters.values()),
    }
    # the facts `kgraph changes` compares across builds (sanctioned set, links, flights), before the
    # store: 2 s at full size on their own; beside the store, sharing the GIL with its CSV writing,
    # they took ~55 s, and held every table that long
    t = time.perf_counter()
    write_facts(tables, staging, dd)
    timings["facts"] = time.perf_counter() - t
    # the lookup index beside the store, on a thread: the store's load is mostly the engine's COPY,
    # which releases the GIL, and the index is Python and SQLite work.
    # Measured on 2 cores: a quarter off store + index at scale 0.2 (29.8 -> 22.2 s), about even at
    # full size (147 -> 142 s, +0.4 GB), where the COPY's threads and SQLite share the two cores;
    # more cores, more gain. Neither changes the tables; each table's rows are freed once the store
    # and the index are done with them (the index reads the node tables and the programs only): at
    # full size the engine grows by ~1 GB while it loads, on top of the rows
    readers = RowReaders(tables, {"store": None, "index": index_read})
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgraph-index") as side:
        side_files = side.submit(_write_index, tables, resolution, staging, readers, merged_why)
        stage("store")
        t = time.perf_counter()
        info = write_build(tables, staging, extra=extra, readers=readers)  # a failure waits for the thread
        timings["store"] = time.perf_counter() - t
        stage("index")
        t = time.perf_counter()
        timings["index"] = side_files.result()  # its own time, most of it beside the store's
        timings["index_wait"] = time.perf_counter() - t  # what it added once the store was written
    info["timings"] = {k: round(v, 3) for k, v in timings.items()}
    if flights:
        info["flight_worker"] = flights.report
    info["warnings"] = warnings
    atomic_write_json(staging / "build.json", info)
    return info


def _write_index(tables, resolution, staging: Path, readers=None, merged_why=None) -> float:
    """The lookup index of a build; returns the seconds taken."""
    from .lookup_write import index_rows, write_index

    t = time.perf_counter()
    write_index(index_rows(tables, resolution, readers=readers, merged_why=merged_why), staging)
    return time.perf_counter() - t
