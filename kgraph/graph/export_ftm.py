"""FollowTheMoney export: one entity per line, ``{"id", "schema", "properties", "datasets"}``.

Node types with an ``ftm`` schema in schema.yaml become entities of that
schema (Organization, Person, Airplane, Vessel, Address, PublicBody for
Authority); properties are renamed to FtM names where they differ and kept
only where FtM has them. Relationships become FtM's interstitial entities
where it has them:

==================  ===================================================
SANCTIONED_UNDER    ``Sanction`` (entity, authority, program, listingDate...)
OWNS                ``Ownership`` (owner, asset, percentage, dates)
LINKED_TO           ``UnknownLink`` (subject, object, role, dates)
OPERATES            the asset's ``operator`` property
HAS_ADDRESS         the entity's ``addressEntity`` property
==================  ===================================================

Countries are FtM country codes (lower-case ISO alpha-2); sanctioned
entities carry the topic ``sanction``. Program, Identifier, Registration,
Flight, Airport and Country nodes have no FtM equivalent and are not
written (their facts reach the entities above through these properties).
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from ..ids import make_id
from ..schema import schema
from .tables import GraphTables, rel_assertions

__all__ = ["FTM_PROPERTIES", "write_ftm"]

_COMMON = ("name", "alias", "previousName", "weakAlias", "country", "notes", "sourceUrl")
_LEGAL = _COMMON + ("email", "phone", "website", "legalForm", "incorporationDate", "dissolutionDate", "status",
                    "sector", "registrationNumber", "idNumber", "taxNumber", "jurisdiction", "okpoCode",
                    "innCode", "ogrnCode", "address")

#: kgraph node type -> {kgraph property: FtM property}
FTM_PROPERTIES: dict[str, dict[str, str]] = {
    "Organization": {p: p for p in _LEGAL},
    "Person": {**{p: p for p in _LEGAL if p not in ("legalForm", "incorporationDate", "dissolutionDate", "sector",
                                                    "jurisdiction", "okpoCode", "ogrnCode", "registrationNumber",
                                                    "previousName", "website")},
               **{p: p for p in ("firstName", "lastName", "title", "position", "gender", "birthDate", "birthPlace",
                                 "deathDate", "nationality", "citizenship", "passportNumber")}},
    "Airplane": {"name": "name", "registrationNumber": "registrationNumber", "serialNumber": "serialNumber",
                 "model": "model", "manufacturer": "manufacturer", "buildDate": "buildDate", "country": "country",
                 "icaoType": "icaoCode", "registered": "registrationDate", "notes": "notes", "sourceUrl": "sourceUrl"},
    "Vessel": {"name": "name", "alias": "alias", "previousName": "previousName", "imoNumber": "imoNumber",
               "mmsi": "mmsi", "callSign": "callSign", "flag": "flag", "pastFlags": "pastFlags",
               "vesselType": "type", "tonnage": "tonnage", "grossRegisteredTonnage": "grossRegisteredTonnage",
               "buildDate": "buildDate", "country": "country", "notes": "notes", "sourceUrl": "sourceUrl"},
    "Authority": {"name": "name", "country": "country", "sourceUrl": "sourceUrl"},
    "Address": {"full": "full", "street": "street", "city": "city", "postalCode": "postalCode", "region": "region",
                "country": "country", "remarks": "remarks"},
}
_COUNTRY_PROPS = {"country", "jurisdiction", "nationality", "citizenship", "flag", "pastFlags"}
_INTERSTITIAL = {"SANCTIONED_UNDER": "Sanction", "OWNS": "Ownership", "LINKED_TO": "UnknownLink"}


def _values(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    if isinstance(v, float):
        return [repr(v)]
    return [str(v)]


def _datasets(sources_json: str | None) -> list[str]:
    try:
        return sorted({s["source"] for s in json.loads(sources_json or "[]")})
    except (ValueError, TypeError, KeyError):
        return []


def write_ftm(tables: GraphTables, out: TextIO) -> int:
    """Write FtM entities as JSON lines; returns how many entities were written."""
    from ..refdata.countries import country_code

    codes: dict[str, str | None] = {}

    def country(value: str) -> str | None:
        if value not in codes:
            code = country_code(value)
            codes[value] = code.lower() if code else None
        return codes[value]

    captions: dict[str, str] = {}
    for name in ("Program", "Authority"):
        for row in tables.nodes[name].rows:
            captions[row[0]] = row[2]
    issuer: dict[str, str] = {}
    extra: dict[str, dict[str, list[str]]] = {}
    for table in tables.rels.values():
        if table.type == "ISSUED_BY":
            for row in table.rows:
                issuer[row[0]] = captions.get(row[1], row[1])
        elif table.type == "OPERATES":
            for row in table.rows:
                extra.setdefault(row[1], {}).setdefault("operator", []).append(row[0])
        elif table.type == "HAS_ADDRESS":
            for row in table.rows:
                extra.setdefault(row[0], {}).setdefault("addressEntity", []).append(row[1])
    n = 0
    dump = json.dumps
    s = schema()
    exported: set[str] = set()
    for node_type, mapping in FTM_PROPERTIES.items():
        ftm_schema = s.node(node_type).ftm
        for rec in tables.nodes[node_type].records():
            props: dict[str, list[str]] = {}
            for ours, theirs in mapping.items():
                vals = _values(rec.get(ours))
                if ours in _COUNTRY_PROPS:
                    vals = [c for c in (country(v) for v in vals) if c]
                for v in vals:
                    if v not in props.setdefault(theirs, []):
                        props[theirs].append(v)
            props = {k: v for k, v in props.items() if v}
            if node_type == "Address":
                props.setdefault("full", [rec.get("caption", rec["id"])])
            else:
                props.setdefault("name", [rec.get("caption", rec["id"])])
            for k, v in extra.get(rec["id"], {}).items():
                props[k] = sorted(set(v))
            if rec.get("sanctioned"):
                props["topics"] = ["sanction"]
            out.write(dump({"id": rec["id"], "schema": ftm_schema, "properties": props,
                            "datasets": _datasets(rec.get("sources"))}, ensure_ascii=False) + "\n")
            exported.add(rec["id"])
            n += 1
    for table in tables.rels.values():
        ftm_schema = _INTERSTITIAL.get(table.type)
        if ftm_schema is None:
            continue
        for start, end, rec in table.records():
            if start not in exported or (ftm_schema != "Sanction" and end not in exported):
                continue
            props = _interstitial(ftm_schema, start, end, rec, captions, issuer)
            entity_id = make_id(ftm_schema.lower(), table.type, start, end)
            datasets = sorted({a["source"] for a in rel_assertions(rec.get("sources"), rec.get("source"))})
            out.write(dump({"id": entity_id, "schema": ftm_schema, "properties": props,
                            "datasets": datasets}, ensure_ascii=False) + "\n")
            n += 1
    return n


def _interstitial(ftm_schema: str, start: str, end: str, rec: dict[str, Any], captions: dict[str, str],
                  issuer: dict[str, str]) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}

    def put(name: str, value: Any) -> None:
        vals = _values(value)
        if vals:
            props[name] = vals

    if ftm_schema == "Sanction":
        put("entity", start)
        put("program", captions.get(end, end))
        put("authority", issuer.get(end) or rec.get("authority"))
        put("listingDate", rec.get("listingDate"))
        put("startDate", rec.get("startDate"))
        put("endDate", rec.get("endDate"))
        put("status", rec.get("status"))
        put("reason", rec.get("reason"))
        put("provisions", rec.get("decree"))
        put("sourceUrl", rec.get("sourceUrl"))
    elif ftm_schema == "Ownership":
        put("owner", start)
        put("asset", end)
        put("percentage", rec.get("percentage"))
        put("startDate", rec.get("startDate"))
        put("endDate", rec.get("endDate"))
    else:
        put("subject", start)
        put("object", end)
        put("role", rec.get("relation"))
        put("startDate", rec.get("startDate"))
        put("endDate", rec.get("endDate"))
    return props
