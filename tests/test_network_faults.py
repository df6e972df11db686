"""Hardening (issue 8.3): every way a server or network misbehaves, against a real local server.

Each failure must end in one clear FetchError line naming source, file, URL and
reason, leave no staging folder or temp file, leave the last good snapshot
byte-for-byte intact (and fall back to it when asked), and never show a secret.
"""
from __future__ import annotations

import hashlib
import logging
import socket

import pytest

from kgraph.errors import FetchError
from kgraph.fetch import RequestFailed, RetryPolicy, download, fetch_source, get_json, http_session, snapshot_info
from kgraph.sources import Source, SourceFile
from tests.conftest import FIXTURES
from tests.httpserver import Reply

# tiny waits so the whole file runs in a few seconds; 2 tries per URL
FAULTS = RetryPolicy(attempts=2, backoff=0.01, max_backoff=0.02, jitter=0.0, max_wait=1.0, timeout=(1.0, 0.25))
SDN = (FIXTURES / "fetch" / "SDN.CSV").read_bytes()
LOGIN = (FIXTURES / "fetch" / "login.html").read_text()
MAINTENANCE = (FIXTURES / "fetch" / "maintenance.html").read_bytes()


def sdn_source(*urls: str, kind: str = "csv", **kw) -> Source:
    return Source(name="ofac", title="OFAC SDN", datasets=("us_ofac_sdn",), publisher="OFAC", licence="public domain",
                  cadence="daily", files=(SourceFile("SDN.CSV", urls, kind=kind),), **kw)


def leftovers(dd) -> list:
    return [p for p in dd.raw.rglob("*") if p.name.startswith(".staging-") or p.name.endswith(".tmp")]


def chain(server, n: int) -> str:
    for i in range(n):
        server.route(f"/hop{i}", Reply.redirect(f"/hop{i + 1}"))
    server.route(f"/hop{n}", Reply.text(SDN.decode()))
    return server.url("/hop0")


