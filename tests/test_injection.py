"""Injection: hostile lookup and query values are parameters, never query text.

Every statement the embedded store executes is recorded by wrapping the
real ``ladybug.Connection.execute`` (instrumentation of the database, not a
stand-in for it), and every SQL statement of the lookup index through a
recording ``sqlite3.Connection``. For each entry point (lookup, show, view,
export --around, every library query, ``--cypher`` with a parameter) and each
hostile value (Cypher and SQL fragments, quotes, backslashes, NUL and other
control characters, 100,000 characters, bidi controls, parameter and
template syntax) the executed text equals the text executed for a harmless
value that takes the same path, the hostile value travels in the
parameters, and the graph is unchanged afterwards. Lone surrogates (what
undecodable command-line bytes become) are refused with one clear line.
"""
from __future__ import annotations

import re
import sqlite3

import ladybug
import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import cli
from kgraph.datadir import DataDir
from kgraph.errors import KgraphError
from kgraph.graph import library
from kgraph.htmlview import view_data
from tests.hardening import tree_digest

HOSTILE = [
    "x'}) DETACH DELETE n //",
    "ofac-40181'}) MATCH (m) DETACH DELETE m RETURN 1 //",
    "') RETURN 1 UNION MATCH (n) SET n.sanctioned = false RETURN 1 //",
    "'; DROP TABLE key; --",
    '" OR 1=1 --',
    "a\\'b\\\\c\"d`e",
    "\x00",
    "ofac-40181\x00' OR '1'='1",
    "".join(chr(i) for i in range(1, 32)) + "\x7f\x85\u2028",
    "$id",
    "{{a}} {{operator}} {label}",
    "Airplane) MATCH (n",
    "Авиакон\u202e\u200bЦитотранс\ufeff",
    "A" * 100_000,
]
SURROGATES = ["\ud800", "RA-78765\udcff"]
NOTHING = "zz-no-such-node"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    dd = DataDir(tmp_path_factory.mktemp("inject") / "data")
    kgraph.demo(datadir=dd)
    before = tree_digest(dd.graphs)
    counts = kgraph.stats(datadir=dd)["counts"]
    yield dd
    # nothing any attack did changed the graph: same files, same bytes, same counts
    assert tree_digest(dd.graphs) == before
    assert kgraph.stats(datadir=dd)["counts"] == counts


class Recorder:
    """The statements (text, parameters) the store and the lookup index executed."""

    def __init__(self, monkeypatch):
        self.cypher: list[tuple[str, dict]] = []
        self.sql: list[tuple[str, tuple]] = []
        real_execute = ladybug.Connection.execute
        recorder = self

        def execute(conn, query, parameters=None):
            recorder.cypher.append((query if isinstance(query, str) else repr(query), dict(parameters or {})))
            return real_execute(conn, query, parameters)

        class RecordingConnection(sqlite3.Connection):
            def execute(self, sql, parameters=()):
                recorder.sql.append((sql, tuple(parameters)))
                return super().execute(sql, parameters)

        real_connect = sqlite3.connect
        monkeypatch.setattr(ladybug.Connection, "execute", execute)
        monkeypatch.setattr("kgraph.lookup_index.sqlite3.connect",
                            lambda *a, **kw: real_connect(*a, factory=RecordingConnection, **kw))

    def take(self) -> tuple[list[str], list[str], list]:
        """Texts executed since the last call (SQL with its ``?`` lists collapsed), and all parameter values."""
        cypher = [t for t, _ in self.cypher]
        sql = [re.sub(r"\?(,\?)*", "?…", t) for t, _ in self.sql]
        values = [v for _, p in self.cypher for v in p.values()] + [v for _, p in self.sql for v in p]
        self.cypher, self.sql = [], []
        return cypher, sql, values


@pytest.fixture
def rec(monkeypatch):
    return Recorder(monkeypatch)


def _contains(values, needle: str) -> bool:
    return any(v == needle or (isinstance(v, list) and needle in v) for v in values)


