"""A real HTTP server on 127.0.0.1 for every HTTP test of the project (no mocks, no internet).

Fixtures (registered through ``pytest_plugins`` in tests/conftest.py):

``http_server``
    a fresh :class:`HTTPTestServer` per test, on a free port, stopped afterwards.
``refused_url``
    ``http://127.0.0.1:<port>`` where nothing listens (connection refused).
``unresponsive_url``
    ``http://127.0.0.1:<port>`` that never completes the TCP handshake (connect timeout).

Routes answer with a sequence of :class:`Reply` objects (the last one repeats)
or with a handler ``fn(request) -> Reply``; every request is logged.

Example
-------
::

    def test_ofac(http_server):
        srv = http_server
        srv.route("/exports/SDN.CSV", Reply.redirect("/s3/sdn.csv"))     # OFAC's 302 to S3
        srv.route("/s3/sdn.csv", Reply(body=b'40181,"JSC AVIACON ZITOTRANS",...'))
        srv.route("/flaky", Reply(503), Reply(503), Reply(body=b"ok"))   # two failures, then success
        srv.route("/slow", Reply(body=b"x" * 100, drip=0.5))             # 16 bytes, then 16 per 0.5 s
        srv.route("/cut", Reply(body=b"x" * 100, cut_after=10))           # Content-Length 100, 10 sent
        srv.route("/etag", handler=conditional(b"data", etag='"v1"'))     # 304 on If-None-Match
        srv.route("/subjects", handler=require_header(
            "x-cota-public-api-key", "test-key", Reply.json({"data": []})))  # 401 otherwise
        srv.route("/token", Reply.json({"access_token": "t0k3n", "expires_in": 1800}), method="POST")
        url = srv.url("/exports/SDN.CSV")
        ...
        assert srv.requests_to("/flaky")[0].header("user-agent")
        assert srv.requests_to("/subjects")[-1].param("page") == "2"

Reply options: ``status``; ``body`` (bytes or str); ``headers``; ``content_type``;
``content_length`` (declare a wrong length); ``delay`` (seconds before the
status line: read timeout before the answer); ``drip`` + ``drip_size`` (pause
between body pieces, the first sent at once: read timeout mid-body);
``cut_after`` (send N body bytes, then close: truncated body); ``reset_after``
(send N body bytes, then a TCP reset); ``chunked`` (Transfer-Encoding:
chunked; with cut/reset the final chunk is missing).

Ready-made behaviours: :meth:`Reply.redirect`, :meth:`Reply.html`,
:meth:`Reply.json`, :meth:`Reply.text`, :meth:`HTTPTestServer.redirect_loop`,
:func:`conditional` (ETag / Last-Modified with 304), :func:`require_header`
(API key or bearer token, JSON 401 otherwise).

Request log: ``server.requests`` (all), ``server.requests_to(path)``, each a
:class:`Request` with ``method``, ``path``, ``query``, ``headers``, ``body``,
``at`` (arrival, monotonic) and ``header(name)``, ``param(name)``, ``form()``.
Unknown paths answer 404.
"""
from __future__ import annotations

import email.utils
import json
import socket
import sys
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

__all__ = ["HTTPTestServer", "Reply", "Request", "conditional", "require_header", "http_server", "refused_url",
           "unresponsive_url"]


