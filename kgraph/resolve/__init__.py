"""Entity resolution: which records of which lists and registries are one entity.

>>> from kgraph.model import Node, Provenance
>>> nodes = [
...     Node("ofac-40181", "Organization", {"name": ["JSC AVIACON ZITOTRANS"], "innCode": ["6658039390"]},
...          Provenance("us_ofac_sdn", "40181")),
...     Node("ca-sema-x", "Organization", {"name": ["Aviacon Zitotrans JSC"]},
...          Provenance("ca_sema", "Russia / Russie|1, Part 2|380")),
...     Node("ofac-40185", "Airplane", {"registrationNumber": ["RA-78765"], "serialNumber": ["83486590"],
...          "model": ["IL-76TD"]}, Provenance("us_ofac_sdn", "40185")),
...     Node("ru-1533ad", "Airplane", {"icao24": ["1533AD"], "registrationNumber": ["RA-78765"],
...          "serialNumber": ["83486590"]}, Provenance("ru_aircraft_db", "1533ad")),
... ]
>>> r = resolve(nodes, [])
>>> r.canonical["ca-sema-x"], r.canonical["ru-1533ad"], r.keys["icao24-1533ad"]
('ofac-40181', 'ofac-40185', 'ofac-40185')

The pipeline: :mod:`.entity` prepares each member once; :mod:`.index` proposes
candidate pairs through shared keys; :mod:`.score` and :mod:`.aircraft` score
them with evidence; :mod:`.cluster` joins them under analysts' judgements
(:mod:`.judgements`); :mod:`.links` derives operator/owner edges.
"""
from __future__ import annotations

import gzip
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..model import Edge, Node
from .names import compare_texts, score_names
from . import normalize, person_names, words
from .normalize import name_keys

if TYPE_CHECKING:
    from .entity import Entity

#: what the resolution itself needs, imported when first asked for: a lookup reads names (.names,
#: .normalize) and none of these (`import kgraph.resolve`: 94 ms with them, 56-62 ms without)
_LAZY = {"Clusterer": "cluster", "vouches": "cluster", "MATCHABLE": "entity", "Entity": "entity",
         "LookupIndex": "index", "candidate_pairs": "index", "query_keys": "index", "Judgement": "judgements",
         "add_judgement": "judgements", "as_judgements": "judgements", "judge": "judgements",
         "load_judgements": "judgements", "pair_key": "judgements", "review": "judgements",
         "derive_links": "links", "score_pair": "score"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "resolve",
    "Resolution",
    "Match",
    "DEFAULT_THRESHOLDS",
    "write_clusters",
    "judge",
    "review",
    "Judgement",
    "add_judgement",
    "load_judgements",
    "query_keys",
    "name_keys",
    "clear_caches",
    "compare_texts",
    "score_names",
    "LookupIndex",
    "Entity",
    "score_pair",
]

#: merge: auto-merge at or above; review: keep as a "possible" match (SAME_AS) at or above
DEFAULT_THRESHOLDS = {"merge": 0.75, "review": 0.55}
#: a feature taking this much or more from a score is a cannot-link for clustering
STRONG_NEGATIVE = -0.3
RESOLUTION_FILE = "resolution.json.gz"


@dataclass
class Match:
    """A scored pair above the review threshold (or judged by an analyst)."""

    a: str
    b: str
    score: float
    decision: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4), "decision": self.decision,
                "evidence": self.evidence}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Match":
        return cls(d["a"], d["b"], float(d["score"]), d["decision"], d.get("evidence") or [])