def _outcome(fn):
    try:
        fn()
    except KgraphError as e:
        return type(e).__name__
    return "ok"


def _no_fragment_in(texts: list[str], value: str) -> None:
    """No piece of the hostile value (4+ characters of it) made it into any statement text."""
    pieces = {value[i:i + 8] for i in range(0, max(len(value) - 7, 1), 4)} if len(value) >= 8 else {value}
    pieces = {p for p in pieces if len(p.strip()) >= 4 and not p.isalnum()}
    for text in texts:
        assert not any(p in text for p in pieces), (value[:60], text[:200])


# --------------------------------------------------------------------------- lookup (the SQLite index)
def test_lookup_sends_hostile_text_as_parameters(graph, rec):
    benign: set[str] = set()
    for q in (NOTHING, "Aviacon Zitotrans", "ofac-40181", "RA78765", "Zitotrnas", "Zitotrams", "78765"):
        kgraph.lookup(q, datadir=graph)
        benign |= set(rec.take()[1])
    # the index's format check, the key query and the node query, the nodes by their ids, the tails of every
    # nationality mark before a bare tail number, the keys of a word's consonants, and for a misspelt word the
    # range of keys it is compared with and their nodes: the only SQL lookup ever runs
    assert len(benign) == 8 and "PRAGMA user_version" in benign
    assert any(text.startswith("SELECT tail FROM tail WHERE tail IN (?") for text in benign)
    for value in HOSTILE:
        hits = kgraph.lookup(value, datadir=graph)
        _, sql, params = rec.take()
        assert set(sql) <= benign, sql
        _no_fragment_in(sql, value)
        assert all(isinstance(h["id"], str) for h in hits)
        assert params, "no parameters: the query was not sent as parameters"


def test_lookup_refuses_lone_surrogates_in_one_line(graph, rec):
    for value in SURROGATES:
        with pytest.raises(KgraphError, match="not valid text"):
            kgraph.lookup(value, datadir=graph)
        assert rec.take()[1] == []


