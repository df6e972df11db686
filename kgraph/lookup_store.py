"""Lookup's hits among the node types the index leaves out (:data:`kgraph.lookup_index.STORE_ONLY`:
the flights and the registrations), read from the graph store by id or source record (a registration by its
id only: its sources are the airframes' records). :func:`kgraph.lookup_index.lookup`
asks it for a one-word query the index does not answer exactly; :func:`kgraph.screen` for all its
misses at once.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .lookup_index import STATED_TYPES, STORE_ONLY, _first, _loads, _summary_parts

__all__ = ["store_only_hits", "STORE_HITS_CAP", "STORE_BATCH"]

#: store-only nodes returned per query at most
STORE_HITS_CAP = 50


#: queries asked of the graph store in one scan at most (kgraph screen asks all its misses at once)
STORE_BATCH = 250


def store_only_hits(graph_dir: Path, queries: list[str], wanted: set[str] | None) -> dict[str, list[dict[str, Any]]]:
    """Hits among the :data:`STORE_ONLY` types, read from the graph store: by id, then by source record;
    query -> its hits, for many queries at once (:func:`screen`: its scans serve :data:`STORE_BATCH` queries,
    not one).

    Only asked when the index found nothing exact, and only of the types the
    build holds: at full size (a million flights) an id is found in ~60-80 ms
    (the store's opening, then its primary key) and a record in ~0.13 s (a scan
    of the ids, then the rows by their primary key), where the index answers in
    milliseconds; a query none of them holds costs its ~0.4 s of scans.
    """
    from .graph.store import open_store, read_build_info
    from .schema import schema

    out: dict[str, list[dict[str, Any]]] = {q: [] for q in queries}
    held = (read_build_info(graph_dir).get("counts") or {}).get("nodes") or {}
    types = [t for t in sorted(STORE_ONLY) if held.get(t) and (wanted is None or t in wanted)]
    if not types or not queries:
        return out

    def pattern(qs: list[str], fold: bool = False) -> str:
        # a record as the sources column's JSON writes it; many in one alternation, so that one scan serves
        # them all (each query escaped). `any(x IN $list WHERE n.sources CONTAINS x)` did the same at full
        # size in 0.33 s for one record and 1.3 s for forty; this takes ~0.1 s for either.
        return ("(?i)" if fold else "") + "|".join(re.escape('"record":' + json.dumps(q, ensure_ascii=False))
                                                   for q in qs)

    def id_suffix(qs: list[str]) -> str:
        return "-(?:" + "|".join(re.escape(q.replace("/", "-")) for q in qs) + ")$"

    with open_store(graph_dir) as store:
        for node_type in types:
            spec = schema().node(node_type)  # names from the schema, never from the query, go into the Cypher
            summary_props = sorted({p for t in spec.summary for p in re.findall(r"{(\w+)}", t)})
            ret = ", ".join(["n.id", "n.caption", "n.sources", "n.sanctioned"] + [f"n.`{p}`" for p in summary_props])
            match = f"MATCH (n:{node_type}) WHERE "
            tail = f" RETURN {ret} LIMIT $cap"
            # the ids through the primary key, one lookup each (`WHERE n.id IN $ids` scans every row: ~0.1 s)
            by_id = f"UNWIND $ids AS i MATCH (n:{node_type} {{id: i}})"
            parts = _summary_parts(spec.summary, {p: i for i, p in enumerate(summary_props, 4)})
            # cheapest first, each step for the queries the last one left without a hit: the id as typed (the
            # primary key); the id a record makes, as typed: a flight's id ends with its record as a rule
            # (flightlog-leg-15, opensky-flight-1533ad-1769900000 for 1533ad/1769900000), and the ids are
            # short (a scan of them ~45 ms for a million flights), a row counting only with the record among
            # its sources (below); a record as typed (a scan of the sources, ~85 ms); then both regardless
            # of case, as the index's keys are (~110 ms)
            steps = [(by_id, lambda qs: {"ids": qs}),
                     (match + "regexp_matches(n.id, $suffix)", lambda qs: {"suffix": id_suffix(qs)}),
                     (match + "regexp_matches(n.sources, $pattern)", lambda qs: {"pattern": pattern(qs)}),
                     (match + "lower(n.id) IN $ids OR regexp_matches(n.sources, $pattern)",
                      lambda qs: {"ids": [q.lower() for q in qs], "pattern": pattern(qs, fold=True)})]
            if node_type in STATED_TYPES:  # by id only
                steps = [steps[0], (match + "lower(n.id) IN $ids", lambda qs: {"ids": [q.lower() for q in qs]})]
            for head, params in steps:
                pending = sorted({q for q in queries if not out[q]})
                found = []
                for i in range(0, len(pending), STORE_BATCH):  # a pattern of a few hundred records at most
                    batch = pending[i:i + STORE_BATCH]
                    cap = STORE_HITS_CAP * len(batch)
                    if head != by_id:
                        # a scan returns the ids alone, and the rows are read by them: a scan that returns
                        # them reads each of their columns for every row it passes (a million flights' ids
                        # scanned in ~45 ms, and ~105 ms with the caption, sources and summary beside them)
                        scan = head + " RETURN n.id LIMIT $cap"
                        ids = [r[0] for r in store.query(scan, {**params(batch), "cap": cap}, raw=True)[1]]
                        found += store.query(by_id + tail, {"ids": ids, "cap": cap}, raw=True)[1] if ids else []
                    else:
                        found += store.query(head + tail, {**params(batch), "cap": cap}, raw=True)[1]
                for r in found:
                    nid, caption, sources_json, sanctioned = r[:4]
                    sources = _loads(sources_json or "[]")
                    for q in pending:
                        if len(out[q]) >= STORE_HITS_CAP:
                            continue
                        if nid.lower() == q.lower():
                            kind, why = "id", f"id {nid}"
                        else:
                            src = next((x for x in sources if str(x.get("record", "")).lower() == q.lower()), None)
                            if src is None:
                                continue  # not this query's, or its text was in the JSON, not as a whole record
                            kind, why = "record", f"record {src.get('source')} {src.get('record')}"
                        out[q].append({
                            "id": nid, "type": node_type, "name": caption or nid, "score": 1.0, "why": [why],
                            "sources": [{"source": x["source"], "record": x["record"]} for x in sources],
                            "programs": [], "sanctioned": bool(sanctioned),
                            "summary": "; ".join(text.replace("\x00", _first(r[i])) for text, i in parts if r[i]),
                            "kind": kind,
                        })
    return out
