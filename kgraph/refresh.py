"""``kgraph update``: fetch every configured source, ingest, resolve and build, in one run.

The analyst's daily command. It holds the data directory's lock once for
the whole run, fetches and parses the configured sources (two at a time by
default, each in a process of its own: :mod:`kgraph.update_workers`), then
resolves and builds the graph from everything the records store holds (the
sources updated now and the ones kept from earlier runs). A source that
cannot be updated never stops the others:

* it needs an environment variable that is not set (NSDC's API key, the
  OpenSky API client): skipped, the variable named;
* it is down: the last good snapshot is used and the summary says so
  (``fetch_status == "fallback"`` with the error);
* it is down and was never fetched, or its file does not parse: skipped
  with the error; the build runs on what is held.

Which sources are configured: :data:`DEFAULT_SOURCES`, plus the flight
sources whose aircraft are configured, unless ``[update] sources`` lists
them; ``sources=`` (``--sources``) overrides both. ``offline=True``
re-parses the newest raw snapshot of each configured source and of every
other source that has one, without any network.

config.toml::

    [update]
    sources = ["ofac", "canada", "nsdc", "faa", "opensky", "airports"]   # the default
    icao24 = ["1533ad"]       # aircraft whose OpenSky flights are fetched (also [sources.opensky-flights])
    days = 2                  # flight sources without begin/end (dates): the last N days
    check = true              # the sources' quality assertions
    jobs = 2                  # sources fetched and parsed at once, each in its own process (default:
                              # 2 on a machine with 2+ cores; 1 runs them one after the other here)

    [sources.traces]          # ADS-B traces only when configured here
    icao24 = ["1533ad"]
    provider = "adsblol"

The build is skipped when nothing it reads changed since the current graph
was built (no new records, judgements or watchlist): ``rebuild=True`` forces it.

Example
-------
>>> import kgraph
>>> summary = kgraph.update()                                  # doctest: +SKIP
>>> summary["sources"]["nsdc"]["reason"]                        # doctest: +SKIP
'needs KGRAPH_NSDC_API_KEY (not set)'
>>> summary["ok"], summary["build"]["counts"]["nodes"]["Airplane"]  # doctest: +SKIP
(True, 612345)
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from .datadir import DataDir
from .errors import ConfigError, KgraphError, NotFound

__all__ = ["update", "configured_sources", "DEFAULT_SOURCES", "FLIGHT_SOURCES"]

#: what `kgraph update` fetches when config.toml says nothing
DEFAULT_SOURCES = ("ofac", "canada", "nsdc", "faa", "opensky", "airports")
#: flight sources: included only when their aircraft are configured
FLIGHT_SOURCES = ("opensky-flights", "traces")
#: default window of the flight sources when no dates are configured
DEFAULT_DAYS = 2

Event = Callable[..., None]


def _update_config(config: dict[str, Any]) -> dict[str, Any]:
    cfg = config.get("update") or {}
    if not isinstance(cfg, dict):
        raise ConfigError("config.toml: [update] must be a table")
    sources = cfg.get("sources")
    if sources is not None and (not isinstance(sources, list) or not all(isinstance(s, str) for s in sources)):
        raise ConfigError("config.toml: update.sources must be a list of source names")
    days = cfg.get("days", DEFAULT_DAYS)
    if not isinstance(days, int) or days < 1:
        raise ConfigError("config.toml: update.days must be a whole number of days (1 or more)")
    from .retention import keep_setting

    keep_setting(config)
    return cfg


def _source_cfg(config: dict[str, Any], name: str) -> dict[str, Any]:
    entry = (config.get("sources") or {}).get(name) or {}
    return entry if isinstance(entry, dict) else {}


def _flight_aircraft(config: dict[str, Any], name: str) -> list[str]:
    own = _source_cfg(config, name).get("icao24") or []
    if name == "opensky-flights" and not own:
        own = (config.get("update") or {}).get("icao24") or []
    return [str(h) for h in own] if isinstance(own, list) else [str(own)]


def configured_sources(config: dict[str, Any], requested: Iterable[str] | None = None) -> list[str]:
    """The sources an update fetches: ``requested``, else ``[update] sources``, else the defaults + flights.

    >>> configured_sources({})
    ['ofac', 'canada', 'nsdc', 'faa', 'opensky', 'airports']
    >>> configured_sources({"sources": {"opensky-flights": {"icao24": ["1533ad"]}}})[-1]
    'opensky-flights'
    """
    from .sources import INGESTERS

    if requested is not None:
        names = [s.strip() for s in requested if s and s.strip()]
    else:
        listed = _update_config(config).get("sources")
        names = list(listed) if listed is not None else list(DEFAULT_SOURCES)
        if listed is None:
            names += [f for f in FLIGHT_SOURCES if _flight_aircraft(config, f)]
    unknown = [n for n in names if n not in INGESTERS]
    if unknown:
        raise NotFound(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sorted(INGESTERS))}")
    return list(dict.fromkeys(names))


def _flight_options(name: str, config: dict[str, Any], today: dt.date) -> tuple[dict[str, Any] | None, str | None]:
    """fetch_options for a flight source (aircraft, dates), or a reason to skip it."""
    own = _source_cfg(config, name)
    hexes = _flight_aircraft(config, name)
    if not hexes:
        return None, f"no aircraft configured: set [sources.{name}] icao24 = [\"1533ad\", ...]"
    days = int((config.get("update") or {}).get("days", DEFAULT_DAYS))
    start = today - dt.timedelta(days=days)
    options: dict[str, Any] = {"icao24": hexes}
    if name == "opensky-flights":
        if own.get("begin") is None or own.get("end") is None:
            options.update(begin=start.isoformat(), end=today.isoformat())
    elif name == "traces":
        if not own.get("dates"):
            options["dates"] = [(start + dt.timedelta(days=i)).isoformat() for i in range(days)]
    return options, None


def _missing_env(src) -> list[str]:
    return [v for v in getattr(src, "env", ()) if not os.environ.get(v, "").strip()]


# --------------------------------------------------------------------------- stage measurement
def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark of this process (Linux), so each stage gets its own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_mb() -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    try:
        import resource

        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    except (ImportError, OSError):
        return None


class _Stages:
    """Time and peak RSS per stage, reported to an event callback as stages start and end."""

    def __init__(self, on_event: Event | None):
        self.on_event = on_event
        self.rows: list[dict[str, Any]] = []
        self._open: tuple[str, str, float, float] | None = None

    def start(self, stage: str, label: str) -> None:
        self.end()
        _reset_peak()
        self._open = (stage, label, time.perf_counter(), time.process_time())
        if self.on_event:
            self.on_event("start", stage, label=label)

    def end(self, status: str = "done", detail: str = "") -> None:
        if self._open is None:
            return
        stage, label, t0, cpu0 = self._open
        self._open = None
        # CPU seconds beside wall seconds: on a shared machine the wall time says as much about the neighbours
        row = {"stage": stage, "seconds": round(time.perf_counter() - t0, 3),
               "cpu_seconds": round(time.process_time() - cpu0, 3), "peak_rss_mb": _peak_mb()}
        self.rows.append(row)
        if self.on_event:
            self.on_event("end", stage, label=label, status=status, detail=detail, seconds=row["seconds"])

    def add(self, stage: str, label: str, measured: dict[str, Any], status: str, detail: str) -> None:
        """A stage measured elsewhere (an ingest in a worker process), announced with ``start`` before."""
        self.rows.append({"stage": stage, **measured})
        if self.on_event:
            self.on_event("end", stage, label=label, status=status, detail=detail, seconds=measured["seconds"])


# --------------------------------------------------------------------------- one source
def _source_row(name: str, status: str, reason: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"source": name, "status": status, "reason": reason, **extra}


def _held_snapshot(dd: DataDir, src) -> str | None:
    from . import records as store

    snaps = [store.current_snapshot(dd, d) for d in src.datasets]
    return next((s for s in snaps if s), None)


def _ingested_row(name: str, s: dict[str, Any]) -> dict[str, Any]:
    changes = {"added": 0, "removed": 0, "changed": 0}
    for d in s["datasets"].values():
        for k in changes:
            changes[k] += (d.get("changes") or {}).get(k, 0)
    records = sum(d.get("records", 0) for d in s["datasets"].values())
    status = {"fresh": "updated", "local": "updated"}.get(s.get("fetch_status"), s.get("fetch_status") or "updated")
    reason = None
    if s.get("fetch_status") == "fallback":
        reason = f"source down ({s.get('fetch_error')}); used the last good snapshot {s['snapshot']}"
    elif s.get("fetch_status") == "unchanged":
        reason = "unchanged since the last snapshot" + (" (records kept, not re-parsed)" if s.get("reused") else "")
    return _source_row(
        name, status, reason, fetch_status=s.get("fetch_status"), fetch_error=s.get("fetch_error"),
        snapshot=s["snapshot"], datasets=sorted(s["datasets"]), records=records, read=s.get("read"),
        kept=s.get("kept"), rejected=s.get("rejected"), **changes, warnings=len(s.get("warnings") or []),
        warning_samples=list(s.get("warnings") or [])[:5], reused=bool(s.get("reused")), seconds=s.get("seconds"),
    )


def _ingest_one(dd: DataDir, name: str, *, offline: bool, check: bool, config: dict[str, Any],
                today: dt.date) -> dict[str, Any]:
    from .pipeline import ingest_locked
    from .sources import ingester

    module = ingester(name)
    src = module.SOURCE
    options: dict[str, Any] = {}
    if offline:
        if not dd.raw_snapshots(src.name):
            return _source_row(name, "skipped", "no raw snapshot held (run `kgraph update` online first)")
    else:
        missing = _missing_env(src)
        if missing:
            return _source_row(name, "skipped", f"needs {' and '.join(missing)} (not set)")
        if name in FLIGHT_SOURCES:
            fetch_options, why = _flight_options(name, config, today)
            if why:
                return _source_row(name, "skipped", why)
            options["fetch_options"] = fetch_options
        elif not src.files and not hasattr(module, "fetch"):
            return _source_row(name, "skipped",
                               f"{name} has nothing to fetch; add files with `kgraph ingest {name} --from PATH`")
    try:
        summary = ingest_locked(dd, name, check=check, offline=offline, reparse_unchanged=False, **options)
    except Exception as e:  # noqa: BLE001 - one broken source never stops the others
        if os.environ.get("KGRAPH_DEBUG") and not isinstance(e, KgraphError):
            raise
        held = _held_snapshot(dd, src)
        message = str(e) if isinstance(e, KgraphError) else f"{type(e).__name__}: {e}"
        kept = f"; the build uses the records of {held}" if held else "; nothing of it is held"
        return _source_row(name, "failed", message + kept, error=message, kept_snapshot=held)
    return _ingested_row(name, summary)


def _jobs(ucfg: dict[str, Any], jobs: int | None) -> int:
    value = jobs if jobs is not None else ucfg.get("jobs", min(2, os.cpu_count() or 1))
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"[update] jobs must be a whole number of 1 or more, not {value!r}")
    return value


# --------------------------------------------------------------------------- the build decision
def _newest_input(dd: DataDir) -> float:
    """mtime of the newest thing a build reads: record snapshots, judgements, the watchlist."""
    newest = 0.0
    paths = [dd.judgements_path, dd.watchlist_path]
    if dd.records.is_dir():
        for d in dd.records.iterdir():
            paths.append(d / "CURRENT")
    for p in paths:
        try:
            newest = max(newest, p.stat().st_mtime)
        except OSError:
            pass
    return newest


def _graph_is_current(dd: DataDir) -> bool:
    from .changelog import FACTS_FILE

    graph = dd.current_graph()
    if graph is None or not (graph / FACTS_FILE).exists():
        return False
    try:
        built = (graph / "build.json").stat().st_mtime
    except OSError:
        return False
    return _newest_input(dd) < built


def _build_row(info: dict[str, Any]) -> dict[str, Any]:
    return {"path": info.get("path"), "built_at": info.get("built_at"), "counts": info.get("counts"),
            "clusters": info.get("clusters"), "merged_records": info.get("merged_records"),
            "timings": info.get("timings"), "seconds": info.get("seconds"), "warnings": info.get("warnings") or [],
            "dangling": (info.get("audit") or {}).get("dangling_total"), "flight_worker": info.get("flight_worker")}


# --------------------------------------------------------------------------- update
def update(sources: Iterable[str] | str | None = None, *, offline: bool = False, check: bool | None = None,
           rebuild: bool = False, datadir: DataDir | str | Path | None = None,
           on_event: Event | None = None, jobs: int | None = None) -> dict[str, Any]:
    """Fetch, ingest, resolve and build in one run; returns the summary (see the module docstring).

    Parameters
    ----------
    sources : names (or "a,b") replacing the configured set.
    offline : re-parse the raw snapshots already held; no network.
    check : enforce the sources' quality assertions (default: ``[update] check``, else True).
    rebuild : build even if nothing changed since the current graph.
    on_event : ``on_event(kind, stage, **info)`` with kind ``start``/``end`` per stage
        (``ingest:ofac``..., ``build:resolve``...; ``build:flights`` for a build's flights made in a
        worker process beside its load and resolve), for a progress display.
    jobs : sources ingested at once, each in a worker process (default:
        ``[update] jobs``, else 2 on a machine with 2+ cores); 1 ingests them
        one after the other in this process.

    Returns
    -------
    dict: ``sources`` (per source: status ``updated``/``unchanged``/``fallback``/
    ``offline``/``skipped``/``failed``, reason, snapshot, records,
    added/removed/changed, warnings), ``skipped`` (name and reason),
    ``kept`` (sources held but not updated now), ``build`` (counts, timings)
    or ``build_error``, ``pruned`` (old snapshots removed, with ``[update]
    keep_snapshots``: :func:`kgraph.retention.prune`), ``stages`` (seconds and
    peak RSS per stage), ``ok`` (a graph is built and current) and ``seconds``.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> summary = kgraph.update(offline=True, datadir=dd)
    >>> summary["ok"], summary["offline"]
    (True, True)
    """
    from . import records as store
    from .building import build_locked

    dd = DataDir.of(datadir)
    if isinstance(sources, str):
        sources = sources.split(",")
    t0 = time.perf_counter()
    today = dt.datetime.now(dt.timezone.utc).date()
    stages = _Stages(on_event)
    rows: dict[str, dict[str, Any]] = {}
    build_info: dict[str, Any] | None = None
    build_error = None
    with dd.lock("update"):
        config = dd.config()
        ucfg = _update_config(config)
        check = bool(ucfg.get("check", True)) if check is None else check
        names = configured_sources(config, sources)
        if offline and sources is None:
            from .sources import INGESTERS

            # --offline rebuilds from every raw snapshot held, configured or not
            names += [n for n in INGESTERS if n not in names and dd.raw_snapshots(n)]
        jobs = _jobs(ucfg, jobs)
        options = {"offline": offline, "check": check, "config": config, "today": today}

        def label(name: str) -> str:
            return f"{'re-parse' if offline else 'fetch + ingest'} {name}"

        if jobs > 1 and len(names) > 1:
            from .update_workers import _ingest_parallel  # here, not at the top: it imports this module

            rows = _ingest_parallel(dd, names, min(jobs, len(names)), stages, label, options)
        else:
            for name in names:
                stages.start(f"ingest:{name}", label(name))
                row = _ingest_one(dd, name, **options)
                rows[name] = row
                stages.end(row["status"], row.get("reason") or f"{row.get('records', 0)} records")
        held = [s for s in store.sources_with_records(dd)]
        covered = {d for r in rows.values() for d in r.get("datasets") or []}
        kept = sorted(s for s in held if s not in covered)
        # every records write touches CURRENT: an untouched store means the graph is still current
        skip_build = not rebuild and not offline and _graph_is_current(dd)
        if skip_build:
            build_note = "no source changed since the current graph was built: build skipped (--rebuild forces it)"
        else:
            build_note = None
            try:
                build_info = build_locked(dd, on_stage=lambda s: stages.start(f"build:{s}", f"build: {s}"))
                stages.end("done")
                worker = build_info.get("flight_worker")
                if worker and worker.get("seconds") is not None:  # the flights, beside the load and the resolve
                    if stages.on_event:
                        stages.on_event("start", "build:flights", label="build: flights")
                    stages.add("build:flights", "build: flights", {k: worker[k] for k in
                               ("seconds", "cpu_seconds", "peak_rss_mb")}, "done",
                               f"{worker['seconds']:.1f} s in a second process, beside load and resolve")
            except KgraphError as e:
                stages.end("failed", str(e))
                build_error = str(e)
        pruned = None
        if ucfg.get("keep_snapshots"):
            from .retention import prune_locked

            # what a daily update leaves behind, kept to a number (never the current records nor the newest raw)
            report = prune_locked(dd, ucfg["keep_snapshots"])
            pruned = {"keep": report["keep"], "removed": report["removed"], "bytes": report["bytes"]}
    skipped = [{"source": n, "status": r["status"], "reason": r["reason"]} for n, r in rows.items()
               if r["status"] in ("skipped", "failed")]
    warnings = [f"{n}: {r['reason']}" for n, r in rows.items() if r["status"] in ("fallback", "skipped", "failed")]
    warnings += (build_info or {}).get("warnings") or []  # what the build passed over (a judgement cut short)
    graph = dd.current_graph()
    return {
        "datadir": str(dd.root),
        "offline": offline,
        "sources": rows,
        "skipped": skipped,
        "kept": kept,
        "build": _build_row(build_info) if build_info else None,
        "build_skipped": build_note,
        "build_error": build_error,
        "pruned": pruned,
        "graph": str(graph) if graph else None,
        "ok": build_error is None and graph is not None,
        "warnings": warnings,
        "stages": stages.rows,
        "seconds": round(time.perf_counter() - t0, 3),
    }
