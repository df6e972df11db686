"""Entity cards: everything the graph knows about one node, each fact with its source.

:func:`show` returns the card of any node as data: names in every script,
identifiers, every listing (authority, program, dates, source link),
addresses, countries, linked entities with the evidence of each link, the
records merged into it with the evidence of each merge (``merged``),
aircraft with their registrations over time, the latest flights and the
countries visited. The card of a place (an airport; a country, its airports
and the legs known only to the country level) has the latest flights to and
from it, how many there are, and the sanctioned aircraft that flew them; a
country's card counts what is located there and names the sanctioned among
them; a program's card, who it lists (by type) and the latest designations;
a flight's, its aircraft (and how it was matched) and its ends.
:func:`chain` returns the analyst's chain for an operator: operator ->
sanctions -> aircraft -> flights -> airports -> countries. The ``render_*``
functions of :mod:`kgraph.card_render` print them for people (rich); ``--json`` prints the data.

>>> import kgraph
>>> card = kgraph.show("ofac-40185")                       # doctest: +SKIP
>>> card["registrations"][0]["tail"], card["listings"][0]["program"]  # doctest: +SKIP
('RA-78765', 'RUSSIA-EO14024')
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from .datadir import DataDir
from .errors import NotFound
from .merges import why_merged

__all__ = ["show", "chain", "scripts_of"]

#: rows in each list of a card (latest flights, designations, sanctioned aircraft and entities of a place)
FLIGHT_LIMIT = 25
_NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "firstName", "lastName")

# the queries of one node name its type ({label}: :func:`_for`): a node matched without one was looked for in
# every table, ~20-40 ms a query at full size, and ~2 ms by the type's primary key
Q_LISTINGS = """
MATCH (n:{label} {{id: $id}})-[r:SANCTIONED_UNDER]->(p:Program)
OPTIONAL MATCH (p)-[:ISSUED_BY]->(a:Authority)
RETURN a.caption AS authority, a.id AS authority_id, p.caption AS program, p.id AS program_id,
       r.listingDate AS listingDate, r.firstSeen AS firstSeen, r.startDate AS startDate, r.endDate AS endDate,
       r.status AS status, r.decree AS decree, r.sourceUrl AS sourceUrl, r.sources AS sources, r.source AS _source, r.record AS _record, r.snapshot AS _snapshot
ORDER BY authority, program
"""
# the relationship types that carry a score and evidence, one query each
Q_SCORED = {
    rel: (
        f"MATCH (n:{{label}} {{{{id: $id}}}})-[r:{rel}]-(m) "
        f"RETURN m.id AS id, m.type AS type, m.caption AS caption, m.sanctioned AS sanctioned, "
        f"r.score AS score, r.evidence AS evidence, r.sources AS sources, r.source AS _source, r.record AS _record, r.snapshot AS _snapshot, "
        f"{'r.judgement' if rel == 'SAME_AS' else chr(39) * 2} AS judgement ORDER BY score DESC, id"
    )
    for rel in ("OPERATES", "OWNS", "SAME_AS")
}
_LINKS = """
MATCH (n:{label} {{id: $id}})-[r:%s]-(m)
RETURN label(r) AS relationship, m.id AS id, m.type AS type, m.caption AS caption, m.sanctioned AS sanctioned,
       %s AS relation, r.sources AS sources, r.source AS _source, r.record AS _record, r.snapshot AS _snapshot
