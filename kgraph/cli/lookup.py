"""Lookup, entity cards and screening: `kgraph lookup`, `kgraph show`, `kgraph screen`."""
from __future__ import annotations

import shlex

import click

from . import found_by_note, output_json, pass_datadir


@click.command()
@click.argument("query")
@click.option("--limit", "-n", default=10, show_default=True, help="Hits to show.")
@click.option("--type", "types", multiple=True, help="Only nodes of this type (repeatable): Organization, Airplane...")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, best match first.")
@pass_datadir
def lookup(dd, query, limit, types, as_json):
    """Find nodes by name in any script or romanisation, tail, ICAO hex, MSN,
    tax or registration number, SWIFT/BIC, passport, digital currency or email
    address, website or domain, node id or source record id.

    A tail may be typed in any spacing, with any dash, with Cyrillic letters
    (РА-78765) or as its number alone (78765 finds RA-78765, with a score of
    0.9). A website or a bare domain (arrai.tv, https://www.sberbank.com/en)
    finds the bodies whose website it is and those with an email address
    there, but for mail services anyone has an address with (gmail.com,
    mail.ru); a social site's address counts with its user (t.me/name). An
    identifier is found inside a longer query too: after its label (MSN
    83486590, ICAO 1533AD, ИНН 6658039390, SWIFT/BIC SABRRUMM, Passport
    1084010, XBT 12QtD5BF...), in quotes or brackets, and a tail beside the
    aircraft's type (Il-76TD RA-78765). An airport is found by its town and
    the other names OurAirports keeps for it too (St Petersburg,
    Санкт-Петербург, Leningrad: Pulkovo). A
    Russian or Ukrainian adjective is also read as the name it is made of,
    as the lists write it (Уральские авиалинии: Ural Airlines; Сирийские
    арабские авиалинии: Syrian Arab Airlines), scored 0.95 of that reading
    and said in why; never for a person, whose surname in -ский is no
    adjective. A Korean name in Russian letters is read as the lists
    romanise it (Ким Чен Ын: KIM, Jong Un; Ли Пён Чхоль: RI, Pyong Chol) or
    in Hangul (김정은: KIM, Jong Un), a Chinese name in Russian letters
    (Palladius) in pinyin (Ма Сяохун: MA, Xiaohong; Си Цзиньпин: Xi
    Jinping), a Russian name in Ukrainian letters in Russian ones (Євген
    Пригожин: PRIGOZHIN, Yevgeniy), scored and said the same way. English
    words in a company's name as Russian spells them are spelt back (ЮТэйр:
    UTair; Ростех: ROSTEC; Хазар Си Шиппинг Лайнс: KHAZAR SEA SHIPPING
    LINES), scored and said the same way, never for a person. A name spelt
    with other vowels is found too (Hezbollah: HIZBALLAH; Osama bin Laden:
    BIN LADIN, Usama; why says "spelt with other vowels"), and so is a name
    in Arabic or Persian letters, by the consonants and long vowels the
    script writes (ماهان ایر: MAHAN AIR; حماس: HAMAS, not Hamza; علی
    خامنه‌ای: KHAMENEI, Ali; حسن نصر الله: NASRALLAH, Hasan; why says how
    the query was read, "the query read as 'hmas'"). The words of a body's
    name the lists write in English are read in English too, in Arabic,
    Persian, Russian, Ukrainian, Chinese, Japanese and Korean (المصرف
    التجاري السوري: COMMERCIAL BANK OF SYRIA; Объединенная
    авиастроительная корпорация: UNITED AIRCRAFT CORPORATION; 珠海振戎公司:
    ZHUHAI ZHENRONG COMPANY LIMITED; 조선광선은행: KOREA KWANGSON BANKING
    CORP), scored and said as the readings above, never for a person.
    Greek, Armenian, Georgian and Hebrew names are read as the lists
    romanise them (Πούτιν, Պուտին, פוטין: PUTIN). An Arabic "servant of"
    name is one name however it is written (Abdul Rahman, Abd al-Rahman,
    Abdurrahman, Абдурахман: YASIN, Abdul Rahman), and not the bare name
    after it (Hassan is not Abd al-Hassan); Mohd and Md. are Muhammad, Abou is
    Abu, a kunya is found in one word (Abubakar: BA'ASYIR, Abu Bakar), and a
    Russian name as French and German papers write it (Tchirikov, Tschirikow:
    CHIRIKOV, Oleg; Sergueï Choïgou, Bekchan Barachojew: SHOIGU, BARAKHOYEV;
    Abdoulkhakim is Abdulkhakim) or with its given name as Ukraine writes it (Mykola
    Patrushev: PATRUSHEV, Nikolai). A Belarusian listed as Belarus
    romanises its language is found by the Russian name the press writes
    (Vladimir Naumov, Ivan Tertel: NAUMAU, Uladzimir; TSERTSEL, Ivan), and
    the other way round, a Russian as Ukraine romanises its letters
    (Yevhenii Pryhozhyn, Serhii Shoihu: PRIGOZHIN, SHOIGU), and a
    patronymic is one word in Russian, Ukrainian and Belarusian
    (Hryhorovych, Ryhoravich: Grigoryevich). A query whose
    words find no name is tried on the names spelt nearly as them (Prigozin:
    PRIGOZHIN; why says "a near spelling"). A query that finds nothing but
    reads as an aircraft model (Ил-76, Boeing 737) is pointed to the library
    query that lists that model's aircraft; a name with a model beside it
    (Aviacon Il-76, Mahan Air A340) is read without it, scored and said as
    the readings above, and pointed to the operator's card and that query.

    Each hit shows its type, names, lists and programs, score and why it
    matched. An identifier, id or record matches exactly (score 1); a name
    scores 0..1, and one that shares only a one- or two-character token
    with the query (an "RA", a "2") is no hit, so a tail the graph does
    not hold gives "No match". `--json` prints an array of {id, type, name,
    score, why, sources: [{source, record}], programs, sanctioned,
    summary}. A flight
    (a leg's id or source record, e.g. flightlog-dn-2026-02-02-1) and a
    registration (its id, tail-RA78765; its tail finds the airframes that
    carried it) are looked up in the graph store, not the index: 0.06-0.4 s
    at full size. An
    index written by a kgraph that made its keys otherwise is refused,
    with the command that writes it anew (kgraph build).

    \b
    Example:
        kgraph lookup "Авиакон Цитотранс"
        kgraph lookup "ra 78765" --json
        kgraph lookup 1533ad
    """
    from ..lookup_index import lookup as run_lookup

    hits = run_lookup(query, limit=limit, datadir=dd, types=types or None)
    if as_json:
        output_json(hits)
        return
    if not hits:
        click.echo(f"No match for {query!r}.")
        from ..refdata.models import model_family

        # lookup finds things by name and number; a model is what many aircraft share: a query lists them
        family = model_family(query) if any(c.isalpha() for c in query) else None
        if family:
            click.echo(f"It reads as the aircraft model {family}; its aircraft: "
                       f"kgraph query aircraft-of-model --param family={shlex.quote(family)}")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Lookup: {query}")
    for col in ("score", "id", "type", "name", "lists and programs", "why"):
        table.add_column(col, justify="right" if col == "score" else "left", no_wrap=col in ("score", "id"))
    for h in hits:
        name = escape(h["name"]) + (" [bold red](sanctioned)[/]" if h["sanctioned"] else "")
        if h.get("summary"):
            name += f"\n[dim]{escape(h['summary'])}[/]"
        table.add_row(f"{h['score']:.2f}", h["id"], h["type"], name, escape("; ".join(h["programs"])),
                      escape("; ".join(h["why"][:2])))
    Console().print(table)
    from ..lookup_hints import model_in

    found = model_in(query)
    if found and hits[0]["type"] != "Airplane":
        # an operator's aircraft of that model: on its card; every aircraft of the model: a library query
        from ..refdata.models import model_family

        family = model_family(found[1].split()[-1])
        click.echo(f"{hits[0]['id']}'s aircraft: kgraph show {hits[0]['id']}; every {family}: "
                   f"kgraph query aircraft-of-model --param family={shlex.quote(family)}")


