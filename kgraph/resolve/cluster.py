"""Clusters: positive links joined with union-find, under analysts' judgements and hard rules.

Order of decisions:

1. ``same`` judgements join their two records first, whatever the scores;
2. ``different`` judgements are constraints: no later join may put the two
   records into one cluster, not even through a chain of other links;
3. automatic links join in descending score order, unless the two clusters
   would then hold conflicting strong facts: two airframe MSNs (or
   incompatible types), two INNs/OGRNs/IMO numbers of one format, or two
   records of a list that gives each entity its own record
   (:data:`ONE_RECORD_LISTS`), unless the two records themselves share an
   MSN, or an identifier or a full date of birth and names that agree
   (:data:`VOUCHING`). OFAC names a
   branch, a namesake or a sister company in a record of its own: SYRIAN
   ARAB AIRLINES and SYRIAN ARAB ARMY score 0.78 on their names, VTB Bank
   and VTB Bank Belarus 0.76, Qusay and Uday Saddam Hussein 0.87; and it
   lists a few entities twice (one INN, two UIDs), which their identifier
   tells. Records of Canada's list may merge on names: it lists an entity
   once per schedule.

The id of a cluster is one of its members, chosen deterministically: the
member from the highest-priority source (``us_ofac_sdn`` > ``us_ofac_cons`` >
``ca_sema`` > ``ua_nsdc`` > registries > others), ties broken by the smallest
id. A rebuild with the same members gives the same id.

>>> source_rank("us_ofac_sdn") < source_rank("ca_sema") < source_rank("us_faa") < source_rank("flightlog")
True
"""
from __future__ import annotations

from .aircraft import airframe_conflict
from .entity import Entity
from .judgements import Judgement
from .score import conflicting_ids

__all__ = ["Clusterer", "source_rank", "canonical_member", "SOURCE_PRIORITY", "REGISTRY_SOURCES", "ONE_RECORD_LISTS",
           "VOUCHING", "vouches"]

SOURCE_PRIORITY = ("us_ofac_sdn", "us_ofac_cons", "ca_sema", "ua_nsdc")
#: lists whose record is the entity, by the authority whose ids they share: OFAC's SDN and consolidated
#: lists key an entity by one UID (a UID on both is one record id, ofac-<UID>), so two UIDs are two entities
ONE_RECORD_LISTS = {"us_ofac_sdn": "OFAC", "us_ofac_cons": "OFAC"}
#: evidence that two records of one such list are one entity all the same: an airframe's MSN, or with names
#: that agree an identifier of the entity itself (not a phone or an e-mail, which branches share) or an
#: equal full date of birth or incorporation
VOUCHING = frozenset({"id:tax", "id:reg", "id:okpo", "id:imo", "id:passport", "msn", "birth_date", "founded"})
REGISTRY_SOURCES = ("us_faa", "opensky_aircraft", "ru_aircraft_db")


def vouches(evidence) -> bool:
    """Whether a pair's evidence (:class:`.evidence.Evidence`) shares an airframe's MSN, or an identifier of
    the entity or a full date with names that agree (:data:`VOUCHING`): OFAC gives the shops of one owner his
    tax number each, and they are several listings (VARIEDADES HARB SPORT, ALMACEN FUTURO NO. 1)."""
    names_agree = any(e.feature == "name" and e.contribution > 0 for e in evidence)
    return any(e.feature in VOUCHING and e.weight > 0 and e.value is not None and e.value == e.compared
               and (names_agree or e.feature == "msn") for e in evidence)


_STRONG = ("tax", "reg", "imo")


def source_rank(source: str) -> int:
    if source in SOURCE_PRIORITY:
        return SOURCE_PRIORITY.index(source)
    if source in REGISTRY_SOURCES:
        return len(SOURCE_PRIORITY)
    return len(SOURCE_PRIORITY) + 1


def canonical_member(members: list[str], ranks: dict[str, int]) -> str:
    """The member id that names the cluster: best source rank, then smallest id."""
    return min(members, key=lambda m: (ranks.get(m, 99), m))


