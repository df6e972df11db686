"""Neo4j exports: a cypher-shell script and the CSV set for ``neo4j-admin database import full``.

Labels are the schema's node type names and relationship types its
relationship names; every node keeps its ``id`` property (unique per label),
dates stay ISO strings (as in the embedded store, so the library queries
compare them the same way on both backends), lists stay lists.

The script needs nothing but ``cypher-shell -f``: constraints first, then
``MERGE`` on ``id`` with literal values escaped by :func:`cypher_literal`,
1,000 statements per ``:begin``/``:commit`` transaction. Re-running it is
harmless (MERGE).

The CSV set holds one header file and one data file per node type and per
relationship type, a ``constraints.cypher`` to run once the database is up,
and ``import.sh`` with the exact command, also returned by
:func:`write_neo4j_admin`.
"""
from __future__ import annotations

import csv
import os
import shlex
from pathlib import Path
from typing import Any, TextIO

from ..datadir import atomic_path, atomic_write
from ..schema import schema
from .tables import GraphTables

__all__ = ["cypher_literal", "constraints", "write_cypher", "write_neo4j_admin", "ARRAY_DELIMITER"]

ARRAY_DELIMITER = "\x1f"
_BATCH = 1000
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
#: one str.translate call escapes a whole string (a loop per character cost minutes at full size)
_ESCAPE_TABLE = {**{c: f"\\u{c:04x}" for c in (*range(0x20), 0x2028, 0x2029)}, **{ord(k): v for k, v in _ESCAPES.items()}}
_ADMIN_TYPES = {"strings": ":string[]", "number": ":double", "bool": ":boolean"}


def cypher_literal(v: Any) -> str:
    """A Cypher literal for a stored value (strings single-quoted and escaped).

    >>> print(cypher_literal(["it's", 'a "b"\\nc\\\\']))
    ['it\\'s', 'a "b"\\nc\\\\']
    >>> cypher_literal(None), cypher_literal(True), cypher_literal(2.5)
    ('null', 'true', '2.5')
    """
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    return "'" + str(v).translate(_ESCAPE_TABLE) + "'"


def constraints() -> list[str]:
    """One uniqueness constraint on ``id`` per node label."""
    return [f"CREATE CONSTRAINT {name.lower()}_id IF NOT EXISTS FOR (n:{name}) REQUIRE n.id IS UNIQUE;"
            for name in schema().nodes]


def _map(rec: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {cypher_literal(v)}" for k, v in rec.items()) + "}"


def write_cypher(tables: GraphTables, out: TextIO) -> None:
    """The graph as a cypher-shell script (``cypher-shell -f FILE``)."""
    out.write("// kgraph export: run with `cypher-shell -f FILE`; MERGE on id, safe to re-run.\n")
    for stmt in constraints():
        out.write(stmt + "\n")
    n = 0

    def stmt(text: str) -> None:
        nonlocal n
        if n % _BATCH == 0:
            out.write(":begin\n")
        out.write(text + ";\n")
        n += 1
        if n % _BATCH == 0:
            out.write(":commit\n")

    for name, table in tables.nodes.items():
        for rec in table.records():
            node_id = rec.pop("id")
            stmt(f"MERGE (n:{name} {{id: {cypher_literal(node_id)}}}) SET n += {_map(rec)}")
    for table in tables.rels.values():
        for start, end, rec in table.records():
            stmt(f"MATCH (a:{table.start_type} {{id: {cypher_literal(start)}}}), "
                 f"(b:{table.end_type} {{id: {cypher_literal(end)}}}) "
                 f"MERGE (a)-[r:{table.type}]->(b) SET r += {_map(rec)}")
    if n % _BATCH:
        out.write(":commit\n")


def _cell(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ARRAY_DELIMITER.join(v)
    if isinstance(v, float):
        return repr(v)
    return v


def _write_rows(path: Path, rows) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            for row in rows:
                w.writerow([_cell(v) for v in row])


def write_neo4j_admin(tables: GraphTables, directory: str | os.PathLike, database: str = "neo4j") -> dict[str, Any]:
    """Write the neo4j-admin CSV set into ``directory``; returns the files and the import command."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # the report goes beside the CSV set: by default neo4j-admin writes import.report into whatever
    # directory the analyst happens to run it from
    args = ["neo4j-admin", "database", "import", "full", database, "--id-type=string",
            "--array-delimiter=U+001F", "--multiline-fields=true", f"--report-file={directory / 'import.report'}"]
    files: list[str] = []
    for name, table in tables.nodes.items():
        if not table.rows:
            continue
        header = [("id:ID" if c.name == "id" else c.name + _ADMIN_TYPES.get(c.kind, "")) for c in table.columns]
        head, data = directory / f"nodes_{name}_header.csv", directory / f"nodes_{name}.csv"
        _write_rows(head, [header])
        _write_rows(data, table.rows)
        files += [head.name, data.name]
        args.append(f"--nodes={name}={head},{data}")
    by_type: dict[str, list] = {}
    for table in tables.rels.values():
        by_type.setdefault(table.type, []).append(table)
    for rel, group in by_type.items():
        cols = group[0].columns
        header = [":START_ID", ":END_ID"] + [c.name + _ADMIN_TYPES.get(c.kind, "") for c in cols]
        head, data = directory / f"rels_{rel}_header.csv", directory / f"rels_{rel}.csv"
        _write_rows(head, [header])
        _write_rows(data, (row for t in group for row in t.rows))
        files += [head.name, data.name]
        args.append(f"--relationships={rel}={head},{data}")
    command = " ".join(shlex.quote(a) for a in args)
    atomic_write(directory / "constraints.cypher", "\n".join(constraints()) + "\n")
    atomic_write(directory / "import.sh",
                 "#!/bin/sh\n# Import into an empty (or absent) database, then start Neo4j and run\n"
                 f"#   cypher-shell -f {shlex.quote(str(directory / 'constraints.cypher'))}\nset -e\n{command}\n")
    os.chmod(directory / "import.sh", 0o755)
    files += ["constraints.cypher", "import.sh"]
    return {"directory": str(directory), "files": files, "command": command}