# (what the server does, the reason expected in the message, requests it should see)
FAILURES = {
    "empty 200": (lambda s: s.route("/f", Reply(200, b"", content_type="text/csv")),
                  "server returned an empty body (HTTP 200)", 1),
    "HTML error page labelled CSV": (lambda s: s.route("/f", Reply(200, MAINTENANCE, content_type="text/csv")),
                                     "server returned an HTML page, not CSV", 1),
    "200 HTML login page": (lambda s: s.route("/f", Reply.html(LOGIN)), "server returned an HTML page, not CSV", 1),
    "500 forever": (lambda s: s.route("/f", Reply(500, b"Internal Server Error", content_type="text/plain")),
                    "HTTP 500 Internal Server Error: Internal Server Error (gave up after 2 attempts)", 2),
    "503 HTML page forever": (lambda s: s.route("/f", Reply(503, MAINTENANCE, content_type="text/html")),
                              "HTTP 503 Service Unavailable (an HTML page) (gave up after 2 attempts)", 2),
    "403 from an API gateway": (lambda s: s.route("/f", Reply.json({"message": "Forbidden"}, status=403)),
                                'HTTP 403 Forbidden: {{"message": "Forbidden"}}', 1),
    "slow drip past the read timeout": (lambda s: s.route("/f", Reply(body=SDN, drip=0.6, drip_size=100)),
                                        "read timed out (no data for 0.25 s) after 100 bytes (gave up after 2 attempts)", 2),
    "no answer within the read timeout": (lambda s: s.route("/f", Reply(body=SDN, delay=0.6)),
                                          "read timed out (no data for 0.25 s) (gave up after 2 attempts)", 2),
    "connection closed mid-body": (lambda s: s.route("/f", Reply(body=SDN, cut_after=100)),
                                   "connection closed before the end of the body (truncated) after 100 bytes", 2),
    "Content-Length longer than the body": (lambda s: s.route("/f", Reply(body=SDN, content_length=len(SDN) + 40)),
                                            "(truncated)", 2),
    "connection reset mid-body": (lambda s: s.route("/f", Reply(body=SDN * 40, reset_after=1000)), "gave up after 2", 2),
    "chunked body cut before its last chunk": (lambda s: s.route("/f", Reply(body=SDN, chunked=True, drip=0.01,
                                                                                drip_size=100, cut_after=200)),
                                                "(truncated) after 200 bytes", 2),
    "redirect loop": (lambda s: s.redirect_loop("/f", "/g"), "redirect loop: {url} -> {base}/g -> {url}", 1),
    "too many redirects": (lambda s: chain(s, 12) and s.route("/f", Reply.redirect("/hop0")),
                           "more than 10 redirects", 1),
    "gzip body that does not decompress": (
        lambda s: s.route("/f", Reply(body=b"40181,JSC AVIACON\n", headers={"Content-Encoding": "gzip"})),
        "the body does not decompress (Content-Encoding: gzip)", 1),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failure_is_one_clear_line_and_leaves_nothing_behind(http_server, datadir, case):
    setup, reason, requests_seen = FAILURES[case]
    setup(http_server)
    url = http_server.url("/f")
    with pytest.raises(FetchError) as e:
        fetch_source(datadir, sdn_source(url), config={}, policy=FAULTS)
    message = str(e.value)
    assert message.startswith(f"ofac: SDN.CSV from {url}: ")
    assert reason.format(url=url, base=http_server.base_url) in message
    assert "\n" not in message and "Traceback" not in message
    assert len(http_server.requests_to("/f")) == requests_seen
    assert leftovers(datadir) == [] and datadir.raw_snapshots("ofac") == []


@pytest.mark.parametrize("kind, body, reason", [
    ("gzip", b"\x1f\x8b\x08\x00" + b"\x00" * 6 + b"not deflate data at all", "server returned damaged gzip data"),
    ("gzip", SDN, "server returned plain text, not GZIP"),
    ("zip", b"PK\x03\x04" + b"\x00" * 40, "server returned damaged ZIP archive"),
    ("zip", MAINTENANCE, "server returned an HTML page, not ZIP"),
    ("xml", LOGIN.encode(), "server returned an HTML page, not XML"),
    ("json", SDN, "server returned plain text, not JSON"),
])
def test_body_that_is_not_the_expected_kind_is_refused(http_server, datadir, kind, body, reason):
    url = http_server.route("/f", Reply(body=body))
    with pytest.raises(FetchError, match=reason):
        fetch_source(datadir, sdn_source(url, kind=kind), config={}, policy=FAULTS)
    assert leftovers(datadir) == []


def test_connection_refused_is_named(refused_url, datadir):
    url = refused_url + "/api/PublicationPreview/exports/SDN.CSV"
    with pytest.raises(FetchError) as e:
        fetch_source(datadir, sdn_source(url), config={}, policy=FAULTS)
    assert str(e.value) == f"ofac: SDN.CSV from {url}: connection refused (gave up after 2 attempts)"
    assert leftovers(datadir) == []


def test_connect_timeout_is_named(unresponsive_url, datadir):
    url = unresponsive_url + "/database/ReleasableAircraft.zip"
    with pytest.raises(FetchError) as e:
        fetch_source(datadir, sdn_source(url, kind="zip"), config={}, policy=FAULTS, timeout=(0.2, 1.0))
    assert str(e.value) == f"ofac: SDN.CSV from {url}: connection timed out (no answer within 0.2 s) (gave up after 2 attempts)"
    assert leftovers(datadir) == []


def test_every_url_is_tried_and_named_before_giving_up(http_server, refused_url, datadir):
    official = http_server.route("/official", Reply(200, b""))
    with pytest.raises(FetchError) as e:
        fetch_source(datadir, sdn_source(official, refused_url + "/mirror"), config={}, policy=FAULTS)
    assert str(e.value) == (f"ofac: SDN.CSV from {official}: server returned an empty body (HTTP 200); "
                            f"then from {refused_url}/mirror: connection refused (gave up after 2 attempts)")


# --------------------------------------------------------------------------- retries that succeed
def test_503_twice_then_success(http_server, datadir):
    url = http_server.route("/f", Reply(503), Reply(503), Reply.text(SDN.decode()))
    policy = RetryPolicy(attempts=3, backoff=0.01, jitter=0.0, timeout=(1.0, 1.0))
    result = fetch_source(datadir, sdn_source(url), config={}, policy=policy)
    assert result.fresh and (result.path / "SDN.CSV").read_bytes() == SDN
    assert len(http_server.requests_to("/f")) == 3


def test_chunked_body_is_read_to_its_end(http_server, tmp_path):
    url = http_server.route("/f", Reply(body=SDN * 10, chunked=True, drip=0.001, drip_size=333))
    info = download(http_session(policy=FAULTS), url, tmp_path / "SDN.CSV", kind="csv")
    assert (tmp_path / "SDN.CSV").read_bytes() == SDN * 10 and info.size == len(SDN) * 10


def test_reset_mid_body_is_retried(http_server, datadir):
    url = http_server.route("/f", Reply(body=SDN * 40, reset_after=1000), Reply.text(SDN.decode()))
    result = fetch_source(datadir, sdn_source(url), config={}, policy=FAULTS)
    assert (result.path / "SDN.CSV").read_bytes() == SDN and len(http_server.requests_to("/f")) == 2


@pytest.mark.parametrize("header", ["Retry-After", "X-Rate-Limit-Retry-After-Seconds"])
def test_429_waits_as_long_as_the_server_asks(http_server, datadir, caplog, header):
    url = http_server.route("/f", Reply(429, headers={header: "0.4"}), Reply.text(SDN.decode()))
    caplog.set_level(logging.WARNING, logger="kgraph.fetch")
    fetch_source(datadir, sdn_source(url), config={}, policy=FAULTS)
    first, second = http_server.requests_to("/f")
    assert second.at - first.at >= 0.4  # a lower bound the sleep guarantees, not a benchmark
    assert "HTTP 429 Too Many Requests; retry 1 of 1 in 0.4 s" in caplog.text


def test_429_asking_for_longer_than_the_cap_fails_at_once(http_server, datadir):
    url = http_server.route("/f", Reply(429, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="the server asks to wait 3600 s, longer than the 1 s limit"):
        fetch_source(datadir, sdn_source(url), config={}, policy=RetryPolicy(attempts=3, max_wait=1.0))
    assert len(http_server.requests_to("/f")) == 1


def test_retry_after_as_http_date(http_server, datadir):
    url = http_server.route("/f", Reply(503, headers={"Retry-After": "Thu, 01 Jan 2026 00:00:00 GMT"}),
                            Reply.text(SDN.decode()))
    assert fetch_source(datadir, sdn_source(url), config={}, policy=FAULTS).fresh  # a past date: retry now


# --------------------------------------------------------------------------- fallback
def test_fallback_to_the_last_good_snapshot(http_server, datadir):
    good = http_server.route("/good", Reply.text(SDN.decode()))
    first = fetch_source(datadir, sdn_source(good), config={}, policy=FAULTS)
    before = {p.name: p.read_bytes() for p in first.path.iterdir()}

    bad = http_server.route("/down", Reply.html(LOGIN))
    down = fetch_source(datadir, sdn_source(bad), config={}, policy=FAULTS)
    assert not down.fresh and not down.unchanged and down.path == first.path and down.stamp == first.stamp
    assert down.error == f"ofac: SDN.CSV from {bad}: server returned an HTML page, not CSV"
    with pytest.raises(FetchError, match="an HTML page"):
        fetch_source(datadir, sdn_source(bad), config={}, policy=FAULTS, fallback=False)

    assert datadir.raw_snapshots("ofac") == [first.path] and leftovers(datadir) == []
    assert {p.name: p.read_bytes() for p in first.path.iterdir()} == before
    assert hashlib.sha256((first.path / "SDN.CSV").read_bytes()).hexdigest() == snapshot_info(first.path)["files"][0]["sha256"]


def test_failed_download_leaves_no_partial_file(http_server, tmp_path):
    url = http_server.route("/f", Reply(body=SDN, cut_after=50))
    with pytest.raises(RequestFailed, match="truncated"):
        download(http_session(policy=FAULTS), url, tmp_path / "SDN.CSV", kind="csv")
    assert list(tmp_path.iterdir()) == []


def test_get_json_retries_truncated_json(http_server):
    body = b'{"data": [{"sid": 12345}]}'
    url = http_server.route("/subjects", Reply(body=body, cut_after=10, content_type="application/json"),
                            Reply(body=body, content_type="application/json"))
    assert get_json(http_session(policy=FAULTS), url) == {"data": [{"sid": 12345}]}


# --------------------------------------------------------------------------- secrets
def test_secrets_never_appear_anywhere(http_server, datadir, caplog, capsys, monkeypatch):
    api_key, token, password = "nsdc-key-5e1f0a77c2", "tok-91c0ffee7b", "pw-Zitotrans-1995"
    monkeypatch.setenv("KGRAPH_TEST_API_KEY", api_key)
    caplog.set_level(logging.DEBUG)  # urllib3 logs request lines with their query strings at DEBUG
    http_server.route("/exports/SDN.CSV", Reply.html(LOGIN))
    # a server that echoes the key back in its error page
    http_server.route("/mirror", Reply(500, f"invalid request for x-cota-public-api-key: {api_key}".encode(),
                                       content_type="text/plain"))
    official = f"http://reader:{password}@127.0.0.1:{http_server.port}/exports/SDN.CSV?page=1&token={token}"
    config = {"sources": {"ofac": {"headers": {"x-cota-public-api-key": api_key}}}}
    source = sdn_source(official, http_server.url("/mirror") + f"?api_key={api_key}", env=("KGRAPH_TEST_API_KEY",))
    with pytest.raises(FetchError) as e:
        fetch_source(datadir, source, config=config, policy=FAULTS, progress=True)

    req = http_server.requests_to("/exports/SDN.CSV")[0]  # the secrets were really used...
    assert req.param("token") == token and req.header("x-cota-public-api-key") == api_key
    assert req.header("authorization", ).startswith("Basic ")
    out, err = capsys.readouterr()
    files = [p.read_bytes().decode("utf-8", "replace") for p in datadir.root.rglob("*") if p.is_file()]
    seen = [str(e.value), repr(e.value), caplog.text, out, err, *files]
    assert "?page=1&token=***" in str(e.value) and "/mirror?api_key=***" in str(e.value)
    for secret in (api_key, token, password):  # ...and shown nowhere
        assert not any(secret in text for text in seen), secret


def test_secrets_are_kept_out_of_fetch_json(http_server, datadir):
    token = "tok-4b1d2e3f5a"
    url = http_server.route("/SDN.CSV", Reply.text(SDN.decode())) + f"?access_token={token}"
    result = fetch_source(datadir, sdn_source(url), config={}, policy=FAULTS)
    assert http_server.requests_to("/SDN.CSV")[0].param("access_token") == token
    assert token not in (result.path / "fetch.json").read_text() and token not in repr(result)


def test_api_key_is_not_sent_to_another_host_on_redirect(http_server, tmp_path):
    if "127.0.0.1" not in {a[4][0] for a in socket.getaddrinfo("localhost", None)}:
        pytest.skip("localhost does not resolve to 127.0.0.1 here")
    key = "nsdc-key-c0ffee1234"
    http_server.route("/same", Reply.redirect("/export"))
    http_server.route("/away", Reply.redirect(f"http://localhost:{http_server.port}/export"))
    http_server.route("/export", Reply.text("sid,name\n12345,AVIACON ZITOTRANS\n"))
    s = http_session(headers={"x-cota-public-api-key": key}, policy=FAULTS)
    download(s, http_server.url("/same"), tmp_path / "a.csv", kind="csv", headers={"Authorization": "Bearer abc-123456"})
    download(s, http_server.url("/away"), tmp_path / "b.csv", kind="csv", headers={"Authorization": "Bearer abc-123456"})
    same, away = http_server.requests_to("/export")
    assert same.header("x-cota-public-api-key") == key and same.header("authorization") == "Bearer abc-123456"
    assert away.header("host").startswith("localhost:")
    assert away.header("x-cota-public-api-key") is None and away.header("authorization") is None
    assert away.header("user-agent") == same.header("user-agent")
