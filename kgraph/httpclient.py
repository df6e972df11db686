"""HTTP for kgraph: one retry/timeout policy, JSON API calls, secrets redacted.

Every request kgraph makes goes through :func:`_call` here (file downloads via
:func:`kgraph.fetch.download`), so that all sources share one behaviour:

* retries with exponential backoff and a little jitter on connection errors,
  timeouts, truncated bodies, HTTP 5xx, 408 and 429. ``Retry-After`` (seconds
  or HTTP-date) and OpenSky's ``X-Rate-Limit-Retry-After-Seconds`` are honoured
  up to :attr:`RetryPolicy.max_wait`; a server asking for longer fails at once
  instead of blocking a run for hours;
* redirects are followed by hand: loops and chains longer than
  :attr:`RetryPolicy.max_redirects` are refused, and credential headers are
  not sent on to another host (OFAC answers with a 302 to a signed S3 link);
* empty bodies, HTML pages and invalid JSON are refused by :func:`get_json`;
* secrets (API keys, bearer tokens, client secrets, passwords, signed-URL
  signatures) never reach an exception, a log record or a file: :func:`redact`
  (from :mod:`kgraph.redaction`, re-exported here) is applied to all of them,
  urllib3's debug log included.

Failures raise :class:`RequestFailed`, a :class:`kgraph.errors.FetchError`
whose text is one line: ``URL: reason``.

Example
-------
>>> import os
>>> from kgraph.httpclient import http_session, get_json, oauth2_client_credentials
>>> nsdc = http_session(config, headers={"x-cota-public-api-key": os.environ["KGRAPH_NSDC_KEY"]})  # doctest: +SKIP
>>> page = get_json(nsdc, "https://api-drs.nsdc.gov.ua/subjects", params={"page": 1})  # doctest: +SKIP
>>> sky = http_session(config)  # doctest: +SKIP
>>> oauth2_client_credentials(sky, TOKEN_URL, client_id, client_secret)  # doctest: +SKIP
>>> get_json(sky, "https://opensky-network.org/api/flights/aircraft",
...          params={"icao24": "1533ad", "begin": 1769817600, "end": 1769990400}, allow_404=True)  # doctest: +SKIP
>>> redact("https://h/x?page=2&api_key=abc123")
'https://h/x?page=2&api_key=***'
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import logging
import math
import random
import re
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from . import __version__
from .errors import ConfigError, FetchError
from .redaction import _clip, is_sensitive, redact, register_secret

__all__ = [
    "RetryPolicy", "RequestFailed", "KgraphSession", "http_session", "get_json", "post_json",
    "oauth2_client_credentials", "redact", "register_secret", "is_sensitive", "sniff", "retry_after_seconds",
    "DEFAULT_USER_AGENT", "BROWSER_USER_AGENT",
]

log = logging.getLogger("kgraph.fetch")

DEFAULT_USER_AGENT = f"kgraph/{__version__} (sanctions-entity knowledge graph)"
#: some servers (FAA registry) refuse library user agents; sources opt in with user_agent = "browser"
BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHUNK = 1 << 16
SNIFF = 2048  # bytes looked at to tell an HTML page from the expected file
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


# --------------------------------------------------------------------------- policy, errors, session
@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one URL. Read from ``[http]`` in config.toml by :meth:`from_config`."""

    attempts: int = 4  # tries per URL, the first included
    backoff: float = 1.0  # first wait in seconds, doubled after each failure
    max_backoff: float = 30.0
    jitter: float = 0.25  # random extra share of each wait, so clients do not retry in step
    max_wait: float = 120.0  # longest Retry-After honoured; a longer one fails at once
    timeout: tuple[float, float] = (10.0, 60.0)  # (connect, read between two packets)
    max_redirects: int = 10

    def delay(self, failures: int) -> float:
        base = min(self.backoff * 2 ** (failures - 1), self.max_backoff)
        return base * (1 + random.uniform(0, self.jitter))

    @classmethod
    def from_config(cls, config: dict | None) -> RetryPolicy:
        http = (config or {}).get("http") or {}
        if not isinstance(http, dict):
            raise ConfigError("config.toml: [http] must be a table")
        fields = {"retries": "attempts", "backoff": "backoff", "max_backoff": "max_backoff",
                  "max_wait": "max_wait", "max_redirects": "max_redirects", "timeout": "timeout"}
        values: dict[str, Any] = {}
        try:
            for key, attr in fields.items():
                if key in http:
                    v = http[key]
                    if attr == "timeout":
                        v = (float(v), float(v)) if isinstance(v, (int, float)) else tuple(float(x) for x in v)
                        if len(v) != 2:
                            raise ValueError("timeout must be a number or [connect, read]")
                    values[attr] = int(v) + 1 if key == "retries" else v
            policy = replace(cls(), **values)
            if policy.attempts < 1 or min(policy.timeout) <= 0 or min(policy.backoff, policy.max_wait) < 0:
                raise ValueError("retries, backoff and max_wait must be >= 0 and timeouts > 0")
        except (TypeError, ValueError) as e:
            raise ConfigError(f"config.toml: [http] {e}") from None
        return policy


