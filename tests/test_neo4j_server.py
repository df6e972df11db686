"""The Neo4j test server itself: Bolt, credentials, version, stop/start/kill over one store.

These tests run against the real Neo4j 5.26 started by ``tests/neo4j_server.py`` (or the server
named by ``NEO4J_URI``). The fault tests of the loader rely on ``stop()``/``kill()``/``start()``
keeping the store, which is what the restart tests here pin down.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.neo4j_server import launcher_command, launcher_jar

neo4j = pytest.importorskip("neo4j")
pytestmark = pytest.mark.neo4j

AVIACON = {"id": "ofac-40181", "name": "AVIACON ZITOTRANS", "programs": ["RUSSIA-EO14024"]}


def _count(server, query: str, **params) -> int:
    with server.driver() as drv:
        return drv.execute_query(query, params).records[0][0]


def test_write_and_read_a_node_with_parameters(neo4j_clean):
    with neo4j_clean.driver() as drv:
        drv.execute_query("CREATE (o:Organization {id: $id, name: $name, programs: $programs})", AVIACON)
        records = drv.execute_query("MATCH (o:Organization {id: $id}) RETURN o.name AS name, o.programs AS programs",
                                    id=AVIACON["id"]).records
    assert [(r["name"], r["programs"]) for r in records] == [(AVIACON["name"], AVIACON["programs"])]


def test_clean_fixture_starts_from_an_empty_database(neo4j_clean):
    with neo4j_clean.driver() as drv:
        drv.execute_query("CREATE CONSTRAINT org_id IF NOT EXISTS FOR (o:Organization) REQUIRE o.id IS UNIQUE")
        drv.execute_query("CREATE (:Organization {id: $id})-[:OPERATES]->(:Airplane {id: $plane})",
                          id=AVIACON["id"], plane="ofac-40185")
    neo4j_clean.clean()
    assert _count(neo4j_clean, "MATCH (n) RETURN count(n)") == 0
    assert _count(neo4j_clean, "SHOW CONSTRAINTS YIELD name RETURN count(name)") == 0
    assert _count(neo4j_clean, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN count(name)") == 0


def test_server_reports_its_version(neo4j_server):
    with neo4j_server.driver() as drv:
        record = drv.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                   "RETURN name, versions[0] AS version, edition").records[0]
    assert record["name"] == "Neo4j Kernel"
    assert record["version"] == neo4j_server.version
    if neo4j_server.managed:
        # The launcher pins the 5.26 LTS line (the last one running on Java 17), Community edition.
        assert record["version"].startswith("5.26.")
        assert record["edition"] == "community"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port``, from /proc/net/tcp{,6} (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(addr)
    return found


def test_launched_server_listens_on_loopback_only(neo4j_server):
    if not neo4j_server.managed:
        pytest.skip("listen address of an external server is not ours to check")
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp")
    host, port = neo4j_server.uri.removeprefix("bolt://").rsplit(":", 1)
    assert host == "127.0.0.1"
    # 127.0.0.1 as /proc/net/tcp writes it (little-endian hex), or IPv4-mapped in tcp6 where Java
    # binds a dual-stack socket; a wildcard bind would show 00000000 or all zeros.
    loopback = {"0100007F", "0000000000000000FFFF00000100007F"}
    listening = _listening_addresses(int(port))
    assert listening and listening <= loopback, listening


def test_wrong_password_is_an_auth_error_that_does_not_echo_passwords(neo4j_server):
    if neo4j_server.auth is None:
        pytest.skip("server runs without authentication")
    wrong = "not-the-" + neo4j_server.password[::-1]
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, wrong)) as drv:
        with pytest.raises(neo4j.exceptions.AuthError) as caught:
            drv.verify_connectivity()
    assert wrong not in str(caught.value)
    assert neo4j_server.password not in str(caught.value)
    # The right password still works: one failure must not lock the user out.
    assert _count(neo4j_server, "RETURN 1") == 1


@pytest.mark.slow
def test_stop_then_start_keeps_the_store(neo4j_clean):
    server = neo4j_clean
    with server.driver() as drv:
        drv.execute_query("CREATE (:Airplane {id: $id, tail: $tail})", id="ofac-40185", tail="RA-78765")
    uri = server.uri
    server.stop()
    assert not server.running
    with neo4j.GraphDatabase.driver(uri, auth=server.auth) as drv:
        with pytest.raises(neo4j.exceptions.ServiceUnavailable):
            drv.verify_connectivity()
    server.start()
    assert server.running
    assert _count(server, "MATCH (a:Airplane {tail: $tail}) RETURN count(a)", tail="RA-78765") == 1


@pytest.mark.slow
def test_kill_then_start_recovers_committed_writes(neo4j_clean):
    server = neo4j_clean
    with server.driver() as drv:
        drv.execute_query("UNWIND range(1, $n) AS i CREATE (:Flight {id: 'f-' + toString(i)})", n=500)
    server.kill()  # SIGKILL: no checkpoint, recovery must replay the transaction log
    server.start()
    assert _count(server, "MATCH (f:Flight) RETURN count(f)") == 500


def test_passwords_never_reach_launcher_or_neo4j_logs(neo4j_server):
    if not neo4j_server.managed:
        pytest.skip("logs of an external server are not ours to read")
    logs = sorted(neo4j_server.home.parent.glob("launcher-*.*")) + sorted((neo4j_server.home / "logs").glob("*"))
    assert any(p.name.startswith("launcher-") for p in logs)
    for path in logs:
        assert neo4j_server.password not in path.read_text(errors="replace"), path


def test_launcher_rejects_a_short_password_without_printing_it():
    done = subprocess.run(launcher_command(launcher_jar(), "--port", "0", "--password", "tiny7ch"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "at least 8 characters" in done.stderr
    assert "tiny7ch" not in done.stderr + done.stdout
