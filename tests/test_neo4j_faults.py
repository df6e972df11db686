"""`kgraph neo4j load` when things go wrong (issue 8.5), against the real test Neo4j.

The server is stopped or killed between two batches of a load (deterministically, from the
load's per-batch hook), the credentials are wrong, the URI is unreachable or answers nothing,
and the database holds someone else's data. Every failure must be one clear line that never
shows the password, and a rerun must complete the load with exactly the right counts.
"""
from __future__ import annotations

import logging
import re
import socket

import pytest
from click.testing import CliRunner

from kgraph.cli import cli
from kgraph.errors import Neo4jError
from kgraph.graph import open_store
from kgraph.graph.neo4j import connect
from kgraph.graph.neo4j_load import load_neo4j, load_tables
from tests.test_neo4j_load import (cli_env, db_contents, demo_datadir, expected_contents, graph_of, label_counts,
                                   read_tables)

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_datadir(tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture(scope="module")
def tables(demo):
    return read_tables(demo)


def embedded_counts(dd) -> dict:
    with open_store(datadir=dd) as store:
        return store.counts()


def committed(message: str) -> tuple[int, int]:
    """(nodes, relationships) a failed load says it had written: '... after N of 30 nodes and M of 49 ...'."""
    m = re.search(r"after ([\d,]+) of [\d,]+ nodes(?: and ([\d,]+) of [\d,]+ relationships)?", message)
    assert m, message
    return int(m[1].replace(",", "")), int((m[2] or "0").replace(",", ""))


def after_batches(n: int, action, kinds=("nodes", "relationships")):
    """A load hook that runs ``action`` once, after the n-th committed batch of the given kinds."""
    seen = []

    def hook(kind, done, total):
        if kind in kinds:
            seen.append(done)
            if len(seen) == n:
                action()

    return hook


def assert_one_line(message: str, *secrets: str | None) -> None:
    assert message and "\n" not in message.strip() and "Traceback" not in message
    for secret in secrets:
        if secret:
            assert secret not in message


@pytest.mark.slow
def test_server_stopped_mid_load_fails_in_one_line_and_a_rerun_completes(neo4j_clean, demo, tables):
    server = neo4j_clean
    with pytest.raises(Neo4jError) as caught:
        load_tables(tables, uri=server.uri, auth=server.auth, batch_size=3, workers=1, retry_seconds=1,
                    connection_timeout=2, on_batch=after_batches(2, server.stop, ("nodes",)))
    message = str(caught.value)
    assert_one_line(message, server.password)
    assert message.startswith("Neo4j load failed while loading nodes after ")
    nodes_written, _ = committed(message)
    assert 0 < nodes_written < 30
    assert "cannot reach Neo4j" in message and message.endswith("rerun the load to complete it (it is idempotent)")
    # the CLI says the same in one "Error:" line while the server is down
    result = CliRunner(env=cli_env(server)).invoke(cli, ["--data-dir", str(demo.root), "neo4j", "load"])
    assert result.exit_code == 1 and result.output.startswith("Error: cannot reach Neo4j at ")
    assert_one_line(result.output, server.password)

    server.start()
    with graph_of(server) as graph:
        # the batches committed before the stop are there, and nothing of the batch after it
        assert sum(graph.counts()["nodes"].values()) == nodes_written
        summary = load_neo4j(demo, uri=server.uri, auth=server.auth)
        assert summary["nodes"] == 30 and summary["missing_ends"] == 0
        assert db_contents(graph) == expected_contents(tables)
        counts = graph.counts()
        load_neo4j(demo, uri=server.uri, auth=server.auth)
        assert graph.counts() == counts


@pytest.mark.slow
def test_server_killed_mid_load_recovers_and_a_rerun_completes(neo4j_clean, demo, tables):
    server = neo4j_clean
    with pytest.raises(Neo4jError) as caught:
        load_tables(tables, uri=server.uri, auth=server.auth, batch_size=4, workers=2, retry_seconds=1,
                    connection_timeout=2, on_batch=after_batches(3, server.kill, ("relationships",)))
    message = str(caught.value)
    assert_one_line(message, server.password)
    assert message.startswith("Neo4j load failed while loading relationships after 30 of 30 nodes and ")
    nodes_written, rels_written = committed(message)
    assert 0 < rels_written < 49
    server.start()  # recovery replays the transaction log: committed batches are there
    with graph_of(server) as graph:
        counts = graph.counts()
        assert (sum(counts["nodes"].values()), sum(counts["edges"].values())) == (nodes_written, rels_written)
        load_neo4j(demo, uri=server.uri, auth=server.auth, workers=2)
        assert db_contents(graph) == expected_contents(tables)
        assert graph.counts() == embedded_counts(demo)


def test_wrong_credentials_are_one_clear_line_and_never_show_a_password(neo4j_server, demo, caplog):
    server = neo4j_server
    if server.auth is None:
        pytest.skip("server runs without authentication")
    if not server.running:
        server.start()
    wrong = "not-the-" + server.password[::-1]
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="neo4j")  # the driver's Bolt log too: it logs the LOGON message
    with pytest.raises(Neo4jError) as caught:
        load_neo4j(demo, uri=server.uri, auth=(server.user, wrong))
    message = str(caught.value)
    assert message.startswith(f"Neo4j at {server.uri} (database neo4j) refused the credentials of user 'neo4j'")
    assert_one_line(message, wrong, server.password)
    assert "C: LOGON" in caplog.text  # the log that would carry the credentials was captured ...
    assert wrong not in caplog.text and server.password not in caplog.text  # ... and shows neither
    # the CLI: password from the environment, another user (failed logins lock a user for a few seconds)
    env = {**cli_env(server), "NEO4J_USERNAME": "nobody", "NEO4J_PASSWORD": wrong, "KGRAPH_NEO4J_PW": wrong}
    runner = CliRunner(env=env)
    for args in (["neo4j", "load"], ["neo4j", "load", "--password-env", "KGRAPH_NEO4J_PW", "--user", "nobody"],
                 ["-vv", "neo4j", "load"]):
        result = runner.invoke(cli, ["--data-dir", str(demo.root), *args])
        assert result.exit_code == 1
        assert result.output.startswith("Error: Neo4j at ")
        assert "refused the credentials of user 'nobody'" in result.output
        assert_one_line(result.output, wrong, server.password)
    assert wrong not in caplog.text and server.password not in caplog.text
    no_password = runner.invoke(cli, ["--data-dir", str(demo.root), "neo4j", "load"],
                                env={**env, "NEO4J_PASSWORD": None})
    assert no_password.exit_code == 1 and "needs a password: set NEO4J_PASSWORD" in no_password.output
    unset = runner.invoke(cli, ["--data-dir", str(demo.root), "neo4j", "load", "--password-env", "NO_SUCH_VAR_X"])
    assert unset.output == "Error: --password-env NO_SUCH_VAR_X: no such environment variable is set\n"
    with graph_of(server) as graph:  # the right password still works
        assert graph.query("RETURN 1 AS one") == (["one"], [[1]])


