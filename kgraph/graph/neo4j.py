"""Neo4j: load the built graph into a Neo4j server, and run the query library there.

For teams that outgrow one machine: the embedded store stays the reference,
and ``kgraph neo4j load`` copies the current build into Neo4j 5.26+ (any
edition, Aura included) where several analysts can query it at once.

Loading lives in :mod:`kgraph.graph.neo4j_load`; this module holds the
connection, the settings and the one function that sends query text.

Labels and relationship types are the only text ever placed in a query; they
come from the schema (checked again here), every value is a parameter.
Every query text goes through one function, :func:`_send`, which
:func:`record_queries` can watch: the tests use it to show that the texts do
not depend on the data.

Values keep the embedded store's types (:mod:`kgraph.graph.tables`): lists
of strings as string lists, dates as ISO text, JSON columns as text, numbers
as floats, booleans as booleans.

Connection settings come from the arguments or the environment:
``NEO4J_URI``, ``NEO4J_USERNAME`` (default ``neo4j``), ``NEO4J_PASSWORD``
(or the variable named by ``password_env``) and ``NEO4J_DATABASE`` (default
``neo4j``). The password is never printed, logged or put in an error
message. Every failure is one :class:`kgraph.errors.Neo4jError` line.

Example
-------
>>> cfg = settings(uri="bolt://127.0.0.1:7687", auth=("neo4j", "s3cret-pw"))
>>> cfg
Neo4jSettings(uri='bolt://127.0.0.1:7687', user='neo4j', password=***, database='neo4j')
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..errors import KgraphError, Neo4jError
from ..schema import schema

__all__ = ["Neo4jSettings", "Neo4jGraph", "settings", "connect", "run_query", "record_queries"]

log = logging.getLogger("kgraph.neo4j")

DEFAULT_DATABASE = "neo4j"
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_NAME = re.compile(r"^[A-Z][A-Za-z_]*$")


# -- settings and connection -----------------------------------------------------------------
@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect. ``repr`` never shows the password."""

    uri: str
    user: str
    password: str | None = field(default=None, repr=False)
    database: str = DEFAULT_DATABASE
    password_env: str = "NEO4J_PASSWORD"

    def __repr__(self) -> str:
        return (f"Neo4jSettings(uri={self.uri!r}, user={self.user!r}, "
                f"password={'***' if self.password else None}, database={self.database!r})")

    @property
    def auth(self) -> tuple[str, str] | None:
        return None if self.password is None else (self.user, self.password)

    @property
    def where(self) -> str:
        """The server as it may be shown: URI (any user:password@ part removed) and database."""
        return f"{redact_uri(self.uri)} (database {self.database})"


def redact_uri(uri: str) -> str:
    """A URI without a ``user:password@`` part.

    >>> redact_uri("neo4j+s://me:pw@db.example:7687")
    'neo4j+s://***@db.example:7687'
    """
    return re.sub(r"^([a-z0-9+.-]+://)[^@/]*@", r"\1***@", uri, flags=re.I)


def settings(uri: str | None = None, auth: tuple[str, str] | None = None, database: str | None = None, *,
             user: str | None = None, password_env: str | None = None) -> Neo4jSettings:
    """Connection settings from the arguments, else ``NEO4J_URI``/``NEO4J_USERNAME``/``NEO4J_PASSWORD``.

    ``auth`` is a (user, password) pair; without it the password is read from
    the environment variable ``password_env`` (default ``NEO4J_PASSWORD``); a
    server without authentication needs none. There is no default URI: a
    load must name its target.
    """
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise Neo4jError("no Neo4j server configured, so the neo4j backend is not available: "
                         "set NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD) or pass --uri")
    env = password_env or "NEO4J_PASSWORD"
    if auth is None and password_env and password_env not in os.environ:
        raise Neo4jError(f"--password-env {password_env}: no such environment variable is set")
    if auth is not None:
        user, password = auth
    else:
        user = user or os.environ.get("NEO4J_USERNAME") or "neo4j"
        password = os.environ.get(env) or None
    return Neo4jSettings(uri=uri, user=user, password=password,
                         database=database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
                         password_env=env)


