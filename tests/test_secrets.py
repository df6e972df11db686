"""Secrets: API keys and passwords come from the environment and never reach an output or a file.

Distinctive values are set for KGRAPH_NSDC_API_KEY, KGRAPH_OPENSKY_CLIENT_SECRET
and NEO4J_PASSWORD; the commands that use the API keys (`kgraph ingest nsdc`,
`ingest opensky-flights`, `update` of both) run at debug level (``-vv``)
against the real local HTTP server, in success and in failure (key refused
with 401, server error 500, read timeout, an HTML page; the failing server
echoes the key, the bearer token or the client secret it received in its
error body), first on an empty data directory, then with a good snapshot to
fall back on; the Neo4j exports run with the password in the environment
(connecting to Neo4j is tested with the Neo4j loader). Then every output
(stdout, stderr, the log records captured in process) and every file under
the data directory and the temporary directory of the runs is searched for
any 10 characters in a row of each secret, as written, URL-encoded (both
ways) or in base64 (standard and URL-safe, also inside the Basic-auth
``id:secret`` pair), gzip files decompressed. The access token the server
hands out is searched for too.
"""
from __future__ import annotations

import base64
import gzip
import json
import logging
import re
import zlib
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from kgraph.cli import cli
from tests.hardening import clean_env, run_kgraph
from tests.httpserver import Reply, Request

pytestmark = pytest.mark.slow

NSDC_KEY = "nsdc-K3y/with+plus=and%25pct-7f3a9c2e"
CLIENT_ID = "kgraph-hardening-client"
CLIENT_SECRET = "os-S3cr3t/+=&?#-c0ffee42"
TOKEN = "tok-9d8c7b6a5f4e3d2c1b0a-bearer"
NEO4J_PASSWORD = "neo4j-Pa55/word+=-deadbeef"
SECRETS = {"nsdc key": NSDC_KEY, "opensky secret": CLIENT_SECRET, "opensky token": TOKEN,
           "neo4j password": NEO4J_PASSWORD}
NSDC = Path(__file__).parent / "fixtures" / "nsdc"
FLIGHTS = Path(__file__).parent / "fixtures" / "flights" / "opensky"


def forms(secret: str) -> dict[str, int]:
    """The secret as written, URL-encoded, and in base64 (also inside a Basic-auth pair).

    Each form maps to where the secret's own characters start in it (after the
    client id of a Basic-auth pair, which is not secret).
    """
    out = {secret: 0, quote(secret, safe=""): 0, quote(secret): 0, quote_plus(secret): 0}
    for prefix in (b"", f"{CLIENT_ID}:".encode()):
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            out[enc(prefix + secret.encode()).decode().rstrip("=")] = len(prefix) // 3 * 4
    return out


def _texts_of_files(*roots: Path) -> dict[str, bytes]:
    out = {}
    for root in roots:
        for p in root.rglob("*"):
            if p.is_file() and not p.is_symlink():
                data = p.read_bytes()
                if p.name.endswith(".gz") or data[:2] == b"\x1f\x8b":
                    try:
                        data += gzip.decompress(data)
                    except (OSError, EOFError, zlib.error):
                        pass
                out[str(p)] = data
    return out


#: a leak of part of a secret counts: any run of this many characters of one of its forms
WINDOW = 10


def _needles() -> dict[bytes, str]:
    out = {}
    for label, secret in SECRETS.items():
        for form, start in forms(secret).items():
            for i in range(start, len(form) - WINDOW + 1):
                out.setdefault(form[i:i + WINDOW].encode(), f"{label} ({form!r})")
    return out


