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

import datetime as dt
import json
import logging
import shutil
import time
from importlib import resources
from pathlib import Path
from typing import Any

from .datadir import DataDir, atomic_write_json, utc_stamp
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


def _datadir(datadir: DataDir | str | Path | None) -> DataDir:
    return datadir if isinstance(datadir, DataDir) else DataDir(datadir)


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
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


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
    for rec in module.parse(target, snapshot=snapshot_date, report=report, **options):
        problems = validate(rec)
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
    source : short name (``ofac``, ``canada``, ``nsdc``, ``faa``, ``opensky``,
        ``registry``, ``airports``, ``flightlog``, ``traces``, ``opensky-flights``).
    from_path : a local file or folder of that source's files, instead of downloading.
    check : enforce the source's quality assertions (record counts, fill
        rates); turn off for excerpts and samples.
    offline : re-parse the newest raw snapshot already held instead of fetching.

    Raises
    ------
    SourceFormatError
        the file is not what the source publishes; nothing is written.
    """
    import inspect

    from .sources import check_assertions, ingester

    dd = _datadir(datadir)
    module = ingester(source)
    src = module.SOURCE
    if "config" in inspect.signature(module.parse).parameters:
        # readers configured by the user (registry column mappings) get config.toml
        options.setdefault("config", dd.config())
    started = time.perf_counter()
    with dd.lock(f"ingest {source}"):
        fetch_note = None
        fresh_raw = False  # a snapshot fetched in this run, to set aside if it does not parse
        if from_path is not None:
            staging = _stage_local(dd, src.name, Path(from_path).expanduser())
        elif offline:
            snaps = dd.raw_snapshots(src.name)
            if not snaps:
                raise KgraphError(f"{src.name}: no raw snapshot held; run `kgraph ingest {src.name}` online first")
            staging = None
            raw = snaps[-1]
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
            if result.error:
                fetch_note = f"fetch failed ({result.error}); using the last good snapshot {raw.name}"
            elif result.unchanged:
                fetch_note = "unchanged since the last snapshot"
        stamp = utc_stamp()
        work = staging if staging is not None else raw
        snapshot_date = dt.date.today().isoformat() if staging is not None else _stamp_date(work.name)
        try:
            # an API source may legitimately answer "nothing" (OpenSky: no flights in the period)
            allow_empty = (src.assertions.get("read") or [1])[0] == 0
            grouped, reports = _parse(module, work, snapshot_date, src.name, allow_empty=allow_empty, **options)
            overall = reports.pop("_all")
            passed = check_assertions(src, reports, grouped) if check else []
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            elif fresh_raw:
                # keep the bad download for diagnosis, out of the way of --offline and the next build
                raw.rename(raw.with_name(f".rejected-{raw.name}"))
            raise
        if staging is not None:
            raw = dd.publish_raw(staging, stamp)
        datasets = {}
        for dataset, recs in grouped.items():
            datasets[dataset] = store.write_snapshot(
                dd, dataset, raw.name, recs, reports[dataset], extra={"raw": str(raw), "ingester": src.name},
                date=snapshot_date,
            )
            datasets[dataset].pop("diff", None)
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
            "seconds": round(time.perf_counter() - started, 3),
        }


def _stamp_date(stamp: str) -> str:
    try:
        return dt.datetime.strptime(stamp[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        return dt.date.today().isoformat()


# -- build --------------------------------------------------------------------
def load_records(dd: DataDir) -> tuple[list[Node], list[Edge], dict[str, Any]]:
    """Every CURRENT record of every source, with the first-seen dates applied to listings."""
    nodes: list[Node] = []
    edges: list[Edge] = []
    audit: dict[str, Any] = {}
    for source in store.sources_with_records(dd):
        seen = store.first_seen(dd, source)
        n = e = 0
        for rec in store.read_current(dd, source):
            if isinstance(rec, Node):
                nodes.append(rec)
                n += 1
            else:
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


def build(*, datadir: DataDir | str | Path | None = None, progress: bool = False) -> dict[str, Any]:
    """Resolve every stored record and build a new graph, swapped in atomically; returns build.json."""
    from .graph import build_graph, write_store
    from .lookup import write_index
    from .resolve import resolve
    from .resolve.judgements import load_judgements

    dd = _datadir(datadir)
    t0 = time.perf_counter()
    with dd.lock("build"):
        nodes, edges, audit = load_records(dd)
        if not nodes:
            raise KgraphError(f"no records in {dd.root}; run `kgraph ingest SOURCE` (or `kgraph demo`) first")
        timings = {"load": time.perf_counter() - t0}
        t = time.perf_counter()
        resolution = resolve(nodes, edges, judgements=load_judgements(dd))
        timings["resolve"] = time.perf_counter() - t
        t = time.perf_counter()
        graph = build_graph(nodes, edges, resolution)
        timings["graph"] = time.perf_counter() - t
        staging = dd.new_build_dir()
        try:
            t = time.perf_counter()
            write_store(graph, staging)
            timings["store"] = time.perf_counter() - t
            t = time.perf_counter()
            write_index(graph, staging)
            resolution.save(staging / "resolution")
            timings["index"] = time.perf_counter() - t
            source_of = {n.id: n.prov.source for n in nodes}
            for a in audit.values():
                a["merged"] = 0
            for members in resolution.clusters.values():
                if len(members) > 1:
                    for m in members:
                        if source_of.get(m) in audit:
                            audit[source_of[m]]["merged"] += 1
            info = {
                "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "sources": audit,
                "graph": graph.audit,
                "clusters": sum(1 for m in resolution.clusters.values() if len(m) > 1),
                "merged_records": sum(len(m) for m in resolution.clusters.values() if len(m) > 1),
                "timings": {k: round(v, 3) for k, v in timings.items()},
            }
            atomic_write_json(staging / "build.json", info)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        target = dd.publish_build(staging)
        info["path"] = str(target)
        info["seconds"] = round(time.perf_counter() - t0, 3)
        return info


def stats(*, datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """What the current graph holds, and the record-loss audit per source (read, kept, merged, rejected)."""
    from .graph import open_store

    dd = _datadir(datadir)
    path = dd.require_graph()
    info = json.loads((path / "build.json").read_text())
    with open_store(path) as st:
        counts = st.counts()
    return {"path": str(path), "built_at": info.get("built_at"), "counts": counts, "sources": info.get("sources", {}),
            "clusters": info.get("clusters"), "merged_records": info.get("merged_records")}


# -- demo ---------------------------------------------------------------------
def demo(*, datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """Ingest the packaged Aviacon Zitotrans sample, build the graph and return the chain.

    The chain runs operator -> sanctions -> aircraft -> flights -> airports ->
    countries, each fact with its source (see :func:`kgraph.card.chain`).
    """
    from .card import chain

    dd = _datadir(datadir)
    t0 = time.perf_counter()
    ingested = {}
    for name, folder in DEMO_SOURCES:
        options = {"preset": "ru_aircraft_db"} if name == "registry" else {}
        ingested[name] = ingest(name, from_path=demo_path(folder), datadir=dd, check=False, **options)
    built = build(datadir=dd)
    result = chain("ofac-40181", datadir=dd)
    result["ingested"] = {k: v["kept"] for k, v in ingested.items()}
    result["graph"] = built["graph"]
    result["seconds"] = round(time.perf_counter() - t0, 3)
    result["datadir"] = str(dd.root)
    return result