ORDER BY relationship, type, id
"""
Q_LINKS = _LINKS % ("LINKED_TO|HAS_ADDRESS|HAS_IDENTIFIER|LOCATED_IN", "coalesce(r.relation, r.role)")
# everything in a country is LOCATED_IN it (90k airframes and registrations for Russia at full size): a
# country's card counts them (Q_LOCATED_HERE) instead of listing them as links
Q_LINKS_OF_COUNTRY = _LINKS % ("LINKED_TO|HAS_ADDRESS|HAS_IDENTIFIER", "r.relation")
Q_LOCATED_HERE = """
MATCH (e)-[:LOCATED_IN]->(c:Country) WHERE c.id = $id
RETURN e.type AS type, count(*) AS count, count(CASE WHEN e.sanctioned THEN 1 ELSE NULL END) AS sanctioned
ORDER BY count DESC, type
"""
Q_SANCTIONED_HERE = """
MATCH (e)-[r:LOCATED_IN]->(c:Country) WHERE c.id = $id AND e.sanctioned
RETURN e.id AS id, e.type AS type, e.caption AS caption, r.role AS role
ORDER BY type, id LIMIT $limit
"""
#: the links of a few types that are few per node and say what the node is: a flight's aircraft and ends, a
#: program's authority, an authority's programs (an aircraft's thousands of flights have their own section)
_TYPED_LINKS = {"Flight": (("DEPARTED_FROM|ARRIVED_AT", False), ("PERFORMED", True)),
                "Program": (("ISSUED_BY", False),), "Authority": (("ISSUED_BY", True),)}
Q_TYPED_LINKS = {
    label: [(inbound, f"MATCH (n:{label}){'<-' if inbound else '-'}[r:{rels}]{'-' if inbound else '->'}(m) WHERE n.id = $id "
                      f"RETURN label(r) AS relationship, m.id AS id, m.type AS type, m.caption AS caption, "
                      f"m.sanctioned AS sanctioned, {'r.matchedBy' if rels == 'PERFORMED' else 'CAST(NULL AS STRING)'} "
                      f"AS matchedBy, r.sources AS sources, r.source AS _source, r.record AS _record, "
                      f"r.snapshot AS _snapshot ORDER BY relationship, type, id")
            for rels, inbound in pairs]
    for label, pairs in _TYPED_LINKS.items()
}
# who a program lists: how many of each type, and the latest designations
Q_LISTED_TYPES = """
MATCH (e)-[:SANCTIONED_UNDER]->(p:Program) WHERE p.id = $id
RETURN e.type AS type, count(*) AS count ORDER BY count DESC, type
"""
Q_LISTED_LATEST = """
MATCH (e)-[r:SANCTIONED_UNDER]->(p:Program) WHERE p.id = $id
RETURN e.id AS id, e.type AS type, e.caption AS caption, r.listingDate AS listingDate, r.firstSeen AS firstSeen,
       r.status AS status
ORDER BY coalesce(listingDate, firstSeen, '') DESC, id LIMIT $limit
"""
Q_REGISTRATIONS = """
MATCH (n:Airplane {id: $id})-[r:REGISTERED_AS]->(g:Registration)
RETURN g.caption AS tail, r.validFrom AS validFrom, r.validUntil AS validUntil, r.firstSeen AS firstSeen,
       r.current AS current, r.sources AS sources, r.source AS _source, r.record AS _record, r.snapshot AS _snapshot
ORDER BY coalesce(validFrom, firstSeen, ''), tail
"""
# a flight's ends, its aircraft (`a`, bound before) and its sources, latest first
_FLIGHT_ROWS = """
OPTIONAL MATCH (f)-[:DEPARTED_FROM]->(dep)
OPTIONAL MATCH (dep)-[:LOCATED_IN]->(dc:Country)
OPTIONAL MATCH (f)-[:ARRIVED_AT]->(arr)
OPTIONAL MATCH (arr)-[:LOCATED_IN]->(ac:Country)
RETURN a.id AS aircraft, a.caption AS aircraft_caption, a.sanctioned AS aircraft_sanctioned, f.id AS id, f.name AS name,
       f.departureDate AS departureDate, f.departureDateLatest AS departureDateLatest,
       f.arrivalDate AS arrivalDate, f.arrivalDateLatest AS arrivalDateLatest,
       f.departureTime AS departureTime, f.arrivalTime AS arrivalTime,
       dep.id AS dep_id, dep.type AS dep_type, dep.caption AS dep_caption, dc.code AS dep_country,
       arr.id AS arr_id, arr.type AS arr_type, arr.caption AS arr_caption, ac.code AS arr_country,
       f.departureCountry AS departureCountry, f.arrivalCountry AS arrivalCountry,
       f.citation AS citation, f.sourceUrl AS sourceUrl, f.notes AS notes, f.sources AS sources
