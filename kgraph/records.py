"""The parsed-record store: one gzip JSON-lines file per source and snapshot.

``write_snapshot`` stores what one parse produced, with its report and the
diff against the previous snapshot of the same source, and points
``CURRENT`` at it, all atomically; ``write_snapshots`` does it for the
datasets of one parse (OFAC's two lists), which become CURRENT together.
``read_current`` streams what the next build uses. Old snapshots are kept,
so first-seen dates can be recovered for formats without a listing date.

At full size (a million flight legs, 600k registry aircraft) this is on the
critical path of every ingest and build, hence orjson, records rebuilt
without re-cleaning what was cleaned before it was stored, and diffs hashed
from the stored lines without rebuilding records.
"""
from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson

from .datadir import DataDir, atomic_path, atomic_write, atomic_write_json
from .errors import DamagedFile, KgraphError
from .model import Edge, Node, ParseReport, Provenance, Record, SharedValues, record_from_json

__all__ = ["first_seen", "write_snapshot", "write_snapshots", "finish_switches", "read_snapshot", "read_current",
           "current_snapshot", "snapshots", "diff_keys", "record_key", "listing_keys"]

log = logging.getLogger("kgraph")


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


def _line_blocks(path: Path) -> Iterator[list[bytes]]:
    """A stored snapshot's non-blank lines, a few MB of them at a time."""
    with gzip.open(path, "rb") as f:
        # read in large blocks and split them: a readline per record is a third of reading a flight log
        rest = b""
        while True:
            block = f.read(1 << 22)
            if not block:
                break
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            yield [line for line in lines if line.strip()]
        if rest.strip():
            yield [rest]


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    loads = orjson.loads
    for lines in _line_blocks(path):
        for line in lines:
            yield loads(line)


#: what reading a damaged records file raises: gzip's (a cut or garbled stream), then a line's (not JSON, or
#: JSON without a record's fields)
_UNREADABLE = (EOFError, OSError, zlib.error, ValueError, KeyError, TypeError, AttributeError, IndexError)


def _damaged(path: Path, records_read: int, err: Exception) -> DamagedFile:
    """The error of a records file that cannot be read, ``records_read`` records into it."""
    where = f"after record {records_read:,}" if isinstance(err, (EOFError, OSError, zlib.error)) \
        else f"record {records_read + 1:,}"
    return DamagedFile(path, err, _reparse(path.parent.name), where)


def _reparse(dataset: str) -> str:
    """How a dataset's damaged records are mended: its ingester's name, from the modules that declare it."""
    from .sources import INGESTERS, ingester

    for name in INGESTERS:
        try:
            if dataset in ingester(name).SOURCE.datasets:
                return f"parse the source again: kgraph ingest {name} --offline"
        except (KgraphError, ImportError):  # an ingester this installation lacks, or cannot import: not this one
            continue
    return "parse its source again: kgraph ingest SOURCE --offline"


#: single values up to this long are shared between records (codes, dates, countries, models, methods)
_SHARED_LEN = 24


def read_snapshot(dd: DataDir, source: str, snapshot: str) -> Iterator[Record]:
    """The records of one stored snapshot; a damaged file raises :class:`~kgraph.errors.DamagedFile`."""
    path = dd.records_dir(source) / f"{snapshot}.jsonl.gz"
    # stored records were cleaned and validated before they were written: rebuilt as they are, without
    # the constructors' cleaning (object.__new__ and the slots set here)
    new = object.__new__
    # one string object for the values most records repeat (source, snapshot, types, edge ends such as
    # airport-ULLI): a fifth less memory for a flight log's records (measured with bench/pipeline.py)
    same = {}.setdefault
    shared: dict[str, SharedValues] = {}
    n = 0  # records rebuilt, for the error naming the one that is not
    try:
        for d in _lines(path):
            kind = d.get("kind")
            snap = d.get("snapshot")
            prov = Provenance(same(d["source"], d["source"]), d["record"], snap and same(snap, snap))
            if kind == "node":
                rec = new(Node)
                props = d.get("props") or {}
                # short single values repeat across records (a leg's airport codes, dates and countries, an
                # airframe's model and country): one read-only list each, with its one string, took the loaded
                # records of a full-size update from 4.27 to 3.36 GB (one string) and then to 2.18 GB (one list)
                for k, vals in props.items():
                    if len(vals) == 1 and len(vals[0]) <= _SHARED_LEN:
                        one = shared.get(vals[0])
                        if one is None:
                            one = shared[vals[0]] = SharedValues(vals)
                        props[k] = one
                rec.id, rec.type, rec.props, rec.prov = d["id"], same(d["type"], d["type"]), props, prov
            elif kind == "edge":
                start, end = d["start"], d["end"]
                rec = new(Edge)
                rec.type, rec.start, rec.end = same(d["type"], d["type"]), same(start, start), same(end, end)
                rec.props, rec.prov = d.get("props") or {}, prov
            else:
                rec = record_from_json(d)  # raises, naming the unknown kind
            n += 1
            yield rec
    except _UNREADABLE as e:
        raise _damaged(path, n, e) from None


