"""The parsed-record store (kgraph.records): what a build reads back is what the ingest stored."""
from __future__ import annotations

import pytest

from kgraph import records as store
from kgraph.datadir import DataDir
from kgraph.model import Edge, Node, Provenance


def _leg(n: int, code: str, long_note: str) -> Node:
    return Node(f"flightlog-leg-{n}", "Flight", {"departureCode": [code], "departureDate": ["2026-01-20"],
                                                 "notes": [long_note], "citation": ["a", "b"]},
                Provenance("flightlog", f"leg-{n}", "2026-02-01"))


def test_records_read_back_equal_and_short_values_are_one_object(tmp_path):
    dd = DataDir(tmp_path)
    note = "diverted to the alternate after the first approach was refused"
    written = [_leg(1, "ULLI", note), _leg(2, "ULLI", note),
               Edge("OPERATES", "ofac-40181", "ofac-40185", {"role": ["operator"]}, Provenance("us_ofac_sdn", "40185"))]
    store.write_snapshot(dd, "flightlog", "2026-02-01", written)
    a, b, edge = store.read_current(dd, "flightlog")
    assert [a, b, edge] == written
    # a full-size log repeats a few thousand codes and dates over a million legs: one list each
    assert a.props["departureCode"] is b.props["departureCode"]
    assert a.props["departureDate"] is b.props["departureDate"]
    # a shared list is read-only, and a change through the record replaces it: never shown in another
    with pytest.raises(TypeError, match="read-only"):
        a.props["departureCode"].append("URSS")
    with pytest.raises(TypeError, match="read-only"):
        a.props["departureCode"][0] = "URSS"
    a.add("departureCode", "URSS")
    assert a.props["departureCode"] == ["ULLI", "URSS"]
    assert b.props["departureCode"] == ["ULLI"]
    assert b.props["departureDate"] == ["2026-01-20"]
    # several values are left as read (one list per record)
    assert a.props["citation"] is not b.props["citation"]
    # long text (names, notes) is rarely repeated: left as read
    assert a.props["notes"] == b.props["notes"] == [note]


def test_a_snapshot_is_diffed_against_the_previous_one_record_by_record(tmp_path):
    dd = DataDir(tmp_path)
    quoted = 'a note quoting ,"snapshot":"2026-02-01"} in its text'

    def records(snapshot: str, notes: str, last: int) -> list:
        legs = [_leg(n, "ULLI", quoted if n == 1 else notes) for n in (1, 2, last)]
        for leg in legs:
            leg.prov = Provenance("flightlog", leg.prov.record, snapshot)
        # edge keys are their ends and type: ids with an escape or another script are read like any other
        return legs + [
            Edge("OPERATES", 'ofac-"40181"', "ofac-40185", {"role": ["operator"]}, Provenance("flightlog", "e1", snapshot)),
            Edge("OPERATES", "авиакон", "ofac-40185", {"role": ["operator"]}, Provenance("flightlog", "e2", snapshot)),
            Node("flightlog-\\leg-9", "Flight", {"notes": [notes]}, Provenance("flightlog", "leg-9", snapshot)),
        ]

    first = store.write_snapshot(dd, "flightlog", "s1", records("2026-02-01", "as filed", 3))
    assert first["changes"] == {"added": 6, "removed": 0, "changed": 0}
    # the same statements a day later: only the snapshot differs, which is no change
    again = store.write_snapshot(dd, "flightlog", "s2", records("2026-02-02", "as filed", 3))
    assert again["changes"] == {"added": 0, "removed": 0, "changed": 0}
    # leg 3 gone, leg 4 new, the notes of leg 2 and of the escaped id restated
    later = store.write_snapshot(dd, "flightlog", "s3", records("2026-02-03", "diverted", 4))
    assert later["diff"] == {"added": ["flightlog-leg-4"], "removed": ["flightlog-leg-3"],
                             "changed": ["flightlog-\\leg-9", "flightlog-leg-2"]}
