"""Ukraine NSDC register: parsing the saved API answers, and fetching them from a real local HTTP server."""
from __future__ import annotations

import doctest
import json
import logging
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import ua_nsdc
from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.ids import node_keys
from kgraph.model import Edge, Node, ParseReport, validate
from kgraph.schema import schema
from tests.conftest import FIXTURES
from tests.httpserver import Reply, require_header
from tests.mutations import damaged

NSDC = FIXTURES / "nsdc"
KEY = "kgraph-test-S3CRET-key-7f3a91"


def run(folder: Path) -> tuple[list, ParseReport]:
    report = ParseReport("ua_nsdc")
    return list(ua_nsdc.parse(folder, snapshot="2026-01-31", report=report)), report


def entities(records) -> dict[str, Node]:
    return {r.id: r for r in records if isinstance(r, Node) and r.id.startswith("ua-nsdc-")}


def listing(records, node_id: str) -> Edge:
    (edge,) = [r for r in records if isinstance(r, Edge) and r.type == "SANCTIONED_UNDER" and r.start == node_id]
    return edge


def assert_valid(records) -> None:
    types = {r.id: r.type for r in records if isinstance(r, Node)}
    assert len(types) == sum(isinstance(r, Node) for r in records), "duplicate node ids"
    for rec in records:
        assert validate(rec) == [], (rec, validate(rec))
        if isinstance(rec, Edge):
            assert (types[rec.start], types[rec.end]) in schema().rel(rec.type).between


def copy_fixture(dest: Path) -> Path:
    for f in NSDC.glob("*.json*"):
        shutil.copy(f, dest / f.name)
    return dest


# ---------------------------------------------------------------- parsing
def test_source_declaration():
    src = ua_nsdc.SOURCE
    assert src.name == "nsdc" and src.datasets == ("ua_nsdc",) and src.env == ("KGRAPH_NSDC_API_KEY",)
    assert src.files == ()
    lo, hi = src.assertions["read"]
    assert lo <= 22000 <= hi


def test_aviacon_zitotrans():
    records, _ = run(NSDC)
    node = entities(records)["ua-nsdc-28071"]
    assert node.type == "Organization" and node.prov.record == "28071" and node.prov.source == "ua_nsdc"
    assert node.get("name") == ['Акціонерне товариство "Авіакомпанія "Авіакон Цитотранс"']
    # the Russian and English forms of the name, the aliases and the register's transliteration
    assert 'Акционерное общество "Авиакомпания "Авиакон Цитотранс"' in node.get("alias")
    assert 'Joint Stock Company "Aviakompaniia "Aviakon Tsytotrans"' in node.get("alias")
    assert "JSC Aviacon Zitotrans" in node.get("alias")
    assert 'Aktsionerne tovarystvo "Aviakompaniia "Aviakon Tsytotrans"' in node.get("alias")
    assert node.get("innCode") == ["6658039390"] and node.get("ogrnCode") == ["1026602311240"]
    # the same keys as OFAC's "Tax ID No. 6658039390" and "Registration Number 1026602311240"
    assert {"id-tax-6658039390", "id-reg-1026602311240"} <= set(node_keys(node.type, node.props))
    assert node.get("incorporationDate") == ["1995-06-02"] and node.get("jurisdiction") == ["RU"]
    assert len(node.get("address")) == 2 and "Екатеринбург" in node.get("address")[1]
    assert node.get("status") == ["active"]
    edge = listing(records, node.id)
    assert edge.end == "program-ua-nsdc-sanctions"
    assert edge.get("status") == ["active"] and edge.get("listingDate") == ["2022-10-19"]
    assert edge.get("endDate") == ["2032-10-19"]
    assert edge.get("decree")[0].startswith("Decree No. 726/2022 of 2022-10-19")
    assert edge.get("sourceUrl") == ["https://www.president.gov.ua/documents/example-decree-a"]
    assert_valid(records)


def test_program_and_authority():
    records, _ = run(NSDC)
    nodes = {r.id: r for r in records if isinstance(r, Node)}
    assert nodes["authority-ua_nsdc"].get("publisher") == ["National Security and Defense Council of Ukraine"]
    assert nodes["authority-ua_nsdc"].get("country") == ["UA"]
    assert "State Register of Sanctions of Ukraine" in nodes["authority-ua_nsdc"].get("name")
    assert nodes["program-ua-nsdc-sanctions"].get("name") == ["Ukraine NSDC sanctions (Law on Sanctions)"]
    issued = [r for r in records if isinstance(r, Edge) and r.type == "ISSUED_BY"]
    assert [(e.start, e.end) for e in issued] == [("program-ua-nsdc-sanctions", "authority-ua_nsdc")]


