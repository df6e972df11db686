"""`kgraph neo4j load` against a real Neo4j 5.26: constraints, nodes, relationships, property types,
idempotence, reloads, --wipe, batching, the CLI, and query texts that never depend on the data.

The server is the session's ``neo4j_server`` (tests/neo4j_server.py); every test starts from an
empty database (``neo4j_clean``). Helpers here are shared by the other Neo4j test modules.
"""
from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import cli
from kgraph.datadir import DataDir
from kgraph.errors import KgraphError
from kgraph.graph import open_store, tables_from_store
from kgraph.graph.neo4j import Neo4jGraph, connect, record_queries
from kgraph.graph.neo4j_load import load_neo4j, load_tables, node_statement, rel_statement, wipe_statement
from kgraph.graph.tables import GraphTables, RelTable
from kgraph.schema import schema

pytestmark = pytest.mark.neo4j

#: text that would break out of a string literal, a map, a label or a comment if it were spliced in
HOSTILE = "x' }) DETACH DELETE n // \" ` \\ \\' ; MATCH (m) RETURN m /* {{id}} $rows \n\t\x00\x07\x1b\u2028 ЯЁ"


# -- helpers shared by the Neo4j test modules --------------------------------------------------------
def demo_datadir(root) -> DataDir:
    """The packaged demo (Aviacon Zitotrans) built into a fresh data directory."""
    dd = DataDir(root)
    kgraph.demo(datadir=dd)
    return dd


def read_tables(dd: DataDir) -> GraphTables:
    with open_store(datadir=dd) as store:
        return tables_from_store(store)


def graph_of(server) -> Neo4jGraph:
    return connect(server.uri, server.auth)


def cli_env(server) -> dict[str, str | None]:
    return {"NEO4J_URI": server.uri, "NEO4J_USERNAME": server.user, "NEO4J_PASSWORD": server.password,
            "NEO4J_DATABASE": None}


def expected_contents(tables: GraphTables) -> tuple[dict, list]:
    """What Neo4j must hold for ``tables``: {id: (label, properties)} and sorted relationships."""
    nodes = {rec["id"]: (label, rec) for label, rec in tables.node_records()}
    rels = sorted((rel, start, end, sorted(rec.items())) for rel, start, end, rec in tables.rel_records())
    return nodes, rels


def db_contents(graph: Neo4jGraph, where: str = "n.type IS NOT NULL") -> tuple[dict, list]:
    """kgraph's nodes and relationships as Neo4j holds them, in the shape of :func:`expected_contents`."""
    _, rows = graph.query(f"MATCH (n) WHERE {where} RETURN n.id, labels(n), properties(n)")
    nodes = {}
    for node_id, labels, props in rows:
        assert len(labels) == 1, (node_id, labels)
        nodes[node_id] = (labels[0], props)
    _, rows = graph.query("MATCH (a)-[r]->(b) WHERE a.type IS NOT NULL AND b.type IS NOT NULL "
                          "RETURN type(r), a.id, b.id, properties(r)")
    return nodes, sorted((t, a, b, sorted(p.items())) for t, a, b, p in rows)