def read_current(dd: DataDir, source: str) -> Iterator[Record]:
    snap = current_snapshot(dd, source)
    if snap is None:
        return iter(())
    return read_snapshot(dd, source, snap)


def sources_with_records(dd: DataDir) -> list[str]:
    if not dd.records.is_dir():
        return []
    return sorted(p.name for p in dd.records.iterdir() if p.is_dir() and (p / "CURRENT").exists())


def _json_key(d: dict[str, Any]) -> str:
    """:func:`record_key` of a stored record's JSON."""
    return d["id"] if d.get("kind") == "node" else f"{d['start']}|{d['type']}|{d['end']}"


#: how every stored node's line starts (``Node.to_json``), its id next
_NODE_HEAD = b'{"kind":"node","id":"'
#: ... and every stored edge's (``Edge.to_json``): type, start, end next
_EDGE_HEAD = b'{"kind":"edge","type":"'
#: the last key of every stored record's JSON (``Provenance.to_dict``): a line's hash stops before it
_SNAPSHOT_KEY = b',"snapshot":'


def _fingerprint(line: bytes, out: dict[str, int], key: str) -> None:
    """Add one stored line's hash, without its snapshot, under its record's key.

    The line is hashed as it is written: ``to_json`` gives a record's keys in
    one order and every parser fills a record's properties in the order of its
    code, so a record stated the same way in two snapshots hashes the same
    (checked for every source under two hash seeds). Python's own hash:
    fingerprints are only compared within one :func:`write_snapshot` call,
    never stored.
    """
    cut = line.rfind(_SNAPSHOT_KEY)
    h = hash(line if cut < 0 else line[:cut])
    have = out.get(key)
    out[key] = h if have is None else hash((have, h))


def _stored_fingerprints(dd: DataDir, source: str, snapshot: str) -> dict[str, int]:
    """The fingerprints of a stored snapshot, hashed from its lines (decoded for their keys only)."""
    path = dd.records_dir(source) / f"{snapshot}.jsonl.gz"
    out: dict[str, int] = {}
    n = 0
    try:
        for lines in _line_blocks(path):
            for line in lines:
                _fingerprint(line, out, _line_key(line))
                n += 1
    except _UNREADABLE as e:
        raise _damaged(path, n, e) from None
    return out


def _line_key(line: bytes) -> str:
    """:func:`record_key` of a stored line, read from its first values (decoding a million flight legs only
    for their ids was most of a diff); a line with an escape in them, or another layout, is decoded."""
    if line.startswith(_NODE_HEAD):
        end = line.find(b'"', len(_NODE_HEAD))
        raw = line[len(_NODE_HEAD):end]
        if end > 0 and b"\\" not in raw:  # a line cut inside its id is decoded, and refused as JSON
            return raw.decode()
    elif line.startswith(_EDGE_HEAD):
        parts = line[len(_EDGE_HEAD):].split(b'"', 9)  # type "," start "," end ",...: 2 separators between values
        if len(parts) > 9 and parts[1:9:2] == [b",", b":", b",", b":"] and parts[2] == b"start" and parts[6] == b"end" \
                and not any(b"\\" in parts[i] for i in (0, 4, 8)):
            return f"{parts[4].decode()}|{parts[0].decode()}|{parts[8].decode()}"
    return _json_key(orjson.loads(line))


