"""Typed row tables: the built graph as one table per node type and per relationship (type, from, to).

This is the interchange format between the builder and everything that
stores or exports the graph: the LadybugDB ``COPY`` loader, the Neo4j loader,
the neo4j-admin CSV set and the file exports all read :class:`GraphTables`.
Columns come from the schema (:mod:`kgraph.schema`): the built-in
``NODE_COLUMNS`` / ``REL_COLUMNS`` first, then the type's properties in
schema order. Values are typed once, here, so both backends hold the same
thing:

===========  ===========================  ==============================
schema type  Python value in a row        store column
===========  ===========================  ==============================
strings      ``list[str]`` (never empty)  ``STRING[]`` / Neo4j list
string       ``str``                      ``STRING``
date         ``str`` (ISO, maybe partial) ``STRING`` (string comparison)
json         ``str`` (JSON text)          ``STRING``
number       ``float``                    ``DOUBLE``
bool         ``bool``                     ``BOOLEAN``
===========  ===========================  ==============================

Provenance: a node's ``sources`` lists every record merged into it. A
relationship has its first assertion in ``source``, ``record`` and
``snapshot``, and ``sources`` lists every assertion only when there are
several: one asserted once leaves it ``None`` (``sources`` is long text,
and repeating the three short columns in it on millions of flight edges
took half of their bulk load). :func:`rel_assertions` reads either form.

A missing value is ``None`` (an empty list is stored as ``None`` too, so
that "no value" has one spelling on both backends). Text is cleaned by
:func:`clean_text`: control characters other than tab and newline are
dropped and CR/CRLF become LF (the CSV loaders reserve control characters
as delimiters; no source has meaningful ones).

Example
-------
>>> t = GraphTables.empty()
>>> t.add_node("Country", {"id": "country-CU", "name": ["Cuba"], "code": "CU", "caption": "Cuba"})
>>> t.nodes["Country"].rows[0][:3]
['country-CU', 'Country', 'Cuba']
>>> t.counts()["nodes"]["Country"]
1
"""
from __future__ import annotations

import contextlib
import functools
import gc
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..schema import NODE_COLUMNS, REL_COLUMNS, schema

