"""Records: what ingesters yield, what the parsed-record store holds, what the graph is built from.

An ingester's ``parse(path)`` yields :class:`Node` and :class:`Edge` records.
Both carry their :class:`Provenance`: the source (``us_ofac_sdn``), the record
id inside that source (``40185``) and the snapshot date it came from. Property
values are always lists of strings, as in FollowTheMoney, so that merging
records from several sources is a list union; the schema says how each
property is stored in the graph.

Edges name their ends by node id (``ofac-40181``) or by a canonical identifier
key (``icao24-1533ad``, ``tail-RA78765``, ``airport-MUSA``); the graph builder
resolves keys to the node that holds the identifier (see :mod:`kgraph.ids`).

Examples
--------
>>> n = Node("ofac-40185", "Airplane", {"registrationNumber": ["RA-78765"]},
...          Provenance("us_ofac_sdn", "40185", "2024-05-03"))
>>> n.add("serialNumber", "83486590")
>>> n.first("serialNumber")
'83486590'
>>> Node.from_json(n.to_json()) == n
True
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

__all__ = ["Provenance", "Node", "Edge", "Record", "ParseReport", "record_from_json", "validate", "dumps", "clean_values",
           "SharedValues"]

log = logging.getLogger("kgraph")


@dataclass(slots=True, frozen=True)
class Provenance:
    """Where one record came from: source name, record id in that source, snapshot date."""

    source: str
    record: str
    snapshot: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"source": self.source, "record": self.record, "snapshot": self.snapshot}

    @classmethod
    def trusted(cls, source: str, record: str, snapshot: str | None = None) -> "Provenance":
        """Construct as ``Provenance(...)`` does, at half the cost.

        The frozen dataclass's ``__init__`` sets each field with ``object.__setattr__``;
        the slots' own setters are cheaper, and a large list makes one per entry.
        """
        prov = object.__new__(cls)
        _set_source(prov, source)
        _set_record(prov, record)
        _set_snapshot(prov, snapshot)
        return prov


_set_source, _set_record, _set_snapshot = (Provenance.source.__set__, Provenance.record.__set__,
                                           Provenance.snapshot.__set__)


class SharedValues(list):
    """One property value list held by many loaded records at once: read-only.

    A full-size build loads ~18M single-value lists holding only ~3M
    distinct values (a leg's airport codes and dates, an airframe's model and
    country); one list object per short value instead of one per record takes
    ~0.9 GB off the loaded records (:func:`kgraph.records.read_snapshot`).
    A change made in place would reach every record sharing the list, so the
    in-place methods raise; :meth:`Node.add` replaces the list instead.

    >>> v = SharedValues(["RU"])
    >>> v == ["RU"], v + ["BY"]
    (True, ['RU', 'BY'])
    >>> v.append("BY")
    Traceback (most recent call last):
    TypeError: shared property values are read-only: change a copy (list(values))
    """

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("shared property values are read-only: change a copy (list(values))")

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only

    def __reduce__(self) -> tuple:  # pickled and copied as a plain list: a copy is not shared
        return list, (list(self),)


def clean_values(values: Iterable[Any]) -> list[str]:
    """Values as a record keeps them: strings, stripped, without None, blanks and repeats.

    >>> clean_values([" RA-78765 ", None, "", "RA-78765", 42])
    ['RA-78765', '42']
    """
    out: list[str] = []
    for v in values:
        if v is None:
            continue
        s = str(v).strip()
        if s and s not in out:
            out.append(s)
    return out


class _Props:
    """Property access shared by :class:`Node` and :class:`Edge`."""

    __slots__ = ()

    def add(self, prop: str, *values: Any) -> None:
        """Add values to a property, skipping None, blanks and duplicates."""
        vals = self.props.get(prop)
        if vals is None or vals.__class__ is SharedValues:
            vals = self.props[prop] = list(vals or ())
        for v in clean_values(values):
            if v not in vals:
                vals.append(v)
        if not vals:
            del self.props[prop]

    def get(self, prop: str) -> list[str]:
        return self.props.get(prop, [])

    def first(self, prop: str) -> str | None:
        vals = self.props.get(prop)
        return vals[0] if vals else None

    def _clean_props(self) -> None:
        cleaned = {}
        for k, v in (self.props or {}).items():
            if type(v) is list and len(v) < 2:
                # most properties hold one string or none: what clean_values does, without its call and loop
                # (a million flight records of 14 properties each spent a fifth of their ingest in it)
                if not v:
                    continue
                s = v[0]
                if type(s) is str:
                    s = s.strip()
                    if s:
                        cleaned[k] = [s]
                    continue
            vals = clean_values(v if isinstance(v, (list, tuple, set)) else [v])
            if vals:
                cleaned[k] = vals
        self.props = cleaned


@dataclass(slots=True)
class Node(_Props):
    """One entity as one source states it."""

    id: str
    type: str
    props: dict[str, list[str]]
    prov: Provenance

    def __post_init__(self) -> None:
        self._clean_props()

    @classmethod
    def trusted(cls, id: str, type: str, props: dict[str, list[str]], prov: Provenance) -> "Node":
        """Construct from properties that are already clean (stripped, non-empty, de-duplicated lists).

        Skips the per-value cleaning, which is a third of a large CSV's parse
        time; for ingesters that build their props in that form. The fields are
        set one by one, not in a loop over ``__slots__``: six times faster, and
        a CSV parse makes 100,000 records.
        """
        rec = object.__new__(cls)
        rec.id, rec.type, rec.props, rec.prov = id, type, props, prov
        return rec

    def to_json(self) -> dict[str, Any]:
        return {"kind": "node", "id": self.id, "type": self.type, "props": self.props, **self.prov.to_dict()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Node":
        return cls(d["id"], d["type"], d.get("props") or {}, Provenance(d["source"], d["record"], d.get("snapshot")))


@dataclass(slots=True)
class Edge(_Props):
    """One relationship as one source states it. ``start``/``end`` are node ids or identifier keys."""

    type: str
    start: str
    end: str
    props: dict[str, list[str]]
    prov: Provenance

    def __post_init__(self) -> None:
        self._clean_props()

    @classmethod
    def trusted(cls, type: str, start: str, end: str, props: dict[str, list[str]], prov: Provenance) -> "Edge":
        """Construct from clean properties, as :meth:`Node.trusted`."""
        rec = object.__new__(cls)
        rec.type, rec.start, rec.end, rec.props, rec.prov = type, start, end, props, prov
        return rec

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "edge",
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "props": self.props,
            **self.prov.to_dict(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Edge":
        return cls(
            d["type"], d["start"], d["end"], d.get("props") or {}, Provenance(d["source"], d["record"], d.get("snapshot"))
        )


Record = Node | Edge


def record_from_json(d: dict[str, Any]) -> Record:
    kind = d.get("kind")
    if kind == "node":
        return Node.from_json(d)
    if kind == "edge":
        return Edge.from_json(d)
    raise ValueError(f"not a kgraph record: kind={kind!r}")


def validate(rec: Record) -> list[str]:
    """Problems of a record against the schema (unknown type or property); empty when valid.

    >>> validate(Node("x", "Airplane", {"tailNumber": ["RA-1"]}, Provenance("t", "1")))
    ["Airplane has no property 'tailNumber'"]
    """
    from .schema import schema

    s = schema()
    if isinstance(rec, Node):
        if rec.type not in s.nodes:
            return [f"unknown node type {rec.type!r}"]
        known = s.nodes[rec.type].properties
        return [f"{rec.type} has no property {p!r}" for p in rec.props if p not in known]
    if rec.type not in s.rels:
        return [f"unknown relationship type {rec.type!r}"]
    known = s.rels[rec.type].properties
    return [f"{rec.type} has no property {p!r}" for p in rec.props if p not in known]


class ParseReport:
    """What one parse of one file did: the record-loss audit and the warnings.

    ``read`` counts source records (rows, XML entries, API subjects) seen;
    every one ends up ``kept`` or ``rejected`` (with a warning saying why),
    so ``read == kept + rejected`` always holds. Fields the parser does not
    know are counted in ``unknown_fields`` and warned about once each.

    An ingester whose files feed several datasets (OFAC's SDN and consolidated
    lists) sets ``report.dataset`` when it moves from one to the other; the
    counts then also add up per dataset (:meth:`by_dataset`), while
    ``report.read += 1`` keeps working unchanged.

    >>> r = ParseReport("us_ofac_sdn")
    >>> r.read += 2; r.kept += 2
    >>> r.dataset = "us_ofac_cons"
    >>> r.read += 1; r.reject("no name")
    >>> (r.read, r.kept, r.rejected), r.by_dataset()["us_ofac_cons"]
    ((3, 2, 1), {'read': 1, 'kept': 0, 'rejected': 1})
    """

    def __init__(self, source: str, path: str | None = None, *, max_warnings: int = 200):
        self.source = source
        self.path = path
        self._counts: dict[str, list[int]] = {}
        self._totals = [0, 0, 0]
        self.dataset = None
        self.nodes: Counter = Counter()
        self.edges: Counter = Counter()
        self.unknown_fields: Counter = Counter()
        self.warnings: list[str] = []
        self.info: dict[str, Any] = {}
        self.max_warnings = max_warnings

    @property
    def dataset(self) -> str | None:
        """The dataset the counts go to from now on (``None``: the source's own name)."""
        return self._dataset

    @dataset.setter
    def dataset(self, name: str | None) -> None:
        self._dataset = name
        # the bucket is looked up once per dataset, not per count: a large CSV counts every row
        self._bucket = self._counts.setdefault(name or self.source, [0, 0, 0])

    def _total(self, i: int) -> int:
        return self._totals[i]

    def _add(self, i: int, value: int) -> None:
        self._bucket[i] += value - self._totals[i]
        self._totals[i] = value

    read = property(lambda self: self._total(0), lambda self, v: self._add(0, v))
    kept = property(lambda self: self._total(1), lambda self, v: self._add(1, v))
    rejected = property(lambda self: self._total(2), lambda self, v: self._add(2, v))

    def by_dataset(self) -> dict[str, dict[str, int]]:
        """read / kept / rejected per dataset (the source name when no dataset was set)."""
        return {k: {"read": c[0], "kept": c[1], "rejected": c[2]} for k, c in self._counts.items() if any(c)}

    def warn(self, message: str, **context: Any) -> None:
        text = message + ("".join(f" {k}={v!r}" for k, v in context.items()) if context else "")
        if len(self.warnings) < self.max_warnings:
            self.warnings.append(text)
        elif len(self.warnings) == self.max_warnings:
            self.warnings.append("... further warnings not kept")
        log.warning("%s: %s", self.source, text)

    def reject(self, message: str, **context: Any) -> None:
        """Count one source record as rejected, with the reason."""
        self.rejected += 1
        self.warn("rejected: " + message, **context)

    def unknown(self, field_name: str, **context: Any) -> None:
        """Count a field the parser does not map; warn the first time it is seen."""
        if field_name not in self.unknown_fields:
            self.warn("unknown field", field=field_name, **context)
        self.unknown_fields[field_name] += 1

    def count(self, records: Iterable[Record]) -> Iterator[Record]:
        """Pass records through, counting them by type (``nodes``/``edges`` are updated when they end)."""
        # plain dicts, added to the Counters once: a Counter's += costs twice the rest of this loop per record
        nodes: dict[str, int] = {}
        edges: dict[str, int] = {}
        try:
            for rec in records:
                t = rec.type
                if isinstance(rec, Node):
                    nodes[t] = nodes.get(t, 0) + 1
                else:
                    edges[t] = edges.get(t, 0) + 1
                yield rec
        finally:
            self.nodes.update(nodes)
            self.edges.update(edges)

    @property
    def balanced(self) -> bool:
        return self.read == self.kept + self.rejected

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "path": self.path,
            "read": self.read,
            "kept": self.kept,
            "rejected": self.rejected,
            "by_dataset": self.by_dataset(),
            "nodes": dict(self.nodes),
            "edges": dict(self.edges),
            "unknown_fields": dict(self.unknown_fields),
            "warnings": self.warnings,
            "info": self.info,
        }


def dumps(rec: Record) -> str:
    return json.dumps(rec.to_json(), ensure_ascii=False, separators=(",", ":"))