@dataclass
class Request:
    """One request as the server saw it (header names lower-case)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival
    client_port: int = 0  # the client's end of the connection (a test can find its process by it)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def form(self) -> dict[str, str]:
        """The body as an url-encoded form (OAuth token requests)."""
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/octet-stream"
    content_length: int | None = None  # declared length; default len(body)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # pause between body pieces of drip_size bytes
    drip_size: int = 16
    cut_after: int | None = None  # close cleanly after this many body bytes
    reset_after: int | None = None  # send a TCP RST after this many body bytes
    chunked: bool = False  # Transfer-Encoding: chunked (no Content-Length); cut/reset omit the last chunk

    @classmethod
    def redirect(cls, to: str, status: int = 302) -> Reply:
        return cls(status=status, headers={"Location": to}, content_type=None)

    @classmethod
    def html(cls, text: str = "<!DOCTYPE html><html><head><title>Error</title></head><body>Oops</body></html>",
             status: int = 200) -> Reply:
        return cls(status=status, body=text, content_type="text/html; charset=utf-8")

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(status=status, body=json.dumps(obj), content_type="application/json", headers=dict(headers or {}))

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/csv; charset=utf-8") -> Reply:
        return cls(status=status, body=text, content_type=content_type)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Reply]


def conditional(body: bytes | str, *, etag: str | None = None, last_modified: str | None = None,
                content_type: str = "text/csv") -> Handler:
    """Serve ``body`` with validators; answer 304 to a matching If-None-Match / If-Modified-Since."""
    reply = Reply(body=body, content_type=content_type,
                  headers={k: v for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v})

    def handle(req: Request) -> Reply:
        inm, ims = req.header("if-none-match"), req.header("if-modified-since")
        if etag and inm is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110)
            if etag in [t.strip() for t in inm.split(",")]:
                return Reply(304, headers={"ETag": etag}, content_type=None)
            return reply
        if last_modified and ims:
            try:
                if email.utils.parsedate_to_datetime(ims) >= email.utils.parsedate_to_datetime(last_modified):
                    return Reply(304, content_type=None)
            except (TypeError, ValueError):
                pass
        return reply

    return handle


def require_header(name: str, value: str, reply: Reply, *, status: int = 401) -> Handler:
    """Answer ``reply`` only when header ``name`` equals ``value``; a JSON 401 otherwise (NSDC API style)."""

    def handle(req: Request) -> Reply:
        if req.header(name) == value:
            return reply
        return Reply.json({"statusCode": status, "message": "Unauthorized"}, status=status)

    return handle


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers
    timeout = 5  # idle keep-alive connections end, so threads do not linger
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, split.path, parse_qs(split.query, keep_blank_values=True),
                      {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic(),
                      self.client_address[1])
        reply = self.server.owner._dispatch(req)
        try:
            self._write(reply)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout):
            self.close_connection = True  # the client gave up (timeout test): nothing to do

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def _write(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        payload = reply.payload()
        self.send_response(reply.status)
        if reply.content_type and reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif reply.status != 304 and "content-length" not in {k.lower() for k in reply.headers}:
            self.send_header("Content-Length", str(reply.content_length if reply.content_length is not None else len(payload)))
        stop = reply.cut_after if reply.cut_after is not None else reply.reset_after
        if stop is not None or (reply.content_length is not None and reply.content_length != len(payload)):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD" or reply.status == 304:
            return
        data = payload[:stop] if stop is not None else payload
        step = reply.drip_size if reply.drip else len(data) or 1
        for i in range(0, len(data), step):
            if reply.drip and i:  # the first piece goes at once: the stall is mid-body
                time.sleep(reply.drip)
            piece = data[i:i + step]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if reply.chunked else piece)
            self.wfile.flush()
        if reply.chunked and stop is None:
            self.wfile.write(b"0\r\n\r\n")
        if reply.reset_after is not None:
            # SO_LINGER 0: close() sends RST instead of FIN (a connection reset mid-body)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: HTTPTestServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that went away between requests (killed, or timed out) is not the server's error
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class HTTPTestServer:
    """A threaded HTTP/1.1 server on 127.0.0.1:<free port> with scripted routes and a request log."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"http-test-server-{self.port}", daemon=True)

    # -- lifecycle
    def start(self) -> HTTPTestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> HTTPTestServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- routes
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, *replies: Reply, handler: Handler | None = None, method: str = "*") -> str:
        """Answer ``path`` with ``replies`` in turn (the last repeats) or with ``handler``; returns its URL."""
        if (handler is None) == (not replies):
            raise ValueError("give replies or a handler")
        if handler is None:
            queue = list(replies)

            def handler(req: Request) -> Reply:
                with self._lock:
                    return queue.pop(0) if len(queue) > 1 else queue[0]

        self._routes[(method.upper(), path)] = handler
        return self.url(path)

    def redirect_loop(self, a: str, b: str) -> str:
        """``a`` redirects to ``b`` and ``b`` back to ``a``; returns the URL of ``a``."""
        self.route(b, Reply.redirect(a))
        return self.route(a, Reply.redirect(b))

    def _dispatch(self, req: Request) -> Reply:
        with self._lock:
            self.requests.append(req)
        handler = self._routes.get((req.method, req.path)) or self._routes.get(("*", req.path))
        if handler is None:
            return Reply.text(f"no route for {req.method} {req.path}", status=404, content_type="text/plain")
        return handler(req)

    # -- request log
    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()


@pytest.fixture
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # a CI machine's HTTP(S)_PROXY must not swallow requests to the local test server
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def http_server(_no_proxy_for_loopback: None) -> Iterator[HTTPTestServer]:
    """A running :class:`HTTPTestServer`, stopped after the test."""
    with HTTPTestServer() as server:
        yield server


@pytest.fixture
def refused_url(_no_proxy_for_loopback: None) -> Iterator[str]:
    """A URL on 127.0.0.1 whose port is bound but not listening: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # bound, never listen(): the kernel answers SYN with RST, and no one can take the port
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@pytest.fixture
def unresponsive_url(_no_proxy_for_loopback: None) -> Iterator[str]:
    """A URL on 127.0.0.1 whose listen queue is full: the kernel drops new SYNs, so connecting times out."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(0)  # never accept(); a backlog of 0 fills with the connections below
    address = server.getsockname()
    fillers = []
    for _ in range(3):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect(address)
        except BlockingIOError:  # handshake in progress: that is all we want
            pass
        fillers.append(c)
    time.sleep(0.05)  # let the handshakes land in the queue
    try:
        yield f"http://127.0.0.1:{address[1]}"
    finally:
        for c in fillers:
            c.close()
        server.close()
