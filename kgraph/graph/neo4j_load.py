"""Load the built graph into a Neo4j server (``kgraph neo4j load``).

Loading (:func:`load_neo4j`, :func:`load_tables`):

1. one uniqueness constraint on ``id`` per node label (the same statements as
   the Cypher export, :func:`kgraph.graph.export_neo4j.constraints`), so
   every ``MERGE`` below is an index seek, not a label scan;
2. with ``wipe``, kgraph's nodes are deleted in batches: nodes carrying one
   of the schema's labels *and* the matching ``type`` property; other labels,
   and their relationships among themselves, are never touched;
3. nodes, one label at a time, then relationships, one (type, start label,
   end label) at a time, in batches of ``batch_size`` rows; each row is the
   table's row as a plain list, and the statement names the columns by
   position (a map per row would repeat every property name in every row,
   most of the bytes the server decodes)::

       UNWIND $rows AS row MERGE (n:Country {id: row[0]}) SET n.type = row[1], ...

   each batch in a managed transaction (``session.execute_write``) that the
   driver retries on transient errors. Relationships are merged on (start,
   type, end): the build keeps one relationship per (type, start, end), so a
   second load changes no count. On a reload every column is set, nulls
   included, so a value the new build no longer has is cleared (``SET
   n.a = null`` removes the property) while properties someone else added
   to kgraph's nodes survive. A label (relationship type) with nothing in
   the database yet is written with ``CREATE (n:Country {id: row[0], ...})``
   instead, where a null sets nothing: there is nothing to match or clear,
   and a fresh load costs the server less (a load interrupted and rerun
   finds the label filled and merges).

Example
-------
>>> node_statement("Country", create=True)[:72]
'UNWIND $rows AS row CREATE (n:Country {id: row[0], type: row[1], caption'
"""
from __future__ import annotations

import re
import time
from typing import Any, Callable, Iterator

from ..errors import KgraphError, Neo4jError
from ..schema import schema
from .neo4j import (Neo4jGraph, _checked, _connection_lost, _driver_errors, _one_line, connect, log, redact_uri,
                    settings, translate)
from .tables import GraphTables, node_columns, rel_columns

__all__ = ["load_neo4j", "load_tables", "node_statement", "rel_statement", "wipe_statement", "DEFAULT_BATCH_SIZE"]

DEFAULT_BATCH_SIZE = 5000
DEFAULT_WORKERS = 2


# -- statements ---------------------------------------------------------------------------------
_PROPERTY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _names(columns) -> list[str]:
    """Column names for a query text: schema names, checked like labels (never data)."""
    names = [c.name for c in columns]
    for name in names:
        if not _PROPERTY.match(name):
            raise KgraphError(f"{name!r} is not a property name of the kgraph schema")
    return names


def _assign(var: str, names: list[str], first: int, create: bool) -> str:
    """``{a: row[first], ...}`` (CREATE) or `` SET n.a = row[first], ...`` (MERGE): column i is ``row[i]``.

    A null sets nothing in a CREATE map and removes the property in a SET, as ``SET n += map`` with
    nulls did: a missing value is never stored, and a reload clears a value the build no longer has.
    """
    if create:
        return ", ".join(f"{name}: row[{i}]" for i, name in enumerate(names, first))
    return " SET " + ", ".join(f"{var}.{name} = row[{i}]" for i, name in enumerate(names, first)) if names else ""


def node_statement(label: str, *, create: bool = False) -> str:
    """The statement for one batch of nodes of ``label``: MERGE on id, or CREATE into an empty label.

    Each row is the table's row as a list (``id`` first, then the columns in schema order): a
    list packs and unpacks for a fraction of a map that repeats every property name in every row.
    """
    label = _checked(label, schema().nodes)
    names = _names(node_columns(label))
    assert names[0] == "id", names  # NODE_COLUMNS starts with the key
    if create:
        return f"UNWIND $rows AS row CREATE (n:{label} {{{_assign('n', names, 0, True)}}})"
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row[0]}}){_assign('n', names[1:], 1, False)}"


def rel_statement(rel_type: str, start_label: str, end_label: str, *, create: bool = False) -> str:
    """The statement for one batch of relationships of one (type, start label, end label).

    Rows are ``[start id, end id, *values]`` as in :class:`RelTable`. MERGE on (start, type, end);
    CREATE when the database holds no relationship of this type yet. Returns how many rows found
    both ends.
    """
    s = schema()
    rel_type = _checked(rel_type, s.rels)
    a, b = _checked(start_label, s.nodes), _checked(end_label, s.nodes)
    names = _names(rel_columns(rel_type))
    match = f"UNWIND $rows AS row MATCH (a:{a} {{id: row[0]}}) MATCH (b:{b} {{id: row[1]}}) "
    if create:
        props = f" {{{_assign('r', names, 2, True)}}}" if names else ""
        return f"{match}CREATE (a)-[r:{rel_type}{props}]->(b) RETURN count(r) AS merged"
    return f"{match}MERGE (a)-[r:{rel_type}]->(b){_assign('r', names, 2, False)} RETURN count(r) AS merged"