def test_statuses_visible():
    records, report = run(NSDC)
    nodes = entities(records)
    assert nodes["ua-nsdc-7002"].get("status") == ["expired"]
    assert listing(records, "ua-nsdc-7002").get("status") == ["expired"]
    excluded = listing(records, "ua-nsdc-12001")
    assert nodes["ua-nsdc-12001"].get("status") == ["excluded"] and excluded.get("status") == ["excluded"]
    assert len(excluded.get("decree")) == 2 and excluded.get("listingDate") == ["2020-05-14"]
    assert report.info["status"] == {"active": 4, "excluded": 1, "expired": 1}


def test_person_vessel_and_quirks():
    records, report = run(NSDC)
    nodes = entities(records)
    person = nodes["ua-nsdc-7001"]
    assert person.type == "Person" and person.get("name") == ["Петренко Петро Петрович"]
    assert person.get("citizenship") == ["RU"]  # DN is not a country: kept in the notes
    assert any("DN" in n and "Donetsk" in n for n in person.get("notes"))
    assert person.get("passportNumber") == ["4510 123456"] and person.get("innCode") == ["771234567890"]
    assert person.get("idNumber") == ["304770000123456"]  # an OGRNIP: a Person has no ogrnCode
    assert person.get("address") == ["Російська Федерація, м. Москва"]  # "(росія)" removed
    assert person.get("birthDate") == ["1970-02-01"] and person.get("title") == ["генерал-майор"]
    assert nodes["ua-nsdc-7002"].get("birthDate") == ["1965"] and nodes["ua-nsdc-7002"].get("deathDate") == ["2024-03-15"]
    vessel = nodes["ua-nsdc-41002"]
    assert vessel.type == "Vessel" and vessel.get("imoNumber") == ["9333436"]
    assert vessel.get("previousName") == ["PRIMORYE"] and "alias" not in vessel.props  # translit = name
    company = nodes["ua-nsdc-12001"]
    assert company.get("ogrnCode") == ["1166196051234", "1176196000000"]  # ";"-packed codes
    assert "40000001" in company.get("registrationNumber")
    assert "reg:edrpou: 40000001 (UA, код ЄДРПОУ)" in company.get("notes")  # the raw scheme is kept
    assert "616401001" not in " ".join(company.get("registrationNumber") + company.get("idNumber"))
    assert "КПП: 616401001" in company.get("notes")
    assert company.get("previousName") == ['ТОВ "Старий Приклад"', 'ООО "Старый Пример"']
    assert company.get("dissolutionDate") == ["2023-10-01"]
    assert report.unknown_fields == {"attribute Дата реєстрації": 1}
    chinese = nodes["ua-nsdc-50003"]
    assert chinese.get("registrationNumber") == ["91440300MA5F000001"]
    no_actions = listing(records, "ua-nsdc-50003")  # the API answered 404 for its actions
    assert no_actions.get("status") == ["active"] and "decree" not in no_actions.props


def test_counts_and_rejections():
    records, report = run(NSDC)
    assert report.read == 8 and report.kept == 6 and report.rejected == 2 and report.balanced
    assert len(entities(records)) == report.kept
    assert any("not lists of objects" in w for w in report.warnings)
    assert any("sid" in w for w in report.warnings if w.startswith("rejected"))


@pytest.mark.parametrize("raw, names", [
    ('ТОВ "Альфа" (ООО "Альфа", Alfa LLC)', ['ТОВ "Альфа"', 'ООО "Альфа"', "Alfa LLC"]),
    ("ТОВ «Бета, Гамма» (ООО «Бета, Гамма», Beta, Gamma LLC)", ["ТОВ «Бета, Гамма»", "ООО «Бета, Гамма»", "Beta, Gamma LLC"]),
    ("Іванов Іван (Иванов Иван)", ["Іванов Іван", "Иванов Иван"]),
    ("ПАТ Сбербанк (ПАТ)", ["ПАТ Сбербанк (ПАТ)"]),
    ("", []),
])
def test_split_name(raw, names):
    assert ua_nsdc.split_name(raw) == names


def test_doctests():
    assert doctest.testmod(ua_nsdc).failed == 0


