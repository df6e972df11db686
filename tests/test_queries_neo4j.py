"""The query library on both backends: every query, same parameters, identical rows (order included).

Graphs: the packaged demo (``kgraph.demo``), the richer Aviacon test graph of
tests/test_graph_records.py (re-registered airframes, shared identifiers, three lists), and,
with the corpus, the OFAC SDN list of 2024-05-03 (30k nodes). Each is built embedded, loaded into
the test Neo4j with ``kgraph neo4j load``, and every library query runs on both with the
parameters of its ``@example`` lines plus the extra sets below. An error (a node id not in the
graph) is a result too and must be the same on both.
"""
from __future__ import annotations

import json
import shlex

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import cli
from kgraph.datadir import DataDir
from kgraph.errors import KgraphError, NotFound
from kgraph.graph.neo4j import record_queries
from kgraph.graph.neo4j_load import load_neo4j
from kgraph.graph.query import library, query
from tests.conftest import corpus_path
from tests.test_graph_records import build_aviacon
from tests.test_neo4j_load import HOSTILE, cli_env, demo_datadir, graph_of

pytestmark = pytest.mark.neo4j

#: parameter sets beyond the @example lines (a set naming a parameter the query lacks is skipped)
EXTRA: dict[str, list[dict[str, str]]] = {
    "aircraft-flights": [{"aircraft": "opensky-600001"}, {"aircraft": "ofac-40182"}],
    "designations-since": [{"since": "2000"}, {"since": "2023-05"}, {"since": "2024-06-12"}, {"since": "2026"}],
    "destination-countries-of-sanctioned-aircraft": [{"from": "2026-01-28", "to": "2026-01-31"}, {"to": "2026-01"}],
    "destinations-of-sanctioned-aircraft": [{}, {"from": "2026-01-31"}, {"to": "2026-01-27"}],
    "entity-card": [{"id": "ofac-40185"}, {"id": "airport-MUSA"}, {"id": "country-RU"},
                    {"id": "program-us-ofac-russia-eo14024"}, {"id": "ua-nsdc-900001"}, {"id": "no-such-node"}],
    "listed-by-not-by": [{"by": "ca_sema", "not_by": "us_ofac_sdn"},
                         {"by": "authority-us_ofac_sdn", "not_by": "ua_nsdc"}, {"by": "ua_nsdc", "not_by": "nobody"}],
    "neighbourhood": [{"id": "ofac-40185"}, {"id": "airport-MUSA"}, {"id": "country-CU"}],
    "operator-chain": [{"operator": "ofac-900002"}, {"operator": "ofac-40185"}],
    "operators-landing-at-airport": [{"airport": "AER"}, {"airport": "LED"}, {"airport": "ULLI"}, {"airport": "XXXX"}],
    "paths-between": [{"a": "ofac-40185", "b": "country-CU"}, {"a": "ua-nsdc-900001", "b": "ofac-40185"},
                      {"a": "ofac-40181", "b": "ofac-40185"}, {"a": "ofac-900002", "b": "airport-MUSA"}],
    "sanctioned-flights-into-country": [{"country": "DZ"}, {"country": "CU", "to": "2026-01-31"}, {"country": "RU"},
                                        {"country": "DO", "from": "2026-01-31"}],
    "sanctions-of-entity": [{"id": "ofac-40185"}, {"id": "ua-nsdc-900001"}, {"id": "ofac-900002"}],
    "shared-identifiers": [{"entity": "ua-nsdc-900001"}],
}

