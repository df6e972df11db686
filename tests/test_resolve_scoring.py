"""Pair scoring: identifier rules, qualifiers, airframe identity, evidence."""
from __future__ import annotations

import json

import pytest

from kgraph.model import Node, Provenance, record_from_json
from kgraph.resolve import resolve
from kgraph.resolve.entity import Entity
from kgraph.resolve.score import score_pair


def ent(node_id: str, node_type: str = "Organization", source: str = "test", **props) -> Entity:
    return Entity.from_nodes([Node(node_id, node_type, props, Provenance(source, node_id))])


@pytest.fixture
def aviacon(fixtures):
    recs = [record_from_json(json.loads(line)) for line in open(fixtures / "resolve" / "aviacon.jsonl", encoding="utf-8")]
    return [r for r in recs if isinstance(r, Node)], [r for r in recs if not isinstance(r, Node)]


OFAC_40181 = dict(
    name=["JSC AVIACON ZITOTRANS"],
    alias=["OAO AVIAKOMPANIYA AVIAKON TSITOTRANS", "AIR COMPANY AVIACON ZITOTRANS", "AVIACON AIR CARGO",
           "AO AK AVIAKON TSITOTRANS"],
    innCode=["6658039390"],
    registrationNumber=["1026602311240"],
)


@pytest.mark.parametrize(
    "query", ["Aviacon Zitotrans", "Авиакон Цитотранс", "AO Aviakompaniya Aviakon Tsitotrans",
              "АО Авиакомпания Авиакон Цитотранс"])
def test_aviacon_spellings_match_ofac_and_canada(query):
    ofac = ent("ofac-40181", source="us_ofac_sdn", **OFAC_40181)
    canada = ent("ca-sema-eddeda8f89db741a4d9b", source="ca_sema", name=["Aviacon Zitotrans JSC"])
    q = ent("q", name=[query])
    for target in (ofac, canada):
        r = score_pair(q, target)
        assert r.score >= 0.9 and not r.cap and not r.veto, (query, target.id, r.explain())
    assert score_pair(ent("x", name=["Avia Traffic Company"]), ofac).score < 0.55


def test_every_score_carries_its_evidence():
    r = score_pair(ent("a", **OFAC_40181), ent("b", name=["Aviakon Tsitotrans"], innCode=["6658039390"]))
    features = {e["feature"] for e in r.explain()}
    assert {"name", "id:tax"} <= features
    for e in r.explain():
        assert set(e) == {"feature", "value", "compared", "weight", "contribution", "detail"}
    assert sum(e["contribution"] for e in r.explain()) == pytest.approx(r.score, abs=1e-3)
    json.loads(r.evidence_json())


def test_shared_tax_id_matches_without_a_similar_name():
    r = score_pair(ent("a", name=["Aviacon Zitotrans"], innCode=["6658039390"]),
                   ent("b", name=["Something Else Entirely"], taxNumber=["6658039390"]))
    assert r.score >= 0.95
    assert r.evidence[0].feature == "name" and any(e.feature == "id:tax" and e.contribution == 0.95 for e in r.evidence)


def test_shared_ogrn_and_imo_match():
    assert score_pair(ent("a", name=["X"], ogrnCode=["1026602311240"]),
                      ent("b", name=["Y"], registrationNumber=["1026602311240"])).score >= 0.95
    assert score_pair(ent("a", "Vessel", name=["Snow"], imoNumber=["IMO 9187629"]),
                      ent("b", "Vessel", name=["Winter"], imoNumber=["9187629"])).score >= 0.95


def test_conflicting_inn_is_strong_negative_evidence():
    r = score_pair(ent("a", name=["Aviacon Zitotrans"], innCode=["6658039390"]),
                   ent("b", name=["Aviacon Zitotrans"], innCode=["7707049388"]))
    assert r.score <= 0.55
    assert any(e.feature == "id:tax" and e.contribution < 0 for e in r.evidence)


def test_conflicting_imo_keeps_namesake_vessels_apart():
    r = score_pair(ent("a", "Vessel", name=["Victory"], imoNumber=["9187629"]),
                   ent("b", "Vessel", name=["Victory"], imoNumber=["9321483"]))
    assert r.score < 0.55


def test_birth_years_qualify_people():
    same = score_pair(ent("a", "Person", name=["Ivan Petrov"], birthDate=["1970-01-02"]),
                      ent("b", "Person", name=["Ivan Petrov"], birthDate=["1970-01-02"]))
    other = score_pair(ent("a", "Person", name=["Ivan Petrov"], birthDate=["1970-01-02"]),
                       ent("b", "Person", name=["Ivan Petrov"], birthDate=["1955"]))
    near = score_pair(ent("a", "Person", name=["Ivan Petrov"], birthDate=["1970"]),
                      ent("b", "Person", name=["Ivan Petrov"], birthDate=["1971"]))
    assert same.score == 1.0 and any(e.feature == "birth_date" and e.contribution > 0 for e in same.evidence)
    assert other.score < 0.75
    assert near.score == 1.0  # a year off by one is not held against the pair


