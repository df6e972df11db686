"""``kgraph update``: every configured source fetched from a real local HTTP server, then one build.

The OFAC CSV family, the Canadian XML and OurAirports are served from
tests/fixtures/changes/day1 by :mod:`tests.httpserver`; config.toml points the
sources' URLs at it. Requests to any other host go to a proxy that refuses
connections, so a source whose local URL fails falls through its official URLs
without ever reaching the internet.
"""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import cli
from kgraph.errors import Locked, NotFound
from kgraph.refresh import DEFAULT_SOURCES, configured_sources, update
from tests.httpserver import Reply

DAY1 = Path(__file__).parent / "fixtures" / "changes" / "day1"
OFAC_FILES = ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV", "CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV",
              "CONS_COMMENTS.CSV")
SOURCES = ["ofac", "canada", "nsdc", "airports"]


@pytest.fixture
def offline_internet(refused_url, monkeypatch):
    """Anything not on 127.0.0.1 goes through a proxy that refuses the connection."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, refused_url)
    monkeypatch.delenv("KGRAPH_NSDC_API_KEY", raising=False)
    monkeypatch.delenv("KGRAPH_OPENSKY_CLIENT_ID", raising=False)
    monkeypatch.delenv("KGRAPH_OPENSKY_CLIENT_SECRET", raising=False)


def serve(srv, down: tuple[str, ...] = ()) -> None:
    """Serve the day-1 files; the sources in ``down`` answer 503 forever."""
    def route(source: str, path: str, body: bytes, content_type: str) -> None:
        if source in down:
            srv.route(path, Reply.text("Service Unavailable", status=503, content_type="text/plain"))
        else:
            srv.route(path, Reply(body=body, content_type=content_type))

    for name in OFAC_FILES:
        route("ofac", f"/ofac/{name}", (DAY1 / "ofac" / name).read_bytes(), "text/csv")
    route("canada", "/canada/sema-lmes.xml", (DAY1 / "canada" / "sema-lmes.xml").read_bytes(), "application/xml")
    for name in ("airports.csv", "countries.csv"):
        route("airports", f"/airports/{name}", (DAY1 / "airports" / name).read_bytes(), "text/csv")


def configure(dd, srv, sources=SOURCES) -> None:
    lines = ["[http]", "retries = 0", "timeout = [2, 5]", "", "[update]",
             f"sources = {json.dumps(sources)}", "check = false", "", "[sources.ofac.urls]"]
    lines += [f'"{name}" = "{srv.url("/ofac/" + name)}"' for name in OFAC_FILES]
    lines += ['"SDN_ADVANCED.XML" = "' + srv.url("/ofac/SDN_ADVANCED.XML") + '"',  # 404: optional, skipped
              '"CONS_ADVANCED.XML" = "' + srv.url("/ofac/CONS_ADVANCED.XML") + '"']
    lines += ["", "[sources.canada.urls]", f'"sema-lmes.xml" = "{srv.url("/canada/sema-lmes.xml")}"', "",
              "[sources.airports.urls]", f'"airports.csv" = "{srv.url("/airports/airports.csv")}"',
              f'"countries.csv" = "{srv.url("/airports/countries.csv")}"', ""]
    dd.root.mkdir(parents=True, exist_ok=True)
    dd.config_path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- which sources
def test_default_sources_and_flight_sources_only_when_configured():
    assert configured_sources({}) == list(DEFAULT_SOURCES)
    cfg = {"sources": {"opensky-flights": {"icao24": ["1533ad"]}, "traces": {"dates": ["2026-02-01"]}}}
    names = configured_sources(cfg)
    assert "opensky-flights" in names and "traces" not in names  # traces name no aircraft
    assert configured_sources({"update": {"icao24": ["1533ad"]}})[-1] == "opensky-flights"
    assert configured_sources({"update": {"sources": ["ofac", "airports"]}}) == ["ofac", "airports"]
    assert configured_sources({"update": {"sources": ["ofac"]}}, ["canada", "canada"]) == ["canada"]
    with pytest.raises(NotFound, match="unknown source.*nope"):
        configured_sources({}, ["ofac", "nope"])


# --------------------------------------------------------------------------- a good run
def test_update_fetches_ingests_and_builds(http_server, offline_internet, datadir):
    serve(http_server)
    configure(datadir, http_server)
    events = []
    summary = update(datadir=datadir, on_event=lambda kind, stage, **info: events.append((kind, stage)))
    rows = summary["sources"]
    assert [rows[n]["status"] for n in ("ofac", "canada", "airports")] == ["updated"] * 3
    assert rows["ofac"]["records"] > 0 and rows["ofac"]["added"] == rows["ofac"]["records"]
    assert sorted(rows["ofac"]["datasets"]) == ["us_ofac_cons", "us_ofac_sdn"]
    # the NSDC key is not set: skipped, the variable named, and nothing asked of the network for it
    assert rows["nsdc"]["status"] == "skipped" and "KGRAPH_NSDC_API_KEY" in rows["nsdc"]["reason"]
    assert [s["source"] for s in summary["skipped"]] == ["nsdc"]
    assert summary["ok"] and summary["build"]["counts"]["nodes"]["Airport"] == 8
    assert Path(summary["graph"], "facts.json.gz").exists()
    # one progress event pair per stage, the build's stages after the sources
    assert ("start", "ingest:ofac") in events and ("end", "ingest:ofac") in events
    assert [s for k, s in events if k == "start"][-5:] == ["build:load", "build:resolve", "build:graph",
                                                          "build:store", "build:index"]
    assert {r["stage"] for r in summary["stages"]} >= {"ingest:canada", "build:store"}
    # the optional advanced XML files were tried locally (404) and skipped without failing the source
    assert http_server.requests_to("/ofac/SDN_ADVANCED.XML")


def test_unchanged_sources_are_not_reparsed_and_the_build_is_skipped(http_server, offline_internet, datadir):
    serve(http_server)
    configure(datadir, http_server)
    first = update(datadir=datadir)
    # OFAC's optional advanced XML fails here (404), so each OFAC fetch is a new snapshot: leave it out
    second = update(["canada", "airports"], datadir=datadir)
    for name in ("canada", "airports"):
        row = second["sources"][name]
        assert row["status"] == "unchanged" and row["reused"] and row["seconds"] is not None
        assert row["snapshot"] == first["sources"][name]["snapshot"]
        assert row["records"] == first["sources"][name]["records"] and row["added"] == 0
    assert second["build"] is None and "build skipped" in second["build_skipped"]
    assert second["graph"] == first["graph"] and second["ok"]
    third = update(["canada"], datadir=datadir, rebuild=True)
    assert third["build"] is not None and third["graph"] != first["graph"]


def test_a_source_down_after_a_good_run_uses_its_last_snapshot(http_server, offline_internet, datadir):
    serve(http_server)
    configure(datadir, http_server)
    first = update(datadir=datadir)
    good = first["sources"]["canada"]["snapshot"]
    http_server.route("/canada/sema-lmes.xml", Reply.text("Service Unavailable", status=503, content_type="text/plain"))
    second = update(datadir=datadir, rebuild=True)
    row = second["sources"]["canada"]
    assert row["status"] == "fallback" and row["fetch_status"] == "fallback"
    assert "503" in row["fetch_error"] and good in row["reason"] and "last good snapshot" in row["reason"]
    assert row["snapshot"] == good and row["records"] == first["sources"]["canada"]["records"]
    assert any(w.startswith("canada: source down") for w in second["warnings"])
    assert second["ok"] and second["build"]["counts"]["nodes"]["Organization"] >= 3


def test_a_source_never_fetched_and_down_is_skipped_and_the_rest_builds(http_server, offline_internet, datadir):
    serve(http_server, down=("airports",))
    configure(datadir, http_server)
    summary = update(datadir=datadir)
    row = summary["sources"]["airports"]
    assert row["status"] == "failed" and "airports.csv" in row["reason"] and "nothing of it is held" in row["reason"]
    assert {s["source"] for s in summary["skipped"]} == {"airports", "nsdc"}
    assert summary["sources"]["ofac"]["status"] == "updated"
    assert summary["ok"] and summary["build"]["counts"]["nodes"]["Airport"] == 0


def test_offline_rebuilds_from_the_raw_snapshots_without_network(http_server, offline_internet, datadir):
    serve(http_server)
    configure(datadir, http_server)
    update(datadir=datadir)
    asked = len(http_server.requests)
    summary = update(datadir=datadir, offline=True)
    assert len(http_server.requests) == asked  # no request at all
    rows = summary["sources"]
    assert [rows[n]["status"] for n in ("ofac", "canada", "airports")] == ["offline"] * 3
    assert rows["nsdc"]["status"] == "skipped" and "no raw snapshot" in rows["nsdc"]["reason"]
    assert summary["offline"] and summary["ok"] and summary["build"] is not None


def test_update_holds_the_lock_once_and_refuses_a_held_lock(http_server, offline_internet, datadir):
    serve(http_server)
    configure(datadir, http_server)
    with datadir.lock("another run"):
        with pytest.raises(Locked, match="another run"):
            update(datadir=datadir)
    assert update(datadir=datadir)["ok"]  # the ingests and the build inside take no lock of their own


# --------------------------------------------------------------------------- the command
def test_cli_update_prints_the_summary_and_what_was_skipped(http_server, offline_internet, datadir):
    serve(http_server)
    configure(datadir, http_server)
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(datadir.root), "update"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "ofac" in out and "updated" in out
    assert "nsdc skipped: needs KGRAPH_NSDC_API_KEY (not set)" in out
    assert "Built " in out
    http_server.route("/canada/sema-lmes.xml", Reply.text("down", status=503, content_type="text/plain"))
    result = runner.invoke(cli, ["--data-dir", str(datadir.root), "update", "--sources", "canada", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert list(summary["sources"]) == ["canada"] and summary["sources"]["canada"]["status"] == "fallback"
    assert sorted(summary["kept"]) == ["ourairports", "us_ofac_cons", "us_ofac_sdn"]


def test_cli_update_exits_non_zero_only_when_nothing_could_be_built(http_server, offline_internet, datadir):
    serve(http_server, down=("ofac", "canada", "airports"))
    configure(datadir, http_server)
    result = CliRunner().invoke(cli, ["--data-dir", str(datadir.root), "update", "-s"])
    assert result.exit_code == 1
    assert "Build failed" in result.stdout and "no records" in result.stdout
    assert "ofac failed" in result.stdout and "canada failed" in result.stdout
    assert "kgraph changes" not in result.stdout  # no new graph: nothing changed to look at


def test_cli_update_help_has_an_example():
    result = CliRunner().invoke(cli, ["update", "--help"])
    assert result.exit_code == 0 and "kgraph update --offline" in result.output


def test_daily_updates_feed_changes(http_server, offline_internet, datadir):
    """Two days of `kgraph update`, then `kgraph changes` says what the second day brought."""
    import kgraph

    serve(http_server)
    configure(datadir, http_server, sources=["ofac", "canada", "airports"])
    update(datadir=datadir)
    day2 = DAY1.parent / "day2" / "ofac"
    for name in ("SDN.CSV", "ADD.CSV"):
        http_server.route(f"/ofac/{name}", Reply(body=(day2 / name).read_bytes(), content_type="text/csv"))
    summary = update(datadir=datadir)
    assert summary["sources"]["ofac"]["added"] > 0 and summary["sources"]["ofac"]["removed"] > 0
    assert summary["sources"]["canada"]["status"] == "unchanged"
    report = kgraph.changes(datadir=datadir)
    assert {r["id"] for r in report["designations"]["added"]} == {"ofac-40184", "ofac-27194"}
    assert {r["id"] for r in report["designations"]["removed"]} == {"ofac-13109"}
    assert {(r["operator"], r["aircraft"]) for r in report["aircraft"]} == {("ofac-40181", "ofac-40184"),
                                                                           ("ofac-40181", "ofac-40185")}


# --------------------------------------------------------------------------- sources side by side
def _comparable(summary: dict) -> dict:
    """The sources' rows without what differs between two runs (times, stamps, paths)."""
    drop = {"seconds", "snapshot", "kept_snapshot"}
    return {n: {k: v for k, v in row.items() if k not in drop} for n, row in summary["sources"].items()}


