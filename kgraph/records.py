"""The parsed-record store: one gzip JSON-lines file per source and snapshot.

``write_snapshot`` stores what one parse produced, with its report and the
diff against the previous snapshot of the same source, and points
``CURRENT`` at it, all atomically. ``read_current`` streams what the next
build uses. Old snapshots are kept, so first-seen dates can be recovered for
formats without a listing date.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from .datadir import DataDir, atomic_path, atomic_write, atomic_write_json
from .model import Edge, Node, ParseReport, Record, dumps, record_from_json

__all__ = ["first_seen", "write_snapshot", "read_snapshot", "read_current", "current_snapshot", "snapshots", "diff_keys", "record_key"]


def record_key(rec: Record) -> str:
    """Identity of a record inside its source, used for diffs: node id, or the edge's ends and type."""
    if isinstance(rec, Node):
        return rec.id
    return f"{rec.start}|{rec.type}|{rec.end}"


def snapshots(dd: DataDir, source: str) -> list[str]:
    d = dd.records_dir(source)
    if not d.is_dir():
        return []
    return sorted(p.name[: -len(".jsonl.gz")] for p in d.glob("*.jsonl.gz") if not p.name.startswith("."))


def current_snapshot(dd: DataDir, source: str) -> str | None:
    try:
        name = (dd.records_dir(source) / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def read_snapshot(dd: DataDir, source: str, snapshot: str) -> Iterator[Record]:
    path = dd.records_dir(source) / f"{snapshot}.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield record_from_json(json.loads(line))


def read_current(dd: DataDir, source: str) -> Iterator[Record]:
    snap = current_snapshot(dd, source)
    if snap is None:
        return iter(())
    return read_snapshot(dd, source, snap)


def sources_with_records(dd: DataDir) -> list[str]:
    if not dd.records.is_dir():
        return []
    return sorted(p.name for p in dd.records.iterdir() if p.is_dir() and (p / "CURRENT").exists())


def _fingerprints(records: Iterable[Record]) -> dict[str, str]:
    import hashlib

    out: dict[str, str] = {}
    for rec in records:
        body = rec.to_json()
        body.pop("snapshot", None)
        h = hashlib.sha1(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        key = record_key(rec)
        out[key] = h if key not in out else hashlib.sha1((out[key] + h).encode()).hexdigest()
    return out


def diff_keys(old: dict[str, str], new: dict[str, str]) -> dict[str, list[str]]:
    """Added, removed and changed record keys between two fingerprint maps."""
    return {
        "added": sorted(k for k in new if k not in old),
        "removed": sorted(k for k in old if k not in new),
        "changed": sorted(k for k in new if k in old and old[k] != new[k]),
    }


def first_seen(dd: DataDir, source: str) -> dict[str, str]:
    """Record key -> date of the first snapshot that held it (kept across removals)."""
    try:
        return json.loads((dd.records_dir(source) / "first_seen.json").read_text())
    except FileNotFoundError:
        return {}


def write_snapshot(
    dd: DataDir, source: str, snapshot: str, records: list[Record], report: ParseReport | None = None,
    extra: dict[str, Any] | None = None, date: str | None = None,
) -> dict[str, Any]:
    """Store one source's records for one snapshot and make it CURRENT; returns the summary.

    The summary holds the report, the counts and the diff (added / removed /
    changed record keys, lists capped at 1,000 with full counts) against the
    previous CURRENT snapshot. ``date`` (ISO) is when this snapshot was taken:
    keys never seen before get it as their first-seen date, which is how a
    listing date is recovered for formats that state none (OFAC's CSVs).
    """
    d = dd.records_dir(source)
    d.mkdir(parents=True, exist_ok=True)
    prev = current_snapshot(dd, source)
    old = _fingerprints(read_snapshot(dd, source, prev)) if prev else {}
    new = _fingerprints(records)
    diff = diff_keys(old, new) if prev else {"added": sorted(new), "removed": [], "changed": []}
    with atomic_path(d / f"{snapshot}.jsonl.gz") as tmp:
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=5) as f:
            for rec in records:
                f.write(dumps(rec))
                f.write("\n")
    summary = {
        "source": source,
        "snapshot": snapshot,
        "previous": prev,
        "records": len(records),
        "nodes": sum(1 for r in records if isinstance(r, Node)),
        "edges": sum(1 for r in records if isinstance(r, Edge)),
        "report": report.to_dict() if report else None,
        "changes": {k: len(v) for k, v in diff.items()},
        "diff": {k: v[:1000] for k, v in diff.items()},
        **(extra or {}),
    }
    if date:
        seen = first_seen(dd, source)
        for key in new:
            seen.setdefault(key, date)
        atomic_write(d / "first_seen.json", json.dumps(seen, ensure_ascii=False, sort_keys=True))
    atomic_write_json(d / f"{snapshot}.json", summary)
    atomic_write(d / "CURRENT", snapshot + "\n")
    return summary


def snapshot_summary(dd: DataDir, source: str, snapshot: str | None = None) -> dict[str, Any] | None:
    snapshot = snapshot or current_snapshot(dd, source)
    if not snapshot:
        return None
    try:
        return json.loads((dd.records_dir(source) / f"{snapshot}.json").read_text())
    except FileNotFoundError:
        return None

