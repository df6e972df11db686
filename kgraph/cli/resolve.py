"""Resolution commands: judge (record an analyst's decision) and review (the uncertain pairs)."""
from __future__ import annotations

import click

from . import output_json, pass_datadir


@click.command()
@click.argument("a")
@click.argument("b")
@click.option("--same", "judgement", flag_value="same", help="A and B are one entity: merge them in every build.")
@click.option("--different", "judgement", flag_value="different", help="A and B are two entities: never merge them.")
@click.option("--unsure", "judgement", flag_value="unsure", help="Cannot tell: take the pair off the review list.")
@click.option("--note", help="Why (kept with the judgement).")
@click.option("--force", is_flag=True, help="Record even if an id is not in the current graph.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored judgement as JSON.")
@pass_datadir
def judge(dd, a, b, judgement, note, force, as_json):
    """Record that records A and B are the same, different, or unsure.

    A and B are node ids as `kgraph review` and `kgraph show` print them
    (ofac-40181, ca-sema-eddeda8f89db741a4d9b). Judgements are kept in the
    data directory and applied before any automatic decision in every later
    build, whatever the scores; a "different" judgement also keeps the two
    apart when other links would join them. The last judgement of a pair wins.

    \b
    Example:
        kgraph judge ofac-40181 ca-sema-eddeda8f89db741a4d9b --same --note "same INN"
        kgraph build
    """
    from ..resolve import judge as record

    if judgement is None:
        raise click.UsageError("say --same, --different or --unsure")
    with dd.lock("judge"):
        j = record(a, b, judgement, note=note, check=not force, datadir=dd)
    if as_json:
        output_json(j.to_dict())
        return
    click.echo(f"Recorded: {j.a} and {j.b} are {j.judgement}" + (f" ({j.note})" if j.note else "")
               + f". It applies from the next `kgraph build`; stored in {dd.judgements_path}.")


def _evidence_text(evidence: list[dict]) -> str:
    parts = []
    for e in evidence:
        c = e.get("contribution") or 0.0
        if e["feature"] == "name":
            parts.append(f"name {e.get('value')!s} ~ {e.get('compared')!s}")
        elif c or e["feature"] in ("blocked",):
            sign = "+" if c > 0 else ""
            parts.append(f"{e['feature']} {sign}{c:.2f}" + (f" ({e['detail']})" if e.get("detail") else ""))
        elif e.get("detail"):
            parts.append(f"{e['feature']}: {e['detail']}")
    return "; ".join(parts)


@click.command()
@click.option("--limit", "-n", default=20, show_default=True, help="How many pairs (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the pairs and their evidence as JSON.")
@pass_datadir
def review(dd, limit, as_json):
    """List uncertain record pairs of the last build, best first, with their evidence.

    These pairs scored between the review and merge thresholds (or were kept
    apart by a rule) and nobody has judged them yet. Those a rule kept apart
    though they scored higher (two OFAC records, strong negative evidence)
    come after the others. Each pair shows both record ids whole (what
    `kgraph judge` takes) and what each stands for in the graph. Decide each
    with `kgraph judge A B --same|--different|--unsure`.

    \b
    Example:
        kgraph review --limit 10
        kgraph review --json | jq '.[0]'
    """
    from ..resolve import review as uncertain

    matches = uncertain(limit=limit or None, datadir=dd)
    if as_json:
        output_json([m.to_dict() for m in matches])
        return
    if not matches:
        click.echo("Nothing to review: no unjudged pair scored between the review and merge thresholds.")
        return
    from rich.console import Console
    from rich.table import Table

    from rich.markup import escape

    names = _names_of(dd, [x for m in matches for x in (m.a, m.b)])
    table = Table(title=f"{len(matches)} pair(s) to review", show_lines=True)
    table.add_column("score", justify="right")
    # the ids whole, whatever the width: they are what `kgraph judge` takes
    table.add_column("records A, B", overflow="fold",
                     min_width=max(len(x) for m in matches for x in (m.a, m.b)) + 3)
    table.add_column("evidence")
    for m in matches:
        pair = "\n".join(f"{k} [bold]{escape(x)}[/]" + (f"\n  {escape(names[x])}" if x in names else "")
                         for k, x in (("A", m.a), ("B", m.b)))
        table.add_row(f"{m.score:.2f}", pair, escape(_evidence_text(m.evidence)))
    console = Console(soft_wrap=False)
    console.print(table)
    console.print("[dim]Decide: kgraph judge A B --same | --different | --unsure[/dim]")


def _names_of(dd, ids: list[str]) -> dict[str, str]:
    """What each record id stands for in the current graph ("RA-76842 (Airplane)"; the node it was merged
    into, when it was), for the review table; nothing when the graph has no lookup index."""
    from ..find import id_hit
    from ..lookup_index import INDEX_NAME

    if not (dd.require_graph() / INDEX_NAME).exists():
        return {}
    out = {}
    for rid in ids:
        hit = id_hit(rid, datadir=dd)
        if hit:
            out[rid] = f"{hit['name']} ({hit['type']}{', in ' + hit['id'] if hit['id'] != rid else ''})"
    return out
