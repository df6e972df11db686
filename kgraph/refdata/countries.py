"""Countries by ISO 3166-1 alpha-2 code, with the names the sources use.

The sources name countries every which way: ``Russia``, ``Russian Federation``,
``Росія`` (NSDC), ``Korea, North`` (OFAC), ``Russia / Russie`` (Canada's
bilingual regime names). :func:`country_code` maps any of them to one code.

>>> country_code("Russian Federation"), country_code("Росія"), country_code("ru")
('RU', 'RU', 'RU')
>>> country_code("Korea, North"), country_name("KP")
('KP', 'North Korea')
>>> country_code("Atlantis") is None
True
"""
from __future__ import annotations

import csv
import functools
import re
import unicodedata
from importlib import resources

__all__ = ["country_code", "country_name", "countries"]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", text).strip()


@functools.cache
def countries() -> dict[str, tuple[str, tuple[str, ...]]]:
    """code -> (display name, aliases)."""
    out = {}
    with resources.files("kgraph.refdata").joinpath("data/countries.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["code"]] = (row["name"], tuple(a for a in row["aliases"].split(";") if a))
    return out


@functools.cache
def _index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for code, (name, aliases) in countries().items():
        for n in (name, *aliases):
            idx.setdefault(_fold(n), code)
    return idx


@functools.lru_cache(maxsize=4096)  # sources repeat a few hundred spellings millions of times
def country_code(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code in any of the sources' spellings, else None."""
    if not text or not text.strip():
        return None
    t = text.strip()
    if len(t) == 2 and t.isalpha() and t.upper() in countries():
        return t.upper()
    folded = _fold(t)
    code = _index().get(folded)
    if code:
        return code
    # bilingual "Russia / Russie" (Canada) and "Росія (Россия)" (NSDC): try each part
    for part in re.split(r"\s*[/()]\s*", t):
        if part and part != t:
            code = _index().get(_fold(part))
            if code:
                return code
    return None


def country_name(code: str) -> str | None:
    entry = countries().get(code.upper()) if code else None
    return entry[0] if entry else None