def _empty(graph: "Neo4jGraph") -> tuple[set[str], set[str]]:
    """Labels and relationship types of the schema with nothing in the database (count store: no scan)."""
    s = schema()
    counts = graph.counts()
    return ({n for n, c in counts["nodes"].items() if not c}, {r for r in s.rels if not counts["edges"].get(r)})


def wipe_statement(label: str) -> str:
    """Delete one batch of kgraph's nodes of ``label`` (with their relationships); returns the count."""
    label = _checked(label, schema().nodes)
    return f"MATCH (n:{label}) WHERE n.type = $type WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"


# -- loading ------------------------------------------------------------------------------------
def _check_columns(tables: GraphTables) -> None:
    """The statements address columns by position in schema order: the tables must have exactly those."""
    for label, table in tables.nodes.items():
        if table.rows and table.names != [c.name for c in node_columns(label)]:
            raise KgraphError(f"the {label} table's columns are not today's schema's: run `kgraph build` again")
    for table in tables.rels.values():
        if table.rows and table.names != [c.name for c in rel_columns(table.type)]:
            raise KgraphError(f"the {table.type} table's columns are not today's schema's: "
                              "run `kgraph build` again")


class _Progress:
    """A rich progress bar on stderr (or nothing), plus the caller's per-batch hook."""

    def __init__(self, show: bool, total_nodes: int, total_rels: int, hook: Callable[[str, int, int], None] | None):
        self.hook = hook
        self.bar = None
        self.tasks: dict[str, Any] = {}
        if show:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"),
                                TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                                transient=False)
            self.tasks["nodes"] = self.bar.add_task("nodes", total=total_nodes, rate="")
            self.tasks["relationships"] = self.bar.add_task("relationships", total=total_rels, rate="")
            self.bar.start()
        self.started = {"nodes": None, "relationships": None}

    def advance(self, kind: str, n: int, done: int, total: int) -> None:
        if self.started[kind] is None:
            self.started[kind] = time.perf_counter()
        if self.bar is not None:
            elapsed = max(time.perf_counter() - self.started[kind], 1e-9)
            self.bar.update(self.tasks[kind], advance=n, rate=f"{done / elapsed:,.0f}/s")
        if self.hook is not None:
            self.hook(kind, done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _run_jobs(fn: Callable[[Any], int], jobs: list[Any], workers: int) -> Iterator[int]:
    """``fn(job)`` for every job, by ``workers`` threads (a few jobs in flight), yielding results in order."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield fn(job)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    pending: deque = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kgraph-neo4j") as pool:
        try:
            for job in jobs:
                pending.append(pool.submit(fn, job))
                if len(pending) >= workers + 1:  # bounded: rows are built in the worker, per batch
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


def load_tables(tables: GraphTables, *, uri: str | None = None, auth: tuple[str, str] | None = None,
                database: str | None = None, wipe: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
                user: str | None = None, password_env: str | None = None, progress: bool = False,
                on_batch: Callable[[str, int, int], None] | None = None, connection_timeout: float = 5.0,
                retry_seconds: float = 30.0, workers: int = DEFAULT_WORKERS,
                graph: Neo4jGraph | None = None) -> dict[str, Any]:
    """Load :class:`GraphTables` into Neo4j; returns a summary (counts, seconds, nodes/s, rels/s).

    Parameters
    ----------
    tables : GraphTables
        The graph (``tables_from_store(store)`` reads a build back).
    uri, auth, database, user, password_env
        Connection settings (:func:`settings`); or pass an open ``graph``.
    wipe : bool
        Delete kgraph's nodes first (nodes with a schema label and the
        matching ``type``), so the database holds exactly this build.
    batch_size : int
        Rows per transaction.
    progress : bool
        Show a progress bar on stderr.
    on_batch : callable(kind, rows done, rows total), optional
        Called after each committed batch (``kind`` is ``"nodes"`` or
        ``"relationships"``).
    workers : int
        Node batches written in parallel (relationships always by one writer).
    retry_seconds : float
        How long the driver retries a batch on transient errors (a server
        restarting, a lock timeout) before the load fails.

    Raises
    ------
    Neo4jError
        One line naming the server and the cause; what was committed stays
        (rerunning the load completes it: every write is a MERGE).
    """
    if batch_size < 1:
        raise KgraphError("--batch-size must be at least 1")
    _check_columns(tables)
    own = graph is None
    if own:
        graph = connect(uri, auth, database, user=user, password_env=password_env,
                        connection_timeout=connection_timeout, retry_seconds=retry_seconds)
    assert graph is not None
    cfg = graph.settings
    s = schema()
    total_nodes, total_rels = tables.node_count, tables.edge_count
    summary: dict[str, Any] = {"uri": redact_uri(cfg.uri), "database": cfg.database, "nodes": total_nodes,
                               "relationships": total_rels, "batch_size": batch_size, "wiped": 0}
    stage, done_nodes, done_rels = "creating constraints", 0, 0
    bar = _Progress(progress, total_nodes, total_rels, on_batch)
    t0 = time.perf_counter()
    try:
        from .export_neo4j import constraints

        for text in constraints():
            graph._write(text.rstrip(";"))
        graph._write("CALL db.awaitIndexes($seconds)", {"seconds": 300})
        if wipe:
            stage = "wiping kgraph's nodes"
            for label in s.nodes:
                text = wipe_statement(label)
                while True:
                    deleted = graph._write(text, {"type": label, "limit": batch_size})[0]["deleted"]
                    summary["wiped"] += deleted
                    if not deleted:
                        break
        t_nodes = time.perf_counter()
        stage = "loading nodes"

        def write_nodes(job) -> int:
            text, table, start = job
            rows = table.rows[start:start + batch_size]
            graph._write(text, {"rows": rows})
            return len(rows)

        # MERGE finds nothing to match in an empty label: CREATE does the same for less (the uniqueness
        # constraint still guards the ids). A load interrupted and rerun finds the label filled: MERGE.
        empty_labels, empty_types = _empty(graph)
        jobs = [(node_statement(label, create=label in empty_labels), table, start)
                for label, table in tables.nodes.items()
                for start in range(0, len(table.rows), batch_size)]
        for n in _run_jobs(write_nodes, jobs, workers):
            done_nodes += n
            bar.advance("nodes", n, done_nodes, total_nodes)
        t_rels = time.perf_counter()
        stage = "loading relationships"
        missing = 0
        # one writer: relationship batches lock both end nodes, and hubs (countries, programs) sit in
        # every batch, so parallel writers would mostly wait for each other or deadlock and retry
        for table in tables.rels.values():
            create = table.type in empty_types
            text = rel_statement(table.type, table.start_type, table.end_type, create=create)
            for start in range(0, len(table.rows), batch_size):
                rows = table.rows[start:start + batch_size]
                merged = graph._write(text, {"rows": rows})[0]["merged"]
                missing += len(rows) - merged
                done_rels += len(rows)
                bar.advance("relationships", len(rows), done_rels, total_rels)
        t_end = time.perf_counter()
    except Neo4jError as e:  # from a count (graph.query): already one line
        raise Neo4jError(f"Neo4j load failed while {stage}: {e}") from None
    except _driver_errors() as e:
        done = f" after {done_nodes:,} of {total_nodes:,} nodes and {done_rels:,} of {total_rels:,} relationships"
        err = translate(e, cfg, f"Neo4j load failed while {stage}{done if done_nodes else ''}")
        if _connection_lost(e):
            raise Neo4jError(f"{err}; rerun the load to complete it (it is idempotent)") from None
        raise err from None
    finally:
        bar.close()
        if own:
            graph.close()
    if missing:
        # every relationship's ends are nodes of the same build: a shortfall means the database lost nodes
        log.warning("%d relationships were not loaded: an end node is missing in Neo4j", missing)
    node_s, rel_s = t_rels - t_nodes, t_end - t_rels
    summary.update({
        "missing_ends": missing,
        "seconds": round(t_end - t0, 3),
        "node_seconds": round(node_s, 3),
        "relationship_seconds": round(rel_s, 3),
        "nodes_per_s": round(total_nodes / node_s) if node_s > 0 else None,
        "rels_per_s": round(total_rels / rel_s) if rel_s > 0 else None,
    })
    return summary


def load_neo4j(datadir=None, *, uri: str | None = None, auth: tuple[str, str] | None = None,
               database: str | None = None, wipe: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
               **options: Any) -> dict[str, Any]:
    """Load the data directory's current graph into Neo4j (``kgraph neo4j load``); returns a summary.

    The build is read back from the embedded store
    (:func:`kgraph.graph.tables.tables_from_store`), so Neo4j receives
    exactly what ``kgraph query`` sees. Other options: see :func:`load_tables`.

    Example
    -------
    >>> load_neo4j(uri="bolt://127.0.0.1:7687", wipe=True)   # doctest: +SKIP
    {'nodes': 30000, 'relationships': 51000, 'nodes_per_s': 21000, ...}
    """
    from .store import open_store
    from .tables import tables_from_store

    cfg = settings(uri, auth, database, user=options.pop("user", None), password_env=options.pop("password_env", None))
    # connect first: a wrong password or an unreachable server fails before a large build is read
    graph = Neo4jGraph(cfg, connection_timeout=options.pop("connection_timeout", 5.0),
                       retry_seconds=options.pop("retry_seconds", 30.0))
    try:
        graph.verify()
        with open_store(datadir=datadir) as store:
            build = str(store.build_dir)
            try:
                tables = tables_from_store(store)
            except RuntimeError as e:  # the store lacks a column of today's schema
                raise KgraphError(f"cannot read the graph in {build} ({_one_line(str(e), 120)}): it was built by "
                                  "another kgraph version; run `kgraph build` and load again") from None
        summary = load_tables(tables, graph=graph, wipe=wipe, batch_size=batch_size, **options)
    finally:
        graph.close()
    summary["build"] = build
    return summary
