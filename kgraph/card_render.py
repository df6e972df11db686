"""Entity cards and operator chains for people: :func:`render_card` prints a :func:`kgraph.card.show` card,
:func:`render_chain` a :func:`kgraph.card.chain`, as rich trees (``--json`` prints the data instead).

Each fact is followed by its sources (``us_ofac_sdn 40185``); a scored link by its score and its evidence in
a few words (``operates (score 0.90, from the list's link)``).
"""
from __future__ import annotations

from typing import Any

from .merges import render_why_merged

__all__ = ["render_card", "render_chain"]

#: an operator or owner link's evidence (kgraph.resolve.links), as a card says it in a few words
_LINK_EVIDENCE = {"listed_link": "from the list's link", "operator_icao": "operator code", "operatorName": "operator named",
                  "ownerName": "owner named", "callsign": "callsigns"}
#: the links that put an aircraft in a node's fleet, in the order a card names them
_AIRCRAFT_LINKS = ("OPERATES", "OWNS", "LINKED_TO")
#: how an inbound link reads from its end
_INBOUND_LABEL = {"PERFORMED": "performed by", "ISSUED_BY": "issues", "OPERATES": "operated by", "OWNS": "owned by"}


def _cite(sources: list[dict[str, Any]]) -> str:
    return "; ".join(f"{s['source']} {s['record']}" for s in sources if s.get("source")) or "derived"


def _some_of(shown: int, total: int) -> str:
    """A section's count: ``5``, or ``25 of 2,520`` when the card shows only the first."""
    return str(total) if shown == total else f"{shown} of {total:,}"


def _dates(first: str | None, latest: str | None) -> str:
    if not first:
        return "date unknown"
    return first if not latest or latest == first else f"{first} .. {latest}"


def _end(e: dict[str, Any]) -> str:
    if not e.get("id"):
        return "?"
    if e.get("type") == "Country":
        return f"{e.get('name') or e.get('country')} (country only)"
    code = e["id"].split("-", 1)[1] if e["id"].startswith("airport-") else e["id"]
    return f"{code} {e.get('name') or ''} ({e.get('country') or '?'})".replace("  ", " ")


def _why(evidence: list[dict[str, Any]] | None) -> str:
    """A scored link's evidence in a few words, for people (the card's data keeps it whole).

    >>> _why([{"feature": "operator_icao", "value": "PBD", "detail": "the airframe's operator code is ..."}])
    'operator code PBD'
    >>> _why([{"feature": "name", "value": "RUSSIAN COPPER CO", "detail": "best pair of names (0.865)"}])
    'best pair of names (0.865)'
    """
    parts = []
    for e in evidence or ():
        value = e.get("value")
        value = ", ".join(map(str, value[:3])) if isinstance(value, list) else value
        words = _LINK_EVIDENCE.get(e.get("feature"))
        if words:
            parts.append(f"{words} {value}" if value and e["feature"] != "listed_link" else words)
        elif e.get("detail"):
            parts.append(e["detail"])
    return "; ".join(parts[:3])


def _fleet_line(a: dict[str, Any]) -> str:
    """One aircraft of an operator's fleet, for people: its tail and id, what identifies the airframe, how
    it is tied to the operator (with the resolver's score) and the sources."""
    from rich.markup import escape

    what = ", ".join([a["id"], *([f"MSN {'/'.join(a['msn'])}"] if a["msn"] else []),
                      *([f"ICAO {'/'.join(x.upper() for x in a['icao24'])}"] if a["icao24"] else []),
                      *a["model"][:1]])
    hows = []
    for rel in sorted(set(a["relationships"]), key=_AIRCRAFT_LINKS.index):
        how = _rel_label(rel)
        if rel != "LINKED_TO" and a.get("score") is not None:
            why = _why(a.get("evidence"))
            how += f" (score {a['score']:.2f}{', ' + why if why else ''})"
        elif rel == "LINKED_TO" and a.get("relation") and a["relation"].lower() != how:
            how += f" ({a['relation']})"  # the list's own word for the link, when it says more
        hows.append(how)
    return (f"[bold]{escape(a['caption'] or a['id'])}[/] ({escape(what)}){' [red]sanctioned[/]' if a.get('sanctioned') else ''}"
            f"; {escape(', '.join(hows))}  [dim]{escape(_cite(a['sources']))}[/]")


