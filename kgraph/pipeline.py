"""The pipeline: ingest a source, build the graph (:mod:`kgraph.building`), report what is there.

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

from .datadir import REJECTED_PREFIX, DataDir, utc_stamp
from .errors import KgraphError, SourceFormatError
from .model import Node, ParseReport, Record, validate
from . import records as store
from .building import _gc_paused, build

__all__ = ["ingest", "stats", "demo", "demo_path", "DEMO_SOURCES"]

log = logging.getLogger("kgraph")

#: the demo's sources, in ingest order: (short name, folder inside kgraph/demo/data)
DEMO_SOURCES = [
    ("ofac", "ofac"),
    ("canada", "canada"),
    ("registry", "registry"),
    ("airports", "airports"),
    ("flightlog", "flightlog"),
]


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

