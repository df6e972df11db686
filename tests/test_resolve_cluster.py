"""Clusters: judgements first, stable ids, clusters as data, saved resolutions, derived links, candidates."""
from __future__ import annotations

import json
import random

import pytest

from kgraph.datadir import DataDir
from kgraph.errors import KgraphError
from kgraph.model import Edge, Node, Provenance, record_from_json
from kgraph.resolve import Resolution, resolve, write_clusters
from kgraph.resolve.entity import Entity
from kgraph.resolve.index import LookupIndex, candidate_pairs, entity_keys, query_keys
from kgraph.resolve.judgements import Judgement, add_judgement, compact, load_judgements


@pytest.fixture
def aviacon(fixtures):
    recs = [record_from_json(json.loads(line)) for line in open(fixtures / "resolve" / "aviacon.jsonl", encoding="utf-8")]
    return [r for r in recs if isinstance(r, Node)], [r for r in recs if not isinstance(r, Node)]


def org(node_id: str, name: str, source: str = "test", **props) -> Node:
    return Node(node_id, "Organization", {"name": [name], **props}, Provenance(source, node_id.split("-")[-1]))


def test_aviacon_records_of_four_lists_form_one_cluster(aviacon):
    nodes, edges = aviacon
    res = resolve(nodes, edges)
    cluster = res.clusters["ofac-40181"]
    assert {"ofac-40181", "ca-sema-eddeda8f89db741a4d9b", "ua-nsdc-12345", "ru-aircraft-db-op-azs"} <= set(cluster)
    assert res.canonical["ofac-99001"] == "ofac-99001"  # Avia Traffic Company stays apart
    # every input id is in canonical, non-matchable ones map to themselves
    assert set(res.canonical) == {n.id for n in nodes}
    assert res.canonical["flightlog-ra78765-2026-01-29-ulli-urss"] == "flightlog-ra78765-2026-01-29-ulli-urss"
    for m in res.matches:
        assert m.decision in {"merge", "possible", "judged-same", "judged-different", "judged-unsure"}
        assert m.evidence


def test_records_with_one_id_count_as_one_member():
    a1 = org("ofac-1", "Aviacon Zitotrans", "us_ofac_sdn")
    a2 = Node("ofac-1", "Organization", {"alias": ["Авиакон Цитотранс"]}, Provenance("us_ofac_sdn", "1", "2025-01-01"))
    b = org("ca-sema-2", "Авиакон Цитотранс", "ca_sema")
    res = resolve([a1, a2, b], [])
    assert res.clusters["ofac-1"] == ["ca-sema-2", "ofac-1"]
    assert not any(m.a == m.b for m in res.matches)


def test_two_ofac_records_are_two_entities_unless_they_share_an_identifier():
    """OFAC gives a branch, a namesake or a sister company a record of its own: on names alone the
    airline and the army were one cluster (0.78), and the army was sanctioned as an airline."""
    res = resolve([org("ofac-13440", "SYRIAN ARAB AIRLINES", "us_ofac_sdn"),
                   org("ofac-20954", "SYRIAN ARAB ARMY", "us_ofac_sdn"),
                   org("ofac-20956", "SYRIAN ARAB NAVY", "us_ofac_cons"),
                   org("ca-sema-1", "Syrian Arab Airlines", "ca_sema"), org("ca-sema-2", "Syrian Arab Airlines", "ca_sema"),
                   # one company under two UIDs (its SSI and its SDN entry): its INN says so
                   org("ofac-20201", "OAO SHIP REPAIR CENTER 'ZVEZDOCHKA'", "us_ofac_cons", innCode=["2902060361"]),
                   org("ofac-36065", "JOINT STOCK COMPANY SHIPREPAIRING CENTER ZVYOZDOCHKA", "us_ofac_sdn",
                       innCode=["2902060361"]),
                   org("ca-sema-3", "Ship Repair Center Zvezdochka", "ca_sema"),
                   # nor is one owner's tax number, which OFAC gives each of his shops
                   org("ofac-11555", "VARIEDADES HARB SPORT", "us_ofac_sdn", taxNumber=["6070026706"]),
                   org("ofac-11556", "ALMACEN FUTURO NO. 1", "us_ofac_sdn", taxNumber=["6070026706"]),
                   # a shared phone is no identifier of the entity: branches share one
                   org("ofac-15129", "HODA SHIPPING COMPANY LIMITED", "us_ofac_sdn", phone=["35722660766"]),
                   org("ofac-15130", "HOMA SHIPPING COMPANY LIMITED", "us_ofac_sdn", phone=["35722660766"])], [])
    assert res.clusters["ofac-13440"] == ["ca-sema-1", "ca-sema-2", "ofac-13440"]  # Canada's two schedules, one
    assert res.canonical["ofac-20954"] == "ofac-20954" and res.canonical["ofac-20956"] == "ofac-20956"
    assert res.clusters["ofac-36065"] == ["ca-sema-3", "ofac-20201", "ofac-36065"]
    assert res.canonical["ofac-15130"] == "ofac-15130" and res.canonical["ofac-11556"] == "ofac-11556"
    army = next(m for m in res.matches if {m.a, m.b} == {"ofac-13440", "ofac-20954"})
    assert army.decision == "possible" and army.score > 0.75
    assert [e["detail"] for e in army.evidence if e["feature"] == "blocked"] == [
        "two OFAC records (13440 / 20954), and no identifier with names that agree says they are one: that list "
        "gives a branch, a namesake or a sister company its own record"]
    # the Canadian record near both joins the airline, not the army through it
    assert next(m for m in res.matches if {m.a, m.b} == {"ca-sema-1", "ofac-20954"}).decision == "possible"


