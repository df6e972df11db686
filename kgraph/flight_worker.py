"""A build's flights in a worker process: loaded and made into rows while the build loads and resolves the rest.

The build is single-core work from its load to its store, and at full size
a million flight legs were ~35 s of it (their records read, their rows and
DEPARTED_FROM / ARRIVED_AT edges made), none of which needs the
resolution (:mod:`kgraph.graph.flight_part`). :class:`FlightWorker` runs
that on the other core:

1. the worker loads the flight sources' records; their non-flight records
   (none from the sources of today) go back to the build, which loads the
   other sources meanwhile (:meth:`FlightWorker.load`);
2. the build sends it every Airport record and DEPARTED_FROM / ARRIVED_AT
   record, and resolves while the worker makes the flights' rows, a batch at
   a time, into files in a staging folder of the data directory (its peak is
   then little more than the flight records: 1.3 GB at full size, against
   1.8 GB for the rows made at once, beside the build's own 2.6 GB);
3. the build reads the files (:meth:`FlightWorker.part`), resolves the
   PERFORMED edges to the airframes, takes the rows in last, and goes on.

A worker that fails (killed, out of memory) costs the time, not the build:
the flights are then loaded and built in the build's own process, and its
warnings say so. Builds with fewer than :data:`WORKER_MIN_RECORDS` flight
records keep everything in one process (a worker costs ~0.25 s: the demo's build took 1.24-1.27 s with
one, 1.01-1.11 s without).
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from typing import Any

from . import records as store
from .building import FLIGHT_SOURCES, _gc_paused, load_records
from .datadir import DataDir

__all__ = ["FlightWorker", "WORKER_MIN_RECORDS"]

log = logging.getLogger("kgraph")

#: flight records held (all flight sources) from which a build makes their rows in a worker process
WORKER_MIN_RECORDS = 200_000

#: the record edges a flight's own ends join (they go to the worker with the airports)
_END_TYPES = ("DEPARTED_FROM", "ARRIVED_AT")


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _work(root: str, folder: str, conn, parent: int, sources: list[str]) -> None:
    """The worker: load the flight sources, hand back what is not a flight, make the flights' rows."""
    from .graph.flight_part import save_flight_part
    from .update_workers import _end_with

    _end_with(parent)  # a killed build does not leave this process behind
    started, cpu = time.perf_counter(), time.process_time()
    try:
        with _gc_paused():
            t = time.perf_counter()
            nodes, edges, audit = load_records(DataDir(root), sources)
            flights = [n for n in nodes if n.type == "Flight"]
            others = [n for n in nodes if n.type != "Flight"]
            del nodes
            loaded = time.perf_counter() - t
            conn.send(("loaded", others, edges, audit))
            del others, edges
            airports, end_edges = conn.recv()  # EOFError if the build ended first
            t = time.perf_counter()
            # into files, not the pipe: the build reads them when it needs them, and this process ends now
            # instead of holding ~1 GB of rows until then
            save_flight_part(flights, airports, end_edges, folder)
            conn.send(("part", folder, {"seconds": round(time.perf_counter() - started, 3),
                                        "cpu_seconds": round(time.process_time() - cpu, 3),
                                        "load_seconds": round(loaded, 3),
                                        "rows_seconds": round(time.perf_counter() - t, 3),
                                        "peak_rss_mb": _peak_mb()}))
    except BaseException as e:  # noqa: BLE001 - said to the build, which carries on without this worker
        try:
            conn.send(("error", f"{type(e).__name__}: {e}"))
        except OSError:
            pass


