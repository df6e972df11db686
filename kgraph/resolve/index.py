"""Candidate generation without comparing all pairs, and the lookup index.

Every entity is filed under keys: its identifier keys (:func:`kgraph.ids.node_keys`:
``id-tax-6658039390``, ``tail-RA78765``, ``icao24-1533ad``, ``msn-83486590``,
``imo-...``, and its source record), the romanisation-insensitive keys of its
name tokens (``n:sitotrans``), pairs of them (``p:aviakon|sitotrans``, which
keep frequent given and family names useful together) and the joined name
(``j:aviakonsitotrans``). Two entities become a candidate pair when they share
a key; keys held by too many entities (``n:air``, ``n:ivanov``, a generic
phone number) are skipped, and each entity keeps only its best-supported
candidates. Aircraft are filed under identifiers only.

>>> from kgraph.model import Node, Provenance
>>> from kgraph.resolve.entity import Entity
>>> ents = [Entity.from_nodes([Node(i, "Organization", {"name": [n]}, Provenance("s", i))])
...         for i, n in [("a", "JSC Aviacon Zitotrans"), ("b", "АО Авиакон Цитотранс"), ("c", "Avia Traffic")]]
>>> sorted(candidate_pairs(ents))
[(0, 1)]
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Iterable

from ..ids import icao24_key, identifier_key, msn_key, tail_key
from .entity import Entity
from .normalize import AVIATION, PARTICLE, analyze_all, name_keys

__all__ = ["entity_keys", "candidate_pairs", "query_keys", "LookupIndex", "MAX_KEY_FREQ", "MAX_CANDIDATES"]

#: a name key held by more entities than this is too common to propose pairs
MAX_KEY_FREQ = 60
#: an identifier key held by more entities than this is generic (a shared phone, a placeholder)
MAX_ID_FREQ = 25
#: candidates kept per entity, best supported first
MAX_CANDIDATES = 25
#: a pair needs at least this much support: one rare token (held by <= 3 entities), a rarer
#: token pair or joined name, an identifier, or several commoner tokens together
MIN_SUPPORT = 0.5
#: name tokens used to make pair keys
_PAIR_TOKENS = 6


def entity_keys(ent: Entity) -> dict[str, float]:
    """The keys an entity is filed under, with their weight (identifiers weigh most)."""
    keys: dict[str, float] = {}
    for k in ent.keys:
        keys["i:" + k] = 3.0
    for t in ent.tails | ent.prev_tails:
        keys["i:tail-" + t] = 3.0
    if ent.type == "Airplane":
        return keys
    for name in ent.names + ent.weak_names:
        toks = [t.key for t in name.words if t.kind not in (PARTICLE, AVIATION)]
        for k in toks:
            keys.setdefault("n:" + k, 1.0)
        if len(toks) > 1:
            keys.setdefault("j:" + name.joined, 2.0)
            head = toks[:_PAIR_TOKENS]
            for i in range(len(head)):
                for j in range(i + 1, len(head)):
                    a, b = (head[i], head[j]) if head[i] <= head[j] else (head[j], head[i])
                    keys.setdefault(f"p:{a}|{b}", 1.5)
    return keys


def candidate_pairs(
    entities: list[Entity],
    *,
    max_key_freq: int = MAX_KEY_FREQ,
    max_candidates: int = MAX_CANDIDATES,
    min_support: float = MIN_SUPPORT,
    allow: Iterable[tuple[int, int]] = (),
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of entities worth scoring.

    Only entities of one family (parties, airplanes, vessels) are paired.
    ``allow`` adds pairs that must be scored regardless (analysts' judgements).
    """
    # most keys have one holder (a registry airframe's tail, hex address, MSN): a key's first holder
    # is kept as a number, and a list of holders is made only for a key that has a second one
    first_holder: dict[str, int] = {}
    shared: dict[str, list[int]] = {}
    weights: dict[str, float] = {}
    for idx, ent in enumerate(entities):
        if ent.family is None:
            continue
        for k, w in entity_keys(ent).items():
            first = first_holder.setdefault(k, idx)
            if first != idx:
                shared.setdefault(k, [first]).append(idx)
                weights[k] = w
    support: dict[tuple[int, int], float] = defaultdict(float)
    for k in first_holder:  # in the order keys first appeared: it decides ties among candidates below
        ids = shared.get(k)
        if ids is None:
            continue
        n = len(ids)
        ident = k.startswith("i:")
        if n > (MAX_ID_FREQ if ident else max_key_freq):
            continue
        # rarer keys say more (an idf-like weight)
        w = weights[k] / math.log2(n + 1)
        for x in range(n):
            i = ids[x]
            fi = entities[i].family
            for y in range(x + 1, n):
                j = ids[y]
                if entities[j].family != fi or i == j:
                    continue
                pair = (i, j) if i < j else (j, i)
                support[pair] += w * (4.0 if ident else 1.0)
    # each entity keeps its best-supported candidates; a pair survives if either side keeps it
    per: dict[int, list[tuple[float, tuple[int, int]]]] = defaultdict(list)
    for pair, s in support.items():
        if s < min_support:
            continue
        per[pair[0]].append((s, pair))
        per[pair[1]].append((s, pair))
    out: set[tuple[int, int]] = set()
    for lst in per.values():
        if len(lst) > max_candidates:
            lst.sort(key=lambda x: -x[0])
            lst = lst[:max_candidates]
        out.update(p for _, p in lst)
    out.update((i, j) if i < j else (j, i) for i, j in allow if i != j)
    return out