@pytest.mark.parametrize("canada, ofac", [
    # Canada's Major General Jumah AL-AHMAD (Syria) and OFAC's Khalid Ahmad Jumah AL-SUDANI (Sudan)
    (dict(name=["Jumah Al-Ahmad"], firstName=["Jumah"], lastName=["Al-Ahmad"]),
     dict(name=["AL-SUDANI, Khalid Ahmad Jumah"], firstName=["Khalid Ahmad Jumah"], lastName=["AL-SUDANI"])),
    # Canada's General Mohammed Ali NASR (item 156) and Brigadier Nasr AL-ALI (item 148)
    (dict(name=["Mohammed Ali Nasr"], firstName=["Mohammed Ali"], lastName=["Nasr"]),
     dict(name=["Nasr al-Ali"], firstName=["Nasr"], lastName=["al-Ali"])),
])
def test_people_whose_family_and_first_names_both_differ_are_not_merged(canada, ofac):
    r = score_pair(ent("ca", "Person", **canada), ent("ofac", "Person", **ofac))
    assert r.score < 0.75 and any(e.feature == "surname" and e.contribution < 0 for e in r.evidence)


def test_a_family_name_met_among_the_given_names_with_the_first_given_name_is_one_person():
    # South Sudan's Marial Chanuong Yol MANGOK, whom Canada files under CHANUONG
    r = score_pair(ent("ca", "Person", name=["Marial CHANUONG"], firstName=["Marial"], lastName=["CHANUONG"]),
                   ent("ofac", "Person", name=["MANGOK, Marial Chanuong Yol"], firstName=["Marial Chanuong Yol"],
                       lastName=["MANGOK"]))
    assert r.score >= 0.75 and not any(e.feature == "surname" for e in r.evidence)


def test_countries_qualify():
    a = ent("a", name=["Neka Novin"], country=["Iran"])
    assert score_pair(a, ent("b", name=["Neka Novin"], country=["IR"])).score == 1.0
    r = score_pair(a, ent("c", name=["Neka Novin"], country=["Russia"]))
    assert r.score < 1.0 and any(e.feature == "country" and e.contribution < 0 for e in r.evidence)


def test_person_and_organization_are_review_only():
    r = score_pair(ent("a", "Person", name=["Neka Novin"]), ent("b", "Organization", name=["Neka Novin"]))
    assert r.cap


def test_same_source_record_under_two_ids_is_one_entity():
    a = Entity.from_nodes([Node("x-1", "Organization", {"name": ["A"]}, Provenance("us_ofac_sdn", "40181"))])
    b = Entity.from_nodes([Node("x-2", "Organization", {"name": ["B"]}, Provenance("us_ofac_sdn", "40181"))])
    assert score_pair(a, b).score == 1.0


# -- aircraft ---------------------------------------------------------------------


def plane(node_id: str, source: str = "test", **props) -> Entity:
    return ent(node_id, "Airplane", source, **props)


def test_two_il76s_with_different_msns_are_never_one_airframe():
    a = plane("ofac-40183", registrationNumber=["RA-76502"], serialNumber=["1003401004"], model=["IL-76TD"])
    b = plane("ofac-40185", registrationNumber=["RA-78765"], serialNumber=["83486590"], model=["IL-76TD"])
    r = score_pair(a, b)
    assert r.veto and r.score == 0.0
    # even when a tail collides (tails are re-used)
    c = plane("x", registrationNumber=["RA-78765"], serialNumber=["1003401004"], model=["Il-76TD"])
    r = score_pair(b, c)
    assert r.veto and any(e.feature == "airframe_conflict" for e in r.evidence)


def test_a_type_code_is_never_an_identifier():
    a = plane("a", registrationNumber=["RA-76502"], model=["IL76"], icaoType=["IL76"])
    b = plane("b", registrationNumber=["RA-78765"], model=["IL76"], icaoType=["IL76"])
    assert score_pair(a, b).score == 0.0


def test_same_msn_with_different_tails_is_one_airframe_re_registered():
    a = plane("a", registrationNumber=["VQ-BTK"], serialNumber=["1234"], model=["A320-214"])
    b = plane("b", registrationNumber=["RA-73750"], serialNumber=["01234"], model=["Airbus A321"])
    r = score_pair(a, b)
    assert r.score >= 0.95 and r.evidence[0].feature == "msn"


def test_same_msn_in_incompatible_types_is_a_coincidence():
    a = plane("a", serialNumber=["1234"], model=["A320"])
    b = plane("b", serialNumber=["1234"], model=["Boeing 737-800"])
    assert score_pair(a, b).veto


def test_tail_evidence_depends_on_time():
    current = score_pair(plane("a", registrationNumber=["RA-78765"], registered=["2010-01-01"]),
                         plane("b", registrationNumber=["RA78765"], registered=["2015-05-05"]))
    stale = score_pair(plane("a", registrationNumber=["RA-78765"], registered=["1990-01-01"],
                             registeredUntil=["1995-01-01"]),
                       plane("b", registrationNumber=["RA78765"], registered=["2015-05-05"]))
    assert current.score >= 0.85 > stale.score
    prev = score_pair(plane("a", registrationNumber=["RA-73750"], previousRegistrationNumber=["VQ-BTK"]),
                      plane("b", registrationNumber=["VQ-BTK"]))
    assert prev.evidence[0].feature == "previous_tail"


