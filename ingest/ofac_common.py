"""What the three OFAC formats share: one entry model, programs, authorities, addresses, links.

OFAC publishes the same facts three ways: as ``Label value`` pairs packed into
the CSV Remarks column (``Aircraft Model IL-76TD``), as ``idList/id`` items of
SDN.XML (``idType`` = the label) and as features / ID documents of the
advanced XML (FeatureType / IDRegDocType = the label). Every reader turns
its format into ``(label, value, country)`` and hands it to
:meth:`Entry.feature`, so that one label table (:mod:`ingest.ofac_remarks`)
decides where a fact goes and the same entry read from any format yields the
same records.

>>> split_city_line("Yekaterinburg 620026"), split_city_line("Miami, FL 33130")
(('Yekaterinburg', None, '620026'), ('Miami', 'FL', '33130'))
"""
from __future__ import annotations

import functools
import re
from typing import Iterator

from kgraph.ids import slug
from kgraph.model import Edge, Node, ParseReport, Provenance, Record
from kgraph.refdata.models import model_family
from kgraph.schema import schema

from .ofac_remarks import NO_COUNTRY, country, iso_date, label_key, lookup

SDN = "us_ofac_sdn"
CONS = "us_ofac_cons"
PUBLISHER = "US Treasury, Office of Foreign Assets Control"
AUTHORITY_NAMES = {
    SDN: "OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    CONS: "OFAC Consolidated Sanctions List (non-SDN lists)",
}
AUTHORITY_SHORT_NAMES = {SDN: "US OFAC SDN", CONS: "US OFAC non-SDN"}
AUTHORITY_URLS = {
    SDN: "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
    CONS: "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
}
DETAIL_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={uid}"
_DETAIL_PREFIX = DETAIL_URL.removesuffix("{uid}")  # a concatenation per entry instead of a format call


@functools.cache
def _target(node_type: str, prop: str) -> str:
    """The property a value meant for ``prop`` lands in on ``node_type`` ("notes" when none fits)."""
    allowed = schema().node(node_type).properties
    if prop not in allowed and node_type == "Airplane" and prop == "previousName":
        return "previousRegistrationNumber"  # an aircraft's former name is its former registration
    while prop not in allowed and prop in _FALLBACK:
        prop = _FALLBACK[prop]
    return prop if prop in allowed else "notes"


class _Targets(dict):
    """``prop -> _target(node_type, prop)`` for one node type, filled on first use.

    One plain dict lookup per value added: a large list adds a quarter of a
    million values, and the cached two-argument call builds a key tuple each time.
    """

    __slots__ = ("node_type",)

    def __init__(self, node_type: str):
        super().__init__()
        self.node_type = node_type

    def __missing__(self, prop: str) -> str:
        self[prop] = target = _target(self.node_type, prop)
        return target


_TARGETS: dict[str, _Targets] = {}


# where a value goes when the node type lacks the property (Person has no previousName, Airplane no alias...)
_FALLBACK = {
    "previousName": "alias", "weakAlias": "alias", "alias": "name", "title": "position",
    "innCode": "taxNumber", "ogrnCode": "registrationNumber", "taxNumber": "idNumber",
    "registrationNumber": "idNumber", "okpoCode": "registrationNumber", "passportNumber": "idNumber",
    "nationality": "country", "citizenship": "country", "flag": "country",
}
_ASSETS = ("Airplane", "Vessel")
#: label kinds (see :mod:`ingest.ofac_remarks`) whose value is an identifier: :meth:`Entry.identifier`
IDENTIFIER_KINDS = frozenset(("passport", "tax", "reg", "id", "crypto", "imo"))
# compiled once: re's own pattern cache is a lookup per call, and a large list has thousands of numbers
_IMO = re.compile(r"^IMO\s*(\d{7})$")
_OGRN = re.compile(r"\d{13}|\d{15}")


