"""The README is the documentation: its generated sections must match the code,
and every command must be documented there (sqlite-utils' test_docs idea)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from kgraph.cli import COMMANDS, SUMMARIES, cli
from tests.conftest import REPO


def test_readme_generated_sections_are_current():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "gen_docs.py"), "--check"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output or getattr(cli.get_command(None, name), "commands", None)
    assert SUMMARIES.get(name)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"kgraph {name}" in readme


def test_readme_shows_install_demo_and_test_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install" in readme and "kgraph demo" in readme and "python -m pytest" in readme


def test_every_public_function_is_in_the_readme():
    import importlib
    import inspect

    import kgraph

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    functions = [n for n, mod in kgraph._API.items() if inspect.isfunction(getattr(importlib.import_module(mod), n))]
    assert len(functions) >= 18 and "find_node" in functions
    assert [n for n in functions if f"- `kgraph.{n}(" not in readme] == []
