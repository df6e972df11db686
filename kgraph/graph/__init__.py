"""The graph: build it from records, store it embedded, query it, export it, analyse it.

The pipeline calls, in order::

    tables = build_tables(nodes, edges, resolution)      # kgraph.graph.build
    staging = datadir.new_build_dir()
    info = write_build(tables, staging)                  # store + build.json
    datadir.publish_build(staging)                       # atomic swap of graph/current

or :func:`build_graph` for all of it. A build directory holds::

    graph/<build id>/
      store.lbdb            LadybugDB database (one file; a .wal beside it only while a writer has it open)
      build.json            counts, the build audit, timings, versions (+ what the caller adds via ``extra``)
      resolution.json.gz    the resolution, when it has ``save`` (kgraph.resolve.Resolution does)

Reading goes through :func:`open_store` (``store.query(cypher, params)``,
``store.counts()``), the query library (:func:`query`, :func:`library`),
:func:`export` and :func:`to_networkx` for analysis. Heavy modules
(ladybug, networkx) load only when used.
"""
from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any, Iterable

from .query import library, query, render_query_docs
from .store import BUILD_FILE, STORE_FILE, Store, open_store, write_store
from .tables import GraphTables, RowReaders, tables_from_store

__all__ = ["build_tables", "write_build", "build_graph", "GraphTables", "tables_from_store", "open_store", "Store",
           "write_store", "query", "library", "render_query_docs", "export", "to_networkx", "STORE_FILE",
           "BUILD_FILE"]


def write_build(tables: GraphTables, build_dir: str | Path, *, extra: dict[str, Any] | None = None,
                readers: RowReaders | None = None) -> dict[str, Any]:
    """Write the store and ``build.json`` into a fresh build directory; returns the build info.

    ``readers``: see :func:`kgraph.graph.store.write_store`.
    """
    from .. import __version__ as kgraph_version
    from ..datadir import atomic_write_json
    from ..schema import schema

    build_dir = Path(build_dir)
    t0 = time.perf_counter()
    load = write_store(tables, build_dir, readers=readers)  # counted before the rows may go
    info = {
        "version": 1,
        "kgraph": kgraph_version,
        "schema_version": schema().version,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "store": STORE_FILE,
        "counts": {"nodes": load["nodes"], "edges": load["edges"]},
        "audit": tables.audit,
        "load": {**load.get("timings", {}), "total": round(time.perf_counter() - t0, 3)},
        **(extra or {}),
    }
    atomic_write_json(build_dir / BUILD_FILE, info)
    return info


def build_graph(datadir, nodes: Iterable, edges: Iterable, resolution: Any = None, *, publish: bool = True,
                registry_sources: Iterable[str] = ()) -> Path:
    """Build, store and (by default) publish a graph in ``datadir``; returns the build directory.

    The caller holds ``datadir.lock()``. A failure removes the staging
    directory; a crash leaves it for ``DataDir.cleanup_staging`` and the
    previous graph stays current either way.
    """
    from .build import build_tables

    staging = datadir.new_build_dir()
    try:
        tables = build_tables(nodes, edges, resolution, registry_sources=registry_sources)
        write_build(tables, staging)
        if resolution is not None and hasattr(resolution, "save"):
            resolution.save(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return datadir.publish_build(staging) if publish else staging


def __getattr__(name: str):  # PEP 562: exports and analysis import networkx/xml only when used
    if name == "build_tables":  # and the builder, with the resolution it reads (89 ms of imports a card did not need)
        from .build import build_tables

        return build_tables
    if name == "export":
        from .export import export

        return export
    if name == "to_networkx":
        from .analysis import to_networkx

        return to_networkx
    raise AttributeError(name)