@dataclass
class Resolution:
    """What the graph builder consumes: member -> cluster, clusters, scored matches, derived edges.

    ``clusters`` holds the clusters of matchable records (singletons included);
    ``canonical`` every input node id. ``keys`` maps identifier keys (``icao24-1533ad``, ``tail-RA78765``...) to the
    one cluster that holds them, so that edges pointing at keys (a flight's
    ICAO address) reach the resolved airframe; keys held by two clusters (a
    re-used tail) are left out. ``shared_keys`` has those, each with its
    clusters (None in a resolution read back from disk): with ``keys`` they
    are every cluster's identifier keys, which the graph builder finds edge
    ends by (:class:`kgraph.graph.endpoints.Endpoints`) without making them again.
    """

    canonical: dict[str, str]
    clusters: dict[str, list[str]]
    matches: list[Match]
    derived_edges: list[Edge]
    keys: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    warnings: list[str] = field(default_factory=list)
    shared_keys: dict[str, list[str]] | None = None

    def merge_evidence(self) -> dict[str, list[dict[str, Any]]]:
        """Why each merged cluster is one: its cluster id -> the matches that joined its records (merged, or
        judged the same), each with its score and evidence. Read before ``canonical`` is pared down."""
        out: dict[str, list[dict[str, Any]]] = {}
        for m in self.matches:
            if m.decision in ("merge", "judged-same"):
                cluster = self.canonical.get(m.a)
                if cluster is not None and cluster == self.canonical.get(m.b):
                    out.setdefault(cluster, []).append(m.to_dict())
        return out

    def save(self, directory: str | os.PathLike) -> Path:
        """Write the resolution into a build directory (atomically); returns the file path."""
        from ..datadir import atomic_path

        path = Path(directory) / RESOLUTION_FILE
        doc = {
            "version": 1,
            "thresholds": self.thresholds,
            "canonical": self.canonical,
            "clusters": self.clusters,
            "matches": [m.to_dict() for m in self.matches],
            "derived_edges": [e.to_json() for e in self.derived_edges],
            "keys": self.keys,
            "warnings": self.warnings,
        }
        import orjson

        with atomic_path(path) as tmp:
            # written at every build, millions of keys at full size: orjson and gzip level 1 (the default,
            # 9, took most of the build's index stage in bench/pipeline.py)
            with gzip.open(tmp, "wb", compresslevel=1) as f:
                f.write(orjson.dumps(doc))
        return path

    @classmethod
    def load(cls, directory: str | os.PathLike) -> "Resolution":
        """Read a saved resolution from a directory, or from its ``resolution/`` sub-directory
        (where ``kgraph build`` saves it inside a build)."""
        from ..errors import REBUILD, DamagedFile, NoGraph

        path = Path(directory) / RESOLUTION_FILE
        if not path.exists() and (Path(directory) / "resolution" / RESOLUTION_FILE).exists():
            path = Path(directory) / "resolution" / RESOLUTION_FILE
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                doc = json.load(f)
        except FileNotFoundError:
            raise NoGraph(f"no resolution saved in {directory}; run `kgraph build` first") from None
        except (EOFError, OSError, ValueError) as e:  # gzip's and json's errors of a file cut short or garbled
            raise DamagedFile(path, e, REBUILD) from None
        canonical = doc["canonical"]
        return cls(
            canonical=canonical,
            clusters=doc.get("clusters", {}),
            matches=[Match.from_dict(m) for m in doc.get("matches", [])],
            derived_edges=[Edge.from_json(e) for e in doc.get("derived_edges", [])],
            keys=doc.get("keys", {}),
            thresholds=doc.get("thresholds", dict(DEFAULT_THRESHOLDS)),
            warnings=doc.get("warnings", []),
        )


def _group_nodes(nodes: Iterable[Node]) -> dict[str, list[Node]]:
    by_id: dict[str, list[Node]] = {}
    for n in nodes:
        recs = by_id.get(n.id)
        if recs is None:
            by_id[n.id] = [n]  # a list of one, not the room for four that append makes (millions of ids)
        else:
            recs.append(n)
    return by_id


