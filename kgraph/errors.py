"""Typed errors. The CLI turns every :class:`KgraphError` into one ``Error: ...`` line."""
from __future__ import annotations

from pathlib import Path

__all__ = [
    "KgraphError",
    "SourceFormatError",
    "DamagedFile",
    "QualityError",
    "FetchError",
    "ConfigError",
    "NotFound",
    "NoGraph",
    "Locked",
    "Neo4jError",
]


class KgraphError(Exception):
    """Base class: a problem the user can act on, reported in one line."""


class SourceFormatError(KgraphError):
    """A source file is not what its ingester expects.

    The message names the file and the place (line, record or byte offset),
    e.g. ``SDN.CSV: line 12: expected 12 fields, found 9``.
    """

    def __init__(self, path: str | Path | None, where: str | int | None, message: str):
        self.path = str(path) if path is not None else None
        self.where = where
        self.reason = message
        name = Path(self.path).name if self.path else "<input>"
        if isinstance(where, int):
            where = f"line {where}"
        super().__init__(f"{name}: {where}: {message}" if where not in (None, "") else f"{name}: {message}")


#: what mends a damaged file of a build (the store, its index, build.json...): a build writes every one anew
REBUILD = "rebuild the graph: kgraph build"


class DamagedFile(KgraphError):
    """A file kgraph wrote cannot be read back (a disk fault, a copy cut short, an edit).

    The message names the file, the place when known, the reason and what mends it:
    ``records/flightlog/S.jsonl.gz: record 12: cannot be read (JSONDecodeError: ...); parse the source
    again: kgraph ingest flightlog --offline``. ``damage`` is the message without the mending.
    """

    def __init__(self, path: str | Path, reason: str | BaseException, mend: str, where: str | None = None):
        if isinstance(reason, BaseException):
            reason = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
        self.path, self.where, self.reason, self.mend = str(path), where, reason, mend
        self.damage = f"{path}: {f'{where}: ' if where else ''}cannot be read ({reason})"
        super().__init__(f"{self.damage}; {mend}")


class QualityError(KgraphError):
    """A parsed source falls outside its expected ranges (record counts, fill rates)."""


class FetchError(KgraphError):
    """A download failed or returned something that is not the file."""


class ConfigError(KgraphError):
    """Missing or invalid configuration (an API key, a column mapping, a URL)."""


class NotFound(KgraphError):
    """No node, query or source by that name."""


class NoGraph(KgraphError):
    """The data directory holds no built graph yet."""


class Locked(KgraphError):
    """Another kgraph process holds the data directory."""


class Neo4jError(KgraphError):
    """Neo4j could not be reached or refused the operation."""
