"""The data directory: raw snapshots, parsed records, judgements, the graph store.

Layout::

    DATA/
      config.toml                     optional: URL overrides, registry column mappings
      raw/<ingester>/<fetch time>/    files as downloaded (or copied by --from), + fetch.json
      records/<source>/<snapshot>.jsonl.gz   parsed records of one snapshot
      records/<source>/<snapshot>.json       its parse report and the diff to the previous one
      records/<source>/CURRENT        name of the snapshot the next build uses
      judgements.jsonl                analysts' same/different/unsure decisions
      watchlist.json
      graph/<build id>/               one built graph (embedded store, lookup index, build.json)
      graph/current                   symlink to the live build, swapped atomically
      history/<build id>.json.gz      the facts `kgraph changes` compares, one file per build
      lock                            held while a command writes

The location is ``--data-dir``, else ``$KGRAPH_DATA_DIR``, else the platform's
user data directory. Nothing is created until a command writes.

Every write is atomic: content goes to a temporary file in the same directory
and is renamed over the target, so a crash leaves the old file or the new one,
never half of either.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

from .errors import KgraphError, Locked, NoGraph

__all__ = ["DataDir", "default_data_dir", "atomic_write", "atomic_write_json", "atomic_path", "temp_file_beside",
           "temp_dir_in", "umask", "output_path", "utc_stamp"]

ENV_VAR = "KGRAPH_DATA_DIR"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kgraph", appauthor=False))


def utc_stamp(when: dt.datetime | None = None) -> str:
    """Compact UTC timestamp used to name snapshots and builds: ``20261126T105500Z``.

    Microseconds are appended when two stamps could collide within a second.
    """
    when = when or dt.datetime.now(dt.timezone.utc)
    return when.strftime("%Y%m%dT%H%M%S") + f"{when.microsecond:06d}Z"


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def umask() -> int:
    """The process's umask, read without changing it where the system shows it (Linux), else set and put back.

    Setting it to read it would, for that instant, apply to files other threads create.
    """
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_file_beside(path: Path) -> tuple[int, str]:
    """``tempfile.mkstemp`` next to ``path``, with the mode a new file gets (0666 less the umask).

    mkstemp makes its files 0600, and a rename keeps that: an exported view or
    a data directory shared by a team would be readable by its writer only.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~umask())
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, tmp


def temp_dir_in(parent: Path, prefix: str) -> Path:
    """``tempfile.mkdtemp`` in ``parent``, with the mode a new folder gets (0777 less the umask, not 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        os.chmod(path, 0o777 & ~umask())
    except BaseException:
        os.rmdir(path)
        raise
    return path


def output_path(path: str | os.PathLike, *, folder: bool = False) -> Path:
    """A path the user named for output (a view, an export), checked before any work is done.

    Its folder must exist: a mistyped ``-o`` path is refused, not created. A
    file output must not be an existing folder, nor a folder output a file.

    >>> output_path("/no/such/folder/aviacon.html")
    Traceback (most recent call last):
    kgraph.errors.KgraphError: /no/such/folder/aviacon.html: the folder /no/such/folder does not exist
    """
    path = Path(path).expanduser()
    if folder and path.exists() and not path.is_dir():
        raise KgraphError(f"{path}: is a file; this export writes a folder of files")
    if not folder and path.is_dir():
        raise KgraphError(f"{path}: is a folder; give a file name, e.g. {path / 'kgraph-export'}")
    if not path.parent.is_dir():
        raise KgraphError(f"{path}: the folder {path.parent} does not exist")
    return path


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same directory, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    fd, tmp = temp_file_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


#: the name prefix of a raw snapshot whose parse refused it: kept beside the others for diagnosis, out of the
#: way of an offline ingest and of the next build
REJECTED_PREFIX = ".rejected-"
#: the name prefix of a raw snapshot being removed (by ``kgraph prune``): out of the snapshots' names first,
#: so that a removal cut short leaves no half snapshot to be read; :meth:`DataDir.cleanup_staging` ends it
REMOVING_PREFIX = ".removing-"


def tree_bytes(path: Path) -> int:
    """Bytes of a file, or of every file under a folder (links not followed)."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:  # removed meanwhile
                pass
    return total


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling path to write; rename it onto ``path`` on success only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_file_beside(path)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
        _fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


