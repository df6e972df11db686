"""The embedded store: the graph in a LadybugDB database file, loaded with COPY.

LadybugDB (PyPI ``ladybug``, the maintained Kuzu fork) runs in-process, needs
a schema up front and reopens a full-size graph in tens of milliseconds, so
every CLI query can open it afresh. The DDL is derived from the schema: one
NODE TABLE per node type (``id`` primary key, the built-in columns, the typed
properties) and one REL TABLE per relationship type with all its FROM/TO
pairs.

Loading uses ``COPY FROM`` CSV files, never row-by-row Cypher (the
Neo4j-style ``UNWIND`` loader manages ~20 edges/s here). The CSV dialect is
chosen so that no value needs escaping:

* fields are separated by U+001F and lists joined with U+001E; text holds no
  control characters (:func:`kgraph.graph.tables.clean_text`), so commas,
  quotes, backslashes, brackets and Cypher-looking text pass untouched;
* list columns go through ``LOAD WITH HEADERS ... RETURN string_split(...)``
  because Ladybug's own CSV list syntax cannot hold a comma inside an
  element;
* rows with a newline inside a value are quoted with U+0002 and copied from a
  second file with ``PARALLEL=false`` (the parallel reader rejects quoted
  newlines), so the common case keeps the parallel reader;
* only the columns that hold a value somewhere are written and named in the
  COPY (most columns of most tables are empty), and each table's COPY runs
  on a worker thread while the next table's CSV is written.

Example
-------
>>> import tempfile
>>> from kgraph.graph.tables import GraphTables
>>> t = GraphTables.empty()
>>> t.add_node("Country", {"id": "country-CU", "name": ["Cuba"], "code": "CU", "caption": "Cuba"})
>>> d = tempfile.mkdtemp()
>>> _ = write_store(t, d)
>>> with open_store(d) as s:
...     s.query("MATCH (c:Country) RETURN c.id AS id, c.name AS name")
(['id', 'name'], [['country-CU', ['Cuba']]])
"""
from __future__ import annotations

import json
import os
import shutil
import time
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable

from ..errors import REBUILD, DamagedFile, KgraphError, NoGraph
from ..schema import Schema, schema
from .tables import GraphTables, RowReaders, no_gc, node_columns, rel_columns

__all__ = ["STORE_FILE", "BUILD_FILE", "ddl", "write_store", "open_store", "read_build_info", "Store", "plain"]

STORE_FILE = "store.lbdb"
BUILD_FILE = "build.json"

_DDL_TYPES = {"string": "STRING", "strings": "STRING[]", "date": "STRING", "json": "STRING", "number": "DOUBLE",
              "bool": "BOOLEAN"}
_DELIM, _LIST, _QUOTE = "\x1f", "\x1e", "\x02"
_CSV_OPTS = f"DELIM='{_DELIM}', QUOTE='{_QUOTE}', ESCAPE='{_QUOTE}', HEADER=false"
_CHUNK = 50_000  # rows formatted and written at a time


def ddl(s: Schema | None = None) -> list[str]:
    """CREATE statements for every node and relationship table of the schema.

    >>> ddl()[0].startswith("CREATE NODE TABLE Organization(`id` STRING, `type` STRING")
    True
    """
    s = s or schema()
    out = []
    for name in s.nodes:
        cols = ", ".join(f"`{c.name}` {_DDL_TYPES[c.kind]}" for c in node_columns(name))
        out.append(f"CREATE NODE TABLE {name}({cols}, PRIMARY KEY(`id`))")
    for name, rel in s.rels.items():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in rel.between)
        cols = ", ".join(f"`{c.name}` {_DDL_TYPES[c.kind]}" for c in rel_columns(name))
        out.append(f"CREATE REL TABLE {name}({pairs}, {cols})")
    return out


def _formatter(columns: list[tuple[int, str]]) -> Callable[[list[Any]], str]:
    """A function from a row to its CSV line, compiled once per table: one expression per (index, kind).

    A call per cell would cost more than the rest of the CSV writing at
    millions of rows, so the cells are formatted by a single generated lambda.
    """
    cells = []
    for i, kind in columns:
        v = f"r[{i}]"
        if kind == "strings":
            cells.append(f"('' if {v} is None else L.join({v}))")
        elif kind == "bool":
            cells.append(f"('' if {v} is None else 'true' if {v} else 'false')")
        elif kind == "number":
            cells.append(f"('' if {v} is None else repr({v}))")
        else:
            cells.append(f"('' if {v} is None else {v})")
    return eval(f"lambda r: D.join(({', '.join(cells)},))", {"D": _DELIM, "L": _LIST})  # noqa: S307 - built here