@click.command()
@click.argument("file", type=click.File("rb"))
@click.option("--column", "-c", metavar="NAME|N",
              help="Read FILE as CSV and screen this column (its header, or its number from 1); the other "
                   "columns are kept in --csv and --json.")
@click.option("--born-column", metavar="NAME|N",
              help="With --column: a column of dates of birth, weighed against the listed people's.")
@click.option("--limit", "-n", default=1, show_default=True, help="Hits to show per query.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Leave out hits scoring less (1: exact identifiers, records and names only).")
@click.option("--type", "types", multiple=True, help="Only nodes of this type (repeatable): Organization, Airplane...")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {query, hits}, in the file's order.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print CSV for a spreadsheet: a row per hit (query, score, id, type, name, sanctioned, "
                   "programs, why), and one with only the query for a query with none.")
@pass_datadir
def screen(dd, file, column, born_column, limit, min_score, types, as_json, as_csv):
    """Look up every line of FILE (a list of counterparties, tails or numbers
    to screen; `-` reads stdin) and print the best hits of each, as
    `kgraph lookup` finds them.

    One query per line, UTF-8; blank lines and lines starting with # are
    skipped. The table has a row per hit, and one for a query with none.

    A spreadsheet saved as CSV is screened by one of its columns with
    --column (the delimiter, comma, semicolon or tab, is read from the
    file). Every row is kept: --csv prints the file's own columns, then the
    hit's as kgraph_score, kgraph_id, kgraph_type, kgraph_name,
    kgraph_sanctioned, kgraph_programs and kgraph_why; --json gives each
    entry its row, by the header's names. With --born-column a row's date
    of birth (1993-04-17, 17.04.1993, 04/17/1993, 17 Apr 1993 or a year) is
    weighed against the listed people's, as in a lookup "Khoroshev DOB
    1993-04-17": an agreeing date raises a person's score, another lowers
    it, and why says which; a cell not read as a date is said and left out.

    \b
    Example:
        kgraph screen counterparties.txt
        kgraph screen counterparties.txt --min-score 0.9 --json
        kgraph screen counterparties.txt --csv > screened.csv
        kgraph screen - < counterparties.txt
        kgraph screen clients.csv --column "Legal name" --csv > clients-screened.csv
        kgraph screen people.csv --column Name --born-column "Date of birth"
    """
    from ..screening import screen_file

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    name = getattr(file, "name", "<stdin>")
    found = screen_file(name, data=file.read(), column=column, limit=limit, min_score=min_score, datadir=dd,
                        types=types or None, born_column=born_column)
    for n, e in enumerate(found, 1):
        if e.get("note"):
            click.echo(f"{name}: row {n}: {e['note']}", err=True)
    if as_json:
        output_json(found)
        return
    if as_csv:
        import csv
        import sys

        out = csv.writer(sys.stdout, lineterminator="\n")
        hit_columns = ["score", "id", "type", "name", "sanctioned", "programs", "why"]
        if column is None:
            out.writerow(["query"] + hit_columns)
        else:
            out.writerow([_cell(h) for h in found[0]["row"]] + [f"kgraph_{c}" for c in hit_columns])
        for e in found:
            first = [_cell(e["query"])] if column is None else [_cell(v) for v in e["row"].values()]
            for h in e["hits"] or [None]:
                out.writerow(first + ([] if h is None else [
                    h["score"], h["id"], h["type"], _cell(h["name"]), "yes" if h["sanctioned"] else "no",
                    _cell("; ".join(h["programs"])), _cell("; ".join(h["why"]))]))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    screened_n = sum(1 for e in found if e["query"])
    table = Table(title=f"Screened: {name}{f', column {column!r}' if column is not None else ''}, "
                        f"{screened_n} queries, {sum(1 for e in found if e['hits'])} with hits")
    for col in ("query", "score", "id", "type", "name", "lists and programs", "why"):
        # the id is what a reader takes to `kgraph show`: never cut short
        table.add_column(col, justify="right" if col == "score" else "left", no_wrap=col in ("score", "id"))
    for e in found:
        if not e["query"]:
            continue
        for i, h in enumerate(e["hits"] or [None]):
            query = escape(e["query"]) if i == 0 else ""
            if h is None:
                table.add_row(query, "", "", "", "[dim]no match[/]", "", "")
                continue
            name = escape(h["name"]) + (" [bold red](sanctioned)[/]" if h["sanctioned"] else "")
            table.add_row(query, f"{h['score']:.2f}", h["id"], h["type"], name, escape("; ".join(h["programs"])),
                          escape("; ".join(h["why"][:2])))
    Console().print(table)