def render_chain(result: dict[str, Any], console) -> None:
    """Print a :func:`chain` as a tree."""
    from rich.markup import escape
    from rich.tree import Tree

    op = result["operator"]
    mark = " [bold red]SANCTIONED[/]" if op.get("sanctioned") else ""
    tree = Tree(f"[bold]{escape(op['name'] or op['id'])}[/] ({op['type']}, {op['id']}){mark}  "
                f"[dim]{escape(_cite(op['sources']))}[/]")
    sanctions = tree.add("[bold]Sanctions[/]")
    for s in result["sanctions"]:
        when = f"listed {s['listingDate']}" if s.get("listingDate") else (
            f"first seen {s['firstSeen']}" if s.get("firstSeen") else "date not stated")
        sanctions.add(f"{escape(s.get('authority') or '?')}: [bold]{escape(s.get('program') or '')}[/], {when}  "
                      f"[dim]{escape(_cite(s['sources']))}[/]")
    planes = tree.add(f"[bold]Aircraft[/] ({len(result['aircraft'])})")
    for a in result["aircraft"]:
        node = planes.add(_fleet_line(a))
        if a["flights"]:
            fl = node.add(f"Flights ({len(a['flights'])})")
            for f in a["flights"]:
                cite = "; ".join(f.get("citation") or []) or _cite(f["sources"])
                fl.add(f"{_dates(f['departureDate'], f['departureDateLatest'])}: {escape(_end(f['from']))} -> "
                       f"{escape(_end(f['to']))}, arrived {_dates(f['arrivalDate'], f['arrivalDateLatest'])}  "
                       f"[dim]{escape(cite)} ({escape(_cite(f['sources']))})[/]")
    if result.get("countries_visited"):
        tree.add("[bold]Countries visited[/]: " + ", ".join(
            f"{escape(c['name'])} ({c['visits']})" for c in result["countries_visited"]))
    console.print(tree)


def _rel_label(rel: str) -> str:
    """What the schema calls a relationship type for people: SAME_AS is "possibly same as" (a merged pair is
    one node; a link is a pair the resolver left for review)."""
    from .schema import schema

    spec = schema().rels.get(rel)
    return spec.label if spec else rel.lower().replace("_", " ")


def _section(tree, title: str, items: list, line) -> None:
    """A branch of the card titled ``title`` with a line per item; none when there are no items."""
    if items:
        branch = tree.add(f"[bold]{title}[/]")
        for item in items:
            branch.add(line(item))