class Entry:
    """One OFAC entry being assembled from any of the three formats."""

    __slots__ = ("uid", "type", "dataset", "props", "programs", "addresses", "links", "report", "_prov", "_targets")

    def __init__(self, uid: str, node_type: str, dataset: str, report: ParseReport):
        self.uid, self.type, self.dataset, self.report = uid, node_type, dataset, report
        targets = _TARGETS.get(node_type)
        if targets is None:
            targets = _TARGETS[node_type] = _Targets(node_type)
        self._targets = targets
        self._prov: Provenance | None = None
        self.props: dict[str, list[str]] = {}
        self.programs: dict[str, str | None] = {}  # program code -> listing date
        self.addresses: list[Node] = []
        self.links: list[tuple[str, str]] = []  # (linked name, relation) to resolve by name

    @property
    def id(self) -> str:
        return f"ofac-{self.uid}"

    def prov(self, snapshot: str | None) -> Provenance:
        """The provenance of every record the entry gives (one object, shared)."""
        if self._prov is None or self._prov.snapshot != snapshot:
            self._prov = Provenance.trusted(self.dataset, self.uid, snapshot)
        return self._prov

    def add(self, prop: str, value: str | None, label: str | None = None) -> None:
        """Add a value, falling back to a broader property the node type has, else to notes."""
        if not value or not (value := value.strip()):
            return
        target = self._targets[prop]
        if target == "notes" and prop != "notes" and label:
            value = f"{label} {value}"
        props = self.props
        if target not in props:
            props[target] = [value]
        elif value not in (vals := props[target]):
            vals.append(value)

    def note(self, text: str | None) -> None:
        """Add a note (every node type keeps notes: :meth:`add` without the property lookup)."""
        if text and (text := text.strip()):
            props = self.props
            if "notes" not in props:
                props["notes"] = [text]
            elif text not in (vals := props["notes"]):
                vals.append(text)

    def feature(self, label: str, value: str | None, issuer: str | None = None, *,
                issued: str | None = None, expires: str | None = None, extra: str | None = None) -> None:
        """Put one ``label value`` fact where the label table (:mod:`ingest.ofac_remarks`) says it belongs."""
        found = lookup(label.strip())
        if found is None:
            # a label the table does not know: counted, and kept in notes rather than dropped
            self.unknown_label(label.strip(), f"{label.strip()} {value or ''}".strip())
            return
        spec, label, rest = found
        if rest:  # the label carried a variable part (advanced XML: "Digital Currency Address - XBT")
            value = f"{rest} {value or ''}"
        self.apply(spec, label, value, issuer, issued=issued, expires=expires, extra=extra)

    def unknown_label(self, label: str, text: str) -> None:
        self.report.unknown(label, uid=self.uid)
        self.note(text)

    def apply(self, spec: tuple[str, str | None], label: str, value: str | None, issuer: str | None = None, *,
              issued: str | None = None, expires: str | None = None, extra: str | None = None) -> None:
        """Apply a looked-up label (see :func:`lookup`) to ``value``."""
        kind, prop = spec
        value = (value or "").strip()
        # the kinds by how often a list states them (each test is a string comparison)
        if kind == "text":
            self.add(prop, value, label)
        elif kind == "note":
            self.note(f"{label} {value}".strip())
        elif kind == "date":
            self.apply_date(prop, label, value)
        elif kind in IDENTIFIER_KINDS:
            self.identifier(kind, prop, label, value, issuer, issued, expires, extra)
        elif kind == "country":
            self.apply_country(prop, label, value)
        elif kind == "link":
            self.link(value)
        elif kind == "gender":
            self.add(prop, value.lower(), label)
        elif kind == "hex":
            self.add(prop, value.upper(), label)
        else:
            self.add(prop, value, label)

    def apply_date(self, prop: str, label: str, value: str) -> None:
        """Apply a date (``value`` stripped): as ISO text, or in notes when unreadable."""
        iso = iso_date(value)
        if iso is None:
            self.report.warn("unreadable date kept in notes", uid=self.uid, label=label, value=value)
            self.note(f"{label} {value}")
        else:
            self.add(prop, iso, label)

    def apply_country(self, prop: str, label: str, value: str) -> None:
        """Apply a country (``value`` stripped): as ISO code, or in notes when it names none."""
        code = country(value)
        if code is None and value.casefold() in NO_COUNTRY:
            self.note(f"{label} {value}")
        elif code is None:
            self.report.warn("unknown country kept in notes", uid=self.uid, label=label, value=value)
            self.note(f"{label} {value}")
        else:
            self.add(prop, code, label)

    def identifier(self, kind: str, prop: str, label: str, number: str, issuer: str | None, issued: str | None,
                   expires: str | None, extra: str | None) -> None:
        """Apply an identifier of one of :data:`IDENTIFIER_KINDS`; ``number`` stripped (see :meth:`apply`)."""
        if kind == "crypto":
            # "XBT 12udabs..." : the wallet is the identifier, shared by whoever controls it
            number = number.split(" ", 1)[-1]
        if kind == "imo":
            m = _IMO.match(number)
            if m and self.type == "Vessel":
                self.add("imoNumber", m.group(1))
                return
            kind, prop = "id", "idNumber"
        code = country(issuer) if issuer else None
        if code == "RU":  # the Russian register codes are the only special cases
            if kind == "tax" and label_key(label) == "tax id no.":
                prop = "innCode"
            elif kind == "reg" and _OGRN.fullmatch(number):
                prop = "ogrnCode"
            elif kind == "reg" and label_key(label) == "government gazette number":
                prop = "okpoCode"  # OFAC's name for the Russian statistical register code (OKPO)
        if self.type in _ASSETS and kind != "crypto":
            prop = None  # identifiers of owners have no place on an asset: keep the text
        elif code:
            self.add("country", code)  # the issuing country is a country the entry is tied to
        if prop and number:
            self.add(prop, number, label)
        if issued or expires or extra or not prop or not number:
            parts = [label] if label else []
            if number:
                parts.append(number)
            if issuer:
                parts.append(f"({issuer})")
            if issued:
                parts.append(f"issued {issued}")
            if expires:
                parts.append(f"expires {expires}")
            if extra:
                parts.append(extra)
            self.note(" ".join(parts))

    def link(self, name: str, relation: str = "Linked To") -> None:
        self.links.append((name.strip(), relation))

    def node(self, snapshot: str | None) -> Node:
        """The entry's node, with what only the whole entry can decide filled in."""
        p = self.props
        names = p.get("name", [])
        node_type = self.type
        if node_type == "Person" and names and ", " in names[0]:
            last, first = names[0].split(", ", 1)
            self.add("lastName", last)
            self.add("firstName", first)
        elif node_type == "Airplane":
            primary = names[0] if names else None
            msn = re.fullmatch(r"MSN\s*(\S+)", primary or "")
            if msn:  # "MSN 550": the list names an airframe without registration by its serial number
                if "serialNumber" not in p:
                    self.add("serialNumber", msn.group(1))
            elif primary and "registrationNumber" not in p:
                self.add("registrationNumber", primary)
            if "model" in p:
                self.add("modelFamily", model_family(p["model"][0]))
        self.add("sourceUrl", _DETAIL_PREFIX + self.uid)
        return Node.trusted(f"ofac-{self.uid}", node_type, p, self.prov(snapshot))


