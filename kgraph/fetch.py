"""Downloading sources into raw snapshots: kgraph's shared fetch layer.

:func:`fetch_source` downloads every :class:`~kgraph.sources.SourceFile` of a
source into a staging folder and publishes it atomically as
``raw/<source>/<fetch time>/`` with a ``fetch.json`` that records, per file,
the URL that answered, the final URL after redirects, HTTP status, ETag,
Last-Modified, size, sha256, fetch time, whether the previous copy was reused,
and the URLs tried before it. URLs in it are redacted (signed S3 links included).

Choices a caller relies on:

* **Unchanged.** The previous snapshot's ETag / Last-Modified are sent as
  ``If-None-Match`` / ``If-Modified-Since`` (to the same URL only, and only if
  the previous file still has its recorded sha256). When *every* file is
  unchanged (a 304, or a 200 with the same sha256), no new snapshot is written:
  the result points at the previous snapshot with ``unchanged=True``. When only
  some files changed, the unchanged ones are hard-linked into the new snapshot
  and marked ``reused`` in fetch.json.
* **Failure.** A file is tried at each of its URLs in turn (config overrides
  first, then the official URL, then fallbacks), each with retries (see
  :mod:`kgraph.httpclient`). If a required file fails everywhere, the staging
  folder is removed, the last good snapshot is left untouched, and: with
  ``fallback=True`` and a previous snapshot, the result points at it with
  ``fresh=False`` and ``error`` set; otherwise :class:`~kgraph.errors.FetchError`
  is raised with one line naming source, file, URL and reason. An optional file
  (``required=False``) that fails is recorded with its error and skipped.
* **Not the file.** Empty bodies, HTML pages where CSV/XML/JSON/ZIP/gzip/TXT was
  expected (sniffed from the bytes), truncated bodies and archives that do not
  decompress are refused (:func:`download`).

The caller holds the data-directory lock (:meth:`DataDir.lock`); fetch_source
does not take it.

config.toml::

    [http]
    timeout = [10, 60]        # connect, read (seconds)
    retries = 3               # after the first try
    max_wait = 120            # longest Retry-After honoured
    [sources.faa]
    user_agent = "browser"    # the FAA refuses library user agents
    [sources.ofac.urls]
    "SDN.CSV" = ["https://mirror.example/SDN.CSV"]   # tried before the built-in URLs
    [sources.ofac.headers]
    Accept-Language = "en"

Example
-------
>>> from kgraph.datadir import DataDir
>>> from kgraph.fetch import fetch_source
>>> from kgraph.sources import source_of
>>> dd = DataDir()
>>> result = fetch_source(dd, source_of("ofac"), progress=True)  # doctest: +SKIP
>>> if result.error:  # doctest: +SKIP
...     print(f"source down ({result.error}): using the snapshot of {result.stamp}")
... elif result.unchanged:
...     print("unchanged since", result.stamp)

API ingesters write their own files with the same machinery (staging,
fallback, unchanged detection and fetch.json come from fetch_source)::

    def fetch(dest, *, config, session):           # ingest/ua_nsdc.py
        key = os.environ.get("KGRAPH_NSDC_API_KEY")
        if not key:
            raise ConfigError("nsdc: set KGRAPH_NSDC_API_KEY (keys come from sanctions@rnbo.gov.ua)")
        auth = {"x-cota-public-api-key": key}      # registered for redaction
        for page in itertools.count(1):
            path = dest / f"subjects-{page}.json"
            download(session, API + "/subjects", path, kind="json", params={"page": page}, headers=auth)
            if not json.loads(path.read_bytes())["data"]:
                return {"pages": page}             # optional: stored in fetch.json (redacted)

    result = fetch_source(dd, SOURCE, fetcher=fetch)
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import requests
import urllib3.exceptions

from .datadir import DataDir, atomic_write, temp_file_beside, utc_stamp
from .errors import ConfigError, FetchError
from .httpclient import (  # the HTTP helpers are re-exported: ingesters import everything from here
    BROWSER_USER_AGENT, SNIFF, RequestFailed, RetryPolicy, _call, _check_kind, _describe, _policy, _refuse_status,
    _Retry, body_pieces, get_json, http_session, oauth2_client_credentials, post_json,
)
from .redaction import is_sensitive, redact, register_secret
from .sources import Source, SourceFile

__all__ = [
    "fetch_source", "FetchResult", "FetchedFile", "latest_snapshot", "snapshot_info", "download", "Download",
    "progress_bar", "http_session", "get_json", "post_json", "oauth2_client_credentials", "redact",
    "register_secret", "RequestFailed", "RetryPolicy",
]

log = logging.getLogger("kgraph.fetch")
META = "fetch.json"

# --------------------------------------------------------------------------- one download
def _verify_archive(path: Path, kind: str, url: str) -> None:
    """Read a ZIP or gzip to the end, so a damaged archive is refused now and not at parse time."""
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                if not zf.namelist():
                    raise RequestFailed(url, "server returned an empty ZIP archive")
                bad = zf.testzip()
                if bad is not None:
                    raise RequestFailed(url, f"ZIP member {bad} is damaged (CRC mismatch)")
        elif kind == "gzip":
            size = 0
            with gzip.open(path, "rb") as g:
                while chunk := g.read(1 << 20):
                    size += len(chunk)
            if not size:
                raise RequestFailed(url, "the gzip data holds an empty file")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, gzip.BadGzipFile) as e:
        what = "ZIP archive" if kind == "zip" else "gzip data"
        raise RequestFailed(url, f"server returned damaged {what} ({e})") from None


@dataclass
class Download:
    """What :func:`download` fetched; URLs are redacted."""

    url: str
    final_url: str
    status: int
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    not_modified: bool = False
    redirects: int = 0


@contextlib.contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Any]:
    """A rich progress display on stderr (None when disabled); add one task per file."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=Console(stderr=True)) as bar:
        yield bar


