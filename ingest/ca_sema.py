"""Canada: Consolidated Canadian Autonomous Sanctions List (SEMA and JVCFOA), ``sema-lmes.xml``.

The file is a flat ``<data-set>`` of ``<record>`` elements with no id; the
stable key is (Country, Schedule, Item), where Country is the sanctions
*regime* ("Russia / Russie"), not a nationality. Each record becomes one
Person, Organization or Vessel node ``ca-sema-<hash of the key>`` with a
SANCTIONED_UNDER edge to the Program of its (regime, schedule), which is
ISSUED_BY the ``authority-ca_sema`` Authority.

Element names changed in March 2025; both sets are read:

=============  ============================================================
old (<= 2025-02) new (>= 2025-03)
=============  ============================================================
Entity         EntityOrShip
DateOfBirth    DateOfBirthOrShipBuildDate
Title          TitleOrShip (a person's title, or a ship's type)
(none)         ShipIMONumber, DateOfListing
=============  ============================================================

Example
-------
>>> recs = list(parse("tests/fixtures/canada/sema-lmes-2025.xml"))  # doctest: +SKIP
>>> [r.props["name"] for r in recs if r.id == "ca-sema-eddeda8f89db741a4d9b"]  # doctest: +SKIP
[['Aviacon Zitotrans JSC']]
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterator

from anyascii import anyascii
from rapidfuzz import fuzz

from kgraph.errors import SourceFormatError
from kgraph.ids import make_id, ship_imo, slug
from kgraph.model import Edge, Node, ParseReport, Provenance, Record
from kgraph.refdata.countries import country_code, country_name
from kgraph.sources import Source, SourceFile
from kgraph.xmlsafe import localname, parse_safe

__all__ = ["SOURCE", "parse", "split_names", "split_aliases", "person_alias", "parse_dates"]

DATASET = "ca_sema"
FILE_NAME = "sema-lmes.xml"
URL = ("https://www.international.gc.ca/world-monde/assets/office_docs/"
       "international_relations-relations_internationales/sanctions/sema-lmes.xml")
HOMEPAGE = ("https://www.international.gc.ca/world-monde/international_relations-relations_internationales/"
            "sanctions/consolidated-consolide.aspx?lang=eng")
LIST_TITLE = "Consolidated Canadian Autonomous Sanctions List"
AUTHORITY_ID = f"authority-{DATASET}"

SOURCE = Source(
    name="canada",
    title=f"{LIST_TITLE} (SEMA and JVCFOA)",
    datasets=(DATASET,),
    publisher="Global Affairs Canada",
    licence="Open Government Licence - Canada (https://open.canada.ca/en/open-government-licence-canada)",
    cadence="irregular: republished with each new or amended regulation (several times a month); check daily",
    homepage=HOMEPAGE,
    files=(SourceFile(FILE_NAME, (URL,), kind="xml"),),
    # 5,690 records on 2026-08-22 (2,176 entities or ships); 1,369 in April 2020
    assertions={
        "read": [4500, 8000],
        "nodes": {"Person": [2500, 5500], "Organization": [1000, 3500], "Vessel": [0, 1500]},
        "fill": {"Person.name": 0.99, "Organization.name": 0.99, "Vessel.imoNumber": 0.9},
    },
    prefix="ca-sema",
)

# the record's child elements this parser maps, old and new names
_NAME_FIELDS = ("Entity", "EntityOrShip")
_DATE_FIELDS = ("DateOfBirth", "DateOfBirthOrShipBuildDate")
_TITLE_FIELDS = ("Title", "TitleOrShip")
_NEW_ONLY = {"EntityOrShip", "DateOfBirthOrShipBuildDate", "TitleOrShip", "ShipIMONumber", "DateOfListing"}
_OLD_ONLY = {"Entity", "DateOfBirth", "Title"}

# a TitleOrShip value that names a ship type, for ships listed without an IMO number
_SHIP_TYPE = re.compile(r"(?i)\b(tanker|carrier|cargo|vessel|ship|container|bulker|ro-?ro|ferry|tug|trawler|"
                        r"lng|lpg|reefer|yacht|barge|dredger)\b")
_LANG_TAG = re.compile(r"^(?P<lang>[A-Z][a-z]+(?:an|ese|ish|ic|ew)|Farsi|Hindi|Urdu|Pashto|Dari|Greek)\s*:\s*")
_AKA = re.compile(r"(?i)^(?:a\.?k\.?a\.?|aka|also known as|alias)\s*:?\s+")
_FKA = re.compile(r"(?i)^(?:f\.?k\.?a\.?|formerly(?: known as)?)\s*:?\s+")
_PAREN_AKA = re.compile(r"(?i)\s*\(\s*(a\.?k\.?a\.?|also known as|f\.?k\.?a\.?|formerly(?: known as)?)\s+([^()]*)\)")
# pieces that are only a legal form belong to the name before the comma: "Htoo Co., Ltd."
_LEGAL_FORM = re.compile(r"(?i)^(?:ltd|limited|inc|llc|l\.l\.c|co|corp|plc|llp|gmbh|s\.?a|s\.?a\.?r\.?l|s\.?l|"
                         r"b\.?v|n\.?v|ag|jsc|ojsc|pjsc|cjsc|ooo|oao|zao|pao|ao|fze|fzco|pte|pvt|spa|ltda|"
                         r"sdn\.? bhd)\.?(?:\s+(?:ltd|limited|bhd)\.?)?$")
_OPEN, _CLOSE = "([{«“", ")]}»”"


def _split_top(text: str, seps: tuple[str, ...], *, grouped: bool = True) -> list[str]:
    """Split at separators outside brackets and quotes (commas inside «ООО «Альянс», Ltd.» stay)."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        c = text[i]
        if grouped and c in _OPEN:
            depth += 1
        elif grouped and c in _CLOSE:
            depth = max(0, depth - 1)
        elif grouped and c == '"':
            quoted = not quoted
        elif depth == 0 and not quoted:
            sep = next((s for s in seps if text.startswith(s, i)), None)
            if sep:
                parts.append(text[start:i])
                i = start = i + len(sep)
                continue
        i += 1
    if depth or quoted:  # an unclosed bracket or quote would swallow every later name: split plainly
        return _split_top(text, seps, grouped=False)
    parts.append(text[start:])
    return parts


