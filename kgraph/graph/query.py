"""The Cypher query library and the runner behind ``kgraph query``.

Each analyst question is one file in ``queries/`` (package data). Its header
is a block of ``//`` comment lines::

    // Flights of sanctioned aircraft into a country between two dates.
    // (more lines of description)
    //
    // @param country: string  ISO code of the destination country
    // @param from: date = 0000  earliest arrival date (ISO)
    // @example kgraph query sanctioned-flights-into-country --param country=CU

The first line is the purpose. ``@param NAME: TYPE [= DEFAULT]  help``
declares a parameter (types: string, date, int, float, bool, list, node); a
parameter without a default is required. A ``node`` parameter is a node id:
the runner looks up that node's label (one primary-key probe per node
table) and writes it where the body says ``{{NAME}}``, so a query can start
from ``(x:{{a}} {id: $a})``: both engines then use their id index instead of
scanning every table (30 ms -> 0.05 ms at 1M nodes on LadybugDB). The label
comes from the schema's list of node types, never from the user's text; the
id itself stays a parameter. The body is Cypher in the subset
both LadybugDB and Neo4j 5.26 accept. Where the dialects differ the body
holds ``// dialect: ladybug`` and ``// dialect: neo4j`` sections and the
runner picks the one for the backend. Parameters are always passed as
parameters, never spliced into the text.

Example
-------
>>> q = library()["designations-since"]
>>> q.params["since"].type
'date'
>>> coerce_params(q, {"since": "2023-01-01"})
{'since': '2023-01-01'}
"""
from __future__ import annotations

import functools

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable

from ..errors import KgraphError, NotFound

__all__ = ["Query", "Param", "library", "get_query", "query", "parse_query", "parse_param_args",
           "coerce_params", "node_label", "render_query_docs", "BACKENDS"]

BACKENDS = ("embedded", "neo4j")
_DIALECT = {"embedded": "ladybug", "neo4j": "neo4j"}
_PARAM = re.compile(r"^@param\s+(\w+)\s*:\s*(\w+)(?:\s*=\s*(\S*))?\s*(.*)$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
PARAM_TYPES = ("string", "date", "int", "float", "bool", "list", "node")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class Query:
    """One library query: its name (file stem), header and Cypher per dialect."""

    name: str
    purpose: str
    description: str
    params: dict[str, Param]
    examples: tuple[str, ...]
    bodies: dict[str, str] = field(default_factory=dict)

    def cypher(self, backend: str = "embedded") -> str:
        """The Cypher text for a backend (``embedded`` or ``neo4j``)."""
        dialect = _DIALECT.get(backend, backend)
        return self.bodies.get(dialect) or self.bodies["common"]


def parse_query(name: str, text: str) -> Query:
    """Parse one ``.cypher`` file (header + body with optional dialect sections)."""
    lines = text.splitlines()
    header: list[str] = []
    i = 0
    while i < len(lines) and lines[i].startswith("//") and not lines[i].lower().startswith("// dialect:"):
        header.append(lines[i][2:].strip())
        i += 1
    purpose, description, params, examples = "", [], {}, []
    for line in header:
        if line.startswith("@param"):
            m = _PARAM.match(line)
            if not m or m.group(2) not in PARAM_TYPES:
                raise ValueError(f"queries/{name}.cypher: bad @param line {line!r}")
            pname, ptype, default, phelp = m.groups()
            if default in ("''", '""'):
                default = ""
            value = None if default is None else _convert(ptype, default, pname)
            params[pname] = Param(pname, ptype, value, default is None, phelp.strip())
        elif line.startswith("@example"):
            examples.append(line[len("@example"):].strip())
        elif not purpose:
            purpose = line
        elif line or description:
            description.append(line)
    bodies: dict[str, list[str]] = {"common": []}
    current = "common"
    for line in lines[i:]:
        if line.lower().startswith("// dialect:"):
            current = line.split(":", 1)[1].strip().lower()
            bodies[current] = []
            continue
        bodies[current].append(line)
    texts = {k: "\n".join(v).strip() for k, v in bodies.items() if "\n".join(v).strip()}
    if not purpose or not texts:
        raise ValueError(f"queries/{name}.cypher: needs a purpose line and a body")
    if "common" not in texts and not {"ladybug", "neo4j"} <= set(texts):
        raise ValueError(f"queries/{name}.cypher: dialect sections must cover both ladybug and neo4j")
    return Query(name, purpose, " ".join(d for d in description if d).strip(), params, tuple(examples), texts)


def library() -> dict[str, Query]:
    """Every query of the library, by name, sorted."""
    out = {}
    folder = resources.files("queries")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".cypher"):
            name = entry.name[: -len(".cypher")]
            out[name] = parse_query(name, entry.read_text(encoding="utf-8"))
    return out


