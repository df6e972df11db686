"""Screening a list: many lookups at once, from a file of one query per line or a column of a CSV file.

Compliance work starts from a list (counterparties, tails, tax numbers), often a spreadsheet.
:func:`screen` looks up every query as :func:`kgraph.lookup` does, asking the graph store once for all
the queries the index leaves to it; :func:`read_queries` and :func:`read_table` read the file, and
refuse bad input in one line that names the file and the line.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable

from .datadir import DataDir
from .errors import KgraphError
from .lookup_hints import split_query
from .lookup_index import lookup
from .lookup_store import store_only_hits

__all__ = ["screen", "screen_file", "read_queries", "read_table", "column_index"]


def screen(queries: Iterable[str], *, limit: int = 1, min_score: float = 0.0, datadir: DataDir | str | Path | None = None,
           types: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Look up many queries at once (a list of counterparties to screen): one entry per query, in order.

    Each entry: ``query`` and ``hits`` (at most ``limit``, each as :func:`kgraph.lookup` gives it, scoring
    ``min_score`` or more). Blank queries are skipped.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> [(e["query"], [h["id"] for h in e["hits"]]) for e in kgraph.screen(["Aviacon Zitotrans", "1533ad",
    ...                                                                      "Nobody Ltd"], datadir=dd)]
    [('Aviacon Zitotrans', ['ofac-40181']), ('1533ad', ['ofac-40185']), ('Nobody Ltd', [])]
    """
    wanted = list(types) if types else None
    dd = DataDir.of(datadir)
    queries = [q.strip() for q in queries if q.strip()]
    # the graph store (a flight's id or record) is asked once, for every query the index leaves to it: asked per
    # query, its three scans took ~0.5 s for each miss at full size
    asked: dict[str, list[dict[str, Any]]] = {}
    found = [lookup(q, limit=limit, datadir=dd, types=wanted, _ask_store=lambda q: asked.setdefault(q, []))
             for q in queries]
    if asked:
        store_hits = store_only_hits(dd.require_graph(), list(asked), set(wanted) if wanted else None)
        found = [lookup(q, limit=limit, datadir=dd, types=wanted, _ask_store=store_hits.__getitem__) if q in asked
                 else hits for q, hits in zip(queries, found)]
    return [{"query": q, "hits": [h for h in hits if h["score"] >= min_score]} for q, hits in zip(queries, found)]


def screen_file(path: str | Path, *, data: bytes | None = None, column: str | None = None, limit: int = 1,
                min_score: float = 0.0, datadir: DataDir | str | Path | None = None,
                types: Iterable[str] | None = None, born_column: str | None = None) -> list[dict[str, Any]]:
    """Screen a file: one query per line, or with ``column`` a column of a CSV file (:func:`read_table`).
    ``data`` is the file's content when it is not to be read from ``path`` (standard input).

    Entries as :func:`screen` gives them, in the file's order. With ``column`` every row of the file has
    one, with its ``row`` ({header name: cell}); a row whose cell is empty has the query "" and no hit.
    With ``born_column`` (a column of dates of birth) a row's date is part of its query ("Khoroshev DOB
    1993-04-17"), weighed against the listed people's (:mod:`kgraph.lookup_hints`); a date that is not
    read as one is left out, and the entry says so in ``note``.

    Example (``dd``: a data directory holding the demo graph; ``tmp``: a folder)
    -------
    >>> sheet = tmp / "clients.csv"
    >>> _ = sheet.write_text("Client;Legal name\\n7;JSC Aviacon Zitotrans\\n8;\\n")
    >>> [(e["row"]["Client"], [h["id"] for h in e["hits"]]) for e in
    ...  kgraph.screen_file(sheet, column="Legal name", datadir=dd)]
    [('7', ['ofac-40181']), ('8', [])]
    """
    data = Path(path).read_bytes() if data is None else data
    notes: dict[int, str] = {}
    if column is None:
        if born_column is not None:
            raise KgraphError(f"{path}: a column of dates of birth needs the column of names (--column)")
        queries, rows, labels = read_queries(path, data), [], []
    else:
        header, rows, at = read_table(path, data, column)
        queries = [row[at].strip() if at < len(row) else "" for row in rows]
        labels = _unique([h.strip() or f"column {i}" for i, h in enumerate(header, 1)])
        if born_column is not None:
            at_born = column_index(path, header, born_column)
            for n, row in enumerate(rows):
                born = row[at_born].strip() if at_born < len(row) else ""
                if born and queries[n] and split_query(f"{queries[n]} DOB {born}").born:
                    queries[n] = f"{queries[n]} DOB {born}"
                elif born and queries[n]:
                    notes[n] = f"date of birth {born!r} not read as a date: screened by the name alone"
    if not any(queries):
        raise KgraphError(f"{path}: no queries" + (
            " (one per line; # starts a comment)" if column is None else f" in column {labels[at]!r}"))
    screened = iter(screen([q for q in queries if q], limit=limit, min_score=min_score, datadir=datadir,
                           types=types))
    # a CSV row with an empty cell is kept, with no hit, so that the screened file lines up with the analyst's
    found = [next(screened) if q else {"query": "", "hits": []} for q in queries]
    for n, (entry, row) in enumerate(zip(found, rows)):
        entry["row"] = dict(zip(labels, row + [""] * (len(labels) - len(row))))
        if n in notes:
            entry["note"] = notes[n]
    return found


