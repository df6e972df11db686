"""Old snapshots removed: what a daily ``kgraph update`` leaves behind, kept to a number.

Every fetch that brings a changed file publishes a new raw snapshot
(``raw/<source>/<stamp>/``), and every ingest a new record snapshot
(``records/<dataset>/<stamp>.jsonl.gz``). Nothing reads the older ones again:
a build reads each dataset's ``CURRENT``, an offline ingest and a conditional
GET the newest raw snapshot, and the dates a listing was first seen are kept
in ``first_seen.json``, which outlives the snapshots. A flight log or a
registry a day is gigabytes a year, so :func:`prune` keeps the newest
``keep`` of each kind and removes the rest; it never removes a dataset's
``CURRENT`` snapshot, nor the raw snapshot that one was parsed from, nor
the newest raw snapshot of a source.

Downloads that failed their checks (``raw/<source>/.rejected-<stamp>/``,
kept for diagnosis) count as a kind of their own.

``[update] keep_snapshots = N`` in config.toml has ``kgraph update`` prune
after each run.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from .datadir import REJECTED_PREFIX, REMOVING_PREFIX, DataDir, tree_bytes
from .errors import ConfigError, KgraphError

__all__ = ["prune", "disk_usage", "keep_setting", "DEFAULT_KEEP"]

#: snapshots kept per source and kind when neither ``--keep`` nor config.toml says
DEFAULT_KEEP = 3


def keep_setting(config: dict[str, Any]) -> int | None:
    """``[update] keep_snapshots`` of a config.toml (checked), or None when it is not set.

    >>> keep_setting({"update": {"keep_snapshots": 5}}), keep_setting({})
    (5, None)
    """
    section = config.get("update") or {}
    keep = section.get("keep_snapshots") if isinstance(section, dict) else None
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
        raise ConfigError(f"config.toml: update.keep_snapshots must be a whole number of 1 or more, not {keep!r}")
    return keep


def _keep(dd: DataDir, keep: int | None) -> int:
    # what the analyst set for the daily update is what prune and stats count with, unless told otherwise
    return keep if keep is not None else keep_setting(dd.config()) or DEFAULT_KEEP


def _row(source: str, kind: str, kept: list[str], removed: list[tuple[str, list[Path]]]) -> dict[str, Any]:
    return {"source": source, "kind": kind, "kept": len(kept), "removed": [name for name, _ in removed],
            "bytes": sum(tree_bytes(p) for _, paths in removed for p in paths), "newest_kept": kept[-1] if kept else None}


def _plan(dd: DataDir, keep: int) -> list[tuple[dict[str, Any], list[Path]]]:
    """(report row, paths to remove) per source and kind."""
    from . import records as store

    plan = []
    # the raw snapshots the CURRENT records were parsed from, per source folder
    parsed_from: set[tuple[str, str]] = set()
    datasets = store.sources_with_records(dd)
    for dataset in datasets:
        raw = (store.snapshot_summary(dd, dataset) or {}).get("raw")
        if raw:
            parsed_from.add((Path(raw).parent.name, Path(raw).name))
    for folder in sorted(p for p in dd.raw.iterdir() if p.is_dir()) if dd.raw.is_dir() else []:
        good = [p.name for p in dd.raw_snapshots(folder.name)]
        rejected = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name.startswith(REJECTED_PREFIX))
        for kind, names, protected in (
            ("raw", good, {n for f, n in parsed_from if f == folder.name} | set(good[-1:])),
            ("rejected", rejected, set()),
        ):
            kept = [n for i, n in enumerate(names) if i >= len(names) - keep or n in protected]
            gone = [(n, [folder / n]) for n in names if n not in kept]
            if names:
                plan.append((_row(folder.name, kind, kept, gone), [p for _, ps in gone for p in ps]))
    for dataset in datasets:
        names = store.snapshots(dd, dataset)
        current = store.current_snapshot(dd, dataset)
        kept = [n for i, n in enumerate(names) if i >= len(names) - keep or n == current]
        d = dd.records_dir(dataset)
        gone = [(n, [p for p in (d / f"{n}.jsonl.gz", d / f"{n}.json") if p.exists()]) for n in names if n not in kept]
        plan.append((_row(dataset, "records", kept, gone), [p for _, ps in gone for p in ps]))
    return plan


def prune(keep: int | None = None, *, dry_run: bool = False, datadir: DataDir | str | Path | None = None
          ) -> dict[str, Any]:
    """Remove all but the newest ``keep`` raw and record snapshots of each source; returns the report.

    ``keep`` defaults to ``[update] keep_snapshots`` in config.toml, else :data:`DEFAULT_KEEP`.

    The report: ``rows`` (per source and kind ``raw`` / ``rejected`` / ``records``: how many
    snapshots are ``kept``, the names ``removed`` and their ``bytes``), ``removed`` and ``bytes``
    in all, and ``dry_run`` (then nothing was removed).

    Example (``dd``: a data directory holding the demo graph; the airports ingested a second time)
    -------
    >>> from kgraph.pipeline import demo_path
    >>> _ = kgraph.ingest("airports", from_path=demo_path("airports"), check=False, datadir=dd)
    >>> report = kgraph.prune(keep=1, datadir=dd)
    >>> report["removed"], [(r["source"], r["kind"]) for r in report["rows"] if r["removed"]]
    (2, [('airports', 'raw'), ('ourairports', 'records')])
    """
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
        raise KgraphError(f"prune: keep must be a whole number of 1 or more, not {keep!r}")
    dd = DataDir.of(datadir)
    keep = _keep(dd, keep)
    with dd.lock("prune"):
        return prune_locked(dd, keep, dry_run=dry_run)


def prune_locked(dd: DataDir, keep: int, *, dry_run: bool = False) -> dict[str, Any]:
    """:func:`prune` for a caller that holds ``dd.lock()`` (``kgraph update``)."""
    rows = []
    for row, paths in _plan(dd, keep):
        rows.append(row)
        if dry_run:
            continue
        for path in paths:
            if path.is_dir():
                hidden = path.with_name(f"{REMOVING_PREFIX}{path.name}")
                os.replace(path, hidden)
                shutil.rmtree(hidden)
            else:
                path.unlink(missing_ok=True)
    return {"datadir": str(dd.root), "keep": keep, "dry_run": dry_run, "rows": rows,
            "removed": sum(len(r["removed"]) for r in rows), "bytes": sum(r["bytes"] for r in rows)}


#: the data directory's folders, as :func:`disk_usage` reports them
AREAS = ("raw", "records", "graph", "history")


def disk_usage(dd: DataDir, keep: int | None = None) -> dict[str, Any]:
    """Bytes held per folder of the data directory, and what ``kgraph prune --keep KEEP`` would free
    (``keep`` as for :func:`prune`).

    Reads only: ``kgraph stats`` shows it, so that a data directory grown by daily updates is noticed.
    """
    from .errors import DamagedFile

    keep = _keep(dd, keep)
    areas = {name: tree_bytes(dd.root / name) for name in AREAS if (dd.root / name).is_dir()}
    try:
        rows = [row for row, _ in _plan(dd, keep)]
    except DamagedFile as e:  # a records summary that cannot be read: the sizes still stand, the rest is said
        prunable = {"keep": keep, "snapshots": None, "bytes": None, "error": str(e)}
    else:
        prunable = {"keep": keep, "snapshots": sum(len(r["removed"]) for r in rows),
                    "bytes": sum(r["bytes"] for r in rows)}
    return {"bytes": areas, "total": sum(areas.values()), "prunable": prunable}
