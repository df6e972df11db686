"""GUR War & Sanctions portal: parsing saved ship pages, fetching them from a real local HTTP server, end to end.

The fixture pages are hand-written in the markup the OpenSanctions crawler's
selectors describe (see tests/fixtures/war_sanctions/README.md); no test
touches the internet.
"""
from __future__ import annotations

import doctest
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from ingest import ua_war_sanctions as ws
from kgraph.cli import cli
from kgraph.errors import FetchError, SourceFormatError
from kgraph.ids import node_keys
from kgraph.model import Edge, Node, ParseReport, validate
from kgraph.refresh import DEFAULT_SOURCES
from kgraph.schema import schema
from kgraph.sources import INGESTERS
from tests.conftest import FIXTURES
from tests.httpserver import Reply
from tests.mutations import damaged

WS = FIXTURES / "war_sanctions"
PULL = WS / "pull"  # what fetch saves
SHIPS = PULL / "ships"
PORTAL = "https://war-sanctions.gur.gov.ua/en/transport/ships"


def run(path: Path) -> tuple[list, ParseReport]:
    report = ParseReport("ua_gur_war_sanctions")
    return list(ws.parse(path, snapshot="2026-06-30", report=report)), report


def nodes(records) -> dict[str, Node]:
    return {r.id: r for r in records if isinstance(r, Node)}


def edges(records, type_: str, end: str | None = None, start: str | None = None) -> list[Edge]:
    return [r for r in records if isinstance(r, Edge) and r.type == type_
            and (end is None or r.end == end) and (start is None or r.start == start)]


def copy_fixture(dest: Path) -> Path:
    shutil.copytree(SHIPS, dest / "ships")
    shutil.copy(PULL / "index.json", dest / "index.json")
    return dest


# ---------------------------------------------------------------- the source
def test_registered_and_opt_in():
    assert INGESTERS["war-sanctions"] == "ingest.ua_war_sanctions"
    assert "war-sanctions" not in DEFAULT_SOURCES  # ~1,500 page requests: only when asked for
    src = ws.SOURCE
    assert src.datasets == ("ua_gur_war_sanctions",) and src.files == () and "not a legal sanctions list" in src.title
    lo, hi = src.assertions["read"]
    assert lo <= 1404 <= hi and src.assertions["fill"]["Vessel.imoNumber"] >= 0.95


def test_doctests():
    assert doctest.testmod(ws).failed == 0


# ---------------------------------------------------------------- parsing
def test_full_vessel_page_every_field():
    records, report = run(PULL)
    ship = nodes(records)["ua-gur-ship-1003"]
    assert ship.type == "Vessel" and ship.prov.source == "ua_gur_war_sanctions" and ship.prov.record == "1003"
    expected = {
        "name": ["KGRAPH TEST TANKER"], "imoNumber": ["1234567"], "mmsi": ["620999001"], "callSign": ["D6ZZ9"],
        "flag": ["KM"], "pastFlags": ["LR", "PA"], "previousName": ["TEST ONE", "TEST TWO"],
        "vesselType": ["Crude Oil Tanker"], "buildDate": ["2004"], "grossRegisteredTonnage": ["81085"],
        "tonnage": ["159999"],
        "sourceUrl": [f"{PORTAL}/1003", "https://example.org/kgraph-test/ais-gaps"],
    }
    assert {k: ship.get(k) for k in expected} == expected
    notes = ship.get("notes")
    for note in ("Category: Shadow fleet", "Category: Transportation of stolen goods", "Flags (former): Gondwanaland",
                 "Sanctions: EU; United Kingdom; Canada", "Cases of AIS shutdown: 3", "Length (m): 274",
                 "Calling at russian ports: Primorsk / Ust-Luga", "Visited ports: Sikka (India)",
                 "Builder (country): Test Shipyard (Japan)"):
        assert note in notes, note
    info = next(n for n in notes if n.startswith("Test vessel"))
    assert info.endswith("switched off; ship-to-ship transfers off Kalamata.")  # lines and spans joined
    assert "id-mmsi-620999001" in node_keys("Vessel", ship.props) and "imo-1234567" in node_keys("Vessel", ship.props)
    # owner with its c/o company, commercial manager, ISM manager and P&I club
    (owns,) = edges(records, "OWNS", ship.id)
    assert owns.start == "ua-gur-company-5999001" and owns.get("startDate") == ["2023-03-01"]
    owner = nodes(records)[owns.start]
    assert owner.get("name") == ["Kgraph Test Shipowning Ltd"] and owner.get("country") == ["SC"]
    assert owner.get("idNumber") == ["IMO 5999001"]
    (care_of,) = edges(records, "LINKED_TO", start=owner.id)
    assert care_of.get("relation") == ["care of (c/o)"]
    assert nodes(records)[care_of.end].get("name") == ["Kgraph Test Ship Management LLC"]
    (operates,) = edges(records, "OPERATES", ship.id)
    assert operates.start == "ua-gur-company-5999018" and operates.get("startDate") == ["2023-02-14"]
    links = {e.get("relation")[0]: e.start for e in edges(records, "LINKED_TO", ship.id)}
    assert links["ship safety management (ISM) manager"] == "ua-gur-company-5999018"
    assert nodes(records)[links["P&I club (insurer)"]].get("name") == ["Kgraph Test Mutual P&I Association"]
    (listing,) = edges(records, "SANCTIONED_UNDER", start=ship.id)
    assert listing.end == "program-ua-gur-war-sanctions-ships" and listing.get("sourceUrl") == [f"{PORTAL}/1003"]
    assert listing.get("reason") == [info]
    assert report.read == report.kept == 4 and report.balanced


