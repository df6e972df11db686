"""The query library on the embedded store, on the Aviacon graph, with the rows an analyst should get."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kgraph.cli import cli
from kgraph.errors import KgraphError, NotFound
from kgraph.graph.query import coerce_params, library, parse_query, query, render_query_docs
from tests.test_graph_records import build_aviacon

CANADA = "Special Economic Measures (Russia) Regulations, Schedule 1, Part 2"
MUSA = "San Antonio de los Banos Airport"


@pytest.fixture(scope="module")
def dd(tmp_path_factory):
    return build_aviacon(tmp_path_factory.mktemp("aviacon") / "data")


def run(dd, name, **params):
    return query(name, params=params, datadir=dd)


def test_the_library_has_at_least_twelve_documented_queries():
    lib = library()
    assert len(lib) >= 12
    for q in lib.values():
        assert q.purpose and q.examples, q.name
        assert all(ex.startswith(f"kgraph query {q.name}") for ex in q.examples)
        for p in q.params.values():
            assert p.help, (q.name, p.name)
            if p.required:
                assert f"{p.name}=" in " ".join(q.examples), (q.name, p.name)
        for body in q.bodies.values():
            # the common subset: no APOC, no CALL {} subqueries, every returned column named
            assert "apoc." not in body and "CALL {" not in body
            returned = body.split("RETURN")[-1].split("ORDER BY")[0]
            assert all(" AS " in item or re.fullmatch(r"\s*\w+\s*", item)
                       for item in re.split(r",(?![^(\[]*[)\]])", returned.replace("DISTINCT", ""))), q.name


def test_every_query_runs_on_the_embedded_store(dd):
    params = {"country": "CU", "airport": "MUSA", "a": "ofac-40181", "b": "airport-MUSA", "by": "us_ofac_sdn",
              "not_by": "ca_sema", "since": "2023-01-01", "id": "ofac-40181", "operator": "ofac-40181",
              "aircraft": "ofac-40185", "family": "Il-76"}
    for name, q in library().items():
        columns, rows = query(name, params={k: v for k, v in params.items() if k in q.params}, datadir=dd)
        assert rows, name
        assert all(len(r) == len(columns) for r in rows)


def test_aircraft_of_sanctioned_operators(dd):
    _, rows = run(dd, "aircraft-of-sanctioned-operators")
    assert [(r[0], r[2], r[3], r[6]) for r in rows] == [
        ("ofac-40181", "ofac-40185", "RA-78765", True),
        ("ofac-900002", "opensky-600001", "EX-76001", False),
    ]


def test_aircraft_of_a_model(dd):
    columns, rows = run(dd, "aircraft-of-model", family="Il-76")
    assert columns == ["aircraft_id", "aircraft", "model", "msn", "aircraft_sanctioned", "sanctioned_operator_id",
                       "sanctioned_operator"]
    assert rows == [["ofac-40185", "RA-78765", ["IL-76TD", "Il-76TD"], ["83486590", "0083486590"], True, "ofac-40181",
                     "AVIACON ZITOTRANS"]]
    assert run(dd, "aircraft-of-model", family="IL-76TD")[1] == []  # a family, not a model as written


def test_sanctioned_flights_into_cuba_between_two_dates(dd):
    cols, rows = run(dd, "sanctioned-flights-into-country", country="CU", **{"from": "2026-01-01", "to": "2026-02"})
    assert cols[:3] == ["aircraft_id", "aircraft", "flight_id"]
    assert [(r[0], r[2], r[5], r[6]) for r in rows] == [("ofac-40185", "flightlog-5", "2026-02-01", "airport-MUSA")]
    assert run(dd, "sanctioned-flights-into-country", country="CU", to="2026-01-31")[1] == []
    # a country known only at the country level counts too
    _, rows = run(dd, "sanctioned-flights-into-country", country="DZ")
    assert [(r[2], r[6]) for r in rows] == [("flightlog-2", "country-DZ")]


def test_operators_landing_at_an_airport(dd):
    _, rows = run(dd, "operators-landing-at-airport", airport="MUSA")
    assert rows == [["ofac-40181", "AVIACON ZITOTRANS", "ofac-40185", "RA-78765", "airport-MUSA", 1,
                     "2026-02-01", "2026-02-01"]]
    assert run(dd, "operators-landing-at-airport", airport="AER")[1][0][4] == "airport-URSS"  # by IATA code


def test_paths_between_two_entities(dd):
    cols, rows = run(dd, "paths-between", a="ofac-40181", b="airport-MUSA")
    assert cols == ["hops", "node_ids", "captions", "relationships"]
    assert rows == [
        [3, ["ofac-40181", "ofac-40185", "flightlog-5", "airport-MUSA"],
         ["AVIACON ZITOTRANS", "RA-78765", "RA-78765 DO -> MUSA, 2026-01-31", MUSA],
         ["LINKED_TO", "PERFORMED", "ARRIVED_AT"]],
        [3, ["ofac-40181", "ofac-40185", "flightlog-5", "airport-MUSA"],
         ["AVIACON ZITOTRANS", "RA-78765", "RA-78765 DO -> MUSA, 2026-01-31", MUSA],
         ["OPERATES", "PERFORMED", "ARRIVED_AT"]],
    ]
    # through the shared phone and address, not through Russia
    _, rows = run(dd, "paths-between", a="ofac-40181", b="ua-nsdc-900001")
    assert [(r[0], r[1][1], r[3]) for r in rows] == [
        (1, "ua-nsdc-900001", ["SAME_AS"]),
        (2, "id-phone-70000000000", ["HAS_IDENTIFIER", "HAS_IDENTIFIER"]),
        (2, "ofac-addr-1", ["HAS_ADDRESS", "HAS_ADDRESS"]),
    ]


def test_entities_sharing_an_identifier_or_address(dd):
    _, rows = run(dd, "shared-identifiers")
    assert rows == [
        ["address", "ul. Example 1, Yekaterinburg", "ofac-40181", "AVIACON ZITOTRANS", "ua-nsdc-900001",
         "Example Air Services LLC"],
        ["phone", "+7 000 000-00-00", "ofac-40181", "AVIACON ZITOTRANS", "ua-nsdc-900001", "Example Air Services LLC"],
    ]
    assert run(dd, "shared-identifiers", entity="ofac-900002")[1] == []


def test_reregistered_airframes(dd):
    _, rows = run(dd, "reregistered-airframes")
    assert rows == [
        ["opensky-600001", "EX-76001", ["1003401001"], 2, "RA-76001", None, "2024-03-01", False],
        ["opensky-600001", "EX-76001", ["1003401001"], 2, "EX-76001", "2024-03-01", None, True],
    ]


def test_listed_by_ofac_but_not_by_canada(dd):
    _, rows = run(dd, "listed-by-not-by", by="us_ofac_sdn", not_by="ca_sema")
    assert rows == [["ofac-900002", "Example Cargo Airline", "RUSSIA-EO14024", "2024-06-12"]]
    _, rows = run(dd, "listed-by-not-by", by="authority-ca_sema", not_by="us_ofac_sdn")
    assert rows == []


def test_designations_since_a_date(dd):
    _, rows = run(dd, "designations-since", since="2023-05-01")
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("2024-06-12", "ofac-900002", "RUSSIA-EO14024"),
        ("2024-02-24", "ua-nsdc-900001", "NSDC sanctions"),
        ("2023-05-18", "ofac-40181", CANADA),
    ]


def test_aircraft_of_sanctioned_operators_still_on_a_civil_register(dd):
    _, rows = run(dd, "sanctioned-aircraft-on-register")
    assert rows == [
        ["ofac-40181", "AVIACON ZITOTRANS", "ofac-40185", "RA-78765", "RA-78765", "2012-08-01", "ru_aircraft_db"],
        ["ofac-900002", "Example Cargo Airline", "opensky-600001", "EX-76001", "EX-76001", "2024-03-01",
         "opensky_aircraft"],
    ]


def test_destinations_ranked_by_visits(dd):
    _, rows = run(dd, "destinations-of-sanctioned-aircraft")
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("airport-MUSA", 1, 1), ("airport-URSS", 1, 1), ("country-DO", 1, 1), ("country-DZ", 1, 1),
        ("country-MR", 1, 1)]
    _, rows = run(dd, "destination-countries-of-sanctioned-aircraft", **{"from": "2026-01-27"})
    assert [r[0] for r in rows] == ["CU", "DO", "DZ", "MR"]


def test_entity_card(dd):
    _, rows = run(dd, "entity-card", id="ofac-40185")
    got = [(r[1], r[2], r[4]) for r in rows]
    assert got[:3] == [("LINKED_TO", "out", "ofac-40181"), ("OPERATES", "in", "ofac-40181"),
                       ("PERFORMED", "out", "flightlog-1")]
    assert ("REGISTERED_AS", "out", "tail-RA78765") in got
    assert ("SANCTIONED_UNDER", "out", "program-us-ofac-russia-eo14024") in got
    assert len(rows) == 9 and {r[0] for r in rows} == {"RA-78765"}


def test_sanctions_of_an_entity(dd):
    _, rows = run(dd, "sanctions-of-entity", id="ofac-40181")
    assert [(r[2], r[3], r[4], r[6], r[7]) for r in rows] == [
        ("RUSSIA-EO14024", "OFAC Specially Designated Nationals List", "2023-01-26", "us_ofac_sdn", "40181"),
        (CANADA, "Canada Special Economic Measures Act list", "2023-05-18", "ca_sema", "Russia / Russie|1, Part 2|380"),
    ]


def test_the_operator_chain(dd):
    cols, rows = run(dd, "operator-chain", operator="ofac-40181")
    assert cols == ["operator", "programs", "aircraft", "aircraft_sanctioned", "departure_date",
                    "departure_date_latest", "arrival_date", "arrival_date_latest", "departure", "departure_country",
                    "arrival", "arrival_country", "flight_id"]
    assert {tuple(r[1]) for r in rows} == {("RUSSIA-EO14024", CANADA)}
    assert [(r[8], r[9], r[10], r[11]) for r in rows] == [
        ("Pulkovo Airport", "RU", "Sochi International Airport", "RU"),
        ("Sochi International Airport", "RU", "Algeria", "DZ"),
        ("Algeria", "DZ", "Mauritania", "MR"),
        ("Mauritania", "MR", "Dominican Republic", "DO"),
        ("Dominican Republic", "DO", MUSA, "CU"),
    ]
    assert (rows[-1][6], rows[-1][7]) == ("2026-02-01", None)  # landed at MUSA on 1 February: one day, no range


def test_aircraft_flights_and_neighbourhood(dd):
    _, rows = run(dd, "aircraft-flights", aircraft="ofac-40185")
    assert [(r[0], r[6]) for r in rows] == [(f"flightlog-{i}", "tail") for i in range(1, 5)] + [("flightlog-5", "icao24")]
    _, rows = run(dd, "neighbourhood", id="flightlog-5")
    assert [(r[0], r[3]) for r in rows[:3]] == [("ofac-40185", 1), ("airport-MUSA", 1), ("country-DO", 1)]
    assert ("ofac-40181", 2) in [(r[0], r[3]) for r in rows]


def test_parameters_are_typed_and_checked():
    q = library()["sanctioned-flights-into-country"]
    assert coerce_params(q, {"country": "CU"}) == {"country": "CU", "from": "0000", "to": "9999"}
    with pytest.raises(KgraphError, match="needs --param country"):
        coerce_params(q, {})
    with pytest.raises(KgraphError, match="not an ISO date"):
        coerce_params(q, {"country": "CU", "from": "01/02/2026"})
    with pytest.raises(KgraphError, match="has no parameter colour"):
        coerce_params(q, {"country": "CU", "colour": "red"})
    with pytest.raises(NotFound, match="no query named"):
        query("no-such-query")


def test_ad_hoc_cypher_with_inferred_parameter_types(dd):
    cols, rows = query(cypher="MATCH (f:Flight) WHERE f.arrivalDate >= $d AND size(f.id) > $n "
                              "RETURN f.id AS id ORDER BY id LIMIT $limit",
                       params={"d": "2026-01-31", "n": "3", "limit": "1"}, datadir=dd)
    assert (cols, rows) == (["id"], [["flightlog-4"]])
    _, rows = query(cypher="MATCH (n) WHERE n.id IN $ids RETURN n.id AS id ORDER BY id",
                    params={"ids": ["country-CU", "ofac-40181"]}, datadir=dd)
    assert rows == [["country-CU"], ["ofac-40181"]]
    with pytest.raises(KgraphError, match="query failed"):
        query(cypher="MATCH (n RETURN n", datadir=dd)


def test_a_parameter_value_is_never_executed(dd):
    evil = "x' OR 1=1 WITH 1 AS x MATCH (n) DETACH DELETE n //"
    with pytest.raises(NotFound, match="no node with id"):
        run(dd, "entity-card", id=evil)
    assert run(dd, "shared-identifiers", entity=evil)[1] == []
    assert run(dd, "entity-card", id="ofac-40181")[1]


def test_node_parameters_start_from_the_nodes_label(dd):
    from kgraph.graph import open_store
    from kgraph.graph.query import node_label

    q = library()["paths-between"]
    assert q.params["a"].type == "node" and "(x:{{a}} {id: $a})" in q.cypher("neo4j")
    assert "(n:{{id}} {id: $id})" in library()["entity-card"].cypher("embedded")
    with open_store(datadir=dd) as s:
        assert [node_label(s.query, i) for i in ("ofac-40181", "airport-MUSA", "tail-RA78765", "nobody")] == [
            "Organization", "Airport", "Registration", None]
    # the same query from a node of another type
    _, rows = run(dd, "sanctions-of-entity", id="ofac-40185")
    assert [r[1] for r in rows] == ["program-us-ofac-russia-eo14024"]


def test_dialect_sections(dd, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    q = parse_query("t", "// Purpose.\n// @param id: string  an id\n// @example kgraph query t --param id=x\n"
                         "// dialect: ladybug\nMATCH (n) RETURN label(n) AS l\n"
                         "// dialect: neo4j\nMATCH (n) RETURN labels(n)[0] AS l\n")
    assert q.cypher("embedded") == "MATCH (n) RETURN label(n) AS l"
    assert q.cypher("neo4j") == "MATCH (n) RETURN labels(n)[0] AS l"
    with pytest.raises(ValueError, match="must cover both"):
        parse_query("t", "// Purpose.\n// dialect: neo4j\nRETURN 1 AS x\n")
    paths = library()["paths-between"]
    assert "TRAIL" in paths.cypher("embedded") and "TRAIL" not in paths.cypher("neo4j")
    with pytest.raises(KgraphError, match="neo4j backend is not available"):
        query("designations-since", params={"since": "2023"}, backend="neo4j")


def test_query_docs_are_generated_from_the_headers():
    docs = render_query_docs()
    for name, q in library().items():
        assert f"### {name}\n" in docs and q.purpose in docs
        for ex in q.examples:
            assert ex in docs
    assert "| `country` | string | required |" in docs


def test_cli_query_table_json_and_listing(dd):
    runner = CliRunner(env={"COLUMNS": "250"})
    base = ["--data-dir", str(dd.root), "query"]
    result = runner.invoke(cli, base + ["operators-landing-at-airport", "--param", "airport=MUSA", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"operator_id": "ofac-40181", "operator": "AVIACON ZITOTRANS",
                                          "aircraft_id": "ofac-40185", "aircraft": "RA-78765",
                                          "airport_id": "airport-MUSA", "landings": 1,
                                          "first_landing": "2026-02-01", "last_landing": "2026-02-01"}]
    result = runner.invoke(cli, base + ["operator-chain", "-p", "operator=ofac-40181"])
    assert result.exit_code == 0 and "Pulkovo Airport" in result.output and "5 row(s)" in result.output
    # thirteen columns do not fit 80 characters: one block per row, every value whole
    narrow = CliRunner(env={"COLUMNS": "80"}).invoke(cli, base + ["operator-chain", "-p", "operator=ofac-40181"])
    assert narrow.exit_code == 0 and "operator-chain: row 5 of 5" in narrow.output
    assert MUSA in narrow.output and "flightlog-5" in narrow.output
    wide = CliRunner(env={"COLUMNS": "80"}).invoke(cli, base + ["operator-chain", "-p", "operator=ofac-40181",
                                                              "--no-expanded"])
    assert wide.exit_code == 0 and "row 1 of" not in wide.output and "5 row(s)" in wide.output
    result = runner.invoke(cli, base + ["--cypher", "MATCH (c:Country) WHERE c.code = $c RETURN c.caption AS name",
                                        "--param", "c=CU", "--json"])
    assert json.loads(result.output) == [{"name": "Cuba"}]
    result = runner.invoke(cli, base)
    assert result.exit_code == 0 and "operator-chain" in result.output
    result = runner.invoke(cli, base + ["designations-since"])
    assert result.exit_code == 1 and "Error: query designations-since needs --param since=<date>" in result.output
    result = runner.invoke(cli, base + ["designations-since", "--param", "since"])
    assert result.exit_code == 1 and "expected NAME=VALUE" in result.output
