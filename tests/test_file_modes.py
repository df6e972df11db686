"""Files and folders kgraph writes get the permissions the user's umask gives, not mkstemp's 0600.

Every write is atomic (a temporary file renamed into place) and the
temporary files and build folders come from ``tempfile``, which makes them
readable by their owner only; a view mailed to a colleague, an export served
by a web server or a data directory shared by a team must read as any other
file the user makes.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import cli
from kgraph.datadir import DataDir, atomic_path, atomic_write, temp_dir_in, temp_file_beside, umask
from kgraph.fetch import RetryPolicy, fetch_source
from kgraph.sources import Source, SourceFile
from tests.httpserver import Reply


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def mask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_umask_is_read_without_being_changed(mask):
    assert umask() == mask
    assert umask() == mask  # reading it left it as it was


def test_atomic_writes_and_temporary_folders_follow_the_umask(mask, tmp_path):
    atomic_write(tmp_path / "a.json", "{}")
    with atomic_path(tmp_path / "b.csv") as tmp:
        tmp.write_text("x\n")
    folder = temp_dir_in(tmp_path, ".building-")
    assert mode(tmp_path / "a.json") == 0o666 & ~mask
    assert mode(tmp_path / "b.csv") == 0o666 & ~mask
    assert mode(folder) == 0o777 & ~mask


def test_a_built_graph_and_a_written_view_follow_the_umask(mask, tmp_path):
    data = tmp_path / "data"
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(data), "demo"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "aviacon.html"
    result = runner.invoke(cli, ["--data-dir", str(data), "view", "ofac-40181", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o666 & ~mask
    build = DataDir(data).current_graph()
    assert mode(build) == 0o777 & ~mask
    # the graph's files, the parsed records and the raw snapshots (copied files keep their own mode, as
    # `cp -p` does): nothing in the data directory is more private than a file or folder the user makes
    file_mode, dir_mode = 0o666 & ~mask, 0o777 & ~mask
    private = [p for p in data.rglob("*") if not p.is_symlink()
               and mode(p) & (dir_mode if p.is_dir() else file_mode) != (dir_mode if p.is_dir() else file_mode)]
    assert private == []


def test_a_downloaded_snapshot_follows_the_umask(mask, http_server, tmp_path):
    url = http_server.route("/SDN.CSV", Reply.text('36,"AEROCARIBBEAN AIRLINES",-0-\n', content_type="text/csv"))
    dd = DataDir(tmp_path)
    source = Source(name="ofac", title="test source", datasets=("us_ofac_sdn",), publisher="test", licence="test",
                    cadence="daily", files=(SourceFile("SDN.CSV", (url,), kind="csv"),))
    result = fetch_source(dd, source, config={}, policy=RetryPolicy(attempts=1, timeout=(2.0, 2.0)))
    assert result.error is None
    assert mode(result.path) == 0o777 & ~mask
    assert mode(result.path / "SDN.CSV") == 0o666 & ~mask


def test_a_temporary_file_or_folder_whose_mode_cannot_be_set_is_not_left_behind(tmp_path, monkeypatch):
    def refuse(path, mode):
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "chmod", refuse)
    with pytest.raises(PermissionError):
        temp_file_beside(tmp_path / "a.json")
    with pytest.raises(PermissionError):
        temp_dir_in(tmp_path, ".building-")
    assert list(tmp_path.iterdir()) == []