#: ids in the OFAC SDN 2024-05-03 graph: Aviacon and its Il-76s, a re-registered airframe, an
#: operator of Iranian airliners, two companies sharing registration numbers and an email address
CORPUS_EXTRA: dict[str, list[dict[str, str]]] = {
    "aircraft-flights": [{"aircraft": "ofac-15477"}],
    "entity-card": [{"id": "ofac-15477"}, {"id": "ofac-13109"}],
    "neighbourhood": [{"id": "ofac-15477"}, {"id": "ofac-24479"}],
    "operator-chain": [{"operator": "ofac-13109"}],
    "paths-between": [{"a": "ofac-40181", "b": "ofac-40185"}, {"a": "ofac-13109", "b": "ofac-24479"},
                      {"a": "ofac-10360", "b": "ofac-10361"}, {"a": "ofac-20291", "b": "ofac-20292"}],
    "sanctions-of-entity": [{"id": "ofac-15477"}, {"id": "ofac-13109"}],
    "shared-identifiers": [{"entity": "ofac-20291"}, {"entity": "ofac-10360"}],
}

#: queries allowed to return no rows for every parameter set on a graph (the graph lacks that data)
EMPTY_OK = {
    "demo": {"reregistered-airframes", "shared-identifiers"},  # one registration per airframe, no shared ids
    "aviacon": set(),
    # a sanctions list alone: no flights, no civil register, and SDN.CSV carries no listing dates
    "ofac": {"aircraft-flights", "designations-since", "destination-countries-of-sanctioned-aircraft",
             "destinations-of-sanctioned-aircraft", "operator-chain", "operators-landing-at-airport",
             "sanctioned-aircraft-on-register", "sanctioned-flights-into-country"},
}


def example_params(example: str) -> dict[str, str]:
    """``kgraph query NAME --param k=v -p k2=v2`` -> {k: v, k2: v2}."""
    args = shlex.split(example)[3:]
    params = {}
    for flag, value in zip(args, args[1:]):
        if flag in ("--param", "-p"):
            key, val = value.split("=", 1)
            params[key] = val
    return params


def param_sets(name: str, extra: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    q = library()[name]
    sets = [example_params(ex) for ex in q.examples]
    sets += [p for p in extra.get(name, []) if set(p) <= set(q.params)]
    return sets


def outcome(run) -> tuple:
    try:
        columns, rows = run()
    except KgraphError as e:
        return ("error", type(e).__name__, str(e))
    return ("rows", columns, rows)


def compare_library(dd: DataDir, graph, extra) -> dict[str, int]:
    """Every library query on both backends; returns rows per query (summed over parameter sets)."""
    found: dict[str, int] = {}
    for name in library():
        found[name] = 0
        for params in param_sets(name, extra):
            embedded = outcome(lambda: query(name, params=params, datadir=dd))
            on_neo4j = outcome(lambda: query(name, params=params, backend="neo4j", store=graph))
            assert on_neo4j == embedded, (name, params)
            if embedded[0] == "rows":
                assert all(len(r) == len(embedded[1]) for r in embedded[2])
                found[name] += len(embedded[2])
    return found


# -- one graph in the server at a time -------------------------------------------------------------
_LOADED: dict[str, str | None] = {"name": None}


def ensure_loaded(server, name: str, dd: DataDir) -> None:
    """Make ``dd``'s graph the one in Neo4j (a reload only when another graph is there)."""
    if not server.running:
        server.start()
        _LOADED["name"] = None
    if _LOADED["name"] != name:
        server.clean()
        load_neo4j(dd, uri=server.uri, auth=server.auth)
        _LOADED["name"] = name


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, DataDir]:
    return {"demo": demo_datadir(tmp_path_factory.mktemp("demo") / "data"),
            "aviacon": build_aviacon(tmp_path_factory.mktemp("aviacon") / "data")}


@pytest.fixture(scope="module", params=["demo", "aviacon"])
def which(request, built) -> tuple[str, DataDir]:
    """A graph by name; module scope makes pytest run each graph's tests together (one load each)."""
    return request.param, built[request.param]


@pytest.fixture
def loaded(which, neo4j_server):
    """(graph name, data directory, open Neo4jGraph) with that graph loaded in Neo4j."""
    name, dd = which
    ensure_loaded(neo4j_server, name, dd)
    graph = graph_of(neo4j_server)
    yield name, dd, graph
    graph.close()