def _write_csv(rows: list[list[Any]], columns: list[tuple[int, str]], plain_path: Path, multi_path: Path
               ) -> tuple[int, int]:
    """Write rows; rows with a newline in a value go, quoted, to the second file. Returns the two counts."""
    fmt = _formatter(columns)
    multi: list[str] = []
    n = 0
    with open(plain_path, "w", encoding="utf-8", newline="\n") as f:
        # a chunk of lines at a time: a million-row table's text, held whole and then joined into one
        # string, was a third of what the store stage added to the build's memory at full size
        for at in range(0, len(rows), _CHUNK):
            lines = [fmt(r) for r in rows[at:at + _CHUNK]]
            n += len(lines)
            if any("\n" in line for line in lines):
                multi.extend(line for line in lines if "\n" in line)
                lines = [line for line in lines if "\n" not in line]
            if lines:
                f.write("\n".join(lines))
                f.write("\n")
    with open(multi_path, "w", encoding="utf-8", newline="\n") as f:
        for line in multi:  # an empty quoted cell would be an empty string, not NULL: leave those bare
            f.write(_DELIM.join(_QUOTE + c + _QUOTE if c else "" for c in line.split(_DELIM)) + "\n")
    return n - len(multi), len(multi)


def _copy(table: str, names: list[str], kinds: list[str], path: Path, parallel: bool, rel_ends: str = "") -> str:
    """A COPY of the listed columns from one CSV file: directly, or through a LOAD subquery that splits lists.

    For a relationship table the first two CSV columns are the ends and
    ``names`` lists only the property columns.
    """
    opts = _CSV_OPTS + ("" if parallel else ", PARALLEL=false")
    quoted = str(path).replace("'", "\\'")
    target = f"{table}({', '.join(f'`{n}`' for n in names)})"
    if "strings" not in kinds:
        return f"COPY {target} FROM '{quoted}' ({opts}{', ' + rel_ends if rel_ends else ''})"
    load_types = ", ".join(f"c{i} {'STRING' if k == 'strings' else _DDL_TYPES[k]}" for i, k in enumerate(kinds))
    ret = ", ".join(f"string_split(c{i}, '{_LIST}')" if k == "strings" else f"c{i}" for i, k in enumerate(kinds))
    tail = f" ({rel_ends})" if rel_ends else ""
    return f"COPY {target} FROM (LOAD WITH HEADERS ({load_types}) FROM '{quoted}' ({opts}) RETURN {ret}){tail}"


def write_store(tables: GraphTables, build_dir: str | os.PathLike, *, readers: RowReaders | None = None
                ) -> dict[str, Any]:
    """Create the store in ``build_dir`` (a fresh build directory) and bulk-load ``tables`` into it.

    Returns load timings and counts. The CSV files are written to a scratch
    folder inside ``build_dir`` and removed afterwards. With ``readers``, the
    store says it is done with each table (as ``"store"``) once its CSV is
    written.
    """
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / STORE_FILE
    if path.exists():
        raise FileExistsError(f"{path} exists: build into a fresh directory")
    scratch = build_dir / ".load"
    scratch.mkdir(exist_ok=True)
    timings = {"csv": 0.0, "copy_nodes": 0.0, "copy_edges": 0.0}
    counts = tables.counts()  # before the rows may go
    with no_gc():
        _write_tables(tables, path, scratch, timings, readers)
    return {"timings": {k: round(v, 3) for k, v in timings.items()}, **counts}


def _write_tables(tables: GraphTables, path: Path, scratch: Path, timings: dict[str, float],
                  readers: RowReaders | None = None) -> None:
    """DDL, then one COPY per table, in order (nodes before the relationships that need them).

    The COPYs run on a worker thread while this one writes the next table's
    CSV: LadybugDB releases the GIL during a query, so Python formatting and
    the engine's load overlap instead of taking turns.
    """
    from concurrent.futures import ThreadPoolExecutor

    import ladybug

    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    pending = []
    try:
        for stmt in ddl():
            conn.execute(stmt)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgraph-copy") as copier:
            jobs = [(name, "", t, 0, "copy_nodes") for name, t in tables.nodes.items() if t.rows]
            jobs += [(rel, f"from='{a}', to='{b}'", t, 2, "copy_edges") for (rel, a, b), t in tables.rels.items()
                     if t.rows]
            for target, rel_ends, table, offset, key in jobs:
                stem = scratch / (target if not offset else f"{target}-{table.start_type}-{table.end_type}")
                statements, files = _prepare(target, rel_ends, table.rows, table.columns, offset, stem, timings)
                if readers is not None:  # COPY reads the files
                    readers.done("store", table)
                pending.append(copier.submit(_copy_files, conn, statements, files, timings, key))
                while len(pending) > 1:  # at most one CSV written ahead: disk and memory stay bounded
                    pending.pop(0).result()
            for job in pending:
                job.result()
    finally:
        for job in pending:
            job.cancel()
        conn.close()
        db.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _prepare(table: str, rel_ends: str, rows, columns, offset: int, stem: Path, timings: dict[str, float]
             ) -> tuple[list[str], list[Path]]:
    """Write one table's CSV files; returns the COPY statements and the files to remove after them.

    Only columns holding a value somewhere are written: the store fills the
    others with NULL, and at full size most columns of most tables are empty
    (copying them was half the load time). ``offset`` is 2 for relationship
    rows (their ends come first).
    """
    t0 = time.perf_counter()
    n = len(rows)
    # a column filled in its first rows is kept at once; only the others are read whole (at full size
    # reading every column of every row was 4.3 s, this 1.0 s)
    keep = [(offset + i, c) for i, c in enumerate(columns)
            if (offset == 0 and i == 0) or any(r[offset + i] is not None for r in rows[:64])
            or list(map(itemgetter(offset + i), rows)).count(None) != n]
    layout = [(0, "string"), (1, "string")][:offset] + [(i, c.kind) for i, c in keep]
    plain, multi = stem.with_suffix(".csv"), stem.with_suffix(".multiline.csv")
    n_plain, n_multi = _write_csv(rows, layout, plain, multi)
    names, kinds = [c.name for _, c in keep], [k for _, k in layout]
    statements = ([_copy(table, names, kinds, plain, True, rel_ends)] if n_plain else []) + \
                 ([_copy(table, names, kinds, multi, False, rel_ends)] if n_multi else [])
    timings["csv"] += time.perf_counter() - t0
    return statements, [plain, multi]


