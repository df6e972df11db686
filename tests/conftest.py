"""Shared fixtures.

``corpus`` gives the path of ``../shared/corpus`` (the real source files).
Tests that need it skip when it is absent (a user's checkout) and fail when
``KGRAPH_REQUIRE_CORPUS=1`` (CI), so that in CI they must run.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("KGRAPH_CORPUS", REPO.parent / "shared" / "corpus"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# shared fixtures: the Neo4j test server, the misbehaving HTTP server, headless Chromium
pytest_plugins = ["tests.neo4j_server", "tests.httpserver", "tests.browser"]


def corpus_path(*parts: str) -> Path:
    """Path inside the corpus; skips the calling test when absent (fails under KGRAPH_REQUIRE_CORPUS=1)."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        if os.environ.get("KGRAPH_REQUIRE_CORPUS") == "1":
            pytest.fail(f"corpus file {path} is missing but KGRAPH_REQUIRE_CORPUS=1")
        pytest.skip(f"corpus not available: {path}")
    return path


@pytest.fixture
def corpus() -> Path:
    return corpus_path()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def datadir(tmp_path):
    """An empty data directory."""
    from kgraph.datadir import DataDir

    return DataDir(tmp_path / "data")