def make_address(entry: Entry, address_id: str, street: str | None, city_line: str | None,
                 country_text: str | None, remarks: str | None, snapshot: str | None, *,
                 city: str | None = None, region: str | None = None, postal: str | None = None) -> None:
    """Attach an address to ``entry``: an Address node when there is more than a country.

    ``city_line`` is the list's combined "City/State/Province/Postal Code" text;
    the XML readers give ``city``/``region``/``postal`` apart instead.
    """
    if city_line is not None:
        city, region, postal = split_city_line(city_line)
    else:
        city_line = " ".join(x for x in (", ".join(x for x in (city, region) if x), postal) if x) or None
    code = country(country_text) if country_text else None
    if country_text and code is None and country_text.casefold() not in NO_COUNTRY:
        entry.report.warn("unknown address country", uid=entry.uid, country=country_text)
    full = ", ".join(filter(None, (street, city_line, country_text)))
    if code:
        entry.add("country", code)
    if not (street or city or postal):
        return  # country only: said on the entry, no address to draw
    if entry.type == "Airplane":  # the schema has no address for aircraft; keep it readable
        entry.note(f"Address: {full}")
        return
    entry.add("address", full)
    # written out, not a loop over (key, value) pairs: one address per entry on average, 20,000 of them
    props = {}
    if full and (s := full.strip()):
        props["full"] = [s]
    if street and (s := street.strip()):
        props["street"] = [s]
    if city and (s := city.strip()):
        props["city"] = [s]
    if postal and (s := postal.strip()):
        props["postalCode"] = [s]
    if region and (s := region.strip()):
        props["region"] = [s]
    if code:  # an ISO code: never blank
        props["country"] = [code]
    if remarks and (s := remarks.strip()):
        props["remarks"] = [s]
    entry.addresses.append(Node.trusted(f"ofac-addr-{address_id}", "Address", props, entry.prov(snapshot)))