def download(session: requests.Session, url: str, dest: str | os.PathLike, *, kind: str = "any",
             headers: dict[str, str] | None = None, params: Any = None, policy: RetryPolicy | None = None,
             timeout: Any = None, progress: bool | Callable[[int, int | None], None] = False) -> Download:
    """Stream ``url`` into ``dest`` atomically, checking that the body is a ``kind`` file.

    ``kind`` is a :attr:`SourceFile.kind` (csv, xml, json, zip, gzip, txt, any).
    Size and sha256 are computed while streaming. Conditional headers in
    ``headers`` (``If-None-Match``...) may yield a 304: then nothing is written
    and the result has ``not_modified=True``. ``progress`` is True for a rich
    bar, or a callback ``(bytes_so_far, total_or_None)``.
    Raises :class:`RequestFailed` naming the redacted URL and the reason;
    no temporary file is left behind.
    """
    dest = Path(dest)
    shown = redact(url)
    conditional = any(k.lower() in ("if-none-match", "if-modified-since") for k in (headers or {}))
    p = _policy(session, policy, timeout)
    callback = progress if callable(progress) else None

    def consume(resp: requests.Response) -> Download:
        info = Download(url=shown, final_url=redact(resp.url), status=resp.status_code,
                        etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"),
                        content_type=resp.headers.get("Content-Type"), redirects=len(getattr(resp, "kgraph_redirects", ())))
        if resp.status_code == 304 and conditional:
            info.not_modified = True
            return info
        _refuse_status(resp, shown)
        encoding = resp.headers.get("Content-Encoding", "").lower()
        # a .gz served with Content-Encoding: gzip is stored as sent: the file itself is the gzip
        raw = kind == "gzip" and "gzip" in encoding
        try:
            total = int(resp.headers["Content-Length"]) if (raw or not encoding) else None
        except (KeyError, ValueError):
            total = None
        fd, tmp = temp_file_beside(dest)
        try:
            sha, size, head = hashlib.sha256(), 0, b""
            with os.fdopen(fd, "wb") as f:
                chunks = body_pieces(resp, decode=not raw)
                while True:
                    try:
                        chunk = next(chunks, None)
                    except urllib3.exceptions.DecodeError:
                        raise RequestFailed(shown, f"the body does not decompress (Content-Encoding: {encoding})") from None
                    except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as e:
                        raise _Retry(f"{_describe(e, p.timeout)} after {size} bytes") from None
                    if chunk is None:
                        break
                    f.write(chunk)
                    sha.update(chunk)
                    size += len(chunk)
                    if len(head) < SNIFF:
                        head += chunk[: SNIFF - len(head)]
                        if len(head) == SNIFF:  # refuse an HTML page before downloading all of it
                            _check_kind(head, kind, shown, resp.status_code)
                    if callback:
                        callback(size, total)
            if len(head) < SNIFF:
                _check_kind(head, kind, shown, resp.status_code)
            if total is not None and size != total:
                raise _Retry(f"body truncated: {size} of {total} bytes (Content-Length)")
            _verify_archive(Path(tmp), kind, shown)
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        info.size, info.sha256 = size, sha.hexdigest()
        return info

    with progress_bar(progress is True) as bar:
        if bar is not None:
            task = bar.add_task(dest.name, total=None)
            callback = lambda n, t: bar.update(task, completed=n, total=t)  # noqa: E731
        return _call(session, "GET", url, consume, headers=headers, params=params, policy=p)


