"""The language of OFAC's lists: labels, dates, countries, and the Remarks mini-language.

The label table below is shared by the three formats (CSV Remarks labels,
SDN.XML ``idType`` values, advanced-XML FeatureType / IDRegDocType names are
the same words); :class:`ingest.ofac_common.Entry` applies it.

Remarks is a ``; ``-separated list of ``Label value`` pairs ending with ``.``::

    Aircraft Manufacture Date 30 Jun 1988; Aircraft Model IL-76TD; Aircraft
    Manufacturer's Serial Number (MSN) 83486590; Aircraft Tail Number RA-78765;
    Linked To: JSC AVIACON ZITOTRANS.

Labels contain spaces, ``:``, ``-``, ``#`` and ``'``, so they are found by
looking up the longest run of leading words in the label table, not by a
separator. A second value of the same label is written ``alt. Label value``.
Weak aliases are ``a.k.a. 'NAME'``. Text that matches no label is either an
unknown label (counted in the report and kept in notes) or free text (kept in
notes).

Where facts go, decided here once for every format: ``aka``/``nka`` names are
aliases (kgraph has no "current name"), ``fka`` names previous names (an
aircraft's: its previous registration), weak a.k.a.s weak aliases; ``Tax ID
No.`` of Russia is the INN, a 13/15-digit Russian registration number the
OGRN, a Russian ``Government Gazette Number`` the OKPO; ``Organization Type:``
is the sector; ``Aircraft Serial Identification`` is the manufacturer's serial
(older entries use it for the MSN); digital-currency wallets are identifiers;
an identifier's issuing country is also a country of the entry; issue and
expiry dates, qualifiers and anything unreadable stay in notes.

>>> iso_date("30 Jun 1988"), iso_date("Sep 1991"), iso_date("1993"), iso_date("circa 1965")
('1988-06-30', '1991-09', '1993', '1965')
>>> iso_date("01 Jan 1976 to 31 Dec 1978"), iso_date("circa 1979-1982"), iso_date("soon") is None
('1976/1978', '1979/1982', True)
>>> [split_identifier(v) for v in ("6658039390 (Russia)", "G 649385 issued 08 Sep 2006 expires 17 Jul 2011")]
[('6658039390', 'Russia', None, None, None), ('G 649385', None, '08 Sep 2006', '17 Jul 2011', None)]
>>> split_remarks("DOB 1950; POB Sargodha, Pakistan; a.k.a. 'HAFIZ SAHIB'.")
['DOB 1950', 'POB Sargodha, Pakistan', "a.k.a. 'HAFIZ SAHIB'"]
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import TYPE_CHECKING

from kgraph.refdata.countries import country_code

if TYPE_CHECKING:  # the entry model applies this module's table; it is only named here
    from .ofac_common import Entry

__all__ = ["country", "iso_date", "reduce_period", "written_date", "label_key", "lookup", "split_remarks",
           "split_identifier", "apply_remarks", "apply_segment", "WEAK_ALIAS"]

# ---------------------------------------------------------------- countries

# OFAC's regions and hedges, which are not country names
_OFAC_COUNTRIES = {
    "possibly palestinian": "PS", "region: gaza": "PS", "region: west bank": "PS",
    "region: crimea": "UA", "region: russia": "RU", "region: northern mali": "ML",
}
#: written where there is no single country; not worth a warning
NO_COUNTRY = {"undetermined", "none identified", "region: kafia kingi",
              "region: commonwealth of independent states"}


@functools.lru_cache(maxsize=1 << 14)
def country(text: str | None) -> str | None:
    """ISO code of a country as OFAC writes it (``Korea, North``, ``Man, Isle of``, ``Palestinian``)."""
    if not text:
        return None
    t = " ".join(text.split())
    return _OFAC_COUNTRIES.get(t.casefold()) or country_code(t)


# ---------------------------------------------------------------- dates

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
# "Jun": ("06", "30"), ISO digits and last day; February's is the 28th: a 29th is left to _bounds(), which
# knows leap years
_DAY_MONTHS = {m: (f"{i:02d}", f"{calendar.mdays[i]:02d}") for i, m in enumerate(calendar.month_abbr) if m}
_DATE = re.compile(r"^(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]* )?(\d{4})$")
_ISO = re.compile(r"^\d{4}(-\d\d(-\d\d)?)?(/\d{4}(-\d\d(-\d\d)?)?)?$")
# compiled once: re's own cache costs a lookup per call, and every date of a large list comes here
_APPROXIMATE = re.compile(r"^(?:circa|approximately|c\.)\s+", re.I)
_PERIOD = re.compile(r"\s+to\s+|\s+-\s+|(?<=\d{4})-(?=\d{4}$)")


def _bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a written date can mean: ``Sep 1991`` -> 1991-09-01..1991-09-30."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    day, mon, year = m.group(1), m.group(2), int(m.group(3))
    try:
        if mon is None:
            return (dt.date(year, 1, 1), dt.date(year, 12, 31)) if day is None else None
        month = _MONTHS.get(mon.lower())
        if month is None:
            return None
        if day is None:
            return dt.date(year, month, 1), dt.date(year, month, _month_days(year, month))
        d = dt.date(year, month, int(day))
        return d, d
    except ValueError:  # 31 Feb, year 0
        return None


def _month_days(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]`` without its weekday computation (a tenth of the cost)."""
    return _DAYS[month] + (month == 2 and calendar.isleap(year))


