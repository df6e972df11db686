"""The analyst's watchlist: the entities `kgraph changes --watchlist` follows.

Stored in ``DATA/watchlist.json`` (written atomically, under the data
directory's lock). An entry holds a node id, or the best lookup hit of a
query with the query text kept; cluster ids are stable across builds, and an
entry whose id disappears or is folded into another cluster says so.

>>> import kgraph
>>> kgraph.watch_add("Aviacon Zitotrans")["id"]             # doctest: +SKIP
'ofac-40181'
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .datadir import DataDir, atomic_write_json
from .errors import KgraphError, NotFound

__all__ = ["watch_add", "watch_list", "watch_remove", "load_watchlist"]


def _dd(datadir: DataDir | str | Path | None) -> DataDir:
    return DataDir.of(datadir)


def load_watchlist(datadir: DataDir | str | Path | None = None) -> list[dict[str, Any]]:
    """The stored watchlist entries (``id``, ``query``, ``type``, ``caption``, ``added``)."""
    dd = _dd(datadir)
    try:
        data = json.loads(dd.watchlist_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except ValueError as e:
        raise KgraphError(f"{dd.watchlist_path}: not valid JSON ({e}); fix or remove it") from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("id"), str) for e in entries):
        raise KgraphError(f"{dd.watchlist_path}: expected {{\"entries\": [{{\"id\": ...}}, ...]}}")
    return entries


def _save_watchlist(dd: DataDir, entries: list[dict[str, Any]]) -> None:
    atomic_write_json(dd.watchlist_path, {"version": 1, "entries": entries})


def watch_add(target: str, *, datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """Watch a node id, or the best lookup hit of a query; returns the stored entry.

    The entry keeps the resolved id and what was typed (``query``). Adding
    what is already watched returns the existing entry with ``already``.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> entry = kgraph.watch_add("Aviacon Zitotrans", datadir=dd)
    >>> entry["id"], entry["type"]
    ('ofac-40181', 'Organization')
    """
    from .find import find_node

    dd = _dd(datadir)
    target = (target or "").strip()
    if not target:
        raise KgraphError("give a node id or a query to watch")
    hit, _ = find_node(target, datadir=dd, min_score=0.0)
    entry = {"id": hit["id"], "query": None if hit["id"] == target else target, "type": hit["type"],
             "caption": hit["name"], "added": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    with dd.lock("watch add"):
        entries = load_watchlist(dd)
        same = next((e for e in entries if e["id"] == entry["id"]), None)
        if same is not None:
            return {**same, "already": True}
        _save_watchlist(dd, [*entries, entry])
    return entry


def watch_remove(target: str, *, datadir: DataDir | str | Path | None = None) -> list[dict[str, Any]]:
    """Stop watching an id (or the entry added with that query text); returns the removed entries.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> _ = kgraph.watch_add("ofac-40185", datadir=dd)
    >>> [e["id"] for e in kgraph.watch_remove("ofac-40185", datadir=dd)]
    ['ofac-40185']
    """
    dd = _dd(datadir)
    with dd.lock("watch remove"):
        entries = load_watchlist(dd)
        gone = [e for e in entries if target in (e["id"], e.get("query"))]
        if not gone:
            raise NotFound(f"{target!r} is not on the watchlist; see `kgraph watch list`")
        _save_watchlist(dd, [e for e in entries if e not in gone])
    return gone


def watch_list(*, datadir: DataDir | str | Path | None = None) -> list[dict[str, Any]]:
    """The watchlist, each entry checked against the current graph.

    Adds ``status`` (``ok``; ``not in the current graph``; ``folded into
    <id>``; ``no graph built``), ``current_id`` and ``current_caption``.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> _ = kgraph.watch_add("RA-78765", datadir=dd)
    >>> [(e["id"], e["status"]) for e in kgraph.watch_list(datadir=dd)]
    [('ofac-40185', 'ok')]
    """
    from .find import id_hit

    dd = _dd(datadir)
    entries = load_watchlist(dd)
    has_graph = dd.current_graph() is not None
    out = []
    for e in entries:
        e = dict(e)
        if not has_graph:
            e.update(status="no graph built", current_id=None, current_caption=None)
        else:
            hit = id_hit(e["id"], datadir=dd)
            if hit is None:
                e.update(status="not in the current graph", current_id=None, current_caption=None)
            else:
                e.update(status="ok" if hit["id"] == e["id"] else f"folded into {hit['id']}",
                         current_id=hit["id"], current_caption=hit["name"])
        out.append(e)
    return out
