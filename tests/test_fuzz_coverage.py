"""Parsers under attack, across the board: every ingester is fuzzed, and damage is refused cleanly by the CLI.

1. Coverage: every ingester of :data:`kgraph.sources.INGESTERS` has a fuzz
   test (a hypothesis test fed by :func:`tests.mutations.damaged`, bounded
   by ``max_examples``, ``deadline=None``) somewhere under tests/; the files
   an ingester reads that its own tests do not damage are damaged here.
2. Allowed outcomes of a damaged file: correct records (every record fits
   the schema, read == kept + rejected, and fewer entities than the intact
   file only with a rejection or a warning), or one SourceFormatError naming
   the file; never another exception, and never a hang (a time limit per
   example).
3. Through the CLI: ``kgraph ingest SOURCE --from <damaged file>`` prints one
   ``Error: ...`` line naming the file, exits non-zero and leaves the data
   directory byte for byte as it was; hostile XML (XXE, billion laughs,
   external DTD, parameter entities, deep nesting, a DOCTYPE hidden behind
   64 KB of comment) is refused the same way for every XML source, without
   reading the file or fetching the URL the entities point at.
"""
from __future__ import annotations

import ast
import json
import random
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from ingest import ca_sema, opensky_aircraft, opensky_flights, ourairports, us_faa, us_ofac
from kgraph.cli import cli
from kgraph.errors import SourceFormatError
from kgraph.model import ParseReport, validate
from kgraph.sources import INGESTERS
from tests.hardening import copy_datadir, run_kgraph, time_limit, tree_digest
from tests.mutations import damaged

TESTS = Path(__file__).parent
FIX = TESTS / "fixtures"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PER_EXAMPLE_S = 20


# --------------------------------------------------------------------------- 1. coverage
def _ingest_aliases(tree: ast.Module) -> dict[str, str]:
    """Names bound to ingest modules (or to things imported from them) -> module name."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "ingest":
            found.update({a.asname or a.name: f"ingest.{a.name}" for a in node.names})
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ingest."):
            found.update({a.asname or a.name: node.module for a in node.names})
        elif isinstance(node, ast.Import):
            found.update({a.asname: a.name for a in node.names if a.name.startswith("ingest.") and a.asname})
    return found


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [c for c in ast.walk(node) if isinstance(c, ast.Call)
            and getattr(c.func, "id", getattr(c.func, "attr", None)) == name]


def _names(node: ast.AST, functions: dict[str, ast.AST], seen: set[str]) -> set[str]:
    """Names a function uses, through the helper functions of its file that it calls."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    for name in names & set(functions) - seen:
        seen.add(name)
        names |= _names(functions[name], functions, seen)
    return names


def fuzz_tests(folder: Path = TESTS) -> dict[str, list[str]]:
    """Ingester module -> the fuzz tests (``file::function``) that feed it damaged input.

    A fuzz test is a function decorated with ``given(...)`` over ``damaged(...)``
    and with ``settings(max_examples=N, deadline=None)`` (directly or through a
    module-level settings object). It counts for the ingest modules its body
    (or a helper of its file that it calls) refers to, or for the only ingest
    module its file imports.
    """
    out: dict[str, list[str]] = {}
    for file in sorted(folder.glob("test_*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        aliases = _ingest_aliases(tree)
        functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
        named = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name) and _calls(node.value, "settings")}
        for fn in functions.values():
            fed = any(_calls(d, "given") and _calls(d, "damaged") for d in fn.decorator_list)
            bounds = [named.get(d.id) if isinstance(d, ast.Name) else d for d in fn.decorator_list]
            bounded = [c for b in bounds if b is not None for c in _calls(b, "settings")
                       if {k.arg for k in c.keywords} >= {"max_examples", "deadline"}
                       and any(k.arg == "deadline" and isinstance(k.value, ast.Constant) and k.value.value is None
                               for k in c.keywords)]
            if not (fed and bounded):
                continue
            modules = {aliases[n] for n in _names(fn, functions, {fn.name}) if n in aliases}
            if not modules and len(set(aliases.values())) == 1:
                modules = set(aliases.values())
            for m in modules:
                out.setdefault(m, []).append(f"{file.name}::{fn.name}")
    return out