def test_real_ships_and_empty_values():
    records, _ = run(PULL)
    eagle, leader = nodes(records)["ua-gur-ship-1001"], nodes(records)["ua-gur-ship-1002"]
    assert eagle.get("imoNumber") == ["9329760"] and eagle.get("flag") == ["CK"] and eagle.get("buildDate") == ["2006"]
    # "0" tonnage means unknown, "-" means nothing
    assert not {"tonnage", "grossRegisteredTonnage", "mmsi", "callSign", "pastFlags", "previousName"} & set(eagle.props)
    owner = nodes(records)[edges(records, "OWNS", eagle.id)[0].start]
    assert owner.get("name") == ["Caravella LLC FZ"] and owner.get("country") == ["AE"] and "idNumber" not in owner.props
    assert owner.id.startswith("ua-gur-company-") and not edges(records, "OWNS", eagle.id)[0].get("startDate")
    assert "Ship Safety Management Manager (IMO / Country / Date): unknown (since 2024-03-22)" in eagle.get("notes")
    assert not edges(records, "LINKED_TO", eagle.id)  # "Unknown" and the "-" P&I club make no company
    assert leader.get("mmsi") == ["636013272"] and leader.get("callSign") == ["A8LU7"] and leader.get("flag") == ["GA"]
    assert not edges(records, "OWNS", leader.id)


def test_shared_company_is_one_node():
    records, _ = run(PULL)
    manager = nodes(records)["ua-gur-company-5999018"]
    assert sorted(e.end for e in edges(records, "OPERATES", start=manager.id)) == ["ua-gur-ship-1003", "ua-gur-ship-1004"]
    assert manager.get("name") == ["Kgraph Test Ship Management LLC"]
    assert manager.get("alias") == ["KGRAPH TEST SHIP MANAGEMENT L.L.C."]  # the other page's spelling
    assert manager.get("country") == ["AE"] and manager.get("idNumber") == ["IMO 5999018"]
    assert [r.id for r in records if isinstance(r, Node)].count(manager.id) == 1
    # the company's IMO number meets OFAC's "Identification Number IMO 5999018" on one key
    assert "id-other-IMO5999018" in node_keys("Organization", manager.props)


def test_unknown_label_and_unparseable_party_kept_in_notes():
    records, report = run(PULL)
    carrier = nodes(records)["ua-gur-ship-1004"]
    assert report.unknown_fields == {"Ice class": 1} and "Ice class: Arc4" in carrier.get("notes")
    assert "Ship Owner (IMO / Country / Date): see the page of the owner" in carrier.get("notes")
    assert any("party not in the form" in w and "see the page of the owner" in w for w in report.warnings)
    assert "Build year: before 1990" in carrier.get("notes") and "buildDate" not in carrier.props
    assert carrier.get("imoNumber") == ["9876543"]  # "IMO 9876543"
    (ism,) = edges(records, "LINKED_TO", carrier.id)
    assert ism.start == "ua-gur-company-5999020" and ism.get("startDate") == ["2024-06"]
    assert nodes(records)[ism.start].get("name") == ["Kgraph Test Safety A/S"]  # "A/S" is not two parties