def test_an_airline_code_shared_by_names_that_disagree_is_for_review():
    """The Russian register gives the Air Force and its 223rd and 224th flight units the code RFF: the OFAC-listed
    224th Flight Unit took the Air Force's names and its 134 aircraft."""
    ru = "ru_aircraft_db"
    res = resolve([org("ru-org-af", "Russia - Air Force", ru, icaoCode=["RFF"]),
                   org("ru-org-224", "Russia - 224th Flight Unit State Airline", ru, icaoCode=["TTF", "RFF"]),
                   org("ru-org-223", "Russia - 223rd Flight Unit State Airline", ru, icaoCode=["CHD", "RFF"]),
                   org("ru-org-ut1", "UTair", ru, icaoCode=["UTA"]), org("ru-org-ut2", "Utair Aviation", ru, icaoCode=["UTA"]),
                   org("ru-org-x1", "Arkhangelsk Air", ru, icaoCode=["OAO"])], [])
    assert len({res.canonical[i] for i in ("ru-org-af", "ru-org-224", "ru-org-223")}) == 3
    assert res.canonical["ru-org-ut1"] == res.canonical["ru-org-ut2"]  # names that agree: one airline
    pair = next(m for m in res.matches if {m.a, m.b} == {"ru-org-af", "ru-org-224"})
    assert pair.decision == "possible" and [e["detail"] for e in pair.evidence if e["feature"] == "group_code"] == [
        "names disagree, and the units of one operator share its airline code: review only"]


def test_canonical_id_follows_source_priority_then_smallest_id():
    nodes = [org("zz-9", "Neka Novin", "other_list"), org("ca-sema-5", "Neka Novin", "ca_sema"),
             org("ofac-7", "NEKA NOVIN", "us_ofac_sdn"), org("ua-nsdc-1", "Нека Новин", "ua_nsdc"),
             org("faa-3", "Neka Novin", "us_faa")]
    res = resolve(nodes, [])
    assert set(res.clusters) == {"ofac-7"}
    res = resolve([n for n in nodes if n.prov.source != "us_ofac_sdn"], [])
    assert set(res.clusters) == {"ca-sema-5"}
    res = resolve([org("x-b", "Neka Novin", "other"), org("x-a", "Neka Novin", "other")], [])
    assert set(res.clusters) == {"x-a"}


def test_cluster_ids_are_stable_across_two_builds(aviacon):
    nodes, edges = aviacon
    first = resolve(nodes, edges)
    shuffled = nodes[:]
    random.Random(3).shuffle(shuffled)
    second = resolve(shuffled, edges[::-1])
    assert first.canonical == second.canonical
    assert first.clusters == second.clusters
    assert [(m.a, m.b, m.decision) for m in first.matches] == [(m.a, m.b, m.decision) for m in second.matches]


# -- judgements --------------------------------------------------------------------


