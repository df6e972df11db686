"""Pair scoring: how likely two entities are one, with the evidence for it.

The score is the strongest piece of positive evidence (the best name pair,
or a shared identifier), adjusted by qualifiers, the logic-v2 shape with
different rules where it goes wrong:

* identifiers weigh most: tax id (INN) 0.95, registration number (OGRN)
  0.95, IMO 0.97, passport 0.9, airline ICAO code 0.9...; a shared
  identifier plus a similar name adds a little more;
* a conflicting strong identifier (two different INNs or OGRNs of one
  format, two IMO numbers) is strong negative evidence;
* countries that do not overlap lower the score; dates of birth (persons)
  and incorporation (organisations) raise it when equal and lower it when
  years differ;
* two people whose lists state their family names (``lastName``), when
  these share no word and their first given names none either, are held
  apart (Canada's Jumah AL-AHMAD is not OFAC's Khalid Ahmad Jumah
  AL-SUDANI, though one name holds the other);
* a Person compared with an Organization may be reviewed, never merged
  automatically;
* aircraft follow :mod:`kgraph.resolve.aircraft` (MSN identity, time-bound
  tails, types only as a compatibility check).

>>> from kgraph.model import Node, Provenance
>>> from kgraph.resolve.entity import Entity
>>> a = Entity.from_nodes([Node("ofac-40181", "Organization", {"name": ["JSC AVIACON ZITOTRANS"],
...     "alias": ["OAO AVIAKOMPANIYA AVIAKON TSITOTRANS"]}, Provenance("us_ofac_sdn", "40181"))])
>>> b = Entity.from_nodes([Node("ca-1", "Organization", {"name": ["Aviacon Zitotrans JSC"]},
...     Provenance("ca_sema", "Russia / Russie|1, Part 2|380"))])
>>> r = score_pair(a, b)
>>> r.score >= 0.9, r.evidence[0].feature
(True, 'name')
"""
from __future__ import annotations

from .aircraft import score_airplanes
from .entity import Entity
from .evidence import Evidence, PairScore
from .names import compare, token_similarity
from .normalize import PARTICLE, analyze_all

__all__ = ["score_pair", "best_name", "ID_WEIGHTS", "conflicting_ids"]

#: what a shared identifier of each scheme is worth
ID_WEIGHTS = {
    "tax": 0.95,
    "reg": 0.95,
    "okpo": 0.9,
    "imo": 0.97,
    "mmsi": 0.85,
    "callsign": 0.6,
    "passport": 0.9,
    "airline-icao": 0.9,
    "email": 0.7,
    "phone": 0.6,
    "other": 0.8,
}
#: schemes where two different values of the same format mean two different entities
CONFLICT_WEIGHTS = {"tax": -0.5, "reg": -0.4, "imo": -0.6}
WEAK_ALIAS_FACTOR = 0.85
BOTH_BONUS = 0.05
COUNTRY_MISMATCH = -0.15
DATE_MATCH = 0.08
BIRTH_YEAR_MISMATCH = -0.3
FOUNDED_YEAR_MISMATCH = -0.15
CROSS_TYPE = -0.1
#: two people whose lists each say which of their names is the family name, and these share no word
SURNAME_MISMATCH = -0.15
SAME_RECORD = 1.0
#: identifiers an operator's units or a group's companies share: the Russian Air Force and its 223rd and 224th
#: flight units all fly as RFF in the Russian register. With names that disagree (below NAMES_DISAGREE) such
#: an identifier alone makes a pair one to review, not to merge
GROUP_CODES = frozenset({"airline-icao"})
NAMES_DISAGREE = 0.5
#: name pairs compared per entity pair when no name pair shares a token key
FALLBACK_NAMES = 3
#: name pairs compared per entity pair at most, those sharing most token keys first
MAX_NAME_PAIRS = 16


