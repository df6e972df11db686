"""The flights built apart (kgraph.graph.flight_part), in a worker process (kgraph.flight_worker): the same graph."""
from __future__ import annotations

import pickle
import re

import pytest

import kgraph
import kgraph.flight_worker as flight_worker
from kgraph.graph import open_store
from kgraph.graph.build import build_tables
from kgraph.graph.flight_part import FlightPart, flight_part, save_flight_part
from kgraph.graph.tables import tables_from_store
from kgraph.model import Edge, Node, Provenance
from tests.test_graph_records import aviacon


def P(source="flightlog", record="1", snapshot="2026-02-01"):
    return Provenance(source, record, snapshot)


def flight_cases():
    """Aviacon's records and flights that take every path of a flight's edges."""
    nodes, edges, res = aviacon()
    nodes += [
        # a tail two airframes held: chosen by the flight's date, or both (ambiguous) with no date
        Node("opensky-600009", "Airplane", {"registrationNumber": ["EX-76009"], "previousRegistrationNumber": ["RA-76009"],
                                            "registered": ["2024-03-01"]}, P("opensky_aircraft", "600009")),
        Node("ru-150009", "Airplane", {"registrationNumber": ["RA-76009"], "registered": ["2024-05-01"]},
             P("ru_aircraft_db", "150009")),
        Node("flightlog-old", "Flight", {"departureDate": ["2023-06-10"], "registrationNumber": ["RA-76009"]},
             P(record="old")),
        Node("flightlog-undated", "Flight", {"registrationNumber": ["RA-76009"]}, P(record="undated")),
        # ends known by position only: one near an airport, one far from any
        Node("adsb-1", "Flight", {"name": ["RA-78765 ? -> 22.87,-82.51"], "arrivalPosition": ["22.874,-82.507"],
                                  "departurePosition": ["10.0,10.0"], "icao24": ["1533ad"]}, P("adsb_traces", "1")),
        # an airport not in the graph (its country instead), a country code that is none, an unknown hex
        Node("flightlog-fallback", "Flight", {"arrivalCountry": ["KG"], "arrivalCode": ["XXXX"], "departureCode": ["ZZZZ"]},
             P(record="fallback")),
        Node("flightlog-nowhere", "Flight", {"arrivalCountry": ["QQ"], "icao24": ["abcdef"]}, P(record="nowhere")),
        Node("flightlog-bad", "Flight", {"arrivalCode": ["MUSA"], "name": ["a\x07b"], "bogus": ["x"]}, P(record="bad")),
    ]
    edges += [  # edges a record states as well as the flight's properties
        Edge("PERFORMED", "icao24-1533ad", "flightlog-5", {"matchedBy": ["icao24"]}, P("adsb_traces", "t5")),
        Edge("ARRIVED_AT", "flightlog-5", "airport-MUSA", {"distanceKm": ["0.4"]}, P("adsb_traces", "t5")),
    ]
    return nodes, edges, res


def snapshot(tables):
    """Every row of every table (the relationship tables may come in another order), and the audit."""
    return ({k: t.rows for k, t in tables.nodes.items()}, {k: t.rows for k, t in tables.rels.items()},
            {k: v for k, v in tables.audit.items() if k != "timings"})


def split_cases():
    """The tables built in one pass, and the cases split as the worker splits them: (whole, flights, airports,
    end records, the other nodes, the other edges, resolution)."""
    nodes, edges, res = flight_cases()
    whole = snapshot(build_tables(list(nodes), list(edges), res))
    ends = [e for e in edges if e.type in ("DEPARTED_FROM", "ARRIVED_AT")]
    return (whole, [n for n in nodes if n.type == "Flight"], [n for n in nodes if n.type == "Airport"], ends,
            [n for n in nodes if n.type != "Flight"], [e for e in edges if e not in ends], res)


def test_flights_built_apart_make_the_same_tables_as_built_with_the_rest():
    whole, flights, airports, ends, rest, rest_edges, res = split_cases()
    part = pickle.loads(pickle.dumps(flight_part(flights, airports, ends)))  # as it comes from the worker
    apart = snapshot(build_tables(rest, rest_edges, res, flights=part))
    assert apart == whole
    # the cases were met: the paths compared are the ones named above
    audit = whole[2]
    assert audit["ambiguous_tail_links"] == 1 and audit["position_links"] == 1
    assert audit["airport_to_country_fallbacks"] == 1 and audit["dropped_properties"] == {"Flight.bogus": 1}
    assert audit["dangling"]["ARRIVED_AT: end: unknown country code"] == 1
    assert audit["dangling"]["PERFORMED: start: no node holds this icao24 key"] == 1


def test_flights_written_a_batch_at_a_time_make_the_same_rows(tmp_path):
    whole, flights, airports, ends, rest, rest_edges, res = split_cases()
    assert len(flights) > 2 * 3
    save_flight_part(flights, airports, ends, tmp_path, batch=3)
    assert flights == []  # each batch's records went as its rows were written
    apart = snapshot(build_tables(rest, rest_edges, res, flights=FlightPart.load(tmp_path)))
    # the flights' rows in the same order; an edge table's rows batch by batch
    assert apart[0] == whole[0] and apart[2] == whole[2]
    assert {k: sorted(map(repr, rows)) for k, rows in apart[1].items()} == \
        {k: sorted(map(repr, rows)) for k, rows in whole[1].items()}


