"""Output paths an analyst names (`kgraph view -o`, `kgraph export -o`) are checked before any work.

A mistyped folder is refused with one line, not created; a folder given
where a file is wanted (or the reverse) is refused before a temporary file
is made beside it.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import cli
from kgraph.datadir import DataDir
from kgraph.errors import KgraphError


@pytest.fixture(scope="module")
def dd(tmp_path_factory):
    dd = DataDir(tmp_path_factory.mktemp("data"))
    kgraph.demo(datadir=dd)
    return dd


def run(dd, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(dd.root), *args])


def test_a_view_into_a_missing_folder_is_refused_and_the_folder_not_made(dd, tmp_path):
    out = tmp_path / "no" / "such" / "aviacon.html"
    result = run(dd, "view", "ofac-40181", "-o", str(out))
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: the folder {out.parent} does not exist\n"
    assert not (tmp_path / "no").exists()
    with pytest.raises(KgraphError, match="does not exist"):
        kgraph.view("ofac-40181", out=out, datadir=dd)
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("fmt", ["graphml", "json", "ftm", "cypher", "clusters"])
def test_a_file_export_into_a_missing_folder_or_onto_a_folder_is_refused(dd, tmp_path, fmt):
    missing = tmp_path / "typo" / "out.txt"
    result = run(dd, "export", "-f", fmt, "-o", str(missing))
    assert result.exit_code == 1
    assert result.output == f"Error: {missing}: the folder {missing.parent} does not exist\n"
    assert not missing.parent.exists()
    folder = tmp_path / "existing"
    folder.mkdir()
    result = run(dd, "export", "-f", fmt, "-o", str(folder))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {folder}: is a folder; give a file name")
    # nothing was written beside the folder either (the atomic write's temporary file lives there)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]
    assert list(folder.iterdir()) == []


def test_the_neo4j_admin_export_wants_a_folder(dd, tmp_path):
    a_file = tmp_path / "x.csv"
    a_file.write_text("kept\n")
    result = run(dd, "export", "-f", "neo4j-admin", "-o", str(a_file))
    assert result.exit_code == 1 and "is a file; this export writes a folder of files" in result.output
    assert a_file.read_text() == "kept\n"
    result = run(dd, "export", "-f", "neo4j-admin", "-o", str(tmp_path / "typo" / "import"))
    assert result.exit_code == 1 and "does not exist" in result.output
    result = run(dd, "export", "-f", "neo4j-admin", "-o", str(tmp_path / "import"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "import" / "import.sh").is_file()


def test_an_export_into_an_existing_folder_is_written(dd, tmp_path):
    result = run(dd, "export", "-f", "graphml", "-o", str(tmp_path / "aviacon.graphml"), "--around", "ofac-40181")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "aviacon.graphml").read_text().startswith("<?xml")
