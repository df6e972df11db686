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


def _stored(tmp_path, lines: list[bytes] | None = None, cut: int | None = None) -> DataDir:
    """A data directory whose flight log's current records are ``lines`` (gzipped), or a good file cut short."""
    import gzip

    dd = DataDir(tmp_path)
    store.write_snapshot(dd, "flightlog", "s1", [_leg(n, "ULLI", "as filed") for n in range(1, 4)])
    path = dd.records_dir("flightlog") / "s1.jsonl.gz"
    data = gzip.compress(b"\n".join(lines) + b"\n") if lines is not None else path.read_bytes()[:cut]
    path.write_bytes(data)
    return dd


@pytest.mark.parametrize("lines, cut, where, reason", [
    (None, 40, "after record 0", "EOFError"),  # a copy cut short
    ([b'{"kind":"node","id":"a","type":"Flight","props":{},"source":"flightlog","record":"a","snapshot":null}',
      b'{"kind":"node","id":"b","type":'], None, "record 2", "JSONDecodeError"),
    ([b'{"kind":"node","id":"a","type":"Flight","props":{}}'], None, "record 1", "KeyError: 'source'"),
    ([b'{"kind":"ship","source":"x","record":"1"}'], None, "record 1", "not a kgraph record"),
    ([b"<html>"], None, "record 1", "JSONDecodeError"),
])
def test_a_damaged_records_file_is_named_with_the_record_and_the_command_that_mends_it(tmp_path, lines, cut, where,
                                                                                      reason):
    from kgraph.errors import DamagedFile

    dd = _stored(tmp_path, lines, cut)
    with pytest.raises(DamagedFile) as err:
        list(store.read_current(dd, "flightlog"))
    message = str(err.value)
    assert message.startswith(f"{dd.records_dir('flightlog') / 's1.jsonl.gz'}: {where}: cannot be read (")
    assert reason in message and message.endswith("; parse the source again: kgraph ingest flightlog --offline")
    assert "\n" not in message


def test_a_damaged_previous_snapshot_does_not_stop_the_parse_that_mends_it(tmp_path):
    dd = _stored(tmp_path, cut=40)
    legs = [_leg(n, "URSS", "restated") for n in (1, 2)]
    summary = store.write_snapshot(dd, "flightlog", "s2", legs)
    assert summary["previous"] == "s1" and summary["changes"] == {"added": 2, "removed": 0, "changed": 0}
    assert summary["previous_unreadable"].startswith(f"{dd.records_dir('flightlog') / 's1.jsonl.gz'}: after record 0")
    assert list(store.read_current(dd, "flightlog")) == legs


def test_a_damaged_first_seen_file_is_refused_before_anything_is_written(tmp_path):
    from kgraph.errors import DamagedFile

    dd = DataDir(tmp_path)
    listing = [Edge("SANCTIONED_UNDER", "ofac-40181", "program-ofac-russia-eo14024", {}, Provenance("us_ofac_sdn", "1"))]
    store.write_snapshot(dd, "us_ofac_sdn", "s1", listing, date="2026-01-31")
    seen = dd.records_dir("us_ofac_sdn") / "first_seen.json"
    seen.write_text('{"ofac-40181": "2026-01-')  # cut short
    with pytest.raises(DamagedFile, match=r"first_seen\.json: cannot be read \(JSONDecodeError"):
        store.write_snapshot(dd, "us_ofac_sdn", "s2", listing, date="2026-02-01")
    assert store.current_snapshot(dd, "us_ofac_sdn") == "s1"
    assert sorted(p.name for p in dd.records_dir("us_ofac_sdn").iterdir()) == \
        ["CURRENT", "first_seen.json", "s1.json", "s1.jsonl.gz"]


def test_the_mending_names_the_ingester_of_the_damaged_dataset(tmp_path):
    from kgraph.errors import DamagedFile

    dd = DataDir(tmp_path)
    listing = [Edge("SANCTIONED_UNDER", "ofac-40181", "program-ofac-russia-eo14024", {}, Provenance("us_ofac_sdn", "1"))]
    store.write_snapshot(dd, "us_ofac_sdn", "s1", listing)  # no summary extras: the ingester is found by its dataset
    folder = dd.records_dir("us_ofac_sdn")
    (folder / "s1.json").write_text("{")
    with pytest.raises(DamagedFile, match=r"s1\.json: cannot be read \(JSONDecodeError: .*\); parse the source "
                                          r"again: kgraph ingest ofac --offline$"):
        store.snapshot_summary(dd, "us_ofac_sdn")
    (folder / "CURRENT").write_text("gone\n")  # pointing at a file that is not there
    with pytest.raises(DamagedFile, match=r"gone\.jsonl\.gz: after record 0: cannot be read \(FileNotFoundError: "
                                          r".*\); parse the source again: kgraph ingest ofac --offline$"):
        list(store.read_current(dd, "us_ofac_sdn"))


def test_a_damaged_line_of_the_previous_snapshot_is_named_by_its_record(tmp_path):
    good = b'{"kind":"node","id":"a","type":"Flight","props":{},"source":"flightlog","record":"a","snapshot":null}'
    dd = _stored(tmp_path, [good, good.replace(b'"a"', b'"b"'), b'{"kind":"node","id":"c'])  # cut inside its id
    summary = store.write_snapshot(dd, "flightlog", "s2", [_leg(1, "URSS", "restated")])
    assert summary["previous_unreadable"].startswith(
        f"{dd.records_dir('flightlog') / 's1.jsonl.gz'}: record 3: cannot be read (JSONDecodeError")
    assert summary["changes"] == {"added": 1, "removed": 0, "changed": 0}