# -- same rows on both backends -------------------------------------------------------------------
def test_every_library_query_gives_the_same_rows_on_both_backends(loaded):
    name, dd, graph = loaded
    found = compare_library(dd, graph, EXTRA)
    empty = {q for q, n in found.items() if n == 0}
    assert empty == EMPTY_OK[name]


@pytest.mark.corpus
@pytest.mark.slow
def test_every_library_query_on_the_ofac_sdn_list_gives_the_same_rows(neo4j_server, tmp_path_factory):
    sdn = corpus_path("sanctions", "ofac", "jackdwyer_sdn-list_2024-05-03", "sdn.csv")
    dd = DataDir(tmp_path_factory.mktemp("ofac") / "data")
    kgraph.ingest("ofac", from_path=sdn, check=False, datadir=dd)
    info = kgraph.build(datadir=dd)
    assert sum(info["counts"]["nodes"].values()) > 20000
    ensure_loaded(neo4j_server, "ofac", dd)
    graph = graph_of(neo4j_server)
    try:
        found = compare_library(dd, graph, {**EXTRA, **CORPUS_EXTRA})
        assert graph.counts() == info["counts"]
    finally:
        graph.close()
    assert {q for q, n in found.items() if n == 0} == EMPTY_OK["ofac"]
    assert found["listed-by-not-by"] > 1000 and found["neighbourhood"] > 1000


# -- values, ad-hoc Cypher, errors ----------------------------------------------------------------------
def test_whole_nodes_and_relationships_come_back_in_the_embedded_shape(loaded):
    name, dd, graph = loaded
    for cypher in ("MATCH (n:Organization {id: $id}) RETURN n AS node",
                   "MATCH (n:Organization {id: $id})-[r:SANCTIONED_UNDER]->(p) RETURN r AS rel, p.id AS program "
                   "ORDER BY program",
                   "MATCH (f:Flight) WHERE f.arrivalDate >= $d AND size(f.id) > $n "
                   "RETURN f.id AS id, f.arrivalDate AS day ORDER BY id LIMIT $limit"):
        params = {"id": "ofac-40181", "d": "2026-01-31", "n": "3", "limit": "2"}
        used = {k: v for k, v in params.items() if "$" + k in cypher}
        embedded = query(cypher=cypher, params=used, datadir=dd)
        on_neo4j = query(cypher=cypher, params=used, backend="neo4j", store=graph)
        assert on_neo4j == embedded, cypher
        assert embedded[1], cypher


PATH_QUERY = ("MATCH p = (n:Organization {id: $id})-[:SANCTIONED_UNDER]->(x:Program) "
              "RETURN p AS path, x.id AS program ORDER BY program")


def test_paths_come_back_as_nodes_and_relationships(loaded):
    name, dd, graph = loaded
    _, rows = query(cypher=PATH_QUERY, params={"id": "ofac-40181"}, backend="neo4j", store=graph)
    path = rows[0][0]
    assert [n["id"] for n in path["nodes"]] == ["ofac-40181", rows[0][1]]
    assert [r["type"] for r in path["relationships"]] == ["SANCTIONED_UNDER"]


def test_paths_have_the_same_shape_on_both_backends(loaded):
    name, dd, graph = loaded
    embedded = query(cypher=PATH_QUERY, params={"id": "ofac-40181"}, datadir=dd)
    assert query(cypher=PATH_QUERY, params={"id": "ofac-40181"}, backend="neo4j", store=graph) == embedded


def test_neo4j_queries_are_read_only_and_errors_are_one_line(loaded):
    name, dd, graph = loaded
    before = graph.counts()
    with pytest.raises(KgraphError, match="^query failed: .*read access mode"):
        query(cypher="MATCH (n:Organization) DETACH DELETE n", backend="neo4j", store=graph)
    with pytest.raises(KgraphError, match="^query failed: Invalid input"):
        query(cypher="MATCH (n RETURN n", backend="neo4j", store=graph)
    with pytest.raises(NotFound, match="no node with id 'nobody'"):
        query("entity-card", params={"id": "nobody"}, backend="neo4j", store=graph)
    assert graph.counts() == before


