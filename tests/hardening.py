"""Helpers for the hardening tests (crash safety, lock, secrets, injection, fuzzing through the CLI).

Everything here drives the real program: ``kgraph`` runs in a subprocess
(:func:`run_kgraph`, :func:`start_kgraph`) on a data directory of the test's
own, and the checks read what it left on disk (:func:`tree_digest`,
:func:`leftovers`, :func:`lock_is_free`).
"""
from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from kgraph.pipeline import demo_path

REPO = Path(__file__).resolve().parent.parent

#: runs the console entry point with this interpreter (the venv the tests run in)
KGRAPH = [sys.executable, "-c", "import sys; from kgraph.cli import main; sys.argv[0] = 'kgraph'; main()"]

#: questions whose answers must survive any crash: the demo's reference case
QUESTIONS: list[tuple[str, ...]] = [
    ("lookup", "RA78765", "--json"),
    ("lookup", "Авиакон Цитотранс", "--json"),
    ("show", "ofac-40185", "--json"),
    ("query", "operator-chain", "--param", "operator=ofac-40181", "--json"),
]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a kgraph subprocess: no inherited data dir, debug or secrets; ``extra`` added."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KGRAPH_", "NEO4J_")) or k in ("KGRAPH_CORPUS", "KGRAPH_REQUIRE_CORPUS")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["COLUMNS"] = "200"  # rich tables wide enough to hold a row on one line
    env.update(extra)
    return env


def run_kgraph(datadir: Path, *args: str | os.PathLike, env: dict[str, str] | None = None, timeout: float = 300,
               verbose: int = 0) -> subprocess.CompletedProcess:
    """Run ``kgraph --data-dir DATADIR [-v...] ARGS`` to its end; stdout and stderr as text."""
    cmd = [*KGRAPH, "--data-dir", str(datadir), *(["-" + "v" * verbose] if verbose else []), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="backslashreplace",
                          env=env or clean_env(), timeout=timeout)


def start_kgraph(datadir: Path, *args: str | os.PathLike, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``kgraph --data-dir DATADIR ARGS`` in the background (output to pipes the caller drains)."""
    cmd = [*KGRAPH, "--data-dir", str(datadir), *map(str, args)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or clean_env())


_ASK = """
import json, sys
from click.testing import CliRunner
from kgraph.cli import cli
root, questions = sys.argv[1], json.loads(sys.argv[2])
out = {}
for q in questions:
    r = CliRunner().invoke(cli, ["--data-dir", root, *q], catch_exceptions=False)
    out[" ".join(q)] = {"exit": r.exit_code, "output": r.output}
print(json.dumps(out))
"""


def answers(datadir: Path, questions: list[tuple[str, ...]] = QUESTIONS) -> dict[str, object]:
    """The JSON answers of the CLI to ``questions`` (each must succeed), asked in one fresh process."""
    r = subprocess.run([sys.executable, "-c", _ASK, str(datadir), json.dumps(questions)], capture_output=True,
                       text=True, encoding="utf-8", env=clean_env(), timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr
    out: dict[str, object] = {}
    for q, a in json.loads(r.stdout).items():
        assert a["exit"] == 0, f"kgraph {q} failed:\n{a['output']}"
        out[q] = json.loads(a["output"])
    return out


# --------------------------------------------------------------------------- the data directory on disk
def tree_digest(root: Path) -> dict[str, str]:
    """Every file (sha256), symlink (target) and directory under ``root``, by relative path."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def leftovers(root: Path) -> list[str]:
    """What a crashed run leaves behind: staging folders, half-built graphs, temp files, temp symlinks."""
    found = []
    for p in root.rglob("*"):
        name = p.name
        if name.startswith((".staging-", ".building-", ".current-", ".pending-", ".switch-", ".removing-")) or \
                (name[:1] == "." and name.endswith(".tmp")):
            found.append(p.relative_to(root).as_posix())
    return sorted(found)


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, at any depth (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended while read
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            out.append(child)
            todo.append(child)
    return out


def still_running(pids: list[int], timeout: float = 15) -> list[int]:
    """Those of ``pids`` that have not ended (zombies count as ended) after up to ``timeout`` seconds."""
    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + timeout
    while (left := [p for p in pids if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def lock_is_free(root: Path) -> bool:
    """True when nobody holds the data directory's lock (probed without taking part in kgraph's protocol)."""
    path = root / "lock"
    if not path.exists():
        return True
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def copy_datadir(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def current_build(root: Path) -> str | None:
    try:
        return os.readlink(root / "graph" / "current")
    except FileNotFoundError:
        return None


def complete_build(build: Path) -> bool:
    return all((build / name).is_file() for name in ("store.lbdb", "build.json", "lookup.sqlite"))


# --------------------------------------------------------------------------- killing at a point
def kill_when(proc: subprocess.Popen, event: Callable[[], bool], timeout: float = 120) -> bool:
    """SIGKILL ``proc`` as soon as ``event()`` is true; False if it ended (or timed out) first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if event():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return proc.returncode == -signal.SIGKILL
        time.sleep(0.0005)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    return False


def kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL ``proc`` after ``seconds``; False if it had already ended."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return proc.returncode == -signal.SIGKILL
    return False


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


# --------------------------------------------------------------------------- inputs
def big_airports(folder: Path, extra: int, seed: int = 8) -> Path:
    """The demo's OurAirports files plus ``extra`` generated airfields: an input slow enough to kill mid-way.

    The demo rows come first and unchanged, so a graph built from it answers
    every question about the reference case exactly as the demo graph does.
    """
    folder.mkdir(parents=True, exist_ok=True)
    demo = demo_path("airports")
    shutil.copy(demo / "countries.csv", folder / "countries.csv")
    with open(demo / "airports.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    rnd = random.Random(seed)
    with open(folder / "airports.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        w.writerows(rows)
        for i in range(extra):
            ident = f"ZZ{i:05d}"
            row = dict.fromkeys(header, "")
            row.update(id=str(900000 + i), ident=ident, type="small_airport", name=f"Generated Airfield {i}",
                       latitude_deg=f"{rnd.uniform(-60, 70):.5f}", longitude_deg=f"{rnd.uniform(-170, 170):.5f}",
                       elevation_ft="100", continent="EU", iso_country="RU", iso_region="RU-MOS",
                       municipality=f"Town {i}", scheduled_service="no", gps_code=ident)
            w.writerow([row[h] for h in header])
    return folder


@contextmanager
def time_limit(seconds: float, what: str = "example") -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than ``seconds`` (SIGALRM; main thread only)."""

    def expired(signum, frame):
        raise AssertionError(f"{what} did not finish within {seconds:g} s (a hang?)")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