def test_every_ingester_has_a_bounded_fuzz_test():
    found = fuzz_tests()
    missing = sorted(f"{name} ({module})" for name, module in INGESTERS.items() if not found.get(module))
    assert missing == [], f"ingesters without a fuzz test: {missing}"


def test_the_coverage_check_sees_a_missing_fuzz_test(tmp_path):
    """The scan itself: a test file whose fuzz test is unbounded does not count."""
    (tmp_path / "test_x.py").write_text(
        "from hypothesis import given, settings\nfrom ingest import flightlog\nfrom tests.mutations import damaged\n"
        "@given(damaged(b'x'))\ndef test_unbounded(case):\n    pass\n"
        "@settings(max_examples=5, deadline=None)\n@given(damaged(b'x'))\ndef test_bounded(case):\n    pass\n")
    assert fuzz_tests(tmp_path) == {"ingest.flightlog": ["test_x.py::test_bounded"]}
    # in a file importing several ingesters, a fuzz test counts for the one it attacks
    (tmp_path / "test_y.py").write_text(
        "from hypothesis import given, settings\nfrom ingest import faa, flightlog\n"
        "from tests.mutations import damaged\n"
        "def attack(data):\n    return faa.parse(data)\n"
        "@settings(max_examples=5, deadline=None)\n@given(damaged(b'x'))\ndef test_faa(case):\n    attack(case)\n")
    assert fuzz_tests(tmp_path) == {"ingest.flightlog": ["test_x.py::test_bounded"],
                                    "ingest.faa": ["test_y.py::test_faa"]}


# --------------------------------------------------------------------------- 2. the files no test damaged yet
def attack(module, files: dict[str, bytes], target: str, damage: tuple[str, bytes], *, parse_dir: bool,
           **options) -> None:
    """Parse ``files`` with ``target`` replaced by the damaged bytes: records that hold up, or one clean error.

    Fewer source records kept than from the intact file need a rejection or a warning,
    except after a truncation: rows cut off at a line end are simply not in the file
    (these formats do not state their record count).
    """
    kind, data = damage
    intact = _kept(module, files, target, parse_dir, options)
    with tempfile.TemporaryDirectory() as tmp, time_limit(PER_EXAMPLE_S, f"{module.__name__} on damaged {target}"):
        folder = Path(tmp)
        for name, body in files.items():
            (folder / name).write_bytes(data if name == target else body)
        report = ParseReport(module.SOURCE.datasets[0])
        path = folder if parse_dir else folder / target
        try:
            records = list(module.parse(path, report=report, **options))
        except SourceFormatError as e:
            assert str(e).startswith(Path(target).name), str(e)
            return
    assert report.balanced, report.to_dict()
    assert [p for r in records for p in validate(r)] == []
    if report.kept < intact and kind != "truncate":
        assert report.rejected > 0 or report.warnings, "fewer records without a rejection or a warning"


_INTACT: dict[tuple, int] = {}


def _kept(module, files, target, parse_dir, options) -> int:
    """Source records kept from the intact files (computed once per input)."""
    key = (module.__name__, target, parse_dir)
    if key not in _INTACT:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for name, body in files.items():
                (folder / name).write_bytes(body)
            report = ParseReport("intact")
            list(module.parse(folder if parse_dir else folder / target, report=report, **options))
        assert report.kept > 0
        _INTACT[key] = report.kept
    return _INTACT[key]


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}


OFAC_FAMILY = _folder(FIX / "ofac" / "family")
OFAC_CONS = _folder(FIX / "ofac" / "cons")
FAA = _folder(FIX / "aviation" / "faa")
AIRPORTS = _folder(FIX / "aviation" / "ourairports")
CANADA_2020 = {"sema-lmes.xml": (FIX / "canada" / "sema-lmes-2020.xml").read_bytes()}
OPENSKY_OLD = {"aircraftDatabase.csv": (FIX / "aviation" / "opensky" / "aircraftDatabase.csv").read_bytes()}
ZENODO = {p.name: p.read_bytes() for p in [FIX / "flights" / "opensky" / "flightlist_20200101_20200131.csv"]}