def test_without_actions_file(tmp_path):
    copy_fixture(tmp_path)
    (tmp_path / "actions.jsonl").unlink()
    records, report = run(tmp_path)
    assert report.kept == 6
    assert any("no actions.jsonl" in w for w in report.warnings)
    assert listing(records, "ua-nsdc-7002").get("status") == ["expired"]


def test_duplicate_sid_rejected(tmp_path):
    subject = json.loads((NSDC / "subjects_legal.json").read_text(encoding="utf-8"))[1]
    (tmp_path / "subjects_legal.json").write_text(json.dumps([subject, subject]), encoding="utf-8")
    records, report = run(tmp_path)
    assert report.read == 2 and report.kept == 1 and report.rejected == 1
    assert any("listed twice" in w for w in report.warnings)


@pytest.mark.parametrize("name, body", [
    ("subjects_legal.json", b"<!DOCTYPE html><html><body>Service unavailable</body></html>"),
    ("subjects_legal.json", b'[{"sid": 1, "name": "x"'),
    ("subjects_legal.json", b'{"message": "Unauthorized"}'),
    ("subjects_legal.json", b"[" * 100_000 + b"]" * 100_000),
    ("subjects_legal.json", b'[{"sid": 1, "name": "\xff\xfe\xfa"}]'),
    ("actions.jsonl", b'{"sid": "1", "actions": []}\n{"sid": "2", "actions": [\n'),
    ("actions.jsonl", b'{"sid": "1", "actions": "none"}\n'),
])
def test_bad_files_are_one_clear_error(tmp_path, name, body):
    copy_fixture(tmp_path)
    (tmp_path / name).write_bytes(body)
    with pytest.raises(SourceFormatError) as err:
        run(tmp_path)
    assert str(err.value).startswith(name) and "\n" not in str(err.value)


def test_empty_folder(tmp_path):
    with pytest.raises(SourceFormatError, match="no subjects_individual.json"):
        run(tmp_path)