def test_same_judgement_joins_records_below_threshold():
    nodes = [org("ofac-1", "Basij Resistance Force", "us_ofac_sdn"), org("ca-sema-2", "Basij-e Mostazafan", "ca_sema")]
    assert resolve(nodes, []).canonical["ca-sema-2"] == "ca-sema-2"
    res = resolve(nodes, [], judgements=[("ofac-1", "ca-sema-2", "same")])
    assert res.canonical["ca-sema-2"] == "ofac-1"
    assert [m.decision for m in res.matches] == ["judged-same"]


def test_different_judgement_beats_a_perfect_score():
    nodes = [org("ofac-1", "Mahan Air", "us_ofac_sdn"), org("ca-sema-2", "Mahan Air", "ca_sema")]
    res = resolve(nodes, [], judgements=[("ca-sema-2", "ofac-1", "different")])
    assert res.canonical["ca-sema-2"] == "ca-sema-2"
    assert res.matches[0].decision == "judged-different"


def test_different_judgement_cuts_transitive_merges():
    # a ~ b and b ~ c score high, but an analyst said a and c differ: c must not join a through b
    nodes = [org("ofac-1", "Neka Novin", "us_ofac_sdn"), org("x-2", "Neka Novin", "other"),
             org("ca-sema-3", "Neka Novin", "ca_sema")]
    res = resolve(nodes, [], judgements=[("ofac-1", "ca-sema-3", "different")])
    assert res.canonical["ofac-1"] != res.canonical["ca-sema-3"]
    blocked = [m for m in res.matches if m.decision == "possible"]
    assert blocked and any(e["feature"] == "blocked" for m in blocked for e in m.evidence)


def test_strong_negative_evidence_cuts_transitive_merges():
    # two people with different birth years share a name-only record: the chain must not join them
    nodes = [Node("ofac-1", "Person", {"name": ["Ali Hammud"], "birthDate": ["1964"]}, Provenance("us_ofac_sdn", "1")),
             Node("ofac-2", "Person", {"name": ["Ali Hammud"], "birthDate": ["1973"]}, Provenance("us_ofac_sdn", "2")),
             Node("ca-sema-3", "Person", {"name": ["Ali Hamoud"]}, Provenance("ca_sema", "3"))]
    res = resolve(nodes, [])
    assert res.canonical["ofac-1"] != res.canonical["ofac-2"]


def test_unsure_judgement_leaves_the_review_list_but_merges_nothing():
    nodes = [org("ofac-1", "Neka Novin Trading", "us_ofac_sdn"), org("ca-sema-2", "Neka Novin", "ca_sema")]
    res = resolve(nodes, [], judgements=[("ofac-1", "ca-sema-2", "unsure")])
    assert res.matches[0].decision == "judged-unsure"
    assert res.canonical["ca-sema-2"] == "ca-sema-2"


def test_judgement_store_last_wins_and_survives_compaction(tmp_path):
    path = tmp_path / "judgements.jsonl"
    add_judgement(path, "a", "b", "same", user="ana", note="same INN")
    add_judgement(path, "b", "a", "different", user="bo")
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"a": "c", "b": "d", "judgem')  # a torn line from a crash
    warnings = []
    current = load_judgements(path, warnings)
    assert warnings == [f"{path}: line 3 is cut short and was not read ('{{\"a\": \"c\", \"b\": \"d\", \"judgem'); "
                        "delete it, then judge that pair again"]
    assert current[("a", "b")].judgement == "different" and current[("a", "b")].user == "bo"
    assert compact(path) == 1
    assert load_judgements(path) == current
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["timestamp"]


def test_judgement_rejects_bad_input(tmp_path):
    from kgraph.errors import KgraphError

    with pytest.raises(KgraphError):
        add_judgement(tmp_path / "j.jsonl", "a", "b", "maybe")
    with pytest.raises(KgraphError):
        add_judgement(tmp_path / "j.jsonl", "a", "a", "same")


def test_judgements_from_a_datadir_apply(tmp_path, aviacon):
    dd = DataDir(tmp_path)
    add_judgement(dd.judgements_path, "ofac-40181", "ua-nsdc-12345", "different")
    nodes, edges = aviacon
    res = resolve(nodes, edges, judgements=load_judgements(dd))
    assert res.canonical["ua-nsdc-12345"] != res.canonical["ofac-40181"]
    assert isinstance(load_judgements(dd)[("ofac-40181", "ua-nsdc-12345")], Judgement)