@FUZZ
@given(damage=damaged(OFAC_FAMILY["ADD.CSV"]))
def test_damaged_ofac_add_csv(damage):
    attack(us_ofac, OFAC_FAMILY, "ADD.CSV", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(OFAC_FAMILY["SDN_COMMENTS.CSV"]))
def test_damaged_ofac_comments_csv(damage):
    attack(us_ofac, OFAC_FAMILY, "SDN_COMMENTS.CSV", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(OFAC_CONS["CONS_PRIM.CSV"]))
def test_damaged_ofac_consolidated_csv(damage):
    attack(us_ofac, OFAC_CONS, "CONS_PRIM.CSV", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(CANADA_2020["sema-lmes.xml"]))
def test_damaged_canada_2020_format(damage):
    attack(ca_sema, CANADA_2020, "sema-lmes.xml", damage, parse_dir=False)


@FUZZ
@given(damage=damaged(FAA["ACFTREF.txt"]))
def test_damaged_faa_aircraft_reference(damage):
    attack(us_faa, FAA, "ACFTREF.txt", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(FAA["ENGINE.txt"]))
def test_damaged_faa_engine_reference(damage):
    attack(us_faa, FAA, "ENGINE.txt", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(FAA["DEREG.txt"]))
def test_damaged_faa_deregistered(damage):
    attack(us_faa, FAA, "DEREG.txt", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(AIRPORTS["countries.csv"]))
def test_damaged_ourairports_countries(damage):
    attack(ourairports, AIRPORTS, "countries.csv", damage, parse_dir=True)


@FUZZ
@given(damage=damaged(OPENSKY_OLD["aircraftDatabase.csv"]))
def test_damaged_opensky_old_database_format(damage):
    attack(opensky_aircraft, OPENSKY_OLD, "aircraftDatabase.csv", damage, parse_dir=False)


@FUZZ
@given(damage=damaged(ZENODO["flightlist_20200101_20200131.csv"]))
def test_damaged_zenodo_flight_list(damage):
    attack(opensky_flights, ZENODO, "flightlist_20200101_20200131.csv", damage, parse_dir=False)


# --------------------------------------------------------------------------- 3. through the CLI
#: one input per ingester (and per format of OFAC): (source, fixture file or folder, file to damage, options)
CLI_INPUTS = {
    "ofac-csv": ("ofac", FIX / "ofac" / "family", "SDN.CSV", ()),
    "ofac-xml": ("ofac", FIX / "ofac" / "sdn.xml", None, ()),
    "ofac-advanced": ("ofac", FIX / "ofac" / "sdn_advanced.xml", None, ()),
    "ofac-consolidated": ("ofac", FIX / "ofac" / "cons", "CONS_PRIM.CSV", ()),
    "canada": ("canada", FIX / "canada" / "sema-lmes-2025.xml", None, ()),
    "nsdc": ("nsdc", FIX / "nsdc", "subjects_legal.json", ()),
    "war-sanctions": ("war-sanctions", FIX / "war_sanctions" / "pull", "ships/1003.html", ()),
    "faa": ("faa", FIX / "aviation" / "faa", "MASTER.txt", ()),
    "opensky": ("opensky", FIX / "aviation" / "opensky" / "aircraft-database-complete-2025-08.csv", None, ()),
    "registry": ("registry", FIX / "aviation" / "registries" / "carscurr.txt", None, ("--preset", "ca_ccarcs")),
    "airports": ("airports", FIX / "aviation" / "ourairports", "airports.csv", ()),
    "flightlog": ("flightlog", FIX / "flights" / "flightlog.csv", None, ()),
    "traces": ("traces", FIX / "flights" / "traces", "2026/02/01/traces/ad/trace_full_1533ad.json", ()),
    "opensky-flights": ("opensky-flights", FIX / "flights" / "opensky" /
                        "flights_aircraft_1533ad_1769644800_1769817600.json", None, ()),
}

HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Back soon</body></html>\n"
#: damage that no parser may take for its file
REFUSED = {
    "html-page": lambda data: HTML_PAGE,
    "binary": lambda data: bytes(random.Random(8).randrange(256) for _ in range(4096)),
    "empty": lambda data: b"",
}
#: damage after which records may survive (with the loss counted)
MAYBE = {
    "truncated": lambda data: data[: len(data) // 2],
    "utf16": lambda data: data.decode("utf-8", "replace").encode("utf-16"),
}


def test_every_ingester_is_attacked_through_the_cli():
    assert {v[0] for v in CLI_INPUTS.values()} == set(INGESTERS)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzzcli") / "demo"
    r = CliRunner().invoke(cli, ["--data-dir", str(root), "demo"])
    assert r.exit_code == 0, r.output
    return root


def _damaged_input(tmp: Path, case: str, damage) -> tuple[str, Path, str, tuple]:
    source, fixture, inner, options = CLI_INPUTS[case]
    tmp.mkdir(parents=True, exist_ok=True)
    if fixture.is_dir():
        copy = shutil.copytree(fixture, tmp / fixture.name)
        victim = copy / inner
    else:
        copy = victim = tmp / fixture.name
        shutil.copy(fixture, copy)
    victim.write_bytes(damage(victim.read_bytes()))
    return source, copy, victim.name, options


def _ingest(root: Path, source: str, path: Path, options: tuple) -> object:
    return CliRunner().invoke(cli, ["--data-dir", str(root), "ingest", source, "--from", str(path), "--no-check", "-s",
                                    "--json", *options])


@pytest.mark.parametrize("damage", sorted(REFUSED))
@pytest.mark.parametrize("case", sorted(CLI_INPUTS))
def test_cli_refuses_a_damaged_file_and_changes_nothing(demo_dir, tmp_path, case, damage):
    root = copy_datadir(demo_dir, tmp_path / "data")
    source, path, name, options = _damaged_input(tmp_path, case, REFUSED[damage])
    before = tree_digest(root)
    r = _ingest(root, source, path, options)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {name}: "), r.stderr
    assert "Traceback" not in r.stderr and "KGRAPH_DEBUG" not in r.stderr
    assert tree_digest(root) == before


@pytest.mark.parametrize("damage", sorted(MAYBE))
@pytest.mark.parametrize("case", sorted(CLI_INPUTS))
def test_cli_on_a_truncated_or_reencoded_file_counts_what_it_loses(demo_dir, tmp_path, case, damage):
    root = copy_datadir(demo_dir, tmp_path / "data")
    source, path, name, options = _damaged_input(tmp_path, case, MAYBE[damage])
    before = tree_digest(root)
    r = _ingest(root, source, path, options)
    if r.exit_code != 0:
        lines = r.stderr.splitlines()
        assert r.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"Error: {name}: "), r.stderr
        assert tree_digest(root) == before
        return
    summary = json.loads(r.stdout)
    assert summary["read"] == summary["kept"] + summary["rejected"]
    intact = _intact_kept(demo_dir, tmp_path, case)
    assert summary["kept"] <= intact
    if summary["kept"] < intact and damage != "truncated":
        # a loss cannot go unnoticed: something was rejected or warned about
        assert summary["rejected"] or summary["warnings"], summary


_INTACT_CLI: dict[str, int] = {}


def _intact_kept(demo_dir: Path, tmp_path: Path, case: str) -> int:
    if case not in _INTACT_CLI:
        root = copy_datadir(demo_dir, tmp_path / "intact-data")
        source, path, _, options = _damaged_input(tmp_path / "intact", case, lambda data: data)
        r = _ingest(root, source, path, options)
        assert r.exit_code == 0, r.output
        _INTACT_CLI[case] = json.loads(r.stdout)["kept"]
    return _INTACT_CLI[case]


