"""Core commands: demo, ingest, build, stats, sources."""
from __future__ import annotations

import click

from . import human_size, output_json, pass_datadir


def _console():
    from rich.console import Console

    return Console(soft_wrap=False)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the chain as JSON.")
@pass_datadir
def demo(dd, as_json):
    """Build the offline demo graph and print the Aviacon Zitotrans chain.

    Ingests the sample shipped inside the package (real facts, real source
    formats: OFAC CSV, Canada SEMA XML, a registry row, OurAirports, an
    analyst's flight log), builds the graph into the data directory, and
    prints operator -> sanctions -> aircraft -> flights -> airports ->
    countries, each fact with its source. `lookup`, `show` and `query` work on
    the demo graph afterwards.

    \b
    Example:
        kgraph demo
        kgraph lookup RA78765
    """
    from ..card_render import render_chain
    from ..pipeline import demo as run_demo

    result = run_demo(datadir=dd)
    if as_json:
        output_json(result)
        return
    console = _console()
    render_chain(result, console)
    console.print(
        f"\n[dim]Built in {result['seconds']:.1f} s into {result['datadir']}. "
        "Try: kgraph lookup \"Авиакон Цитотранс\"; kgraph show ofac-40185[/dim]"
    )


@click.command()
@click.argument("source")
@click.option("--from", "from_path", type=click.Path(exists=True), help="Read this local file or folder instead of downloading.")
@click.option("--offline", is_flag=True, help="Re-parse the newest raw snapshot already held.")
@click.option("--no-check", is_flag=True, help="Skip the source's quality assertions (for excerpts and samples).")
@click.option("--preset", help="Column-mapping preset or configured list name (registry source only).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-s", "--silent", is_flag=True, help="No progress bar.")
@pass_datadir
def ingest(dd, source, from_path, offline, no_check, preset, as_json, silent):
    """Fetch one SOURCE (or read --from PATH), parse it, store its records.

    SOURCE is a short name: ofac, canada, nsdc, war-sanctions, faa, opensky,
    registry, airports, flightlog, traces, opensky-flights (see `kgraph sources`).
    A malformed file is refused with one error line and changes nothing.
    Prints what changed since the previous snapshot of the source.

    \b
    Example:
        kgraph ingest ofac
        kgraph ingest ofac --from ~/Downloads/SDN.CSV --no-check
        kgraph ingest registry --from aircraft.db --preset ru_aircraft_db
    """
    from ..pipeline import ingest as run_ingest

    options = {"preset": preset} if preset else {}
    summary = run_ingest(
        source, from_path=from_path, datadir=dd, check=not no_check, progress=not silent and not as_json,
        offline=offline, **options,
    )
    if as_json:
        output_json(summary)
        return
    from rich.table import Table

    console = _console()
    if summary.get("fetch"):
        console.print(f"[yellow]{summary['source']}: {summary['fetch']}[/yellow]")
    table = Table(title=f"{summary['source']}: snapshot {summary['snapshot']}")
    for col in ("dataset", "records", "nodes", "edges", "added", "removed", "changed"):
        table.add_column(col, justify="left" if col == "dataset" else "right")
    for name, d in summary["datasets"].items():
        ch = d.get("changes", {})
        table.add_row(name, str(d["records"]), str(d["nodes"]), str(d["edges"]),
                      str(ch.get("added", 0)), str(ch.get("removed", 0)), str(ch.get("changed", 0)))
    console.print(table)
    console.print(
        f"source records read {summary['read']}, kept {summary['kept']}, rejected {summary['rejected']}; "
        f"{len(summary['warnings'])} warning(s); {summary['seconds']:.2f} s"
    )
    for w in summary["warnings"][:10]:
        console.print(f"  [yellow]warning:[/yellow] {w}", markup=True, highlight=False)
    if len(summary["warnings"]) > 10:
        console.print(f"  ... {len(summary['warnings']) - 10} more (see --json)")
    if summary["unknown_fields"]:
        console.print(f"  unknown fields: {summary['unknown_fields']}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print build.json.")