def best_name(a: Entity, b: Entity) -> tuple[float, str | None, str | None]:
    """The best-scoring pair of names of two entities: (score, name of a, name of b).

    Only name pairs that share a token key are compared, plus the first few
    names of each side (which catches typo-only variants): merged records with
    dozens of aliases stay fast.
    """
    best, ba, bb = 0.0, None, None
    common = a.name_keyset & b.name_keyset
    if common:
        shared: dict[tuple[int, int], int] = {}
        for k in common:
            for i in a.name_index[k]:
                for j in b.name_index[k]:
                    shared[(i, j)] = shared.get((i, j), 0) + 1
        ranked = sorted(shared, key=lambda ij: (-shared[ij], ij))[:MAX_NAME_PAIRS]
        pairs = [(a.names[i], b.names[j], 1.0) for i, j in ranked]
    else:
        pairs = [(na, nb, 1.0) for na in a.names[:FALLBACK_NAMES] for nb in b.names[:FALLBACK_NAMES]]
    for weak_side in (a.weak_names, b.weak_names):
        if weak_side:
            other = b.names if weak_side is a.weak_names else a.names
            for nw in weak_side:
                for no in other:
                    if nw.keys & no.keys:
                        pairs.append((nw, no, WEAK_ALIAS_FACTOR) if weak_side is a.weak_names else (no, nw, WEAK_ALIAS_FACTOR))
    person = a.type == "Person" or b.type == "Person"
    for na, nb, factor in pairs:
        s = compare(na, nb, person) * factor
        if s > best:
            best, ba, bb = s, na.raw, nb.raw
            if s >= 1.0:
                break
    return best, ba, bb