# --------------------------------------------------------------------------- snapshots
@dataclass
class FetchedFile:
    """One file of a fetch, as recorded in fetch.json (URLs redacted)."""

    name: str
    url: str | None = None  # the URL that answered
    final_url: str | None = None  # after redirects
    status: int | None = None  # 200, or 304 when reused
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    fetched_at: str | None = None
    reused: bool = False  # 304: the previous snapshot's file was hard-linked
    error: str | None = None  # an optional file that could not be fetched
    tried: list[dict[str, str]] = field(default_factory=list)  # URLs that failed before, with reasons


@dataclass
class FetchResult:
    """Outcome of :func:`fetch_source`.

    ``fresh``: the source answered now. ``unchanged``: it answered, and every
    file is identical to ``path``, the previous snapshot (no new one written).
    ``error``: the source failed and ``path`` is the last good snapshot.
    """

    path: Path
    stamp: str
    fresh: bool
    unchanged: bool = False
    error: str | None = None
    files: list[FetchedFile] = field(default_factory=list)


def latest_snapshot(dd: DataDir, name: str) -> Path | None:
    """The newest published raw snapshot of source ``name`` (staging folders excluded), or None."""
    snapshots = dd.raw_snapshots(name)
    return snapshots[-1] if snapshots else None


def snapshot_info(snapshot: Path | None) -> dict[str, Any]:
    """The fetch.json of a snapshot ({} when absent or unreadable, e.g. a ``--from`` copy)."""
    if snapshot is None:
        return {}
    try:
        info = json.loads((Path(snapshot) / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _hash_tree(folder: Path | None) -> dict[str, str]:
    """sha256 of every file of a snapshot by relative name (fetch.json and hidden files excluded)."""
    if folder is None:
        return {}
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != META and not p.name.startswith(".")}


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # file systems without hard links
        shutil.copy2(src, dst)


def _redact_tree(obj: Any) -> Any:
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        return {k: (v if k == "sha256" else _redact_tree(v)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_redact_tree(v) for v in obj]
    return obj


# --------------------------------------------------------------------------- configuration
def _source_config(config: dict, name: str) -> dict[str, Any]:
    sources = config.get("sources") or {}
    if not isinstance(sources, dict):
        raise ConfigError("config.toml: [sources] must be a table")
    entry = sources.get(name) or {}
    if not isinstance(entry, dict):
        raise ConfigError(f"config.toml: [sources.{name}] must be a table")
    return entry


def source_urls(source: Source, config: dict) -> dict[str, tuple[str, ...]]:
    """URLs to try per file: ``[sources.<name>.urls]`` overrides first, then the source's own."""
    overrides = _source_config(config, source.name).get("urls") or {}
    names = [f.name for f in source.files]
    if not isinstance(overrides, dict):
        raise ConfigError(f"config.toml: sources.{source.name}.urls must map file names to URL lists")
    unknown = set(overrides) - set(names)
    if unknown:
        raise ConfigError(f"config.toml: sources.{source.name}.urls names unknown file(s) {', '.join(sorted(unknown))}; "
                          f"{source.name} has {', '.join(names) or 'no files'}")
    urls = {}
    for f in source.files:
        extra = overrides.get(f.name, [])
        extra = [extra] if isinstance(extra, str) else extra
        if not isinstance(extra, list) or not all(isinstance(u, str) and u for u in extra):
            raise ConfigError(f"config.toml: sources.{source.name}.urls.{f.name} must be a URL or a list of URLs")
        urls[f.name] = tuple(dict.fromkeys([*extra, *f.urls]))
    return urls


def source_headers(source: Source, config: dict) -> dict[str, str]:
    """Extra request headers of a source: User-Agent (``"browser"`` or a string) and ``headers``."""
    entry = _source_config(config, source.name)
    headers = entry.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ConfigError(f"config.toml: sources.{source.name}.headers must map header names to strings")
    # Source.user_agent is optional so that sources written before the field still load
    ua = entry.get("user_agent") or getattr(source, "user_agent", "")
    out = {"User-Agent": BROWSER_USER_AGENT if ua == "browser" else ua} if ua else {}
    for name, value in headers.items():
        if is_sensitive(name):
            register_secret(value)
        out[name] = value
    return out


# --------------------------------------------------------------------------- fetch_source
def _fetch_file(session: requests.Session, source: Source, sf: SourceFile, urls: tuple[str, ...], staging: Path,
                previous: Path | None, before: dict[str, Any], prev_hashes: dict[str, str],
                headers: dict[str, str], policy: RetryPolicy, bar: Any) -> FetchedFile:
    dest = staging / sf.name
    prev = before.get(sf.name) or {}
    prev_sha = prev_hashes.get(sf.name)
    # validators are only worth sending if the file they describe is still intact
    trusted = previous is not None and prev_sha is not None and prev.get("sha256") == prev_sha
    callback = None
    if bar is not None:
        task = bar.add_task(f"{source.name}: {sf.name}", total=None)
        callback = lambda n, t: bar.update(task, completed=n, total=t)  # noqa: E731
    tried: list[dict[str, str]] = []
    for url in urls:
        conditional = {}
        if trusted and prev.get("url") == redact(url):
            if prev.get("etag"):
                conditional["If-None-Match"] = prev["etag"]
            if prev.get("last_modified"):
                conditional["If-Modified-Since"] = prev["last_modified"]
        try:
            d = download(session, url, dest, kind=sf.kind, headers={**headers, **conditional},
                         policy=policy, progress=callback or False)
        except RequestFailed as e:
            tried.append({"url": e.url, "error": e.reason})
            log.warning("%s: %s from %s: %s", source.name, sf.name, e.url, e.reason)
            continue
        info = FetchedFile(sf.name, url=d.url, final_url=d.final_url, status=d.status, etag=d.etag,
                           last_modified=d.last_modified, content_type=d.content_type, size=d.size,
                           sha256=d.sha256, fetched_at=_now(), tried=tried)
        if d.not_modified:
            assert previous is not None
            _link_or_copy(previous / sf.name, dest)
            info.reused, info.size, info.sha256 = True, (previous / sf.name).stat().st_size, prev_sha
            info.etag = d.etag or prev.get("etag")
            info.last_modified = d.last_modified or prev.get("last_modified")
            info.content_type = prev.get("content_type")
        return info
    reasons = "; then from ".join(f"{t['url']}: {t['error']}" for t in tried)
    message = f"{source.name}: {sf.name} from {reasons}" if tried else f"{source.name}: {sf.name}: no URL to fetch from"
    if sf.required:
        raise FetchError(message)
    log.warning("%s (optional file, skipped)", message)
    return FetchedFile(sf.name, error=message, fetched_at=_now(), tried=tried)


def fetch_source(dd: DataDir, source: Source, *, config: dict | None = None, progress: bool = False,
                 fallback: bool = True, session: requests.Session | None = None, timeout: Any = None,
                 policy: RetryPolicy | None = None, fetcher: Callable[..., Any] | None = None) -> FetchResult:
    """Download ``source`` into a new raw snapshot; see the module docstring for the rules.

    Parameters
    ----------
    config : the data directory's config.toml as a dict (read from ``dd`` when None).
    progress : show a rich progress bar per file on stderr.
    fallback : on failure, return the last good snapshot with ``error`` set instead of raising.
    session : a :func:`http_session` to reuse (one is made and closed otherwise).
    timeout : ``(connect, read)`` seconds, overriding the policy's.
    policy : a :class:`RetryPolicy` (default: ``[http]`` of config).
    fetcher : for API sources, ``fetcher(staging, config=..., session=...)`` writes files into the
        staging folder (after the source's files, if any); it may return a dict for fetch.json.
    """
    config = dd.config() if config is None else config
    urls = source_urls(source, config)
    headers = source_headers(source, config)
    for var in source.env:
        register_secret(os.environ.get(var))
    if not source.files and fetcher is None:
        raise FetchError(f"{source.name}: nothing to fetch (the source lists no files)")
    p = _policy(session, policy, timeout, config)
    own_session = session is None
    session = session or http_session(config, policy=p)
    previous = latest_snapshot(dd, source.name)
    before = {f["name"]: f for f in snapshot_info(previous).get("files") or []
              if isinstance(f, dict) and isinstance(f.get("name"), str)}
    prev_hashes = _hash_tree(previous)
    stamp, started = utc_stamp(), _now()
    staging = dd.new_raw_snapshot(source.name)
    published = None
    try:
        with progress_bar(progress) as bar:
            files = [_fetch_file(session, source, sf, urls[sf.name], staging, previous, before, prev_hashes,
                                 headers, p, bar) for sf in source.files]
        extra = fetcher(staging, config=config, session=session) if fetcher is not None else None
        if fetcher is not None:
            known = {f.name for f in files}
            written = _hash_tree(staging)
            if not set(written) - known:
                raise FetchError(f"{source.name}: the fetch wrote no files")
            files += [FetchedFile(name, size=(staging / name).stat().st_size, sha256=sha, fetched_at=_now())
                      for name, sha in written.items() if name not in known]
        ok = [f for f in files if f.error is None]
        if previous is not None and len(ok) == len(files) and {f.name: f.sha256 for f in ok} == prev_hashes:
            log.info("%s: unchanged since the snapshot of %s", source.name, previous.name)
            return FetchResult(previous, previous.name, fresh=True, unchanged=True, files=files)
        meta = {"source": source.name, "stamp": stamp, "fetched_at": started,
                "files": [dataclasses.asdict(f) for f in files]}
        if extra:
            meta["fetcher"] = extra
        atomic_write(staging / META, json.dumps(_redact_tree(meta), ensure_ascii=False, indent=2) + "\n")
        published = dd.publish_raw(staging, stamp)
        return FetchResult(published, stamp, fresh=True, files=files)
    except FetchError as e:
        message = redact(str(e))
        if not message.startswith(f"{source.name}: "):  # a fetcher's RequestFailed names only the URL
            message = f"{source.name}: {message}"
        if fallback and previous is not None:
            log.warning("%s; using the snapshot of %s", message, previous.name)
            return FetchResult(previous, previous.name, fresh=False, error=message)
        raise FetchError(message) from None
    finally:
        if published is None:
            shutil.rmtree(staging, ignore_errors=True)
        if own_session:
            session.close()