def assert_no_secret(outputs: dict[str, str], *roots: Path) -> None:
    files = _texts_of_files(*roots)
    assert files, "nothing was written: the test would prove nothing"
    needles = _needles()
    pattern = re.compile(b"|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)))
    leaks = []
    for where, data in [*((k, v.encode("utf-8", "surrogateescape")) for k, v in outputs.items()), *files.items()]:
        for m in pattern.finditer(data):
            leaks.append(f"{needles[m.group()]}: {m.group()!r} in {where}")
            break
    assert leaks == []


# --------------------------------------------------------------------------- the two APIs on the local server
class Registers:
    """NSDC's register API and OpenSky's token + flights endpoints; each can be switched to a failure."""

    def __init__(self, srv):
        self.srv = srv
        self.mode = "ok"
        self.subjects = {k: json.loads((NSDC / f"subjects_{k}.json").read_text(encoding="utf-8"))
                         for k in ("individual", "legal")}
        self.actions = {}
        for line in (NSDC / "actions.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            self.actions[f"/subjects/{row['sid']}/actions"] = row["actions"]
            srv.route(f"/subjects/{row['sid']}/actions", handler=self.nsdc_actions)
        srv.route("/v2/subjects", handler=self.nsdc_subjects)
        srv.route("/auth/token", handler=self.token, method="POST")
        srv.route("/api/flights/aircraft", handler=self.flights)
        self.answer = json.loads(next(FLIGHTS.glob("flights_aircraft_*.json")).read_text(encoding="utf-8"))

    def failure(self, req: Request) -> Reply | None:
        # a careless server echoes what it was sent: the key header or the bearer token
        echo = {k: v for k, v in req.headers.items() if k in ("x-cota-public-api-key", "authorization")}
        return {
            "server-error": Reply.json({"error": "internal", "request": echo}, status=500),
            "timeout": Reply(body=b"[]", content_type="application/json", delay=1.5),
            "html-page": Reply.html("<!DOCTYPE html><html><head><title>Login</title></head>"
                                    "<body><form>Sign in</form></body></html>"),
        }.get(self.mode)

    def nsdc_subjects(self, req: Request) -> Reply:
        if self.mode == "refused" or req.header("x-cota-public-api-key") != NSDC_KEY:
            return Reply.json({"statusCode": 401, "message": "Unauthorized key "
                               f"{req.header('x-cota-public-api-key')}"}, status=401)
        return self.failure(req) or Reply.json(self.subjects.get(req.param("subjectType"), []))

    def nsdc_actions(self, req: Request) -> Reply:
        if req.header("x-cota-public-api-key") != NSDC_KEY:
            return Reply.json({"statusCode": 401, "message": "Unauthorized"}, status=401)
        actions = self.actions[req.path]
        return Reply(404, body=b"", content_type=None) if actions is None else Reply.json(actions)

    def token(self, req: Request) -> Reply:
        form = req.form()
        if self.mode == "refused" or form.get("client_secret") != CLIENT_SECRET:
            return Reply.json({"error": "invalid_client", "error_description": "Invalid client credentials "
                               f"{form.get('client_id')}:{form.get('client_secret')}"}, status=401)
        return Reply.json({"access_token": TOKEN, "expires_in": 1800, "token_type": "Bearer"})

    def flights(self, req: Request) -> Reply:
        if req.header("authorization") != f"Bearer {TOKEN}":
            return Reply.json({"error": "unauthorized"}, status=401)
        return self.failure(req) or Reply.json(self.answer)


def _config(srv) -> str:
    return f"""
[http]
retries = 1
backoff = 0.01
max_backoff = 0.05
timeout = [0.6, 0.6]

[sources.nsdc]
api_url = "{srv.base_url}"

[sources.opensky-flights]
api_url = "{srv.url('/api')}"
token_url = "{srv.url('/auth/token')}"
icao24 = ["1533ad"]
begin = "2026-01-29"
end = "2026-01-31"
"""


SECRET_ENV = {"KGRAPH_NSDC_API_KEY": NSDC_KEY, "KGRAPH_OPENSKY_CLIENT_ID": CLIENT_ID,
              "KGRAPH_OPENSKY_CLIENT_SECRET": CLIENT_SECRET, "NEO4J_PASSWORD": NEO4J_PASSWORD}
#: failures first (nothing to fall back on), a success, then failures again (falling back on it)
MODES = ["refused", "server-error", "timeout", "html-page", "ok", "refused", "server-error", "timeout", "html-page"]
INGEST = [("ingest", "nsdc", "--no-check", "-s"), ("ingest", "opensky-flights", "--no-check", "-s")]
UPDATE = ("update", "--sources", "nsdc,opensky-flights", "--no-check", "-s", "--json")
#: what each failure says (so that the run is known to have met it)
SAYS = {"refused": "401", "server-error": "500", "timeout": "timed out", "html-page": "HTML page"}


def _commands(i: int, mode: str) -> list[tuple[str, ...]]:
    # `update` builds the graph each time: once per kind of run (before any success, the success, after it)
    return INGEST + ([UPDATE] if (i, mode) in ((0, "refused"), (4, "ok"), (6, "server-error")) else [])


@pytest.fixture
def registers(http_server):
    return Registers(http_server)


def _prepare(tmp_path, http_server) -> tuple[Path, Path]:
    root, tmp = tmp_path / "data", tmp_path / "tmp"
    root.mkdir()
    tmp.mkdir()
    (root / "config.toml").write_text(_config(http_server))
    return root, tmp


def _check_outcomes(codes: list[tuple[str, int, tuple, int]], outputs: dict[str, str]) -> None:
    """The runs did what their modes say: the key works when it should, failures fail and say why."""
    for mode, i, cmd, code in codes:
        said = "\n".join(v for k, v in outputs.items() if k.startswith(f"{i} {mode}: kgraph {' '.join(cmd)}"))
        if mode == "ok":
            assert code == 0, (mode, cmd, said)
            continue
        assert SAYS[mode] in said, (mode, cmd, said)
        if i < MODES.index("ok") and cmd[0] == "ingest":
            assert code == 1, (mode, cmd, said)  # nothing to fall back on yet: one error line


def test_secrets_never_leak_from_the_command(registers, http_server, tmp_path):
    """The installed command in subprocesses, -vv, TMPDIR pointed at a folder of the test's own."""
    root, tmp = _prepare(tmp_path, http_server)
    env = clean_env(**SECRET_ENV, TMPDIR=str(tmp), TMP=str(tmp), TEMP=str(tmp))
    outputs, codes = {}, []
    for i, mode in enumerate(MODES):
        registers.mode = mode
        for cmd in _commands(i, mode):
            r = run_kgraph(root, *cmd, env=env, verbose=2)
            key = f"{i} {mode}: kgraph {' '.join(cmd)}"
            outputs[key + " stdout"], outputs[key + " stderr"] = r.stdout, r.stderr
            codes.append((mode, i, cmd, r.returncode))
            assert "Traceback" not in r.stderr, r.stderr
    # the exports that mention Neo4j, with the password in the environment
    for fmt in ("cypher", "neo4j-admin"):
        r = run_kgraph(root, "export", "--format", fmt, "-o", tmp_path / "tmp" / f"export-{fmt}", env=env, verbose=2)
        outputs[f"export {fmt}"] = r.stdout + r.stderr
    _check_outcomes(codes, outputs)
    assert any("DEBUG" in text for text in outputs.values())  # -vv did log at debug level
    assert len(http_server.requests_to("/v2/subjects")) > 10 and http_server.requests_to("/auth/token")
    assert (root / "records" / "ua_nsdc" / "CURRENT").exists() and (root / "records" / "opensky_flights").is_dir()
    assert_no_secret(outputs, root, tmp)


def test_secrets_never_leak_in_process(registers, http_server, tmp_path, monkeypatch, caplog):
    """The same runs through the CLI in this process, with every log record captured at DEBUG."""
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    for name in ("", "kgraph", "urllib3", "requests"):
        caplog.set_level(logging.DEBUG, logger=name or None)
    root, tmp = _prepare(tmp_path, http_server)
    monkeypatch.setenv("TMPDIR", str(tmp))
    outputs, codes = {}, []
    for i, mode in enumerate(MODES):
        registers.mode = mode
        for cmd in _commands(i, mode):
            r = CliRunner().invoke(cli, ["--data-dir", str(root), "-vv", *cmd])
            key = f"{i} {mode}: kgraph {' '.join(cmd)}"
            outputs[key] = r.output
            codes.append((mode, i, cmd, r.exit_code))
            assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    outputs["log records"] = caplog.text + "\n".join(str(rec.args) for rec in caplog.records)
    _check_outcomes(codes, outputs)
    assert any(rec.levelno == logging.DEBUG for rec in caplog.records)
    assert_no_secret(outputs, root, tmp)


def test_the_search_finds_a_planted_secret(tmp_path):
    """The check itself: a secret written URL-encoded into a gzip file, or base64 into a log, is found."""
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(f'{{"url": "x?k={quote(NSDC_KEY, safe="")}"}}'.encode()))
    with pytest.raises(AssertionError, match="nsdc key"):
        assert_no_secret({}, tmp_path)
    (tmp_path / "a.jsonl.gz").unlink()
    (tmp_path / "b.txt").write_text("clean")
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    with pytest.raises(AssertionError, match="opensky secret"):
        assert_no_secret({"log": f"Authorization: Basic {basic}"}, tmp_path)
    assert_no_secret({"log": "clean"}, tmp_path)
    # part of a secret is a leak too (an error excerpt cut inside it)
    with pytest.raises(AssertionError, match="opensky secret"):
        assert_no_secret({"log": f"Invalid client credentials ***:{CLIENT_SECRET[:12]}"}, tmp_path)


@pytest.mark.parametrize("filler", [100, 111, 290])
def test_an_error_excerpt_never_shows_part_of_a_secret(http_server, filler):
    """A server echoing the key in its error body, where the excerpt of the body is cut (inside the key)."""
    from kgraph.httpclient import RequestFailed, get_json, http_session, register_secret

    register_secret(NSDC_KEY)
    http_server.route("/echo", Reply(500, body="e" * filler + NSDC_KEY + " more text", content_type="text/plain"))
    with pytest.raises(RequestFailed) as err:
        get_json(http_session({"http": {"retries": 0}}), http_server.url("/echo"))
    text = str(err.value)
    assert "HTTP 500" in text and not any(NSDC_KEY[i:i + 5] in text for i in range(len(NSDC_KEY) - 4)), text