@pytest.mark.parametrize("case", sorted(CLI_INPUTS))
def test_kgraph_command_prints_one_error_line(demo_dir, tmp_path, case):
    """The installed command in a subprocess: stderr holds exactly the one line, stdout nothing."""
    root = copy_datadir(demo_dir, tmp_path / "data")
    source, path, name, options = _damaged_input(tmp_path, case, REFUSED["html-page"])
    before = tree_digest(root)
    r = run_kgraph(root, "ingest", source, "--from", path, "--no-check", *options)
    assert r.returncode == 1 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(f"Error: {name}: "), r.stderr
    assert tree_digest(root) == before


# --------------------------------------------------------------------------- hostile XML through the CLI
#: the XML sources: (source, fixture, root element, a text node to carry an entity reference)
XML_SOURCES = {
    "ofac-xml": ("ofac", FIX / "ofac" / "sdn.xml", "sdnList", "<lastName>POUYA AIR</lastName>",
                 "<lastName>POUYA {ref} AIR</lastName>"),
    "ofac-advanced": ("ofac", FIX / "ofac" / "sdn_advanced.xml", "Sanctions", '>POUYA AIR<', '>POUYA {ref} AIR<'),
    "canada": ("canada", FIX / "canada" / "sema-lmes-2025.xml", "data-set",
               "<EntityOrShip>Aviacon Zitotrans JSC</EntityOrShip>", "<EntityOrShip>Aviacon {ref} JSC</EntityOrShip>"),
}
LAUGHS = ('<!ENTITY a "ha!ha!ha!ha!">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)))


def _hostile(kind: str, text: str, root: str, old: str, new: str, secret_file: Path, url: str) -> str:
    head, rest = text.split("\n", 1)
    assert head.startswith("<?xml")
    doctypes = {
        "xxe-file": (f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret_file}">]>', "&xxe;"),
        "xxe-http": (f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{url}/xxe">]>', "&xxe;"),
        "billion-laughs": (f"<!DOCTYPE {root} [{LAUGHS}]>", "&i;"),
        "external-dtd": (f'<!DOCTYPE {root} SYSTEM "{url}/evil.dtd">', ""),
        "parameter-entity": (f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', ""),
        # past the first 64 KB, where the byte-level prolog check stops looking
        "hidden-xxe": ("<!--" + " padding " * 8_000 + "-->\n"
                       f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret_file}">]>',
                       "&xxe;"),
    }
    if kind == "deep-nesting":
        return head + "\n" + rest.replace(old, new.format(ref="<b>" * 5_000 + "</b>" * 5_000), 1)
    doctype, ref = doctypes[kind]
    return head + "\n" + doctype + "\n" + rest.replace(old, new.format(ref=ref), 1)


HOSTILE = ("xxe-file", "xxe-http", "billion-laughs", "external-dtd", "parameter-entity", "hidden-xxe", "deep-nesting")


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("case", sorted(XML_SOURCES))
def test_cli_refuses_hostile_xml(demo_dir, tmp_path, http_server, case, kind):
    source, fixture, root_tag, old, new = XML_SOURCES[case]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-4711")
    text = _hostile(kind, fixture.read_text(encoding="utf-8"), root_tag, old, new, secret, http_server.base_url)
    path = tmp_path / fixture.name
    path.write_text(text, encoding="utf-8")
    root = copy_datadir(demo_dir, tmp_path / "data")
    before = tree_digest(root)
    with time_limit(60, f"ingest of {kind} XML"):
        r = _ingest(root, source, path, ())
    assert r.exit_code == 1, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {fixture.name}: "), r.stderr
    # refused by kgraph's own checks, or by libxml2's limits (depth 256, entity amplification)
    expected = "nested deeper|[Ee]xcessive depth" if kind == "deep-nesting" else "entit|DTD|amplification"
    assert re.search(expected, lines[0]), lines[0]
    assert http_server.requests == []  # no DTD or entity was fetched
    assert "TOP-SECRET" not in r.output
    assert tree_digest(root) == before
