"""The ``kgraph`` command line: thin click commands over library functions of the same name.

Commands live in modules grouped by noun (``core``, ``lookup``, ``graph``,
``resolve``, ``analyst``) and are imported only when invoked, so that
``kgraph lookup`` starts fast. Every :class:`kgraph.errors.KgraphError`
becomes one ``Error: ...`` line and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import errno
import importlib
import logging
import os
import sys

import click

from ..datadir import DataDir

__all__ = ["cli", "main", "pass_datadir", "output_json", "human_size"]

#: command name -> "module:function" (module relative to kgraph.cli)
COMMANDS: dict[str, str] = {
    "demo": "core:demo",
    "ingest": "core:ingest",
    "build": "core:build",
    "stats": "core:stats",
    "sources": "core:sources",
    "prune": "core:prune",
    "lookup": "lookup:lookup",
    "show": "lookup:show",
    "screen": "lookup:screen",
    "query": "graph:query",
    "export": "graph:export",
    "neo4j": "graph:neo4j",
    "judge": "resolve:judge",
    "review": "resolve:review",
    "update": "analyst:update",
    "changes": "analyst:changes",
    "watch": "analyst:watch",
    "view": "analyst:view",
}

#: one-line help for `kgraph --help` without importing every command module
SUMMARIES: dict[str, str] = {
    "demo": "Build the offline demo graph (Aviacon Zitotrans) and print the chain.",
    "ingest": "Fetch (or read --from PATH) one source and store its parsed records.",
    "build": "Resolve all stored records and build the graph.",
    "stats": "Counts of the current graph, the record-loss audit per source, and disk use.",
    "sources": "List the sources kgraph can ingest, with licences and cadence.",
    "prune": "Remove old raw and record snapshots, keeping the newest of each source.",
    "lookup": "Find nodes by name in any script, tail, hex, MSN, tax id or source id.",
    "show": "Print the card of one node: names, identifiers, listings, links, flights.",
    "screen": "Look up every line of a file (a list of counterparties): the best hits of each.",
    "query": "Run a library query (queries/*.cypher) or --cypher text on the graph.",
    "export": "Export the graph (GraphML, GEXF, JSON, FtM, Cypher, neo4j-admin, clusters).",
    "neo4j": "Load the graph into Neo4j.",
    "judge": "Record an analyst's judgement that two records are the same or different.",
    "review": "List uncertain record pairs, best first, with their evidence.",
    "update": "Fetch every configured source, ingest, resolve and build, in one command.",
    "changes": "What changed: designations, aircraft, flights, destinations.",
    "watch": "Manage the watchlist used by `changes --watchlist`.",
    "view": "Write a self-contained interactive HTML view of a node's neighbourhood.",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(f"kgraph.cli.{module_name}")
        except ModuleNotFoundError as e:
            if e.name == f"kgraph.cli.{module_name}":
                return _unavailable(name)
            raise
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        from ..errors import KgraphError

        try:
            return super().invoke(ctx)
        except KgraphError as e:
            raise click.ClickException(str(e)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # the reader of our stdout went away (`kgraph ... | head`): not an error
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except Exception as e:  # noqa: BLE001 - never show a traceback to a user
            if os.environ.get("KGRAPH_DEBUG"):
                raise
            if getattr(e, "errno", None) == errno.ENOSPC or "No space left on device" in str(e):
                # the store's engine says so inside a RuntimeError; builds and ingests write beside the live data
                # and remove what they wrote when they fail (each file is written whole or not at all)
                where = getattr(e, "filename", None) or (ctx.obj.root if isinstance(ctx.obj, DataDir) else None)
                raise click.ClickException(f"no space left on the device{f' of {where}' if where else ''}: free some "
                                           "space and run the command again (nothing is left half-written)") from None
            raise click.ClickException(f"{type(e).__name__}: {e} (set KGRAPH_DEBUG=1 for the traceback)") from None


def _unavailable(name: str) -> click.Command:
    @click.command(name=name, help=SUMMARIES.get(name, ""), context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def cmd(args):
        raise click.ClickException(f"`kgraph {name}` is not available in this installation")

    return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="KGRAPH_DATA_DIR",
    help="Data directory (default: $KGRAPH_DATA_DIR, else the platform's user data dir).",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug) to stderr.")
@click.version_option(package_name="kgraph")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, verbose: int) -> None:
    """kgraph: who is this operator, which lists name it, which aircraft does it fly,
    where did those aircraft go?

    \b
    Example:
        kgraph demo
        kgraph lookup "Aviacon Zitotrans"
        kgraph show ofac-40185
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose == 0:
        # parsers warn per record; those warnings are counted in reports and shown in summaries
        logging.getLogger("kgraph").setLevel(logging.ERROR)
    ctx.obj = DataDir(data_dir)


#: inject the :class:`DataDir` chosen by ``--data-dir`` into a command
pass_datadir = click.make_pass_decorator(DataDir)


def output_json(obj) -> None:
    """Print machine output: JSON, UTF-8, one document."""
    import json

    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def found_by_note(found: dict) -> str:
    """One line on what a typed query, not a node id, was taken to mean (``found_by`` of a card or view)."""
    others = found["others"]
    text = f"{found['query']!r} is not a node id; it matches {'; '.join(found['why'][:2])}"
    if others:
        more = f" and {len(others) - 5:,} more" if len(others) > 5 else ""
        text += "; it matches as well: " + ", ".join(f"{o['id']} ({o['type']} {o['name']})" for o in others[:5]) + more
    return text


def human_size(n: int) -> str:
    """Bytes for people.

    >>> human_size(3504), human_size(38_783_894), human_size(999)
    ('3.5 kB', '38.8 MB', '999 B')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n} B"


def main() -> None:
    cli(prog_name="kgraph")
