"""Pytest plugin: a real Neo4j server for the tests marked ``neo4j``.

Loaded by ``tests/conftest.py`` (``pytest_plugins``). Fixtures:

``neo4j_server`` (session)
    A :class:`Neo4jServer` with ``uri``, ``user``, ``password``, ``auth``, ``version`` and
    ``driver()``, ``stop()``, ``kill()``, ``start()``, ``restart()``, ``clean()``.
``neo4j_clean`` (function)
    The same server, restarted if a previous test left it stopped, and emptied (all nodes,
    relationships, constraints and indexes dropped) before the test runs.

Where the server comes from:

- ``NEO4J_URI`` set: that server, with ``NEO4J_USERNAME`` (default ``neo4j``) and
  ``NEO4J_PASSWORD``; it cannot be stopped, so ``stop()``/``kill()``/``start()`` skip the test.
- otherwise ``tools/neo4j-prepare`` builds ``tools/neo4j-launcher`` (a no-op when up to date) and
  the launcher runs Neo4j 5.26 on a free loopback port, with authentication on and a random
  password, its store in a session temp directory. It is stopped at session end, at
  interpreter exit, and by itself when this process dies (it watches its stdin pipe).

Missing Java/Maven, an unreachable Maven Central or a missing ``neo4j`` driver skip the
tests, or fail them when ``KGRAPH_REQUIRE_NEO4J=1`` (CI). ``KGRAPH_NEO4J_JAVA_OPTS`` (default
``-Xmx512m -XX:TieredStopAtLevel=1``) and ``KGRAPH_NEO4J_START_TIMEOUT`` (seconds, default
180) tune the launcher. ``stop()`` keeps the store and, when it can, the port, so ``uri`` stays
valid across ``start()``; ``kill()`` is a crash (SIGKILL), recovered on the next ``start()``.

Example, a fault test::

    @pytest.mark.neo4j
    def test_rerun_completes_after_server_stop(neo4j_clean):
        with neo4j_clean.driver() as drv:
            drv.execute_query("CREATE (:Organization {id: $id})", id="ofac-40181")
        neo4j_clean.stop()              # the next write must fail cleanly (Neo4jError, no traceback)
        neo4j_clean.start()             # same store: the first write is still there
"""
from __future__ import annotations

import atexit
import os
import re
import secrets
import shlex
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
PREPARE = REPO / "tools" / "neo4j-prepare"
PASSWORD_ENV = "KGRAPH_NEO4J_LAUNCHER_PASSWORD"
NEO4J_FIXTURES = {"neo4j_server", "neo4j_clean"}
READY = re.compile(r"^NEO4J_READY (?P<uri>bolt://\S+) version=(?P<version>\S+) startup=(?P<startup>[\d.]+)s")

_LIVE: set[subprocess.Popen] = set()  # launcher processes to end at interpreter exit
_STARTS: list[dict[str, Any]] = []  # figures for the terminal summary


class Neo4jUnavailable(Exception):
    """Java, Maven, the Neo4j jars or the Python driver are not available here."""


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("KGRAPH_REQUIRE_NEO4J") == "1":
        pytest.fail(f"Neo4j is required (KGRAPH_REQUIRE_NEO4J=1) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"Neo4j unavailable: {reason}")


def _tail(path: Path, lines: int = 25) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines)).rstrip()
    except OSError:
        return "(no output)"