class Clusterer:
    """Union-find over entity ids that refuses joins contradicting judgements or strong facts.

    A cluster's members, cannot-links, MSNs, type groups and strong identifiers are
    kept only once it has any, under its root: most clusters are one registry
    airframe (600k at full size) with none of them, and a set per cluster and fact
    cost more memory than the entities.
    """

    def __init__(self, entities: dict[str, Entity]):
        self.entities = entities
        self.parent: dict[str, str] = {eid: eid for eid in entities}
        #: root -> members, for clusters of two or more (a root alone is its own only member)
        self.members: dict[str, list[str]] = {}
        self.cannot: dict[str, set[str]] = {}
        self.auto_cannot: dict[str, set[str]] = {}
        self.msns: dict[str, set[str]] = {}
        self.groups: dict[str, set[str]] = {}
        self.ids: dict[str, dict[str, set[str]]] = {}
        #: entity -> {authority: its record ids}, for the entities holding a ONE_RECORD_LISTS record; and
        #: the same per root, for the clusters holding one
        self.own_records: dict[str, dict[str, frozenset[str]]] = {}
        self.records: dict[str, dict[str, set[str]]] = {}
        self.blocked: dict[tuple[str, str], str] = {}
        for eid, ent in entities.items():
            own: dict[str, set[str]] = {}
            for prov in ent.provs:
                authority = ONE_RECORD_LISTS.get(prov.source)
                if authority:
                    own.setdefault(authority, set()).add(prov.record)
            if own:
                self.own_records[eid] = {k: frozenset(v) for k, v in own.items()}
                self.records[eid] = own
            if ent.msns:
                self.msns[eid] = set(ent.msns)
            if ent.groups:
                self.groups[eid] = set(ent.groups)
            strong = {s: set(ent.ids[s]) for s in _STRONG if s in ent.ids}
            if strong:
                self.ids[eid] = strong

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def members_of(self, root: str) -> list[str]:
        return self.members.get(root) or [root]

    def forbid(self, a: str, b: str, *, automatic: bool = False) -> None:
        """Record a cannot-link: a ``different`` judgement, or (``automatic``) strong negative
        evidence between the two records (different birth years, INNs, MSNs)."""
        if a in self.parent and b in self.parent:
            target = self.auto_cannot if automatic else self.cannot
            target.setdefault(self.find(a), set()).add(b)
            target.setdefault(self.find(b), set()).add(a)

    def conflict(self, a: str, b: str, *, vouched: bool = False) -> str | None:
        """Why the clusters of a and b must not be joined (None when they may). ``vouched``: a and b share
        evidence of :data:`VOUCHING`, so that two records of one list may be one entity."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if _links_across(self.cannot, ra, rb, self.members_of):
            return "an analyst judged members of the two clusters different"
        if _links_across(self.auto_cannot, ra, rb, self.members_of):
            return "strong negative evidence between members of the two clusters"
        why = airframe_conflict(self.msns.get(ra, _NONE), self.groups.get(ra, _NONE),
                                self.msns.get(rb, _NONE), self.groups.get(rb, _NONE))
        if why:
            return why
        clash = conflicting_ids(self.ids.get(ra, {}), self.ids.get(rb, {}))
        if clash:
            scheme, x, y = clash[0]
            return f"different {scheme} identifiers {x} / {y}"
        ours, theirs = self.records.get(ra, {}), self.records.get(rb, {})
        for authority in ours.keys() & theirs.keys():
            # a and b vouch for their own records only, not for others their clusters hold
            if vouched and ours[authority] == self.own_records.get(a, {}).get(authority) and \
                    theirs[authority] == self.own_records.get(b, {}).get(authority):
                continue
            x, y = min(ours[authority]), min(theirs[authority])
            return (f"two {authority} records ({x} / {y}), and no identifier with names that agree says they are "
                    "one: that list gives a branch, a namesake or a sister company its own record")
        return None

    def union(self, a: str, b: str, *, force: bool = False, vouched: bool = False) -> bool:
        """Join the clusters of a and b; refused (False) on a conflict unless ``force``
        (a ``same`` judgement), which still never overrides a ``different`` judgement.
        ``vouched``: see :meth:`conflict`."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        why = self.conflict(a, b, vouched=vouched)
        if why and (not force or why.startswith("an analyst")):
            self.blocked[(a, b) if a <= b else (b, a)] = why
            return False
        if len(self.members_of(ra)) < len(self.members_of(rb)):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] = self.members_of(ra) + (self.members.pop(rb, None) or [rb])
        for facts in (self.cannot, self.auto_cannot, self.msns, self.groups):
            if rb in facts:
                facts.setdefault(ra, set()).update(facts.pop(rb))
        for facts in (self.ids, self.records):
            if rb in facts:
                into = facts.setdefault(ra, {})
                for key, vals in facts.pop(rb).items():
                    into.setdefault(key, set()).update(vals)
        return True

    def apply_judgements(self, judgements: dict[tuple[str, str], Judgement]) -> list[str]:
        """Apply ``different`` then ``same`` judgements; returns warnings for ones that could not hold."""
        warnings = []
        for (a, b), j in sorted(judgements.items()):
            if j.judgement == "different":
                self.forbid(a, b)
        for (a, b), j in sorted(judgements.items()):
            if j.judgement != "same":
                continue
            if a not in self.parent or b not in self.parent:
                warnings.append(f"judgement {a} = {b}: {'/'.join(x for x in (a, b) if x not in self.parent)} not in the data")
                continue
            if not self.union(a, b, force=True):
                warnings.append(f"judgement {a} = {b} contradicts a 'different' judgement; not applied")
        return warnings

    def clusters(self) -> dict[str, list[str]]:
        """cluster id -> sorted member ids, for every cluster (singletons included), in entity order."""
        out = {}
        for eid, parent in self.parent.items():
            if parent != eid:
                continue
            members = self.members.get(eid)
            if members is None:
                out[eid] = [eid]
                continue
            ms = sorted(members)
            ranks = {m: min((source_rank(p.source) for p in self.entities[m].provs), default=99) for m in ms}
            out[canonical_member(ms, ranks)] = ms
        return out


_NONE: frozenset = frozenset()


def _links_across(links: dict[str, set[str]], ra: str, rb: str, members_of) -> bool:
    """Whether a cannot-link recorded under either root points into the other cluster."""
    return bool(links.get(ra, _NONE) & set(members_of(rb)) or links.get(rb, _NONE) & set(members_of(ra)))