class RequestFailed(FetchError):
    """A request failed for good; ``url`` is redacted, ``reason`` says why in a few words."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        self.url, self.reason, self.status = redact(url), redact(reason), status
        super().__init__(f"{self.url}: {self.reason}")


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.wait = reason, wait


class KgraphSession(requests.Session):
    """A requests session that carries its :class:`RetryPolicy`."""

    policy: RetryPolicy = RetryPolicy()


def http_session(config: dict | None = None, *, headers: dict[str, str] | None = None,
                 user_agent: str | None = None, policy: RetryPolicy | None = None) -> KgraphSession:
    """A session with kgraph's User-Agent, extra ``headers`` and the retry policy of ``config``.

    ``user_agent`` may be ``"browser"`` for servers that refuse library clients.
    Values of credential headers are registered for redaction.
    """
    session = KgraphSession()
    session.policy = policy or RetryPolicy.from_config(config)
    ua = user_agent or ((config or {}).get("http") or {}).get("user_agent") or DEFAULT_USER_AGENT
    session.headers["User-Agent"] = BROWSER_USER_AGENT if ua == "browser" else ua
    for name, value in (headers or {}).items():
        if is_sensitive(name):
            register_secret(value)
        session.headers[name] = value
    return session


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or HTTP-date); None when unreadable.

    >>> retry_after_seconds("3")
    3.0
    >>> now = dt.datetime(2026, 1, 31, 12, 0, 0, tzinfo=dt.timezone.utc)
    >>> retry_after_seconds("Sat, 31 Jan 2026 12:00:30 GMT", now=now)
    30.0
    """
    if not value:
        return None
    value = value.strip()
    with contextlib.suppress(ValueError):
        seconds = float(value)  # fractions are not in the RFC, but harmless to accept
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - (now or dt.datetime.now(dt.timezone.utc))).total_seconds())


# --------------------------------------------------------------------------- the request loop
def _policy(session: requests.Session | None, policy: RetryPolicy | None, timeout: Any,
            config: dict | None = None) -> RetryPolicy:
    """The policy that applies: explicit > the session's > config's ``[http]``; ``timeout`` overrides."""
    p = policy or getattr(session, "policy", None) or RetryPolicy.from_config(config)
    if timeout is None:
        return p
    return replace(p, timeout=(float(timeout), float(timeout)) if isinstance(timeout, (int, float)) else tuple(timeout))


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.netloc.rpartition("@")[2]).lower()


def _describe(exc: BaseException, timeout: tuple[float, float]) -> str:
    """A few words for a network exception (requests/urllib3 texts are long and may hold URLs)."""
    text = f"{type(exc).__name__} {exc}"
    if isinstance(exc, requests.exceptions.ConnectTimeout) or "ConnectTimeout" in text:
        return f"connection timed out (no answer within {timeout[0]:g} s)"
    if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)) or "Read timed out" in text:
        return f"read timed out (no data for {timeout[1]:g} s)"
    if "refused" in text.lower():
        return "connection refused"
    if any(s in text for s in ("NameResolution", "Name or service not known", "nodename nor servname", "name resolution")):
        return "host name not found"
    if "SSL" in text or "certificate" in text:
        return "TLS error: " + _clip(str(exc), 160)
    if any(s in text for s in ("IncompleteRead", "Connection broken", "ChunkedEncoding", "InvalidChunkLength")):
        return "connection closed before the end of the body (truncated)"
    if any(s in text for s in ("reset by peer", "RemoteDisconnected", "Connection aborted", "ConnectionReset")):
        return "connection reset by the server"
    return _clip(str(exc).replace("\n", " "), 200)


