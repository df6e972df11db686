"""The sources kgraph knows, and the contract every ingester module follows.

An ingester is one module under ``ingest/`` (OpenSanctions-crawler style):

``SOURCE``
    a :class:`Source`: short name (what ``kgraph ingest NAME`` takes), the
    dataset names its records carry (``us_ofac_sdn``), publisher, licence,
    update cadence, the files to download with their official URLs and
    fallbacks, and the quality assertions its output must meet.
``parse(path, *, snapshot=None, report=None)``
    yields :class:`kgraph.model.Node` / :class:`kgraph.model.Edge` records from
    a local file or folder; never touches the network; raises
    :class:`kgraph.errors.SourceFormatError` naming file and place on
    malformed input; counts every source record in ``report``
    (``read == kept + rejected``) and warns about unknown fields.
``fetch(dest, *, config, session)`` (optional)
    for API sources (NSDC, OpenSky flights) that are not a list of files:
    writes the raw responses into the staging folder ``dest``.

The registry below maps short names to modules; modules load lazily.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .errors import NotFound, QualityError

__all__ = ["Source", "SourceFile", "INGESTERS", "ingester", "source_of", "check_assertions"]


@dataclass(frozen=True)
class SourceFile:
    """One file of a source: its local name and the URLs to try, official first."""

    name: str
    urls: tuple[str, ...]
    required: bool = True
    #: what the body must look like: "csv", "xml", "json", "zip", "gzip", "any"
    kind: str = "any"


@dataclass(frozen=True)
class Source:
    name: str  # short name: `kgraph ingest ofac`
    title: str
    datasets: tuple[str, ...]  # provenance source names its records carry
    publisher: str
    licence: str
    cadence: str
    homepage: str = ""
    files: tuple[SourceFile, ...] = ()
    #: environment variables the fetch needs (never logged)
    env: tuple[str, ...] = ()
    #: quality gate: {"read": [min, max], "nodes": {"Airplane": [min, max]},
    #:                "fill": {"Airplane.serialNumber": 0.8}} (per dataset where keyed so)
    assertions: dict[str, Any] = field(default_factory=dict)
    #: id prefix of the nodes it makes
    prefix: str = ""
    #: User-Agent the server needs: "" = kgraph's own, "browser" = a browser's (the FAA
    #: registry refuses default client agents), anything else is sent as is
    user_agent: str = ""


#: short name -> module path
INGESTERS: dict[str, str] = {
    "ofac": "ingest.us_ofac",
    "canada": "ingest.ca_sema",
    "nsdc": "ingest.ua_nsdc",
    "faa": "ingest.us_faa",
    "opensky": "ingest.opensky_aircraft",
    "registry": "ingest.aircraft_list",
    "airports": "ingest.ourairports",
    "flightlog": "ingest.flightlog",
    "traces": "ingest.adsb_traces",
    "opensky-flights": "ingest.opensky_flights",
}


def ingester(name: str) -> ModuleType:
    """The ingester module for a short name (``ofac``) or module name (``us_ofac``)."""
    module = INGESTERS.get(name) or INGESTERS.get(name.replace("_", "-"))
    if module is None and f"ingest.{name}" in INGESTERS.values():
        module = f"ingest.{name}"
    if module is None:
        raise NotFound(f"unknown source {name!r}; known: {', '.join(sorted(INGESTERS))}")
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name == module:
            raise NotFound(f"source {name!r} is not available in this installation ({module} missing)") from None
        raise


def source_of(name: str) -> Source:
    return ingester(name).SOURCE


def check_assertions(source: Source, reports: dict[str, Any], *, fill: dict[str, float] | None = None) -> list[str]:
    """Check parse reports against a source's declared ranges; raise :class:`QualityError` when outside.

    ``reports`` maps dataset name -> :class:`kgraph.model.ParseReport`.
    ``fill`` maps "Type.property" -> measured fill rate (0..1).
    Returns the checks that passed, as text, for the ingest summary.
    """
    a = source.assertions or {}
    passed: list[str] = []
    failures: list[str] = []
    read = sum(r.read for r in reports.values())
    if "read" in a:
        lo, hi = a["read"]
        (passed if lo <= read <= hi else failures).append(f"{read} records read (expected {lo}..{hi})")
    nodes: dict[str, int] = {}
    for r in reports.values():
        for t, n in r.nodes.items():
            nodes[t] = nodes.get(t, 0) + n
    for t, (lo, hi) in (a.get("nodes") or {}).items():
        n = nodes.get(t, 0)
        (passed if lo <= n <= hi else failures).append(f"{n} {t} nodes (expected {lo}..{hi})")
    for key, minimum in (a.get("fill") or {}).items():
        rate = (fill or {}).get(key)
        if rate is None:
            continue
        (passed if rate >= minimum else failures).append(f"{key} filled in {rate:.1%} (expected >= {minimum:.0%})")
    if failures:
        raise QualityError(f"{source.name}: quality check failed: " + "; ".join(failures))
    return passed
