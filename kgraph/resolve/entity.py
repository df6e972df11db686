"""The resolver's view of one member: every Node record with one id, prepared for comparison.

A source may assert one entity several times (the same OFAC uid under two
snapshots, a registry row repeated); all Node records with one id become one
:class:`Entity` whose names, identifiers, countries and dates are the union.
Everything the scorer needs is computed once here, never per pair.

>>> from kgraph.model import Node, Provenance
>>> e = Entity.from_nodes([Node("ofac-40181", "Organization", {"name": ["JSC AVIACON ZITOTRANS"],
...     "innCode": ["6658039390"], "country": ["Russia"]}, Provenance("us_ofac_sdn", "40181"))])
>>> e.ids["tax"], e.countries
({'6658039390'}, {'RU'})
"""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Iterable

from ..ids import ENTITY_SCHEMES, normalize_icao24, normalize_imo, normalize_msn, normalize_tail, node_keys
from ..model import Node, Provenance
from ..refdata.countries import country_code
from ..refdata.models import model_family, msn_group
from .normalize import Name, analyze_all

__all__ = ["Entity", "MATCHABLE", "NAME_PROPS", "WEAK_NAME_PROPS", "airframe_tails", "family_of"]

#: node types the resolver compares
MATCHABLE = ("Organization", "Person", "Airplane", "Vessel")
#: which types may be compared with which (Organization/Person: lists disagree on what a party is)
FAMILY = {"Organization": "party", "Person": "party", "Airplane": "airplane", "Vessel": "vessel"}

NAME_PROPS = ("name", "alias", "previousName")
WEAK_NAME_PROPS = ("weakAlias",)
#: names kept per entity: heavily merged records with 100 aliases must not make every pair slow
MAX_NAMES = 24

# identifier schemes (value sets) per property: an entity's (kgraph.ids), and a vessel's, which the
# graph keys otherwise but the scorer compares as values
_SCHEMES = {**ENTITY_SCHEMES, "imoNumber": "imo", "mmsi": "mmsi", "callSign": "callsign"}
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_TAIL_SHAPE = re.compile(r"^(?:[A-Z0-9]{1,2}-[A-Z0-9]{2,5}|N\d{1,5}[A-Z]{0,2})$")
_YEAR = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def airframe_tails(props: dict[str, list[str]]) -> set[str]:
    """An airframe's tails, normalised: its registration numbers, or else its names shaped like a tail.

    >>> airframe_tails({"name": ["RA-78765"]}), airframe_tails({"registrationNumber": ["RA-78765"], "name": ["EW-78765"]})
    ({'RA78765'}, {'RA78765'})
    """
    tails = {t for t in map(normalize_tail, props.get("registrationNumber", ())) if t}
    if not tails:
        # OFAC names an aircraft by its tail ("RA-78765"): a name shaped like a tail is one
        tails = {normalize_tail(v) for v in props.get("name", ()) if _TAIL_SHAPE.match(v.strip().upper())
                 and not model_family(v)}
    return tails


def family_of(node_type: str) -> str | None:
    return FAMILY.get(node_type)


def _ident(value: str) -> str:
    return _NON_ALNUM.sub("", value).upper()


#: properties an Entity keeps after preparation (read by the operator/owner links)
KEPT_PROPS = ("operatorIcao", "operatorName", "ownerName")
_EMPTY: frozenset = frozenset()
_NO_ITEMS: tuple = ()
_NO_MAP = MappingProxyType({})