def listing_keys(records: Iterable[Record]) -> set[str]:
    """Keys whose first-seen date stands in for a listing date: SANCTIONED_UNDER edges and their entities."""
    out: set[str] = set()
    for rec in records:
        if isinstance(rec, Edge) and rec.type == "SANCTIONED_UNDER":
            out.add(record_key(rec))
            out.add(rec.start)
    return out


def diff_keys(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    """Added, removed and changed record keys between two fingerprint maps."""
    return {
        "added": sorted(k for k in new if k not in old),
        "removed": sorted(k for k in old if k not in new),
        "changed": sorted(k for k in new if k in old and old[k] != new[k]),
    }


def first_seen(dd: DataDir, source: str) -> dict[str, str]:
    """Record key -> date of the first snapshot that held it (kept across removals).

    Only listings are tracked (:func:`listing_keys`): SANCTIONED_UNDER edges and
    the entities they start from; a flight log's million legs need no date of it.
    """
    path = dd.records_dir(source) / "first_seen.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError) as e:  # the only record of when each listing was first seen: never replaced
        raise DamagedFile(path, e, "restore it from a backup, or delete it to date listings from the next snapshot "
                          "on") from None


def write_snapshot(
    dd: DataDir, source: str, snapshot: str, records: list[Record], report: ParseReport | None = None,
    extra: dict[str, Any] | None = None, date: str | None = None,
) -> dict[str, Any]:
    """Store one source's records for one snapshot and make it CURRENT; returns the summary.

    The summary holds the report, the counts and the diff (added / removed /
    changed record keys, lists capped at 1,000 with full counts) against the
    previous CURRENT snapshot (when that one cannot be read, ``previous_unreadable``
    says why and every record counts as added). ``date`` (ISO) is when this snapshot was taken:
    keys never seen before get it as their first-seen date, which is how a
    listing date is recovered for formats that state none (OFAC's CSVs).
    """
    return write_snapshots(dd, snapshot, {source: (records, report)}, extra=extra, date=date)[source]


def write_snapshots(
    dd: DataDir, snapshot: str, datasets: dict[str, tuple[list[Record], ParseReport | None]],
    extra: dict[str, Any] | None = None, date: str | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`write_snapshot` for the datasets of one parse (OFAC's SDN and consolidated lists), made
    CURRENT together: a build never reads one dataset's new records beside another's old ones.

    Each dataset's files are staged under hidden names first; a journal naming them all is the commit,
    and the switch that follows is completed by the next write or build if it is cut short
    (:func:`finish_switches`). A failure before the commit removes what was staged and leaves every
    dataset as it was. Returns each dataset's summary.
    """
    if not datasets:  # an API source that answered nothing: no snapshot, and nothing to switch
        return {}
    finish_switches(dd, datasets)
    staged: list[Path] = []
    try:
        summaries = {source: _stage(dd, source, snapshot, records, report, extra, date, staged)
                     for source, (records, report) in datasets.items()}
        for path in staged:  # on disk before the journal that makes them the data
            _fsync_file(path)
        journal = _journal_path(dd, datasets)
        atomic_write_json(journal, {"snapshot": snapshot, "datasets": sorted(datasets)})
    except BaseException:
        for path in staged:
            path.unlink(missing_ok=True)
        raise
    _switch(dd, journal)
    return summaries


#: the prefix of a dataset's files staged for a switch (hidden: :func:`snapshots` passes over them)
_PENDING = ".pending-"


def _journal_path(dd: DataDir, datasets: Iterable[str]) -> Path:
    return dd.records / f".switch-{'+'.join(sorted(datasets))}.json"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def finish_switches(dd: DataDir, datasets: Iterable[str] | None = None) -> int:
    """Complete the switches to new snapshots that a crash cut short after their commit, and remove the
    files staged by one cut short before it; returns how many switches and files that was.

    With ``datasets``, only theirs (an ingest's own, safe beside other ingests);
    without, every dataset's (taking the lock, or a build once no ingest runs).
    """
    if not dd.records.is_dir():
        return 0
    wanted = None if datasets is None else set(datasets)
    done = 0
    for journal in sorted(dd.records.glob(".switch-*.json")):
        names = journal.name[len(".switch-"):-len(".json")].split("+")
        if wanted is None or wanted.intersection(names):
            _switch(dd, journal)
            done += 1
    folders = [p for p in dd.records.iterdir() if p.is_dir()] if wanted is None else \
        [dd.records_dir(name) for name in wanted]
    for d in folders:
        for path in d.glob(_PENDING + "*"):  # no journal names it any more: its ingest ended before the commit
            path.unlink(missing_ok=True)
            done += 1
    return done


def _switch(dd: DataDir, journal: Path) -> None:
    """Make a journal's staged snapshots CURRENT (repeatable: a step already done is passed over)."""
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
        snapshot, datasets = plan["snapshot"], plan["datasets"]
        # names of files inside the records folder, nothing else: a journal edited by hand is not followed out
        if not all(isinstance(n, str) and n and "/" not in n and not n.startswith(".") for n in [snapshot, *datasets]):
            raise ValueError(f"not a snapshot and dataset names: {snapshot!r}, {datasets!r}")
    except (ValueError, OSError, KeyError, TypeError) as e:
        raise DamagedFile(journal, e, "delete it, then ingest the sources it names again") from None
    for source in datasets:
        d = dd.records_dir(source)
        for name in (f"{snapshot}.jsonl.gz", f"{snapshot}.json", "first_seen.json"):
            staged = d / f"{_PENDING}{name}"
            if staged.exists():
                os.replace(staged, d / name)
        atomic_write(d / "CURRENT", snapshot + "\n")
    journal.unlink(missing_ok=True)


def _stage(dd: DataDir, source: str, snapshot: str, records: list[Record], report: ParseReport | None,
           extra: dict[str, Any] | None, date: str | None, staged: list[Path]) -> dict[str, Any]:
    """Write one dataset's snapshot, summary and first-seen dates under their staged names; returns the summary."""
    d = dd.records_dir(source)
    d.mkdir(parents=True, exist_ok=True)
    prev = current_snapshot(dd, source)
    old: dict[str, int] = {}
    unreadable = None
    if prev:
        try:
            old = _stored_fingerprints(dd, source, prev)
        except DamagedFile as e:
            # the records this snapshot replaces are damaged: parsing the source again is how they are mended,
            # so that must not fail on them; with nothing to compare with, every record counts as added
            unreadable = e.damage
            log.warning("%s: not compared with the previous snapshot, which is damaged: %s", source, e)
    compare = prev is not None and unreadable is None
    listed = listing_keys(records) if date else set()
    seen = first_seen(dd, source) if listed else {}  # read before anything is written: it may be damaged
    new: dict[str, int] = {}
    path = d / f"{_PENDING}{snapshot}.jsonl.gz"
    staged.append(path)
    with atomic_path(path) as tmp:
        # level 1 compresses a flight log's records ~2x faster than level 5 for a file ~25 % larger (measured
        # on bench/pipeline.py's): this file is written on every ingest
        with gzip.open(tmp, "wb", compresslevel=1) as f:
            dumps, batch = orjson.dumps, []
            for rec in records:
                line = dumps(rec.to_json())
                batch.append(line)
                if compare:
                    _fingerprint(line, new, record_key(rec))
                else:  # a first snapshot: every key is added, no hash is compared
                    new[record_key(rec)] = 0
                if len(batch) == 8192:  # one write per batch: a gzip write per record cost a fifth of this loop
                    f.write(b"\n".join(batch) + b"\n")
                    batch = []
            if batch:
                f.write(b"\n".join(batch) + b"\n")
    diff = diff_keys(old, new) if compare else {"added": sorted(new), "removed": [], "changed": []}
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
        **({"previous_unreadable": unreadable} if unreadable else {}),
        **(extra or {}),
    }
    if listed:
        for key in listed:
            seen.setdefault(key, date)
        staged.append(d / f"{_PENDING}first_seen.json")
        atomic_write(staged[-1], json.dumps(seen, ensure_ascii=False, sort_keys=True))
    staged.append(d / f"{_PENDING}{snapshot}.json")
    atomic_write_json(staged[-1], summary)
    return summary


def snapshot_summary(dd: DataDir, source: str, snapshot: str | None = None) -> dict[str, Any] | None:
    snapshot = snapshot or current_snapshot(dd, source)
    if not snapshot:
        return None
    path = dd.records_dir(source) / f"{snapshot}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as e:
        raise DamagedFile(path, e, _reparse(path.parent.name)) from None