_DAYS = calendar.mdays


def _side(d: dt.date, start: bool) -> str:
    if (d.month, d.day) == ((1, 1) if start else (12, 31)):
        return f"{d.year:04d}"
    if d.day == (1 if start else _month_days(d.year, d.month)):
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def reduce_period(lo: dt.date, hi: dt.date) -> str:
    """ISO text for a period: one partial date when it is one day, month or year, else ``start/end``."""
    if lo == hi:
        return lo.isoformat()
    if lo.year == hi.year and lo.day == 1 and hi.day == _month_days(hi.year, hi.month):
        # a whole year or a whole month: checked before the sides, which read 1 January as a year's start
        # and would write January (and December) as "1991/1991-01"
        if (lo.month, hi.month) == (1, 12):
            return f"{lo.year:04d}"
        if lo.month == hi.month:
            return f"{lo.year:04d}-{lo.month:02d}"
    a, b = _side(lo, True), _side(hi, False)
    return a if a == b else f"{a}/{b}"


@functools.lru_cache(maxsize=1 << 16)  # open-ended input: bounded
def iso_date(text: str | None) -> str | None:
    """ISO (partial) date or ``start/end`` period for OFAC's written dates; None when unreadable."""
    if not text:
        return None
    t = text.strip()
    # the usual day, "30 Jun 1988", read by slicing: a regex match, dt.date() and formatted numbers cost
    # four times as much, and a large list has thousands of distinct birth dates, each read once
    if len(t) == 11 and t[2] == " " and t[6] == " " and t.isascii():
        day, year, (month, last) = t[:2], t[7:], _DAY_MONTHS.get(t[3:6], (None, None))
        if month is not None and "01" <= day <= last and day.isdigit() and year.isdigit() and year != "0000":
            return f"{year}-{month}-{day}"
    # the usual single date ("30 Jun 1988", "Sep 1991", "1993"): a text _bounds() reads can hold no
    # "circa" (it would be read as a month and fail), no period separator, and an ISO text it reads
    # ("1993") comes back unchanged from reduce_period(): the same answer as below, without three regexes
    span = _bounds(t)
    if span is not None:
        return reduce_period(*span)
    if _ISO.match(t):
        return t
    # approximate dates ("circa 1965") keep their value; the list gives no precision beyond it
    t = _APPROXIMATE.sub("", t)
    parts = [p.strip() for p in _PERIOD.split(t)]
    if len(parts) > 2:
        return None
    spans = [_bounds(p) for p in parts]
    if any(s is None for s in spans):
        return None
    return reduce_period(spans[0][0], spans[-1][1])


def written_date(iso: str | None) -> str | None:
    """Back from ISO to the list's written form (``1984-01-18`` -> ``18 Jan 1984``), for notes."""
    if not iso:
        return None
    p = iso.split("-")
    try:
        if len(p) == 3:
            return f"{int(p[2]):02d} {calendar.month_abbr[int(p[1])]} {p[0]}"
        if len(p) == 2:
            return f"{calendar.month_abbr[int(p[1])]} {p[0]}"
    except (ValueError, IndexError):
        return iso
    return iso


# ---------------------------------------------------------------- the label table

_LABELS: dict[str, tuple[str, str | None]] = {}
_LABEL_NAMES: list[str] = []


def _labels(kind: str, prop: str | None, *names: str) -> None:
    for name in names:
        _LABELS[label_key(name)] = (kind, prop)
        _LABEL_NAMES.append(name)


@functools.lru_cache(maxsize=1 << 16)  # label prefixes and first words: they repeat
def label_key(label: str) -> str:
    """Compare form of a label: case, curly apostrophes (advanced XML) and trailing ``:``/``-`` folded."""
    return " ".join(label.replace("\u2019", "'").casefold().split()).rstrip(" :-")