def _split_slash(text: str) -> list[str]:
    # "Iranian Army/Armée iranienne" holds two names; "Maersk A/S" and "(Hmaw Bi/Pyi)" do not split
    parts = [p.strip() for p in _split_top(text, ("/",))]
    if len(parts) > 1 and all(len(p) >= 3 for p in parts):
        return parts
    return [text.strip()]


def _clean_piece(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;")
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()  # "(Rosselkhozbank)"
    if text.count(")") > text.count("(") and text.endswith(")"):
        text = text[:-1].rstrip()  # the end of an "(a.k.a. X)" split earlier
    return text


def split_names(raw: str) -> list[str]:
    """The names packed in one EntityOrShip value (bilingual "English/Français", "X (a.k.a. Y)").

    >>> split_names("Iranian Army/Armée iranienne")
    ['Iranian Army', 'Armée iranienne']
    >>> split_names("MEC Steel Mills (Hmaw Bi/Pyi/Ywama)")
    ['MEC Steel Mills (Hmaw Bi/Pyi/Ywama)']
    """
    text = _PAREN_AKA.sub(lambda m: "; " + m.group(2), " ".join(raw.split()))
    out: list[str] = []
    for piece in _split_top(text, (";",)):
        for name in _split_slash(_clean_piece(piece)):
            name = _clean_piece(name)
            if name and name not in out:
                out.append(name)
    return out


def split_aliases(raw: str) -> list[tuple[str, str | None, bool]]:
    """``(alias, language tag or None, is_former_name)`` for each alias in an Aliases value.

    >>> split_aliases('Alliance, Russian: Ассоциация "Альянс, В Сфере ИИ"; Htoo Co., Ltd.')
    [('Alliance', None, False), ('Ассоциация "Альянс, В Сфере ИИ"', 'Russian', False), ('Htoo Co., Ltd.', None, False)]
    """
    text = _PAREN_AKA.sub(lambda m: f"; {'f.k.a. ' if m.group(1)[0] in 'fF' else ''}{m.group(2)}",
                          " ".join(raw.split()))
    pieces: list[str] = []
    for piece in _split_top(text, (";", ", ")):
        piece = piece.strip()
        if pieces and _LEGAL_FORM.match(piece.rstrip(",")):
            pieces[-1] = f"{pieces[-1]}, {piece}"
        elif piece:
            pieces.append(piece)
    out: list[tuple[str, str | None, bool]] = []
    for piece in pieces:
        lang = None
        # language tags are the list's labels, not part of the name: drop them from the value, keep them in notes
        m = _LANG_TAG.match(piece)
        if m:
            lang, piece = m.group("lang"), piece[m.end():]
        former = bool(_FKA.match(piece))
        piece = _FKA.sub("", _AKA.sub("", piece))
        for name in _split_slash(_clean_piece(piece)):
            name = _clean_piece(name)
            if name and re.search(r"\w", name) and all(name != o[0] for o in out):
                out.append((name, lang, former))
    return out


# fuzz.ratio at or above which two words are spellings of one name ("Aleksei"/"Alexey" 62, "Haji"/"Hajizadeh" 62
# too: the last-name check below separates those); a last name's spellings are closer ("PASICHNYK"/"PASECHNIK" 78)
_GIVEN_SPELLING, _LAST_SPELLING = 60, 70


def _fold(text: str) -> str:
    return anyascii(text).lower()


def person_alias(alias: str, given: str, last: str) -> tuple[str, str]:
    """``(property, value)`` for one alias of a person listed with both a given and a last name.

    An alias spelt like the given name(s), word by word, or like the last name, is that name part
    only: it is completed with the other part. Any other one word is a nickname or call sign.

    >>> person_alias("Alexander", "Aleksandr Vladimirovich", "DVORNIKOV")
    ('alias', 'Alexander DVORNIKOV')
    >>> person_alias("PASHENKO", "Natalya Aleksandrovna", "PASHCHENKO")
    ('alias', 'Natalya Aleksandrovna PASHENKO')
    >>> person_alias("Motorola", "Arseny", "PAVLOV")
    ('weakAlias', 'Motorola')
    >>> person_alias("Amir Ali Hajizadeh", "Amir Ali Haji", "Zadeh")
    ('alias', 'Amir Ali Hajizadeh')
    """
    words, given_words = _fold(alias).split(), _fold(given).split()
    # an alias holding the last name is a full name, however close its words ("Hajizadeh" for "Haji" "Zadeh")
    holds_last = re.sub(r"[^a-z0-9]", "", _fold(last)) in re.sub(r"[^a-z0-9]", "", _fold(alias))
    # each alias word against the given word at its place: "Andrei" spells "Andrey" of "Andrey Igorevich"
    given_score = (min(fuzz.ratio(w, g) for w, g in zip(words, given_words))
                   if words and len(words) <= len(given_words) and not holds_last else 0)
    last_score = fuzz.ratio(words[0], _fold(last)) if len(words) == 1 else 0
    if given_score >= _GIVEN_SPELLING and given_score >= last_score:
        return "alias", f"{alias} {last}"
    if last_score >= _LAST_SPELLING:
        return "alias", f"{given} {alias}"
    return ("weakAlias" if len(alias.split()) == 1 else "alias"), alias


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), 1)}
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # spreadsheet day 0, after Lotus' 1900 leap-year bug


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    try:
        if not 1800 <= y <= 2100:
            return None
        if d is not None:
            return dt.date(y, m or 0, d).isoformat()
        if m is not None:
            return f"{y:04d}-{m:02d}" if 1 <= m <= 12 else None
        return f"{y:04d}"
    except (ValueError, TypeError):
        return None