# -- clusters as data, save/load -----------------------------------------------------


def test_write_clusters_names_source_records(tmp_path, aviacon):
    nodes, edges = aviacon
    res = resolve(nodes, edges)
    out = tmp_path / "clusters.jsonl"
    n = write_clusters(res, nodes, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) == 2
    aviacon_row = next(r for r in rows if r["id"] == "ofac-40181")
    assert {"source": "us_ofac_sdn", "record": "40181", "node": "ofac-40181"} in aviacon_row["members"]
    assert {"source": "ca_sema", "record": "Russia / Russie|1, Part 2|380",
            "node": "ca-sema-eddeda8f89db741a4d9b"} in aviacon_row["members"]
    assert write_clusters(res, {n.id: n.prov for n in nodes}, out, min_size=1) > 2


def test_resolution_save_and_load_round_trip(tmp_path, aviacon):
    nodes, edges = aviacon
    res = resolve(nodes, edges)
    res.save(tmp_path / "resolution")
    back = Resolution.load(tmp_path)  # finds the resolution/ sub-directory a build uses
    assert back.canonical == res.canonical
    assert back.clusters == res.clusters
    assert [m.to_dict() for m in back.matches] == [m.to_dict() for m in res.matches]
    assert [e.to_json() for e in back.derived_edges] == [e.to_json() for e in res.derived_edges]
    assert back.keys == res.keys


# -- operators <-> aircraft ------------------------------------------------------------


def test_operator_links_with_evidence(aviacon):
    nodes, edges = aviacon
    res = resolve(nodes, edges)
    links = {(e.type, e.start, e.end): e for e in res.derived_edges}
    ops = links[("OPERATES", "ofac-40181", "ofac-40185")]
    evidence = json.loads(ops.first("evidence"))
    features = {e["feature"] for e in evidence}
    # OFAC "Linked To", the registry's operator name and ICAO code, and a flight's callsign prefix
    assert {"listed_link", "operatorName", "operator_icao", "callsign"} <= features
    assert float(ops.first("score")) >= 0.9
    assert ops.prov.source == "us_ofac_sdn"
    assert ("OPERATES", "ofac-40181", "ofac-40182") in links  # linked by OFAC only
    assert ("OPERATES", "ofac-40181", "ofac-40183") not in links  # no evidence given for it in the fixture


def test_operator_name_must_resolve_unambiguously():
    plane = Node("faa-1", "Airplane", {"registrationNumber": ["N1"], "operatorName": ["Neka Novin"]},
                 Provenance("us_faa", "1"))
    twins = [Node("x-1", "Organization", {"name": ["Neka Novin"], "country": ["IR"]}, Provenance("a", "1")),
             Node("x-2", "Organization", {"name": ["Neka Novin"], "country": ["RU"]}, Provenance("b", "2"))]
    res = resolve([plane, *twins], [], judgements=[("x-1", "x-2", "different")])
    assert not res.derived_edges


def test_linked_to_between_people_gives_no_operator_edge():
    nodes = [Node("ofac-1", "Person", {"name": ["A B"]}, Provenance("us_ofac_sdn", "1")),
             Node("ofac-2", "Organization", {"name": ["C D"]}, Provenance("us_ofac_sdn", "2"))]
    edges = [Edge("LINKED_TO", "ofac-1", "ofac-2", {"relation": ["Linked To"]}, Provenance("us_ofac_sdn", "1"))]
    assert resolve(nodes, edges).derived_edges == []


# -- candidates and lookup -----------------------------------------------------------------


