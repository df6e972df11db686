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
from typing import Any, Iterable

from .errors import NotFound, QualityError

__all__ = ["Source", "SourceFile", "INGESTERS", "ingester", "source_of", "check_assertions", "fill_rates"]


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
    "war-sanctions": "ingest.ua_war_sanctions",
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


def fill_rates(records: Iterable[Any], keys: Iterable[str]) -> dict[str, float]:
    """Share of the nodes of a type that carry a property, for "Type.property" keys."""
    wanted: dict[str, list[str]] = {}
    for key in keys:
        node_type, prop = key.split(".", 1)
        wanted.setdefault(node_type, []).append(prop)
    total: dict[str, int] = {}
    filled: dict[str, int] = {}
    for rec in records:
        props = wanted.get(getattr(rec, "type", None)) if hasattr(rec, "id") else None
        if props is None:
            continue
        total[rec.type] = total.get(rec.type, 0) + 1
        for prop in props:
            if rec.props.get(prop):
                k = f"{rec.type}.{prop}"
                filled[k] = filled.get(k, 0) + 1
    return {f"{t}.{p}": filled.get(f"{t}.{p}", 0) / total[t] for t, ps in wanted.items() if total.get(t) for p in ps}


def _check(label: str, a: dict[str, Any], read: int, nodes: dict[str, int], fill: dict[str, float],
           passed: list[str], failures: list[str]) -> None:
    if "read" in a:
        lo, hi = a["read"]
        (passed if lo <= read <= hi else failures).append(f"{label}{read} records read (expected {lo}..{hi})")
    for t, (lo, hi) in (a.get("nodes") or {}).items():
        n = nodes.get(t, 0)
        (passed if lo <= n <= hi else failures).append(f"{label}{n} {t} nodes (expected {lo}..{hi})")
    for key, minimum in (a.get("fill") or {}).items():
        rate = fill.get(key)
        if rate is None:
            continue
        (passed if rate >= minimum else failures).append(f"{label}{key} filled in {rate:.1%} (expected >= {minimum:.0%})")


def check_assertions(source: Source, reports: dict[str, Any], records: dict[str, list] | None = None) -> list[str]:
    """Check a parse against a source's declared ranges; raise :class:`QualityError` when outside.

    ``reports`` maps dataset name -> :class:`kgraph.model.ParseReport`;
    ``records`` maps dataset name -> its records (for fill rates). Ranges
    at the top of ``assertions`` apply to the whole parse; ranges under
    ``assertions["datasets"][name]`` apply to that dataset when it is present
    (so a parse of only one of OFAC's two lists is checked against that list's
    ranges). Returns the checks that passed, as text, for the ingest summary.
    """
    a = source.assertions or {}
    records = records or {}
    passed: list[str] = []
    failures: list[str] = []

    def nodes_of(rs) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in rs:
            for t, n in r.nodes.items():
                out[t] = out.get(t, 0) + n
        return out

    def fill_of(spec, names) -> dict[str, float]:
        keys = list((spec.get("fill") or {}).keys())
        return fill_rates((rec for n in names for rec in records.get(n, [])), keys) if keys else {}

    top = {k: v for k, v in a.items() if k != "datasets"}
    if top:
        _check("", top, sum(r.read for r in reports.values()), nodes_of(reports.values()), fill_of(top, reports),
               passed, failures)
    for name, spec in (a.get("datasets") or {}).items():
        if name in reports:
            r = reports[name]
            _check(f"{name}: ", spec, r.read, nodes_of([r]), fill_of(spec, [name]), passed, failures)
    if failures:
        raise QualityError(
            f"{source.name}: quality check failed: " + "; ".join(failures)
            + " (an excerpt or sample? ingest it with --no-check)"
        )
    return passed
