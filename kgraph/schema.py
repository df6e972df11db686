"""The schema as data: node and relationship types read from ``schema.yaml``.

Everything that needs a label, a property list or an allowed endpoint pair
asks this module, so the YAML file stays the single definition.

Examples
--------
>>> from kgraph.schema import schema
>>> schema().node("Airplane").properties["serialNumber"].type
'strings'
>>> ("Airplane", "Program") in schema().rel("SANCTIONED_UNDER").between
True
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources

__all__ = ["Property", "NodeType", "RelType", "Schema", "schema", "NODE_COLUMNS", "REL_COLUMNS"]

PROPERTY_TYPES = {"string", "strings", "date", "number", "bool", "json"}

#: Columns every node carries in the stores, beside its schema properties.
NODE_COLUMNS = {
    "id": "string",
    "type": "string",
    "caption": "string",
    "names": "strings",
    "sanctioned": "bool",
    "sources": "json",
}
#: Columns every relationship carries in the stores, beside its properties: its first assertion's
#: source, record and snapshot, and ``sources`` (every assertion) when it has more than one.
REL_COLUMNS = {"source": "string", "record": "string", "snapshot": "string", "sources": "json"}


#: SANCTIONED_UNDER statuses that do not make a node "sanctioned": a listing no longer in force, or
#: ("watchlist") one that never had legal effect, such as the GUR War & Sanctions portal's
INACTIVE_STATUSES = frozenset({"expired", "excluded", "delisted", "removed", "revoked", "lifted", "inactive",
                               "watchlist"})

@dataclass(frozen=True)
class Property:
    name: str
    type: str
    label: str
    identifier: bool = False


@dataclass(frozen=True)
class NodeType:
    name: str
    label: str
    plural: str
    description: str
    ftm: str | None
    matchable: bool
    caption: tuple[str, ...]
    properties: dict[str, Property] = field(default_factory=dict)
    #: Templates of the one-line summary lookups show ("MSN {serialNumber}"); an item whose property is empty is left out.
    summary: tuple[str, ...] = ()

    @property
    def identifiers(self) -> list[str]:
        """Names of the properties that are identifiers (keys for resolution and lookup)."""
        return [p.name for p in self.properties.values() if p.identifier]


@dataclass(frozen=True)
class RelType:
    name: str
    label: str
    description: str
    ftm: str | None
    between: tuple[tuple[str, str], ...]
    properties: dict[str, Property] = field(default_factory=dict)

    @property
    def from_types(self) -> list[str]:
        return sorted({a for a, _ in self.between})

    @property
    def to_types(self) -> list[str]:
        return sorted({b for _, b in self.between})


@dataclass(frozen=True)
class Schema:
    version: int
    nodes: dict[str, NodeType]
    rels: dict[str, RelType]

    def node(self, name: str) -> NodeType:
        try:
            return self.nodes[name]
        except KeyError:
            raise KeyError(f"unknown node type {name!r}; the schema has {', '.join(self.nodes)}") from None

    def rel(self, name: str) -> RelType:
        try:
            return self.rels[name]
        except KeyError:
            raise KeyError(f"unknown relationship type {name!r}; the schema has {', '.join(self.rels)}") from None

    def allows(self, rel: str, from_type: str, to_type: str) -> bool:
        return (from_type, to_type) in self.rel(rel).between


def _props(raw: dict | None, where: str) -> dict[str, Property]:
    out = {}
    for name, spec in (raw or {}).items():
        if spec["type"] not in PROPERTY_TYPES:
            raise ValueError(f"schema.yaml: {where}.{name}: unknown property type {spec['type']!r}")
        out[name] = Property(name, spec["type"], spec.get("label", name), bool(spec.get("identifier", False)))
    return out


def load(text: str) -> Schema:
    """Parse schema YAML text into a :class:`Schema` (checked for consistency)."""
    import yaml

    # libyaml's loader where PyYAML has it (its wheels do): the same data in 5 ms, where the Python loader took
    # 46 ms, and 150 ms in a new process, of every command that reads the schema (kgraph show, query...)
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    nodes = {}
    for name, spec in raw["nodes"].items():
        props = _props(spec.get("properties"), name)
        clash = set(props) & set(NODE_COLUMNS)
        if clash:
            raise ValueError(f"schema.yaml: {name} redefines built-in column(s) {sorted(clash)}")
        nodes[name] = NodeType(
            name=name,
            label=spec.get("label", name),
            plural=spec.get("plural", name + "s"),
            description=" ".join(str(spec.get("description", "")).split()),
            ftm=spec.get("ftm"),
            matchable=bool(spec.get("matchable", False)),
            caption=tuple(spec.get("caption", ["name"])),
            properties=props,
            summary=tuple(spec.get("summary", ())),
        )
        for item in nodes[name].summary:
            unknown = set(re.findall(r"{(\w+)}", item)) - set(props)
            if unknown:
                raise ValueError(f"schema.yaml: {name}.summary names unknown propert(ies) {sorted(unknown)}")
    rels = {}
    for name, spec in raw["relationships"].items():
        between = tuple(tuple(pair) for pair in spec["between"])
        for a, b in between:
            if a not in nodes or b not in nodes:
                raise ValueError(f"schema.yaml: {name} joins unknown node type(s) {a}, {b}")
        rels[name] = RelType(
            name=name,
            label=spec.get("label", name.lower().replace("_", " ")),
            description=" ".join(str(spec.get("description", "")).split()),
            ftm=spec.get("ftm"),
            between=between,
            properties=_props(spec.get("properties"), name),
        )
    return Schema(version=int(raw.get("version", 1)), nodes=nodes, rels=rels)


@functools.cache
def schema() -> Schema:
    """The packaged schema, parsed once per process."""
    return load(resources.files("kgraph").joinpath("schema.yaml").read_text(encoding="utf-8"))
