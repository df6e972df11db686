"""Analyst commands: update, changes, watch, view."""
from __future__ import annotations

import click

from ..htmlview import MAX_NEIGHBOURS, MAX_NODES
from . import found_by_note, human_size, output_json, pass_datadir


@click.command()
@click.argument("node_id")
@click.option("--hops", type=click.IntRange(min=0), default=2, show_default=True,
              help="How many relationships away from the node to go.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, writable=True),
              help="HTML file to write (default: kgraph-view-<ID>.html here).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=MAX_NODES, show_default=True,
              help="At most this many nodes in the view.")
@click.option("--max-neighbours", type=click.IntRange(min=1), default=MAX_NEIGHBOURS, show_default=True,
              help="At most this many new neighbours drawn per node and relationship type; "
                   "the rest are noted as '+N more'.")
@click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON.")
@pass_datadir
def view(dd, node_id, hops, out, max_nodes, max_neighbours, as_json):
    """Write a self-contained interactive HTML view of the neighbourhood of NODE_ID.

    One file, no network: open it in any browser, offline. Node types have a
    colour and a shape, sanctioned nodes a red ring; click a node for its
    card (names, identifiers, listings with their sources), filter types,
    search names and ids. Busy nodes show at most --max-neighbours
    neighbours and a "+N more" note. NODE_ID may also be anything lookup
    finds exactly (a tail, a hex, a name), as for `kgraph show`.

    \b
    Example:
        kgraph view ofac-40181 -o aviacon.html
        kgraph view RA-78765 --hops 3 -o ra-78765.html
    """
    from ..datadir import output_path
    from ..htmlview import view_data, write_html

    out = None if out is None else output_path(out)  # a mistyped folder is refused before the graph is read
    data = view_data(node_id, hops=hops, datadir=dd, max_nodes=max_nodes, max_neighbours=max_neighbours)
    path = write_html(data, out)
    summary = {"path": str(path), "center": data["center"], "hops": hops, "nodes": len(data["nodes"]),
               "relationships": len(data["edges"]),
               "not_drawn": sum(n["more"] for n in data["nodes"] if n["depth"] < hops),
               "truncated": data["truncated"]}
    if data.get("found_by"):
        summary["found_by"] = data["found_by"]
    if as_json:
        output_json(summary)
        return
    if data.get("found_by"):
        click.echo(found_by_note(data["found_by"]))
    limit = " (node limit reached)" if data["truncated"] else ""
    click.echo(f"Wrote {path}: {summary['nodes']} nodes, {summary['relationships']} relationships within {hops} "
               f"hop{'s' if hops != 1 else ''} of {data['center']}{limit}.")


# --------------------------------------------------------------------------- update
def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False)


class _StageDisplay:
    """A rich progress display on stderr: one line per stage, a spinner while it runs."""

    STYLE = {"done": "green", "updated": "green", "offline": "green", "unchanged": "cyan", "fallback": "yellow",
             "skipped": "yellow", "failed": "red"}

    def __init__(self, enabled: bool):
        self.progress = None
        self.tasks: dict[str, int] = {}
        if enabled:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(finished_text="-"), TextColumn("{task.description}"),
                                     TimeElapsedColumn(), console=_console(stderr=True))

    def __enter__(self):
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()

    def __call__(self, kind: str, stage: str, **info) -> None:
        if self.progress is None:
            return
        from rich.markup import escape

        if kind == "start":
            self.tasks[stage] = self.progress.add_task(escape(info.get("label", stage)), total=1)
            return
        task = self.tasks.get(stage)
        if task is None:
            return
        status = info.get("status", "done")
        colour = self.STYLE.get(status, "white")
        detail = info.get("detail") or ""
        text = f"{escape(info.get('label', stage))}: [{colour}]{escape(status)}[/]"
        if detail and status not in ("done", "updated", "offline"):
            text += f" [dim]({escape(detail[:160])})[/]"
        elif detail:
            text += f" [dim]{escape(detail)}[/]"
        self.progress.update(task, description=text, completed=1)


@click.command()
@click.option("--sources", "sources", help="Comma-separated sources to update instead of the configured ones.")
@click.option("--offline", is_flag=True, help="Rebuild from the raw snapshots already held; no network.")
@click.option("--no-check", is_flag=True, help="Skip the sources' quality assertions (excerpts and samples).")
@click.option("--rebuild", is_flag=True, help="Build even if nothing changed since the current graph.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Sources fetched and parsed at once, each in its own process (default: [update] jobs, else 2).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-s", "--silent", is_flag=True, help="No progress display.")
@pass_datadir
def update(dd, sources, offline, no_check, rebuild, jobs, as_json, silent):
    """Fetch every configured source, ingest, resolve and build, in one command.

    Configured sources: ofac, canada, nsdc, faa, opensky, airports, plus
    the flight sources whose aircraft are set in config.toml ([update]
    icao24, [sources.opensky-flights], [sources.traces]); `[update] sources`
    or --sources replace the set; war-sanctions (some 1,500 page requests)
    runs only when named there. A source needing an unset environment
    variable (KGRAPH_NSDC_API_KEY, KGRAPH_OPENSKY_CLIENT_ID/SECRET) is
    skipped; a source that is down falls back to its last good snapshot; a
    source that fails without one is skipped, and the build runs on what is
    held. The exit code is non-zero only when no graph could be built.

    \b
    Example:
        kgraph update
        kgraph update --sources ofac,canada
        kgraph update --offline --json
    """
    from ..refresh import update as run_update

    names = [s for s in sources.split(",")] if sources else None
    with _StageDisplay(enabled=not (silent or as_json)) as display:
        summary = run_update(names, offline=offline, check=False if no_check else None, rebuild=rebuild,
                             datadir=dd, on_event=display, jobs=jobs)
    if as_json:
        output_json(summary)
    else:
        _render_update(summary, _console())
    if not summary["ok"]:
        raise click.exceptions.Exit(1)