def test_records_fit_the_schema_and_ids_are_unique():
    records, _ = run(PULL)
    types = {r.id: r.type for r in records if isinstance(r, Node)}
    assert len(types) == sum(isinstance(r, Node) for r in records)
    for rec in records:
        assert validate(rec) == [], (rec, validate(rec))
        if isinstance(rec, Edge):
            assert (types[rec.start], types[rec.end]) in schema().rel(rec.type).between
    assert nodes(records)["program-ua-gur-war-sanctions-ships"].get("name")[0].endswith("(not a legal sanctions list)")
    assert [(e.start, e.end) for e in edges(records, "ISSUED_BY")] == [
        ("program-ua-gur-war-sanctions-ships", "authority-ua_gur_war_sanctions")]


@pytest.mark.parametrize("text, expected", [
    ("Ocean Dolphin Ship Management (6270796 / United Arab Emirates / 14.02.2023)",
     ws.Party("Ocean Dolphin Ship Management", "6270796", "United Arab Emirates", "2023-02-14")),
    ("Ocean Dolphin Ship Co. c/o Ocean Ship Management LLC (6270796 / UAE / 14.02.2023)",
     ws.Party("Ocean Dolphin Ship Co.", "6270796", "UAE", "2023-02-14", "Ocean Ship Management LLC")),
    ("Alpha Shipping Ltd с/о Beta Management (1234560 / Liberia / 01.2024)",  # Cyrillic с and о
     ws.Party("Alpha Shipping Ltd", "1234560", "Liberia", "2024-01", "Beta Management")),
    ("Gamma Marine (Hong Kong) Ltd (- / Hong Kong / 05/06/2023)",
     ws.Party("Gamma Marine (Hong Kong) Ltd", None, "Hong Kong", "2023-06-05")),
    ("Delta Tankers Inc (IMO 6123456/Panama/2022)", ws.Party("Delta Tankers Inc", "6123456", "Panama", "2022")),
    ("Unknown (22.03.2024)", ws.Party(None, date="2024-03-22")),
    ("Невідомо (- / - / -)", ws.Party(None)),
    ("Unknown c/o Kappa Ltd (- / - / -)", None),
    ("Epsilon Ltd", None),  # no (IMO / Country / Date)
    ("Zeta Ltd (1111111 / Malta / 01.01.2020) / Eta Ltd (2222222 / Malta / 01.01.2021)", None),
    ("Theta Ltd (01.01.2020 / 02.02.2021)", None),  # two dates
    ("Iota Ltd (former) (3333333 / Malta / 01.01.2020)", None),
])
def test_parse_party(text, expected):
    assert ws.parse_party(text) == expected


@pytest.mark.parametrize("body, message", [
    (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><main><h1>Bad Gateway</h1>"
     b"</main></body></html>", "no div.tools-spec rows: not a ship page (an error or block page? title '502 Bad Gateway')"),
    ((SHIPS / "1003.html").read_bytes()[:3000], "truncated HTML"),
    ((SHIPS / "1003.html").read_bytes().replace(b"Comoros", b"Como\xffros"), "not UTF-8 text"),
    (b"", "empty file"),
])
def test_malformed_page_is_one_clear_error(tmp_path, body, message):
    copy_fixture(tmp_path)
    (tmp_path / "ships" / "1003.html").write_bytes(body)
    with pytest.raises(SourceFormatError) as err:
        run(tmp_path)
    assert str(err.value).startswith("1003.html: ") and message in str(err.value) and "\n" not in str(err.value)


def test_other_bad_inputs(tmp_path):
    with pytest.raises(SourceFormatError, match="no ship pages"):
        run(tmp_path)
    copy_fixture(tmp_path)
    (tmp_path / "index.json").write_text("<html>", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="^index.json: not a war-sanctions index"):
        run(tmp_path)
    with pytest.raises(SourceFormatError, match="saved as <portal id>.html"):
        run(WS / "block.html")


