"""Operators and owners of aircraft, derived with evidence.

Lists and registries say who flies an aircraft in different ways; each
becomes an ``OPERATES`` (or ``OWNS``) edge from the organisation's cluster to
the airframe's cluster, with a score and its evidence (a JSON string), and the
provenance of the record that asserted it:

* OFAC ``Linked To:`` between an Airplane and an Organization (``LINKED_TO``
  with relation "Linked To"): OFAC links an aircraft to its operator;
* a registry's operator or owner *name* on an Airplane record
  (``operatorName`` / ``ownerName``), resolved to an Organization by the
  same name matching as everything else;
* an operator ICAO code on an Airplane (``operatorIcao``: ``AZS``) matched to
  an Organization holding that airline code (``icaoCode``);
* flights: the callsign prefix of a Flight (``AZS1234`` -> ``AZS``) names the
  operator, its ICAO 24-bit address the airframe.

Registry ``OPERATES``/``OWNS`` edges between records need nothing here: their
operator Organization records are resolved like any other record, and the
graph builder maps both ends to clusters.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict

from ..ids import icao24_key, identifier_key
from ..model import Edge, Node, Provenance
from .entity import Entity
from .index import LookupIndex

__all__ = ["derive_links", "LINK_SCORES", "callsign_operator"]

LINK_SCORES = {"listed": 0.9, "operator_icao": 0.9, "callsign": 0.8}
#: a registry's operator name must match an organisation at least this well
NAME_LINK_MIN = 0.85
_CALLSIGN = re.compile(r"^([A-Z]{3})(\d[0-9A-Z]{0,4})$")
_RELATIONS = {"linked to", "operator", "aircraft operator", "operated by", "owner", "owned by"}


def callsign_operator(callsign: str | None) -> str | None:
    """The airline ICAO designator of an ICAO-format callsign.

    >>> callsign_operator("AZS1234"), callsign_operator("RA78765"), callsign_operator("N123AB")
    ('AZS', None, None)
    """
    if not callsign:
        return None
    m = _CALLSIGN.match(callsign.strip().upper().replace(" ", ""))
    return m.group(1) if m else None


def _evidence(*items: dict) -> str:
    return json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))


def derive_links(
    nodes_by_id: dict[str, list[Node]],
    edges: list[Edge],
    entities: dict[str, Entity],
    canonical: dict[str, str],
    keys: dict[str, str],
) -> list[Edge]:
    """OPERATES/OWNS edges between clusters (start = organisation, end = airplane)."""
    out: dict[tuple[str, str, str], Edge] = {}

    def resolve_end(ref: str) -> str | None:
        if ref in canonical:
            return canonical[ref]
        return keys.get(ref)

    def add(kind: str, org: str, plane: str, score: float, ev: dict, prov: Provenance) -> None:
        k = (kind, org, plane)
        have = out.get(k)
        if have is not None:
            old = float(have.first("score") or 0)
            items = json.loads(have.first("evidence") or "[]")
            if ev not in items:
                items.append(ev)
            have.props["evidence"] = [json.dumps(items, ensure_ascii=False, separators=(",", ":"))]
            if score > old:
                have.props["score"] = [f"{score:.3f}"]
            return
        out[k] = Edge(kind, org, plane, {"score": [f"{score:.3f}"], "evidence": [_evidence(ev)]}, prov)

    def etype(cid: str | None) -> str | None:
        ent = entities.get(cid) if cid else None
        return ent.type if ent else None

    # 1. lists' own links (OFAC "Linked To:")
    for e in edges:
        if e.type != "LINKED_TO":
            continue
        relation = (e.first("relation") or "").strip().lower()
        if relation and relation not in _RELATIONS:
            continue
        s, t = resolve_end(e.start), resolve_end(e.end)
        if not s or not t:
            continue
        ts, tt = etype(s), etype(t)
        if {ts, tt} != {"Airplane", "Organization"}:
            continue
        org, plane = (s, t) if ts == "Organization" else (t, s)
        kind = "OWNS" if relation in ("owner", "owned by") else "OPERATES"
        add(kind, org, plane, LINK_SCORES["listed"],
            {"feature": "listed_link", "value": e.first("relation") or "LINKED_TO", "compared": f"{e.start} -> {e.end}",
             "weight": LINK_SCORES["listed"], "contribution": LINK_SCORES["listed"],
             "detail": f"{e.prov.source} record {e.prov.record} links the aircraft to the organisation"}, e.prov)

    orgs = [ent for ent in entities.values() if ent.type == "Organization"]
    by_icao: dict[str, list[str]] = defaultdict(list)
    for ent in orgs:
        for code in ent.ids.get("airline-icao", ()):
            by_icao[code].append(ent.id)
    name_index = LookupIndex(orgs) if orgs else None

    def org_cluster_for_icao(code: str) -> str | None:
        clusters = {canonical.get(i, i) for i in by_icao.get(code.upper(), [])}
        return clusters.pop() if len(clusters) == 1 else None

    # 2./3. operator names and codes on airplane records
    found: dict[str, list] = {}
    # a record that states its operator/owner as an Organization record (OpenSky, the FAA) needs no name
    # search: that record is resolved like any other, and the builder maps the stated edge to clusters
    stated = {(e.end, e.type) for e in edges if e.type in ("OPERATES", "OWNS")}
    for eid, ent in entities.items():
        if ent.type != "Airplane":
            continue
        plane = canonical.get(eid, eid)
        prov = ent.provs[0]
        for code in ent.props.get("operatorIcao", []):
            org = org_cluster_for_icao(code)
            if org:
                add("OPERATES", org, plane, LINK_SCORES["operator_icao"],
                    {"feature": "operator_icao", "value": code.upper(), "compared": identifier_key("airline-icao", code),
                     "weight": LINK_SCORES["operator_icao"], "contribution": LINK_SCORES["operator_icao"],
                     "detail": "the airframe's operator code is the organisation's airline ICAO code"}, prov)
        if name_index is None:
            continue
        for prop, kind in (("operatorName", "OPERATES"), ("ownerName", "OWNS")):
            if (eid, kind) in stated:
                continue
            for name in ent.props.get(prop, []):
                hits = found.get(name)
                if hits is None:  # a registry names the same few thousand operators on 600k airframes
                    hits = found[name] = [(e, s) for e, s, _ in name_index.search(name, limit=5) if s >= NAME_LINK_MIN]
                clusters = {canonical.get(e.id, e.id) for e, s in hits if s >= hits[0][1] - 0.02} if hits else set()
                if len(clusters) != 1:
                    # no organisation, or several equally good ones: not enough to say who
                    continue
                best, s = hits[0]
                add(kind, clusters.pop(), plane, round(s * 0.95, 3),
                    {"feature": prop, "value": name, "compared": best.caption, "weight": 0.95,
                     "contribution": round(s * 0.95, 3),
                     "detail": f"the record names its {'operator' if kind == 'OPERATES' else 'owner'}; "
                               f"name match {s:.3f}"}, prov)

    # 4. flights: callsign prefix -> operator, icao24 -> airframe
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    first_prov: dict[tuple[str, str], Provenance] = {}
    for fid, recs in nodes_by_id.items():
        node = recs[0]
        if node.type != "Flight":
            continue
        for cs in node.get("callsign"):
            code = callsign_operator(cs)
            if not code:
                continue
            org = org_cluster_for_icao(code)
            if not org:
                continue
            for hexcode in node.get("icao24"):
                k = icao24_key(hexcode)
                plane = keys.get(k) if k else None
                if plane and etype(plane) == "Airplane":
                    seen[(org, plane)].append(cs.strip().upper())
                    first_prov.setdefault((org, plane), node.prov)
    for (org, plane), callsigns in sorted(seen.items()):
        n = len(callsigns)
        add("OPERATES", org, plane, LINK_SCORES["callsign"],
            {"feature": "callsign", "value": sorted(set(callsigns))[:5], "compared": callsign_operator(callsigns[0]),
             "weight": LINK_SCORES["callsign"], "contribution": LINK_SCORES["callsign"],
             "detail": f"{n} flight(s) of the airframe flew under the operator's ICAO callsign prefix"},
            first_prov[(org, plane)])
    return [out[k] for k in sorted(out)]
