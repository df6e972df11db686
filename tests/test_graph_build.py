"""Building the graph: merging clusters, resolving edge ends, derived structure, the audit."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from kgraph.graph.build import build_tables
from kgraph.model import Edge, Node, Provenance
from tests.test_graph_records import CA_RECORD, OFAC, aviacon


@pytest.fixture(scope="module")
def tables():
    nodes, edges, res = aviacon()
    return build_tables(nodes, edges, res)


def node(tables, node_id):
    for name, table in tables.nodes.items():
        for rec in table.records():
            if rec["id"] == node_id:
                return rec
    raise KeyError(node_id)


def rels(tables, rel_type, start=None, end=None):
    return [(s, e, rec) for t, s, e, rec in tables.rel_records()
            if t == rel_type and (start is None or s == start) and (end is None or e == end)]


def test_cluster_members_merge_into_one_node_in_source_priority_order(tables):
    org = node(tables, "ofac-40181")
    assert org["name"] == ["AVIACON ZITOTRANS", "Aviacon Zitotrans JSC"]
    assert [s["source"] for s in json.loads(org["sources"])] == ["us_ofac_sdn", "ca_sema"]
    assert org["caption"] == "AVIACON ZITOTRANS"
    assert "АО «Авиакон Цитотранс»" in org["names"] and "Aviacon Zitotrans JSC" in org["names"]
    with pytest.raises(KeyError):
        node(tables, CA_RECORD)


def test_single_valued_properties_take_the_first_value_and_are_typed(tables):
    plane = node(tables, "ofac-40185")
    assert plane["registered"] == "2012-08-01"  # date: one value
    assert plane["serialNumber"] == ["83486590", "0083486590"]  # strings: the union
    assert plane["names"] == ["RA-78765"]
    airport = node(tables, "airport-MUSA")
    assert airport["latitude"] == pytest.approx(22.8715) and isinstance(airport["latitude"], float)


def test_edges_are_repointed_to_clusters_and_the_canadian_listing_lands_on_the_merged_node(tables):
    programs = sorted(e for _, e, _ in rels(tables, "SANCTIONED_UNDER", start="ofac-40181"))
    assert programs == ["program-ca-sema-russia-schedule-1-part-2", OFAC]
    _, _, rec = rels(tables, "SANCTIONED_UNDER", start="ofac-40181", end=OFAC)[0]
    assert (rec["source"], rec["record"], rec["listingDate"]) == ("us_ofac_sdn", "40181", "2023-01-26")


def test_keys_resolve_to_the_airframe_for_performed_and_to_the_registration_for_registered_as(tables):
    performed = rels(tables, "PERFORMED")
    assert sorted(e for _, e, _ in performed) == [f"flightlog-{i}" for i in range(1, 6)]
    assert {s for s, _, _ in performed} == {"ofac-40185"}
    assert [e for _, e, _ in rels(tables, "REGISTERED_AS", start="ofac-40185")] == ["tail-RA78765"]


def test_sanctioned_flag_comes_from_active_listings_of_any_member(tables):
    assert node(tables, "ofac-40181")["sanctioned"] is True
    assert node(tables, "ofac-40185")["sanctioned"] is True
    assert node(tables, "opensky-600001")["sanctioned"] is False
    assert node(tables, "airport-MUSA")["sanctioned"] is False


def test_registration_history(tables):
    (_, _, current), = rels(tables, "REGISTERED_AS", "opensky-600001", "tail-EX76001")
    (_, _, previous), = rels(tables, "REGISTERED_AS", "opensky-600001", "tail-RA76001")
    assert (current["current"], current["validFrom"], current.get("validUntil")) == (True, "2024-03-01", None)
    assert (previous["current"], previous.get("validFrom"), previous["validUntil"]) == (False, None, "2024-03-01")
    # a sanctions list naming the tail does not make it "current"; the registry does
    (_, _, rec), = rels(tables, "REGISTERED_AS", "ofac-40185", "tail-RA78765")
    assert rec["current"] is True and rec["source"] == "ru_aircraft_db"
    assert [s["source"] for s in json.loads(rec["sources"])] == ["ru_aircraft_db", "us_ofac_sdn"]
    reg = node(tables, "tail-RA78765")
    assert (reg["caption"], reg["country"]) == ("RA-78765", ["RU"])


def test_identifiers_and_countries_are_derived(tables):
    phone = rels(tables, "HAS_IDENTIFIER", end="id-phone-70000000000")
    assert sorted(s for s, _, _ in phone) == ["ofac-40181", "ua-nsdc-900001"]
    assert node(tables, "id-tax-6658039390")["scheme"] == "tax"
    located = {(s, e, rec["role"]) for s, e, rec in rels(tables, "LOCATED_IN")}
    assert ("ofac-40181", "country-RU", "country") in located
    assert ("ua-nsdc-900001", "country-RU", "country") in located  # "Росія"
    assert ("airport-MUSA", "country-CU", "airport") in located
    assert ("opensky-600001", "country-KG", "registration") in located
    assert node(tables, "country-DZ")["name"] == ["Algeria"]


def test_possible_matches_become_same_as_and_derived_edges_are_added(tables):
    (_, _, same), = rels(tables, "SAME_AS", "ofac-40181", "ua-nsdc-900001")
    assert same["score"] == pytest.approx(0.61)
    assert json.loads(same["evidence"]) == [{"feature": "phone", "weight": 0.4}]
    (_, _, op), = rels(tables, "OPERATES", "ofac-40181", "ofac-40185")
    assert (op["source"], op["score"]) == ("kgraph_resolve", 0.9)


def test_audit(tables):
    a = tables.audit
    assert a["input"] == {"nodes": 22, "edges": 12}
    assert a["flight_edges"] == 15  # PERFORMED, DEPARTED_FROM, ARRIVED_AT of 5 flights, from their properties
    assert a["merged_records"] == 2 and a["merged_clusters"] == 2
    assert a["dangling_total"] == 0 and a["ambiguous_tail_links"] == 0
    assert a["nodes"]["Country"] == 6 and a["created_countries"] == 6
    assert a["edges"]["PERFORMED"] == 5


def P(source="flightlog", record="1", snapshot="2026-02-02"):
    return Provenance(source, record, snapshot)


def test_a_consuming_build_makes_the_same_tables_and_leaves_the_record_lists_empty(tables):
    nodes, edges, res = aviacon()
    assert nodes and edges
    consumed = build_tables(nodes, edges, res, consume=True)
    assert nodes == [] and edges == []
    assert list(consumed.node_records()) == list(tables.node_records())
    assert list(consumed.rel_records()) == list(tables.rel_records())
    with pytest.raises(TypeError):
        build_tables(iter(aviacon()[0]), [], consume=True)  # a generator cannot be emptied for the caller


def test_duplicate_assertions_are_one_edge_with_every_source():
    nodes = [Node("ofac-1", "Organization", {"name": ["A"]}, P("us_ofac_sdn", "1")),
             Node("ofac-2", "Organization", {"name": ["B"]}, P("us_ofac_sdn", "2"))]
    edges = [Edge("LINKED_TO", "ofac-1", "ofac-2", {"relation": ["owner"]}, P("ua_nsdc", "9")),
             Edge("LINKED_TO", "ofac-1", "ofac-2", {"relation": ["Linked To"]}, P("us_ofac_sdn", "1"))]
    t = build_tables(nodes, edges)
    (_, _, rec), = rels(t, "LINKED_TO")
    assert (rec["source"], rec["relation"]) == ("us_ofac_sdn", "Linked To")
    assert [s["source"] for s in json.loads(rec["sources"])] == ["us_ofac_sdn", "ua_nsdc"]


def test_an_edge_stated_by_a_record_and_by_a_flights_properties_is_one_edge_with_both_sources():
    # the builder makes most flight edges' rows as it derives them: one a record also states must not
    # become a second row
    nodes = [Node("opensky-1533ad", "Airplane", {"icao24": ["1533ad"], "registrationNumber": ["RA-78765"]},
                  P("opensky_aircraft", "1533ad")),
             Node("airport-MUSA", "Airport", {"name": ["San Antonio de los Banos"], "ident": ["MUSA"]},
                  P("ourairports", "MUSA")),
             Node("flightlog-7", "Flight", {"icao24": ["1533AD"], "arrivalCode": ["MUSA"]}, P(record="7")),
             Node("flightlog-8", "Flight", {"icao24": ["1533ad"], "arrivalCode": ["MUSA"]}, P(record="8"))]
    edges = [Edge("PERFORMED", "icao24-1533ad", "flightlog-7", {"matchedBy": ["icao24"]}, P("adsb_traces", "t7"))]
    t = build_tables(nodes, edges)
    performed = rels(t, "PERFORMED")
    assert sorted((s, e) for s, e, _ in performed) == [("opensky-1533ad", "flightlog-7"), ("opensky-1533ad", "flightlog-8")]
    by_flight = {e: rec for _, e, rec in performed}
    assert [s["source"] for s in json.loads(by_flight["flightlog-7"]["sources"])] == ["flightlog", "adsb_traces"]
    assert (by_flight["flightlog-8"]["source"], by_flight["flightlog-8"].get("sources")) == ("flightlog", None)
    assert by_flight["flightlog-8"]["matchedBy"] == "icao24"
    assert [(s, e) for s, e, _ in rels(t, "ARRIVED_AT")] == [("flightlog-7", "airport-MUSA"),
                                                             ("flightlog-8", "airport-MUSA")]
    assert t.audit["flight_edges"] == 4 and t.audit["edges"]["PERFORMED"] == 2


def test_unresolvable_ends_are_counted_with_reasons_never_dropped_silently():
    # a flight states its ends and aircraft as properties; the builder derives the edges from them
    nodes = [Node("flightlog-1", "Flight", {"arrivalCountry": ["CU"], "arrivalCode": ["XXXX"],  # unknown airport,
                                            "departureCode": ["ZZZZ"]}, P()),  # ...no country either
             Node("flightlog-2", "Flight", {"arrivalCountry": ["QQ"],  # no such country code
                                            "icao24": ["abcdef"]}, P(record="2")),  # no airframe with that hex
             Node("ofac-1", "Organization", {"name": ["A"]}, P("us_ofac_sdn", "1"))]
    edges = [
        Edge("LINKED_TO", "ofac-1", "ofac-404", {}, P("us_ofac_sdn", "1")),  # no such node
        Edge("LINKED_TO", "ofac-1", "flightlog-2", {}, P("us_ofac_sdn", "1")),  # type pair not in the schema
        Edge("FLEW_WITH", "ofac-1", "ofac-1", {}, P("us_ofac_sdn", "1")),  # unknown relationship type
    ]
    t = build_tables(nodes, edges)
    a = t.audit
    assert a["dangling_total"] == 6
    assert a["dangling"] == {
        "ARRIVED_AT: end: unknown country code": 1,
        "DEPARTED_FROM: end: no node holds this airport key": 1,
        "FLEW_WITH: unknown relationship type": 1,
        "LINKED_TO: end: Flight node not allowed here": 1,
        "LINKED_TO: end: no such node": 1,
        "PERFORMED: start: no node holds this icao24 key": 1,
    }
    assert a["dangling_samples"]["LINKED_TO: end: no such node"] == [
        {"start": "ofac-1", "end": "ofac-404", "source": "us_ofac_sdn"}]
    # the unknown airport fell back to the flight's country; the flight keeps the code
    assert [(s, e) for s, e, _ in rels(t, "ARRIVED_AT")] == [("flightlog-1", "country-CU")]
    assert a["airport_to_country_fallbacks"] == 1
    assert node(t, "flightlog-1")["arrivalCode"] == "XXXX"


def _tail_history():
    """Two airframes that held RA-76001: one until 2024-03-01, the other from 2024-05-01."""
    nodes = [
        Node("opensky-600001", "Airplane", {"registrationNumber": ["EX-76001"], "previousRegistrationNumber": ["RA-76001"],
                                            "registered": ["2024-03-01"]}, P("opensky_aircraft", "600001")),
        Node("ru-150001", "Airplane", {"registrationNumber": ["RA-76001"], "registered": ["2024-05-01"]},
             P("ru_aircraft_db", "150001")),
        Node("flightlog-old", "Flight", {"departureDate": ["2023-06-10"]}, P(record="old")),
        Node("flightlog-new", "Flight", {"departureDate": ["2025-01"]}, P(record="new")),
        Node("flightlog-undated", "Flight", {}, P(record="undated")),
    ]
    edges = [Edge("PERFORMED", "tail-RA76001", f"flightlog-{x}", {"matchedBy": ["tail"]}, P(record=x))
             for x in ("old", "new", "undated")]
    return nodes, edges


def test_a_reused_tail_resolves_to_the_airframe_that_held_it_on_the_flight_date():
    t = build_tables(*_tail_history())
    performed = {(s, e) for s, e, _ in rels(t, "PERFORMED")}
    assert ("opensky-600001", "flightlog-old") in performed and ("ru-150001", "flightlog-old") not in performed
    assert ("ru-150001", "flightlog-new") in performed and ("opensky-600001", "flightlog-new") not in performed
    # no date: both candidates linked, and the ambiguity recorded
    assert {s for s, e in performed if e == "flightlog-undated"} == {"opensky-600001", "ru-150001"}
    assert t.audit["ambiguous_tail_links"] == 1
    assert t.audit["ambiguous_samples"] == [{"relationship": "PERFORMED", "key": "tail-RA76001",
                                             "candidates": ["opensky-600001", "ru-150001"], "when": None}]


def test_flight_positions_are_linked_to_the_nearest_airport():
    pytest.importorskip("kgraph.flights")
    nodes = [Node("airport-MUSA", "Airport", {"ident": ["MUSA"], "latitude": ["22.8715"], "longitude": ["-82.5093"],
                                              "airportType": ["small_airport"]}, P("ourairports", "MUSA")),
             Node("adsb-1", "Flight", {"name": ["RA-78765 ? -> 22.87,-82.51"], "arrivalPosition": ["22.874,-82.507"],
                                       "departurePosition": ["10.0,10.0"]}, P("adsb_traces", "1"))]
    t = build_tables(nodes, [])
    (s, e, rec), = rels(t, "ARRIVED_AT")
    assert (s, e) == ("adsb-1", "airport-MUSA") and rec["distanceKm"] == pytest.approx(0.36, abs=0.01)
    assert t.audit["position_links"] == 1 and t.audit["position_ends_without_airport"] == 1
    assert node(t, "adsb-1")["name"] == "RA-78765 ? -> MUSA"


def test_without_a_resolution_every_record_is_its_own_node():
    nodes, edges, _ = aviacon()
    t = build_tables(nodes, edges, SimpleNamespace(canonical={}, clusters={}, matches=[], derived_edges=[]))
    assert node(t, CA_RECORD)["sanctioned"] is True
    assert t.audit["merged_records"] == 0
    assert "OPERATES" not in t.audit["edges"]


def test_properties_outside_the_schema_are_counted():
    t = build_tables([Node("ofac-1", "Organization", {"name": ["A"], "tailNumber": ["x"]}, P("us_ofac_sdn", "1"))], [])
    assert t.audit["dropped_properties"] == {"Organization.tailNumber": 1}


def test_unknown_country_values_and_node_types_are_counted():
    nodes = [Node("ofac-1", "Organization", {"name": ["A"], "country": ["Atlantis"]}, P("us_ofac_sdn", "1")),
             Node("ofac-2", "Organization", {"name": ["B"], "country": ["Atlantis", "Cuba"]}, P("us_ofac_sdn", "2")),
             Node("x-1", "Spaceship", {"name": ["C"]}, P("flightlog", "x"))]
    t = build_tables(nodes, [])
    assert t.audit["dangling"] == {"LOCATED_IN: country value names no known country": 2,
                                   "node: unknown node type 'Spaceship'": 1}
    assert [(s, e) for s, e, _ in rels(t, "LOCATED_IN")] == [("ofac-2", "country-CU")]


def test_a_build_saves_the_whole_resolution_before_paring_it_down(datadir):
    """The pipeline drops keys, identity entries and singletons from memory once saved: never from the file."""
    import kgraph
    from kgraph.building import load_records
    from kgraph.resolve import Resolution, resolve

    kgraph.demo(datadir=datadir)
    nodes, edges, _ = load_records(datadir)
    whole = resolve(nodes, edges)
    saved = Resolution.load(datadir.require_graph())
    assert saved.canonical == whole.canonical and saved.keys == whole.keys and saved.clusters == whole.clusters
    assert saved.keys["icao24-1533ad"] == saved.canonical["ofac-40185"]
    assert any(m == c for m, c in saved.canonical.items())  # identity entries: every input node is named
    assert any(len(ms) == 1 for ms in saved.clusters.values())  # singleton clusters too
    assert [m.to_dict() for m in saved.matches] == [m.to_dict() for m in whole.matches]


def test_the_resolutions_identifier_keys_find_the_same_edge_ends_as_keys_made_again():
    """The builder takes over the keys the resolution made; made again from every node, they give the same graph."""
    import dataclasses

    from kgraph.resolve import resolve

    nodes, edges = _tail_history()
    # two serial numbers: two airframes, which the resolution keeps apart, sharing the tail's key
    nodes[0].props["serialNumber"], nodes[1].props["serialNumber"] = ["1013409282"], ["0043454615"]
    avia_nodes, avia_edges, _ = aviacon()
    nodes += avia_nodes + [
        # listed by its tail only, as OFAC names an aircraft: a flight of that tail is its
        Node("ofac-50001", "Airplane", {"name": ["EP-TQB"]}, P("us_ofac_sdn", "50001")),
        Node("flightlog-ep", "Flight", {"departureDate": ["2025-02-01"]}, P(record="ep")),
    ]
    edges += avia_edges + [Edge("PERFORMED", "tail-EPTQB", "flightlog-ep", {"matchedBy": ["tail"]}, P(record="ep"))]
    res = resolve(nodes, edges)
    assert res.shared_keys == {"tail-RA76001": ["opensky-600001", "ru-150001"],
                               "id-phone-70000000000": ["ofac-40181", "ua-nsdc-900001"]}
    keys = dict(res.keys)
    taken = build_tables(nodes, edges, res)
    assert res.keys == keys  # taken over by a consuming build only
    made = build_tables(nodes, edges, dataclasses.replace(res, shared_keys=None))
    assert list(taken.node_records()) == list(made.node_records())
    assert list(taken.rel_records()) == list(made.rel_records())
    assert {k: v for k, v in taken.audit.items() if k != "timings"} == {k: v for k, v in made.audit.items() if k != "timings"}
    assert ("ofac-50001", "flightlog-ep") in {(s, e) for s, e, _ in rels(taken, "PERFORMED")}
    assert taken.audit["ambiguous_tail_links"] == 1  # the undated flight of the tail two airframes held
    consumed = build_tables(list(nodes), list(edges), res, consume=True)
    assert res.keys == {} and list(consumed.rel_records()) == list(taken.rel_records())