def _unique(names: list[str]) -> list[str]:
    """Header names made unique ("name", "name (2)"), so that a row reads as a dict without losing a cell."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def read_queries(path: str | Path, data: bytes) -> list[str]:
    r"""The queries of a screening file: one per line, UTF-8; blank lines and ``#`` comments skipped.

    Raises :class:`~kgraph.errors.KgraphError` naming the file and the line that is not UTF-8 text.

    >>> read_queries("names.txt", "# to screen\nAviacon Zitotrans\n\n  RA-78765 \n".encode())
    ['Aviacon Zitotrans', 'RA-78765']
    >>> read_queries("names.txt", b"ok\n\xff\xfe\n")
    Traceback (most recent call last):
    ...
    kgraph.errors.KgraphError: names.txt: line 2: not UTF-8 text
    """
    out = []
    for n, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), 1):  # a BOM from a spreadsheet
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise KgraphError(f"{path}: line {n}: not UTF-8 text") from None
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_table(path: str | Path, data: bytes, column: str) -> tuple[list[str], list[list[str]], int]:
    r"""A CSV screening file (a spreadsheet saved as CSV): its header, its rows and the index of ``column``,
    the one that holds the queries, named by its header or by its number (1 for the first).

    UTF-8 (a spreadsheet's BOM is dropped); the delimiter is the one of ``,``, ``;`` and tab that the
    header row uses most. Blank rows are skipped; every other row is kept, so that the screened file
    lines up with it.

    >>> read_table("list.csv", "Counterparty;Country\nAviacon Zitotrans;RU\n".encode(), "counterparty")
    (['Counterparty', 'Country'], [['Aviacon Zitotrans', 'RU']], 0)
    >>> read_table("list.csv", b"name,country\n", "owner")
    Traceback (most recent call last):
    ...
    kgraph.errors.KgraphError: list.csv: no column 'owner' (the header has: name, country)
    """
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise KgraphError(f"{path}: line {line}: not UTF-8 text") from None
    # the delimiter the header row uses most (csv.Sniffer wants rows of equal length, and a spreadsheet's last
    # cells are often empty and left out); none: one column
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise KgraphError(f"{path}: empty: a CSV file to screen starts with its header row")
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as e:
        raise KgraphError(f"{path}: line {reader.line_num}: not CSV ({e})") from None
    return header, rows, column_index(path, header, column)


def column_index(path: str | Path, header: list[str], column: str) -> int:
    """The index of ``column`` in a CSV file's header, named by its header or by its number (1 for the first)."""
    names = [h.strip() for h in header]
    if column.isdigit() and 1 <= int(column) <= len(header):
        return int(column) - 1
    wanted = column.strip().casefold()
    matching = [i for i, h in enumerate(names) if h.casefold() == wanted]
    if not matching:
        # a few names, each cut short: the first line of a file that is no CSV (an HTML page) can be long
        shown = ", ".join(n if len(n) <= 40 else n[:39] + "…" for n in names[:12]) + (", …" if len(names) > 12 else "")
        raise KgraphError(f"{path}: no column {column!r} (the header has: {shown})")
    return matching[0]