def get_query(name: str) -> Query:
    lib = library()
    if name not in lib:
        raise NotFound(f"no query named {name!r}; the library has: {', '.join(lib)}")
    return lib[name]


def _convert(ptype: str, value: Any, name: str) -> Any:
    if ptype == "list":
        if isinstance(value, list):
            return value
        if isinstance(value, str) and value.startswith("["):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                raise KgraphError(f"parameter {name}: {value!r} is not a JSON list") from None
            if isinstance(parsed, list):
                return parsed
        return [value]
    if isinstance(value, list):
        raise KgraphError(f"parameter {name} takes one {ptype} value, got {len(value)}")
    if ptype == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT.match(value.strip()):
            return int(value)
        raise KgraphError(f"parameter {name}: {value!r} is not an integer")
    if ptype == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise KgraphError(f"parameter {name}: {value!r} is not a number") from None
    if ptype == "bool":
        if isinstance(value, bool):
            return value
        s = str(value).strip().lower()
        if s in ("true", "yes", "1"):
            return True
        if s in ("false", "no", "0"):
            return False
        raise KgraphError(f"parameter {name}: {value!r} is not true/false")
    if ptype == "date":
        s = str(value).strip()
        if not _DATE.match(s):
            raise KgraphError(f"parameter {name}: {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return s
    return str(value)


def infer_value(text: str) -> Any:
    """Type of an undeclared parameter (``--cypher``): int, float, bool, JSON list/object, else string.

    >>> infer_value("3"), infer_value("2.5"), infer_value("true"), infer_value('["a", 1]'), infer_value("2026-02-01")
    (3, 2.5, True, ['a', 1], '2026-02-01')
    """
    s = text.strip()
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s) and not _DATE.match(s):
        return float(s)
    if s in ("true", "false"):
        return s == "true"
    if s[:1] in ("[", "{"):
        try:
            return json.loads(s)
        except json.JSONDecodeError:
            pass
    return text


def parse_param_args(args: Iterable[str]) -> dict[str, Any]:
    """``["k=v", "k=w", "n=3"]`` -> ``{"k": ["v", "w"], "n": "3"}`` (repeated keys make lists).

    >>> parse_param_args(["country=CU", "id=a", "id=b"])
    {'country': 'CU', 'id': ['a', 'b']}
    """
    out: dict[str, Any] = {}
    for arg in args:
        if "=" not in arg:
            raise KgraphError(f"--param {arg!r}: expected NAME=VALUE")
        k, v = arg.split("=", 1)
        k = k.strip()
        if not k.isidentifier():
            raise KgraphError(f"--param {arg!r}: {k!r} is not a parameter name")
        if k in out:
            out[k] = (out[k] if isinstance(out[k], list) else [out[k]]) + [v]
        else:
            out[k] = v
    return out


def coerce_params(q: Query | None, params: dict[str, Any]) -> dict[str, Any]:
    """Typed parameter values for a query: declared types and defaults; undeclared ones inferred."""
    params = dict(params or {})
    if q is None:
        return {k: ([infer_value(x) if isinstance(x, str) else x for x in v] if isinstance(v, list)
                    else infer_value(v) if isinstance(v, str) else v) for k, v in params.items()}
    unknown = sorted(set(params) - set(q.params))
    if unknown:
        raise KgraphError(f"query {q.name} has no parameter {', '.join(unknown)}; it takes: "
                          + (", ".join(q.params) or "none"))
    out = {}
    for name, p in q.params.items():
        if name in params and params[name] is not None:
            out[name] = _convert(p.type, params[name], name)
        elif p.required:
            raise KgraphError(f"query {q.name} needs --param {name}=<{p.type}> ({p.help or 'no description'})")
        else:
            out[name] = p.default
    return out