ORDER BY coalesce(arrivalDate, departureDate, '') DESC, coalesce(departureDate, '') DESC, id DESC
LIMIT $limit
"""
Q_FLIGHTS = "MATCH (a:Airplane)-[:PERFORMED]->(f:Flight) WHERE a.id IN $aircraft" + _FLIGHT_ROWS
#: the flights that left or reached a place ($places: an airport, or a country's airports and the country, for
#: the legs known only to the country level: :data:`Q_PLACES`); a country's places are listed first because
#: `(c)<-[:LOCATED_IN*0..1]-(here)` walked all that is located there (90k airframes and registrations for
#: Russia at full size): its 100 latest of 90k legs were picked in 0.63 s, now 0.13 s, counted in 0.12 s, now 0.03 s
_FLIGHTS_AT = {
    "Airport": "MATCH (here:Airport)<-[:DEPARTED_FROM|ARRIVED_AT]-(f:Flight) WHERE here.id IN $places WITH DISTINCT f",
    "Country": "MATCH (here)<-[:DEPARTED_FROM|ARRIVED_AT]-(f:Flight) WHERE here.id IN $places WITH DISTINCT f",
}
Q_PLACES = "MATCH (a:Airport)-[:LOCATED_IN]->(c:Country) WHERE c.id = $id RETURN a.id"
# the latest legs are picked by their dates alone, then read by id: ordering whole nodes, or their ends, for
# the 90k legs of a country in a full-size graph took 4-6 s and up to 3 GB; these took 0.6 s and 0.5 GB (0.13 s
# from its places)
Q_FLIGHT_IDS_AT = {t: m + " WITH f.id AS fid, coalesce(f.arrivalDate, f.departureDate, '') AS k1, "
                          "coalesce(f.departureDate, '') AS k2 RETURN fid ORDER BY k1 DESC, k2 DESC, fid DESC LIMIT $limit"
                   for t, m in _FLIGHTS_AT.items()}
Q_FLIGHTS_BY_ID = "UNWIND $ids AS fid MATCH (f:Flight {id: fid}) OPTIONAL MATCH (a:Airplane)-[:PERFORMED]->(f)" + _FLIGHT_ROWS
Q_FLIGHTS_AT_COUNT = {t: m + " RETURN count(f)" for t, m in _FLIGHTS_AT.items()}
Q_SANCTIONED_AT = {t: m + """ MATCH (a:Airplane)-[:PERFORMED]->(f) WHERE a.sanctioned
RETURN a.id AS id, a.caption AS caption, count(f) AS flights,
       max(coalesce(f.arrivalDate, f.departureDate, '')) AS last
ORDER BY last DESC, id LIMIT $limit""" for t, m in _FLIGHTS_AT.items()}
Q_SANCTIONED_AT_COUNT = {t: m + " MATCH (a:Airplane)-[:PERFORMED]->(f) WHERE a.sanctioned RETURN count(DISTINCT a)"
                         for t, m in _FLIGHTS_AT.items()}
Q_AIRCRAFT = """
MATCH (o:{label} {{id: $id}})-[r:OPERATES|OWNS|LINKED_TO]-(a:Airplane)
RETURN a.id AS id, a.caption AS caption, a.sanctioned AS sanctioned, label(r) AS relationship,
       a.serialNumber AS msn, a.icao24 AS icao24, a.model AS model, a.registrationNumber AS tails,
       r.sources AS sources, r.source AS _source, r.record AS _record, r.snapshot AS _snapshot
