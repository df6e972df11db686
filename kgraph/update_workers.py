"""The worker processes of ``kgraph update``: sources fetched and ingested side by side.

Split from :mod:`kgraph.refresh`, which decides what an update does and
calls :func:`_ingest_parallel` when more than one job is allowed: starting
processes, watching them and outliving none of them is a concern of its own.
The functions the workers run (:func:`_ingest_job`, :func:`_end_with`) are
at module level here, so a forkserver or spawn worker imports them by this
module's path.
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable

from .datadir import DataDir, tree_bytes
from .refresh import _ingest_one, _peak_mb, _source_row, _Stages


def _ingest_job(root: str, name: str, options: dict[str, Any], environ: dict[str, str]
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`_ingest_one` in a worker process: its row and the time and peak RSS it took."""
    # the environment of now, not of when the fork server started: API keys and proxies set since count
    os.environ.clear()
    os.environ.update(environ)
    t0, cpu0 = time.perf_counter(), time.process_time()
    row = _ingest_one(DataDir(root), name, **options)
    return row, {"seconds": round(time.perf_counter() - t0, 3), "cpu_seconds": round(time.process_time() - cpu0, 3),
                 "peak_rss_mb": _peak_mb()}


def _expected_work(dd: DataDir, name: str) -> int:
    """Bytes of the source's newest raw snapshot: the longest ingests are started first."""
    from .sources import ingester

    snaps = dd.raw_snapshots(ingester(name).SOURCE.name)
    return tree_bytes(snaps[-1]) if snaps else 0


def _end_with(pid: int) -> None:
    """Worker initializer: end this worker when process ``pid`` (the update) ends.

    A worker waits for its next job on a pipe whose both ends it holds
    itself, so a killed update (SIGKILL, out of memory) would leave it, and
    the fork server that holds its other pipe, waiting forever.
    """
    import threading

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)  # Linux: readable once the process has ended, whatever reuses its id
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            import select

            select.select([fd], [], [])
        else:
            while True:
                time.sleep(1.0)
                try:
                    os.kill(pid, 0)
                except (ProcessLookupError, PermissionError):  # ended (the id may now be another user's)
                    break
        os._exit(1)

    threading.Thread(target=watch, name="kgraph-end-with-update", daemon=True).start()


def _ingest_parallel(dd: DataDir, names: list[str], jobs: int, stages: _Stages, label: Callable[[str], str],
                     options: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Ingest ``names`` in up to ``jobs`` worker processes, a fresh one per source.

    A fresh process per source: its peak RSS is that source's alone, and its
    memory goes back to the system when it ends. Each process is the one worker
    of a pool of its own: a worker that dies (killed, out of memory) breaks its
    pool, and a shared pool would take the other running sources down with it.
    Sources write to their own raw and records folders, and this process holds
    the data directory's lock for all of them.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # forkserver: workers forked from a clean server process, not from this one (which may run a progress
    # display's thread); spawn where there is no fork
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["kgraph.update_workers", "kgraph.pipeline"])
    todo = sorted(names, key=lambda n: -_expected_work(dd, n))
    rows: dict[str, dict[str, Any]] = {}
    running: dict[Any, tuple[str, ProcessPoolExecutor]] = {}
    try:
        while todo or running:
            while todo and len(running) < jobs:
                name = todo.pop(0)
                if stages.on_event:
                    stages.on_event("start", f"ingest:{name}", label=label(name))
                pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_end_with,
                                           initargs=(os.getpid(),))
                running[pool.submit(_ingest_job, str(dd.root), name, options, dict(os.environ))] = (name, pool)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                name, pool = running.pop(future)
                pool.shutdown()
                try:
                    row, measured = future.result()
                except Exception as e:  # noqa: BLE001 - a worker that died (out of memory, killed)
                    if os.environ.get("KGRAPH_DEBUG"):
                        raise
                    message = f"the worker process failed: {type(e).__name__}: {e}"
                    row = _source_row(name, "failed", message, error=message)
                    measured = {"seconds": None, "cpu_seconds": None, "peak_rss_mb": None}
                rows[name] = row
                stages.add(f"ingest:{name}", label(name), measured, row["status"],
                           row.get("reason") or f"{row.get('records', 0)} records")
    finally:  # interrupted (Ctrl-C): the sources under way end before the lock is let go
        for _, pool in running.values():
            pool.shutdown(cancel_futures=True)
    return {n: rows[n] for n in names}
