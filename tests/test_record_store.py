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
