"""A lookup query's keys: the identifiers in it (a whole query, or one after its label or in quotes), a
web address's domain, and the name keys of the query and of its readings (:mod:`kgraph.lookup_index`).

>>> [k for k, _ in query_keys("MSN 83486590") if k.startswith("ident:")]
['ident:MSN83486590', 'ident:83486590']
>>> [k for k, kind in query_keys("https://www.arrai.tv/") if kind == "web"], query_keys("info@arrai.tv")[2]
(['web:arrai.tv'], ('ident:INFOARRAITV', 'identifier'))
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

__all__ = ["query_keys", "whole_identifier", "identifier_value", "ident_variants", "DASHES"]

_ALNUM = re.compile(r"[^0-9A-Za-z]+")
# identifier-like: has a digit, no spaces beyond separators, short
_IDENT_LIKE = re.compile(r"^[\w\-./ ]{2,40}$")
# a registration mark written with its dash, digits or not (B-ADCD, EC-QAWB, A6-DFKG)
_MARK = re.compile(r"^[A-Za-z0-9]{1,2}-[A-Za-z0-9]{2,5}$")
_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: dashes a query pasted from a web page or a word processor may hold where a tail has its hyphen
#: (RA‑78765 with U+2011, RA–78765 with an en dash): read as "-"
DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
#: Cyrillic letters that look like Latin ones, for a tail or a hex typed with them by look (ЕР-, 1533АD)
_LATIN_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХаекморстух", "ABEKMHOPCTYXaekmopctyx")
#: the words an identifier is written after (MSN 83486590, ИНН 7709501262, ICAO hex 1533AD, SWIFT/BIC
#: HAVIGB2L, Passport 1084010, XBT 12QtD5BF..., as OFAC labels a digital currency address)
_ID_LABELS = frozenset("msn s/n sn serial no nr number № icao icao24 hex mode-s tail reg registration mark inn "
                       "tin ein vat tax id ogrn kpp imo инн огрн кпп унп єдрпоу edrpou swift bic swift/bic iban "
                       "passport паспорт national digital currency address wallet xbt btc eth usdt usdc trx xmr "
                       "ltc bch bsv zec dash etc xvg arb bsc".split())
#: labels of a code that may be letters only (SWIFT/BIC SABRRUMM)
_CODE_LABELS = frozenset("swift bic swift/bic".split())
#: what stands around an identifier inside a longer query: spaces, quotes, brackets, a label's colon
_AROUND_IDENT = re.compile(r"[\s«»\"“”„()\[\]<>,;:]+")


def identifier_value(text: str) -> str | None:
    """Compare form of an identifier value: ASCII letters and digits, upper case.

    Cyrillic letters are read by sound, as a Russian keyboard types a tail's
    mark (РА-78765 is RA-78765).

    >>> identifier_value("RA-78765"), identifier_value("ra 78765"), identifier_value("1533ad")
    ('RA78765', 'RA78765', '1533AD')
    >>> identifier_value("РА-78765")
    'RA78765'
    """
    if text.isascii():  # NFKC leaves ASCII as it is; a hex or an MSN has nothing to take out either
        v = (text if text.isalnum() else _ALNUM.sub("", text)).upper()
    else:
        v = unicodedata.normalize("NFKC", text)
        if _CYRILLIC.search(v):
            from .resolve.normalize import transliterate

            v = transliterate(v.casefold())[0]
        v = _ALNUM.sub("", v).upper()
    return v or None


def ident_variants(text: str) -> list[str]:
    v = identifier_value(text)
    if not v:
        return []
    out = [v]
    stripped = v.lstrip("0")
    if stripped and stripped != v:
        out.append(stripped)  # MSNs lose their leading zeros in some registries
    if v.startswith("0X") and len(v) > 2:
        out.append(v[2:])
    return out


def _whole(qi: str) -> bool:
    """Whether a query (NFKC, dashes read as "-") is an identifier as a whole: anything with a digit (tails,
    hex, MSN, tax numbers) or one short code (MUSA, AZS)."""
    return bool(_IDENT_LIKE.match(qi) and (_DIGIT.search(qi) or (len(qi) <= 8 and qi.isalnum()) or _MARK.match(qi)))


def whole_identifier(text: str) -> str | None:
    """The identifier key a query of ``text`` looks up first, when it reads the whole query as one
    identifier (None when it does not): a source record the query finds by that key needs no key of its own.

    >>> whole_identifier("40e3cd"), whole_identifier("ra 78765"), whole_identifier("Aviacon Zitotrans")
    ('ident:40E3CD', 'ident:RA78765', None)
    """
    qi = text.strip()
    if not qi.isascii():  # NFKC and the dashes leave ASCII as it is (asked of every record a build indexes)
        qi = DASHES.sub("-", unicodedata.normalize("NFKC", qi))
    v = identifier_value(qi) if _whole(qi) else None
    return f"ident:{v}" if v else None


def query_keys(query: str, readings: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(key, kind) pairs to look up for a query, identifiers first; then the name keys of its other
    ``readings`` (:mod:`kgraph.resolve.readings`)."""
    from .ids import web_address_key
    from .resolve import name_keys

    q = query.strip()
    keys: list[tuple[str, str]] = [(f"node:{q.lower()}", "id"), (f"record:{q.lower()}", "record")]
    qi = DASHES.sub("-", unicodedata.normalize("NFKC", q))
    whole = _whole(qi)
    # ... and the identifiers inside a longer query: after a label (MSN 83486590, ICAO 1533AD, ИНН 7709501262)
    # or in quotes or brackets («RA-78765»), five characters and a digit at least; a tail with its dash beside
    # anything (Il-76TD RA-78765). A name's number is no identifier: ООО Ромашка 83486590 is a company
    parts = [p.strip(".") for p in _AROUND_IDENT.split(qi) if p.strip(".")]
    coded = any(p.casefold() in _CODE_LABELS for p in parts)
    numbers = [p for p in parts if len(p) >= 5 and (any(c.isdigit() for c in p)
                                                    or coded and p.isalpha() and p.casefold() not in _ID_LABELS)]
    labelled = all(p.casefold() in _ID_LABELS for p in parts if p not in numbers)
    inside = [p for p in numbers if p != qi and (labelled or _MARK.match(p))]
    if _EMAIL.match(qi):  # an address is an identifier of its own; its domain says nothing alone (gmail.com)
        inside.append(qi)
    else:  # a website or a domain finds who uses it, in a website or in an email address
        keys += [(f"web:{k}", "web") for k in [web_address_key(qi)] if k]
    for text in ([qi] if whole else []) + inside:
        keys += [(f"ident:{v}", "identifier") for v in ident_variants(text)]
        if _CYRILLIC.search(text):  # read by sound above (РА- is RA-); by look here (ЕР- is EP-)
            keys += [(f"ident:{v}", "identifier") for v in ident_variants(text.translate(_LATIN_LOOKALIKES))]
    # ... and as a person's name, none of whose words is a legal form (Ko Ko Oo)
    names = [k for text in (q, *readings) for k in name_keys(text)] + name_keys(q, person=True)
    # a name the query writes in two words and the lists in one (Sovcom bank: SOVCOMBANK): the query's words
    # joined are a listed word's key. Not the other way round: a query's word as a listed name's words joined
    # found AH LI KO for David Ali, and scored it 0.81
    names += ["n:" + k[2:] for k in names if k.startswith("j:")]
    keys += [(f"name:{k}", "name") for k in names]
    seen: set[str] = set()
    return [(k, kind) for k, kind in keys if not (k in seen or seen.add(k))]