def _open(session: requests.Session, method: str, url: str, *, headers: dict, params: Any, data: Any,
          json_body: Any, policy: RetryPolicy) -> requests.Response:
    """Send the request and follow redirects by hand (loops refused, secrets kept to the first host)."""
    start, headers = url, dict(headers)
    hops: list[str] = []
    while True:
        resp = session.request(method, url, headers=headers, params=params, data=data, json=json_body,
                               timeout=policy.timeout, stream=True, allow_redirects=False)
        location = resp.headers.get("Location")
        if resp.status_code not in (301, 302, 303, 307, 308) or not location:
            resp.kgraph_redirects = hops  # type: ignore[attr-defined]
            return resp
        resp.close()
        here, target = resp.url, urljoin(resp.url, location)
        hops.append(here)
        if urlsplit(target).scheme not in ("http", "https"):
            raise RequestFailed(start, f"redirected to an unsupported address {target}")
        if target in hops:
            loop = hops[hops.index(target):] + [target]
            raise RequestFailed(start, "redirect loop: " + " -> ".join(redact(u) for u in loop))
        if len(hops) > policy.max_redirects:
            raise RequestFailed(start, f"more than {policy.max_redirects} redirects")
        if _origin(target) != _origin(here):
            # an API key must not follow a redirect to another host (None removes a session header)
            names = {*session.headers, *headers}
            headers.update({n: None for n in names if is_sensitive(n)})
        if resp.status_code == 303 or (resp.status_code in (301, 302) and method != "GET"):
            method, data, json_body = "GET", None, None
        url, params = target, None


def _status_text(resp: requests.Response) -> str:
    text = f"HTTP {resp.status_code} {resp.reason or ''}".rstrip()
    try:
        head = resp.raw.read1(300, decode_content=True)
    except Exception:  # the status is what matters; the body is only a hint
        head = b""
    if sniff(head) == "html":
        return text + " (an HTML page)"
    hint = _clip(" ".join(redact(head.decode("utf-8", "replace")).split()), 120)
    return f"{text}: {hint}" if hint else text


def body_pieces(resp: requests.Response, *, decode: bool = True) -> Iterator[bytes]:
    """The body as it arrives (``read1``: a stalled server still shows the bytes it sent).

    Raises urllib3 errors: ProtocolError when the body is shorter than
    Content-Length or the chunked stream breaks, ReadTimeoutError, DecodeError.
    """
    while piece := resp.raw.read1(CHUNK, decode_content=decode):
        yield piece


def _refuse_status(resp: requests.Response, url: str) -> None:
    if not 200 <= resp.status_code < 300:
        raise RequestFailed(url, _status_text(resp), resp.status_code)


def _call(session: requests.Session, method: str, url: str, consume: Callable[[requests.Response], Any], *,
          headers: dict | None = None, params: Any = None, data: Any = None, json_body: Any = None,
          policy: RetryPolicy | None = None, timeout: Any = None) -> Any:
    """Run one request with retries; ``consume`` reads the response and may raise _Retry."""
    p = _policy(session, policy, timeout)
    shown = redact(url)
    for name, value in (headers or {}).items():
        if value and is_sensitive(name):
            register_secret(value)
    last = "no attempt"
    for attempt in range(1, p.attempts + 1):
        wait = None
        try:
            resp = _open(session, method, url, headers=headers or {}, params=params, data=data,
                         json_body=json_body, policy=p)
            with contextlib.closing(resp):
                if resp.status_code in RETRY_STATUS:
                    wait = retry_after_seconds(resp.headers.get("Retry-After")
                                               or resp.headers.get("X-Rate-Limit-Retry-After-Seconds"))
                    raise _Retry(_status_text(resp), wait)
                return consume(resp)
        except _Retry as e:
            last, wait = e.reason, e.wait
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as e:
            raise RequestFailed(shown, f"invalid URL ({type(e).__name__})") from None
        except requests.exceptions.ContentDecodingError:
            raise RequestFailed(shown, "the body does not decompress (bad Content-Encoding data)") from None
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
            # requests' errors are OSErrors too; a local OSError (disk full) is not worth a retry
            if not isinstance(e, (requests.exceptions.RequestException, urllib3.exceptions.HTTPError,
                                  ConnectionError, TimeoutError)):
                raise
            last = _describe(e, p.timeout)
        if attempt == p.attempts:
            break
        if wait is not None and wait > p.max_wait:
            raise RequestFailed(shown, f"{last}; the server asks to wait {wait:.0f} s, "
                                       f"longer than the {p.max_wait:g} s limit")
        delay = wait if wait is not None else p.delay(attempt)
        log.warning("%s %s: %s; retry %d of %d in %.1f s", method, shown, last, attempt, p.attempts - 1, delay)
        time.sleep(delay)
    raise RequestFailed(shown, f"{last} (gave up after {p.attempts} attempts)" if p.attempts > 1 else last)


# --------------------------------------------------------------------------- body checks
_LABELS = {"empty": "an empty body", "html": "an HTML page", "zip": "a ZIP archive", "gzip": "gzip data",
           "pdf": "a PDF document", "xml": "XML", "json": "JSON", "binary": "binary data", "text": "plain text"}
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s+http-equiv")


