"""fetch_source, download and the JSON API helpers against a real local HTTP server.

Failure modes (timeouts, truncation, HTML pages, retries, secrets) are in
test_network_faults.py; this file covers the normal paths: redirects,
conditional GET, snapshots, config overrides, API sources.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from kgraph.errors import ConfigError, FetchError
from kgraph.fetch import (
    FetchResult, RequestFailed, RetryPolicy, download, fetch_source, get_json, http_session, latest_snapshot,
    snapshot_info,
)
from kgraph.httpclient import (
    BROWSER_USER_AGENT, DEFAULT_USER_AGENT, oauth2_client_credentials, redact, retry_after_seconds, sniff,
)
from kgraph.sources import Source, SourceFile
from tests.conftest import FIXTURES
from tests.httpserver import Reply, conditional, require_header

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.02, jitter=0.0, max_wait=1.0, timeout=(2.0, 1.0))
SDN = (FIXTURES / "fetch" / "SDN.CSV").read_bytes()
SDN_SHA = hashlib.sha256(SDN).hexdigest()


def make_source(*files: SourceFile, name: str = "ofac", **kw) -> Source:
    return Source(name=name, title="test source", datasets=("us_ofac_sdn",), publisher="test", licence="test",
                  cadence="daily", files=files, **kw)


def fetch(dd, source, **kw) -> FetchResult:
    kw.setdefault("config", {})
    kw.setdefault("policy", FAST)
    return fetch_source(dd, source, **kw)


def leftovers(dd) -> list[Path]:
    """Staging folders and temp files under raw/ (there must be none after any fetch)."""
    return [p for p in dd.raw.rglob("*") if p.name.startswith(".staging-") or p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- files and snapshots
def test_302_to_signed_link_is_followed_and_snapshot_published(http_server, datadir):
    # OFAC's SLS answers 302 to a short-lived signed S3 URL
    url = http_server.route("/api/PublicationPreview/exports/SDN.CSV",
                            Reply.redirect("/s3/sdn.csv?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=5ec7e75163"))
    http_server.route("/s3/sdn.csv", Reply.text(SDN.decode(), content_type="text/csv"))
    result = fetch(datadir, make_source(SourceFile("SDN.CSV", (url,), kind="csv")))

    assert result.fresh and not result.unchanged and result.error is None
    assert result.path.parent == datadir.raw_dir("ofac") and result.path.name == result.stamp
    assert (result.path / "SDN.CSV").read_bytes() == SDN
    meta = snapshot_info(result.path)
    (entry,) = meta["files"]
    assert entry["url"] == url and entry["status"] == 200 and not entry["reused"]
    assert entry["final_url"].startswith(http_server.url("/s3/sdn.csv"))
    assert "5ec7e75163" not in entry["final_url"] and "X-Amz-Signature=***" in entry["final_url"]
    assert entry["size"] == len(SDN) and entry["sha256"] == SDN_SHA
    assert dt.datetime.fromisoformat(entry["fetched_at"]).tzinfo is not None
    assert latest_snapshot(datadir, "ofac") == result.path
    assert leftovers(datadir) == []


def test_etag_then_304_reuses_the_file_and_reports_unchanged(http_server, datadir):
    url = http_server.route("/SDN.CSV", handler=conditional(SDN, etag='"sdn-2026-01-31"'))
    source = make_source(SourceFile("SDN.CSV", (url,), kind="csv"))
    first = fetch(datadir, source)
    second = fetch(datadir, source)

    assert http_server.requests_to("/SDN.CSV")[0].header("if-none-match") is None
    assert http_server.requests_to("/SDN.CSV")[1].header("if-none-match") == '"sdn-2026-01-31"'
    assert second.fresh and second.unchanged and second.error is None
    assert second.path == first.path and second.stamp == first.stamp
    assert second.files[0].reused and second.files[0].status == 304 and second.files[0].sha256 == SDN_SHA
    assert datadir.raw_snapshots("ofac") == [first.path]  # no duplicate snapshot
    assert leftovers(datadir) == []


def test_last_modified_is_sent_as_if_modified_since(http_server, datadir):
    stamp = "Sat, 31 Jan 2026 06:00:00 GMT"
    url = http_server.route("/airports.csv", handler=conditional(b"ident,type\nMUSA,small_airport\n", last_modified=stamp))
    source = make_source(SourceFile("airports.csv", (url,), kind="csv"), name="airports")
    fetch(datadir, source)
    second = fetch(datadir, source)

    assert http_server.requests_to("/airports.csv")[1].header("if-modified-since") == stamp
    assert second.unchanged and second.files[0].last_modified == stamp


def test_changed_and_unchanged_files_make_a_new_snapshot_with_the_unchanged_one_linked(http_server, datadir):
    sdn = http_server.route("/SDN.CSV", handler=conditional(SDN, etag='"a"'))
    http_server.route("/ALT.CSV", Reply.text("40181,62411,\"aka\",\"v1\",-0- \n"),
                      Reply.text("40181,62411,\"aka\",\"v2\",-0- \n"))
    source = make_source(SourceFile("SDN.CSV", (sdn,), kind="csv"),
                         SourceFile("ALT.CSV", (http_server.url("/ALT.CSV"),), kind="csv"))
    first = fetch(datadir, source)
    second = fetch(datadir, source)

    assert second.fresh and not second.unchanged and second.path != first.path
    by_name = {f["name"]: f for f in snapshot_info(second.path)["files"]}
    assert by_name["SDN.CSV"]["reused"] and by_name["SDN.CSV"]["status"] == 304
    assert not by_name["ALT.CSV"]["reused"]
    assert (second.path / "SDN.CSV").stat().st_ino == (first.path / "SDN.CSV").stat().st_ino  # hard link
    assert b"v2" in (second.path / "ALT.CSV").read_bytes() and b"v1" in (first.path / "ALT.CSV").read_bytes()


def test_same_bytes_without_validators_count_as_unchanged(http_server, datadir):
    url = http_server.route("/SDN.CSV", Reply.text(SDN.decode()))
    source = make_source(SourceFile("SDN.CSV", (url,), kind="csv"))
    first = fetch(datadir, source)
    second = fetch(datadir, source)
    assert second.unchanged and second.path == first.path and not second.files[0].reused
    assert len(datadir.raw_snapshots("ofac")) == 1


def test_validators_are_not_sent_when_the_previous_file_was_damaged(http_server, datadir):
    url = http_server.route("/SDN.CSV", handler=conditional(SDN, etag='"a"'))
    source = make_source(SourceFile("SDN.CSV", (url,), kind="csv"))
    first = fetch(datadir, source)
    (first.path / "SDN.CSV").write_bytes(SDN[:20])  # someone truncated the stored copy
    second = fetch(datadir, source)
    assert http_server.requests_to("/SDN.CSV")[1].header("if-none-match") is None
    assert not second.unchanged and (second.path / "SDN.CSV").read_bytes() == SDN


def test_fallback_url_is_tried_when_the_official_one_fails(http_server, datadir):
    official = http_server.route("/official/sdn.csv", Reply(404, b"Not Found", content_type="text/plain"))
    mirror = http_server.route("/mirror/sdn.csv", Reply.text(SDN.decode()))
    result = fetch(datadir, make_source(SourceFile("SDN.CSV", (official, mirror), kind="csv")))
    (entry,) = snapshot_info(result.path)["files"]
    assert entry["url"] == mirror
    assert entry["tried"] == [{"url": official, "error": "HTTP 404 Not Found: Not Found"}]
    assert len(http_server.requests_to("/official/sdn.csv")) == 1  # a 404 is not retried


def test_config_overrides_urls_and_adds_headers(http_server, datadir):
    builtin = http_server.route("/builtin", Reply.text(SDN.decode()))
    override = http_server.route("/override", Reply.text(SDN.decode()))
    source = make_source(SourceFile("SDN.CSV", (builtin,), kind="csv"))
    config = {"sources": {"ofac": {"urls": {"SDN.CSV": [override]}, "user_agent": "browser",
                                   "headers": {"Accept-Language": "en"}}}}
    result = fetch(datadir, source, config=config)
    assert result.files[0].url == override and http_server.requests_to("/builtin") == []
    req = http_server.requests_to("/override")[0]
    assert req.header("user-agent") == BROWSER_USER_AGENT and req.header("accept-language") == "en"


def test_default_user_agent_names_kgraph(http_server, datadir):
    url = http_server.route("/SDN.CSV", Reply.text(SDN.decode()))
    fetch(datadir, make_source(SourceFile("SDN.CSV", (url,), kind="csv")))
    assert http_server.requests_to("/SDN.CSV")[0].header("user-agent") == DEFAULT_USER_AGENT


def test_config_reads_from_the_data_directory(http_server, datadir):
    url = http_server.route("/x.csv", Reply.text("a,b\n"))
    datadir.root.mkdir(parents=True)
    datadir.config_path.write_text(f'[sources.ofac.urls]\n"SDN.CSV" = "{url}"\n[http]\nretries = 0\n')
    result = fetch_source(datadir, make_source(SourceFile("SDN.CSV", ("http://127.0.0.1:9/never",), kind="csv")))
    assert result.files[0].url == url


@pytest.mark.parametrize("config, message", [
    ({"sources": {"ofac": {"urls": {"SDN.XML": ["http://x"]}}}}, "unknown file(s) SDN.XML"),
    ({"sources": {"ofac": {"urls": {"SDN.CSV": [3]}}}}, "must be a URL or a list of URLs"),
    ({"sources": {"ofac": {"headers": ["User-Agent"]}}}, "headers must map"),
    ({"sources": {"ofac": "https://x"}}, "[sources.ofac] must be a table"),
    ({"http": {"timeout": [1, 2, 3]}}, "[http]"),
])
def test_bad_config_is_a_config_error(datadir, config, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        fetch_source(datadir, make_source(SourceFile("SDN.CSV", ("http://127.0.0.1:9/",))), config=config)
    assert leftovers(datadir) == []


def test_optional_file_that_fails_is_recorded_and_skipped(http_server, datadir):
    sdn = http_server.route("/SDN.CSV", Reply.text(SDN.decode()))
    empty = http_server.route("/CONSOLIDATED.CSV", Reply(200, b""))  # OFAC serves this one empty
    source = make_source(SourceFile("SDN.CSV", (sdn,), kind="csv"),
                         SourceFile("CONSOLIDATED.CSV", (empty,), required=False, kind="csv"))
    result = fetch(datadir, source)
    assert result.fresh and result.error is None
    assert not (result.path / "CONSOLIDATED.CSV").exists()
    entry = {f["name"]: f for f in snapshot_info(result.path)["files"]}["CONSOLIDATED.CSV"]
    assert "empty body" in entry["error"] and entry["sha256"] is None


def test_zip_and_gzip_files_are_checked_and_kept_as_sent(http_server, datadir):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("MASTER.txt", "N-NUMBER,SERIAL NUMBER,\r\n78765,83486590,\r\n")
    gz = gzip.compress(b'{"icao":"1533ad","reg":"RA-78765","icaotype":"IL76"}\n')
    z = http_server.route("/ReleasableAircraft.zip", Reply(body=buf.getvalue(), content_type="application/zip"))
    # a .gz served with Content-Encoding: gzip must be stored compressed, as the file it is
    g = http_server.route("/basic-ac-db.json.gz", Reply(body=gz, headers={"Content-Encoding": "gzip"}))
    result = fetch(datadir, make_source(SourceFile("ReleasableAircraft.zip", (z,), kind="zip"),
                                        SourceFile("basic-ac-db.json.gz", (g,), kind="gzip"), name="faa"))
    assert (result.path / "ReleasableAircraft.zip").read_bytes() == buf.getvalue()
    assert (result.path / "basic-ac-db.json.gz").read_bytes() == gz


def test_content_encoding_gzip_of_a_csv_is_decoded(http_server, tmp_path):
    url = http_server.route("/airports.csv", Reply(body=gzip.compress(b"ident,name\nMUSA,San Antonio\n"),
                                                   headers={"Content-Encoding": "gzip"}, content_type="text/csv"))
    info = download(http_session(policy=FAST), url, tmp_path / "airports.csv", kind="csv")
    assert (tmp_path / "airports.csv").read_bytes() == b"ident,name\nMUSA,San Antonio\n"
    assert info.size == 28 and info.sha256 == hashlib.sha256(b"ident,name\nMUSA,San Antonio\n").hexdigest()


def test_progress_bar_goes_to_stderr(http_server, datadir, capsys):
    url = http_server.route("/SDN.CSV", Reply.text(SDN.decode()))
    fetch(datadir, make_source(SourceFile("SDN.CSV", (url,), kind="csv")), progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "SDN.CSV" in err


def test_download_progress_callback_sees_every_byte(http_server, tmp_path):
    body = b"x" * 200_000
    url = http_server.route("/big", Reply(body=body))
    seen: list[tuple[int, int | None]] = []
    download(http_session(policy=FAST), url, tmp_path / "big", progress=lambda n, t: seen.append((n, t)))
    assert seen[-1] == (len(body), len(body)) and [n for n, _ in seen] == sorted(n for n, _ in seen)


def test_latest_snapshot(datadir):
    assert latest_snapshot(datadir, "ofac") is None
    for stamp in ("20260131T060000000000Z", "20260201T060000000000Z"):
        (datadir.raw_dir("ofac") / stamp).mkdir(parents=True)
    (datadir.raw_dir("ofac") / ".staging-abc").mkdir()
    assert latest_snapshot(datadir, "ofac").name == "20260201T060000000000Z"


# --------------------------------------------------------------------------- API sources
NSDC_PAGE = json.loads((FIXTURES / "fetch" / "nsdc_subjects_page1.json").read_text(encoding="utf-8"))


def test_get_json_with_api_key_header(http_server):
    key = "nsdc-test-key-7f3a9c"
    url = http_server.route("/subjects", handler=require_header("x-cota-public-api-key", key, Reply.json(NSDC_PAGE)))
    s = http_session(headers={"x-cota-public-api-key": key}, policy=FAST)
    assert get_json(s, url, params={"page": 1, "perPage": 100}) == NSDC_PAGE
    req = http_server.requests_to("/subjects")[0]
    assert req.param("page") == "1" and req.param("perPage") == "100"


def test_get_json_without_the_key_is_a_clear_401(http_server):
    url = http_server.route("/subjects", handler=require_header("x-cota-public-api-key", "k-123456", Reply.json({})))
    with pytest.raises(RequestFailed) as e:
        get_json(http_session(policy=FAST), url)
    assert e.value.status == 401 and str(e.value).startswith(f"{url}: HTTP 401 Unauthorized")
    assert len(http_server.requests_to("/subjects")) == 1  # not retried


def test_get_json_allows_opensky_404_for_no_flights(http_server):
    url = http_server.route("/api/flights/aircraft", Reply(404, b""))
    s = http_session(policy=FAST)
    assert get_json(s, url, params={"icao24": "1533ad"}, allow_404=True) is None
    with pytest.raises(RequestFailed, match="HTTP 404"):
        get_json(s, url)


@pytest.mark.parametrize("reply, message", [
    (Reply(200, b"", content_type="application/json"), "server returned an empty body (HTTP 200)"),
    (Reply.html(), "an HTML page, not JSON"),
    (Reply(200, b'{"data": [1, 2', content_type="application/json"), "invalid JSON (Expecting"),
    (Reply(200, b"icao24,callsign\n", content_type="application/json"), "plain text, not JSON"),
])
def test_get_json_refuses_what_is_not_json(http_server, reply, message):
    url = http_server.route("/api", reply)
    with pytest.raises(RequestFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        get_json(http_session(policy=FAST), url)


def test_oauth2_token_is_used_as_bearer_and_never_shown(http_server):
    token, secret = "eyJhbGciOiJSUzI1NiJ9.opensky-token", "client-secret-d41d8cd9"
    token_url = http_server.route("/token", Reply.json({"access_token": token, "expires_in": 1800}), method="POST")
    http_server.route("/api/flights/aircraft", handler=require_header(
        "authorization", f"Bearer {token}", Reply.json([{"icao24": "1533ad", "estArrivalAirport": "MUSA"}])))
    s = http_session(policy=FAST)
    assert oauth2_client_credentials(s, token_url, "kgraph-client", secret) == token
    assert http_server.requests_to("/token")[0].form() == {
        "grant_type": "client_credentials", "client_id": "kgraph-client", "client_secret": secret}
    flights = get_json(s, http_server.url("/api/flights/aircraft"), params={"icao24": "1533ad"})
    assert flights[0]["estArrivalAirport"] == "MUSA"
    text = redact(f"Authorization: Bearer {token}; token={token}; client_secret={secret}")
    assert token not in text and secret not in text


def test_api_source_fetcher_gets_staging_fallback_and_fetch_json(http_server, datadir, monkeypatch):
    key = "nsdc-key-0a1b2c3d4e"
    monkeypatch.setenv("KGRAPH_TEST_NSDC_KEY", key)
    url = http_server.route("/subjects", handler=require_header("x-cota-public-api-key", key, Reply.json(NSDC_PAGE)))

    def fetcher(dest: Path, *, config, session):
        auth = {"x-cota-public-api-key": os.environ["KGRAPH_TEST_NSDC_KEY"]}
        download(session, url, dest / "subjects-1.json", kind="json", params={"page": 1}, headers=auth)
        return {"pages": 1, "request": f"{url}?page=1&api_key={key}"}

    source = make_source(name="nsdc", env=("KGRAPH_TEST_NSDC_KEY",))
    first = fetch(datadir, source, fetcher=fetcher)
    assert json.loads((first.path / "subjects-1.json").read_text(encoding="utf-8")) == NSDC_PAGE
    meta = snapshot_info(first.path)
    assert [f["name"] for f in meta["files"]] == ["subjects-1.json"] and meta["fetcher"]["pages"] == 1
    assert key not in (first.path / "fetch.json").read_text()
    assert fetch(datadir, source, fetcher=fetcher).unchanged

    monkeypatch.setenv("KGRAPH_TEST_NSDC_KEY", "wrong-key-99")
    down = fetch(datadir, source, fetcher=fetcher)
    assert not down.fresh and down.path == first.path and "HTTP 401" in down.error
    assert down.error.startswith("nsdc: ") and leftovers(datadir) == []


def test_source_without_files_or_fetcher_is_refused(datadir):
    with pytest.raises(FetchError, match="nothing to fetch"):
        fetch(datadir, make_source(name="nsdc"))


# --------------------------------------------------------------------------- small pure helpers
@pytest.mark.parametrize("head, label", [
    (b"", "empty"), (b"  \n", "empty"), (b"PK\x03\x04rest", "zip"), (b"\x1f\x8b\x08\x00", "gzip"),
    (b"%PDF-1.7", "pdf"), ((FIXTURES / "fetch" / "login.html").read_bytes(), "html"),
    ((FIXTURES / "fetch" / "maintenance.html").read_bytes(), "html"),
    ((FIXTURES / "fetch" / "sema.xml").read_bytes(), "xml"), (b'\xef\xbb\xbf{"a": 1}', "json"),
    ("\ufeff<?xml version='1.0'?><a/>".encode("utf-16"), "xml"), (SDN, "text"), (b"a\x00b", "binary"),
])
def test_sniff(head, label):
    assert sniff(head) == label


def test_retry_after_parsing():
    now = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Sun, 01 Feb 2026 12:00:05 GMT", now=now) == 5.0
    assert retry_after_seconds("Sun, 01 Feb 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("-3") == 0.0 and retry_after_seconds("nan") is None


def test_retry_policy_from_config():
    p = RetryPolicy.from_config({"http": {"retries": 1, "timeout": 5, "max_wait": 9}})
    assert p.attempts == 2 and p.timeout == (5.0, 5.0) and p.max_wait == 9
    assert RetryPolicy.from_config({}) == RetryPolicy()


def test_download_is_importable_from_both_modules():
    # ingesters import it from either place
    from kgraph import fetch, httpclient

    assert httpclient.download is fetch.download and httpclient.Download is fetch.Download


@pytest.mark.parametrize("text, message", [
    ('[sources.ofca.urls]\n"SDN.CSV" = "https://x"\n', "[sources.ofca] names no source (known: airports, canada"),
    ("[htpp]\nretries = 0\n", "unknown section [htpp] (known: [update], [http], [sources], [registry])"),
    ("[update]\nday = 3\n", "[update.day] is not a setting of kgraph's (known: check, days, icao24, jobs, keep_snapshots, sources)"),
    ("[http]\nretry = 2\n", "[http.retry] is not a setting of kgraph's (known: backoff, max_backoff"),
    ('http = "fast"\n', "[http] must be a table"),
])
def test_a_misspelt_config_name_is_refused_naming_it(datadir, text, message):
    # passed over in silence, [sources.ofca.urls] would leave OFAC fetched from its own URLs
    datadir.root.mkdir(parents=True)
    datadir.config_path.write_text(text)
    with pytest.raises(ConfigError) as err:
        datadir.config()
    assert str(err.value).startswith(f"{datadir.config_path}: {message}")
