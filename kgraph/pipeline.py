"""The pipeline: ingest a source, build the graph, report what is there.

``ingest`` takes one source from its official URLs (or from a local file or
folder with ``from_path``), parses it in a staging area, and only when the
parse succeeded publishes the raw snapshot and the parsed records: a bad file
leaves the data directory exactly as it was. ``build`` resolves every stored
record and writes a new graph beside the live one, then swaps it in
atomically. Both hold the data directory's lock.

>>> import tempfile, kgraph
>>> dd = kgraph.DataDir(tempfile.mkdtemp())
>>> summary = kgraph.ingest("airports", from_path=demo_path("airports"), datadir=dd, check=False)
>>> summary["datasets"]["ourairports"]["nodes"] >= 3
True
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import shutil
import time
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from .datadir import REJECTED_PREFIX, DataDir, atomic_write_json, utc_stamp
from .errors import KgraphError, SourceFormatError
from .model import Edge, Node, ParseReport, Record, validate
from . import records as store

__all__ = ["ingest", "build", "stats", "demo", "demo_path", "load_records", "DEMO_SOURCES"]

log = logging.getLogger("kgraph")

#: the demo's sources, in ingest order: (short name, folder inside kgraph/demo/data)
DEMO_SOURCES = [
    ("ofac", "ofac"),
    ("canada", "canada"),
    ("registry", "registry"),
    ("airports", "airports"),
    ("flightlog", "flightlog"),
]


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


def demo_path(folder: str = "") -> Path:
    """Path of the demo sample shipped in the package (``kgraph/demo/data/<folder>``)."""
    return Path(str(resources.files("kgraph").joinpath("demo", "data", folder)))


# -- ingest -------------------------------------------------------------------
def _stage_local(dd: DataDir, name: str, from_path: Path) -> Path:
    """Copy a local file or folder into a raw staging folder (so the snapshot is kept)."""
    if not from_path.exists():
        raise KgraphError(f"{from_path}: no such file or directory")
    staging = dd.new_raw_snapshot(name)
    try:
        if from_path.is_dir():
            for item in sorted(from_path.iterdir()):
                if item.name.startswith("."):
                    continue
                if item.is_dir():
                    shutil.copytree(item, staging / item.name)
                else:
                    shutil.copy2(item, staging / item.name)
        else:
            shutil.copy2(from_path, staging / from_path.name)
        (staging / "fetch.json").write_text(
            json.dumps({"from": str(from_path.resolve()), "copied_at": dt.datetime.now(dt.timezone.utc).isoformat()})
        )
    except BaseException:
        _discard_staging(staging)
        raise
    return staging


def _discard_staging(staging: Path) -> None:
    """Remove a raw staging folder, and its source's folder when that is left empty.

    A refused first ingest of a source then leaves the data directory exactly as it was.
    """
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.parent.rmdir()
    except OSError:  # other snapshots are there: keep it
        pass


def _parse(module, path: Path, snapshot_date: str, name: str, *, allow_empty: bool = False, **options) -> tuple[dict[str, list[Record]], dict[str, ParseReport]]:
    """Run an ingester over a staged folder: records and reports grouped by dataset."""
    report = ParseReport(source=name, path=str(path))
    grouped: dict[str, list[Record]] = {}
    target = path
    # a single copied file is parsed as that file, so that ingesters see the name they expect
    entries = [p for p in path.iterdir() if p.name != "fetch.json" and not p.name.startswith(".")] if path.is_dir() else []
    if len(entries) == 1 and entries[0].is_file():
        target = entries[0]
    invalid = 0
    from .schema import schema

    # the common case (every property known) is one set comparison; validate() says what is wrong
    known = {**{("n", t): frozenset(n.properties) for t, n in schema().nodes.items()},
             **{("e", t): frozenset(r.properties) for t, r in schema().rels.items()}}
    for rec in module.parse(target, snapshot=snapshot_date, report=report, **options):
        props = known.get(("n" if isinstance(rec, Node) else "e", rec.type))
        problems = validate(rec) if props is None or not props.issuperset(rec.props) else None
        if problems:
            invalid += 1
            report.warn("record does not fit the schema", record=rec.prov.record, problems="; ".join(problems))
            continue
        grouped.setdefault(rec.prov.source, []).append(rec)
    if invalid:
        report.info["schema_invalid"] = invalid
    reports = {}
    counts = report.by_dataset()
    for dataset, recs in grouped.items():
        r = ParseReport(source=dataset, path=report.path)
        for rec in recs:
            (r.nodes if isinstance(rec, Node) else r.edges)[rec.type] += 1
        # the record-loss audit: per dataset when the ingester split it, else the whole parse
        own = counts.get(dataset) or (
            {"read": report.read, "kept": report.kept, "rejected": report.rejected} if len(grouped) == 1 else None
        )
        if own:
            r.read, r.kept, r.rejected = own["read"], own["kept"], own["rejected"]
        r.unknown_fields, r.warnings, r.info = report.unknown_fields, report.warnings, report.info
        reports[dataset] = r
    if not reports and report.read == 0 and not allow_empty:
        raise SourceFormatError(target, None, f"no {name} records found")
    if not reports and report.read and not report.kept and not allow_empty:
        # every record refused (an HTML page or another file under the expected name, read as rows)
        reason = next((w for w in report.warnings if w.startswith("rejected: ")), None)
        first = f" (first: {reason[len('rejected: '):]})" if reason else ""
        raise SourceFormatError(target, None, f"none of the {report.read} records read could be used{first}; "
                                              f"not a {name} file?")
    reports.setdefault("_all", report)
    return grouped, reports


def ingest(
    source: str,
    *,
    from_path: str | Path | None = None,
    datadir: DataDir | str | Path | None = None,
    check: bool = True,
    progress: bool = False,
    offline: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Fetch (or copy ``from_path``), parse and store one source; returns a summary.

    Parameters
    ----------
    source : short name (``ofac``, ``canada``, ``nsdc``, ``war-sanctions``, ``faa``, ``opensky``,
        ``registry``, ``airports``, ``flightlog``, ``traces``, ``opensky-flights``).
    from_path : a local file or folder of that source's files, instead of downloading.
    check : enforce the source's quality assertions (record counts, fill
        rates); turn off for excerpts and samples.
    offline : re-parse the newest raw snapshot already held instead of fetching.

    Raises
    ------
    SourceFormatError
        the file is not what the source publishes; nothing is written.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> from kgraph.pipeline import demo_path
    >>> done = kgraph.ingest("flightlog", from_path=demo_path("flightlog"), datadir=dd)
    >>> done["source"], done["read"], done["kept"], done["rejected"]
    ('flightlog', 5, 5, 0)
    """
    dd = DataDir.of(datadir)
    with dd.lock(f"ingest {source}"):
        return ingest_locked(dd, source, from_path=from_path, check=check, progress=progress, offline=offline,
                             **options)