def label_counts(graph: Neo4jGraph, labels) -> dict[str, int]:
    """Nodes per label for any labels (including ones outside the kgraph schema)."""
    return {label: graph.query(f"MATCH (n:`{label}`) RETURN count(n)")[1][0][0] for label in labels}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DataDir:
    return demo_datadir(tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture(scope="module")
def tables(demo) -> GraphTables:
    return read_tables(demo)


@pytest.fixture
def graph(neo4j_clean):
    g = graph_of(neo4j_clean)
    yield g
    g.close()


# -- loading --------------------------------------------------------------------------------------
def test_load_puts_exactly_the_embedded_graph_into_neo4j(neo4j_clean, graph, demo, tables):
    summary = load_neo4j(demo, uri=neo4j_clean.uri, auth=neo4j_clean.auth)
    assert (summary["nodes"], summary["relationships"]) == (tables.node_count, tables.edge_count) == (30, 49)
    assert summary["missing_ends"] == 0 and summary["nodes_per_s"] > 0 and summary["rels_per_s"] > 0
    with open_store(datadir=demo) as store:
        assert graph.counts() == store.counts()
    # every property, with its type: lists stay lists, dates ISO text, JSON text, floats, booleans
    assert db_contents(graph) == expected_contents(tables)
    _, rows = graph.query("MATCH (a:Airport {id: 'airport-MUSA'}), (o:Organization {id: 'ofac-40181'}) "
                          "RETURN a.latitude, o.sanctioned, o.names, o.incorporationDate, o.sources")
    lat, sanctioned, names, founded, sources = rows[0]
    assert isinstance(lat, float) and sanctioned is True and "JSC AVIACON ZITOTRANS" in names
    assert founded == "1995-06-02" and json.loads(sources)[0]["record"] == "40181"


def test_one_uniqueness_constraint_per_label_comes_first(neo4j_clean, graph, tables):
    with record_queries() as sent:
        load_tables(tables, graph=graph)
    n_labels = len(schema().nodes)
    assert all(text.startswith("CREATE CONSTRAINT") for text in sent[:n_labels])
    assert not any(text.startswith("CREATE CONSTRAINT") for text in sent[n_labels:])
    _, rows = graph.query("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
                          "RETURN type, labelsOrTypes, properties")
    assert sorted((r[0], r[1][0], r[2][0]) for r in rows) == sorted(
        ("UNIQUENESS", label, "id") for label in schema().nodes)
    with pytest.raises(KgraphError, match="refused"):  # the constraint is real: a second node with that id fails
        graph.write("CREATE (:Organization {id: 'ofac-40181'})")


def test_a_second_load_changes_no_count_and_no_value(neo4j_clean, graph, demo, tables):
    first = load_neo4j(demo, uri=neo4j_clean.uri, auth=neo4j_clean.auth)
    counts = graph.counts()
    with record_queries() as sent:
        second = load_neo4j(demo, uri=neo4j_clean.uri, auth=neo4j_clean.auth)
    assert graph.counts() == counts
    assert db_contents(graph) == expected_contents(tables)
    assert second["wiped"] == first["wiped"] == 0
    # the rerun merges (the first load created into empty labels)
    assert any(t.startswith("UNWIND $rows AS row MERGE (n:Organization") for t in sent)
    assert not any(" CREATE " in t for t in sent if t.startswith("UNWIND"))


def test_a_reload_updates_and_clears_values_and_keeps_properties_added_in_neo4j(neo4j_clean, graph, tables):
    load_tables(tables, graph=graph)
    graph.write("MATCH (o:Organization {id: 'ofac-40181'}) SET o.analystNote = $note", {"note": "checked 2026-02"})
    changed = copy.deepcopy(tables)
    org = changed.nodes["Organization"]
    row = next(r for r in org.rows if r[0] == "ofac-40181")
    row[org.names.index("caption")] = "AVIACON ZITOTRANS (renamed)"
    row[org.names.index("sector")] = None  # the new build no longer has it
    load_tables(changed, graph=graph)
    _, rows = graph.query("MATCH (o:Organization {id: 'ofac-40181'}) RETURN o.caption, o.sector, o.analystNote")
    assert rows == [["AVIACON ZITOTRANS (renamed)", None, "checked 2026-02"]]


def test_wipe_replaces_kgraph_nodes_and_leaves_other_data_alone(neo4j_clean, graph, tables):
    # someone else's data: their own labels, a Country node of their own (no kgraph `type`), a link to kgraph
    graph.write("CREATE (:Customer {id: 'c1'})-[:KNOWS]->(:Customer {id: 'c2'})-[:LIVES_IN]->"
                "(:Country {id: 'mine-atlantis', name: 'Atlantis'})")
    load_tables(tables, graph=graph)
    graph.write("MATCH (c:Customer {id: 'c1'}), (o:Organization {id: 'ofac-40181'}) CREATE (c)-[:WATCHES]->(o)")
    foreign = ["Customer"]
    before = label_counts(graph, foreign)
    assert db_contents(graph) == expected_contents(tables)  # the foreign Country is not kgraph's: no `type`

    load_tables(tables, graph=graph)  # a reload keeps the analyst's link: the node is the same node
    assert graph.query("MATCH (:Customer)-[w:WATCHES]->(:Organization) RETURN count(w)")[1] == [[1]]

    subset = tables.subset({"ofac-40181", "ofac-40185", "program-us-ofac-russia-eo14024", "country-RU"})
    summary = load_tables(subset, graph=graph, wipe=True, batch_size=7)
    assert summary["wiped"] == tables.node_count
    assert db_contents(graph) == expected_contents(subset)
    assert label_counts(graph, foreign) == before
    assert graph.query("MATCH (:Customer)-[k:KNOWS]->(:Customer)-[l:LIVES_IN]->(c:Country) "
                       "RETURN count(k), count(l), c.name")[1] == [[1, 1, "Atlantis"]]
    # a relationship from someone's node to a kgraph node goes with the kgraph node (DETACH DELETE)
    assert graph.query("MATCH ()-[w:WATCHES]->() RETURN count(w)")[1] == [[0]]


def test_small_batches_and_parallel_writers_give_the_same_graph(neo4j_clean, graph, tables):
    seen: dict[str, list[tuple[int, int]]] = {"nodes": [], "relationships": []}
    summary = load_tables(tables, graph=graph, batch_size=3, workers=3,
                          on_batch=lambda kind, done, total: seen[kind].append((done, total)))
    assert db_contents(graph) == expected_contents(tables)
    assert summary["batch_size"] == 3
    for kind, total in (("nodes", tables.node_count), ("relationships", tables.edge_count)):
        done = [d for d, _ in seen[kind]]
        assert done == sorted(done) and done[-1] == total and {t for _, t in seen[kind]} == {total}
        assert len(done) >= total // 3


def test_a_constraint_that_existing_data_breaks_is_one_clear_error(neo4j_clean, graph, tables):
    graph.write("CREATE (:Country {id: 'dup'}), (:Country {id: 'dup'})")
    with pytest.raises(KgraphError) as caught:
        load_tables(tables, graph=graph)
    message = str(caught.value)
    assert "\n" not in message and "creating constraints" in message and "Neo4j" in message


def test_batch_size_must_be_positive(tables):
    with pytest.raises(KgraphError, match="at least 1"):
        load_tables(tables, uri="bolt://127.0.0.1:1", batch_size=0)


def test_tables_whose_columns_differ_from_the_schema_are_refused_before_connecting(tables):
    # rows go as positional lists: a table in another column order would store values under wrong names
    odd = copy.deepcopy(tables)
    table = next(t for t in odd.nodes.values() if t.rows)
    table.columns = table.columns[:1] + table.columns[2:] + table.columns[1:2]
    with pytest.raises(KgraphError, match="columns are not today's schema's"):
        load_tables(odd, uri="bolt://127.0.0.1:1")


# -- the CLI --------------------------------------------------------------------------------------
def test_cli_load_prints_a_summary_and_json(neo4j_clean, graph, demo, tables):
    runner = CliRunner(env=cli_env(neo4j_clean))
    result = runner.invoke(cli, ["--data-dir", str(demo.root), "neo4j", "load", "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("loaded 30 nodes (") and "49 relationships" in result.output
    assert f"into {neo4j_clean.uri} (database neo4j)" in result.output
    result = runner.invoke(cli, ["--data-dir", str(demo.root), "neo4j", "load", "--wipe", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["nodes"], summary["relationships"], summary["wiped"]) == (30, 49, 30)
    assert db_contents(graph) == expected_contents(tables)
    if neo4j_clean.password:
        assert neo4j_clean.password not in result.output
    help_text = runner.invoke(cli, ["neo4j", "load", "--help"]).output
    assert "NEO4J_URI" in help_text and "--password-env" in help_text and "--password " not in help_text


def test_cli_load_without_a_server_configured_says_what_to_set(demo):
    result = CliRunner(env={"NEO4J_URI": None}).invoke(cli, ["--data-dir", str(demo.root), "neo4j", "load"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "set NEO4J_URI" in result.output
    assert result.output.count("\n") == 1


# -- query texts never depend on the data (issue 8.6) ------------------------------------------------
def hostile_copy(tables: GraphTables) -> GraphTables:
    """The tables with HOSTILE in every id and every text value (relationship ends renamed alike)."""
    def text(v):
        if isinstance(v, str):
            return v + HOSTILE
        if isinstance(v, list):
            return [x + HOSTILE for x in v]
        return v

    out = GraphTables.empty()
    for label, table in tables.nodes.items():
        keep = {"type"}  # the node type stays what it is (the wipe reads it)
        out.nodes[label].rows = [[v if name in keep else text(v) for name, v in zip(table.names, row)]
                                 for row in table.rows]
    for key, table in tables.rels.items():
        out.rels[key] = RelTable(table.type, table.start_type, table.end_type, table.columns,
                                 [[text(v) for v in row] for row in table.rows])
    return out


def test_load_query_texts_are_the_same_whatever_the_values(neo4j_clean, graph, tables):
    hostile = hostile_copy(tables)
    with record_queries() as plain_texts:
        load_tables(tables, graph=graph, batch_size=4, workers=1)
    neo4j_clean.clean()
    with record_queries() as hostile_texts:
        load_tables(hostile, graph=graph, batch_size=4, workers=1)
    assert plain_texts == hostile_texts
    allowed = ({node_statement(label, create=c) for label in schema().nodes for c in (False, True)}
               | {rel_statement(t.type, t.start_type, t.end_type, create=c) for t in tables.rels.values()
                  for c in (False, True)})
    loads = [t for t in hostile_texts if t.startswith("UNWIND")]
    assert loads and set(loads) <= allowed
    assert not any(HOSTILE[:8] in t or "\x00" in t for t in hostile_texts)
    # the values went through as parameters: Neo4j holds them byte for byte, control characters included
    assert db_contents(graph) == expected_contents(hostile)
    # and the wipe deletes them through parameters too
    with record_queries() as wipe_texts:
        summary = load_tables(GraphTables.empty(), graph=graph, wipe=True)
    assert summary["wiped"] == tables.node_count
    assert {wipe_statement(label) for label in schema().nodes} <= set(wipe_texts)
    assert db_contents(graph) == ({}, [])


def test_doctests():
    import doctest

    import kgraph.graph.neo4j as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