def test_sources_ingested_side_by_side_give_what_one_at_a_time_gives(http_server, offline_internet, tmp_path):
    from kgraph.datadir import DataDir

    serve(http_server)
    one, two = DataDir(tmp_path / "one"), DataDir(tmp_path / "two")
    for dd in (one, two):
        configure(dd, http_server)
    events = []
    seq = update(datadir=one, jobs=1)
    par = update(datadir=two, jobs=2, on_event=lambda kind, stage, **info: events.append((kind, stage)))
    assert _comparable(par) == _comparable(seq)
    assert list(par["sources"]) == SOURCES  # the configured order, whatever order they finished in
    assert par["build"]["counts"] == seq["build"]["counts"]
    # each source measured in its own worker process: time and a peak RSS of its own
    ingests = {r["stage"]: r for r in par["stages"] if r["stage"].startswith("ingest:")}
    assert set(ingests) == {f"ingest:{n}" for n in SOURCES}
    assert all(r["seconds"] is not None and r["peak_rss_mb"] for r in ingests.values())
    for name in SOURCES:
        assert events.index(("start", f"ingest:{name}")) < events.index(("end", f"ingest:{name}"))
    assert events.index(("end", "ingest:ofac")) < events.index(("start", "build:load"))


def test_workers_see_the_environment_of_now(http_server, offline_internet, datadir, monkeypatch):
    """A key set after an earlier update (the worker processes' server started then) still counts."""
    serve(http_server)
    configure(datadir, http_server)
    first = update(datadir=datadir, jobs=2)
    assert first["sources"]["nsdc"]["status"] == "skipped"
    monkeypatch.setenv("KGRAPH_NSDC_API_KEY", "test-key")
    row = update(datadir=datadir, jobs=2, rebuild=True)["sources"]["nsdc"]
    # the key is seen: NSDC is asked (through the refusing proxy) and fails, instead of being skipped
    assert row["status"] == "failed" and "KGRAPH_NSDC_API_KEY" not in row["reason"], row


