"""Other readings of a lookup query: a Russian or Ukrainian adjective read as the name it is made from.

Russian names a company after a place with an adjective: Уральские
авиалинии is Ural Airlines, Сирийские арабские авиалинии is Syrian Arab
Airlines, Московский завод is a Moscow plant. The lists write those names
in English ("URAL", "SYRIAN") or as a transliteration, and the adjective
(uralskie, siriiskie) shares no key with either. :func:`adjective_readings`
gives the query again with each such adjective as its noun ("ural") and,
for a country's adjective (-ийский, "siriiskie"), as the English forms
("siria", "sirian").

Only lookup uses these readings, and only for candidates that are not
people: read this way Ходорковский would be "khodorkov", and a surname's
male and female forms are two people. Resolution never reads names so.

>>> [text for text, _ in adjective_readings("Уральские авиалинии")]
['ural avialinii', 'uralsk avialinii']
>>> adjective_readings("Сирийские арабские авиалинии")[0]
('sirian arab avialinii', 'Сирийские as sirian, арабские as arab')
>>> adjective_readings("Aviacon Zitotrans")
[]
"""
from __future__ import annotations

import itertools
import re

from .normalize import tokenize

__all__ = ["adjective_readings", "MAX_READINGS"]

#: readings of one query at most (two adjectives of a country give four)
MAX_READINGS = 6

# a transliterated adjective in -sk-: stem, the -ii- of a country's adjective (Сирийский: sir-iisk-ii), its
# ending in every case and gender, Russian (-ий, -ая, -ое, -ие, -ого, -их...) and Ukrainian (-ий, -а, -е, -і)
_ADJECTIVE = re.compile(
    r"^(?P<stem>[a-z]{2,}?)(?P<country>ii|iy|ij|i)?(?P<sk>t?sk)"
    r"(?:ii|iy|ij|y|iye|ie|iie|i|aya|aia|aja|a|oe|oye|e|ogo|oho|omu|oi|oy|oj|ikh|ykh|ih|im|ym|imi|uyu|uiu|u|om)$")


def _nouns(token: str) -> list[str]:
    """The names an adjective may be made from: uralskie -> ural, uralsk; siriiskie -> sirian, siria.

    >>> _nouns("belorusskie")  # Belarus, or the English adjective the lists write: BELARUSIAN AIRLINES
    ['belorus', 'belorussk', 'belorusian']
    """
    m = _ADJECTIVE.match(token)
    if not m or len(token) < 6:
        return []
    stem = m.group("stem")
    if m.group("country"):
        # Сирия/Syria, Индия/India, Австрия/Austria; the English adjective Syrian, Indian, Austrian
        return [stem + "ian", stem + "ia"]
    # Урал/Ural, Араб/Arab; a town whose name ends in -sk keeps it (Минский: Minsk, Омский: Omsk,
    # Липецкий: Lipetsk, whose t the noun without -sk keeps too: Кронштадтский, Kronshtadt)
    sk = m.group("sk")
    stem += sk[:-2]
    nouns = [stem, stem + "sk"] if len(stem) > 3 else [stem + "sk"]
    if stem.endswith("s") and len(stem) > 3:
        # a people's adjective in -сский: белорусские is the English Belarusian, as the lists write it
        nouns.append(stem + "ian")
    return nouns


def adjective_readings(query: str) -> list[tuple[str, str]]:
    """The query with its adjectives read as nouns: (text, a note naming what was read how), at most
    :data:`MAX_READINGS`; none when the query holds no such adjective."""
    # per word of the query, its (Latin text, note) options: each noun an adjective may be read as, else the
    # word as it is (the query as written is looked up besides, by the caller)
    options: list[list[tuple[str, str | None]]] = []
    for word in query.split():
        readings = tokenize(word)
        if not readings:
            continue
        per_token = [[(n, f"{word} as {n}") for n in _nouns(tok)] or [(tok, None)] for tok in readings[0]]
        options.append([(" ".join(t for t, _ in combo), ", ".join(n for _, n in combo if n) or None)
                        for combo in itertools.product(*per_token)])
    out: list[tuple[str, str]] = []
    for combo in itertools.product(*options):
        notes = [note for _, note in combo if note]
        if notes:
            out.append((" ".join(text for text, _ in combo), ", ".join(notes)))
            if len(out) >= MAX_READINGS:
                break
    return out
