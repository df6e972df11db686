"""Headless Chromium for tests, driven over the DevTools protocol: no browser download, no extra package.

The system's Chromium (Debian's ``chromium``; ``$KGRAPH_CHROMIUM`` names
another binary) is started with a fresh profile and ``--remote-debugging-port=0``;
the port it picked is read from ``DevToolsActivePort`` in the profile, and a
small RFC 6455 WebSocket client (below, ~90 lines of stdlib) speaks CDP to it.
Tests skip when no Chromium is installed, and fail instead under
``KGRAPH_REQUIRE_BROWSER=1`` (CI).

Example
-------
::

    from tests.browser import browser  # the fixture: one Chromium per test module

    def test_page(browser, tmp_path):
        page = browser.new_page()
        page.goto((tmp_path / "view.html").as_uri())
        assert page.eval("document.title") == "..."
        page.click_selector("#fit")
        page.screenshot(artifact_path("view.png"))
        assert page.errors() == []
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: without the background-networking flags Chromium keeps trying (refused) connections on a closed machine
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars")
WIDTH, HEIGHT = 1400, 900


def find_chromium() -> str | None:
    """Path of a Chromium binary: ``$KGRAPH_CHROMIUM``, else the first of :data:`CHROMIUM_NAMES` on PATH."""
    env = os.environ.get("KGRAPH_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


def require_chromium() -> str:
    """The Chromium binary; skips the test when there is none (fails under ``KGRAPH_REQUIRE_BROWSER=1``)."""
    path = find_chromium()
    if path is None:
        if os.environ.get("KGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail("no Chromium found but KGRAPH_REQUIRE_BROWSER=1 (apt install chromium, or set KGRAPH_CHROMIUM)")
        pytest.skip("no Chromium installed (apt install chromium, or set KGRAPH_CHROMIUM)")
    return path


def artifact_path(name: str) -> Path:
    """Where a test writes an artifact (screenshot): ``$KGRAPH_TEST_ARTIFACTS``, default ``test-artifacts/``."""
    folder = Path(os.environ.get("KGRAPH_TEST_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


class WebSocket:
    """A minimal WebSocket client (RFC 6455) for a local DevTools endpoint: text frames, ping/pong, close."""

    _GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, host: str, port: int, path: str, timeout: float = 30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the WebSocket handshake")
            head += chunk
        head, self._buf = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        accept = base64.b64encode(hashlib.sha1((key + self._GUID).encode()).digest()).decode()
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        if " 101 " not in lines[0] + " " or headers.get("sec-websocket-accept") != accept:
            raise ConnectionError(f"WebSocket handshake refused: {lines[0]}")

    def _read(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self._buf)))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)  # clients must mask every frame
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def recv(self, timeout: float) -> str:
        """The next text message (fragments joined); answers pings on the way."""
        self.sock.settimeout(timeout)
        parts: list[bytes] = []
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode("utf-8")

    def close(self) -> None:
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process and its DevTools connection. Use :meth:`start` / :meth:`stop` or ``with``."""

    def __init__(self, binary: str | None = None):
        self.binary = binary or require_chromium()
        self.profile = Path(tempfile.mkdtemp(prefix="kgraph-chromium-"))
        self.proc: subprocess.Popen | None = None
        self.ws: WebSocket | None = None
        self.events: list[dict[str, Any]] = []
        self._id = 0

    def __enter__(self) -> "Browser":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> "Browser":
        log = open(self.profile / "chromium.log", "wb")
        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while True:  # Chromium writes the port it bound, then the browser endpoint's path
            lines = port_file.read_text().split("\n") if port_file.exists() else []
            if len(lines) >= 2 and lines[0].strip() and lines[1].strip():
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                output = (self.profile / "chromium.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"Chromium did not start ({self.binary}):\n{output}")
            time.sleep(0.05)
        self.ws = WebSocket("127.0.0.1", int(lines[0]), lines[1].strip())
        return self

    def call(self, method: str, session: str | None = None, timeout: float = 60.0, **params: Any) -> dict[str, Any]:
        """Send one CDP command and wait for its answer; events that arrive meanwhile are kept in :attr:`events`."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.ws.recv(max(0.1, deadline - time.monotonic())))
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def new_page(self, width: int = WIDTH, height: int = HEIGHT) -> "Page":
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        return page

    def stop(self) -> None:
        if self.ws is not None:
            try:
                self.call("Browser.close", timeout=10)
            except (OSError, ConnectionError, CDPError, ValueError):
                pass
            self.ws.close()
            self.ws = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own process group (start_new_session)
                self.proc.wait(timeout=10)
            self.proc = None
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One tab: navigate, evaluate, click, type, screenshot; console errors and requests from its events."""

    def __init__(self, browser: Browser, session: str):
        self.browser, self.session = browser, session

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, session=self.session, **params)

    def eval(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value (JSON-able); a thrown error raises CDPError."""
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            d = res["exceptionDetails"]
            raise CDPError(f"{expression!r} threw: {d.get('exception', {}).get('description') or d.get('text')}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll until ``expression`` is truthy; returns its value (raises TimeoutError with the expression)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.eval(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout} s: {expression}")
            time.sleep(0.05)

    def goto(self, url: str) -> None:
        res = self.send("Page.navigate", url=url)
        if res.get("errorText"):
            raise CDPError(f"navigating to {url}: {res['errorText']}")
        self.wait_for("document.readyState === 'complete'")

    def center_of(self, selector: str) -> tuple[float, float]:
        """Viewport coordinates of the middle of the first element matching ``selector``."""
        box = self.eval(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
                        " const r = e.getBoundingClientRect();"
                        " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if not box:
            raise LookupError(f"no element matches {selector}")
        return box[0], box[1]

    def click(self, x: float, y: float) -> None:
        """A real left click (mouse events from the input pipeline, as a user's)."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)

    def click_selector(self, selector: str) -> None:
        self.click(*self.center_of(selector))

    def type(self, text: str) -> None:
        """Type into the focused element."""
        self.send("Input.insertText", text=text)

    def press(self, key: str, code: int) -> None:
        """Press and release one key (``press("Enter", 13)``)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code,
                      nativeVirtualKeyCode=code)

    def screenshot(self, path: str | Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def _events(self, *methods: str) -> list[dict[str, Any]]:
        self.eval("0")  # a round trip: every event sent before it has arrived
        return [e for e in self.browser.events if e.get("sessionId") == self.session and e["method"] in methods]

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls and error log entries (CSP, failed loads) so far."""
        out = []
        for e in self._events("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"):
            p = e["params"]
            if e["method"] == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
            elif e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description")))
                                                               for a in p.get("args", [])))
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}".strip())
        return out

    def requests(self) -> list[str]:
        """URLs the page requested so far."""
        return [e["params"]["request"]["url"] for e in self._events("Network.requestWillBeSent")]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the test module (skips without one, unless KGRAPH_REQUIRE_BROWSER=1)."""
    with Browser(require_chromium()) as b:
        yield b
