"""kgraph: a sanctions-entity knowledge graph.

Operators, the sanctions lists that name them, the aircraft they fly and
where those aircraft went, built from public lists and registries, with the
source of every fact.

Everything the ``kgraph`` command does is one function away here; imports are
lazy so that ``import kgraph`` (and the CLI) start fast.

>>> import kgraph
>>> callable(kgraph.lookup)
True
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (PEP 562 lazy attributes). No module
# directly under kgraph/ may share a public function's name: importing it
# would bind the module over the function.
_API = {
    "demo": "kgraph.pipeline",
    "ingest": "kgraph.pipeline",
    "build": "kgraph.building",
    "stats": "kgraph.pipeline",
    "update": "kgraph.refresh",
    "prune": "kgraph.retention",
    "lookup": "kgraph.lookup_index",
    "find_node": "kgraph.find",
    "screen": "kgraph.screening",
    "screen_file": "kgraph.screening",
    "show": "kgraph.card",
    "query": "kgraph.graph.query",
    "export": "kgraph.graph.export",
    "changes": "kgraph.changelog",
    "watch_add": "kgraph.watchlist",
    "watch_list": "kgraph.watchlist",
    "watch_remove": "kgraph.watchlist",
    "judge": "kgraph.resolve.judgements",
    "review": "kgraph.resolve.judgements",
    "view": "kgraph.htmlview",
    "DataDir": "kgraph.datadir",
    "Node": "kgraph.model",
    "Edge": "kgraph.model",
    "Provenance": "kgraph.model",
    "KgraphError": "kgraph.errors",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