# --------------------------------------------------------------------------- show, view, export --around
ENTRY_POINTS = {
    "show": lambda dd, v: kgraph.show(v, datadir=dd),
    "view": lambda dd, v: view_data(v, hops=2, datadir=dd),
    "export-around": lambda dd, v: kgraph.export("json", dd.root / "out.json", datadir=dd, around=v),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_node_id_entry_points_run_constant_text(graph, rec, entry):
    run = ENTRY_POINTS[entry]
    assert _outcome(lambda: run(graph, NOTHING)) == "NotFound"
    baseline, _, _ = rec.take()
    assert baseline
    # show and view look up what is no node id: a value with near name hits does not ask the store for
    # flights as NOTHING does, a second path of constant texts
    assert _outcome(lambda: run(graph, "Zitotrans")) == "NotFound"
    paths = set(baseline) | set(rec.take()[0])
    for value in HOSTILE:
        assert _outcome(lambda: run(graph, value)) == "NotFound"
        texts, _, params = rec.take()
        assert texts[0] == baseline[0] and set(texts) <= paths, texts
        assert _contains(params, value), "the id was not passed as a parameter"
    for value in SURROGATES:
        with pytest.raises(KgraphError, match="not valid text"):
            run(graph, value)
        assert rec.take()[0] == []  # refused before the engine saw it


# --------------------------------------------------------------------------- the query library
def _benign(p) -> object:
    """A harmless value: the defaults, and an existing node for node parameters (so the next one is reached)."""
    if not p.required:
        return p.default
    return {"node": "ofac-40181", "string": NOTHING, "list": [NOTHING], "date": "2026-01-01", "int": 1,
            "float": 1.0, "bool": True}[p.type]


LIBRARY = library()


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_query_runs_constant_text(graph, rec, name):
    from kgraph.graph import open_store

    q = LIBRARY[name]
    base = {p.name: _benign(p) for p in q.params.values()}
    with open_store(datadir=graph) as store:
        def run(params):
            return _outcome(lambda: kgraph.query(name, params=params, store=store))

        assert run(base) in ("ok", "NotFound")
        assert rec.take()[0]
        for p in q.params.values():
            harmless = {"node": NOTHING, "list": [NOTHING]}.get(p.type, NOTHING)
            baseline_outcome = run({**base, p.name: harmless})
            baseline = rec.take()[0]
            values = HOSTILE + [[NOTHING, v] for v in HOSTILE[:3]] if p.type == "list" else HOSTILE
            for value in values:
                outcome = run({**base, p.name: value})
                texts, _, sent = rec.take()
                if p.type in ("string", "node", "list"):
                    assert outcome == baseline_outcome and texts == baseline, (p.name, repr(value)[:60])
                    needle = value[-1] if isinstance(value, list) else value
                    assert _contains(sent, needle), "the value was not passed as a parameter"
                else:
                    # dates, numbers and flags are checked before any statement runs
                    assert outcome == "KgraphError" and texts == [], (p.name, repr(value)[:60])
            if p.type in ("string", "node"):
                for value in SURROGATES:
                    assert run({**base, p.name: value}) == "KgraphError"
                    assert not _contains(rec.take()[2], value)  # refused before the engine saw it


def test_every_library_query_with_a_parameter_was_attacked():
    assert [n for n, q in LIBRARY.items() if q.params] and all(q.bodies for q in LIBRARY.values())


def test_user_cypher_gets_its_values_as_parameters(graph, rec):
    text = "MATCH (n) WHERE n.id = $x RETURN n.id AS id"
    for value in HOSTILE:
        assert kgraph.query(cypher=text, params={"x": value}, datadir=graph) == (["id"], [])
        texts, _, sent = rec.take()
        assert texts == [text] and _contains(sent, value)


def test_user_cypher_cannot_write(graph, rec):
    for text in ("MATCH (n) DETACH DELETE n", "CREATE (:Country {id: 'x'})",
                 "MATCH (n:Airplane) SET n.sanctioned = false"):
        with pytest.raises(KgraphError, match="read-only"):
            kgraph.query(cypher=text, datadir=graph)


# --------------------------------------------------------------------------- through the command line
@pytest.mark.parametrize("value", HOSTILE[:6] + ["A" * 20_000], ids=lambda v: repr(v)[:24])
def test_cli_lookup_show_query_with_hostile_text(graph, value):
    runner = CliRunner()
    r = runner.invoke(cli, ["--data-dir", str(graph.root), "lookup", value, "--json"])
    assert r.exit_code == 0 and r.stderr == "", r.output
    for args in (["show", value], ["query", "operator-chain", "--param", f"operator={value}"],
                 ["query", "listed-by-not-by", "--param", f"by={value}", "--param", f"not_by={value}", "--json"]):
        r = runner.invoke(cli, ["--data-dir", str(graph.root), *args])
        assert r.exit_code in (0, 1), r.output
        if r.exit_code:
            assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("Error: "), r.stderr


def test_undecodable_command_line_bytes_give_one_error_line(graph):
    """Bytes that are not UTF-8 on the command line (decoded by Python as lone surrogates)."""
    import os
    import subprocess
    import sys

    from tests.hardening import KGRAPH, clean_env

    for args in ([b"lookup", b"\xff\xfeRA78765"], [b"show", b"ofac-\xff"], [b"query", b"operator-chain", b"--param",
                 b"operator=\xc3"], [b"view", b"\xff", b"-o", os.fsencode(graph.root / "v.html")]):
        cmd = [os.fsencode(a) for a in KGRAPH] + [b"--data-dir", os.fsencode(graph.root), *args]
        r = subprocess.run(cmd, capture_output=True, env=clean_env(), timeout=120)
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode == 1 and r.stdout == b"", (args, err)
        assert len(err.splitlines()) == 1 and "not valid text" in err, (args, err)
    assert not (graph.root / "v.html").exists()
    assert sys.getfilesystemencoding() == "utf-8"