def test_an_unreachable_server_is_one_clear_line_quickly(demo, tables):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    with pytest.raises(Neo4jError) as caught:
        load_tables(tables, uri=f"bolt://127.0.0.1:{closed}", auth=("neo4j", "secret-pw-1"))
    assert str(caught.value) == f"cannot reach Neo4j at bolt://127.0.0.1:{closed} (database neo4j): Connection refused"
    result = CliRunner(env={"NEO4J_URI": f"bolt://127.0.0.1:{closed}", "NEO4J_PASSWORD": "secret-pw-1"}).invoke(
        cli, ["--data-dir", str(demo.root), "neo4j", "load"])
    assert result.exit_code == 1
    assert result.output == f"Error: {caught.value}\n"
    # a port that accepts connections and never answers (a hung server, a firewall): the connection timeout
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        with pytest.raises(Neo4jError, match="does not answer the Bolt handshake"):
            load_tables(tables, uri=f"bolt://127.0.0.1:{port}", auth=("neo4j", "secret-pw-1"), connection_timeout=1)
    for uri, expected in (("http://127.0.0.1:7474", "bad Neo4j URI"), ("bolt://neo4j:secret-pw-1@127.0.0.1:7687",
                                                                        "not in the URI")):
        with pytest.raises(Neo4jError, match=expected) as caught:
            connect(uri, ("neo4j", "x"))
        assert "secret-pw-1" not in str(caught.value)


def test_load_and_wipe_touch_only_kgraphs_labels(neo4j_clean, demo, tables):
    server = neo4j_clean
    foreign_labels = ["Customer", "Account", "Case"]
    foreign_types = ["OWNS_ACCOUNT", "KNOWS", "CONCERNS", "SANCTIONED_UNDER"]
    with graph_of(server) as graph:
        # another team's data, including a relationship type kgraph also uses, between their own nodes
        graph.write("CREATE (a:Customer {id: 'c-1', name: 'A'})-[:OWNS_ACCOUNT]->(:Account {id: 'acc-1'}), "
                    "(b:Customer {id: 'c-2'})-[:KNOWS {since: 2020}]->(a), "
                    "(k:Case {id: 'case-7'})-[:CONCERNS]->(b), (a)-[:SANCTIONED_UNDER]->(k)")

        def foreign():
            rels = {t: graph.query(f"MATCH (x)-[r:{t}]->(y) WHERE x.type IS NULL AND y.type IS NULL "
                                   "RETURN count(r)")[1][0][0] for t in foreign_types}
            return label_counts(graph, foreign_labels), rels

        before = foreign()
        runner = CliRunner(env=cli_env(server))
        for args in (["neo4j", "load"], ["neo4j", "load", "--wipe"], ["neo4j", "load", "--wipe", "--batch-size", "2"]):
            result = runner.invoke(cli, ["--data-dir", str(demo.root), *args])
            assert result.exit_code == 0, result.output
            assert foreign() == before
            assert db_contents(graph) == expected_contents(tables)
        assert "wiped 30 old nodes first" in result.output
        kgraph_edges = graph.counts()["edges"]
        kgraph_edges["SANCTIONED_UNDER"] -= 1  # the other team's one; the rest are kgraph's
        assert kgraph_edges == embedded_counts(demo)["edges"]
