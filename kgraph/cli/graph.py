"""Graph commands: query, export, neo4j."""
from __future__ import annotations

import json

import click

from . import output_json, pass_datadir


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


@click.command(name="query")
@click.argument("name", required=False)
@click.option("--cypher", help="Run this Cypher text instead of a library query.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter; repeat it for a list (--param id=a --param id=b) or give a JSON list.")
@click.option("--json", "as_json", is_flag=True, help="Print an array of row objects.")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="Where to run the query.")
@click.option("--expanded/--no-expanded", default=None,
              help="One block per row, a line per column (default: when the columns do not fit the terminal).")
@pass_datadir
def query(dd, name, cypher, params, as_json, backend, expanded):
    """Run a library query NAME (queries/*.cypher) or --cypher text on the graph.

    Without NAME or --cypher, list the library. Parameters are passed as
    query parameters, typed by the query's declarations (dates as ISO text).

    \b
    Example:
        kgraph query
        kgraph query operator-chain --param operator=ofac-40181
        kgraph query --cypher "MATCH (a:Airplane) WHERE a.sanctioned RETURN a.caption AS tail" --json
    """
    from ..graph.query import library, parse_param_args
    from ..graph.query import query as run_query

    if name is None and cypher is None:
        lib = library()
        if as_json:
            output_json([{"name": q.name, "purpose": q.purpose, "params": {p.name: p.type for p in q.params.values()},
                          "examples": list(q.examples)} for q in lib.values()])
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Query library (kgraph query NAME --param k=v)")
        table.add_column("name", style="bold")
        table.add_column("purpose")
        table.add_column("parameters")
        for q in lib.values():
            table.add_row(q.name, q.purpose, ", ".join(f"{p.name}:{p.type}" + ("" if p.required else "?")
                                                       for p in q.params.values()))
        Console(soft_wrap=False).print(table)
        return
    columns, rows = run_query(name, cypher=cypher, params=parse_param_args(params), datadir=dd, backend=backend)
    if as_json:
        output_json([dict(zip(columns, row)) for row in rows])
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    if expanded is None:  # like psql's \x auto: eleven columns squeezed into 100 characters show nothing
        expanded = len(columns) * 14 > console.width
    if not expanded:
        table = Table(title=name or "query", caption=f"{len(rows)} row(s)")
        for c in columns:
            table.add_column(c)
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
        console.print(table)
        return
    for i, row in enumerate(rows, 1):
        block = Table(title=f"{name or 'query'}: row {i} of {len(rows)}", title_justify="left", show_header=False)
        block.add_column(style="bold", no_wrap=True)
        block.add_column(overflow="fold")
        for c, v in zip(columns, row):
            block.add_row(c, _cell(v))
        console.print(block)
    console.print(f"{len(rows)} row(s)")


@click.command(name="export")
@click.option("-f", "--format", "fmt", required=True,
              type=click.Choice(["graphml", "gexf", "json", "ftm", "cypher", "neo4j-admin", "clusters"]),
              help="Output format.")
@click.option("-o", "--output", required=True, type=click.Path(), help="Output file (a directory for neo4j-admin).")
@click.option("--around", metavar="ID", help="Export only the neighbourhood of this node id.")
@click.option("--hops", type=click.IntRange(0, 10), default=2, show_default=True, help="Radius of --around.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_datadir
def export(dd, fmt, output, around, hops, as_json):
    """Export the graph: GraphML (yEd, Cytoscape), GEXF (Gephi), node-link JSON,
    FollowTheMoney JSON lines, a cypher-shell script, the neo4j-admin CSV set,
    or the resolution's clusters.

    \b
    Example:
        kgraph export --format gexf -o graph.gexf
        kgraph export --format graphml -o aviacon.graphml --around ofac-40181 --hops 3
        kgraph export --format neo4j-admin -o neo4j-import/
    """
    from ..graph.export import export as run_export

    summary = run_export(fmt, output, datadir=dd, around=around, hops=hops)
    if as_json:
        output_json(summary)
        return
    if fmt == "clusters":
        click.echo(f"wrote {summary['clusters']} clusters to {summary['path']}")
        return
    click.echo(f"wrote {summary['nodes']} nodes and {summary['relationships']} relationships to {summary['path']}")
    if "command" in summary:
        click.echo(f"load with:\n  {summary['command']}")


@click.group(name="neo4j")
def neo4j():
    """Load the graph into a Neo4j server, for teams that share one database.

    Connection settings come from the options or the environment:
    NEO4J_URI, NEO4J_USERNAME (default neo4j), NEO4J_PASSWORD (or the
    variable named by --password-env) and NEO4J_DATABASE (default neo4j).
    The password is never taken on the command line. `kgraph query NAME
    --backend neo4j` then runs the query library there.
    """


@neo4j.command(name="load")
@click.option("--uri", metavar="URI", help="Bolt URI of the server, e.g. bolt://localhost:7687 [$NEO4J_URI].")
@click.option("--user", metavar="NAME", help="User name [$NEO4J_USERNAME, else neo4j].")
@click.option("--password-env", metavar="VAR",
              help="Environment variable holding the password [default: NEO4J_PASSWORD].")
@click.option("--ask-password", is_flag=True, help="Prompt for the password (hidden) instead.")
@click.option("--database", metavar="NAME", help="Database [$NEO4J_DATABASE, else neo4j].")
@click.option("--wipe", is_flag=True,
              help="First delete kgraph's nodes with all their relationships (its labels only: other data is "
                   "kept), to replace the graph.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=5000, show_default=True,
              help="Rows per transaction.")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Node batches written in parallel.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_datadir
def load(dd, uri, user, password_env, ask_password, database, wipe, batch_size, workers, as_json):
    """Load the current graph into Neo4j: constraints, then nodes, then relationships (MERGE: a rerun is harmless).

    \b
    Example:
        export NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=...
        kgraph neo4j load
        kgraph neo4j load --wipe --database sanctions
    """
    import os
    import sys

    from ..graph.neo4j import quiet_driver_unless_verbose
    from ..graph.neo4j_load import load_neo4j

    quiet_driver_unless_verbose()
    auth = None
    if ask_password:
        name = user or os.environ.get("NEO4J_USERNAME") or "neo4j"
        auth = (name, click.prompt(f"Neo4j password for {name}", hide_input=True, err=True))
    summary = load_neo4j(dd, uri=uri, auth=auth, user=user, password_env=password_env, database=database, wipe=wipe,
                         batch_size=batch_size, workers=workers, progress=not as_json and sys.stderr.isatty())
    if as_json:
        output_json(summary)
        return
    wiped = f"; wiped {summary['wiped']:,} old nodes first" if wipe else ""
    click.echo(f"loaded {summary['nodes']:,} nodes ({summary['nodes_per_s'] or 0:,}/s) and "
               f"{summary['relationships']:,} relationships ({summary['rels_per_s'] or 0:,}/s) into "
               f"{summary['uri']} (database {summary['database']}) in {summary['seconds']:.1f} s{wiped}")
    if summary.get("missing_ends"):
        click.echo(f"warning: {summary['missing_ends']:,} relationships not loaded: an end node is missing in Neo4j",
                   err=True)