_POSTAL_TOKEN = re.compile(r"^(?=.*\d)[A-Z0-9-]{2,10}$", re.I)


@functools.lru_cache(maxsize=1 << 16)  # open-ended input: bounded
def split_city_line(text: str | None) -> tuple[str | None, str | None, str | None]:
    """``"Yekaterinburg 620026"`` -> city, region, postal code: trailing tokens with digits are the postcode."""
    if not text:
        return None, None, None
    tokens = text.split()
    # up to three trailing tokens: tokens[cut:] is the postcode
    cut, stop = len(tokens), max(len(tokens) - 3, 0)
    # a word of letters only holds no digit, so is no postcode: told by isalpha() for a tenth of a regex match
    while cut > stop and not tokens[cut - 1].isalpha() and _POSTAL_TOKEN.match(tokens[cut - 1]):
        cut -= 1
    postal = " ".join(tokens[cut:]) or None
    place = " ".join(tokens[:cut]).rstrip(",")
    city, _, region = place.partition(", ")
    return city or None, region or None, postal


# ---------------------------------------------------------------- programs, authorities, links


class Catalog:
    """Program and Authority nodes, each emitted once per parse."""

    def __init__(self, snapshot: str | None):
        self.snapshot = snapshot
        self.seen: set = set()  # authority ids and (program id, dataset) pairs already emitted

    def authority(self, dataset: str) -> Iterator[Record]:
        aid = f"authority-{dataset}"
        if aid not in self.seen:
            self.seen.add(aid)
            yield Node(aid, "Authority", {"name": [AUTHORITY_NAMES[dataset]],
                                          "shortName": [AUTHORITY_SHORT_NAMES[dataset]], "publisher": [PUBLISHER],
                                          "country": ["US"], "sourceUrl": [AUTHORITY_URLS[dataset]]},
                       Provenance(dataset, dataset, self.snapshot))

    def program(self, code: str, dataset: str) -> Iterator[Record]:
        pid = program_id(code)
        if (pid, dataset) in self.seen:
            return
        yield from self.authority(dataset)
        self.seen.add((pid, dataset))
        prov = Provenance(dataset, code, self.snapshot)
        yield Node(pid, "Program", {"name": [code], "code": [code], "authority": [AUTHORITY_NAMES[dataset]]}, prov)
        yield Edge("ISSUED_BY", pid, f"authority-{dataset}", {}, prov)

    def entry(self, e: Entry) -> list[Record]:
        """Everything an entry states except its name links: node, addresses, programs.

        A list, not a generator: one more layer of resumption per record, for
        the few records an entry gives, costs more than the list.
        """
        counts = e.report.info.setdefault("entries", {})  # per list: what the quality gate compares
        counts[e.dataset] = counts.get(e.dataset, 0) + 1
        node = e.node(self.snapshot)
        out: list[Record] = [node]
        url = node.props["sourceUrl"][-1]
        prov = node.prov  # e.prov(self.snapshot), without the call
        eid, dataset = node.id, e.dataset
        for a in e.addresses:
            out += (a, Edge.trusted("HAS_ADDRESS", eid, a.id, {}, prov))
        for code, listed in e.programs.items():
            pid = program_id(code)
            if (pid, dataset) not in self.seen:
                out += self.program(code, dataset)
            out.append(self._sanctioned(eid, pid, dataset, listed, prov, url))
        return out

    def sanction(self, uid: str, dataset: str, code: str, listed: str | None) -> Iterator[Record]:
        """The program (once) and the SANCTIONED_UNDER edge of one entry under it."""
        yield from self.program(code, dataset)
        yield self._sanctioned(f"ofac-{uid}", program_id(code), dataset, listed,
                               Provenance(dataset, uid, self.snapshot), DETAIL_URL.format(uid=uid))

    @staticmethod
    def _sanctioned(entry_id: str, program: str, dataset: str, listed: str | None, prov: Provenance, url: str
                    ) -> Edge:
        props = {"authority": [AUTHORITY_NAMES[dataset]], "sourceUrl": [url]}
        if listed:
            props["listingDate"] = [listed]
        return Edge.trusted("SANCTIONED_UNDER", entry_id, program, props, prov)


