"""The Python API's documented examples run as tests (issue 7.5): every public function of ``kgraph``
has one, run here on a copy of the demo data directory."""
from __future__ import annotations

import doctest
import importlib
import inspect
import shutil

import pytest

import kgraph

FUNCTIONS = sorted(name for name, mod in kgraph._API.items()
                   if inspect.isfunction(getattr(importlib.import_module(mod), name)))


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("api") / "demo"
    kgraph.demo(datadir=root)
    return root


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_documented_example_runs(name, demo_root, tmp_path):
    func = getattr(kgraph, name)
    assert ">>>" in (func.__doc__ or ""), f"kgraph.{name} has no example"
    dd = shutil.copytree(demo_root, tmp_path / "data", symlinks=True)  # graph/current is a link
    globs = {"kgraph": kgraph, "dd": dd, "tmp": tmp_path}
    finder, runner = doctest.DocTestFinder(recurse=False), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(func, name, globs=globs):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted and not result.failed, f"kgraph.{name}: {result.failed} example(s) failed"


def test_datadir_examples_run():
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(kgraph.DataDir, "DataDir"):
        runner.run(test)
    summary = runner.summarize(verbose=False)
    assert summary.attempted >= 2 and not summary.failed


def test_datadir_takes_a_path_a_string_or_a_datadir(demo_root):
    # every public function accepts the three; query once took only a DataDir (AttributeError)
    for given in (demo_root, str(demo_root), kgraph.DataDir(demo_root)):
        assert kgraph.query(cypher="MATCH (c:Country {code: $c}) RETURN c.code AS c", params={"c": "CU"},
                            datadir=given) == (["c"], [["CU"]])
