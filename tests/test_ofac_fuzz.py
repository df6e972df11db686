"""Parsers under attack: damaged OFAC files give correct records or one SourceFormatError naming the file.

Damage comes from :func:`tests.mutations.damaged` (truncation, flipped bits, UTF-16 and cp1251
re-encoding, a BOM, shuffled lines). Whatever survives must be accounted for: the report stays
balanced, and fewer entries out than in must show as rejections or a truncation warning.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import us_ofac
from kgraph.errors import SourceFormatError
from kgraph.model import Node, ParseReport
from tests.conftest import CORPUS, corpus_path
from tests.mutations import damaged

FIXTURES = Path(__file__).parent / "fixtures" / "ofac"
ENTITY_TYPES = ("Organization", "Person", "Vessel", "Airplane")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def attack(files: dict[str, bytes], target: str, data: bytes, entries: int, parse_dir: bool) -> None:
    """Parse ``files`` with ``target`` replaced by ``data``; check the outcome is one of the two allowed."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, body in files.items():
            (folder / name).write_bytes(data if name == target else body)
        report = ParseReport("us_ofac_sdn")
        path = folder if parse_dir else folder / target
        try:
            records = list(us_ofac.parse(path, report=report, allow_partial=False))
        except SourceFormatError as e:
            assert str(e).startswith(target), str(e)
            return
        assert report.balanced
        out = sum(1 for r in records if isinstance(r, Node) and r.type in ENTITY_TYPES)
        assert out <= entries
        if out < entries:
            truncated = any("truncated" in w or "Ctrl-Z" in w for w in report.warnings)
            assert report.rejected > 0 or truncated, report.warnings


FAMILY = {p.name: p.read_bytes() for p in (FIXTURES / "family").iterdir()}


@SETTINGS
@given(damage=damaged(FAMILY["SDN.CSV"]))
def test_damaged_sdn_csv(damage):
    attack(FAMILY, "SDN.CSV", damage[1], entries=15, parse_dir=True)


@SETTINGS
@given(damage=damaged(FAMILY["ALT.CSV"]))
def test_damaged_companion_csv(damage):
    attack(FAMILY, "ALT.CSV", damage[1], entries=15, parse_dir=True)


CLASSIC = (FIXTURES / "sdn.xml").read_bytes()
ADVANCED = (FIXTURES / "sdn_advanced.xml").read_bytes()


@SETTINGS
@given(damage=damaged(CLASSIC))
def test_damaged_sdn_xml(damage):
    attack({"sdn.xml": CLASSIC}, "sdn.xml", damage[1], entries=8, parse_dir=False)


@SETTINGS
@given(damage=damaged(ADVANCED))
def test_damaged_advanced_xml(damage):
    attack({"sdn_advanced.xml": ADVANCED}, "sdn_advanced.xml", damage[1], entries=8, parse_dir=False)


CORPUS_SDN = CORPUS / "sanctions" / "ofac" / "jackdwyer_sdn-list_2024-05-03" / "sdn.csv"
# the first 400 rows of the real 2024-05-03 SDN.CSV, closed as OFAC closes the file
SLICE = b"\r\n".join(CORPUS_SDN.read_bytes().split(b"\r\n")[:400]) + b"\r\n\x1a" if CORPUS_SDN.exists() else b""


@pytest.mark.corpus
@SETTINGS
@given(damage=damaged(SLICE or b"x"))
def test_damaged_corpus_slice(damage):
    corpus_path("sanctions", "ofac", "jackdwyer_sdn-list_2024-05-03", "sdn.csv")  # skips (or fails in CI) if absent
    attack({"SDN.CSV": SLICE}, "SDN.CSV", damage[1], entries=400, parse_dir=False)


def test_undamaged_inputs_pass_the_same_checks():
    """The check itself: the intact files give every entry and no error."""
    attack(FAMILY, "SDN.CSV", FAMILY["SDN.CSV"], entries=15, parse_dir=True)
    attack({"sdn.xml": CLASSIC}, "sdn.xml", CLASSIC, entries=8, parse_dir=False)
    attack({"sdn_advanced.xml": ADVANCED}, "sdn_advanced.xml", ADVANCED, entries=8, parse_dir=False)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(FIXTURES / "sdn.xml", Path(tmp) / "sdn.xml")
        report = ParseReport("us_ofac_sdn")
        records = list(us_ofac.parse(Path(tmp) / "sdn.xml", report=report))
        assert sum(isinstance(r, Node) and r.type in ENTITY_TYPES for r in records) == 8