def test_jobs_must_be_a_whole_number(http_server, offline_internet, datadir):
    from kgraph.errors import ConfigError

    serve(http_server)
    configure(datadir, http_server)
    text = datadir.config_path.read_text(encoding="utf-8")
    datadir.config_path.write_text(text.replace("check = false", 'check = false\njobs = "many"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="jobs.*many"):
        update(datadir=datadir)


def _process_holding_port(port: int) -> int | None:
    """The process whose TCP socket has local port ``port`` (Linux: /proc/net/tcp*, /proc/PID/fd)."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] != "0":
                sockets.add(f"socket:[{fields[9]}]")
    for fds in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) in sockets for fd in fds.iterdir()):
                return int(fds.parent.name)
        except OSError:  # a process that ended meanwhile, or one not ours
            continue
    return None


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="finds the worker process through Linux's /proc")
def test_a_worker_killed_mid_ingest_fails_its_source_only(http_server, offline_internet, datadir):
    """The worker fetching Canada's list is killed (as the OOM killer would): Canada fails, the rest goes on."""
    serve(http_server)
    killed = []
    body = (DAY1 / "canada" / "sema-lmes.xml").read_bytes()

    def kill_the_client(req):
        pid = _process_holding_port(req.client_port)
        if pid is not None and pid != os.getpid():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        return Reply(body=body, content_type="application/xml")

    http_server.route("/canada/sema-lmes.xml", handler=kill_the_client)
    configure(datadir, http_server)
    summary = update(datadir=datadir, jobs=2)
    assert killed, "the worker fetching the Canadian list was not found"
    rows = summary["sources"]
    assert rows["canada"]["status"] == "failed" and "worker process" in rows["canada"]["reason"], rows["canada"]
    assert rows["ofac"]["status"] == "updated" and rows["airports"]["status"] == "updated", rows
    assert rows["nsdc"]["status"] == "skipped"
    assert summary["build"]["counts"]["nodes"]["Airport"] > 0  # the build ran on what was ingested
    # the next update fetches Canada again, in a fresh worker
    http_server.route("/canada/sema-lmes.xml", Reply(body=body, content_type="application/xml"))
    assert update(datadir=datadir, jobs=2)["sources"]["canada"]["status"] == "updated"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a worker stand-in")
@pytest.mark.parametrize("watch", ["pidfd", "poll"])
def test_a_worker_ends_when_the_update_it_serves_ends(watch, monkeypatch):
    """`_end_with` (the workers' initializer) ends the worker once the update's process is gone."""
    import subprocess
    import time

    from kgraph.update_workers import _end_with

    if watch == "poll":  # a system without pidfds: the pid is polled
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    update_stand_in = subprocess.Popen(["sleep", "60"])
    worker = os.fork()
    if worker == 0:  # pragma: no cover - the worker stand-in
        _end_with(update_stand_in.pid)
        time.sleep(30)
        os._exit(0)
    time.sleep(0.3)
    assert os.waitpid(worker, os.WNOHANG) == (0, 0), "the worker ended while the update still ran"
    update_stand_in.kill()
    update_stand_in.wait()
    deadline = time.monotonic() + 10
    while (done := os.waitpid(worker, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    if done == (0, 0):
        os.kill(worker, signal.SIGKILL)
        os.waitpid(worker, 0)
    assert done != (0, 0), "the worker outlived the update"
    assert os.waitstatus_to_exitcode(done[1]) == 1


def test_a_download_that_does_not_parse_is_set_aside_and_pruned_as_rejected(http_server, offline_internet, datadir):
    """What `kgraph prune` counts as a rejected download is what an update sets aside: a changed file that
    its parser refuses, renamed out of the way of the next offline ingest and build."""
    from kgraph.retention import prune

    serve(http_server)
    configure(datadir, http_server, sources=["airports"])
    good = update(datadir=datadir)["sources"]["airports"]["snapshot"]
    raw = datadir.raw_dir("airports")
    for n in (1, 2):  # two days of a broken file: a CSV, but not OurAirports' columns
        http_server.route("/airports/airports.csv", Reply(body=f"foo,bar\n{n},2\n".encode(), content_type="text/csv"))
        row = update(datadir=datadir)["sources"]["airports"]
        assert row["status"] == "failed", row
    rejected = sorted(p.name for p in raw.iterdir() if p.name.startswith(".rejected-"))
    assert len(rejected) == 2 and [p.name for p in datadir.raw_snapshots("airports")] == [good]
    assert (datadir.records_dir("ourairports") / "CURRENT").read_text().strip() == good
    report = prune(keep=1, datadir=datadir)
    kinds = {r["kind"]: r for r in report["rows"] if r["source"] == "airports"}
    assert kinds["rejected"]["removed"] == rejected[:1] and kinds["raw"]["removed"] == []
    assert sorted(p.name for p in raw.iterdir()) == sorted([good, rejected[1]])