_labels("text", "title", "Title")
_labels("text", "birthPlace", "POB", "Place of Birth")
_labels("text", "website", "Website")
_labels("text", "email", "Email Address", "Email")
_labels("text", "phone", "Phone Number", "Telephone", "Telephone No.", "Telephone Number", "Fax", "Fax No.",
        "Fax Number")
_labels("text", "sector", "Organization Type:")
_labels("text", "callSign", "Vessel Call Sign", "Other Vessel Call Sign")
_labels("text", "vesselType", "VESSEL TYPE", "Other Vessel Type")
_labels("text", "tonnage", "Vessel Tonnage")
_labels("text", "grossRegisteredTonnage", "Vessel Gross Registered Tonnage")
_labels("text", "ownerName", "Vessel Owner")
_labels("text", "mmsi", "MMSI")
_labels("text", "registrationNumber", "Aircraft Tail Number")
_labels("text", "previousRegistrationNumber", "Previous Aircraft Tail Number")
# older (2014) aircraft entries carry the manufacturer's serial under this label (Hawker 800XP RA-02791: 258512)
_labels("text", "serialNumber", "Aircraft Manufacturer's Serial Number (MSN)", "Aircraft Serial Identification")
_labels("text", "constructionNumber", "Aircraft Construction Number (also called L/N or S/N or F/N)")
_labels("hex", "icao24", "Aircraft Mode S Transponder Code")
_labels("text", "model", "Aircraft Model")
_labels("text", "operatorName", "Aircraft Operator")
_labels("date", "birthDate", "DOB", "Birthdate")
_labels("date", "incorporationDate", "Organization Established Date")
_labels("date", "buildDate", "Aircraft Manufacture Date", "Vessel Year of Build")
_labels("country", "nationality", "nationality", "Nationality Country")
_labels("country", "citizenship", "citizen", "Citizenship Country")
_labels("country", "country", "Nationality of Registration")
_labels("country", "flag", "Vessel Flag", "Other Vessel Flag")
_labels("country", "pastFlags", "Former Vessel Flag")
_labels("gender", "gender", "Gender")
_labels("imo", "imoNumber", "Vessel Registration Identification", "Identification Number")
_labels("crypto", "idNumber", "Digital Currency Address -")
_labels("link", None, "Linked To:")
_labels("passport", "passportNumber", "Passport", "Diplomatic Passport", "British National Overseas Passport",
        "Stateless Person Passport", "Travel Document Number")
_labels("tax", "taxNumber", "Tax ID No.", "RUC #", "NIT #", "V.A.T. Number", "US FEIN", "Italian Fiscal Code",
        "Fiscal Code", "Romanian Tax Registration", "C.U.I.T.", "RFC", "R.F.C.", "RIF #", "C.I.F.", "RTN", "C.U.I.",
        "Paraguayan tax identification number", "Numero Unico de Identificacao Tributaria (NUIT)")
_labels("reg", "registrationNumber", "Registration Number", "Registration ID", "Business Registration Number",
        "Business Registration Document #", "Company Number", "UK Company Number", "Commercial Registry Number",
        "Certificate of Incorporation Number", "Public Registration Number", "Chinese Commercial Code",
        "Unified Social Credit Code (USCC)", "United Social Credit Code Certificate (USCCC)", "Legal Entity Number",
        "Business Number", "Economic Register Number", "Folio Mercantil No.", "Matricula Mercantil No",
        "Istanbul Chamber of Comm. No.", "Chamber of Commerce Number", "Central Registration System Number",
        "Enterprise Number", "Branch Unit Number", "Trade License No.", "License", "Registered Charity No.",
        "C.R. No.", "Dubai Chamber of Commerce Membership No.", "Romanian C.R.", "Government Gazette Number",
        "MSB Registration Number", "Tourism License No.", "D-U-N-S Number", "LE Number")
_labels("id", "idNumber", "National ID No.", "Cedula No.", "D.N.I.", "SSN", "Personal ID Card",
        "Birth Certificate Number", "Electoral Registry No.", "Credencial electoral", "Driver's License No.",
        "C.U.R.P.", "National Foreign ID Number", "Residency Number", "Kenyan ID No.", "Moroccan Personal ID No.",
        "Bosnian Personal ID No.", "Turkish Identification Number", "CNP (Personal Numerical Code)",
        "Numero de Identidad", "Tazkira National ID Card", "Citizen's Card Number", "UAE Identification",
        "Immigration No.", "Public Security and Immigration No.", "Cartilla de Servicio Militar Nacional", "I.F.E.",
        "N.I.E.", "C.U.I.P.", "Refugee ID Card", "Stateless Person ID Card", "Serial No.", "Pilot License Number",
        "SRE Permit No.", "File Number", "Seafarer's Identification Document", "VisaNumberID", "Tarjeta Profesional",
        "SWIFT/BIC", "BIK (RU)", "MICEX Code", "ISIN", "Equity Ticker", "Romanian Permanent Resident",
        "Afghan Money Service Provider License Number")