def _copy_files(conn, statements: list[str], files: list[Path], timings: dict[str, float], key: str) -> None:
    t0 = time.perf_counter()
    for stmt in statements:
        conn.execute(stmt)
    for f in files:
        f.unlink()
    timings[key] += time.perf_counter() - t0


def plain(value: Any) -> Any:
    """A query result value as plain JSON-able data (nodes and relationships become dicts)."""
    if isinstance(value, dict):
        # A path: ladybug 0.22 names its keys _NODES/_RELS (Kùzu used lower case).
        for nodes, rels in (("_NODES", "_RELS"), ("_nodes", "_rels")):
            if nodes in value and rels in value:
                return {"nodes": [plain(n) for n in value[nodes]], "relationships": [plain(r) for r in value[rels]]}
        out = {k: plain(v) for k, v in value.items() if not k.startswith("_") and v is not None}
        if "_LABEL" in value and "type" not in out:
            out["type"] = value["_LABEL"]
        if "_SRC" in value or "_src" in value:
            out.setdefault("label", value.get("_LABEL"))
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _check_text(params: dict[str, Any] | None) -> None:
    """Refuse parameter text the engine cannot take, with one clear line instead of a binding error.

    Lone surrogates reach here from undecodable bytes on the command line
    (Python decodes argv with ``surrogateescape``) or from the Python API.
    """
    for name, value in (params or {}).items():
        for v in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(v, str):
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError:
                    raise KgraphError(f"parameter {name}: not valid text (undecodable bytes or a lone "
                                      "surrogate)") from None


class Store:
    """An open embedded store. Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, build_dir: str | os.PathLike, *, read_only: bool = True):
        import ladybug

        self.build_dir = Path(build_dir)
        self.path = self.build_dir / STORE_FILE
        if not self.path.exists():
            raise NoGraph(f"no graph store in {self.build_dir}")
        self.schema = schema()
        try:
            self._db = ladybug.Database(str(self.path), read_only=read_only)
        except RuntimeError as e:  # a store cut short or garbled (a disk fault, a copy of the data directory)
            raise DamagedFile(self.path, e, REBUILD) from None
        self._conn = ladybug.Connection(self._db)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._db.close()
            self._conn = self._db = None

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, raw: bool = False
              ) -> tuple[list[str], list[list[Any]]]:
        """Run Cypher with parameters; returns ``(column names, rows)``.

        Node, relationship and path values become plain dicts (:func:`plain`);
        ``raw=True`` skips that for queries that return only scalars and lists.
        """
        _check_text(params)
        result = self._conn.execute(cypher, params or {})
        if isinstance(result, list):  # several statements: the last one's result
            result = result[-1]
        columns = result.get_column_names()
        rows = result.get_all()
        result.close()
        if not raw:
            rows = [[plain(v) if isinstance(v, (dict, list)) else v for v in row] for row in rows]
        return columns, rows

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {type: n}, "edges": {type: n}}`` for ``kgraph stats``."""
        nodes = {name: self.query(f"MATCH (n:{name}) RETURN count(*)")[1][0][0] for name in self.schema.nodes}
        edges = {}
        for name in self.schema.rels:
            n = self.query(f"MATCH ()-[r:{name}]->() RETURN count(*)")[1][0][0]
            if n:
                edges[name] = n
        return {"nodes": nodes, "edges": edges}

    def build_info(self) -> dict[str, Any]:
        """The build's ``build.json`` (audit, counts, timings), or {} when absent."""
        return read_build_info(self.build_dir)


def read_build_info(build_dir: str | os.PathLike) -> dict[str, Any]:
    """A build directory's ``build.json`` (audit, counts, timings), or {} when absent."""
    path = Path(build_dir) / BUILD_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError) as e:
        raise DamagedFile(path, e, REBUILD) from None


def open_store(build_dir: str | os.PathLike | None = None, *, datadir=None, read_only: bool = True) -> Store:
    """Open the store of a build directory, or of the data directory's current graph.

    Raises :class:`kgraph.errors.NoGraph` when there is none.
    """
    if build_dir is None:
        from ..datadir import DataDir

        build_dir = DataDir.of(datadir).require_graph()
    return Store(build_dir, read_only=read_only)