def test_bad_imo_and_nameless_page(tmp_path):
    copy_fixture(tmp_path)
    leader = tmp_path / "ships" / "1002.html"
    leader.write_text(leader.read_text(encoding="utf-8").replace("9339301", "9339302"), encoding="utf-8")
    carrier = tmp_path / "ships" / "1004.html"
    carrier.write_text(carrier.read_text(encoding="utf-8").replace(
        'yellow">KGRAPH TEST CARRIER<', 'yellow">-<'), encoding="utf-8")
    records, report = run(tmp_path)
    # a wrong check digit would merge two ships on one key: kept in the notes only
    ship = nodes(records)["ua-gur-ship-1002"]
    assert "imoNumber" not in ship.props and "IMO as published: 9339302" in ship.get("notes")
    assert any("not a valid ship IMO number" in w for w in report.warnings)
    assert (report.read, report.kept, report.rejected) == (4, 3, 1) and "ua-gur-ship-1004" not in nodes(records)
    assert "ua-gur-company-5999020" not in nodes(records)  # the ISM manager of the refused page only


def test_bad_settings(tmp_path):
    from kgraph.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[sources.war-sanctions\] delay must be >= 0"):
        ws.fetch(tmp_path, config={"sources": {"war-sanctions": {"delay": "soon"}}})


def test_one_page_and_a_missing_page(tmp_path):
    records, report = run(SHIPS / "1002.html")  # `kgraph ingest war-sanctions --from 1002.html`
    assert [r.id for r in records if isinstance(r, Node) and r.type == "Vessel"] == ["ua-gur-ship-1002"]
    copy_fixture(tmp_path)
    (tmp_path / "ships" / "1004.html").unlink()
    records, report = run(tmp_path)
    assert report.read == 3 and any("listed ships without a saved page" in w and "1004" in w for w in report.warnings)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(damaged((SHIPS / "1003.html").read_bytes()))
