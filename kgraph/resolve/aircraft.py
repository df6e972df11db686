"""Airframe identity: when two Airplane records are one aircraft.

An airframe is its manufacturer's serial number (MSN) within a serial
sequence (:func:`kgraph.refdata.models.msn_group`); tails and ICAO 24-bit
addresses are what it carries for a while. The rules, strongest first:

* one MSN in common (and compatible types) -> one airframe, whatever the
  tails: a re-registered aircraft (VQ-BTK -> RA-...) keeps its MSN;
* both have MSNs and none is shared -> never the same airframe (veto), even
  when their tails or type codes agree: tails are re-used, and two Il-76TDs
  are two aircraft;
* the same ICAO 24-bit address -> strong evidence (one transponder code per
  airframe at a time);
* the same tail -> evidence, weaker when both records date their
  registrations and the periods do not overlap (the tail was re-used);
  a tail the other record lists as previous -> weaker still;
* a model family (``Il-76``, ``Boeing 737``) is never evidence of identity,
  only a compatibility check: incompatible families veto the merge;
* the same tail in the same period with MSNs one character apart
  (OFAC's RA-76842 is 1033418616, the Russian registry's 1043418616) is
  still kept apart, but scored into the review band: one of the sources
  may have mistyped it, and an analyst decides (``kgraph review``).

>>> from kgraph.model import Node, Provenance
>>> from kgraph.resolve.entity import Entity
>>> def plane(i, **p): return Entity.from_nodes([Node(i, "Airplane", p, Provenance("t", i))])
>>> a = plane("a", registrationNumber=["RA-78765"], serialNumber=["83486590"], model=["IL-76TD"])
>>> b = plane("b", icao24=["1533AD"], registrationNumber=["RA78765"], serialNumber=["83486590"])
>>> c = plane("c", registrationNumber=["RA-76502"], serialNumber=["1003401004"], model=["IL-76TD"])
>>> score_airplanes(a, b).score >= 0.95, score_airplanes(a, c).veto
(True, True)
"""
from __future__ import annotations

from rapidfuzz.distance import OSA

from .entity import Entity
from .evidence import Evidence, PairScore

__all__ = ["score_airplanes", "airframe_conflict", "WEIGHTS"]

WEIGHTS = {
    "msn": 0.98,
    "icao24": 0.92,
    "tail": 0.85,
    "tail_stale": 0.55,
    "previous_tail": 0.75,
    "icao24_differs": -0.05,
    # in the review band (0.55-0.75): never merged by itself, listed for an analyst
    "msn_typo": 0.6,
}
#: MSNs this long or longer, one edit apart (a character changed, added, dropped or two swapped), may be
#: one mistyped; shorter ones are a sequence's neighbours (Tu-154 85A605 and 85A606 are two airframes)
_TYPO_MIN_LENGTH = 7


def _one_typo_apart(a_msns: set[str], b_msns: set[str]) -> tuple[str, str] | None:
    """Two MSNs, one from each side, a single edit apart, or None.

    >>> _one_typo_apart({"1033418616"}, {"1043418616"}), _one_typo_apart({"85A605"}, {"84A605"})
    (('1033418616', '1043418616'), None)
    """
    for x in sorted(a_msns):
        for y in sorted(b_msns):
            if min(len(x), len(y)) >= _TYPO_MIN_LENGTH and OSA.distance(x, y) == 1:
                return x, y
    return None


def _groups_compatible(a: Entity, b: Entity) -> bool:
    return not a.groups or not b.groups or bool(a.groups & b.groups)


def _overlap(pa: list[tuple[str | None, str | None]], pb: list[tuple[str | None, str | None]]) -> bool | None:
    """Do two lists of registration periods overlap? None when either side has no dates."""
    if not pa or not pb:
        return None
    for s1, e1 in pa:
        for s2, e2 in pb:
            if (e1 is None or s2 is None or s2 <= e1) and (e2 is None or s1 is None or s1 <= e2):
                return True
    return False