def conflicting_ids(a_ids: dict[str, set[str]], b_ids: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """Strong identifiers that disagree: (scheme, value of a, value of b) where both sides have a
    value of the same format in that scheme and no value is shared.

    >>> conflicting_ids({"tax": {"6658039390"}}, {"tax": {"7707049388"}})
    [('tax', '6658039390', '7707049388')]
    >>> conflicting_ids({"tax": {"6658039390"}}, {"tax": {"6658039390", "7707049388"}})
    []
    """
    out = []
    for scheme in CONFLICT_WEIGHTS:
        va, vb = a_ids.get(scheme), b_ids.get(scheme)
        if not va or not vb or va & vb:
            continue
        for x in sorted(va):
            y = next((y for y in sorted(vb) if len(y) == len(x) and x.isdigit() == y.isdigit()), None)
            if y is not None:
                out.append((scheme, x, y))
                break
    return out


def _dates(a: Entity, b: Entity, ev: list[Evidence]) -> None:
    person = "Person" in (a.type, b.type)
    label = "birth_date" if person else "founded"
    full = a.full_dates & b.full_dates
    if full:
        d = sorted(full)[0]
        ev.append(Evidence(label, d, d, DATE_MATCH, DATE_MATCH, "same date"))
        return
    if a.years & b.years:
        return
    # a year off by one is a common typo or calendar slip: not held against the pair
    if any(abs(x - y) <= 1 for x in a.years for y in b.years):
        return
    w = BIRTH_YEAR_MISMATCH if person else FOUNDED_YEAR_MISMATCH
    ev.append(Evidence(label, ",".join(sorted(a.dates)), ",".join(sorted(b.dates)), w, w, "years differ"))


def score_pair(a: Entity, b: Entity) -> PairScore:
    """Score two entities of compatible types (same family) with per-feature evidence."""
    if not (a.complete and b.complete):
        # an entity prepared with its keys only has no MSNs, types or names: it would score wrong, silently
        raise ValueError(f"score_pair needs fully prepared entities: {a.id} / {b.id}")
    if a.type == "Airplane" and b.type == "Airplane":
        return score_airplanes(a, b)
    ev: list[Evidence] = []
    same_record = a.prov_keys & b.prov_keys
    if same_record:
        src, rec = sorted(same_record)[0]
        ev.append(Evidence("source_record", f"{src}:{rec}", f"{src}:{rec}", SAME_RECORD, SAME_RECORD,
                           "both ids carry the same source record"))
        return PairScore(1.0, ev)
    name, na, nb = best_name(a, b)
    id_best = 0.0
    schemes = a.ids.keys() & b.ids.keys() if a.ids and b.ids else ()
    for scheme in sorted(schemes):
        w = ID_WEIGHTS.get(scheme, 0.8)
        common = a.ids[scheme] & b.ids[scheme]
        if common:
            v = sorted(common)[0]
            ev.append(Evidence(f"id:{scheme}", v, v, w, 0.0, f"same {scheme} identifier"))
            id_best = max(id_best, w)
    name_ev = Evidence("name", na, nb, 1.0, 0.0, "best pair of names")
    ev.insert(0, name_ev)
    if id_best >= name:
        base = id_best
        for e in ev:
            if e.feature.startswith("id:") and e.weight == id_best:
                e.contribution = id_best
                break
        if name >= 0.5:
            base = base + BOTH_BONUS
            name_ev.contribution = BOTH_BONUS
            name_ev.detail = "names agree with the identifier"
    else:
        base = name
        name_ev.contribution = name
        if id_best:
            base = base + BOTH_BONUS
            for e in ev:
                if e.feature.startswith("id:"):
                    e.contribution = BOTH_BONUS
                    break
    name_ev.weight = 1.0
    name_ev.detail += f" ({name:.3f})"
    for scheme, x, y in conflicting_ids(a.ids, b.ids) if schemes else ():
        w = CONFLICT_WEIGHTS[scheme]
        ev.append(Evidence(f"id:{scheme}", x, y, w, w, f"different {scheme} identifiers: two entities"))
    if a.countries and b.countries:
        if a.countries & b.countries:
            ev.append(Evidence("country", ",".join(sorted(a.countries)), ",".join(sorted(b.countries)), 0.0, 0.0,
                               "countries overlap"))
        else:
            ev.append(Evidence("country", ",".join(sorted(a.countries)), ",".join(sorted(b.countries)),
                               COUNTRY_MISMATCH, COUNTRY_MISMATCH, "no country in common"))
    if a.years and b.years:
        _dates(a, b, ev)
    if a.type == "Person" == b.type:
        differ = _family_names_differ(a, b)
        if differ:
            ev.append(Evidence("surname", differ[0], differ[1], SURNAME_MISMATCH, SURNAME_MISMATCH,
                               "family names share no word"))
    cap = False
    shared = {e.feature[3:] for e in ev if e.feature.startswith("id:") and e.weight > 0}
    if shared and shared <= GROUP_CODES and na and nb and name < NAMES_DISAGREE:
        ev.append(Evidence("group_code", ",".join(sorted(shared)), None, 0.0, 0.0,
                           "names disagree, and the units of one operator share its airline code: review only"))
        cap = True
    if a.type != b.type:
        ev.append(Evidence("type", a.type, b.type, CROSS_TYPE, CROSS_TYPE, "different kinds of entity: review only"))
        cap = True
    score = base + sum(e.contribution for e in ev if e.feature not in ("name",) and not e.feature.startswith("id:")
                       or e.contribution < 0)
    conflict = any(e.feature.startswith("id:") and e.contribution < 0 for e in ev) and id_best == 0.0
    return PairScore(_bounded(score, ev), ev, veto=False, cap=cap or conflict)


def _words(values: list[str], first_only: bool = False) -> list:
    words = [[t for t in n.words if t.kind != PARTICLE] for v in values for n in analyze_all(v)]
    return [t for ws in words for t in (ws[:1] if first_only else ws)]


def _meet(wa: list, wb: list) -> bool:
    return any(token_similarity(x, y) >= 0.8 for x in wa for y in wb)


def _family_names_differ(a: Entity, b: Entity) -> tuple[str, str] | None:
    """Both people's family names, as their lists state them (``lastName``), when these share no word and
    their first given names (``firstName``) none either.

    The name score cannot tell: Canada's Major General Jumah AL-AHMAD (Syria) is all in OFAC's
    "AL-SUDANI, Khalid Ahmad Jumah" (Sudan), a full name contained in a longer one, as a middle name
    left out would be, but the family name of one is a given name of the other. Canada's Marial
    CHANUONG is OFAC's "MANGOK, Marial Chanuong Yol": the family names differ there too, the first
    given names agree.
    """
    la, lb = a.props.get("lastName"), b.props.get("lastName")
    if not la or not lb:
        return None
    wa, wb = _words(la), _words(lb)
    if not wa or not wb or _meet(wa, wb):
        return None
    if _meet(_words(a.props.get("firstName", []), True), _words(b.props.get("firstName", []), True)):
        return None
    return "; ".join(la), "; ".join(lb)


def _bounded(score: float, ev: list[Evidence]) -> float:
    """Clamp to 0..1, saying so in the evidence, so that contributions always add up to the score."""
    if score > 1.0:
        ev.append(Evidence("ceiling", None, None, 0.0, 1.0 - score, "scores stop at 1"))
        return 1.0
    if score < 0.0:
        ev.append(Evidence("floor", None, None, 0.0, -score, "scores stop at 0"))
        return 0.0
    return score