ORDER BY id, relationship
"""
Q_COUNTRY_NAMES = "MATCH (c:Country) WHERE c.code IN $codes RETURN c.code, c.caption"


def scripts_of(text: str) -> list[str]:
    """Unicode scripts a name is written in: ``['Cyrillic']`` for ``Авиакон``.

    >>> scripts_of("Авиакон Zitotrans"), scripts_of("珠海振戎公司"), scripts_of("マハン航空")
    (['Cyrillic', 'Latin'], ['Han'], ['Han', 'Katakana'])
    """
    found = []
    for ch in text:
        if ch.isalpha():
            try:
                script = unicodedata.name(ch).split(" ")[0].title()
            except ValueError:
                continue
            if script == "Cjk":  # CJK UNIFIED IDEOGRAPH-73E0: the Han characters of Chinese and Japanese
                script = "Han"
            if script not in found:
                found.append(script)
    return sorted(found)


def _rel_sources(r: dict[str, Any]) -> list[dict[str, Any]]:
    """A relationship row's assertions (:func:`kgraph.graph.tables.rel_assertions`).

    The query returns the relationship's own source/record/snapshot as
    ``_source``/``_record``/``_snapshot``; they are taken out of the row here.
    """
    from .graph.tables import rel_assertions

    return rel_assertions(r["sources"], r.pop("_source", None), r.pop("_record", None), r.pop("_snapshot", None))


def _sources(value: Any) -> list[dict[str, Any]]:
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [{"source": s.get("source"), "record": s.get("record"), "snapshot": s.get("snapshot")} for s in value]


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _rows(store, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cols, rows = store.query(cypher, params)
    return [dict(zip(cols, r)) for r in rows]


def _store(datadir):
    from .graph import open_store

    dd = DataDir.of(datadir)
    return open_store(dd.require_graph())


def _node(store, node_id: str) -> dict[str, Any]:
    from .graph.query import node_label
    from .schema import schema

    # the type first: a node read across all tables comes back with list columns flattened to text where
    # another table has a single-valued column of the same name
    found = node_label(store.query, node_id)
    if found is None:
        raise NotFound(f"no node {node_id!r} in the graph; find ids with `kgraph lookup`")
    node_type = schema().node(found).name  # a schema name, never text from the data
    return store.query(f"MATCH (n:{node_type}) WHERE n.id = $id RETURN n", {"id": node_id})[1][0][0]


def _for(cypher: str, node_type: str) -> str:
    """A query of one node (its ``{label}``) for a node of ``node_type``, a schema name."""
    from .schema import schema

    return cypher.format(label=schema().node(node_type).name)


def _flights(store, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Flight legs, latest first, from :data:`Q_FLIGHTS` or :data:`Q_FLIGHTS_BY_ID`."""
    out = []
    for r in _rows(store, cypher, params):
        def end(prefix: str, country_field: str) -> dict[str, Any]:
            kind = r[f"{prefix}_type"]
            code = r[f"{prefix}_country"] or (r[f"{prefix}_id"][len("country-"):] if kind == "Country" else None)
            return {"id": r[f"{prefix}_id"], "type": kind, "name": r[f"{prefix}_caption"],
                    "country": code or r[country_field]}
        out.append({
            "id": r["id"], "aircraft": r["aircraft"], "aircraft_caption": r["aircraft_caption"],
            "aircraft_sanctioned": bool(r["aircraft_sanctioned"]), "name": r["name"],
            "departureDate": r["departureDate"], "departureDateLatest": r["departureDateLatest"],
            "arrivalDate": r["arrivalDate"], "arrivalDateLatest": r["arrivalDateLatest"],
            "departureTime": r["departureTime"], "arrivalTime": r["arrivalTime"],
            "from": end("dep", "departureCountry"), "to": end("arr", "arrivalCountry"),
            "citation": r["citation"] or [], "sourceUrl": r["sourceUrl"] or [], "notes": r["notes"] or [],
            "sources": _sources(r["sources"]),
        })
    return out


def _countries(store, flights: list[dict[str, Any]]) -> list[dict[str, Any]]:
    visits = Counter(f["to"]["country"] for f in flights if f["to"].get("country"))
    last: dict[str, str] = {}
    for f in flights:
        code = f["to"].get("country")
        when = f.get("arrivalDateLatest") or f.get("arrivalDate") or ""
        if code and when > last.get(code, ""):
            last[code] = when
    names = dict(store.query(Q_COUNTRY_NAMES, {"codes": list(visits)})[1]) if visits else {}
    return [{"code": c, "name": names.get(c, c), "visits": n, "last": last.get(c)}
            for c, n in sorted(visits.items(), key=lambda kv: (-kv[1], kv[0]))]


def show(node_id: str, *, datadir: DataDir | str | Path | None = None, flights: int = FLIGHT_LIMIT) -> dict[str, Any]:
    """The card of one node, as data (see the module docstring for what it holds).

    ``node_id`` may also be anything :func:`kgraph.lookup` finds exactly (a
    tail, a hex, a name): the card is then that node's, and ``found_by``
    says what was typed, why it matched and which other nodes match as well.

    ``flights`` is how many rows each list holds: the latest flights, a
    program's latest designations, a place's sanctioned aircraft and entities
    (the ``*_total`` and ``total`` fields say how many there are in all).

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> card = kgraph.show("ofac-40185", datadir=dd)
    >>> card["caption"], [link["id"] for link in card["links"] if link["relationship"] == "OPERATES"]
    ('RA-78765', ['ofac-40181'])
    >>> [c["code"] for c in card["countries_visited"]]
    ['CU', 'DO', 'DZ', 'MR', 'RU']
    >>> [(m["a"], m["b"], m["score"]) for m in card["merged"]]  # its OFAC record and the registry's, one airframe
    [('ofac-40185', 'ru-aircraft-db-RA78765', 0.98)]
    >>> card = kgraph.show("RA-78765", datadir=dd)
    >>> card["id"], card["found_by"]["why"], [o["id"] for o in card["found_by"]["others"]]
    ('ofac-40185', ['record ru_aircraft_db RA-78765', 'identifier RA-78765'], ['ofac-40181'])
    """
    from .find import found_by

    return found_by(node_id, lambda nid: _card(nid, datadir, flights), datadir=datadir)


