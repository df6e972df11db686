"""Keeping secrets out of kgraph's messages, logs and files.

What counts as a secret (registered values, credential-like names, URL
user-info, ``Bearer``/``Basic`` credentials) and how it is hidden, with the
logging filter that hides it in urllib3's, requests' and kgraph's own log
records, which is installed on import. Split from :mod:`kgraph.httpclient`,
which applies it to every request, error and log line: the rules of what
is secret are one idea, the request policy another.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["redact", "register_secret", "is_sensitive"]

REDACTED = "***"

# A name is secret when it looks like a credential; over-redacting a harmless value is fine.
_NAME = r"[\w.-]*(?:key|token|secret|passw|pwd|signature|credential|auth|cookie|session)[\w.-]*|sig"
_PARAM = re.compile(r"(?i)(?P<pre>^|[?&;\s])(?P<name>" + _NAME + r")=(?P<value>[^&\s#'\"<>,)]*)")
_FIELD = re.compile(r"(?i)(?P<q>[\"'])(?P<name>" + _NAME + r")(?P=q)(?P<sep>\s*:\s*)(?P<vq>[\"'])(?P<value>.*?)(?P=vq)")
_HEADER = re.compile(r"(?im)^(?P<name>" + _NAME + r")(?P<sep>[ \t]*:[ \t]*)(?P<value>\S.*)$")
_USERINFO = re.compile(r"(?i)\b(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@")
_AUTH_SCHEME = re.compile(r"(?i)\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}")
_SENSITIVE_NAME = re.compile(r"(?i)^(?:" + _NAME + r")$")
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that :func:`redact` removes it wherever it appears (also URL-encoded)."""
    if not value or len(value) < 6:  # shorter values would redact ordinary words and hex digests
        return
    with _secrets_lock:
        _secrets.update({value, quote(value, safe=""), quote_plus(value)})


def is_sensitive(name: str) -> bool:
    """True for header or parameter names that carry credentials (``Authorization``, ``x-api-key``...)."""
    return bool(_SENSITIVE_NAME.match(name.strip()))


def redact(value: Any) -> str:
    """``value`` as text with every secret replaced by ``***``.

    Removes registered secrets, URL user-info, ``Bearer``/``Basic`` credentials,
    and the values of credential-like query parameters, JSON fields and header
    lines (``api_key=``, ``"access_token": "..."``, ``X-Amz-Signature=``).

    >>> redact("https://user:pw@host/f.csv?key=s3cr3t&page=2")
    'https://***@host/f.csv?key=***&page=2'
    >>> redact('{"access_token": "eyJhbGciOi", "expires_in": 1800}')
    '{"access_token": "***", "expires_in": 1800}'
    """
    text = "" if value is None else str(value)
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = _USERINFO.sub(lambda m: m["scheme"] + REDACTED + "@", text)
    text = _AUTH_SCHEME.sub(lambda m: m["scheme"] + " " + REDACTED, text)
    text = _PARAM.sub(lambda m: f"{m['pre']}{m['name']}={REDACTED}", text)
    text = _FIELD.sub(lambda m: f"{m['q']}{m['name']}{m['q']}{m['sep']}{m['vq']}{REDACTED}{m['vq']}", text)
    return _HEADER.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)


def _clip(text: str, limit: int) -> str:
    """``text`` redacted, then cut to ``limit`` characters, never showing part of a secret.

    Redaction comes first (a secret cut in two no longer matches), and a tail
    that is the start of a registered secret (a body read up to a byte limit
    can stop inside one) is replaced too.
    """
    text = redact(text)[:limit]
    with _secrets_lock:
        secrets = list(_secrets)
    for secret in secrets:
        for k in range(min(len(secret), len(text)) - 1, 3, -1):
            if text.endswith(secret[:k]):
                return text[:-k] + REDACTED
    return text


class _RedactingFilter(logging.Filter):
    """Rewrites log records of urllib3/requests/kgraph so that URLs with keys never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's problem, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = _RedactingFilter()
# urllib3 logs "GET /path?key=... HTTP/1.1" at DEBUG; filters must sit on the logger that emits
for _name in ("kgraph.fetch", "urllib3.connectionpool", "urllib3.connection", "urllib3.response",
              "urllib3.util.retry", "urllib3.poolmanager", "requests"):
    if _FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_FILTER)