def query(name: str | None = None, *, cypher: str | None = None, params: dict[str, Any] | None = None,
          datadir=None, backend: str = "embedded", store=None) -> tuple[list[str], list[list[Any]]]:
    """Run a library query by ``name``, or ad-hoc ``cypher``, on the current graph.

    Parameters
    ----------
    name : str, optional
        A library query (``library()`` lists them).
    cypher : str, optional
        Cypher text to run instead of a library query.
    params : dict, optional
        Parameter values (strings from the command line are typed by the
        query's declarations).
    datadir : kgraph.datadir.DataDir, optional
        Whose current graph to query (default: the default data directory).
    backend : {"embedded", "neo4j"}
    store : Store or kgraph.graph.neo4j.Neo4jGraph, optional
        An already open store, or Neo4j connection for ``backend="neo4j"``
        (then ``datadir`` is not used).

    Returns
    -------
    (columns, rows)

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> columns, rows = kgraph.query("operators-landing-at-airport", params={"airport": "MUSA"}, datadir=dd)
    >>> dict(zip(columns, rows[0]))["operator_id"], dict(zip(columns, rows[0]))["first_landing"]
    ('ofac-40181', '2026-02-01')
    >>> kgraph.query(cypher="MATCH (c:Country {code: $c}) RETURN c.caption AS name", params={"c": "CU"},
    ...              datadir=dd)
    (['name'], [['Cuba']])
    """
    if (name is None) == (cypher is None):
        raise KgraphError("give a query name or --cypher text (one of the two)")
    if backend not in BACKENDS:
        raise KgraphError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    q = get_query(name) if name is not None else None
    typed = coerce_params(q, params or {})
    text = q.cypher(backend) if q is not None else cypher
    if backend == "neo4j":
        if store is not None:  # an open kgraph.graph.neo4j.Neo4jGraph
            return _run(store.query, q, text, typed)
        from .neo4j import run_query  # the server named by NEO4J_URI

        return _run(run_query, q, text, typed)
    if store is not None:
        return _run(store.query, q, text, typed)
    from .store import open_store

    with open_store(datadir=datadir) as s:
        return _run(s.query, q, text, typed)


def node_label(run, node_id: str) -> str | None:
    """The label (node type) of the node with this id, probing each node table's id index in one query (~1 ms
    in the embedded store at full size; one match of ``n.id`` across every table took 60-110 ms); None if absent.
    ``run`` is a store's or a Neo4j session's ``query(cypher, params)``."""
    _, rows = run(_label_probe(), {"id": node_id})
    return rows[0][0] if rows else None


@functools.lru_cache(maxsize=1)
def _label_probe() -> str:
    from ..schema import schema

    # labels are schema names, never data; each branch returns its own as text
    return " UNION ALL ".join(f"MATCH (n:{label} {{id: $id}}) RETURN '{label}' AS label" for label in schema().nodes)


def _run(run, q: Query | None, text: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    try:
        for p in (q.params.values() if q is not None else ()):
            if p.type == "node":
                label = node_label(run, params[p.name])
                if label is None:
                    raise NotFound(f"no node with id {params[p.name]!r} in the graph (`kgraph lookup` finds ids)")
                text = text.replace("{{" + p.name + "}}", label)
        return run(text, params)
    except RuntimeError as e:  # the engine's parser/binder/runtime errors: the user's query
        raise KgraphError(f"query failed: {str(e).strip()}") from None


def render_query_docs(queries: dict[str, Query] | None = None) -> str:
    """The query library as Markdown, for the README (generated from the headers).

    >>> "### designations-since" in render_query_docs()
    True
    """
    queries = queries if queries is not None else library()
    out = []
    for name, q in queries.items():
        out.append(f"### {name}\n")
        out.append(q.purpose + ("" if q.purpose.endswith(".") else "."))
        if q.description:
            out.append(" " + q.description)
        out.append("\n")
        if q.params:
            out.append("\n| parameter | type | default | meaning |\n|---|---|---|---|\n")
            for p in q.params.values():
                default = "required" if p.required else (f"`{p.default}`" if p.default != "" else "empty")
                out.append(f"| `{p.name}` | {p.type} | {default} | {p.help} |\n")
        for ex in q.examples:
            out.append(f"\n```\n{ex}\n```\n")
        out.append("\n")
    return "".join(out).rstrip() + "\n"