def test_cli_query_on_neo4j_prints_the_embedded_json(loaded, neo4j_server):
    name, dd, graph = loaded
    runner = CliRunner(env={**cli_env(neo4j_server), "COLUMNS": "250"})
    for args in (["operator-chain", "--param", "operator=ofac-40181"],
                 ["sanctioned-flights-into-country", "-p", "country=CU", "-p", "to=2026-02"],
                 ["--cypher", "MATCH (c:Country) WHERE c.code IN $codes RETURN c.caption AS name ORDER BY name",
                  "--param", 'codes=["CU", "RU"]']):
        base = ["--data-dir", str(dd.root), "query", *args, "--json"]
        embedded = runner.invoke(cli, base)
        on_neo4j = runner.invoke(cli, base + ["--backend", "neo4j"])
        assert embedded.exit_code == on_neo4j.exit_code == 0, on_neo4j.output
        assert json.loads(on_neo4j.output) == json.loads(embedded.output)
        assert json.loads(embedded.output)
    table = runner.invoke(cli, ["--data-dir", str(dd.root), "query", "operator-chain", "-p", "operator=ofac-40181",
                                "--backend", "neo4j"])
    assert table.exit_code == 0 and "5 row(s)" in table.output
    missing = runner.invoke(cli, ["--data-dir", str(dd.root), "query", "entity-card", "-p", "id=nobody",
                                  "--backend", "neo4j"])
    assert missing.exit_code == 1 and missing.output.startswith("Error: no node with id 'nobody'")


# -- parameters never become query text (issue 8.6) -------------------------------------------------------
@pytest.mark.parametrize("which", ["demo"], indirect=True)
def test_query_texts_are_the_same_whatever_the_parameter_values(loaded):
    """Every library query twice: with the example values, then with hostile ones (Cypher, quotes,
    backslashes, control characters) reaching nodes of the same labels; the texts sent must match."""
    name, dd, graph = loaded
    hostile_ids = {"Organization": "org" + HOSTILE, "Airplane": "air" + HOSTILE, "Airport": "apt" + HOSTILE}
    graph.write("MERGE (x:Organization {id: $org}) SET x.type = 'Organization' "
                "MERGE (y:Airplane {id: $air}) SET y.type = 'Airplane' "
                "MERGE (z:Airport {id: $apt}) SET z.type = 'Airport'",
                {"org": hostile_ids["Organization"], "air": hostile_ids["Airplane"], "apt": hostile_ids["Airport"]})
    try:
        before = graph.counts()
        for qname, q in library().items():
            plain = example_params(q.examples[0])
            hostile = {}
            for pname, p in q.params.items():
                if p.type == "node":  # a hostile id of a node with the example node's label
                    label = graph.query("MATCH (n {id: $id}) RETURN labels(n)[0]", {"id": plain[pname]})[1][0][0]
                    hostile[pname] = hostile_ids[label]
                elif p.type == "string":
                    hostile[pname] = HOSTILE
                elif pname in plain:  # dates are checked before anything is sent
                    hostile[pname] = plain[pname]
            with record_queries() as sent_plain:
                query(qname, params=plain, backend="neo4j", store=graph)
            with record_queries() as sent_hostile:
                query(qname, params=hostile, backend="neo4j", store=graph)
            assert sent_hostile == sent_plain, qname
            assert sent_plain and not any(HOSTILE[:8] in t or "\x00" in t for t in sent_hostile), qname
            assert not any("{{" in t for t in sent_plain), qname  # node labels are filled in from the schema
        assert graph.counts() == before
    finally:
        graph.write("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", {"ids": list(hostile_ids.values())})