def parse_dates(raw: str | None, *, birth: bool = True) -> tuple[list[str], list[str]]:
    """ISO dates (possibly partial) read from a free-text date, and notes on what was interpreted.

    >>> parse_dates("1972-08-10 or 1972-08-11")
    (['1972-08-10', '1972-08-11'], [])
    >>> parse_dates("19575")
    (['1953-08-04'], ['date given as spreadsheet day number 19575, read as 1953-08-04'])
    >>> parse_dates("born in the early 1970s")
    ([], ['date as published: born in the early 1970s'])
    """
    text = " ".join((raw or "").split())
    dates: list[str] = []
    notes: list[str] = []
    for part in re.split(r"\s+or\s+|\s*;\s*", text):
        got: list[str | None] = []
        if m := re.fullmatch(r"(\d{4})", part):
            got = [_iso(int(m[1]))]
        elif m := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", part):  # "1963-1964": born one of those years
            a, b = int(m[1]), int(m[2])
            got = [_iso(y) for y in range(a, b + 1)] if 0 < b - a <= 10 else [None]
            notes.append(f"date given as the range {part}")
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", part):
            got = [_iso(int(m[1]), int(m[2]), int(m[3]))]
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", part):
            got = [_iso(int(m[1]), int(m[2]))]
        elif m := re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", part):
            got = [_iso(int(m[3]), int(m[2]), int(m[1]))]
        elif m := re.fullmatch(r"([A-Za-z]{3})-(\d{2})", part):  # "Mar-63": a spreadsheet's month format
            yy, this_year = int(m[2]), dt.date.today().year
            year = 2000 + yy if 2000 + yy <= this_year - (16 if birth else 0) else 1900 + yy
            got = [_iso(year, _MONTHS.get(m[1].lower()))]
            notes.append(f"date given as {part}, read as {got[0]}")
        elif m := re.fullmatch(r"(\d{5})", part):  # a date cell exported as its serial number
            n = int(m[1])
            iso = (_EXCEL_EPOCH + dt.timedelta(days=n)).isoformat() if 10000 <= n <= 73000 else None
            got = [iso]
            notes.append(f"date given as spreadsheet day number {n}, read as {iso}")
        if got and all(got):
            dates.extend(d for d in got if d and d not in dates)
        elif part:
            notes = [n for n in notes if part not in n]
            notes.append(f"date as published: {part}")
    return dates, notes