def _render_update(summary: dict, console) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"kgraph update{' (offline)' if summary['offline'] else ''}: {summary['datadir']}")
    for col in ("source", "status", "snapshot", "records", "added", "removed", "changed", "warnings", "s"):
        table.add_column(col, justify="left" if col in ("source", "status", "snapshot") else "right")
    for name, r in summary["sources"].items():
        colour = _StageDisplay.STYLE.get(r["status"], "white")
        cells = [str(r.get(k)) if r.get(k) is not None else "" for k in
                 ("snapshot", "records", "added", "removed", "changed", "warnings")]
        secs = f"{r['seconds']:.1f}" if r.get("seconds") is not None else ""
        table.add_row(name, f"[{colour}]{r['status']}[/]", *cells, secs)
    console.print(table)
    for name, r in summary["sources"].items():
        if r["status"] in ("fallback", "skipped", "failed"):
            colour = _StageDisplay.STYLE[r["status"]]
            console.print(f"[{colour}]{name} {r['status']}:[/] {escape(r['reason'] or '')}", highlight=False)
        for w in r.get("warning_samples") or []:
            console.print(f"  [dim]{name} warning: {escape(w)}[/]", highlight=False)
    if summary["kept"]:
        console.print(f"[dim]held and used as they are (not updated now): {', '.join(summary['kept'])}[/]")
    b = summary.get("build")
    if b:
        counts = b.get("counts") or {}
        n = sum((counts.get("nodes") or {}).values())
        e = sum((counts.get("edges") or {}).values())
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in (b.get("timings") or {}).items())
        worker = b.get("flight_worker") or {}
        if worker.get("seconds") is not None:  # beside the load and the resolve, not after them
            timings += f"; flights {worker['seconds']:.1f}s in a second process"
        console.print(f"[green]Built[/] {b['path']}: {n} nodes, {e} edges, {b.get('clusters')} merged clusters "
                      f"({timings}).", highlight=False)
        for w in b.get("warnings") or []:
            console.print(f"[yellow]build warning:[/] {escape(w)}", highlight=False)
    elif summary.get("build_skipped"):
        console.print(f"[cyan]{summary['build_skipped']}[/]; graph: {summary['graph']}", highlight=False)
    if summary.get("build_error"):
        console.print(f"[red]Build failed:[/] {escape(summary['build_error'])}", highlight=False)
    pruned = summary.get("pruned")
    if pruned and pruned["removed"]:
        console.print(f"[dim]pruned {pruned['removed']} old snapshot(s) ({human_size(pruned['bytes'])}; "
                      f"{escape('[update]')} keep_snapshots = {pruned['keep']})[/]", highlight=False)
    # what changed is the next question only when there is a new graph to compare
    console.print(f"[dim]{summary['seconds']:.1f} s{'; then: kgraph changes' if b else ''}[/]")


# --------------------------------------------------------------------------- changes
@click.command()
@click.option("--since", help="A date (2026-02-01), a date and time, or a number of days (7d); "
                              "default: since the previous build.")