def prepare_launcher() -> Path:
    """Build the launcher if needed (``tools/neo4j-prepare``) and return its jar."""
    if shutil.which("java") is None:
        raise Neo4jUnavailable("'java' not found on PATH (needs JDK 17+)")
    try:
        done = subprocess.run([str(PREPARE)], capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jUnavailable(f"{PREPARE} did not run: {e}") from e
    if done.returncode != 0:
        raise Neo4jUnavailable(f"{PREPARE} exited with {done.returncode}:\n{done.stderr.strip()[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def launcher_jar() -> Path:
    """``prepare_launcher()``, skipping the test (failing under KGRAPH_REQUIRE_NEO4J=1) if unavailable."""
    try:
        return prepare_launcher()
    except Neo4jUnavailable as e:
        _unavailable(str(e))


def launcher_command(jar: Path, *args: str) -> list[str]:
    """The ``java`` command line that runs the launcher jar with ``args``."""
    # C1 only: on 2 busy cores it started Neo4j in 7-12 s instead of 10-19 s and ran small test
    # queries faster too; the C2 compiler only pays off for long-running servers.
    opts = shlex.split(os.environ.get("KGRAPH_NEO4J_JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1"))
    return ["java", *opts, "-jar", str(jar), *args]


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Neo4jServer:
    """A Neo4j server for tests: launched here (``managed``) or given by ``NEO4J_URI``."""

    def __init__(self, uri: str, user: str, password: str | None, *, jar: Path | None = None,
                 workdir: Path | None = None):
        self.uri = uri
        self.user = user
        self.password = password
        self.version = ""
        self.managed = jar is not None
        self._jar = jar
        self._workdir = workdir
        self._proc: subprocess.Popen | None = None
        self._port = 0
        self._starts = 0
        self._drivers: list[Any] = []

    def __repr__(self) -> str:  # never shows the password
        return f"Neo4jServer(uri={self.uri!r}, user={self.user!r}, version={self.version!r}, managed={self.managed})"

    @property
    def auth(self) -> tuple[str, str] | None:
        """Credentials for ``neo4j.GraphDatabase.driver(uri, auth=...)``."""
        return None if self.password is None else (self.user, self.password)

    @property
    def home(self) -> Path | None:
        """Neo4j home of a launched server (store in ``data/``, Neo4j's logs in ``logs/``)."""
        return None if self._workdir is None else self._workdir / "home"

    @property
    def running(self) -> bool:
        return not self.managed or (self._proc is not None and self._proc.poll() is None)

    def driver(self, **kwargs: Any):
        """A new ``neo4j`` driver for this server; closed at session end if the test did not."""
        drv = self._new_driver(**kwargs)
        self._drivers.append(drv)
        return drv

    def _new_driver(self, **kwargs: Any):
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, **kwargs)

    def _require_managed(self, what: str) -> None:
        if not self.managed:
            pytest.skip(f"cannot {what} the external Neo4j server given by NEO4J_URI")

    def start(self) -> None:
        """Start the launcher (same store, same port as before) and wait for its ready line."""
        self._require_managed("start")
        if self.running:
            return
        try:
            self._launch(self._port)
        except RuntimeError as e:
            # The old port was taken while the server was down: take any free one (uri changes).
            if self._port and "already in use" in str(e).lower():
                self._launch(0)
            else:
                raise

    def _launch(self, port: int) -> None:
        assert self._jar is not None and self._workdir is not None
        self._starts += 1
        out = self._workdir / f"launcher-{self._starts}.out"
        err = self._workdir / f"launcher-{self._starts}.err"
        cmd = launcher_command(self._jar, "--host", "127.0.0.1", "--port", str(port), "--home", str(self.home),
                               "--password-env", PASSWORD_ENV, "--log-level", "INFO", "--watch-stdin")
        env = {**os.environ, PASSWORD_ENV: self.password or ""}
        timeout = float(os.environ.get("KGRAPH_NEO4J_START_TIMEOUT", "180"))
        began = time.monotonic()
        with out.open("wb") as fout, err.open("wb") as ferr:
            # stdin stays an open pipe: when this process dies the launcher sees EOF and stops.
            # A new session keeps a terminal's Ctrl-C away from Java: teardown stops it cleanly.
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=fout, stderr=ferr, env=env,
                                          start_new_session=True)
        _LIVE.add(self._proc)
        while True:
            match = next(filter(None, map(READY.match, out.read_text(errors="replace").splitlines())), None)
            if match:
                break
            if self._proc.poll() is not None or time.monotonic() - began > timeout:
                status = "timed out after %.0f s" % timeout if self._proc.poll() is None else \
                    f"exited with {self._proc.returncode}"
                self._terminate(self._proc, grace=5)
                raise RuntimeError(f"Neo4j launcher {status} before its ready line.\ncommand: {shlex.join(cmd)}\n"
                                   f"last stdout lines ({out}):\n{_tail(out, 5)}\n"
                                   f"last stderr lines ({err}):\n{_tail(err)}")
            time.sleep(0.1)
        self.uri, self.version = match["uri"], match["version"]
        self._port = int(self.uri.rsplit(":", 1)[1])
        _STARTS.append({"startup_s": float(match["startup"]), "wall_s": time.monotonic() - began,
                        "rss_mib": _rss_mib(self._proc.pid), "version": self.version})

    def stop(self, timeout: float = 60) -> None:
        """Stop the server cleanly (SIGTERM: checkpoint, then exit); the store is kept."""
        self._require_managed("stop")
        if self._proc is not None:
            self._note_rss()
            self._terminate(self._proc, grace=timeout)
            self._proc = None

    def kill(self) -> None:
        """Kill the server at once (SIGKILL, no checkpoint): a crash; ``start()`` recovers the store."""
        self._require_managed("kill")
        if self._proc is not None:
            self._note_rss()
            self._proc.kill()
            self._proc.wait(10)
            self._terminate(self._proc, grace=10)
            self._proc = None

    def _note_rss(self) -> None:
        if _STARTS and self._proc is not None and self._proc.poll() is None:
            _STARTS[-1]["rss_at_stop_mib"] = _rss_mib(self._proc.pid)

    def restart(self) -> None:
        self.stop()
        self.start()

    @staticmethod
    def _terminate(proc: subprocess.Popen, grace: float) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if proc.stdin:
            proc.stdin.close()
        _LIVE.discard(proc)

    def clean(self) -> None:
        """Empty the default database: nodes, relationships, constraints, non-lookup indexes."""
        with self._new_driver() as drv:
            deleted = 1
            while deleted:  # in batches: one huge transaction could exhaust the small test heap
                batch = drv.execute_query("MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)")
                deleted = batch.records[0][0]
            for rec in drv.execute_query("SHOW CONSTRAINTS YIELD name").records:
                drv.execute_query("DROP CONSTRAINT $name IF EXISTS", name=rec["name"])
            for rec in drv.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").records:
                drv.execute_query("DROP INDEX $name IF EXISTS", name=rec["name"])

    def close(self) -> None:
        """Close drivers handed out and stop a launched server (session end)."""
        for drv in self._drivers:
            try:
                drv.close()
            except Exception:  # a driver of a stopped server may fail to close; nothing to do
                pass
        self._drivers.clear()
        if self.managed:
            self.stop()