class Entity:
    """One member of the resolution: a node id with everything its records say."""

    __slots__ = (
        "id", "type", "family", "provs", "names", "weak_names", "raw_names", "ids", "keys", "countries",
        "dates", "msns", "families", "groups", "tails", "prev_tails", "icao24s", "periods", "props", "_seen",
        "name_index", "name_keyset", "prov_keys", "years", "full_dates", "complete",
    )

    def __init__(self, node_id: str, node_type: str):
        self.id = node_id
        self.type = node_type
        self.family = FAMILY.get(node_type)
        self.provs: list[Provenance] = []
        self.keys: list[str] = []
        self.props: dict[str, list[str]] = {}
        # what preparation fills: one shared, immutable empty each until then, and for good for an
        # airplane prepared with its keys only (600k registry airframes at full size; an empty set or
        # frozenset is 216 bytes, an empty list 56). _prepare makes its own mutable ones.
        self.names: list[Name] = _NO_ITEMS
        self.weak_names: list[Name] = _NO_ITEMS
        self.raw_names: list[str] = _NO_ITEMS
        self.ids: dict[str, set[str]] = _NO_MAP
        self.countries: set[str] = _EMPTY
        self.dates: set[str] = _EMPTY
        self.msns: set[str] = _EMPTY
        self.families: set[str] = _EMPTY
        self.groups: set[str] = _EMPTY
        self.tails: set[str] = _EMPTY
        self.prev_tails: set[str] = _EMPTY
        self.icao24s: set[str] = _EMPTY
        self.periods: list[tuple[str | None, str | None]] = _NO_ITEMS
        self._seen: set = _EMPTY
        #: token key -> positions in ``names`` holding it; and every key of every name
        self.name_index: dict[str, list[int]] = _NO_MAP
        self.name_keyset: frozenset[str] = _EMPTY
        self.prov_keys: frozenset[tuple[str, str]] = _EMPTY
        self.years: frozenset[int] = _EMPTY
        self.full_dates: frozenset[str] = _EMPTY
        #: False when prepared with ``keys_only``: filed under its keys, not fit for scoring
        self.complete = False

    def __repr__(self) -> str:
        return f"Entity({self.id!r}, {self.type}, {self.raw_names[:2]!r})"

    @property
    def caption(self) -> str:
        if self.raw_names:
            return self.raw_names[0]
        if self.tails:
            return sorted(self.tails)[0]
        return self.id

    @classmethod
    def from_nodes(cls, nodes: Iterable[Node], *, keys_only: bool = False) -> "Entity":
        """One entity from every Node record with one id.

        ``keys_only`` prepares an Airplane for everything but comparison: its identifier
        keys and tails (what :func:`kgraph.resolve.index.entity_keys` files it under, and
        what the build's ``keys`` map holds), its provenance and its operator and owner
        fields. Most registry airframes share no key with any other record, so they are
        never scored; :func:`kgraph.resolve.resolve` prepares again, in full, the few
        that are. The scorer must not see such an entity (``complete`` is False).
        """
        nodes = list(nodes)
        first = nodes[0]
        ent = cls(first.id, first.type)
        if keys_only and ent.type != "Airplane":
            raise ValueError(f"keys_only is for airplanes (filed under identifiers only), not {ent.type}")
        if len(nodes) == 1:
            # most records stand alone: read their properties in place (nothing writes to them), and keep
            # them there: the node holds them anyway
            ent.provs.append(first.prov)
            ent.props = first.props
        else:
            for node in nodes:
                if node.prov not in ent.provs:
                    ent.provs.append(node.prov)
                for prop, values in node.props.items():
                    have = ent.props.setdefault(prop, [])
                    for v in values:
                        if v not in have:
                            have.append(v)
        ent._prepare_keys()
        if not keys_only:
            ent._prepare()
            ent._compact()
            ent.complete = True
        if len(nodes) > 1:
            # a merged copy of every property: keep only what is read again (by derive_links)
            merged = ent.props
            ent.props = {k: merged[k] for k in KEPT_PROPS if k in merged}
        return ent

    def _compact(self) -> None:
        """Drop what only preparation needed; share one empty set for the many empty ones.

        A registry holds 600k airframes: each Entity kept nine sets (most of them
        empty, 216 bytes each). After preparation nothing adds to the sets.
        """
        self._seen = _EMPTY
        for attr in ("countries", "dates", "msns", "families", "groups", "icao24s"):
            if not getattr(self, attr):
                setattr(self, attr, _EMPTY)

    # -- preparation --------------------------------------------------------
    def _add_names(self, values: list[str], weak: bool = False) -> None:
        target = self.weak_names if weak else self.names
        for raw in values:
            if raw in self.raw_names or len(self.names) + len(self.weak_names) >= MAX_NAMES:
                continue
            self.raw_names.append(raw)
            for name in analyze_all(raw):
                if not name.tokens:
                    continue
                # "HENAO JARAMILLO, Mario Alberto" and "Mario Alberto HENAO JARAMILLO" compare alike: keep one
                sig = (tuple(sorted(t.text for t in name.tokens)), name.syllabic)
                if sig in self._seen:
                    continue
                self._seen.add(sig)
                target.append(name)

    def _prepare(self) -> None:
        p = self.props
        self.names, self.weak_names, self.raw_names, self.periods = [], [], [], []
        self.ids, self.name_index, self._seen = {}, {}, set()
        self.countries, self.dates = set(), set()
        if self.type == "Airplane":
            self._prepare_airplane()
        for prop in NAME_PROPS:
            self._add_names(p.get(prop, []))
        if self.type == "Person" and not p.get("name"):
            first, last = p.get("firstName", []), p.get("lastName", [])
            self._add_names([f"{f} {la}" for f in first for la in last] or last)
        self._add_names(p.get("weakAlias", []), weak=True)
        for pos, name in enumerate(self.names):
            for k in name.keys:
                self.name_index.setdefault(k, []).append(pos)
        self.name_keyset = frozenset(self.name_index) or _EMPTY
        for prop, scheme in _SCHEMES.items():
            if prop == "registrationNumber" and self.type == "Airplane":
                continue
            for v in p.get(prop, []):
                iv = normalize_imo(v) if scheme == "imo" else _ident(v)
                if iv and len(iv) >= 3:
                    self.ids.setdefault(scheme, set()).add(iv)
        for prop in ("country", "jurisdiction", "nationality", "citizenship", "flag"):
            for v in p.get(prop, []):
                code = country_code(v)
                if code:
                    self.countries.add(code)
        for prop in ("birthDate", "incorporationDate"):
            for v in p.get(prop, []):
                if _YEAR.match(v.strip()):
                    self.dates.add(v.strip())
        self.years = frozenset(int(d[:4]) for d in self.dates) or _EMPTY
        self.full_dates = frozenset(d[:10] for d in self.dates if len(d) >= 10) or _EMPTY
        self.prov_keys = frozenset((pv.source, pv.record) for pv in self.provs)

    def _prepare_keys(self) -> None:
        """The identifier keys (and an airplane's tails): all an entity that is never compared needs."""
        p = self.props
        self.keys = node_keys(self.type, p)
        for prov in self.provs:
            self.keys.append(f"src-{prov.source}-{prov.record}")
        if self.type != "Airplane":
            return
        self.tails = airframe_tails(p) or _EMPTY
        self.prev_tails = {t for t in map(normalize_tail, p.get("previousRegistrationNumber", ())) if t} or _EMPTY

    def _prepare_airplane(self) -> None:
        p = self.props
        self.msns, self.icao24s, self.families = set(), set(), set()
        for v in p.get("serialNumber", []):
            m = normalize_msn(v)
            if m:
                self.msns.add(m)
        for v in p.get("icao24", []):
            h = normalize_icao24(v)
            if h:
                self.icao24s.add(h)
        for v in p.get("modelFamily", []) + p.get("model", []) + p.get("icaoType", []):
            fam = model_family(v)
            if fam:
                self.families.add(fam)
        self.groups = {g for g in (msn_group(f) for f in self.families) if g}
        starts, ends = p.get("registered", []), p.get("registeredUntil", [])
        if starts or ends:
            self.periods.append((min(starts) if starts else None, max(ends) if ends else None))


def date_parts(value: str) -> tuple[str, str | None, str | None] | None:
    """``1988-06-30`` -> ('1988', '06', '30'); partial dates keep None parts."""
    m = _YEAR.match(value)
    if not m:
        return None
    return m.group(1), m.group(2), m.group(3)