#: config.toml's sections, and the keys of those whose keys are kgraph's own (the sources' are their
#: ingesters', checked where they are read)
CONFIG_KEYS: dict[str, frozenset[str] | None] = {
    "update": frozenset({"sources", "days", "jobs", "check", "icao24", "keep_snapshots"}),
    "http": frozenset({"retries", "backoff", "max_backoff", "max_wait", "max_redirects", "timeout", "user_agent"}),
    "sources": None,
    "registry": frozenset({"lists"}),
}


def config_problem(config: dict[str, Any]) -> str | None:
    """What is wrong with config.toml's layout (a misspelt section, key or source name), or None.

    A misspelt name would otherwise be passed over in silence: ``[sources.ofca.urls]`` would leave
    OFAC fetched from its own URLs.

    >>> print(config_problem({"sources": {"ofca": {}}}))
    [sources.ofca] names no source (known: airports, canada, faa, flightlog, nsdc, ofac, opensky, opensky-flights, registry, traces, war-sanctions)
    >>> config_problem({"update": {"days": 3}, "sources": {"ofac": {"urls": {}}}}) is None
    True
    """
    from .sources import INGESTERS

    for section, value in config.items():
        if section not in CONFIG_KEYS:
            return f"unknown section [{section}] (known: {', '.join(f'[{k}]' for k in CONFIG_KEYS)})"
        if not isinstance(value, dict):
            return f"[{section}] must be a table"
        known = CONFIG_KEYS[section] if section != "sources" else frozenset(INGESTERS)
        unknown = sorted(set(value) - known)
        if unknown:
            what = "names no source" if section == "sources" else "is not a setting of kgraph's"
            return f"[{section}.{unknown[0]}] {what} (known: {', '.join(sorted(known))})"
    return None