_labels("note", None, "Secondary sanctions risk:", "Additional Sanctions Information -",
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
        "Executive Order 13662 Directive Determination -", "Executive Order 13846 information:",
        "Executive Order 14024 Directive Information -", "CAATSA Section 235 Information:", "IFCA Determination -",
        "Target Type", "PEESA Information:", "Effective Date (EO 14024 Directive 1a):",
        "For more information on directives, please visit the following link:")
_labels("text", "position", "Position:", "Occupation:")
_labels("text", "title", "Alternate Title:")
_labels("note", None, "Tribe:", "Subtribe:", "Interpol:", "From:")
_labels("reg", "registrationNumber", "Organization Code", "Company ID:")
_labels("id", "idNumber", "Permit Number", "Military Registration Number")
_labels("imo", "imoNumber", "International Maritime Organization No.")
# labels with a variable part: "Listing Date (EO 14024 Directive 3):", "Effective Date (CMIC):"
_NOTE_PATTERNS = re.compile(r"^((?:Listing|Effective|Purchase/Sales)[\w /-]*\([^()]*\):)\s*(.*)$", re.S)


def _first_words() -> dict[str, tuple[int, ...]]:
    """First word of the labels (as written and folded) -> word counts of the labels it starts, longest first."""
    by_first: dict[str, set[int]] = {}
    for name in _LABEL_NAMES:
        words = name.split()
        for first in (words[0], label_key(words[0])):
            by_first.setdefault(first, set()).add(len(words))
    return {w: tuple(sorted(n, reverse=True)) for w, n in by_first.items()}


_BY_FIRST = _first_words()
_EXACT = {name: _LABELS[label_key(name)] for name in _LABEL_NAMES}  # labels as OFAC writes them: no folding
_MAX_WORDS = max(len(name.split()) for name in _LABEL_NAMES)


@functools.lru_cache(maxsize=1 << 16)  # half the segments of a list repeat ("Gender Male"): bounded
def lookup(text: str) -> tuple[tuple[str, str | None], str, str] | None:
    """The longest known label ``text`` starts with: ``((kind, prop), label, rest)``, else None."""
    words = text.split(None, _MAX_WORDS)
    if not words:
        return None
    lens = _BY_FIRST.get(words[0]) or _BY_FIRST.get(label_key(words[0]), ())
    if lens:
        # only the words a label of this first word can span decide: the value words after them vary
        found = _longest_label(lens, tuple(words[:lens[0]]))
        if found is not None:
            spec, label, k = found
            return spec, label, " ".join(words[k:])
    m = _NOTE_PATTERNS.match(text)
    if m:
        return ("note", None), m.group(1), m.group(2)
    return None


@functools.lru_cache(maxsize=1 << 14)  # a few hundred labels, but the head can hold value words: bounded
def _longest_label(lens: tuple[int, ...], head: tuple[str, ...]) -> tuple[tuple[str, str | None], str, int] | None:
    """The longest label of ``lens`` words (longest first) that ``head`` starts with, and its word count."""
    for k in lens:
        if k <= len(head):
            label = " ".join(head[:k])
            spec = _EXACT.get(label) or _LABELS.get(label_key(label))
            if spec is not None:
                return spec, label, k
    return None


# ---------------------------------------------------------------- the Remarks mini-language

WEAK_ALIAS = re.compile(r"^([afn])\.k\.a\.\s+'(.*)'$", re.S)
_WEAK_PROP = {"a": "weakAlias", "f": "previousName", "n": "weakAlias"}
_ID_KINDS = ("passport", "tax", "reg", "id", "imo")
# shapes of labelled text whose label the table does not know (counted as unknown, kept in notes);
# "X - Y" is not one: titles are written that way ("Director of PALESTINE LIBERATION FRONT - ABU ABBAS FACTION")
_COLON_LABEL = re.compile(r"^([A-Z][^:;]{1,70}?):(?:\s|$)")
_ID_LABEL = re.compile(
    r"^((?:[A-Z][\w.'/&()-]*\s){0,6}?[\w.'/&()-]*(?:No\.|Number|ID|Code|Card|#|License|Certificate|Permit))\s+\S*\d"
)