def test_candidates_skip_over_frequent_keys_and_other_families():
    nodes = [org(f"x-{i}", f"Air Cargo {w}", "s") for i, w in enumerate(
        ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet"])]
    nodes.append(Node("p-1", "Airplane", {"name": ["Alpha"]}, Provenance("s", "p")))
    ents = [Entity.from_nodes([n]) for n in nodes]
    pairs = candidate_pairs(ents, max_key_freq=5)
    assert pairs == set()  # "air", "cargo" say nothing; an Airplane is never paired with an Organization


def test_query_keys_and_lookup_index(aviacon):
    nodes, _ = aviacon
    from kgraph.resolve.entity import MATCHABLE

    ents = [Entity.from_nodes([n]) for n in nodes if n.type in MATCHABLE]
    idx = LookupIndex(ents)
    for q, expected in [("Авиакон Цитотранс", "ofac-40181"), ("AVIAKON TSITOTRANS", "ofac-40181"),
                        ("ra 78765", "ofac-40185"), ("1533AD", "ru-aircraft-db-1533ad"), ("83486590", "ofac-40185"),
                        ("6658039390", "ofac-40181"), ("ofac-40185", "ofac-40185"), ("AZS", "ru-aircraft-db-op-azs")]:
        hits = idx.search(q)
        assert hits and expected in [e.id for e, s, _ in hits if s == hits[0][1]], (q, hits[:3])
    assert "i:tail-RA78765" in query_keys("RA-78765")


# -- airframes that share no key with another record (prepared with their keys only) --------------


def registry_plane(hexcode: str, tail: str, msn: str, **props) -> Node:
    return Node(f"opensky-{hexcode}", "Airplane",
                {"registrationNumber": [tail], "icao24": [hexcode], "serialNumber": [msn], "model": ["Il-76TD"],
                 **props}, Provenance("opensky_aircraft", hexcode))


def test_a_keys_only_airplane_has_the_keys_and_fields_of_a_full_one():
    plane = registry_plane("1533ae", "RA-76999", "0093498951", previousRegistrationNumber=["CCCP-76999"],
                           operatorIcao=["AZS"], operatorName=["Aviacon Zitotrans"], ownerName=["Lessor LLC"])
    full, light = Entity.from_nodes([plane]), Entity.from_nodes([plane], keys_only=True)
    assert full.complete and not light.complete
    for attr in ("id", "type", "family", "provs", "keys", "tails", "prev_tails", "props"):
        assert getattr(light, attr) == getattr(full, attr), attr
    assert entity_keys(light) == entity_keys(full)
    assert full.msns and not light.msns  # what only scoring reads is left out
    # OFAC names an aircraft by its tail: that tail is a key of a keys-only entity too
    named = Node("ofac-40185", "Airplane", {"name": ["RA-78765"]}, Provenance("us_ofac_sdn", "40185"))
    assert Entity.from_nodes([named], keys_only=True).tails == {"RA78765"}
    with pytest.raises(ValueError):
        Entity.from_nodes([org("ofac-1", "Mahan Air")], keys_only=True)


def test_airframes_merge_through_a_shared_key_and_the_others_stay_in_graph_and_lookup():
    from kgraph.graph.build import build_tables
    from kgraph.lookup_write import index_rows

    listed = Node("ofac-40185", "Airplane", {"registrationNumber": ["RA-78765"], "serialNumber": ["83486590"],
                                             "model": ["IL-76TD"]}, Provenance("us_ofac_sdn", "40185"))
    operator = org("ofac-40181", "JSC Aviacon Zitotrans", "us_ofac_sdn", icaoCode=["AZS"])
    twin = registry_plane("1533ad", "RA-78765", "83486590")
    alone = registry_plane("1533ae", "RA-76999", "0093498951", operatorIcao=["AZS"])
    reused = registry_plane("1533af", "RA-78765", "0093421999")  # the tail again, on another airframe
    judged = [registry_plane("aaa001", "RA-11111", "111"), registry_plane("aaa002", "RA-22222", "222")]
    nodes = [listed, operator, twin, alone, reused, *judged]
    res = resolve(nodes, [], judgements=[("opensky-aaa001", "opensky-aaa002", "same")])
    assert res.canonical["opensky-1533ad"] == "ofac-40185"  # shares tail and MSN with the listed airframe
    assert res.canonical["opensky-1533af"] == "opensky-1533af"  # its MSN differs: compared in full, kept apart
    assert res.clusters["opensky-aaa001"] == ["opensky-aaa001", "opensky-aaa002"]  # an analyst said so
    assert res.clusters["opensky-1533ae"] == ["opensky-1533ae"]
    assert res.keys["icao24-1533ae"] == res.keys["tail-RA76999"] == res.keys["msn-93498951"] == "opensky-1533ae"
    assert [(e.type, e.start, e.end) for e in res.derived_edges] == [("OPERATES", "ofac-40181", "opensky-1533ae")]
    tables = build_tables(nodes, [], res)
    rows = {r["id"]: r for r in index_rows(tables, res)}
    assert rows["opensky-1533ae"]["type"] == "Airplane" and "RA-76999" in rows["opensky-1533ae"]["identifiers"]
    assert rows["ofac-40185"]["members"] == ["ofac-40185", "opensky-1533ad"] and "opensky-1533ad" not in rows


def test_clusterer_keeps_facts_under_the_root_of_each_joined_cluster():
    from kgraph.resolve.cluster import Clusterer

    nodes = [registry_plane(h, t, m) for h, t, m in
             [("a00001", "RA-1", "111"), ("a00002", "RA-2", ""), ("a00003", "RA-3", "333"), ("a00004", "RA-4", "")]]
    nodes += [org("x-1", "A", "test", innCode=["6658039390"]), org("x-2", "A", "us_ofac_sdn"),
              org("x-3", "A", "test", innCode=["7707049388"])]
    cl = Clusterer({n.id: Entity.from_nodes([n]) for n in nodes})
    assert cl.union("opensky-a00002", "opensky-a00001")  # the MSN of the one joined moves to the cluster
    assert cl.conflict("opensky-a00002", "opensky-a00003") == "different MSNs 111 / 333"
    assert not cl.union("opensky-a00003", "opensky-a00002")
    cl.forbid("opensky-a00004", "opensky-a00001")
    assert cl.conflict("opensky-a00004", "opensky-a00002").startswith("an analyst")
    assert cl.union("x-2", "x-1") and cl.conflict("x-3", "x-1") == "different tax identifiers 7707049388 / 6658039390"
    clusters = cl.clusters()
    assert list(clusters.items()) == [  # in entity order; a cluster is named by its best source
        ("opensky-a00001", ["opensky-a00001", "opensky-a00002"]), ("opensky-a00003", ["opensky-a00003"]),
        ("opensky-a00004", ["opensky-a00004"]), ("x-2", ["x-1", "x-2"]), ("x-3", ["x-3"])]


@pytest.mark.parametrize("bad, reason", [
    ('{"a": "c", "b": "d", "judgem', "not a judgement (JSONDecodeError"),  # a hand edit gone wrong
    ('{"a": "c", "b": "d"}', "not a judgement (KeyError: 'judgement')"),
    ('{"a": "c", "b": "d", "judgement": "maybe"}', "unknown judgement 'maybe' (one of same, different, unsure)"),
    ("[1, 2]", "not a judgement (TypeError"),
])
def test_a_line_that_is_not_a_judgement_is_refused_naming_it(tmp_path, bad, reason):
    path = tmp_path / "judgements.jsonl"
    add_judgement(path, "a", "b", "same")
    with open(path, "a", encoding="utf-8") as f:
        f.write(bad + "\n")
    add_judgement(path, "e", "f", "different")
    with pytest.raises(KgraphError) as err:
        load_judgements(path)
    assert str(err.value).startswith(f"{path}: line 2: {reason}") and str(err.value).endswith("; fix or delete the line")


def test_a_line_cut_short_is_passed_over_and_judging_again_waits_for_its_removal(tmp_path):
    path = tmp_path / "judgements.jsonl"
    add_judgement(path, "a", "b", "same")
    good = path.read_text(encoding="utf-8")
    path.write_text(good + '{"a": "c", "b": "d", "judgem', encoding="utf-8")  # a crash mid-write
    assert list(load_judgements(path)) == [("a", "b")]
    # appended to, the cut line and the new judgement would be one line, neither of them read
    with pytest.raises(KgraphError, match=r"line 2 is cut short \('\{\"a\": \"c\", \"b\": \"d\", \"judgem'\); "
                                          r"delete it, then judge again$"):
        add_judgement(path, "c", "d", "different")
    path.write_text(good, encoding="utf-8")
    add_judgement(path, "c", "d", "different")
    assert load_judgements(path)[("c", "d")].judgement == "different"


def test_a_whole_last_line_without_its_newline_is_read_and_judged_after(tmp_path):
    # an editor's file: the last line has no newline, and is a judgement all the same
    path = tmp_path / "judgements.jsonl"
    path.write_text('{"a": "a", "b": "b", "judgement": "same"}', encoding="utf-8")
    assert load_judgements(path)[("a", "b")].judgement == "same"
    add_judgement(path, "c", "d", "different")
    assert {k: j.judgement for k, j in load_judgements(path).items()} == {("a", "b"): "same", ("c", "d"): "different"}
