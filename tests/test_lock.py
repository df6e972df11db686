"""The data directory's lock: two real kgraph processes on one data directory.

While one command writes (build, update), every other writing command is
refused at once with one line naming the holder, changes nothing and leaves
the running command's work alone; readers (lookup, show, query) keep
answering from the current graph. The lock of a process killed with SIGKILL
is free at once (the kernel drops the ``flock``): see also
tests/test_crash_safety.py, which checks it after every kill.
"""
from __future__ import annotations

import signal
import time

import pytest

import kgraph
from kgraph.errors import Locked
from kgraph.pipeline import demo_path
from tests.hardening import (answers, big_airports, copy_datadir, current_build, finish, kill_when, leftovers,
                             lock_is_free, run_kgraph, start_kgraph, tree_digest)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pending(tmp_path_factory):
    """The demo, built, plus 6,000 generated airfields ingested and not built: a build of several seconds."""
    base = tmp_path_factory.mktemp("lock")
    golden = base / "golden"
    r = run_kgraph(golden, "demo")
    assert r.returncode == 0, r.stderr
    before = answers(golden)
    big = big_airports(base / "big", 6_000)
    r = run_kgraph(golden, "ingest", "airports", "--from", big, "--no-check", "-s")
    assert r.returncode == 0, r.stderr
    return golden, before


def _wait_for_holder(root, proc, what: str, timeout: float = 60) -> None:
    """Wait until ``proc`` holds the lock (the lock file names it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{what} ended before it held the lock: {finish(proc)}"
        try:
            if f"(pid {proc.pid})" in (root / "lock").read_text():
                return
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise AssertionError(f"{what} never took the lock")


REFUSED_WHILE_BUSY = [
    ("ingest", "airports", "--from", str(demo_path("airports")), "--no-check", "-s"),
    ("build",),
    ("update", "--offline", "--no-check", "-s"),
    ("judge", "ofac-40181", "ofac-40185", "--different"),
    ("watch", "add", "ofac-40181"),
]


@pytest.mark.parametrize("holder", [("build",), ("update", "--offline", "--no-check", "-s")], ids=["build", "update"])
def test_writers_are_refused_while_another_process_writes(pending, tmp_path, holder):
    golden, before = pending
    root = copy_datadir(golden, tmp_path / "data")
    prev = current_build(root)
    outside = {k: v for k, v in tree_digest(root).items() if k.startswith(("judgements", "watchlist"))}
    a = start_kgraph(root, *holder)
    _wait_for_holder(root, a, holder[0])
    # all the contenders at once, while the holder is busy
    contenders = [(args, start_kgraph(root, *args)) for args in REFUSED_WHILE_BUSY]
    message = f"Error: data directory {root} is in use by `{holder[0]}` (pid {a.pid}); wait for it to finish"
    for args, proc in contenders:
        code, out, err = finish(proc)
        assert code != 0, f"kgraph {' '.join(args)} ran while `{holder[0]}` held the lock"
        assert err.splitlines() == [message], (args, err)
        assert out == ""
    # the Python API is refused the same way
    with pytest.raises(Locked, match=r"is in use by `" + holder[0]):
        kgraph.ingest("airports", from_path=demo_path("airports"), datadir=root, check=False)
    # readers are not writers: they answer from the current graph meanwhile
    assert answers(root) == before
    assert a.poll() is None, "the holder finished before the contenders were refused: the test proved nothing"
    code, out, err = finish(a)
    assert code == 0, err  # the refused contenders did not disturb its staging folder
    assert current_build(root) != prev and lock_is_free(root) and leftovers(root) == []
    assert {k: v for k, v in tree_digest(root).items() if k.startswith(("judgements", "watchlist"))} == outside
    assert answers(root) == before
    # free again: the next writer runs
    r = run_kgraph(root, "judge", "ofac-40181", "ofac-40185", "--different")
    assert r.returncode == 0, r.stderr


def test_lock_of_a_killed_holder_is_free_at_once(pending, tmp_path):
    golden, before = pending
    root = copy_datadir(golden, tmp_path / "data")
    a = start_kgraph(root, "build")
    _wait_for_holder(root, a, "build")
    assert kill_when(a, lambda: True)
    assert a.returncode == -signal.SIGKILL
    assert lock_is_free(root)
    # the lock file still names the dead holder; that text is only shown while someone holds the lock
    r = run_kgraph(root, "judge", "ofac-40181", "ofac-40185", "--unsure")
    assert r.returncode == 0, r.stderr
    assert answers(root) == before
