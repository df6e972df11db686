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


def _listing(n: int, source: str, snapshot: str) -> list:
    node = Node(f"ofac-{n}", "Organization", {"name": [f"AVIAKON {n}"]}, Provenance(source, str(n), snapshot))
    return [node, Edge("SANCTIONED_UNDER", node.id, "program-us-ofac-russia-eo14024", {},
                       Provenance(source, str(n), snapshot))]


def _state(dd: DataDir) -> dict:
    """What a build would read: each dataset's CURRENT, its record ids and first-seen dates."""
    return {d: (store.current_snapshot(dd, d), sorted(r.id for r in store.read_current(dd, d) if isinstance(r, Node)),
                store.first_seen(dd, d)) for d in ("us_ofac_sdn", "us_ofac_cons")}


def _hidden(dd: DataDir) -> list[str]:
    return sorted(p.relative_to(dd.root).as_posix() for p in dd.records.rglob(".*"))


def test_the_datasets_of_one_parse_become_current_together_or_not_at_all(tmp_path):
    dd = DataDir(tmp_path)
    assert store.write_snapshots(dd, "s0", {}) == {} and not dd.records.exists()
    first = {"us_ofac_sdn": (_listing(1, "us_ofac_sdn", "s1"), None),
             "us_ofac_cons": (_listing(2, "us_ofac_cons", "s1"), None)}
    summaries = store.write_snapshots(dd, "s1", first, date="2026-01-01")
    assert sorted(summaries) == ["us_ofac_cons", "us_ofac_sdn"] and summaries["us_ofac_sdn"]["changes"]["added"] == 2
    before = _state(dd)
    assert before["us_ofac_sdn"] == ("s1", ["ofac-1"], {"ofac-1": "2026-01-01", "ofac-1|SANCTIONED_UNDER|"
                                                        "program-us-ofac-russia-eo14024": "2026-01-01"})
    # the second dataset cannot be written (a value orjson refuses), after the first was written whole
    broken = _listing(4, "us_ofac_cons", "s2")
    broken[0].props["name"] = [object()]
    with pytest.raises(TypeError):
        store.write_snapshots(dd, "s2", {"us_ofac_sdn": (_listing(3, "us_ofac_sdn", "s2"), None),
                                         "us_ofac_cons": (broken, None)}, date="2026-02-01")
    assert _state(dd) == before  # the first list's new records are not read beside the second's old ones
    assert _hidden(dd) == []  # and nothing it staged is left


def test_a_switch_cut_short_after_its_commit_is_completed_by_the_next_run(tmp_path, monkeypatch):
    dd = DataDir(tmp_path)
    store.write_snapshots(dd, "s1", {"us_ofac_sdn": (_listing(1, "us_ofac_sdn", "s1"), None),
                                     "us_ofac_cons": (_listing(2, "us_ofac_cons", "s1"), None)}, date="2026-01-01")
    # the process dies right after the journal is written, before any CURRENT moved
    with monkeypatch.context() as m:
        m.setattr(store, "_switch", lambda dd, journal: None)
        store.write_snapshots(dd, "s2", {"us_ofac_sdn": (_listing(3, "us_ofac_sdn", "s2"), None),
                                         "us_ofac_cons": (_listing(4, "us_ofac_cons", "s2"), None)}, date="2026-02-01")
    assert _hidden(dd) == sorted(["records/.switch-us_ofac_cons+us_ofac_sdn.json",
                                  *(f"records/{d}/.pending-{name}" for d in ("us_ofac_cons", "us_ofac_sdn")
                                    for name in ("first_seen.json", "s2.json", "s2.jsonl.gz"))])
    assert _state(dd)["us_ofac_sdn"][0] == "s1"
    with dd.lock("test"):  # the next run to take the lock completes the switch
        pass
    after = _state(dd)
    assert {d: after[d][:2] for d in after} == {"us_ofac_sdn": ("s2", ["ofac-3"]), "us_ofac_cons": ("s2", ["ofac-4"])}
    assert after["us_ofac_sdn"][2]["ofac-3"] == "2026-02-01" and after["us_ofac_sdn"][2]["ofac-1"] == "2026-01-01"
    assert store.snapshot_summary(dd, "us_ofac_cons")["previous"] == "s1"
    assert _hidden(dd) == []


def test_files_staged_by_a_run_cut_short_before_its_commit_are_removed(tmp_path):
    dd = DataDir(tmp_path)
    store.write_snapshot(dd, "us_ofac_sdn", "s1", _listing(1, "us_ofac_sdn", "s1"), date="2026-01-01")
    staged = dd.records_dir("us_ofac_sdn") / ".pending-s2.jsonl.gz"
    staged.write_bytes(b"\x1f\x8b")  # cut short while written: no journal names it
    assert store.finish_switches(dd) == 1
    assert not staged.exists() and store.current_snapshot(dd, "us_ofac_sdn") == "s1"


def test_a_damaged_journal_is_named_with_its_mending(tmp_path):
    from kgraph.errors import DamagedFile

    dd = DataDir(tmp_path)
    store.write_snapshot(dd, "us_ofac_sdn", "s1", _listing(1, "us_ofac_sdn", "s1"))
    journal = dd.records / ".switch-us_ofac_sdn.json"
    for text in ('{"snapshot": "s2"', '{"snapshot": "s2", "datasets": ["../../graph"]}'):
        journal.write_text(text)
        with pytest.raises(DamagedFile, match=r"\.switch-us_ofac_sdn\.json: .*delete it, then ingest the sources "
                                              r"it names again"):
            store.write_snapshot(dd, "us_ofac_sdn", "s2", _listing(1, "us_ofac_sdn", "s2"))
        assert store.current_snapshot(dd, "us_ofac_sdn") == "s1"
    assert not (tmp_path / "graph").exists()