def sniff(head: bytes) -> str:
    """What the first bytes of a body look like: html, zip, gzip, pdf, xml, json, binary, text or empty.

    >>> sniff(b"\\n<!DOCTYPE html><html><title>Sign in</title>")
    'html'
    >>> sniff(b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"')
    'text'
    """
    if not head:
        return "empty"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (some XML exports): look at it as UTF-8
        head = head.decode("utf-16", "replace").encode("utf-8")
    h = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not h:
        return "empty"
    if h.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if h.startswith(b"%PDF"):
        return "pdf"
    if _HTML.search(h[:SNIFF].lower()):
        return "html"
    if h.startswith(b"<"):
        return "xml"
    if h[:1] in (b"{", b"["):
        return "json"
    return "binary" if b"\x00" in h[:SNIFF] else "text"


#: what sniff() labels each SourceFile.kind accepts; other kinds accept anything but an empty body
_ACCEPT = {"csv": {"text"}, "txt": {"text", "json", "xml"}, "xml": {"xml"}, "json": {"json"},
           "zip": {"zip"}, "gzip": {"gzip"}}


def _check_kind(head: bytes, kind: str, url: str, status: int) -> None:
    label = sniff(head)
    if label == "empty":
        raise RequestFailed(url, f"server returned an empty body (HTTP {status})", status)
    accepted = _ACCEPT.get(kind)
    if accepted is not None and label not in accepted:
        raise RequestFailed(url, f"server returned {_LABELS[label]}, not {kind.upper()}", status)


def _read_json(resp: requests.Response, url: str, allow_404: bool, timeout: tuple[float, float]) -> Any:
    if resp.status_code == 404 and allow_404:
        return None  # OpenSky answers "nothing found" with 404 and an empty body
    _refuse_status(resp, url)
    try:
        body = b"".join(body_pieces(resp))
    except urllib3.exceptions.DecodeError:
        raise RequestFailed(url, "the body does not decompress (bad Content-Encoding data)") from None
    except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as e:
        raise _Retry(_describe(e, timeout)) from None
    _check_kind(body[:SNIFF], "json", url, resp.status_code)
    try:
        return json.loads(body.removeprefix(b"\xef\xbb\xbf"))
    except UnicodeDecodeError:
        raise RequestFailed(url, "server returned JSON that is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise RequestFailed(url, f"server returned invalid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None


def get_json(session: requests.Session, url: str, *, params: Any = None, headers: dict[str, str] | None = None,
             timeout: Any = None, allow_404: bool = False, policy: RetryPolicy | None = None) -> Any:
    """GET ``url`` and return the parsed JSON (None for a 404 when ``allow_404``).

    Refuses empty bodies, HTML pages and invalid JSON with a :class:`RequestFailed`;
    retries like :func:`download`.
    """
    p = _policy(session, policy, timeout)
    return _call(session, "GET", url, lambda r: _read_json(r, redact(url), allow_404, p.timeout), headers=headers,
                 params=params, policy=p)


def post_json(session: requests.Session, url: str, *, data: Any = None, json: Any = None,
              headers: dict[str, str] | None = None, timeout: Any = None, policy: RetryPolicy | None = None) -> Any:
    """POST a form (``data``) or JSON body and return the parsed JSON answer."""
    if isinstance(data, dict):
        for name, value in data.items():
            if is_sensitive(name):
                register_secret(str(value))
    p = _policy(session, policy, timeout)
    return _call(session, "POST", url, lambda r: _read_json(r, redact(url), False, p.timeout), headers=headers,
                 data=data, json_body=json, policy=p)


def oauth2_client_credentials(session: requests.Session, token_url: str, client_id: str, client_secret: str, *,
                              timeout: Any = None, policy: RetryPolicy | None = None) -> str:
    """Get an OAuth2 token (client-credentials grant), set ``Authorization: Bearer`` on ``session``, return it.

    The secret and the token are registered for redaction. Call again on a 401 (tokens expire).
    """
    register_secret(client_secret)
    answer = post_json(session, token_url, data={"grant_type": "client_credentials", "client_id": client_id,
                                                 "client_secret": client_secret}, timeout=timeout, policy=policy)
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise RequestFailed(token_url, "the token endpoint answered without an access_token")
    register_secret(token)
    session.headers["Authorization"] = f"Bearer {token}"
    return token


def __getattr__(name: str) -> Any:
    # download() lives in kgraph.fetch (it shares the body checks); both import paths work
    if name in ("download", "Download", "progress_bar"):
        from . import fetch

        return getattr(fetch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