def airframe_conflict(a_msns: set[str], a_groups: set[str], b_msns: set[str], b_groups: set[str]) -> str | None:
    """Why two sets of airframe facts cannot be one airframe (None when they can).

    Used per pair and again per cluster, so that no chain of tail matches joins
    two airframes with different MSNs.

    >>> airframe_conflict({"83486590"}, {"il-76"}, {"1003401004"}, {"il-76"})
    'different MSNs 83486590 / 1003401004'
    >>> airframe_conflict(set(), {"il-76"}, set(), {"boeing-commercial"})
    'incompatible types il-76 / boeing-commercial'
    """
    if a_msns and b_msns and not (a_msns & b_msns):
        return f"different MSNs {', '.join(sorted(a_msns))} / {', '.join(sorted(b_msns))}"
    if a_groups and b_groups and not (a_groups & b_groups):
        return f"incompatible types {', '.join(sorted(a_groups))} / {', '.join(sorted(b_groups))}"
    return None


def score_airplanes(a: Entity, b: Entity) -> PairScore:
    """Score two Airplane entities with per-feature evidence."""
    ev: list[Evidence] = []
    best = 0.0
    conflict = airframe_conflict(a.msns, a.groups, b.msns, b.groups)
    common_msn = a.msns & b.msns
    if common_msn and _groups_compatible(a, b):
        w = WEIGHTS["msn"]
        ev.append(Evidence("msn", sorted(common_msn)[0], sorted(common_msn)[0], w, w,
                           "same manufacturer serial number: one airframe, whatever it is registered as"))
        best = max(best, w)
    common_hex = a.icao24s & b.icao24s
    if common_hex:
        w = WEIGHTS["icao24"]
        ev.append(Evidence("icao24", sorted(common_hex)[0], sorted(common_hex)[0], w, w, "same ICAO 24-bit address"))
        best = max(best, w)
    elif a.icao24s and b.icao24s:
        w = WEIGHTS["icao24_differs"]
        ev.append(Evidence("icao24", ",".join(sorted(a.icao24s)), ",".join(sorted(b.icao24s)), w, w,
                           "different ICAO 24-bit addresses (changes when re-registered)"))
    common_tail = a.tails & b.tails
    if common_tail:
        overlap = _overlap(a.periods, b.periods)
        if overlap is False:
            w = WEIGHTS["tail_stale"]
            detail = "same tail, but the registration periods do not overlap: tails are re-used"
        else:
            w = WEIGHTS["tail"]
            detail = "same tail" + (" in overlapping registration periods" if overlap else "")
        ev.append(Evidence("tail", sorted(common_tail)[0], sorted(common_tail)[0], w, w, detail))
        best = max(best, w)
    prev = (a.tails & b.prev_tails) | (a.prev_tails & b.tails)
    if prev and not common_tail:
        w = WEIGHTS["previous_tail"]
        ev.append(Evidence("previous_tail", sorted(prev)[0], sorted(prev)[0], w, w,
                           "one record's tail is the other's previous tail (re-registered)"))
        best = max(best, w)
    if a.families and b.families:
        same = bool(a.groups & b.groups) or bool(a.families & b.families)
        ev.append(Evidence("model_family", ", ".join(sorted(a.families)), ", ".join(sorted(b.families)), 0.0, 0.0,
                           "compatible types (a type is never an identifier)" if same else "incompatible types"))
    score = best + sum(e.contribution for e in ev if e.contribution < 0)
    if conflict:
        typo = _one_typo_apart(a.msns, b.msns) if common_tail and overlap is not False else None
        if typo and _groups_compatible(a, b):
            w = WEIGHTS["msn_typo"]
            ev.append(Evidence("msn_typo", typo[0], typo[1], w, w - score,
                               "the same tail with MSNs one character apart: one source may have mistyped it, "
                               "or these are two airframes; kept apart until an analyst judges the pair"))
            return PairScore(w, ev, veto=True)
        ev.append(Evidence("airframe_conflict", None, None, -1.0, -score, conflict + ": never one airframe"))
        return PairScore(0.0, ev, veto=True)
    # only the strongest positive feature counts: keep the others' contributions informative but out of the sum
    top = max((e for e in ev if e.contribution > 0), key=lambda e: e.contribution, default=None)
    for e in ev:
        if e.contribution > 0 and e is not top:
            e.detail += f" (counted {e.contribution:.2f}, but only the strongest identity feature adds)"
            e.contribution = 0.0
    return PairScore(max(0.0, min(1.0, score)), ev)
