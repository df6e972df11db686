"""Structure the builder derives from merged nodes: registrations, identifiers, countries.

* **Registration** nodes (id ``tail-<normalised>``, caption the formatted
  tail) with ``REGISTERED_AS`` edges from each airframe that carried the tail.
  ``validFrom``/``validUntil`` come from the registry validity properties
  (``registered``/``registeredUntil``); ``firstSeen`` is the earliest snapshot
  that saw the tail, kept apart so that "seen since" never reads as
  "registered since". A previous
  tail (``previousRegistrationNumber``) ends where the current one began.
  ``current`` is true when a civil registry source asserts the tail and does
  not mark it deregistered. The same history, with only the registry dates
  (unknown bounds left open), picks the airframe a ``tail-`` key means on a
  given day (:class:`kgraph.graph.endpoints.Endpoints`).
* **Identifier** nodes (id = the identifier key, ``id-tax-6658039390``) with
  ``HAS_IDENTIFIER`` from every Organization/Person carrying the value, so
  "who else has this number" is one hop.
* ``LOCATED_IN`` edges from country-valued properties (role says which), with
  Country nodes created from the reference data when the graph lacks them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..ids import normalize_tail, property_keys
from ..model import Provenance, SharedValues

__all__ = ["Assertion", "REGISTRY_SOURCES", "COUNTRY_PROPS", "derive_registrations", "derive_identifiers",
           "derive_locations", "snapshot_date"]

#: provenance source names of civil aircraft registries (their tails are "current")
REGISTRY_SOURCES = frozenset({"us_faa", "opensky_aircraft", "ru_aircraft_db"})

#: node type -> (country-valued property, LOCATED_IN role)
COUNTRY_PROPS: dict[str, tuple[tuple[str, str], ...]] = {
    "Organization": (("country", "country"), ("jurisdiction", "jurisdiction")),
    "Person": (("country", "country"), ("nationality", "nationality"), ("citizenship", "citizenship")),
    "Vessel": (("country", "country"), ("flag", "flag")),
    "Airplane": (("country", "registration"),),
    "Airport": (("country", "airport"),),
    "Address": (("country", "address"),),
    "Registration": (("country", "registration"),),
}

#: LOCATED_IN properties per role, shared by every edge of that role (never mutated)
_ROLE_PROPS = {role: {"role": [role]} for spec in COUNTRY_PROPS.values() for _, role in spec}

_DEREGISTERED = re.compile(r"dereg|cancel|revok|destroy|export|withdrawn|expired|written.?off|scrapped", re.I)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})T")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(slots=True)
class Assertion:
    """One statement of an edge: its properties (lists of strings) and where it came from."""

    props: dict[str, list[str]]
    prov: Provenance


def snapshot_date(snapshot: str | None) -> str | None:
    """The ISO date of a snapshot name (``2026-01-31`` or ``20260131T...Z``), else None.

    >>> snapshot_date("20261126T105500000000Z"), snapshot_date("2024-05-03"), snapshot_date(None)
    ('2026-11-26', '2024-05-03', None)
    """
    if not snapshot:
        return None
    m = _COMPACT.match(snapshot)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    m = _ISO.match(snapshot)
    return m.group(0) if m else None


def _tail_format() -> Callable[[str], tuple[str, str | None]]:
    """``tail -> (formatted tail, ISO code of its nationality mark or None)``, one parse per tail."""
    try:
        from ..refdata.icao import split_tail
    except ImportError:  # reference tables not installed: keep the source's spelling, no country
        return lambda t: (t, None)

    def tail_info(tail: str) -> tuple[str, str | None]:
        parts = split_tail(tail)
        if not parts:
            return tail, None
        mark, rest, state, hyphen = parts
        return (f"{mark}-{rest}" if hyphen else mark + rest), state

    return tail_info


@dataclass
class _Held:
    """What the records say about one airframe holding one tail."""

    spelling: str
    current: bool = False
    starts: list[str] | None = None
    untils: list[str] | None = None
    seen: list[str] | None = None
    open_until: bool = False
    provs: list[Provenance] | None = None


def derive_registrations(airframes: Iterable[tuple[str, list[Any]]], registry_sources: frozenset[str]):
    """Registration nodes, REGISTERED_AS edges and the tail validity history.

    Parameters
    ----------
    airframes : iterable of (cluster id, member records)
        Member records are :class:`kgraph.model.Node` objects of one airframe.
    registry_sources : frozenset of str
        Provenance sources whose tails are civil registrations.

    Returns
    -------
    nodes : dict
        Registration id -> (props, provenances).
    edges : list
        (airframe cluster id, registration id, :class:`Assertion` list).
    validity : dict
        (cluster id, normalised tail) -> list of (from, until) intervals.
    """
    tail_info = _tail_format()
    nodes: dict[str, tuple[dict[str, list[str]], list[Provenance]]] = {}
    edges: list[tuple[str, str, list[Assertion]]] = []
    validity: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    memo = _Memo()
    for cid, members in airframes:
        if len(members) == 1:
            m = members[0]
            regs = m.props.get("registrationNumber")
            if regs and len(regs) == 1 and not m.props.get("previousRegistrationNumber"):
                _one_tail(cid, m, regs[0], registry_sources, memo, nodes, edges, validity, tail_info)
                continue
        held: dict[str, _Held] = {}
        for m in members:
            snap = snapshot_date(m.prov.snapshot)
            started = m.first("registered")
            until = m.first("registeredUntil")
            status = m.first("registryStatus") or ""
            gone = bool(_DEREGISTERED.search(status)) or bool(until and snap and until < snap)
            registry = m.prov.source in registry_sources
            for tail in m.get("registrationNumber"):
                norm = normalize_tail(tail)
                if not norm:
                    continue
                h = held.setdefault(norm, _Held(tail, starts=[], untils=[], seen=[], provs=[]))
                h.current = h.current or (registry and not gone)
                if started:
                    h.starts.append(started)
                if until:
                    h.untils.append(until)
                elif registry and not gone:
                    h.open_until = True
                if snap:
                    h.seen.append(snap)
                if m.prov not in h.provs:
                    h.provs.append(m.prov)
            for tail in m.get("previousRegistrationNumber"):
                norm = normalize_tail(tail)
                if not norm:
                    continue
                h = held.setdefault(norm, _Held(tail, starts=[], untils=[], seen=[], provs=[]))
                if started:  # the previous mark ended when the current one was registered
                    h.untils.append(started)
                if m.prov not in h.provs:
                    h.provs.append(m.prov)
        for norm, h in held.items():
            rid = f"tail-{norm}"
            start = min(h.starts) if h.starts else None
            until = None if (h.open_until or not h.untils) else max(h.untils)
            validity.setdefault((cid, norm), []).append((start, until))
            props = {"current": ["true" if h.current else "false"]}
            if start:
                props["validFrom"] = [start]
            if h.seen:
                props["firstSeen"] = [min(h.seen)]
            if until:
                props["validUntil"] = [until]
            asserts = [Assertion(props, h.provs[0])] + [Assertion({}, p) for p in h.provs[1:]]
            edges.append((cid, rid, asserts))
            node = nodes.get(rid)
            if node is None:
                formatted, state = tail_info(h.spelling)
                nprops: dict[str, list[str]] = {"registrationNumber": [formatted]}
                if state:
                    nprops["country"] = [state]
                nodes[rid] = (nprops, list(h.provs))
            else:
                for p in h.provs:
                    if p not in node[1]:
                        node[1].append(p)
    return nodes, edges, validity


class _Memo:
    """What the registrations of one register repeat, made once: snapshot dates, value lists, edge properties."""

    def __init__(self) -> None:
        self.snaps: dict[str | None, str | None] = {}
        self.values: dict[str, SharedValues] = {}
        self.said: dict[tuple, dict[str, list[str]]] = {}

    def same(self, value: str) -> SharedValues:
        one = self.values.get(value)
        if one is None:
            one = self.values[value] = SharedValues([value])
        return one


def _one_tail(cid, m, tail, registry_sources, memo: _Memo, nodes, edges, validity, tail_info) -> None:
    """The common case of :func:`derive_registrations`: one record, one tail, no history (same result, faster).

    Its value lists are the record's own or shared ones: a fresh list per value
    was ~0.15 GB over a full-size register, and none of them is changed
    (:class:`kgraph.model.SharedValues`).
    """
    norm = normalize_tail(tail)
    if not norm:
        return
    prov = m.prov
    snap = memo.snaps.get(prov.snapshot, "")
    if snap == "":
        snap = memo.snaps[prov.snapshot] = snapshot_date(prov.snapshot)
    props = m.props
    started_list = props.get("registered")
    started = started_list[0] if started_list else None
    until_list = props.get("registeredUntil")
    until = until_list[0] if until_list else None
    status = props.get("registryStatus")
    gone = bool(status and _DEREGISTERED.search(status[0])) or bool(until and snap and until < snap)
    current = prov.source in registry_sources and not gone
    validity[(cid, norm)] = [(started, until)]
    # one dict for the edges that say the same (a register's airframes share a few thousand registration
    # dates): 0.14 GB less at full size. Edge properties are read, never changed (kgraph.graph.rows)
    said = (current, started, snap, until)
    eprops = memo.said.get(said)
    if eprops is None:
        same = memo.same
        eprops = memo.said[said] = {"current": same("true" if current else "false")}
        if started:
            eprops["validFrom"] = same(started)
        if snap:
            eprops["firstSeen"] = same(snap)
        if until:
            eprops["validUntil"] = same(until)
    rid = "tail-" + norm
    edges.append((cid, rid, [Assertion(eprops, prov)]))
    node = nodes.get(rid)
    if node is None:
        formatted, state = tail_info(tail)
        regs = props["registrationNumber"]  # the caller's one tail
        nprops: dict[str, list[str]] = {"registrationNumber": regs if formatted == tail else [formatted]}
        if state:
            nprops["country"] = memo.same(state)
        nodes[rid] = (nprops, [prov])
    elif prov not in node[1]:
        node[1].append(prov)


def derive_identifiers(entities: Iterable[tuple[str, str, dict[str, list[str]], list[Provenance]]], identifier_props):
    """Identifier nodes and HAS_IDENTIFIER edges from Organization/Person identifier properties.

    ``entities`` yields (cluster id, type, merged props, provenances);
    ``identifier_props`` maps a node type to its identifier property names.
    Returns ``(nodes: key -> (props, provs), edges: [(cid, key, [Assertion])])``.
    """
    nodes: dict[str, tuple[dict[str, list[str]], list[Provenance]]] = {}
    edges: list[tuple[str, str, list[Assertion]]] = []
    for cid, node_type, props, provs in entities:
        seen: set[str] = set()
        for prop in identifier_props.get(node_type, ()):
            for value in props.get(prop, ()):
                for key in property_keys(node_type, prop, [value]):
                    if key in seen:
                        continue
                    seen.add(key)
                    scheme = key.split("-", 2)[1]
                    if key not in nodes:
                        nodes[key] = ({"scheme": [scheme], "value": [value]}, list(provs[:1]))
                    elif provs and provs[0] not in nodes[key][1]:
                        nodes[key][1].append(provs[0])
                    edges.append((cid, key, [Assertion({}, provs[0])]))
    return nodes, edges


def derive_locations(entities: Iterable[tuple[str, str, dict[str, list[str]], list[Provenance]]],
                     country_code: Callable[[str], str | None]):
    """LOCATED_IN edges from country-valued properties.

    Returns ``(edges: [(cid, "country-XX", [Assertion])], unknown: {value: count})``;
    values that name no known country are counted, not linked.
    """
    edges: list[tuple[str, str, list[Assertion]]] = []
    unknown: dict[str, int] = {}
    country_ids: dict[str, str] = {}  # one string per country for 1.3M edges at full size (their rows keep it)
    for cid, node_type, props, provs in entities:
        spec = COUNTRY_PROPS.get(node_type)
        if not spec or not provs:
            continue
        done: set[str] = set()
        for prop, role in spec:
            for value in props.get(prop, ()):
                code = country_code(value)
                if code is None:
                    unknown[value] = unknown.get(value, 0) + 1
                    continue
                if code in done:
                    continue
                done.add(code)
                end = country_ids.get(code)
                if end is None:
                    end = country_ids[code] = "country-" + code
                edges.append((cid, end, [Assertion(_ROLE_PROPS[role], provs[0])]))
    return edges, unknown
