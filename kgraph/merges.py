"""Why a node's records are one: the matches that merged them, with their scores and evidence.

A node of the graph may fold records of several lists (OFAC's JSC AVIACON ZITOTRANS and Canada's
Aviacon Zitotrans JSC). The build keeps, for each merged node, the pairs of its records that the
resolver merged (or an analyst judged the same), in the lookup index beside the node's row; a card
shows them, so that an analyst can see why a listing from another list is on it, and judge otherwise
(``kgraph judge``) when the evidence is thin. :func:`kgraph.show` gives them as ``merged``.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from .datadir import DataDir

__all__ = ["why_merged", "why_merged_all", "render_why_merged", "merge_line", "reason"]


def why_merged(node_id: str, *, datadir: DataDir | str | Path | None = None) -> list[dict[str, Any]]:
    """The matches that merged ``node_id``'s records: ``{a, b, score, decision, evidence}`` each, the
    strongest first; empty for a node of one record."""
    return why_merged_all([node_id], datadir=datadir).get(node_id, [])


def why_merged_all(node_ids: list[str], *, datadir: DataDir | str | Path | None = None
                   ) -> dict[str, list[dict[str, Any]]]:
    """:func:`why_merged` of many nodes in one read (the nodes of a view): the merged ones only."""
    from .lookup_index import INDEX_FORMAT, INDEX_NAME, _loads

    path = DataDir.of(datadir).require_graph() / INDEX_NAME
    if not path.exists() or not node_ids:  # a graph built by kgraph.graph.build_graph alone has no lookup index
        return {}
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (written_as,) = con.execute("PRAGMA user_version").fetchone()
        if written_as != INDEX_FORMAT:  # lookup refuses it, and says how to write it anew
            return {}
        rows = []
        for at in range(0, len(node_ids), 500):  # SQLite's limit on parameters
            chunk = node_ids[at:at + 500]
            rows += con.execute(f"SELECT id, merges FROM node WHERE merges IS NOT NULL AND id IN "
                                f"({','.join('?' * len(chunk))})", chunk).fetchall()
    finally:
        con.close()
    return {nid: sorted(_loads(merges), key=lambda m: (-m["score"], m["a"], m["b"])) for nid, merges in rows}


def reason(evidence: list[dict[str, Any]] | None) -> str:
    """A merge's evidence in a few words: the names compared, the identifiers shared, what held against it.

    >>> reason([{"feature": "name", "value": "Rosneft", "compared": "ROSNEFT", "contribution": 1.0,
    ...          "detail": "best pair of names (1.000)"}, {"feature": "id:tax", "value": "7706107510",
    ...          "contribution": 0.05, "detail": "same tax identifier"}])
    "name 'Rosneft' ~ 'ROSNEFT'; same tax identifier 7706107510"
    """
    parts = []
    for e in evidence or ():
        if not e.get("contribution"):
            continue
        feature = e.get("feature") or ""
        if feature == "name":
            parts.append(f"name {e.get('value')!r} ~ {e.get('compared')!r}")
        elif feature.startswith("id:") and e["contribution"] > 0:
            parts.append(f"{e.get('detail')} {e.get('value')}")
        else:
            parts.append(e.get("detail") or feature)
    return "; ".join(parts[:4])


def merge_line(m: dict[str, Any]) -> str:
    """One merge as a card says it, in the terminal and in the HTML view.

    >>> merge_line({"a": "ca-1", "b": "ofac-2", "score": 1.0, "decision": "judged-same", "evidence": []})
    "ca-1 = ofac-2: score 1.00, an analyst's judgement"
    """
    judged = ", an analyst's judgement" if m["decision"] == "judged-same" else ""
    why = reason(m.get("evidence"))
    return f"{m['a']} = {m['b']}: score {m['score']:.2f}{judged}{': ' + why if why else ''}"


def render_why_merged(merges: list[dict[str, Any]] | None, tree) -> None:
    """Add a card's "Merged records" branch to a rich ``tree``."""
    from rich.markup import escape

    if not merges:
        return
    branch = tree.add("[bold]Merged records[/] [dim](kgraph judge A B --different parts a pair)[/]")
    for m in merges:
        branch.add(escape(merge_line(m)))