def resolve(
    nodes: list[Node],
    edges: list[Edge],
    *,
    judgements=None,
    thresholds: dict[str, float] | None = None,
) -> Resolution:
    """Resolve records into clusters.

    Parameters
    ----------
    nodes, edges
        Every parsed record; several Node records may share an id (one entity
        asserted twice) and count as one member.
    judgements
        Analysts' judgements: a path to a judgements.jsonl, a mapping, or an
        iterable of :class:`Judgement` / ``(a, b, "same"|"different"|"unsure")``.
    thresholds
        ``{"merge": 0.75, "review": 0.55}`` by default.
    """
    th = dict(DEFAULT_THRESHOLDS)
    th.update(thresholds or {})
    from .cluster import Clusterer, vouches
    from .entity import MATCHABLE, Entity
    from .index import candidate_pairs
    from .judgements import as_judgements, pair_key
    from .links import derive_links
    from .score import score_pair

    judged = as_judgements(judgements)
    by_id = _group_nodes(nodes)
    # airplanes are filed under identifiers only, and most registry airframes share none with another
    # record: prepare their keys first, and the rest only for those in a candidate pair (below)
    entities: dict[str, Entity] = {
        nid: Entity.from_nodes(recs, keys_only=recs[0].type == "Airplane")
        for nid, recs in by_id.items() if recs[0].type in MATCHABLE
    }
    order = sorted(entities)
    ents = [entities[i] for i in order]
    pos = {eid: i for i, eid in enumerate(order)}
    allow = [(pos[a], pos[b]) for (a, b) in judged if a in pos and b in pos]
    pairs = candidate_pairs(ents, allow=allow)
    # only a pair is scored or joined (a judged pair is one too): an entity in none stays a singleton,
    # for which its keys, provenance and operator fields are enough
    for i in {i for pair in pairs for i in pair}:
        if not ents[i].complete:
            ents[i] = entities[ents[i].id] = Entity.from_nodes(by_id[ents[i].id])

    scored = []
    negative = []
    for i, j in pairs:
        a, b = ents[i], ents[j]
        if a.family != b.family:
            continue
        ps = score_pair(a, b)
        key = pair_key(a.id, b.id)
        if ps.score >= th["review"] or key in judged:
            scored.append((ps.score, key, ps))
        if ps.veto or any(e.contribution <= STRONG_NEGATIVE for e in ps.evidence):
            negative.append(key)
    scored.sort(key=lambda x: (-x[0], x[1]))

    cl = Clusterer(entities)
    warnings = cl.apply_judgements(judged)
    # strong negative evidence (different birth years, INNs, MSNs) keeps two records apart even when
    # a chain of other links would join them; an analyst's "same" still wins
    for a_id, b_id in negative:
        if pair_key(a_id, b_id) not in judged and cl.find(a_id) != cl.find(b_id):
            cl.forbid(a_id, b_id, automatic=True)
    decisions: dict[tuple[str, str], str] = {}
    for s, key, ps in scored:
        j = judged.get(key)
        if j is not None:
            decisions[key] = f"judged-{j.judgement}"
            continue
        if s >= th["merge"] and not ps.cap and not ps.veto and cl.union(*key, vouched=vouches(ps.evidence)):
            decisions[key] = "merge"
        else:
            decisions[key] = "possible"
    clusters = cl.clusters()
    canonical = {m: cid for cid, ms in clusters.items() for m in ms}
    for nid in by_id:
        canonical.setdefault(nid, nid)
    matches = []
    for s, key, ps in scored:
        decision = decisions[key]
        evidence = ps.explain()
        if decision == "possible":
            if canonical[key[0]] == canonical[key[1]]:
                # joined through other links: no longer a question for the graph
                decision = "merge"
                evidence.append({"feature": "cluster", "value": canonical[key[0]], "compared": None, "weight": 0.0,
                                 "contribution": 0.0, "detail": "joined through other links"})
            elif key in cl.blocked:
                evidence.append({"feature": "blocked", "value": None, "compared": None, "weight": 0.0,
                                 "contribution": 0.0, "detail": cl.blocked[key]})
        matches.append(Match(key[0], key[1], s, decision, evidence))
    keys, shared_keys = _key_owners(entities, canonical)
    derived = derive_links(by_id, edges, entities, canonical, keys)
    clear_caches()
    return Resolution(canonical, clusters, matches, derived, keys, th, warnings, shared_keys)