def _card(node_id: str, datadir: DataDir | str | Path | None, flights: int) -> dict[str, Any]:
    from .schema import schema

    with _store(datadir) as store:
        n = _node(store, node_id)
        ntype = n.get("type")
        spec = schema().nodes.get(ntype)
        props = {k: v for k, v in n.items() if k not in ("id", "type", "caption", "names", "sanctioned", "sources")}
        names = []
        for prop in _NAME_PROPS:
            vals = props.get(prop) or []
            for v in [vals] if isinstance(vals, str) else vals:
                names.append({"name": v, "kind": prop, "scripts": scripts_of(v)})
        for v in n.get("names") or []:
            if not any(x["name"] == v for x in names):
                names.append({"name": v, "kind": "other", "scripts": scripts_of(v)})
        identifiers = []
        for prop in spec.identifiers if spec else []:
            vals = props.get(prop)
            for v in vals if isinstance(vals, list) else [vals] if vals else []:
                identifiers.append({"property": prop, "label": spec.properties[prop].label, "value": v})
        details = {}
        for prop, v in props.items():
            if v in (None, [], "") or prop in _NAME_PROPS or (spec and prop in spec.identifiers):
                continue
            label = spec.properties[prop].label if spec and prop in spec.properties else prop
            details[prop] = {"label": label, "value": v}
        listings = []
        for r in _rows(store, _for(Q_LISTINGS, ntype), {"id": node_id}):
            r["sources"] = _rel_sources(r)
            listings.append(r)
        links = []
        for rel, q in Q_SCORED.items():
            # OPERATES and OWNS run from an operator to an aircraft: on the aircraft's card they come in
            ends = schema().rels[rel].between
            inbound = any(b == ntype for _, b in ends) and not any(a == ntype for a, _ in ends)
            for r in _rows(store, _for(q, ntype), {"id": node_id}):
                links.append({"relationship": rel, "id": r["id"], "type": r["type"], "caption": r["caption"],
                              "sanctioned": r["sanctioned"], "inbound": inbound, "relation": None, "score": r["score"],
                              "evidence": _json(r["evidence"]),
                              "judgement": r.get("judgement") or None, "sources": _rel_sources(r)})
        for r in _rows(store, _for(Q_LINKS_OF_COUNTRY if ntype == "Country" else Q_LINKS, ntype), {"id": node_id}):
            links.append({"relationship": r["relationship"], "id": r["id"], "type": r["type"],
                          "caption": r["caption"], "sanctioned": r["sanctioned"], "relation": r["relation"],
                          "score": None, "evidence": None,
                          "judgement": None, "sources": _rel_sources(r)})
        for inbound, q in Q_TYPED_LINKS.get(ntype, ()):
            for r in _rows(store, q, {"id": node_id}):
                links.append({"relationship": r["relationship"], "id": r["id"], "type": r["type"],
                              "caption": r["caption"], "sanctioned": r["sanctioned"], "inbound": inbound,
                              "relation": f"matched by {r['matchedBy']}" if r["matchedBy"] else None,
                              "score": None, "evidence": None, "judgement": None, "sources": _rel_sources(r)})
        card: dict[str, Any] = {
            "id": node_id, "type": ntype, "caption": n.get("caption"), "sanctioned": bool(n.get("sanctioned")),
            "names": names, "identifiers": identifiers, "details": details, "sources": _sources(n.get("sources")),
            "listings": listings,
            "addresses": [l for l in links if l["relationship"] == "HAS_ADDRESS"],
            "links": [l for l in links if l["relationship"] not in ("HAS_ADDRESS", "HAS_IDENTIFIER", "LOCATED_IN")],
            "countries": [l for l in links if l["relationship"] == "LOCATED_IN"],
            "merged": why_merged(node_id, datadir=datadir),
        }
        aircraft_ids: list[str] = []
        if ntype == "Airplane":
            card["registrations"] = []
            for r in _rows(store, Q_REGISTRATIONS, {"id": node_id}):
                r["sources"] = _rel_sources(r)  # takes the query's _source/_record/_snapshot out of the row
                card["registrations"].append(r)
            aircraft_ids = [node_id]
        else:
            card["aircraft"] = _aircraft(store, node_id, ntype)
            aircraft_ids = [a["id"] for a in card["aircraft"]]
            for a in card["aircraft"]:  # how sure the resolver is of an operator or owner link, and why; a list's word
                mine = [l for l in card["links"] if l["id"] == a["id"]]
                best = max((l for l in mine if l["score"] is not None), key=lambda l: l["score"], default=None)
                a["score"], a["evidence"] = (best["score"], best["evidence"]) if best else (None, None)
                a["relation"] = next((l["relation"] for l in mine if l["relation"]), None)
        if aircraft_ids:
            every = _flights(store, Q_FLIGHTS, {"aircraft": aircraft_ids, "limit": 100_000})
            card["flights"] = every[:flights]
            card["flights_total"] = len(every)
            card["countries_visited"] = _countries(store, every)
        if ntype == "Program":
            by_type = _rows(store, Q_LISTED_TYPES, {"id": node_id})
            if by_type:
                card["listed"] = {"total": sum(t["count"] for t in by_type), "by_type": by_type,
                                  "latest": _rows(store, Q_LISTED_LATEST, {"id": node_id, "limit": flights})}
        if ntype == "Country":
            by_type = _rows(store, Q_LOCATED_HERE, {"id": node_id})
            if by_type:
                card["located_here"] = {
                    "total": sum(t["count"] for t in by_type), "by_type": by_type,
                    "sanctioned_total": sum(t["sanctioned"] for t in by_type),
                    "sanctioned": _rows(store, Q_SANCTIONED_HERE, {"id": node_id, "limit": flights})}
        if ntype in _FLIGHTS_AT:  # a place (it operates no aircraft of its own)
            # who flew here, and which sanctioned aircraft did (they may be none of the latest legs)
            places = [node_id] + [r[0] for r in store.query(Q_PLACES, {"id": node_id})[1] if ntype == "Country"]
            total = store.query(Q_FLIGHTS_AT_COUNT[ntype], {"places": places})[1][0][0]
            if total:
                ids = [r[0] for r in store.query(Q_FLIGHT_IDS_AT[ntype], {"places": places, "limit": flights})[1]]
                card["flights"] = _flights(store, Q_FLIGHTS_BY_ID, {"ids": ids, "limit": flights})
                card["flights_total"] = total
                card["sanctioned_aircraft_here"] = _rows(store, Q_SANCTIONED_AT[ntype],
                                                         {"places": places, "limit": flights})
                card["sanctioned_aircraft_total"] = store.query(Q_SANCTIONED_AT_COUNT[ntype],
                                                                {"places": places})[1][0][0]
        return card