class FlightWorker:
    """The worker process of one build (:meth:`start`), and the build's side of its exchange."""

    def __init__(self, root: str, sources: list[str]):
        import multiprocessing

        # forkserver: `kgraph update` runs a progress display's thread, which a fork would copy mid-step
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        self.sources = sources
        self.conn, child = ctx.Pipe()
        #: what build.json says of the worker: its own seconds and peak, the build's waits for it
        self.report: dict[str, Any] = {}
        self.sent: list = []  # the record edges the worker was given, taken back if it fails
        self.failed: str | None = None
        # the worker's file of rows: in a folder named as a build's staging folder, so that what a killed
        # build leaves is cleared as its staging folder is
        self.folder = DataDir(root).new_build_dir()
        self.process = ctx.Process(target=_work, args=(root, str(self.folder), child, os.getpid(), sources),
                                   daemon=True, name="kgraph-flights")
        try:
            self.process.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            child.close()

    @classmethod
    def start(cls, dd: DataDir) -> "FlightWorker | None":
        """A worker for ``dd``'s flights, or None when they are too few to be worth a process."""
        sources = [s for s in store.sources_with_records(dd) if s in FLIGHT_SOURCES]
        held = sum((store.snapshot_summary(dd, s) or {}).get("records") or 0 for s in sources)
        if not sources or held < WORKER_MIN_RECORDS:
            return None
        try:
            return cls(str(dd.root), sources)
        except OSError as e:  # no process to be had (a limit on processes, no /dev/shm): all in this one
            log.warning("flights built in the build's process: no worker process (%s)", e)
            return None

    def _receive(self, expected: str) -> tuple | None:
        """The worker's next message, or None (and a reason in ``self.failed``) when it failed."""
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as e:  # it died: killed, out of memory
            self.process.join(5)
            self.failed = f"the flights' worker process ended (exit code {self.process.exitcode}): {e or 'no reply'}"
            return None
        if message[0] == "error":
            self.failed = f"the flights' worker process failed: {message[1]}"
            return None
        if message[0] != expected:  # never sent so: said as any failure is, not taken for what it is not
            self.failed = f"the flights' worker process answered {message[0]!r}, not {expected!r}"
            return None
        return message

    def load(self, dd: DataDir) -> tuple[list, list, dict[str, Any]]:
        """:func:`kgraph.building.load_records`, the flight sources' records loaded by the worker.

        The build's nodes and edges, with every record of the flight sources
        but their flights (which the worker keeps); the worker then gets the
        airports and the flights' end records.
        """
        order = store.sources_with_records(dd)
        nodes, edges, audit = load_records(dd, [s for s in order if s not in self.sources])
        t = time.perf_counter()
        got = self._receive("loaded")
        if got is None:  # the build's own process loads them: the flights are built with the rest
            more_nodes, more_edges, more_audit = load_records(dd, self.sources)
        else:
            _, more_nodes, more_edges, more_audit = got
        self.report["load_wait_seconds"] = round(time.perf_counter() - t, 3)
        nodes += more_nodes
        edges += more_edges
        audit.update(more_audit)
        audit = {s: audit[s] for s in order if s in audit}  # in source order, as one load gives it
        if got is not None:
            airports = [n for n in nodes if n.type == "Airport"]
            self.sent = [e for e in edges if e.type in _END_TYPES]
            if self.sent:
                edges[:] = [e for e in edges if e.type not in _END_TYPES]
            try:
                self.conn.send((airports, self.sent))
            except OSError:  # it died since: part() finds it so, and builds its flights here
                pass
        return nodes, edges, audit

    def part(self, dd: DataDir, nodes: list, edges: list, warnings: list[str]):
        """The flights' part (:class:`kgraph.graph.flight_part.FlightPart`), or None when the worker failed:
        the flight records are then among ``nodes`` and ``edges``, and ``warnings`` says why."""
        failed_before = self.failed is not None  # at the load: the build's process loaded every flight record
        got = None if failed_before else self._receive("part")
        if got is not None:
            from .graph.flight_part import FlightPart

            part = FlightPart.load(got[1])  # its rows stay in their file until the graph takes them in
            self.report.update(got[2])
            return part
        warnings.append(f"{self.failed}; its flights were built in the build's own process")
        if not failed_before:
            nodes += [n for n in load_records(dd, self.sources)[0] if n.type == "Flight"]
            edges += self.sent
            self.sent = []
        return None

    def close(self) -> None:
        """End the worker (at once when the build failed or ended before it replied)."""
        try:
            self.conn.close()
        finally:
            self.process.join(1)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            shutil.rmtree(self.folder, ignore_errors=True)