def clear_caches() -> None:
    """Empty the name analyser's memo caches (:func:`resolve` does, when it is done).

    They pay within one resolution, where each name is compared many times.
    Kept after it, they held 80k parsed names (2.1M objects) through the
    graph and store stages of a full-size build (bench/pipeline.py's inputs),
    for nothing.

    >>> _ = name_keys("Aviacon Zitotrans JSC"); clear_caches()
    >>> normalize.analyze_all.cache_info().currsize
    0
    """
    normalize.analyze_all.cache_clear()
    person_names.analyze_as_person.cache_clear()
    person_names.analyze_listed_person.cache_clear()
    normalize.analyze_syllables.cache_clear()
    normalize.phonetic.cache_clear()
    words._sim_cache.clear()


def _key_owners(entities: dict[str, Entity], canonical: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``(key -> the one cluster holding it, key -> the clusters of a key several hold)``."""
    # one owner per key, a list only for the few keys with several: a set per key (600k airframes file
    # ~3M keys) cost more memory than the entities themselves
    owner: dict[str, str] = {}
    shared: dict[str, list[str]] = {}
    for eid, ent in entities.items():
        cid = canonical[eid]
        for k in ent.keys:
            if not k.startswith("src-") and owner.setdefault(k, cid) != cid:
                _share(shared, owner, k, cid)
        for t in ent.tails:
            k = "tail-" + t
            if owner.setdefault(k, cid) != cid:
                _share(shared, owner, k, cid)
    # in place, in the entities' order: a sorted copy of the 3M keys at full size took 2 of the
    # stage's seconds, and had both dicts alive at once (the build's peak, in the resolve stage)
    for k in shared:
        del owner[k]
    return owner, shared


def _share(shared: dict[str, list[str]], owner: dict[str, str], key: str, cid: str) -> None:
    held = shared.get(key)
    if held is None:
        shared[key] = [owner[key], cid]
    elif cid not in held:
        held.append(cid)


# -- clusters as data ---------------------------------------------------------


def write_clusters(resolution: Resolution, nodes_or_provenance, path: str | os.PathLike, *, min_size: int = 2) -> int:
    """Write one JSON line per cluster: ``{"id", "members": [{"source", "record", "node"}...]}``.

    ``nodes_or_provenance`` is the list of Node records (or a mapping node id ->
    Provenance / list of Provenance). Clusters smaller than ``min_size`` are
    skipped (default: merges only). Returns the number of clusters written.
    """
    from ..datadir import atomic_write
    from ..model import Provenance

    provs: dict[str, list] = defaultdict(list)
    if isinstance(nodes_or_provenance, dict):
        for nid, p in nodes_or_provenance.items():
            for prov in p if isinstance(p, (list, tuple)) else [p]:
                provs[nid].append(prov)
    else:
        for n in nodes_or_provenance:
            if n.prov not in provs[n.id]:
                provs[n.id].append(n.prov)
    lines = []
    for cid in sorted(resolution.clusters):
        members = resolution.clusters[cid]
        if len(members) < min_size:
            continue
        out = []
        for m in members:
            for prov in provs.get(m) or [Provenance("unknown", m)]:
                item = {"source": prov.source, "record": prov.record, "node": m}
                if item not in out:
                    out.append(item)
        lines.append(json.dumps({"id": cid, "members": out}, ensure_ascii=False, separators=(",", ":")))
    atomic_write(Path(path), "".join(line + "\n" for line in lines))
    return len(lines)
