"""The Neo4j exports against a real Neo4j 5.26: the cypher-shell script and the neo4j-admin CSV set.

* ``kgraph export --format cypher``: the script's statements run through the driver, the way
  cypher-shell runs them (``:begin``/``:commit`` blocks), into the test server.
* ``kgraph export --format neo4j-admin``: the CSV set goes through the real importer,
  ``neo4j-admin database import full``, run from the launcher's jars (``org.neo4j.cli.AdminTool``,
  the class the ``neo4j-admin`` script ends up running; ``Neo4jAdminCommand`` in neo4j-5.26.30.jar
  is only the launcher script's bootloader, which forks a JVM from ``$NEO4J_HOME/lib``) into a
  fresh Neo4j home; a second launcher then serves that store and the library queries run on it.

Both must hold exactly the embedded graph: every node, relationship and property, with its type.
"""
from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from kgraph.graph.export import export
from kgraph.graph.neo4j import connect
from kgraph.graph.tables import GraphTables
from tests.neo4j_server import Neo4jServer, launcher_jar
from tests.test_neo4j_load import db_contents, demo_datadir, expected_contents, graph_of, read_tables
from tests.test_queries_neo4j import EXTRA, compare_library

pytestmark = pytest.mark.neo4j

#: text the exports must carry through unchanged (quotes, commas, backslashes, a newline, a tab, Cypher)
AWKWARD = "O'Brien \"Aero\", LLC \\ ; MATCH (n) DETACH DELETE n // {x: 1}\nline two\ttab — Авиакон"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_datadir(tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture(scope="module")
def tables(demo) -> GraphTables:
    """The demo graph plus one organisation whose every text value is awkward."""
    tables = read_tables(demo)
    tables.add_node("Organization", {"id": "test-" + AWKWARD, "caption": AWKWARD, "names": [AWKWARD, "plain"],
                                     "sanctioned": False, "sources": '[{"source": "test", "note": "a \\"b\\""}]',
                                     "name": [AWKWARD, "plain"], "notes": ["a,b", "c\\d", 'e"f']})
    tables.add_rel("LOCATED_IN", "Organization", "Country", "test-" + AWKWARD, "country-CU",
                   {"source": "test", "record": AWKWARD, "role": "jurisdiction"})
    return tables


def run_cypher_script(graph, text: str) -> int:
    """Run a cypher-shell script through the driver: ``:begin``/``:commit`` blocks, one statement a line."""
    n = 0
    tx = None
    with graph.session() as session:
        for line in text.split("\n"):
            if not line or line.startswith("//"):
                continue
            if line == ":begin":
                tx = session.begin_transaction()
            elif line == ":commit":
                tx.commit()
                tx = None
            else:
                assert line.endswith(";"), line  # every statement is one line: literals escape newlines
                (tx or session).run(line[:-1]).consume()
                n += 1
    assert tx is None
    return n


def test_cypher_script_runs_in_neo4j_and_gives_the_embedded_graph(neo4j_clean, tables, tmp_path):
    summary = export("cypher", tmp_path / "graph.cypher", tables=tables)
    assert (summary["nodes"], summary["relationships"]) == (31, 50)
    script = (tmp_path / "graph.cypher").read_text(encoding="utf-8")
    with graph_of(neo4j_clean) as graph:
        statements = run_cypher_script(graph, script)
        assert statements == 12 + 31 + 50  # constraints, nodes, relationships
        assert db_contents(graph) == expected_contents(tables)
        _, rows = graph.query("MATCH (o:Organization {id: $id})-[r:LOCATED_IN]->(c) RETURN o.caption, o.notes, "
                              "r.record, c.code", {"id": "test-" + AWKWARD})
        assert rows == [[AWKWARD, ["a,b", "c\\d", 'e"f'], AWKWARD, "CU"]]
        counts = graph.counts()
        run_cypher_script(graph, script)  # MERGE: running it again changes nothing
        assert graph.counts() == counts
        assert db_contents(graph) == expected_contents(tables)
        _, rows = graph.query("SHOW CONSTRAINTS YIELD type RETURN type, count(*)")
        assert rows == [["UNIQUENESS", 12]]


def neo4j_admin_import(export_dir: Path, home: Path, command: str) -> subprocess.CompletedProcess:
    """Run the export's ``neo4j-admin database import full`` command with the launcher's jars."""
    jar = launcher_jar()
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text("")
    args = shlex.split(command)
    assert args[:4] == ["neo4j-admin", "database", "import", "full"]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    opens = [f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in ("java.nio", "java.io", "sun.nio.ch", "java.lang")]
    return subprocess.run(["java", "-Xmx512m", *opens, "-cp", str(jar.parent / "lib" / "*"),
                           "org.neo4j.cli.AdminTool", *args[1:]],
                          capture_output=True, text=True, env=env, timeout=600, cwd=home)


@pytest.mark.slow
def test_neo4j_admin_csv_set_imports_with_the_real_importer(neo4j_server, demo, tables, tmp_path):
    if not neo4j_server.managed:
        pytest.skip("needs the launcher's jars (the fixture's own server)")
    summary = export("neo4j-admin", tmp_path / "csv", tables=tables)
    workdir = tmp_path / "imported"
    done = neo4j_admin_import(tmp_path / "csv", workdir / "home", summary["command"])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "IMPORT DONE" in done.stdout and f"{tables.node_count} nodes" in done.stdout
    assert f"{tables.edge_count} relationships" in done.stdout
    assert (tmp_path / "csv" / "import.report").is_file()  # beside the CSV set, not in the working directory
    server = Neo4jServer("", "neo4j", neo4j_server.password, jar=launcher_jar(), workdir=workdir)
    try:
        server.start()  # serves the imported store (its --home is workdir/home)
        with connect(server.uri, server.auth) as graph:
            assert db_contents(graph) == expected_contents(tables)
            constraints = (tmp_path / "csv" / "constraints.cypher").read_text(encoding="utf-8")
            for statement in filter(None, (s.strip() for s in constraints.split(";"))):
                graph.write(statement)
            assert len(graph.query("SHOW CONSTRAINTS YIELD name RETURN name")[1]) == 12
            # without the awkward node it is the demo graph: the library gives the embedded rows there
            graph.write("MATCH (o:Organization {id: $id}) DETACH DELETE o", {"id": "test-" + AWKWARD})
            found = compare_library(demo, graph, EXTRA)
            assert sum(found.values()) > 50
    finally:
        server.close()
