"""Transliteration: a name in any script in Latin letters, before it is tokenised (:mod:`.normalize`).

Russian, Ukrainian and Belarusian Cyrillic with our own tables (Ukrainian
``г`` is ``h``, ``и`` is ``y``), Arabic and Persian with :mod:`.arabic`'s
(alef is a: ماهان is mahan), every other script through ``anyascii``;
a Chinese, Japanese or Korean character is a syllable of its own.
"""
from __future__ import annotations

import re

from anyascii import anyascii

from .arabic import ARABIC_LETTERS, arabic_readings

__all__ = ["transliterate", "CJK_CHARACTERS", "CYRILLIC_LETTERS"]

_RU = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
         "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    )
)
# Ukrainian national romanisation: г is h, и is y, ї/є/ґ/і have their own letters
_UK = {**_RU, "г": "h", "и": "y", "й": "y", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "щ": "shch", "'": ""}
# Belarusian: ў is a short u, г is h, і as in Ukrainian
_BE = {**_RU, "г": "h", "ў": "u", "і": "i"}
_UK_ONLY = set("іїєґ")
_BE_ONLY = set("ў")
CJK_CHARACTERS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
CYRILLIC_LETTERS = re.compile(r"[\u0400-\u04ff]")


def _translit_table(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        rep = table.get(ch)
        if rep is not None:
            out.append(rep)
        elif ch.isascii():
            out.append(ch)
        elif CJK_CHARACTERS.match(ch):
            # one Han character / Hangul block = one syllable: keep syllables apart
            out.append(" " + anyascii(ch).lower() + " ")
        else:
            out.append(anyascii(ch).lower())
    return "".join(out)


def transliterate(text: str) -> list[str]:
    """Latin forms of a (casefolded) text: one, or for Arabic script its readings (:func:`.arabic.arabic_readings`).

    Ukrainian (і, ї, є, ґ) and Belarusian (ў) letters select their national
    romanisation (г is h); other Cyrillic is read as Russian. A Ukrainian name
    written without those letters comes out with g for h, one letter the
    fuzzy comparison forgives.

    >>> transliterate("гліб"), transliterate("александр"), transliterate("лукашэнка")
    (['hlib'], ['aleksandr'], ['lukashenka'])
    """
    if text.isascii():
        return [text]
    if CYRILLIC_LETTERS.search(text):
        chars = set(text)
        if chars & _UK_ONLY:
            return [_translit_table(text, _UK)]
        if chars & _BE_ONLY:
            return [_translit_table(text, _BE)]
        return [_translit_table(text, _RU)]
    if ARABIC_LETTERS.search(text):  # long vowels as vowels, ayn and hamza as the lists write them
        return [_translit_table(form, {}) for form in arabic_readings(text)]
    return [_translit_table(text, {})]