@pass_datadir
def build(dd, as_json):
    """Resolve every stored record and build the graph.

    Builds into a new directory and swaps it in atomically: a crash leaves
    the previous graph usable.

    \b
    Example:
        kgraph build
    """
    from ..building import build as run_build

    info = run_build(datadir=dd)
    if as_json:
        output_json(info)
        return
    g = info.get("counts", {})
    click.echo(
        f"Built {info['path']} in {info['seconds']:.1f} s: "
        f"{sum((g.get('nodes') or {}).values())} nodes, {sum((g.get('edges') or {}).values())} edges, "
        f"{info['clusters']} merged clusters from {info['merged_records']} records."
    )
    for w in info.get("warnings") or []:
        click.echo(f"warning: {w}", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@pass_datadir
def stats(dd, as_json):
    """Counts of the current graph, the record-loss audit per source, and the data directory's size.

    For each source: records read, kept, rejected (read = kept + rejected),
    and how many were merged with records of other sources. Then the size of
    the raw snapshots, records, graph builds and build history, and what
    `kgraph prune` would free.

    \b
    Example:
        kgraph stats --json
    """
    from ..pipeline import stats as run_stats

    info = run_stats(datadir=dd)
    if as_json:
        output_json(info)
        return
    from rich.table import Table

    console = _console()
    counts = Table(title=f"Graph {info['path']} (built {info['built_at']})")
    counts.add_column("type")
    counts.add_column("count", justify="right")
    for kind in ("nodes", "edges"):
        for name, n in sorted(info["counts"].get(kind, {}).items()):
            if n:
                counts.add_row(name, str(n))
    console.print(counts)
    audit = Table(title="Record-loss audit per source")
    for col in ("source", "snapshot", "read", "kept", "rejected", "merged", "warnings"):
        audit.add_column(col, justify="left" if col in ("source", "snapshot") else "right")
    for name, a in sorted(info["sources"].items()):
        audit.add_row(name, str(a.get("snapshot") or ""), *(str(a.get(k, "")) for k in ("read", "kept", "rejected", "merged", "warnings")))
    console.print(audit)
    disk = info["disk"]
    sizes = ", ".join(f"{name} {human_size(n)}" for name, n in disk["bytes"].items())
    console.print(f"Data directory: {human_size(disk['total'])} ({sizes})", highlight=False)
    old = disk["prunable"]
    if old.get("error"):
        console.print(f"old snapshots not counted: {old['error']}", highlight=False, markup=False, soft_wrap=True)
    elif old["snapshots"]:
        console.print(f"{old['snapshots']} old snapshot(s), {human_size(old['bytes'])}, beyond the newest "
                      f"{old['keep']} of each source: `kgraph prune --keep {old['keep']}` removes them",
                      highlight=False)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
def sources(as_json):
    """List the sources kgraph can ingest: publisher, licence, update cadence, URLs.

    \b
    Example:
        kgraph sources
    """
    from ..sources import INGESTERS, ingester
    from ..errors import NotFound

    rows = []
    for name in sorted(INGESTERS):
        try:
            src = ingester(name).SOURCE
        except NotFound:
            continue
        rows.append({
            "name": src.name, "title": src.title, "datasets": list(src.datasets), "publisher": src.publisher,
            "licence": src.licence, "cadence": src.cadence, "homepage": src.homepage,
            "urls": [u for f in src.files for u in f.urls[:1]], "env": list(src.env),
        })
    if as_json:
        output_json(rows)
        return
    from rich.table import Table

    table = Table(title="Sources")
    for col in ("name", "title", "publisher", "licence", "cadence"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["title"], r["publisher"], r["licence"], r["cadence"])
    _console().print(table)


@click.command()
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Snapshots kept per source and kind, the newest.  [default: `[update] keep_snapshots` in "
                   "config.toml, else 3]")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@pass_datadir
def prune(dd, keep, dry_run, as_json):
    """Remove old raw and record snapshots, keeping the newest of each source.

    Nothing reads them once newer ones are held: a build reads each
    dataset's current records, an offline ingest the newest raw snapshot,
    and first-seen dates outlive the snapshots. A dataset's current records,
    the raw snapshot they were parsed from and the newest raw snapshot of
    each source are always kept. `[update] keep_snapshots = N` in
    config.toml prunes after every `kgraph update`.

    \b
    Example:
        kgraph prune --keep 3 --dry-run
    """
    from ..retention import prune as run_prune

    report = run_prune(keep, dry_run=dry_run, datadir=dd)
    if as_json:
        output_json(report)
        return
    from rich.table import Table

    console = _console()
    table = Table(title=f"kgraph prune --keep {report['keep']}{' (dry run: nothing removed)' if dry_run else ''}")
    for col in ("source", "kind", "kept", "removed", "size", "newest kept"):
        table.add_column(col, justify="right" if col in ("kept", "removed", "size") else "left")
    for r in report["rows"]:
        table.add_row(r["source"], r["kind"], str(r["kept"]), str(len(r["removed"])),
                      human_size(r["bytes"]) if r["removed"] else "", r["newest_kept"] or "")
    console.print(table)
    verb = "would free" if dry_run else "freed"
    console.print(f"{report['removed']} snapshot(s) {'to remove' if dry_run else 'removed'}; {verb} "
                  f"{human_size(report['bytes'])}", highlight=False)