def ingest_locked(
    dd: DataDir,
    source: str,
    *,
    from_path: str | Path | None = None,
    check: bool = True,
    progress: bool = False,
    offline: bool = False,
    reparse_unchanged: bool = True,
    **options: Any,
) -> dict[str, Any]:
    """:func:`ingest` for a caller that already holds ``dd.lock()`` (``kgraph update`` holds it once).

    ``reparse_unchanged=False``: when the source answers "unchanged" and its
    records were parsed from that very snapshot, they are kept as they are
    (no parse; ``fetch_status`` is ``unchanged`` and ``reused`` is True).
    The summary's ``fetch_status`` is ``fresh``, ``unchanged``, ``fallback``
    (the source failed: ``fetch_error`` says why, the last good snapshot was
    used), ``offline`` or ``local`` (``from_path``).
    """
    import inspect

    from .sources import check_assertions, ingester

    module = ingester(source)
    src = module.SOURCE
    if "config" in inspect.signature(module.parse).parameters:
        # readers configured by the user (registry column mappings) get config.toml
        options.setdefault("config", dd.config())
    started = time.perf_counter()
    fetch_note = fetch_error = None
    fresh_raw = False  # a snapshot fetched in this run, to set aside if it does not parse
    if from_path is not None:
        staging = _stage_local(dd, src.name, Path(from_path).expanduser())
        fetch_status = "local"
    elif offline:
        snaps = dd.raw_snapshots(src.name)
        if not snaps:
            raise KgraphError(f"{src.name}: no raw snapshot held; run `kgraph ingest {src.name}` online first")
        staging = None
        raw = snaps[-1]
        fetch_status = "offline"
    else:
        import functools

        from .fetch import fetch_source

        fetcher = None
        if hasattr(module, "fetch"):
            # API sources (NSDC, OpenSky flights) write their responses themselves
            fetcher = functools.partial(module.fetch, **options.pop("fetch_options", {}))
        result = fetch_source(dd, src, config=dd.config(), progress=progress, fallback=True, fetcher=fetcher)
        staging = None
        raw = Path(result.path)
        fresh_raw = bool(result.fresh and not result.unchanged and not result.error)
        fetch_status = "fresh"
        if result.error:
            fetch_status, fetch_error = "fallback", result.error
            fetch_note = f"fetch failed ({result.error}); using the last good snapshot {raw.name}"
        elif result.unchanged:
            fetch_status = "unchanged"
            fetch_note = "unchanged since the last snapshot"
        if fetch_status != "fresh" and not reparse_unchanged:
            kept = _parsed_from(dd, src, raw)
            if kept is not None:
                return {**kept, "fetch": fetch_note, "fetch_status": fetch_status, "fetch_error": fetch_error,
                        "seconds": round(time.perf_counter() - started, 3)}
    stamp = utc_stamp()
    work = staging if staging is not None else raw
    snapshot_date = dt.date.today().isoformat() if staging is not None else _stamp_date(work.name)
    # the collector stays paused until the records are written and freed: re-enabled while a million legs
    # were alive, its first full pass over them took 3.2 s of a 33 s flight-log ingest
    with _gc_paused():
        try:
            # an API source may legitimately answer "nothing" (OpenSky: no flights in the period)
            allow_empty = (src.assertions.get("read") or [1])[0] == 0
            grouped, reports = _parse(module, work, snapshot_date, src.name, allow_empty=allow_empty, **options)
            overall = reports.pop("_all")
            passed = check_assertions(src, reports, grouped) if check else []
        except BaseException:
            if staging is not None:
                _discard_staging(staging)
            elif fresh_raw:
                # keep the bad download for diagnosis, out of the way of --offline and the next build
                raw.rename(raw.with_name(f"{REJECTED_PREFIX}{raw.name}"))
            raise
        if staging is not None:
            raw = dd.publish_raw(staging, stamp)
        # every dataset of the parse becomes CURRENT at once, or none does
        datasets = store.write_snapshots(dd, raw.name, {d: (recs, reports[d]) for d, recs in grouped.items()},
                                         extra={"raw": str(raw), "ingester": src.name}, date=snapshot_date)
        del grouped
    for dataset in datasets:
        datasets[dataset].pop("diff", None)
        if datasets[dataset].get("previous_unreadable"):
            overall.warnings.append(f"{dataset}: every record counted as added, the previous snapshot being "
                                    f"damaged: {datasets[dataset]['previous_unreadable']}")
    return {
        "source": src.name,
        "raw": str(raw),
        "snapshot": raw.name,
        "datasets": datasets,
        "read": overall.read,
        "kept": overall.kept,
        "rejected": overall.rejected,
        "warnings": overall.warnings,
        "unknown_fields": dict(overall.unknown_fields),
        "checks": passed,
        "fetch": fetch_note,
        "fetch_status": fetch_status,
        "fetch_error": fetch_error,
        "reused": False,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _parsed_from(dd: DataDir, src, raw: Path) -> dict[str, Any] | None:
    """The summary of records already parsed from raw snapshot ``raw`` (None if any dataset was not)."""
    datasets = {}
    for dataset in src.datasets:
        summary = store.snapshot_summary(dd, dataset)
        if summary is not None and summary.get("raw") == str(raw) and summary.get("ingester") == src.name:
            datasets[dataset] = {k: v for k, v in summary.items() if k != "diff"}
            datasets[dataset]["changes"] = {"added": 0, "removed": 0, "changed": 0}
    if not datasets or any(d.get("snapshot") != raw.name for d in datasets.values()):
        return None
    reports = [d.get("report") or {} for d in datasets.values()]
    first = reports[0]
    return {
        "source": src.name, "raw": str(raw), "snapshot": raw.name, "datasets": datasets,
        "read": sum(r.get("read") or 0 for r in reports), "kept": sum(r.get("kept") or 0 for r in reports),
        "rejected": sum(r.get("rejected") or 0 for r in reports), "warnings": list(first.get("warnings") or []),
        "unknown_fields": dict(first.get("unknown_fields") or {}), "checks": [], "reused": True,
    }


def _stamp_date(stamp: str) -> str:
    try:
        return dt.datetime.strptime(stamp[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        return dt.date.today().isoformat()


# -- build --------------------------------------------------------------------
def load_records(dd: DataDir) -> tuple[list[Node], list[Edge], dict[str, Any]]:
    """Every CURRENT record of every source, with the first-seen dates applied to listings."""
    from .flights import FLIGHT_EDGE_TYPES

    nodes: list[Node] = []
    edges: list[Edge] = []
    audit: dict[str, Any] = {}
    # a worker of `kgraph update` killed after its commit (the lock, taken before the workers started, did not see it)
    store.finish_switches(dd)
    for source in store.sources_with_records(dd):
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

    stage = on_stage or (lambda name: None)
    t0 = time.perf_counter()
    stage("load")
    nodes, edges, audit = load_records(dd)
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
        info = _build_into(dd, staging, nodes, edges, audit, resolution, stage, timings, warnings)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    target = dd.publish_build(staging)
    archive_facts(dd, target)
    info["path"] = str(target)
    info["seconds"] = round(time.perf_counter() - t0, 3)
    return info


def _build_into(dd: DataDir, staging: Path, nodes: list, edges: list, audit: dict[str, Any], resolution, stage,
                timings: dict[str, float], warnings: list[str]) -> dict[str, Any]:
    """The graph, store and index stages of :func:`_build`, into ``staging``; returns build.json."""
    from concurrent.futures import ThreadPoolExecutor

    from .graph import build_tables, write_build
    from .changelog import write_facts
    from .graph.tables import RowReaders, release_free_memory
    from .lookup_write import index_read

    # saved first, then pared down to what the build reads: the graph finds edge ends with its own
    # index (no identifier keys), a record missing from `canonical` is its own cluster, and only merges
    # are counted and indexed (no singleton clusters). At full size the keys held 0.64 GB and the
    # 1.7M identity entries and 645k singletons most of another 0.6 GB, to the end of the build
    t = time.perf_counter()
    resolution.save(staging / "resolution")
    # why each merged node is one, for its card (through the lookup index): thousands of clusters, not millions
    merged_why = resolution.merge_evidence()
    resolution.keys = {}
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
    tables = build_tables(nodes, edges, resolution, registry_sources=registries, consume=True)
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
    info["warnings"] = warnings
    atomic_write_json(staging / "build.json", info)
    return info


def _write_index(tables, resolution, staging: Path, readers=None, merged_why=None) -> float:
    """The lookup index of a build; returns the seconds taken."""
    from .lookup_write import index_rows, write_index

    t = time.perf_counter()
    write_index(index_rows(tables, resolution, readers=readers, merged_why=merged_why), staging)
    return time.perf_counter() - t


def stats(*, datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """What the current graph holds, the record-loss audit per source (read, kept, merged, rejected),
    and the data directory's size (``disk``: :func:`kgraph.retention.disk_usage`).

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> info = kgraph.stats(datadir=dd)
    >>> info["counts"]["nodes"]["Airplane"], info["sources"]["us_ofac_sdn"]["rejected"]
    (4, 0)
    >>> sorted(info["disk"]["bytes"]), info["disk"]["prunable"]["snapshots"]
    (['graph', 'history', 'raw', 'records'], 0)
    """
    from .graph import open_store
    from .graph.store import read_build_info
    from .retention import disk_usage

    dd = DataDir.of(datadir)
    path = dd.require_graph()
    info = read_build_info(path)
    with open_store(path) as st:
        counts = st.counts()
    return {"path": str(path), "built_at": info.get("built_at"), "counts": counts, "sources": info.get("sources", {}),
            "clusters": info.get("clusters"), "merged_records": info.get("merged_records"), "disk": disk_usage(dd)}


# -- demo ---------------------------------------------------------------------
def demo(*, datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """Ingest the packaged Aviacon Zitotrans sample, build the graph and return the chain.

    The chain runs operator -> sanctions -> aircraft -> flights -> airports ->
    countries, each fact with its source (see :func:`kgraph.card.chain`).

    Example (``tmp``: an empty folder)
    -------
    >>> chain = kgraph.demo(datadir=tmp / "demo")
    >>> chain["operator"]["id"], [c["code"] for c in chain["countries_visited"]][:2]
    ('ofac-40181', ['CU', 'DO'])
    """
    from .card import chain

    dd = DataDir.of(datadir)
    t0 = time.perf_counter()
    ingested = {}
    for name, folder in DEMO_SOURCES:
        options = {"preset": "ru_aircraft_db"} if name == "registry" else {}
        ingested[name] = ingest(name, from_path=demo_path(folder), datadir=dd, check=False, **options)
    built = build(datadir=dd)
    result = chain("ofac-40181", datadir=dd)
    result["ingested"] = {k: v["kept"] for k, v in ingested.items()}
    result["graph"] = built["counts"]
    result["seconds"] = round(time.perf_counter() - t0, 3)
    result["datadir"] = str(dd.root)
    return result