def split_remarks(text: str | None) -> list[str]:
    """The ``; ``-separated segments of a Remarks text, without the closing full stop."""
    if not text:
        return []
    t = text.strip()
    if t.endswith("."):
        t = t[:-1]
    return [s for seg in t.split("; ") if (s := seg.strip())]


def split_identifier(value: str) -> tuple[str, str | None, str | None, str | None, str | None]:
    """``number (Country) issued D expires D`` -> (number, country, issued, expires, other text)."""
    if value.startswith(("issued ", "expires ")):  # "Passport issued 21 Jun 1992 in Amman, Jordan"
        return "", None, None, None, value
    rest, issued, expires = value, None, None
    if " expires " in rest:  # a test first: most numbers state neither date, and partition builds a tuple
        rest, _, expires = rest.partition(" expires ")
    if " issued " in rest:
        rest, _, issued = rest.partition(" issued ")
    if rest[-1:] != ")":
        return rest.strip(), None, issued, expires, None
    head, paren, issuer = rest.rpartition("(")
    if not paren:
        return rest.strip(), None, issued, expires, None
    head = head.rstrip()
    if head[-1:] != ")" or "(" not in head:  # the usual "number (Country)": one parenthesis
        issuer = issuer[:-1]
        if country(issuer):
            return head.strip(), issuer, issued, expires, None
        return head.strip(), None, issued, expires, f"({issuer})"
    parens = []  # two or more
    while rest.endswith(")") and "(" in rest:
        at = rest.rfind("(")
        parens.insert(0, rest[at + 1:-1])
        rest = rest[:at].rstrip()
    # the country is the last parenthesis naming one: "0582030 (Connecticut) (United States)"
    at = next((i for i in range(len(parens) - 1, -1, -1) if country(parens[i])), None)
    issuer = parens[at] if at is not None else None
    extra = " ".join(f"({p})" for i, p in enumerate(parens) if i != at) or None
    return rest.strip(), issuer, issued, expires, extra


def apply_remarks(entry: Entry, text: str | None) -> None:
    """Apply every segment of a Remarks text to ``entry``."""
    if not text:
        return
    # split_remarks() written out: no list of the segments, one call less per entry; slices, not endswith():
    # str.startswith/endswith parse their arguments the slow way, a few hundred instructions a call
    t = text.strip()
    if t[-1:] == ".":
        t = t[:-1]
    for seg in t.split("; "):
        if seg := seg.strip():
            apply_segment(entry, seg)


def apply_segment(entry: Entry, seg: str) -> None:
    """Apply one ``Label value`` segment (or a weak alias, or free text) to ``entry``."""
    text = seg
    first = text[0]
    if first == "(":
        if text[-1] == ")":  # SDN.XML writes "(Linked To: SUMIYOSHI-KAI)"
            text = text[1:-1].strip()
            first = text[:1]
    elif first in "aA" and text[:5].lower() == "alt. ":  # a further value of the same label ("Alt. Fax")
        text = text[5:]
        first = text[:1]
    # the first letter first: a test of a one-letter string spares most segments the slice
    if first in "afn" and text[1:7] == ".k.a. ":
        m = WEAK_ALIAS.match(text)
        if m:
            entry.add(_WEAK_PROP[m.group(1)], m.group(2))
            return
    found = lookup(text)
    if found is not None:
        spec, label, value = found
        kind = spec[0]
        # the usual kinds straight to their rule, without Entry.apply() in between (a call and a chain of
        # tests per segment); ``value`` is stripped already: words joined, or what follows a note label's \s*
        if kind == "text":
            entry.add(spec[1], value, label)
        elif kind == "date":
            entry.apply_date(spec[1], label, value)
        elif kind == "note":
            entry.note(f"{label} {value}")
        elif kind == "link":
            entry.link(value)
        elif kind in _ID_KINDS:  # the number comes out stripped
            number, issuer, issued, expires, extra = split_identifier(value)
            entry.identifier(kind, spec[1], label, number, issuer, issued, expires, extra)
        elif kind == "country":
            entry.apply_country(spec[1], label, value)
        else:
            entry.apply(spec, label, value)
        return
    for shape in (_COLON_LABEL, _ID_LABEL):
        m = shape.match(text)
        if m:
            entry.unknown_label(m.group(1).strip(), seg)
            return
    # free text ("Head of the Basij", "ICTY indictee at large"): a note, as the list wrote it
    entry.note(seg)
    entry.report.info["remarks_free_text"] = entry.report.info.get("remarks_free_text", 0) + 1