def test_fuzz_ship_page(case):
    """A damaged page: records that fit the schema with the loss counted, or one error naming the page."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_fixture(Path(tmp))
        (folder / "ships" / "1003.html").write_bytes(case[1])
        try:
            records, report = run(folder)
        except SourceFormatError as e:
            assert str(e).startswith("1003.html: ") and "\n" not in str(e)
            return
    assert report.balanced and all(validate(r) == [] for r in records)
    if report.kept < 4:
        assert report.rejected and report.warnings


# ---------------------------------------------------------------- fetching from a real local server
def serve_portal(srv, *, listing_first=(), detail_first=()) -> None:
    """The portal as the crawler saw it: two listing pages, then an empty one, and the four ship pages."""
    pages = {1: (SHIPS / "page-0001.html").read_bytes(), 2: (SHIPS / "page-0002.html").read_bytes()}
    empty = (WS / "listing-empty.html").read_bytes()
    early = list(listing_first)

    def listing(req):
        if early:
            return early.pop(0)
        assert req.param("per-page") == "12"
        return Reply(body=pages.get(int(req.param("page")), empty), content_type="text/html; charset=UTF-8")

    srv.route("/en/transport/ships", handler=listing)
    for page in SHIPS.glob("1*.html"):
        replies = [*(detail_first if page.stem == "1003" else ()),
                   Reply(body=page.read_bytes(), content_type="text/html; charset=UTF-8")]
        srv.route(f"/en/transport/ships/{page.stem}", *replies)


def config_for(srv, **extra) -> dict:
    return {"http": {"retries": 1, "backoff": 0}, "sources": {"war-sanctions": {"base_url": srv.base_url,
                                                                                 "delay": 0, **extra}}}


def test_fetch_walks_the_listing_then_the_ship_pages(http_server, tmp_path):
    serve_portal(http_server, detail_first=[Reply.text("Service Unavailable", status=503, content_type="text/plain")])
    counts = ws.fetch(tmp_path, config=config_for(http_server))
    assert counts == {"pages": 2, "ships": 4, "not_found": 0}
    assert [r.param("page") for r in http_server.requests_to("/en/transport/ships")] == ["1", "2", "3"]
    # absolute and relative links alike; the 503 was retried
    assert len(http_server.requests_to("/en/transport/ships/1003")) == 2
    assert sorted(p.name for p in (tmp_path / "ships").iterdir()) == [
        "1001.html", "1002.html", "1003.html", "1004.html", "page-0001.html", "page-0002.html"]
    assert json.loads((tmp_path / "index.json").read_text())["ships"] == ["1001", "1002", "1003", "1004"]
    fetched, fetched_report = run(tmp_path)
    saved, saved_report = run(PULL)
    assert [r.to_json() for r in fetched] == [r.to_json() for r in saved]
    assert fetched_report.warnings == saved_report.warnings


def test_fetch_is_polite(http_server, tmp_path):
    serve_portal(http_server)
    ws.fetch(tmp_path, config=config_for(http_server, delay=0.15))
    arrivals = [r.at for r in http_server.requests]
    assert len(arrivals) == 7 and min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.15


def test_fetch_stops_when_a_page_brings_nothing_new(http_server, tmp_path):
    # past its last page the portal answers the last page again
    page = (SHIPS / "page-0001.html").read_bytes()
    http_server.route("/en/transport/ships", Reply(body=page, content_type="text/html"))
    for sid in ("1001", "1002", "1003"):
        http_server.route(f"/en/transport/ships/{sid}", Reply(body=(SHIPS / f"{sid}.html").read_bytes()))
    assert ws.fetch(tmp_path, config=config_for(http_server))["ships"] == 3
    assert len(http_server.requests_to("/en/transport/ships")) == 2


def test_fetch_page_limit(http_server, tmp_path):
    serve_portal(http_server)
    with pytest.raises(FetchError, match=r"the listing did not end within 1 pages; raise \[sources.war-sanctions\] max_pages"):
        ws.fetch(tmp_path, config=config_for(http_server, max_pages=1))


def test_block_page_instead_of_the_listing(http_server, tmp_path):
    serve_portal(http_server, listing_first=[Reply.html((WS / "block.html").read_text(encoding="utf-8"))])
    with pytest.raises(FetchError) as err:
        ws.fetch(tmp_path, config=config_for(http_server))
    message = str(err.value)
    assert message == (f"{http_server.base_url}/en/transport/ships?page=1: no div#main-grid in the answer: "
                       "a block or error page? (title 'Just a moment...')")
    assert not http_server.requests_to("/en/transport/ships/1001")


def test_block_page_instead_of_a_ship_page_and_a_removed_ship(http_server, tmp_path):
    serve_portal(http_server, detail_first=[Reply.html((WS / "block.html").read_text(encoding="utf-8"))])
    with pytest.raises(FetchError, match=r"/en/transport/ships/1003: no div.tools-spec rows in the answer"):
        ws.fetch(tmp_path / "a", config=config_for(http_server))
    http_server.route("/en/transport/ships/1002", Reply.html(status=404))
    counts = ws.fetch(tmp_path / "b", config=config_for(http_server))
    assert counts["not_found"] == 1 and json.loads((tmp_path / "b" / "index.json").read_text())["not_found"] == ["1002"]
    records, report = run(tmp_path / "b")
    assert report.read == 3 and not any("without a saved page" in w for w in report.warnings)


# ---------------------------------------------------------------- end to end
def kg(root: Path, *args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--data-dir", str(root), *args])


def test_update_then_lookup_by_imo(http_server, tmp_path, refused_url, monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, refused_url)  # anything not on 127.0.0.1 is refused
    serve_portal(http_server)
    root = tmp_path / "data"
    root.mkdir()
    (root / "config.toml").write_text(
        f'[http]\nretries = 0\n\n[update]\ncheck = false\n\n[sources.war-sanctions]\n'
        f'base_url = "{http_server.base_url}"\ndelay = 0\n', encoding="utf-8")
    result = kg(root, "update", "--sources", "war-sanctions", "--json")
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["sources"]["war-sanctions"]
    assert row["status"] == "updated" and row["read"] == 4 and row["kept"] == 4
    hits = json.loads(kg(root, "lookup", "9329760", "--json").output)
    assert hits[0]["id"] == "ua-gur-ship-1001" and hits[0]["name"] == "EAGLE S"
    assert hits[0]["why"][0].startswith("identifier")
    # listed on the portal, which has no legal effect: the listing shows, but the ship is not "sanctioned"
    assert not hits[0]["sanctioned"] and any("War & Sanctions" in p for p in hits[0]["programs"]), hits[0]
    card = json.loads(kg(root, "show", "ua-gur-ship-1001", "--json").output)
    assert not card["sanctioned"] and card["listings"] and card["listings"][0]["status"] == "watchlist", card
    # the same pages given as a folder: no network at all
    local = kg(root, "ingest", "war-sanctions", "--from", str(PULL), "--no-check", "--json")
    assert local.exit_code == 0, local.output
    assert json.loads(local.output)["kept"] == 4
    refused = kg(root, "ingest", "war-sanctions", "--from", str(PULL))  # 4 ships: far below the portal's 1,404
    assert refused.exit_code != 0 and "quality check failed" in refused.output and "Vessel nodes" in refused.output
