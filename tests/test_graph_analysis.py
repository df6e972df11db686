"""networkx analysis over the built graph, and the doctests of kgraph.graph."""
from __future__ import annotations

import doctest
import importlib

import networkx as nx
import pytest

from kgraph.graph import build_tables, open_store
from kgraph.graph.analysis import (central_operators, communities, neighbourhood, paths_between, shared_identifiers,
                                   to_networkx)
from tests.test_graph_records import aviacon, build_aviacon


@pytest.fixture(scope="module")
def dd(tmp_path_factory):
    return build_aviacon(tmp_path_factory.mktemp("aviacon") / "data")


@pytest.fixture(scope="module")
def G(dd):
    return to_networkx(dd.current_graph())


def test_to_networkx_from_store_and_from_tables_agree(dd, G):
    nodes, edges, res = aviacon()
    H = to_networkx(build_tables(nodes, edges, res))
    assert sorted(G.nodes) == sorted(H.nodes) and G.number_of_edges() == H.number_of_edges() == 47
    assert G.nodes["ofac-40181"] == H.nodes["ofac-40181"]
    assert G.nodes["ofac-40181"]["sanctioned"] is True and G.nodes["ofac-40181"]["type"] == "Organization"
    assert G.edges["ofac-40185", "tail-RA78765", "REGISTERED_AS"]["current"] is True


def test_to_networkx_around_a_node(dd):
    with open_store(datadir=dd) as store:
        small = to_networkx(store, around="flightlog-5", hops=1)
    assert set(small.nodes) == {"flightlog-5", "ofac-40185", "airport-MUSA", "country-DO"}
    assert sorted(k for _, _, k in small.edges(keys=True)) == ["ARRIVED_AT", "DEPARTED_FROM", "PERFORMED"]
    nodes, edges, res = aviacon()
    same = to_networkx(build_tables(nodes, edges, res), around="flightlog-5", hops=1)
    assert set(same.nodes) == set(small.nodes)


def test_neighbourhood(G):
    assert neighbourhood(G, "flightlog-5", 1) == {"flightlog-5", "ofac-40185", "airport-MUSA", "country-DO"}
    two = neighbourhood(G, "ofac-40181", 2, skip_types={"Country", "Program"})
    assert "ofac-40185" in two and "flightlog-1" in two and "ofac-900002" not in two
    with pytest.raises(nx.NodeNotFound):
        neighbourhood(G, "nobody")


def test_paths_between_skip_hubs(G):
    paths = paths_between(G, "ofac-40181", "airport-MUSA")
    assert paths == [["ofac-40181", "ofac-40185", "flightlog-5", "airport-MUSA"]]
    assert ["ofac-40181", "ua-nsdc-900001"] in paths_between(G, "ofac-40181", "ua-nsdc-900001")
    # with countries allowed, both organisations also meet through Russia
    via_russia = paths_between(G, "ofac-40181", "ua-nsdc-900001", skip_types=())
    assert ["ofac-40181", "country-RU", "ua-nsdc-900001"] in via_russia


def test_shared_identifiers_and_central_operators(G):
    assert shared_identifiers(G) == {"id-phone-70000000000": ["ofac-40181", "ua-nsdc-900001"],
                                     "ofac-addr-1": ["ofac-40181", "ua-nsdc-900001"]}
    ranked = central_operators(G)
    assert [n for n, _ in ranked] == ["ofac-40181", "ofac-900002"]
    assert ranked[0][1] > ranked[1][1] == 0.0  # Aviacon bridges aircraft, identifiers, address; the other a leaf


def test_communities_are_repeatable(G):
    first = communities(G, seed=1)
    assert first == communities(G, seed=1)
    assert sum(len(c) for c in first) == sum(1 for _, t in G.nodes(data="type")
                                             if t not in ("Country", "Program", "Authority"))
    # a part of the graph not connected to the rest (once hubs are left out) is a community of its own
    assert {"ofac-900002", "opensky-600001", "tail-EX76001", "tail-RA76001"} in first


@pytest.mark.parametrize("module", ["analysis", "build", "derive", "endpoints", "export_neo4j", "query", "rows",
                                    "store", "tables"])
def test_doctests(module):
    import kgraph

    mod = importlib.import_module(f"kgraph.graph.{module}")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(mod):
        # the public API's examples need the demo graph: tests/test_api_examples.py runs them
        if test.name.rsplit(".", 1)[-1] not in kgraph._API:
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted > 0