def test_icao24_address_is_strong_evidence():
    r = score_pair(plane("a", icao24=["1533AD"]), plane("b", icao24=["0x1533ad"]))
    assert r.score >= 0.9


def test_ra78765_hex_and_msn_resolve_to_one_airframe(aviacon):
    nodes, edges = aviacon
    res = resolve(nodes, edges)
    assert res.canonical["ru-aircraft-db-1533ad"] == res.canonical["ofac-40185"] == "ofac-40185"
    assert res.keys["icao24-1533ad"] == "ofac-40185"
    assert res.keys["msn-83486590"] == "ofac-40185"
    assert res.keys["tail-RA78765"] == "ofac-40185"
    # the other three Il-76TDs of the operator stay apart
    planes = {res.canonical[i] for i in ("ofac-40182", "ofac-40183", "ofac-40184", "ofac-40185")}
    assert len(planes) == 4


def test_no_chain_of_tail_matches_joins_two_msns():
    nodes = [
        Node("a", "Airplane", {"registrationNumber": ["RA-78765"], "serialNumber": ["83486590"], "model": ["IL-76TD"]},
             Provenance("us_ofac_sdn", "a")),
        Node("b", "Airplane", {"registrationNumber": ["RA-78765"]}, Provenance("ru_aircraft_db", "b")),
        Node("c", "Airplane", {"registrationNumber": ["RA-78765"], "serialNumber": ["1003401004"], "model": ["IL-76"]},
             Provenance("us_faa", "c")),
    ]
    res = resolve(nodes, [])
    assert res.canonical["a"] != res.canonical["c"]
    assert "tail-RA78765" not in res.keys  # the tail names two airframes: no key owner


def test_a_serial_number_in_cyrillic_letters_is_the_same_serial_number():
    # the Russian registry writes the Tu-154's serial with a Cyrillic А, OFAC with a Latin A
    ofac = plane("ofac-43218", "us_ofac_sdn", registrationNumber=["RA-85534"], serialNumber=["82A534"], model=["TU-154"])
    registry = plane("ru-aircraft-db-RA85534", "ru_aircraft_db", registrationNumber=["RA-85534"],
                     serialNumber=["82А534"], model=["Tupolev Tu-154B-2"])
    r = score_pair(ofac, registry)
    assert not r.veto and r.score >= 0.95 and r.evidence[0].feature == "msn"
    # and its letter is read, not dropped: 1Г23946 is not the serial number 123946
    an2 = plane("a", serialNumber=["1Г23946"], model=["An-2"])
    assert score_pair(an2, plane("b", serialNumber=["123946"], model=["An-2"])).veto
    assert score_pair(an2, plane("c", serialNumber=["1G23946"], model=["An-2"])).score >= 0.95
    # an Il-76's serial with its line number after it, as the registry writes it
    assert score_pair(plane("d", serialNumber=["1003401017(7605)"], model=["Il-76TD"]),
                      plane("e", serialNumber=["1003401017"], model=["IL-76TD"])).score >= 0.95


def test_the_same_tail_with_serial_numbers_one_character_apart_is_left_to_an_analyst():
    # OFAC's RA-76842 (Aviacon Zitotrans) is 1033418616, the Russian registry's 1043418616
    ofac = plane("ofac-40182", registrationNumber=["RA-76842"], serialNumber=["1033418616"], model=["IL-76TD"])
    registry = plane("ru-aircraft-db-RA76842", registrationNumber=["RA-76842"], serialNumber=["1043418616"],
                     model=["Ilyushin Il-76TD"])
    r = score_pair(ofac, registry)
    assert r.veto and 0.55 <= r.score < 0.75 and r.evidence[-1].feature == "msn_typo"
    # resolved, the two stay apart, and the pair is one for an analyst to judge
    res = resolve([Node("ofac-40182", "Airplane", {"registrationNumber": ["RA-76842"], "serialNumber": ["1033418616"]},
                        Provenance("us_ofac_sdn", "40182")),
                   Node("ru-aircraft-db-RA76842", "Airplane", {"registrationNumber": ["RA-76842"],
                        "serialNumber": ["1043418616"]}, Provenance("ru_aircraft_db", "RA-76842"))], [])
    assert res.canonical["ofac-40182"] != res.canonical["ru-aircraft-db-RA76842"]
    assert [(m.a, m.b, m.decision) for m in res.matches] == [("ofac-40182", "ru-aircraft-db-RA76842", "possible")]
    # without the shared tail, or a short serial a sequence's neighbour has, it stays a conflict
    assert score_pair(ofac, plane("x", registrationNumber=["RA-76843"], serialNumber=["1043418616"])).score == 0.0
    assert score_pair(plane("y", registrationNumber=["RA-85605"], serialNumber=["85A605"], model=["Tu-154"]),
                      plane("z", registrationNumber=["RA-85605"], serialNumber=["84A605"], model=["Tu-154"])
                      ).score == 0.0