# -- lookup ------------------------------------------------------------------

_HEX = re.compile(r"^(?:0x)?[0-9a-fA-F]{6}$")
_TAILISH = re.compile(r"^[A-Za-z0-9]{1,2}[- ]?[A-Za-z0-9]{2,5}$|^N\d{1,5}[A-Za-z]{0,2}$", re.I)
_DIGITS = re.compile(r"^[\d\s-]{4,}$")
_NODE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9_]+)+$")


def query_keys(text: str) -> list[str]:
    """Keys to look up for a query in any script or romanisation, a tail in any spacing,
    an ICAO 24-bit address, an MSN, a tax id or a source id. Identifier readings come first.

    >>> query_keys("ra 78765")[:2]
    ['i:tail-RA78765', 'i:msn-RA78765']
    >>> query_keys("1533AD")[0]
    'i:icao24-1533ad'
    >>> "i:id-tax-6658039390" in query_keys("6658039390")
    True
    >>> query_keys("Авиакон Цитотранс")
    ['n:aviakon', 'n:sitotrans', 'j:aviakonsitotrans', 'p:aviakon|sitotrans']
    """
    text = text.strip()
    if not text:
        return []
    out: list[str] = []

    def add(k: str | None) -> None:
        if k and k not in out:
            out.append(k)

    if _NODE_ID.match(text):
        add("id:" + text)
    if _HEX.match(text):
        add("i:" + icao24_key(text))
    if _TAILISH.match(text) and any(c.isdigit() for c in text) or "-" in text and len(text) <= 10:
        add("i:" + (tail_key(text) or ""))
        add("i:" + (msn_key(text) or ""))
    if _DIGITS.match(text):
        digits = re.sub(r"\D", "", text)
        add("i:" + (msn_key(digits) or ""))
        for scheme in ("tax", "reg", "okpo", "other", "passport"):
            add("i:" + (identifier_key(scheme, digits) or ""))
        if len(digits) == 7:
            add(f"i:imo-{digits}")
        add(f"i:src-us_ofac_sdn-{digits}")
    elif len(text) <= 12 and any(c.isdigit() for c in text):
        add("i:" + (msn_key(text) or ""))
    if len(text) == 3 and text.isalpha():
        add("i:" + (identifier_key("airline-icao", text) or ""))
    out = [k for k in out if k not in ("i:", "id:")]
    for k in name_keys(text):
        add(k)
    for name in analyze_all(text):
        toks = [t.key for t in name.words if t.kind not in (PARTICLE, AVIATION)][:_PAIR_TOKENS]
        for i in range(len(toks)):
            for j in range(i + 1, len(toks)):
                a, b = (toks[i], toks[j]) if toks[i] <= toks[j] else (toks[j], toks[i])
                add(f"p:{a}|{b}")
    return out


class LookupIndex:
    """An inverted index from keys to entity positions, for lookup: build once, query in milliseconds.

    >>> from kgraph.model import Node, Provenance
    >>> ents = [Entity.from_nodes([Node("ofac-40181", "Organization", {"name": ["JSC AVIACON ZITOTRANS"]},
    ...     Provenance("us_ofac_sdn", "40181"))])]
    >>> idx = LookupIndex(ents)
    >>> [(e.id, round(s, 2)) for e, s, _ in idx.search("Авиакон Цитотранс")]
    [('ofac-40181', 1.0)]
    """

    def __init__(self, entities: list[Entity]):
        self.entities = entities
        self.postings: dict[str, list[int]] = defaultdict(list)
        for idx, ent in enumerate(entities):
            self.postings["id:" + ent.id].append(idx)
            for k in entity_keys(ent):
                self.postings[k].append(idx)

    def candidates(self, keys: list[str], limit: int = 100) -> list[int]:
        """Entity positions under the keys, most keys (rarest first) first."""
        support: dict[int, float] = defaultdict(float)
        for k in keys:
            ids = self.postings.get(k)
            if not ids:
                continue
            w = (10.0 if k.startswith(("i:", "id:")) else 1.0) / math.log2(len(ids) + 1)
            for i in ids[:5000]:
                support[i] += w
        ranked = sorted(support, key=lambda i: -support[i])
        return ranked[:limit]

    def search(self, text: str, limit: int = 10) -> list[tuple[Entity, float, str]]:
        """Best entities for a query: (entity, score 0..1, how it matched)."""
        from .names import compare

        keys = query_keys(text)
        ident = {k for k in keys if k.startswith(("i:", "id:"))}
        queries = [n for n in analyze_all(text) if n.tokens]
        out = []
        for i in self.candidates(keys):
            ent = self.entities[i]
            own = {"id:" + ent.id} | set(entity_keys(ent))
            hit = ident & own
            if hit:
                out.append((ent, 1.0, sorted(hit)[0].split(":", 1)[1]))
                continue
            best = 0.0
            for q in queries:
                for n in ent.names:
                    s = compare(q, n)
                    if s > best:
                        best = s
            if best > 0.0:
                out.append((ent, best, "name"))
        out.sort(key=lambda x: (-x[1], x[0].id))
        return out[:limit]