def _one_line(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reason(e: BaseException) -> str:
    """The useful part of a driver error: '... (reason [Errno 111] Connection refused)' -> 'Connection refused'."""
    text = str(e)
    m = re.search(r"reason (?:\[Errno -?\d+\] )?([^)]+)\)", text)
    if m:
        return m.group(1)
    if "handshake" in text.lower():
        return "the server does not answer the Bolt handshake (not a Neo4j Bolt port, or it is hanging)"
    message = getattr(e, "message", None) or text or type(e).__name__
    # "Couldn't connect to host:port (resolved to (...)):" says nothing the URI does not
    return re.sub(r"^Couldn't connect to \S+ \(resolved to \(.*?\)\):\s*", "", message)


def translate(e: BaseException, cfg: Neo4jSettings, doing: str = "") -> Neo4jError:
    """One-line :class:`Neo4jError` for a driver or socket error (no password, no traceback)."""
    import neo4j.exceptions as ne

    where = cfg.where
    prefix = f"{doing}: " if doing else ""
    if isinstance(e, ne.AuthError) and cfg.password is None:
        msg = (f"{prefix}Neo4j at {where} needs a password: set {cfg.password_env} "
               "(or name another variable with --password-env, or use --ask-password)")
    elif isinstance(e, ne.AuthError):
        msg = (f"{prefix}Neo4j at {where} refused the credentials of user {cfg.user!r} "
               f"(check NEO4J_USERNAME and the password in ${cfg.password_env})")
    elif _connection_lost(e) and not isinstance(e, ne.TransientError):
        msg = f"{prefix}cannot reach Neo4j at {where}: {_reason(e)}"
    elif isinstance(e, (ne.ConfigurationError, ValueError)):
        msg = f"{prefix}bad Neo4j connection settings for {redact_uri(cfg.uri)}: {_reason(e)}"
    elif isinstance(e, ne.Neo4jError):
        code = getattr(e, "code", None) or ""
        msg = f"{prefix}Neo4j at {where} refused the operation: {code + ': ' if code else ''}{_reason(e)}"
    else:
        msg = f"{prefix}Neo4j at {where}: {type(e).__name__}: {_reason(e)}"
    msg = _one_line(msg)
    if cfg.password and cfg.password in msg:  # the server never echoes it; this keeps it that way
        msg = msg.replace(cfg.password, "***")
    return Neo4jError(msg)


def _connection_lost(e: BaseException) -> bool:
    import neo4j.exceptions as ne

    return isinstance(e, (ne.ServiceUnavailable, ne.SessionExpired, ne.ConnectionAcquisitionTimeoutError,
                          ne.TransientError, OSError))


def _driver_errors() -> tuple[type[BaseException], ...]:
    import neo4j.exceptions as ne

    return (ne.Neo4jError, ne.DriverError, OSError, ValueError)


# -- the one place query text is sent ------------------------------------------------------------
_RECORDERS: list[list[str]] = []
_RECORD_LOCK = threading.Lock()


@contextlib.contextmanager
def record_queries() -> Iterator[list[str]]:
    """Collect the text of every query this module sends while the block runs (for the tests).

    >>> with record_queries() as sent:
    ...     pass
    >>> sent
    []
    """
    sent: list[str] = []
    with _RECORD_LOCK:
        _RECORDERS.append(sent)
    try:
        yield sent
    finally:
        with _RECORD_LOCK:
            _RECORDERS.remove(sent)


def _send(run: Callable[..., Any], text: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """Run ``text`` with ``params`` through ``run`` (``tx.run`` or ``driver.execute_query``), recording the text."""
    if _RECORDERS:
        with _RECORD_LOCK:
            for sent in _RECORDERS:
                sent.append(text)
    if kwargs:
        return run(text, params or {}, **kwargs)
    return run(text, params or {})


def _checked(name: str, allowed) -> str:
    """A label or relationship type from the schema, and only that, for a query text."""
    if name not in allowed or not _NAME.match(name):
        raise KgraphError(f"{name!r} is not a label of the kgraph schema")
    return name


# -- values -------------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """A Neo4j result value as plain JSON-able data, shaped like the embedded store's (:func:`.store.plain`)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        out = {k: plain(v) for k, v in value.items() if v is not None}
        if "type" not in out and value.labels:
            out["type"] = sorted(value.labels)[0]
        return out
    if isinstance(value, Relationship):
        out = {k: plain(v) for k, v in value.items() if v is not None}
        out.setdefault("type", value.type)
        out.setdefault("label", value.type)
        return out
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


# -- the connection -----------------------------------------------------------------------------
class Neo4jGraph:
    """An open connection to a Neo4j database holding (or about to hold) a kgraph graph.

    ``query(cypher, params)`` returns ``(columns, rows)`` with plain values,
    like :meth:`kgraph.graph.store.Store.query`, so the query library runs
    unchanged (``kgraph.graph.query.query(name, backend="neo4j", store=g)``).
    Queries run in read transactions: ``--cypher`` text cannot write, as on
    the embedded store, which is opened read-only.
    """

    def __init__(self, cfg: Neo4jSettings, *, connection_timeout: float = 5.0, retry_seconds: float = 30.0):
        import neo4j

        self.settings = cfg
        scheme = cfg.uri.split("://", 1)[0].lower() if "://" in cfg.uri else ""
        if scheme not in BOLT_SCHEMES:
            # the 6.x driver would take http:// as its preview HTTP API, which needs extra packages
            raise Neo4jError(f"bad Neo4j URI {redact_uri(cfg.uri)!r}: use one of "
                             f"{', '.join(s + '://' for s in BOLT_SCHEMES)} (e.g. bolt://localhost:7687)")
        if "@" in cfg.uri.split("://", 1)[1].split("/", 1)[0]:
            raise Neo4jError(f"bad Neo4j URI {redact_uri(cfg.uri)!r}: give the user in --user or NEO4J_USERNAME and "
                             "the password in NEO4J_PASSWORD, not in the URI")
        try:
            self._driver = neo4j.GraphDatabase.driver(
                cfg.uri, auth=cfg.auth, connection_timeout=connection_timeout,
                # bounds the Bolt handshake too: a port that accepts and never answers fails in time
                connection_acquisition_timeout=2 * connection_timeout,
                max_transaction_retry_time=retry_seconds, notifications_min_severity="OFF",
                user_agent="kgraph")
        except _driver_errors() as e:
            raise translate(e, cfg) from None

    def __repr__(self) -> str:
        return f"Neo4jGraph({self.settings.where})"

    def __enter__(self) -> "Neo4jGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._driver.close()
        except Exception:  # noqa: BLE001 - closing a driver of a dead server may fail; nothing to do
            pass

    def verify(self) -> None:
        """Fail with one clear line when the server is unreachable or refuses the credentials or database."""
        try:
            self._driver.verify_connectivity()
            self._driver.execute_query("RETURN 1", database_=self.settings.database)
        except _driver_errors() as e:
            raise translate(e, self.settings) from None

    def session(self):
        return self._driver.session(database=self.settings.database)

    def write(self, text: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Run one statement in a managed write transaction (retried on transient errors); returns its records.

        Errors become one :class:`Neo4jError` line.
        """
        try:
            return self._write(text, params)
        except _driver_errors() as e:
            raise translate(e, self.settings) from None

    def _write(self, text: str, params: dict[str, Any] | None = None) -> list[Any]:
        def work(tx):
            return list(_send(tx.run, text, params))

        with self.session() as s:
            return s.execute_write(work)

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        """Run Cypher with parameters in a read transaction; returns ``(column names, rows)`` with plain values."""
        import neo4j
        import neo4j.exceptions as ne

        try:
            result = _send(self._driver.execute_query, cypher, params, routing_=neo4j.RoutingControl.READ,
                           database_=self.settings.database)
        except (ne.CypherSyntaxError, ne.CypherTypeError) as e:
            raise KgraphError(f"query failed: {_one_line(_reason(e), 400)}") from None
        except ne.ClientError as e:
            if e.code and e.code.startswith("Neo.ClientError.Statement."):
                raise KgraphError(f"query failed: {_one_line(_reason(e), 400)}") from None
            raise translate(e, self.settings) from None
        except _driver_errors() as e:
            raise translate(e, self.settings) from None
        return list(result.keys), [[plain(v) for v in rec.values()] for rec in result.records]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {label: n}, "edges": {type: n}}`` for kgraph's labels and types (like ``Store.counts``)."""
        s = schema()
        nodes = {name: self.query(f"MATCH (n:{_checked(name, s.nodes)}) RETURN count(n)")[1][0][0] for name in s.nodes}
        edges = {}
        for name in s.rels:
            n = self.query(f"MATCH ()-[r:{_checked(name, s.rels)}]->() RETURN count(r)")[1][0][0]
            if n:
                edges[name] = n
        return {"nodes": nodes, "edges": edges}


def connect(uri: str | None = None, auth: tuple[str, str] | None = None, database: str | None = None, *,
            user: str | None = None, password_env: str | None = None, connection_timeout: float = 5.0,
            retry_seconds: float = 30.0, verify: bool = True) -> Neo4jGraph:
    """Open a :class:`Neo4jGraph` (settings as in :func:`settings`), checked with one round trip."""
    cfg = settings(uri, auth, database, user=user, password_env=password_env)
    graph = Neo4jGraph(cfg, connection_timeout=connection_timeout, retry_seconds=retry_seconds)
    if verify:
        try:
            graph.verify()
        except BaseException:
            graph.close()
            raise
    return graph


def quiet_driver_unless_verbose() -> None:
    """Keep the driver's retry warnings off the terminal when the CLI runs without ``-v``.

    The ``kgraph`` command sets its own logger to ERROR without ``-v``; the
    driver's "Transaction failed and will be retried" lines (several, with
    socket details) would otherwise precede the one ``Error:`` line that
    says the same.
    """
    if not logging.getLogger("kgraph").isEnabledFor(logging.WARNING):
        logging.getLogger("neo4j").setLevel(logging.ERROR)


_SHARED: dict[tuple, Neo4jGraph] = {}
_SHARED_LOCK = threading.Lock()


def _shared_graph() -> Neo4jGraph:
    """One connection per configuration from the environment, reused by :func:`run_query` and closed at exit."""
    cfg = settings()
    key = (cfg.uri, cfg.user, cfg.database, hashlib.sha256((cfg.password or "").encode()).hexdigest())
    with _SHARED_LOCK:
        graph = _SHARED.get(key)
        if graph is None:
            if not _SHARED:
                import atexit

                atexit.register(_close_shared)
            graph = _SHARED[key] = Neo4jGraph(cfg)
    return graph


def _close_shared() -> None:
    with _SHARED_LOCK:
        for graph in _SHARED.values():
            graph.close()
        _SHARED.clear()


def run_query(cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
    """Run Cypher on the Neo4j server named by the environment (the ``--backend neo4j`` of ``kgraph query``)."""
    quiet_driver_unless_verbose()
    return _shared_graph().query(cypher, params)