def _check_damaged(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = copy_fixture(Path(d))
        (folder / name).write_bytes(data)
        report = ParseReport("ua_nsdc")
        try:
            records = list(ua_nsdc.parse(folder, report=report))
        except SourceFormatError as e:
            assert str(e).startswith(name)
            return
    assert report.balanced
    assert_valid(records)
    assert len(entities(records)) == report.kept
    if report.kept < 6:
        assert report.rejected > 0 or report.warnings


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(damaged((NSDC / "subjects_legal.json").read_bytes()))
def test_fuzz_subjects(case):
    _check_damaged("subjects_legal.json", case[1])


@FUZZ
@given(damaged((NSDC / "actions.jsonl").read_bytes()))
def test_fuzz_actions(case):
    _check_damaged("actions.jsonl", case[1])


# ---------------------------------------------------------------- fetching from a real local server
def serve_register(srv, *, key: str = KEY, pages: int = 1) -> None:
    """The API as documented: subject lists by type, actions per subject, 401 without the key."""
    subjects = {kind: json.loads((NSDC / f"subjects_{kind}.json").read_text(encoding="utf-8"))
                for kind in ("individual", "legal")}

    def subjects_handler(req):
        if req.header("x-cota-public-api-key") != key:
            return Reply.json({"statusCode": 401, "message": "Unauthorized"}, status=401)
        items = subjects.get(req.param("subjectType"))
        if items is None:
            return Reply.json({"message": "bad subjectType"}, status=400)
        if pages == 1:
            return Reply.json(items)
        page = int(req.param("page") or 1)  # an envelope with page numbers, in case the API starts paging
        size = -(-len(items) // pages)
        return Reply.json({"data": items[(page - 1) * size: page * size], "meta": {"page": page, "pages": pages}})

    srv.route("/v2/subjects", handler=subjects_handler)
    for line in (NSDC / "actions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["actions"] is not None:  # no route: the server answers 404, as for a subject without actions
            srv.route(f"/subjects/{row['sid']}/actions",
                      handler=require_header("x-cota-public-api-key", key, Reply.json(row["actions"])))


def config_for(srv) -> dict:
    return {"http": {"retries": 0}, "sources": {"nsdc": {"api_url": srv.base_url}}}


def test_fetch_then_parse(http_server, tmp_path, monkeypatch):
    monkeypatch.setenv("KGRAPH_NSDC_API_KEY", KEY)
    serve_register(http_server)
    counts = ua_nsdc.fetch(tmp_path, config=config_for(http_server))
    assert counts["subjects"] == {"individual": 4, "legal": 4} and counts["actions_not_found"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.jsonl", "subjects_individual.json",
                                                          "subjects_legal.json"]
    # every request carried the key in the documented header
    assert http_server.requests and all(r.header("x-cota-public-api-key") == KEY for r in http_server.requests)
    assert {r.param("subjectType") for r in http_server.requests_to("/v2/subjects")} == {"individual", "legal"}
    assert len([r for r in http_server.requests if r.path.endswith("/actions")]) == 7  # one per subject with a sid
    fetched, fetched_report = run(tmp_path)
    saved, saved_report = run(NSDC)
    assert [r.to_json() for r in fetched] == [r.to_json() for r in saved]
    assert fetched_report.to_dict() | {"path": None} == saved_report.to_dict() | {"path": None}


def test_fetch_follows_pages(http_server, tmp_path, monkeypatch):
    monkeypatch.setenv("KGRAPH_NSDC_API_KEY", KEY)
    serve_register(http_server, pages=2)
    counts = ua_nsdc.fetch(tmp_path, config=config_for(http_server))
    assert counts["pages"] == {"individual": 2, "legal": 2}
    assert (tmp_path / "subjects_legal.p2.json").is_file()
    assert [r.param("page") for r in http_server.requests_to("/v2/subjects")] == [None, "2", None, "2"]
    records, report = run(tmp_path)
    assert report.read == 8 and report.kept == 6
    assert set(entities(records)) == set(entities(run(NSDC)[0]))


def test_missing_key_names_the_variable(http_server, tmp_path, monkeypatch):
    monkeypatch.delenv("KGRAPH_NSDC_API_KEY", raising=False)
    serve_register(http_server)
    with pytest.raises(ConfigError) as err:
        ua_nsdc.fetch(tmp_path, config=config_for(http_server))
    assert "KGRAPH_NSDC_API_KEY" in str(err.value) and "sanctions@rnbo.gov.ua" in str(err.value)
    assert http_server.requests == []


def test_refused_key_is_a_clear_error(http_server, tmp_path, monkeypatch):
    monkeypatch.setenv("KGRAPH_NSDC_API_KEY", "wrong-key-0000")
    serve_register(http_server)
    with pytest.raises(ConfigError) as err:
        ua_nsdc.fetch(tmp_path, config=config_for(http_server))
    assert "HTTP 401" in str(err.value) and "KGRAPH_NSDC_API_KEY" in str(err.value)
    assert "wrong-key-0000" not in str(err.value)


@pytest.mark.parametrize("reply, reason", [
    (Reply.html(), "HTML page"),
    (Reply(body=b"", content_type="application/json"), "empty body"),
    (Reply(body=b"[{", content_type="application/json"), "invalid JSON"),
    (Reply.json({"message": "maintenance"}), "not a list"),
])
def test_non_json_answers_refused(http_server, tmp_path, monkeypatch, reply, reason):
    monkeypatch.setenv("KGRAPH_NSDC_API_KEY", KEY)
    http_server.route("/v2/subjects", handler=require_header("x-cota-public-api-key", KEY, reply))
    with pytest.raises(FetchError) as err:
        ua_nsdc.fetch(tmp_path, config=config_for(http_server))
    assert reason in str(err.value) and KEY not in str(err.value)


def test_key_never_leaks(http_server, tmp_path, monkeypatch, caplog, capfd):
    """Through a whole fetch_source run (fetch.json included), a failed call and a parse: no trace of the key."""
    from kgraph.datadir import DataDir
    from kgraph.fetch import fetch_source

    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("KGRAPH_NSDC_API_KEY", KEY)
    serve_register(http_server)
    dd = DataDir(tmp_path / "data")
    result = fetch_source(dd, ua_nsdc.SOURCE, config=config_for(http_server), fetcher=ua_nsdc.fetch)
    assert result.fresh and (result.path / "fetch.json").is_file()
    records, _ = run(result.path)
    assert len(entities(records)) == 6
    http_server.route("/subjects/7001/actions", Reply.html(status=500))  # a failure mid-pull
    (tmp_path / "again").mkdir()
    with pytest.raises(FetchError) as err:
        ua_nsdc.fetch(tmp_path / "again", config=config_for(http_server))
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert written and KEY.encode() not in written
    out, errors = capfd.readouterr()
    assert KEY not in caplog.text + out + errors + str(err.value)
    assert "7001" in str(err.value)
