"""Regenerate the README's generated sections from the code (cog-style).

The README holds four sections between markers, written by this script and
never by hand: the sources table (from each ingester's ``SOURCE``), the query
library (from the headers of ``queries/*.cypher``), the Python API (from the
signature and first docstring line of each public function) and the CLI
reference (from each command's ``--help``). ``tests/test_docs.py`` fails when they are
out of date.

    python tools/gen_docs.py          # rewrite README.md
    python tools/gen_docs.py --check  # exit 1 when README.md is out of date
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = ("sources", "queries", "api", "cli")


def sources_section() -> str:
    from kgraph.errors import NotFound
    from kgraph.sources import INGESTERS, ingester

    rows = ["| source | what | publisher | licence | updated | datasets |", "|---|---|---|---|---|---|"]
    for name in sorted(INGESTERS):
        try:
            s = ingester(name).SOURCE
        except NotFound:
            continue
        cells = [f"`{s.name}`", s.title, s.publisher, s.licence, s.cadence, ", ".join(f"`{d}`" for d in s.datasets)]
        rows.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
        if s.env:
            rows[-1] = rows[-1][:-2] + f" (needs `{'`, `'.join(s.env)}`) |"
    return "\n".join(rows) + "\n"


def queries_section() -> str:
    from kgraph.graph.query import render_query_docs

    text = render_query_docs()
    return re.sub(r"^### ", "#### ", text, flags=re.M)


def _call(name: str, func) -> str:
    """``name(a, *, b=1)``: the parameters and their defaults, without the annotations."""
    import inspect

    parts, star = [], False
    for p in inspect.signature(func).parameters.values():
        if p.name.startswith("_"):  # private: for kgraph's own callers
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = {p.VAR_POSITIONAL: f"*{p.name}", p.VAR_KEYWORD: f"**{p.name}"}.get(p.kind, p.name)
        star = star or p.kind is p.VAR_POSITIONAL
        parts.append(text if p.default is p.empty else f"{text}={p.default!r}")
    return f"{name}({', '.join(parts)})"


def api_section() -> str:
    import importlib
    import inspect

    import kgraph

    out = []
    for name in sorted(kgraph._API):
        obj = getattr(importlib.import_module(kgraph._API[name]), name)
        if not inspect.isfunction(obj):
            continue
        first = " ".join((obj.__doc__ or "").strip().split("\n\n")[0].split())
        first = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", first).replace("``", "`")  # reST roles to Markdown
        out.append(f"- `kgraph.{_call(name, obj)}` (`{kgraph._API[name]}`): {first}")
    return "\n".join(out) + "\n"


def cli_section() -> str:
    from click.testing import CliRunner

    from kgraph.cli import COMMANDS, cli

    runner = CliRunner()
    out = []
    for name in ["--help", *sorted(COMMANDS)]:
        args = [name] if name == "--help" else [name, "--help"]
        result = runner.invoke(cli, args, prog_name="kgraph", terminal_width=100)
        title = "kgraph" if name == "--help" else f"kgraph {name}"
        out.append(f"#### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
        command = cli.get_command(None, name) if name != "--help" else None
        for sub in sorted(getattr(command, "commands", {}) or {}):
            r = runner.invoke(cli, [name, sub, "--help"], prog_name="kgraph", terminal_width=100)
            out.append(f"#### `kgraph {name} {sub}`\n\n```\n{r.output.rstrip()}\n```\n")
    return "\n".join(out)


def render(text: str) -> str:
    makers = {"sources": sources_section, "queries": queries_section, "api": api_section, "cli": cli_section}
    for section in SECTIONS:
        start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
        if start not in text or end not in text:
            raise SystemExit(f"README.md lacks the markers {start} ... {end}")
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{start}\n{makers[section]()}{end}{after}"
    return text


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print("README.md is out of date: run `python tools/gen_docs.py`", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        README.write_text(fresh, encoding="utf-8")
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
