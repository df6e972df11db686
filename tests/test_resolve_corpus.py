"""Resolution on real files: the 2024 SDN.CSV aircraft, and the matching harness on a held-out split."""
from __future__ import annotations

import csv
import random

import pytest

from tests.conftest import corpus_path

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def sdn_records():
    us_ofac = pytest.importorskip("ingest.us_ofac")
    path = corpus_path("sanctions", "ofac", "jackdwyer_sdn-list_2024-05-03", "sdn.csv")
    return list(us_ofac.parse(path))


def test_sdn_aircraft_resolve_by_msn(sdn_records):
    from kgraph.model import Node
    from kgraph.resolve import resolve

    planes = [r for r in sdn_records if isinstance(r, Node) and r.type in ("Airplane", "Organization")
              and (r.type == "Airplane" or r.id == "ofac-40181")]
    links = [r for r in sdn_records if not isinstance(r, Node) and r.type == "LINKED_TO"]
    res = resolve(planes, links)
    # Aviacon Zitotrans' four Il-76TDs: one type, four MSNs, four airframes
    assert len({res.canonical[f"ofac-{uid}"] for uid in range(40182, 40186)}) == 4
    # OFAC lists EP-GOM (15431) and EP-PUS (48727) with one MSN: one airframe, re-registered
    if "ofac-48727" in res.canonical:
        assert res.canonical["ofac-48727"] == res.canonical["ofac-15431"]
    # no cluster holds two MSNs of one serial sequence
    from kgraph.resolve.entity import Entity

    by_id = {n.id: Entity.from_nodes([n]) for n in planes if n.type == "Airplane"}
    for members in res.clusters.values():
        msns = {m for x in members if x in by_id for m in by_id[x].msns}
        assert len(msns) <= 1, members
    operates = {(e.start, e.end) for e in res.derived_edges if e.type == "OPERATES"}
    assert ("ofac-40181", "ofac-40185") in operates


def test_sdn_aircraft_meet_the_russian_registrys_in_its_spelling_of_serial_numbers(sdn_records):
    from ingest import aircraft_list
    from kgraph.model import Node
    from kgraph.resolve import resolve

    registry = corpus_path("aviation", "registries", "ru-aircraft-db", "aircraft.db")
    planes = [r for r in sdn_records if isinstance(r, Node) and r.type == "Airplane"]
    planes += [r for r in aircraft_list.parse(registry, mapping="ru_aircraft_db")
               if isinstance(r, Node) and r.type == "Airplane"]
    res = resolve(planes, [])
    # the registry writes the Tu-154's serial in Cyrillic (82А534), OFAC in Latin (82A534): one airframe
    for uid, tail in ((43218, "RA85534"), (43145, "RA85559"), (43214, "RA85426")):
        assert res.canonical[f"ofac-{uid}"] == res.canonical[f"ru-aircraft-db-{tail}"]
    # and an Il-76's serial with its line number after it: 1003401017(7605)
    assert res.canonical["ofac-43178"] == res.canonical["ru-aircraft-db-RA78831"]
    # Aviacon Zitotrans' RA-76842, 1033418616 on the SDN and 1043418616 in the registry, is for an analyst
    pair = [m for m in res.matches if {m.a, m.b} == {"ofac-40182", "ru-aircraft-db-RA76842"}]
    assert [m.decision for m in pair] == ["possible"]
    assert res.canonical["ofac-40182"] != res.canonical["ru-aircraft-db-RA76842"]


def test_name_benchmark_holds_on_a_held_out_half():
    """Thresholds and weights were tuned on half A of a fixed random split; half B must hold up too."""
    from kgraph.resolve import DEFAULT_THRESHOLDS
    from kgraph.resolve.names import compare_texts

    rows = list(csv.DictReader(open(corpus_path("groundtruth", "nomenklatura_name_bench_cases.csv"), encoding="utf-8")))
    idx = list(range(len(rows)))
    random.Random(7).shuffle(idx)
    held_out = [rows[i] for i in idx[len(idx) // 2:]]
    tp = fp = fn = 0
    for r in held_out:
        predicted = compare_texts(r["name1"], r["name2"], r["schema"] == "Person") >= DEFAULT_THRESHOLDS["merge"]
        gold = r["is_match"] == "true"
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.85, (precision, recall, f1)