def _aircraft(store, node_id: str, node_type: str) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for r in _rows(store, _for(Q_AIRCRAFT, node_type), {"id": node_id}):
        a = merged.setdefault(r["id"], {
            "id": r["id"], "caption": r["caption"], "sanctioned": r["sanctioned"], "msn": r["msn"] or [],
            "icao24": r["icao24"] or [], "model": r["model"] or [], "tails": r["tails"] or [],
            "relationships": [], "sources": [],
        })
        a["relationships"].append(r["relationship"])
        a["sources"] += [s for s in _rel_sources(r) if s not in a["sources"]]
    return list(merged.values())


def chain(operator_id: str, *, datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """Operator -> sanctions -> aircraft -> flights -> airports -> countries, each fact with its source."""
    card = show(operator_id, datadir=datadir, flights=100_000)
    flights_by_aircraft: dict[str, list] = {}
    for f in card.get("flights", []):
        flights_by_aircraft.setdefault(f["aircraft"], []).append(f)
    for fl in flights_by_aircraft.values():
        fl.sort(key=lambda f: (f.get("departureDate") or "", f.get("arrivalDate") or "", f["id"]))
    aircraft = []
    for a in card.get("aircraft", []):
        aircraft.append({**a, "flights": flights_by_aircraft.get(a["id"], [])})
    aircraft.sort(key=lambda a: (-len(a["flights"]), a["caption"] or a["id"]))
    return {
        "operator": {"id": card["id"], "type": card["type"], "name": card["caption"], "sanctioned": card["sanctioned"],
                     "sources": card["sources"]},
        "sanctions": card["listings"],
        "aircraft": aircraft,
        "countries_visited": card.get("countries_visited", []),
    }