def render_card(card: dict[str, Any], console) -> None:
    """Print a :func:`show` card for people."""
    from rich.markup import escape
    from rich.table import Table
    from rich.tree import Tree

    mark = " [bold red]SANCTIONED[/]" if card["sanctioned"] else ""
    tree = Tree(f"[bold]{escape(card['caption'] or card['id'])}[/] ({card['type']}, {card['id']}){mark}")
    tree.add(f"[dim]sources: {escape(_cite(card['sources']))}[/]")
    render_why_merged(card.get("merged"), tree)
    _section(tree, "Names", card["names"],
             lambda n: f"{escape(n['name'])}  [dim]{n['kind']}, {'/'.join(n['scripts']) or '-'}[/]")
    _section(tree, "Identifiers", card["identifiers"], lambda i: f"{escape(i['label'])}: {escape(str(i['value']))}")
    if card["details"]:
        det = tree.add("[bold]Details[/]")
        for d in card["details"].values():
            v = d["value"]
            det.add(f"{escape(d['label'])}: {escape(', '.join(map(str, v)) if isinstance(v, list) else str(v))}")
    if card["listings"]:
        lst = tree.add("[bold]Listings[/]")
        for s in card["listings"]:
            when = s.get("listingDate") or (f"first seen {s['firstSeen']}" if s.get("firstSeen") else "")
            url = "; ".join(s.get("sourceUrl") or []) if isinstance(s.get("sourceUrl"), list) else s.get("sourceUrl") or ""
            lst.add(f"{escape(s.get('authority') or '?')}: [bold]{escape(s.get('program') or '')}[/] {when} "
                    f"{escape(s.get('status') or '')} [dim]{escape(_cite(s['sources']))} {escape(url)}[/]")
    _section(tree, "Addresses", card["addresses"],
             lambda a: f"{escape(a['caption'] or a['id'])}  [dim]{escape(_cite(a['sources']))}[/]")
    _section(tree, "Countries", card["countries"],
             lambda c: f"{escape(c['caption'] or c['id'])} ({c['id']})"
                       f"{', ' + escape(c['relation']) if c.get('relation') else ''}  [dim]{escape(_cite(c['sources']))}[/]")
    # an aircraft the node operates, owns or is linked to is told once, under Aircraft, with what it is
    fleet = {a["id"] for a in card.get("aircraft") or ()}
    links = [l for l in card["links"] if not (l["id"] in fleet and l["relationship"] in _AIRCRAFT_LINKS)]
    if links:
        lk = tree.add("[bold]Linked[/]")
        for l in links:
            score = f" score {l['score']:.2f}" if isinstance(l.get("score"), (int, float)) else ""
            why = _why(l.get("evidence"))
            score += f" ({escape(why)})" if why else ""
            label = (_INBOUND_LABEL.get(l["relationship"]) if l.get("inbound") else None) or \
                _rel_label(l["relationship"])
            # the source's own word for the link (director, owner, "Linked To"), when it says more than the type
            how = l.get("relation")
            how = f" ({escape(how)})" if how and how.lower() != label else ""
            lk.add(f"{label} {escape(l['caption'] or l['id'])} "
                   f"({l['type']}, {l['id']}){how}{score}{' [red]sanctioned[/]' if l.get('sanctioned') else ''} "
                   f"[dim]{escape(_cite(l['sources']))}[/]")
    if card.get("registrations"):
        reg = tree.add("[bold]Registrations[/]")
        for r in card["registrations"]:
            since = r.get("validFrom") or "registered since: not given"
            until = r.get("validUntil") or ("current" if r.get("current") else "end not given")
            span = f"{since} .. {until}"
            if r.get("firstSeen") and not r.get("validFrom"):
                span = f"first seen {r['firstSeen']}, {until}"
            reg.add(f"{escape(r['tail'] or '')} {span}{' (on a civil register)' if r.get('current') else ''} "
                    f"[dim]{escape(_cite(r['sources']))}[/]")
    if card.get("aircraft"):
        ac = tree.add(f"[bold]Aircraft[/] ({len(card['aircraft'])})")
        for a in card["aircraft"]:
            ac.add(_fleet_line(a))
    if card.get("listed"):
        listed = card["listed"]
        tree.add(f"[bold]Listed under it[/] ({listed['total']:,}): "
                 + ", ".join(f"{t['type']} {t['count']:,}" for t in listed["by_type"]))
    if card.get("located_here"):
        here = card["located_here"]
        tree.add(f"[bold]Located here[/] ({here['total']:,}): "
                 + ", ".join(f"{t['type']} {t['count']:,}" for t in here["by_type"]))
        if here["sanctioned"]:
            branch = tree.add(f"[bold]Sanctioned and located here[/] "
                              f"({_some_of(len(here['sanctioned']), here['sanctioned_total'])})")
            for e in here["sanctioned"]:
                branch.add(f"{escape(e['caption'] or e['id'])} ({e['type']}, {e['id']}){', ' + escape(e['role']) if e.get('role') else ''}")
    if card.get("sanctioned_aircraft_here"):
        here = tree.add(f"[bold]Sanctioned aircraft flying to or from here[/] "
                        f"({_some_of(len(card['sanctioned_aircraft_here']), card['sanctioned_aircraft_total'])})")
        for a in card["sanctioned_aircraft_here"]:
            here.add(f"{escape(a['caption'] or a['id'])} ({a['id']}) [red]sanctioned[/]: {a['flights']} "
                     f"flight{'s' if a['flights'] != 1 else ''}, last {a['last'] or 'date unknown'}")
    console.print(tree)
    if card.get("flights"):
        table = Table(title=f"Latest flights ({_some_of(len(card['flights']), card.get('flights_total', len(card['flights'])))})")
        for col in ("departed", "from", "to", "arrived", "aircraft", "source"):
            table.add_column(col, overflow="fold")
        for f in card["flights"]:
            table.add_row(_dates(f["departureDate"], f["departureDateLatest"]), _end(f["from"]), _end(f["to"]),
                          _dates(f["arrivalDate"], f["arrivalDateLatest"]),
                          (f["aircraft_caption"] or "") + (" (sanctioned)" if f.get("aircraft_sanctioned") else ""),
                          "; ".join(f.get("citation") or []) or _cite(f["sources"]))
        console.print(table)
    if card.get("listed") and card["listed"]["latest"]:
        latest = card["listed"]["latest"]
        table = Table(title=f"Latest designations ({_some_of(len(latest), card['listed']['total'])})")
        for col in ("date", "entity", "type", "id", "status"):
            table.add_column(col, overflow="fold")
        for e in latest:
            when = e["listingDate"] or (f"{e['firstSeen']} (first seen)" if e.get("firstSeen") else "not stated")
            table.add_row(when, e["caption"] or "", e["type"], e["id"], e["status"] or "")
        console.print(table)
    if card.get("countries_visited"):
        console.print("Countries visited: " + ", ".join(
            f"{c['name']} ({c['visits']}, last {c['last'] or '?'})" for c in card["countries_visited"]))