__all__ = [
    "Column",
    "NodeTable",
    "RelTable",
    "GraphTables",
    "node_columns",
    "rel_columns",
    "clean_text",
    "coerce",
    "tables_from_store",
    "no_gc",
    "release_free_memory",
    "RowReaders",
    "rel_assertions",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name and schema kind (string, strings, date, number, bool, json)."""

    name: str
    kind: str


def node_columns(node_type: str) -> list[Column]:
    """Columns of a node table: ``id, type, caption, names, sanctioned, sources`` then the schema properties."""
    props = schema().node(node_type).properties
    return [Column(n, k) for n, k in NODE_COLUMNS.items()] + [Column(p.name, p.type) for p in props.values()]


def rel_columns(rel_type: str) -> list[Column]:
    """Property columns of a relationship table (the two ends are not columns)."""
    props = schema().rel(rel_type).properties
    return [Column(n, k) for n, k in REL_COLUMNS.items()] + [Column(p.name, p.type) for p in props.values()]


def clean_text(value: str) -> str:
    """Text as the stores hold it: no control characters but tab and newline; LF line ends.

    >>> clean_text("a\\r\\nb\\x00c\\x1f")
    'a\\nbc'
    """
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def coerce(kind: str, values: Any) -> Any:
    """One stored value from a property's list of strings (or an already typed value).

    ``strings`` keep every value; ``string``/``date``/``json`` take the first;
    ``number`` the first that parses as a float; ``bool`` the first that
    reads as one. Returns ``None`` when nothing usable is left.

    >>> coerce("strings", ["a", "", "b"]), coerce("number", ["n/a", "2.5"]), coerce("bool", ["yes"])
    (['a', 'b'], 2.5, True)
    """
    if values is None:
        return None
    if kind == "strings":
        if isinstance(values, str):
            values = [values]
        out = [clean_text(str(v)) for v in values if v is not None and str(v) != ""]
        return out or None
    if isinstance(values, (list, tuple)):
        seq = values
    else:
        seq = (values,)
    if kind == "number":
        for v in seq:
            if isinstance(v, bool):
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                continue
            if f == f and f not in (float("inf"), float("-inf")):
                return f
        return None
    if kind == "bool":
        for v in seq:
            if isinstance(v, bool):
                return v
            s = str(v).strip().lower()
            if s in _TRUE:
                return True
            if s in _FALSE:
                return False
        return None
    for v in seq:
        if v is not None and str(v) != "":
            return clean_text(str(v))
    return None


def rel_assertions(sources: Any, source: str | None = None, record: str | None = None,
                   snapshot: str | None = None) -> list[dict[str, Any]]:
    """Every assertion of a relationship: its ``sources`` (JSON text or list), else its one source/record/snapshot.

    >>> rel_assertions(None, "flightlog", "dn-1", "2026-02-02")
    [{'source': 'flightlog', 'record': 'dn-1', 'snapshot': '2026-02-02'}]
    >>> rel_assertions('[{"source":"us_ofac_sdn","record":"40185","snapshot":null},'
    ...                '{"source":"ua_nsdc","record":"9","snapshot":null}]', "us_ofac_sdn", "40185")[1]["source"]
    'ua_nsdc'
    """
    if isinstance(sources, str):
        try:
            sources = json.loads(sources)
        except ValueError:
            sources = None
    if sources:
        return [{"source": x.get("source"), "record": x.get("record"), "snapshot": x.get("snapshot")}
                for x in sources if isinstance(x, dict)]
    return [{"source": source, "record": record, "snapshot": snapshot}] if source else []


@dataclass
class NodeTable:
    """Rows of one node type, each a list of values in :attr:`columns` order."""

    type: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def records(self) -> Iterator[dict[str, Any]]:
        """Rows as dicts of their non-null values."""
        names = self.names
        for row in self.rows:
            yield {n: v for n, v in zip(names, row) if v is not None}


@dataclass
class RelTable:
    """Rows of one relationship type between one (from, to) pair of node types.

    Each row is ``[start id, end id, *values in columns order]``.
    """

    type: str
    start_type: str
    end_type: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.type, self.start_type, self.end_type)

    def records(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(start, end, {non-null values})`` per row."""
        names = self.names
        for row in self.rows:
            yield row[0], row[1], {n: v for n, v in zip(names, row[2:]) if v is not None}


@dataclass
class GraphTables:
    """The whole graph as typed tables, plus the build audit.

    ``nodes`` holds one :class:`NodeTable` per schema node type (empty ones
    included, so every store gets every table); ``rels`` one
    :class:`RelTable` per (type, from type, to type) that has rows.
    """

    nodes: dict[str, NodeTable]
    rels: dict[tuple[str, str, str], RelTable] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> "GraphTables":
        return cls({name: NodeTable(name, node_columns(name)) for name in schema().nodes})

    # -- building ------------------------------------------------------------
    def add_node(self, node_type: str, values: dict[str, Any]) -> None:
        """Append one node from a dict of column -> value (coerced by column kind)."""
        table = self.nodes[node_type]
        values = dict(values, type=node_type)
        table.rows.append([coerce(c.kind, values.get(c.name)) for c in table.columns])

    def rel_table(self, rel_type: str, start_type: str, end_type: str) -> RelTable:
        key = (rel_type, start_type, end_type)
        table = self.rels.get(key)
        if table is None:
            if not schema().allows(rel_type, start_type, end_type):
                raise ValueError(f"{rel_type} does not join {start_type} to {end_type} in the schema")
            table = self.rels[key] = RelTable(rel_type, start_type, end_type, rel_columns(rel_type))
        return table

    def add_rel(self, rel_type: str, start_type: str, end_type: str, start: str, end: str,
                values: dict[str, Any]) -> None:
        """Append one relationship from a dict of column -> value (coerced by column kind)."""
        table = self.rel_table(rel_type, start_type, end_type)
        table.rows.append([start, end, *(coerce(c.kind, values.get(c.name)) for c in table.columns)])

    # -- reading -------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {type: n}, "edges": {type: n}}`` (types with no rows left out of ``edges``)."""
        edges: dict[str, int] = {}
        for t in self.rels.values():
            edges[t.type] = edges.get(t.type, 0) + len(t.rows)
        return {"nodes": {name: len(t.rows) for name, t in self.nodes.items()}, "edges": edges}

    @property
    def node_count(self) -> int:
        return sum(len(t.rows) for t in self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(len(t.rows) for t in self.rels.values())

    def node_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(type, {column: value})`` for every node, non-null values only."""
        for name, table in self.nodes.items():
            for rec in table.records():
                yield name, rec

    def rel_records(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``(type, start, end, {column: value})`` for every relationship, non-null values only."""
        for table in self.rels.values():
            for start, end, rec in table.records():
                yield table.type, start, end, rec

    def node_types(self) -> dict[str, str]:
        """node id -> node type."""
        return {row[0]: name for name, t in self.nodes.items() for row in t.rows}

    def subset(self, ids: Iterable[str]) -> "GraphTables":
        """The tables restricted to ``ids`` and the relationships between them."""
        keep = set(ids)
        out = GraphTables.empty()
        out.audit = {"subset_of": self.node_count, "nodes_kept": 0}
        for name, table in self.nodes.items():
            out.nodes[name].rows = [r for r in table.rows if r[0] in keep]
        for key, table in self.rels.items():
            rows = [r for r in table.rows if r[0] in keep and r[1] in keep]
            if rows:
                out.rels[key] = RelTable(table.type, table.start_type, table.end_type, table.columns, rows)
        out.audit["nodes_kept"] = out.node_count
        return out


@contextlib.contextmanager
def no_gc(freeze: bool = True):
    """Pause the cyclic garbage collector while millions of long-lived containers are allocated.

    The builder creates no reference cycles that outlive it, but the
    collector, triggered every few hundred new lists, walks every live object
    (the input records included) again and again: at full size that doubled
    the build time, and re-enabling it afterwards cost seconds more while it
    swept the new objects through its generations. On the way out the objects
    alive at that point are frozen (:func:`gc.freeze`): the collector then
    ignores them; reference counting still frees each one when it is no
    longer used.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


class RowReaders:
    """Frees each table's rows once every reader of a build has said it is done with them.

    A build's tables are read by several writers (the store, the lookup
    index, the facts), partly at the same time on two threads. Each says
    :meth:`done` per table as it finishes; the last one empties the table.
    At full size the rows are most of the build's memory, and the store's
    engine grows while it loads: freeing a table as soon as nobody needs it
    leaves room for that growth.

    >>> t = GraphTables.empty()
    >>> t.add_node("Country", {"id": "country-CU", "name": ["Cuba"], "code": "CU"})
    >>> readers = RowReaders(t, ("store", "index"))
    >>> readers.done("store", t.nodes["Country"]); len(t.nodes["Country"].rows)
    1
    >>> readers.done("index", t.nodes["Country"]); len(t.nodes["Country"].rows)
    0

    ``readers`` may say which tables each one reads, by a test of the
    table's key (a node type, or (type, from type, to type)); None means
    every table. A table no reader but the store reads goes as soon as the
    store is done with it, and a reader's ``done`` passes over the tables it
    does not read:

    >>> t.add_node("Country", {"id": "country-RU", "name": ["Russia"], "code": "RU"})
    >>> readers = RowReaders(t, {"store": None, "facts": lambda key: key != "Country"})
    >>> readers.done("facts", *t.nodes.values()); len(t.nodes["Country"].rows)
    1
    >>> readers.done("store", t.nodes["Country"]); len(t.nodes["Country"].rows)
    0
    """

    def __init__(self, tables: "GraphTables",
                 readers: Iterable[str] | Mapping[str, Callable[[str | tuple[str, str, str]], bool] | None]):
        reads = readers if isinstance(readers, Mapping) else dict.fromkeys(readers)
        self._waiting: dict[int, set[str]] = {}
        self._reads: dict[str, set[int]] = {name: set() for name in reads}
        for t in (*tables.nodes.values(), *tables.rels.values()):
            key = t.key if isinstance(t, RelTable) else t.type
            self._waiting[id(t)] = {name for name, test in reads.items() if test is None or test(key)}
            for name in self._waiting[id(t)]:
                self._reads[name].add(id(t))
        self._lock = threading.Lock()

    def done(self, reader: str, *tables: "NodeTable | RelTable") -> None:
        """``reader`` has finished with ``tables``: free those every reader has finished with."""
        freed = False
        with self._lock:
            for t in tables:
                if reader in self._reads and id(t) not in self._reads[reader]:
                    continue  # a table this reader was never to read
                waiting = self._waiting[id(t)]
                # a reader saying done twice, or one never declared, would free rows another still reads
                if reader not in waiting:
                    raise RuntimeError(f"{reader} is not reading {getattr(t, 'key', None) or t.type} (any more)")
                waiting.discard(reader)
                if not waiting and t.rows:
                    t.rows = []
                    freed = True
        if freed:
            # a freed table's rows go to Python's arenas and (their larger lists) to the C heap, which
            # keeps them from the store's engine and the index's SQLite, on other threads
            release_free_memory()


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Memory a thread frees stays in its heap: the system sees it as used,
    and other threads, which allocate from their own heaps, cannot reuse it.
    Nor can Python's small objects, which come from their own arenas: a
    loop that frees large dicts while it makes small rows grows by all it
    freed unless it calls this now and then (a few ms a call).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


def tables_from_store(store, ids: Iterable[str] | None = None) -> GraphTables:
    """Read a built store back into :class:`GraphTables` (for exports and the Neo4j loader).

    ``ids`` restricts the result to those nodes and the relationships among them.
    """
    with no_gc():
        return _read_tables(store, ids)


def _read_tables(store, ids: Iterable[str] | None) -> GraphTables:
    out = GraphTables.empty()
    wanted = None if ids is None else sorted(set(ids))
    params = {} if wanted is None else {"ids": wanted}
    for name, table in out.nodes.items():
        cols = ", ".join(f"n.{c.name}" for c in table.columns)
        where = "" if wanted is None else " WHERE n.id IN $ids"
        _, rows = store.query(f"MATCH (n:{name}){where} RETURN {cols} ORDER BY n.id", params, raw=True)
        table.rows = rows
    for rel_name, rel in store.schema.rels.items():
        for a, b in rel.between:
            cols = ", ".join(f"r.{c.name}" for c in rel_columns(rel_name))
            where = "" if wanted is None else " WHERE x.id IN $ids AND y.id IN $ids"
            _, rows = store.query(
                f"MATCH (x:{a})-[r:{rel_name}]->(y:{b}){where} RETURN x.id, y.id, {cols} ORDER BY x.id, y.id", params,
                raw=True)
            if rows:
                out.rels[(rel_name, a, b)] = RelTable(rel_name, a, b, rel_columns(rel_name), rows)
    try:
        out.audit = store.build_info().get("audit", {})
    except Exception:  # noqa: BLE001 - a store without build.json still exports
        out.audit = {}
    return out