@click.option("--watchlist", is_flag=True,
              help="Only what concerns the watched entities, their aircraft and destinations.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="At most this many rows per table (--json gives everything).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_datadir
def changes(dd, since, watchlist, limit, as_json):
    """What changed: designations, aircraft, flights, destinations.

    Compares the current graph with the previous build (default) or with
    the newest build made before --since: designations added and removed
    per authority, aircraft newly linked to sanctioned operators, new
    flights of sanctioned aircraft and the countries they reached for the
    first time. Every build keeps the facts this needs in DATA/history/.

    \b
    Example:
        kgraph changes
        kgraph changes --since 2026-01-25 --watchlist
        kgraph changes --since 7d --json
    """
    from ..changelog import changes as run_changes

    report = run_changes(since=since, watchlist=watchlist, datadir=dd)
    if as_json:
        output_json(report)
        return
    _render_changes(report, _console(), limit)


def _render_changes(report: dict, console, limit: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    base = report["baseline"]
    cur = report["current"]
    if base["kind"] == "build":
        head = f"Changes in build {cur['build']} ({cur['built_at']}) since build {base['build']} ({base['built_at']})"
    elif base["kind"] == "dates":
        head = f"Changes in build {cur['build']} ({cur['built_at']}) dated on or after {base['since']}"
    else:
        head = f"Build {cur['build']} ({cur['built_at']})"
    console.print(f"[bold]{escape(head)}[/]", highlight=False)
    for note in report["notes"]:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)

    def table(title, columns, rows):
        if not rows:
            console.print(f"[dim]{title}: none[/]")
            return
        t = Table(title=f"{title} ({len(rows)})", title_justify="left")
        for c in columns:
            t.add_column(c)
        for r in rows[:limit]:
            t.add_row(*(escape(str(v)) if v is not None else "" for v in r))
        console.print(t)
        if len(rows) > limit:
            console.print(f"[dim]... {len(rows) - limit} more (--limit, --json)[/]")

    if report["by_authority"]:
        table("Designations per list", ["list", "added", "removed"],
              [(a, c["added"], c["removed"]) for a, c in sorted(report["by_authority"].items())])
    d = report["designations"]
    table("New designations", ["list", "program", "entity", "type", "id", "date"],
          [(r["list"] or r["authority"], r["program"], r["name"], r["type"], r["id"],
            f"{r['date']} ({r['date_kind']})" if r["date"] else "") for r in d["added"]])
    table("Removed designations", ["list", "program", "entity", "type", "id", "still in graph"],
          [(r["list"] or r["authority"], r["program"], r["name"], r["type"], r["id"],
            "yes" if r["still_in_graph"] else "no") for r in d["removed"]])
    table("Aircraft newly linked to sanctioned operators", ["operator", "aircraft", "link", "aircraft listed"],
          [(f"{r['operator_name']} ({r['operator']})", f"{r['aircraft_name']} ({r['aircraft']})",
            r["relationship"].lower().replace("_", " "), "yes" if r["aircraft_sanctioned"] else "no")
           for r in report["aircraft"]])
    table("New flights of sanctioned aircraft", ["date", "aircraft", "from", "to", "arrived"],
          [(r["departure_date"], r["aircraft_name"], f"{r['from_name'] or '?'} ({r['from_country'] or '?'})",
            f"{r['to_name'] or '?'} ({r['to_country'] or '?'})", r["arrival_date"]) for r in report["flights"]])
    table("New destination countries", ["aircraft", "country", "first arrival", "airport"],
          [(r["aircraft_name"], f"{r['country_name'] or r['country']} ({r['country']})", r["date"],
            r["airport_name"]) for r in report["destinations"]])
    if "watched" in report:
        table("Watchlist", ["id", "watched as", "status"],
              [(e["id"], e.get("query") or e.get("caption") or "", e["status"]) for e in report["watched"]])


# --------------------------------------------------------------------------- watch
@click.group()
def watch():
    """Manage the watchlist used by `kgraph changes --watchlist`.

    Entries are node ids, or queries resolved with lookup to their best hit
    (the id and the query text are both kept). Stored in DATA/watchlist.json.

    \b
    Example:
        kgraph watch add "Aviacon Zitotrans"
        kgraph watch add ofac-40185
        kgraph watch list
        kgraph watch remove ofac-40185
    """


@watch.command("add")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
@pass_datadir
def watch_add(dd, target, as_json):
    """Watch TARGET: a node id, or a query (name, tail, hex, MSN...) resolved to its best hit.

    \b
    Example:
        kgraph watch add "Авиакон Цитотранс"
        kgraph watch add RA-78765
    """
    from ..watchlist import watch_add as run

    entry = run(target, datadir=dd)
    if as_json:
        output_json(entry)
        return
    how = f" (from the query {entry['query']!r})" if entry.get("query") else ""
    verb = "Already watching" if entry.get("already") else "Watching"
    click.echo(f"{verb} {entry['id']}: {entry.get('caption') or ''} [{entry.get('type')}]{how}")


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@pass_datadir
def watch_list(dd, as_json):
    """List the watched entities, each checked against the current graph.

    \b
    Example:
        kgraph watch list --json
    """
    from ..watchlist import watch_list as run

    entries = run(datadir=dd)
    if as_json:
        output_json(entries)
        return
    if not entries:
        click.echo("The watchlist is empty: kgraph watch add ID|QUERY")
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"Watchlist ({len(entries)})")
    for c in ("id", "type", "name", "query", "added", "status"):
        t.add_column(c)
    for e in entries:
        colour = "green" if e["status"] == "ok" else "yellow"
        t.add_row(*(escape(str(e.get(k) or "")) for k in ("id", "type", "caption", "query", "added")),
                  f"[{colour}]{escape(e['status'])}[/]")
    _console().print(t)


@watch.command("remove")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the removed entries as JSON.")
@pass_datadir
def watch_remove(dd, target, as_json):
    """Stop watching TARGET (a watched id, or the query text it was added with).

    \b
    Example:
        kgraph watch remove ofac-40185
    """
    from ..watchlist import watch_remove as run

    gone = run(target, datadir=dd)
    if as_json:
        output_json(gone)
        return
    for e in gone:
        click.echo(f"No longer watching {e['id']}: {e.get('caption') or ''}")