def _regime(raw_country: str) -> tuple[str, str, str | None]:
    """(English name, id slug, targeted country code) of a regime ("Russia / Russie")."""
    english = _split_top(raw_country, ("/",))[0].strip() or raw_country
    acronym = re.search(r"\(([A-Z]{2,})\)\s*$", english)
    return english, acronym.group(1).lower() if acronym else slug(english), country_code(english)


def _program(raw_country: str, schedule: str, prov: Provenance) -> tuple[str, list[Record]]:
    english, regime_slug, code = _regime(raw_country)
    sched = "" if schedule.upper() in ("", "N/A") else schedule
    pid = f"program-ca-sema-{regime_slug}" + (f"-{slug(sched)}" if slug(sched) else "")
    title = english if "Regulations" in english else f"{english} (SEMA)"
    if sched:
        title += f" — Schedule {sched}" if sched[0].isdigit() else f" — Schedule, {sched}"
    notes = [f"Sanctions regime as the list names it: {raw_country}"]
    if code:
        notes.append(f"Regime targets {country_name(code) or code} ({code})")
    program = Node(pid, "Program", {"name": [title], "code": [f"{raw_country} | {schedule or 'N/A'}"],
                                    "authority": [LIST_TITLE], "notes": notes}, prov)
    return pid, [program, Edge("ISSUED_BY", pid, AUTHORITY_ID, {}, prov)]