class DataDir:
    """Paths and safe writes inside one kgraph data directory.

    >>> import tempfile
    >>> d = DataDir(tempfile.mkdtemp())
    >>> d.records_dir("us_ofac_sdn").name
    'us_ofac_sdn'
    >>> d.current_graph() is None
    True
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root).expanduser() if root else default_data_dir()

    @classmethod
    def of(cls, datadir: "DataDir | str | os.PathLike | None") -> "DataDir":
        """``datadir`` as a DataDir: a DataDir as it is, a path, or None for the default directory.

        Every public function takes any of these as its ``datadir``.

        >>> DataDir.of("/tmp/x").root, DataDir.of(DataDir("/tmp/y")).root
        (PosixPath('/tmp/x'), PosixPath('/tmp/y'))
        """
        return datadir if isinstance(datadir, DataDir) else cls(datadir)

    def __repr__(self) -> str:
        return f"DataDir({str(self.root)!r})"

    # -- layout -------------------------------------------------------------
    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def records(self) -> Path:
        return self.root / "records"

    @property
    def graphs(self) -> Path:
        return self.root / "graph"

    @property
    def judgements_path(self) -> Path:
        return self.root / "judgements.jsonl"

    @property
    def watchlist_path(self) -> Path:
        return self.root / "watchlist.json"

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    def raw_dir(self, ingester: str) -> Path:
        return self.raw / ingester

    def records_dir(self, source: str) -> Path:
        return self.records / source

    # -- config -------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """``config.toml`` as a dict (empty when absent)."""
        import tomllib

        from .errors import ConfigError

        try:
            with open(self.config_path, "rb") as f:
                config = tomllib.load(f)
        except FileNotFoundError:
            return {}
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{self.config_path}: {e}") from None
        problem = config_problem(config)
        if problem:
            raise ConfigError(f"{self.config_path}: {problem}")
        return config

    # -- snapshots ----------------------------------------------------------
    def new_raw_snapshot(self, ingester: str) -> Path:
        """A fresh, hidden staging folder under raw/<ingester>/; publish with :meth:`publish_raw`."""
        base = self.raw_dir(ingester)
        base.mkdir(parents=True, exist_ok=True)
        return temp_dir_in(base, ".staging-")

    def publish_raw(self, staging: Path, stamp: str | None = None) -> Path:
        """Rename a complete staging folder to raw/<ingester>/<stamp>/ (atomic)."""
        target = staging.parent / (stamp or utc_stamp())
        os.replace(staging, target)
        _fsync_dir(staging.parent)
        return target

    def raw_snapshots(self, ingester: str) -> list[Path]:
        """Published raw snapshots of an ingester, oldest first (staging folders excluded)."""
        base = self.raw_dir(ingester)
        if not base.is_dir():
            return []
        return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))

    def cleanup_staging(self) -> int:
        """Remove staging folders and temp files a crashed run left behind, and complete (or undo) a switch of
        record snapshots it cut short (:func:`kgraph.records.finish_switches`); returns how many."""
        n = 0
        for pattern in ("raw/*/.staging-*", f"raw/*/{REMOVING_PREFIX}*", "graph/.building-*"):
            for p in self.root.glob(pattern):
                shutil.rmtree(p, ignore_errors=True)
                n += 1
        # the new `current` link of a swap cut short before its rename (rmtree refuses links)
        for p in self.root.glob("graph/.current-*"):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
        for p in self.root.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                p.unlink()
                n += 1
        from .records import finish_switches  # records import this module

        # records of several datasets staged to become CURRENT together: the switch is completed if it was
        # committed, else what was staged goes
        return n + finish_switches(self)

    # -- graph builds -------------------------------------------------------
    def new_build_dir(self) -> Path:
        self.graphs.mkdir(parents=True, exist_ok=True)
        return temp_dir_in(self.graphs, ".building-")

    def publish_build(self, staging: Path, keep: int = 2) -> Path:
        """Make a finished build live: rename it, then swap the ``current`` symlink atomically.

        Older builds beyond ``keep`` are removed afterwards; a crash at any
        point leaves ``current`` pointing at a complete build.
        """
        current = self.graphs / "current"
        if current.is_dir() and not current.is_symlink():
            # a data directory copied with its links followed (cp -r, copytree): the link became a folder
            raise KgraphError(f"{current} is a folder, not the link to the live graph kgraph keeps there (was "
                              "the data directory copied without its links? `cp -a` keeps them); move it away "
                              "and build again")
        target = self.graphs / utc_stamp()
        os.replace(staging, target)
        link_tmp = self.graphs / f".current-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            link_tmp.unlink()
        os.symlink(target.name, link_tmp)
        os.replace(link_tmp, self.graphs / "current")
        _fsync_dir(self.graphs)
        builds = sorted(p for p in self.graphs.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
        for old in builds[:-keep] if keep else []:
            if old != target:
                shutil.rmtree(old, ignore_errors=True)
        return target

    def current_graph(self) -> Path | None:
        link = self.graphs / "current"
        try:
            target = link.resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            return None
        return target if target.is_dir() else None

    def require_graph(self) -> Path:
        g = self.current_graph()
        if g is None:
            raise NoGraph(f"no graph built in {self.root}; run `kgraph demo` or `kgraph build` first")
        return g

    # -- lock ---------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, command: str = "kgraph") -> Iterator[None]:
        """Hold the data directory's write lock; raise :class:`Locked` if another run holds it.

        The lock is an ``flock`` on ``DATA/lock``: the kernel releases it when
        the holder dies, even by SIGKILL, so a crash never leaves it stuck.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                    raise
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                raise Locked(f"data directory {self.root} is in use by {holder}; wait for it to finish") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"`{command}` (pid {os.getpid()})".encode(), 0)
            try:
                self.cleanup_staging()
                yield
            finally:
                # the holder's name means something only while it holds the lock; cleared, a command
                # that changed nothing (a refused file) leaves the data directory byte for byte as it was
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)