def test_a_flight_stated_in_two_batches_is_refused_not_made_twice(tmp_path):
    f = [Node("flightlog-1", "Flight", {"arrivalCode": ["MUSA"]}, P(record=str(i))) for i in range(2)]
    with pytest.raises(ValueError, match="flightlog-1"):
        save_flight_part(f, [], [], tmp_path, batch=1)


def _graph(root):
    """Every row of the store's tables and of the lookup index's, sorted."""
    import sqlite3

    info = kgraph.stats(datadir=root)
    with open_store(info["path"]) as st:
        tables = tables_from_store(st)
    con = sqlite3.connect(f"{info['path']}/lookup.sqlite")
    index = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}"))) for t in ("node", "key", "skeleton")}
    con.close()
    return ({k: sorted(map(repr, t.rows)) for k, t in tables.nodes.items()},
            {k: sorted(map(repr, t.rows)) for k, t in tables.rels.items()}, index)


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory):
    """A data directory holding the demo's records, and the graph built in one process."""
    root = tmp_path_factory.mktemp("flights") / "data"
    kgraph.demo(datadir=root)
    return root, _graph(root)


def _copy(demo_records, tmp_path):
    import shutil

    root = tmp_path / "data"
    shutil.copytree(demo_records[0] / "records", root / "records")
    return root


def test_a_build_with_its_flights_in_a_worker_process_is_the_same_graph(demo_records, tmp_path, monkeypatch):
    root = _copy(demo_records, tmp_path)
    monkeypatch.setattr(flight_worker, "WORKER_MIN_RECORDS", 1)
    info = kgraph.build(datadir=root)
    worker = info["flight_worker"]
    assert worker["peak_rss_mb"] > 0 and worker["rows_seconds"] >= 0 and info["warnings"] == []
    assert _graph(root) == demo_records[1]
    assert info["sources"]["flightlog"]["nodes"] == 5 and list(info["sources"]) == sorted(info["sources"])


def test_few_flights_are_built_in_the_build_process(demo_records, tmp_path):
    root = _copy(demo_records, tmp_path)
    assert flight_worker.WORKER_MIN_RECORDS > 5 and "flight_worker" not in kgraph.build(datadir=root)


@pytest.mark.parametrize("when", ["load", "part"])
def test_a_worker_killed_costs_time_not_the_build(demo_records, tmp_path, monkeypatch, when):
    """A worker that dies (the out-of-memory killer, a signal): its flights are built in the build's process."""
    root = _copy(demo_records, tmp_path)
    monkeypatch.setattr(flight_worker, "WORKER_MIN_RECORDS", 1)
    original = getattr(flight_worker.FlightWorker, when)

    def killed_first(self, *args):
        self.process.kill()
        self.process.join()
        return original(self, *args)

    monkeypatch.setattr(flight_worker.FlightWorker, when, killed_first)
    info = kgraph.build(datadir=root)
    assert [w for w in info["warnings"] if "worker process ended" in w]
    assert "its flights were built in the build's own process" in info["warnings"][0]
    assert _graph(root) == demo_records[1]


def test_a_damaged_flight_snapshot_fails_the_build_as_it_does_without_a_worker(demo_records, tmp_path, monkeypatch):
    from kgraph.errors import KgraphError

    root = _copy(demo_records, tmp_path)
    (snap,) = (root / "records" / "flightlog").glob("*.jsonl.gz")
    snap.write_bytes(snap.read_bytes()[:200])
    with pytest.raises(KgraphError) as alone:
        kgraph.build(datadir=root)
    monkeypatch.setattr(flight_worker, "WORKER_MIN_RECORDS", 1)
    with pytest.raises(KgraphError) as beside:  # the worker fails first, then the build's own read says why
        kgraph.build(datadir=root)
    assert str(beside.value) == str(alone.value) and "flightlog" in str(alone.value)
    assert not list((root / "graph").glob("*/build.json"))  # no graph from either


def test_kgraph_update_reports_the_flights_worker_as_a_stage_of_its_own(tmp_path, monkeypatch):
    root = tmp_path / "data"
    kgraph.demo(datadir=root)
    monkeypatch.setattr(flight_worker, "WORKER_MIN_RECORDS", 1)
    events = []
    summary = kgraph.update(offline=True, check=False, rebuild=True, datadir=root, jobs=1,
                            on_event=lambda kind, stage, **info: events.append((kind, stage)))
    assert summary["ok"], summary
    (row,) = [r for r in summary["stages"] if r["stage"] == "build:flights"]
    assert row["seconds"] > 0 and row["cpu_seconds"] > 0 and row["peak_rss_mb"] > 0
    assert ("start", "build:flights") in events and ("end", "build:flights") in events
    assert summary["build"]["flight_worker"]["seconds"] == row["seconds"]


def test_kgraph_update_says_the_flights_were_made_in_a_second_process(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kgraph.cli import cli

    root = tmp_path / "data"
    kgraph.demo(datadir=root)
    monkeypatch.setattr(flight_worker, "WORKER_MIN_RECORDS", 1)
    result = CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["--data-dir", str(root), "update", "--offline",
                                                           "--no-check", "--rebuild", "--silent", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"; flights \d+\.\ds in a second process\)", " ".join(result.output.split())), result.output
