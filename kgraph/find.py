"""The node a text stands for: an id, else the one exact lookup hit (:func:`find_node`), and a reader of
nodes by id that also takes a name, tail or identifier (:func:`found_by`, behind ``kgraph show`` and
``kgraph view``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .datadir import DataDir
from .errors import NotFound
from .lookup_index import lookup

__all__ = ["find_node", "found_by", "id_hit"]


def id_hit(node_id: str, *, datadir: DataDir | str | Path | None = None) -> dict[str, Any] | None:
    """The lookup hit of the node an id names (its own, or a record's folded into it), or None."""
    return _id_hit(node_id, lookup(node_id, limit=20, datadir=datadir))


def _id_hit(node_id: str, hits: list[dict[str, Any]]) -> dict[str, Any] | None:
    key = f"id {node_id}".lower()
    return next((h for h in hits if any(w.lower() == key for w in h["why"])), None)


def find_node(text: str, *, datadir: DataDir | str | Path | None = None, min_score: float = 1.0
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The node ``text`` stands for, and the other hits that score as well: a node id first, else the
    best lookup hit when it scores ``min_score`` or more (1.0: an exact identifier, record or name).

    Raises :class:`~kgraph.errors.NotFound` when none will do; its ``closest`` holds the best hits.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> hit, others = kgraph.find_node("RA-78765", datadir=dd)
    >>> hit["id"], [h["id"] for h in others]
    ('ofac-40185', ['ofac-40181'])
    """
    hits = lookup(text, limit=20, datadir=datadir)
    hit = _id_hit(text, hits)
    if hit is not None:
        hits = [hit]  # an id is that node, whatever else its text matches
    elif hits and hits[0]["score"] >= min_score:
        hit = hits[0]
    if hit is None:
        closest = "; ".join(f"{h['id']} {h['name']} ({h['score']:.2f})" for h in hits[:3])
        err = NotFound(f"no node {text!r} in the graph, and no exact match for it; closest: {closest}; give an id"
                       if hits else f"nothing in the graph matches {text!r}; try `kgraph lookup {text!r}`")
        err.closest = hits[:3]
        raise err
    return hit, [h for h in hits if h is not hit and h["score"] == hit["score"]]


def found_by(text: str, read: Callable[[str], dict[str, Any]], *, datadir: DataDir | str | Path | None = None
             ) -> dict[str, Any]:
    """``read(text)``, or when no node has the id ``text``, ``read`` of the node :func:`find_node` finds
    exactly, with ``found_by``: what was typed, the hit's score and why, and the other exact hits."""
    try:
        return read(text)
    except NotFound as e:
        missing = e
    try:
        hit, others = find_node(text, datadir=datadir)
    except NotFound as e:
        if not getattr(e, "closest", None):
            raise missing from None  # nothing near: the reader's own error
        raise
    if hit["id"] == text:
        raise missing  # the index has a node the store lacks: the store's error says so
    out = read(hit["id"])
    out["found_by"] = {"query": text, "score": hit["score"], "why": hit["why"],
                       "others": [{"id": h["id"], "type": h["type"], "name": h["name"]} for h in others]}
    return out