def _fetch_version(server: Neo4jServer) -> str:
    with server._new_driver() as drv:
        rec = drv.execute_query("CALL dbms.components() YIELD name, versions RETURN versions[0] AS v").records
    return rec[0]["v"] if rec else ""


def open_server(workdir: Path) -> Neo4jServer:
    """The server for this session (see module docstring); skips or fails when unavailable."""
    try:
        import neo4j  # noqa: F401
    except ImportError:
        _unavailable("the 'neo4j' Python driver is not installed")
    uri = os.environ.get("NEO4J_URI")
    if uri:
        server = Neo4jServer(uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD"))
        try:
            server.version = _fetch_version(server)
            return server
        except Exception as e:  # the driver's errors are many; all mean the same here
            failure = f"cannot use the Neo4j server at NEO4J_URI={uri}: {type(e).__name__}: {e}"
        pytest.fail(failure, pytrace=False)
    server = Neo4jServer("", "neo4j", secrets.token_urlsafe(18), jar=launcher_jar(), workdir=workdir)
    try:
        server.start()
        return server
    except RuntimeError as e:
        failure = str(e)
    pytest.fail(failure, pytrace=False)  # outside the except: no chained traceback


@atexit.register
def _end_launchers() -> None:
    for proc in list(_LIVE):
        Neo4jServer._terminate(proc, grace=20)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A running Neo4j for the session (see module docstring)."""
    server = open_server(tmp_path_factory.mktemp("neo4j"))
    yield server
    server.close()


@pytest.fixture
def neo4j_clean(neo4j_server):
    """``neo4j_server``, running and emptied before the test."""
    if not neo4j_server.running:
        neo4j_server.start()
    neo4j_server.clean()
    return neo4j_server


def pytest_collection_modifyitems(items):
    # A test using the fixtures is a neo4j test even if it forgot the marker: keeps -m neo4j honest.
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("neo4j"):
            item.add_marker(pytest.mark.neo4j)


def pytest_terminal_summary(terminalreporter):
    if not _STARTS:
        return
    parts = [f"{s['startup_s']:.1f}s" + (f"/{s['rss_at_stop_mib']:.0f}MiB" if s.get("rss_at_stop_mib") else "")
             for s in _STARTS]
    terminalreporter.write_line(f"neo4j launcher: Neo4j {_STARTS[-1]['version']}, {len(_STARTS)} start(s), "
                                f"startup/RSS at stop: {', '.join(parts)}")