@functools.cache
def program_id(code: str) -> str:
    return f"program-us-ofac-{slug(code)}"


def split_programs(text: str | None) -> list[str]:
    """``"SDGT] [NPWMD] [IRGC"`` -> three codes (one CSV field holds them all)."""
    if not text:
        return []
    return [code for p in text.split("] [") if (code := p.strip(" []"))]


_LINK_NAME_PROPS = ("name", "alias", "previousName", "weakAlias")


class LinkIndex:
    """Resolves ``Linked To: NAME`` to uids by the names entries carry in the same publication."""

    def __init__(self):
        # uids as tuples of strings: the collector stops tracking them (a list per name of a large list is
        # tens of thousands of objects it would walk on every full pass)
        self.primary: dict[str, tuple[str, ...]] = {}
        self.other: dict[str, tuple[str, ...]] = {}
        self.types: dict[str, tuple[str, str]] = {}  # uid -> (node type, dataset)

    def add(self, e: Entry) -> None:
        uid, props = e.uid, e.props
        self.types[uid] = (e.type, e.dataset)
        target = self.primary
        for prop in _LINK_NAME_PROPS:  # "name" first, into the primary table; the other names after it
            names = props.get(prop)
            if names:  # most entries have a name and at most aliases: no loop for what they lack
                for name in names:
                    key = name.casefold()
                    uids = target.get(key)
                    if uids is None:
                        target[key] = (uid,)
                    elif uid not in uids:
                        target[key] = (*uids, uid)
            target = self.other

    def resolve(self, name: str, uid: str, dataset: str) -> str | None:
        """The uid ``name`` stands for, or None when it names nothing or several things."""
        keys = [name.casefold()]
        keys.append(keys[0][:-1] if keys[0].endswith(".") else keys[0] + ".")  # final "." of the remarks
        for table in (self.primary, self.other):
            for key in keys:
                uids = [u for u in table.get(key, ()) if u != uid]
                if len(uids) > 1:  # same name twice (vessels): prefer the same list, then non-assets
                    uids = [u for u in uids if self.types[u][1] == dataset] or uids
                    uids = [u for u in uids if self.types[u][0] not in _ASSETS] or uids
                if len(uids) == 1:
                    return uids[0]
                if uids:
                    return None
        return None

    def edges(self, entries: list[tuple[str, str, list[tuple[str, str]]]], report: ParseReport,
              snapshot: str | None) -> Iterator[Edge]:
        """LINKED_TO edges for ``(uid, dataset, links)``; unresolved names are warned about by name."""
        for uid, dataset, links in entries:
            for name, relation in links:
                target = self.resolve(name, uid, dataset)
                if target is None:
                    report.warn("Linked To name not resolved", uid=uid, name=name)
                    report.info["links_unresolved"] = report.info.get("links_unresolved", 0) + 1
                    continue
                yield from link_edge(uid, target, relation, self.types, dataset, report, snapshot)


_LINKABLE = frozenset(schema().rel("LINKED_TO").between)


def link_edge(start: str, end: str, relation: str, types: dict[str, tuple[str, str]], dataset: str,
              report: ParseReport, snapshot: str | None) -> Iterator[Edge]:
    """One LINKED_TO edge, when the schema allows it between the two entries' types."""
    a, b = types[start][0], types[end][0]
    if start == end:
        report.warn("an entry linked to itself; no edge", uid=start)
        return
    if (a, b) not in _LINKABLE:
        report.warn("link between types the schema does not join", start=start, end=end, types=f"{a}->{b}")
        report.info["links_not_allowed"] = report.info.get("links_not_allowed", 0) + 1
        return
    yield Edge.trusted("LINKED_TO", f"ofac-{start}", f"ofac-{end}", {"relation": [relation]},
                       Provenance.trusted(dataset, start, snapshot))