def _cell(text: str) -> str:
    """A text for a spreadsheet cell: one that a spreadsheet would run as a formula (=, +, -, @ first: the
    lists' names and the analyst's queries are text from outside) is kept as text by a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@click.command()
@click.argument("node_id")
@click.option("-n", "--limit", "--flights", "flights", type=click.IntRange(min=0), default=25, show_default=True,
              help="Rows in each list: the latest flights, a program's latest designations, the sanctioned "
                   "aircraft and entities of a place.")
@click.option("--json", "as_json", is_flag=True, help="Print the card as JSON.")
@pass_datadir
def show(dd, node_id, flights, as_json):
    """Print the card of one node: the records merged into it with the
    evidence of each merge, names in every script, identifiers, every
    listing with its source, addresses, countries, linked entities with the
    evidence, aircraft with registrations over time, latest flights, countries
    visited. An airport's or a country's card has the flights to and from it
    and the sanctioned aircraft that flew them; a program's card, who it lists
    and the latest designations; a flight's, its aircraft and its ends.

    NODE_ID comes from `kgraph lookup` (e.g. ofac-40181, ofac-40185). What
    lookup finds exactly will do as well (a tail, a hex, a name): the card
    is then its best hit's, and a first line says what matched and which
    other nodes match as well (`found_by` in --json). A query with no exact
    hit is refused, naming the closest.

    \b
    Example:
        kgraph show ofac-40185
        kgraph show RA-78765
        kgraph show ofac-40181 --json
        kgraph show airport-MUSA
        kgraph show program-us-ofac-russia-eo14024
    """
    from ..card_render import render_card
    from ..card import show as run_show

    card = run_show(node_id, datadir=dd, flights=flights)
    if as_json:
        output_json(card)
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if card.get("found_by"):
        console.print(f"[dim]{escape(found_by_note(card['found_by']))}[/]")
    render_card(card, console)