def _authority(snapshot: str | None) -> Node:
    return Node(AUTHORITY_ID, "Authority", {"name": [LIST_TITLE], "shortName": ["Canada SEMA"],
                                            "publisher": ["Global Affairs Canada"],
                                            "country": ["CA"], "sourceUrl": [HOMEPAGE, URL]},
                Provenance(DATASET, DATASET, snapshot))


class _Reject(Exception):
    pass


def _fields(elem, path: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in elem:
        if not isinstance(child.tag, str):
            continue  # processing instructions
        name = localname(child.tag)
        if len(child):
            raise SourceFormatError(path, child.sourceline, f"<{name}> in a <record> holds elements; "
                                    "the list's format has changed")
        text = child.text or ""
        if name in fields:
            if name != "Aliases":
                raise _Reject(f"element <{name}> appears twice")
            text = f"{fields[name]}; {text}"
        fields[name] = text
    return fields


def _entity(f: dict[str, str], node: Node, report: ParseReport) -> None:
    """Fill one Person/Organization/Vessel node from the popped fields of its record."""
    given, last = " ".join(f.pop("GivenName", "").split()), " ".join(f.pop("LastName", "").split())
    entity = next((f.pop(k) for k in _NAME_FIELDS if k in f), "").strip()
    title = next((f.pop(k) for k in _TITLE_FIELDS if k in f), "").strip()
    date = next((f.pop(k) for k in _DATE_FIELDS if k in f), "").strip()
    imo_raw = f.pop("ShipIMONumber", "").strip()  # whitespace-only in some ship records: no number
    aliases = f.pop("Aliases", "")
    if given or last:
        node.type = "Person"
        node.add("name", f"{given} {last}".strip())
        node.add("firstName", given)
        node.add("lastName", last)
        node.add("title", *(_split_slash(title) if title else []))
        if entity:
            report.warn("person record also names an entity; kept as an alias", record=node.prov.record)
            node.add("alias", *split_names(entity))
    elif entity:
        is_ship = bool(imo_raw) or bool(_SHIP_TYPE.search(title))
        node.type = "Vessel" if is_ship else "Organization"
        names = split_names(entity)
        node.add("name", *names[:1] if is_ship else names)
        node.add("alias", *names[1:] if is_ship else [])
        if is_ship:
            node.add("vesselType", title)
        elif title:
            node.add("notes", f"Title given by the list: {title}")
    else:
        raise _Reject("record names neither a person nor an entity or ship")
    if imo_raw:
        imo = ship_imo(imo_raw)
        if imo:
            node.add("imoNumber", imo)
        else:
            report.warn("ShipIMONumber is not a valid IMO number (7 digits with check digit)",
                        record=node.prov.record, value=imo_raw)
            node.add("notes", f"IMO number as published (not valid): {imo_raw}")
    if date and node.type == "Organization":
        report.warn("date on an entity record; kept in notes", record=node.prov.record, value=date)
        node.add("notes", f"date given by the list: {date}")
    elif date:
        dates, notes = parse_dates(date, birth=node.type == "Person")
        if node.type == "Person":
            node.add("birthDate", *dates)
        else:
            node.add("buildDate", *dates[:1])  # one build date; others stay in the notes
            notes += [f"other build date given: {d}" for d in dates[1:]]
        node.add("notes", *notes)
    by_lang: dict[str, list[str]] = {}
    for name, lang, former in split_aliases(aliases):
        if lang:
            by_lang.setdefault(lang, []).append(name)
        if former and node.type != "Person":
            node.add("previousName", name)
        elif node.type == "Person" and given and last and not lang and not former:
            # the list writes a spelling of one name part in Aliases ("Alexander" for Aleksandr DVORNIKOV,
            # "PASHENKO" for PASHCHENKO): completed into a full name; other single words are call signs
            prop, value = person_alias(name, given, last)
            if value not in node.get("name"):
                node.add(prop, value)
        elif node.type == "Person" and " " not in name:
            node.add("weakAlias", name)  # one word, no two name parts to read it against: not a full name
        else:
            node.add("alias", name)
    for lang, names in by_lang.items():
        node.add("notes", f"{lang} name(s) in the list: " + "; ".join(names))


def _record(elem, path: Path, report: ParseReport, snapshot: str | None,
            programs: set[str], keys: dict[str, int]) -> list[Record]:
    f = _fields(elem, path)
    country, schedule, item = (f.pop(k, "").strip() for k in ("Country", "Schedule", "Item"))
    if not country or not item:
        raise _Reject("record without Country or Item (its key)")
    rid = f"{country}|{schedule}|{item}"
    if rid in keys:
        raise _Reject(f"duplicate key {rid!r} (first at line {keys[rid]})")
    keys[rid] = elem.sourceline
    prov = Provenance(DATASET, rid, snapshot)
    node = Node(make_id("ca-sema", country, schedule, item), "Organization", {}, prov)
    listed = f.pop("DateOfListing", "").strip()
    _entity(f, node, report)
    for name, value in f.items():  # strict: nothing unmapped is lost, and each unknown name is counted
        report.unknown(name, record=rid)
        node.add("notes", f"{name}: {value.strip()}")
    out: list[Record] = []
    pid, program_records = _program(country, schedule, Provenance(DATASET, f"{country}|{schedule}", snapshot))
    if pid not in programs:
        programs.add(pid)
        out.extend(program_records)
    edge = Edge("SANCTIONED_UNDER", node.id, pid,
                {"authority": [LIST_TITLE], "status": ["active"], "sourceUrl": [HOMEPAGE],
                 "decree": [f"Schedule {schedule}, item {item}" if schedule.upper() not in ("", "N/A")
                            else f"item {item}"]}, prov)
    if listed:
        dates, _ = parse_dates(listed, birth=False)
        if len(dates) == 1 and len(dates[0]) == 10:
            edge.add("listingDate", dates[0])
        else:
            report.warn("DateOfListing is not a date", record=rid, value=listed)
            node.add("notes", f"date of listing as published: {listed}")
    return [node, *out, edge]


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None) -> Iterator[Record]:
    """Records of one ``sema-lmes.xml`` (or of the folder holding it), either element-name set.

    Raises :class:`SourceFormatError` for a file that is not the list (malformed,
    hostile, another XML vocabulary); rejects single unusable records with a reason.
    """
    path = Path(path)
    if path.is_dir():
        path = path / FILE_NAME
    report = report if report is not None else ParseReport(DATASET)
    report.path = str(path)
    if not path.is_file():
        raise SourceFormatError(path, None, "file not found")
    try:
        root = parse_safe(path)
    except OSError as e:  # lxml reports bytes invalid in the declared encoding as an OSError
        raise SourceFormatError(path, None, f"cannot read XML: {e}") from None
    if localname(root.tag) != "data-set":
        raise SourceFormatError(path, root.sourceline, f"root element is <{localname(root.tag)}>, expected <data-set>")
    records: list[Record] = [_authority(snapshot)]
    programs: set[str] = set()
    keys: dict[str, int] = {}
    seen_tags: set[str] = set()
    for elem in root:
        if not isinstance(elem.tag, str):
            continue
        if localname(elem.tag) != "record":
            raise SourceFormatError(path, elem.sourceline, f"unexpected <{localname(elem.tag)}> in <data-set>")
        report.read += 1
        seen_tags.update(localname(c.tag) for c in elem if isinstance(c.tag, str))
        try:
            records.extend(_record(elem, path, report, snapshot, programs, keys))
        except _Reject as e:
            report.reject(str(e), line=elem.sourceline)
            continue
        report.kept += 1
    new, old = bool(seen_tags & _NEW_ONLY), bool(seen_tags & _OLD_ONLY)
    report.info["element_names"] = "mixed" if new and old else "2025" if new else "pre-2025" if old else "common only"
    if new and old:
        report.warn("file mixes the pre-2025 and the 2025 element names")
    yield from report.count(records)
