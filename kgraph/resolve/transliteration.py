"""Transliteration: a name in any script in Latin letters, before it is tokenised (:mod:`.normalize`).

Russian, Ukrainian and Belarusian Cyrillic with our own tables (Ukrainian
``г`` is ``h``, ``и`` is ``y``), Arabic and Persian with :mod:`.arabic`'s
(alef is a: ماهان is mahan), Hebrew as the Arabic letters it shares (פוטין
is پوطين, putin), every other script through ``anyascii``, with the
letter pairs Greek and Armenian write one sound with (Πούτιν, Պուտին:
putin) and without the marks it writes Georgian and Armenian ejectives
with (პუტინი: p'ut'ini, putini); a Chinese, Japanese or Korean character
is a syllable of its own.
"""
from __future__ import annotations

import re
import unicodedata

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
    if HEBREW_LETTERS.search(text):
        text = _hebrew_as_arabic(text)
    if ARABIC_LETTERS.search(text):  # long vowels as vowels, ayn and hamza as the lists write them
        return [_translit_table(form, {}) for form in arabic_readings(text)]
    if GREEK_LETTERS.search(text):
        return _greek_pairs(text)
    if ARMENIAN_LETTERS.search(text):
        text = _ARMENIAN_START.sub(lambda m: m[1] + _ARMENIAN_INITIALS[m[2]], text)
        text = text.replace("ու", "u").replace("եւ", "ev").replace("ւ", "v")  # casefold writes և as եւ
    latin = _translit_table(text, {})
    # anyascii marks an ejective or aspirate with an apostrophe (p'ut'ini, khach'atowrov), which splits a word
    return [latin.replace("'", "")] if GEORGIAN_LETTERS.search(text) or ARMENIAN_LETTERS.search(text) else [latin]


GREEK_LETTERS = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
ARMENIAN_LETTERS = re.compile(r"[\u0530-\u058f]")
GEORGIAN_LETTERS = re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf]")
HEBREW_LETTERS = re.compile(r"[\u05d0-\u05ea]")
# two Greek letters for one sound: ου is u (Πούτιν), αι e, ει and οι i, γκ g (Σεργκέι: Sergei); at the start of
# a word μπ is b and ντ d (Μπάιντεν: Biden, Ντόναλντ: Donald)
_GREEK_PAIRS = re.compile(r"ου|αι|ει|οι|υι|γγ|γκ|αυ|ευ|(?<![\w|])μπ|(?<![\w|])ντ")
_GREEK_SOUNDS = {"ου": "u", "αι": "e", "ει": "i", "οι": "i", "υι": "i", "γγ": "ng", "γκ": "g", "αυ": "av",
                 "ευ": "ev", "μπ": "b", "ντ": "d"}
# Armenian ե and ո begin a word as ye and vo (Երևան: Yerevan, Ոսկանյան: Voskanyan); ու is u
_ARMENIAN_START = re.compile(r"(^|\W)([եո])")
_ARMENIAN_INITIALS = {"ե": "ye", "ո": "vo"}
# Hebrew letters as the Arabic ones of the same sound, for :mod:`.arabic`'s reading of a script that writes few
# vowels; פ, כ and ב begin a word as p, k and b, and are f, kh and v after a vowel; צ is ts; a geresh makes
# ג ז צ j zh ch
_HEBREW = {"א": "ا", "ב": "ڤ", "ג": "گ", "ד": "د", "ה": "ه", "ו": "و", "ז": "ز", "ח": "ح", "ט": "ط", "י": "ي",
           "כ": "خ", "ך": "خ", "ל": "ل", "מ": "م", "ם": "م", "נ": "ن", "ן": "ن", "ס": "س", "ע": "ع", "פ": "ف",
           "ף": "ف", "צ": "تس", "ץ": "تس", "ק": "ق", "ר": "ر", "ש": "ش", "ת": "ت"}
_HEBREW_INITIAL = {"פ": "پ", "כ": "ك", "ב": "ب"}
_HEBREW_GERESH = {"ג": "ج", "ז": "ژ", "צ": "چ", "ץ": "چ"}


def _greek_pairs(text: str) -> list[str]:
    """Greek without its accents, each pair of letters for one sound as that sound in Latin letters; where μπ
    or ντ is inside a word, a second form with them as b and d, as Greek spells foreign names (Μπάιντεν).

    >>> _greek_pairs("σεργκέι λαβρόφ"), _greek_pairs("πούτιν"), _greek_pairs("μπάιντεν")
    (['sergei lavrof'], ['putin'], ['bainten', 'baiden'])
    """
    # an accent on a pair's first vowel (Σεργκέι) or a diaeresis on its second (Ευρωπαϊκή) parts the two: no
    # pair is one sound then
    marked = []
    for c in unicodedata.normalize("NFD", text):
        if c == "\u0308" and marked:
            marked.insert(len(marked) - 1, "|")
        elif c == "\u0301":
            marked.append("|")
        elif not unicodedata.combining(c):
            marked.append(c)
    plain = _GREEK_PAIRS.sub(lambda m: _GREEK_SOUNDS[m[0]], "".join(marked))
    forms = [plain, plain.replace("μπ", "b").replace("ντ", "d")] if "μπ" in plain or "ντ" in plain else [plain]
    return [_translit_table(form, {}).replace("|", "") for form in forms]


def _hebrew_as_arabic(text: str) -> str:
    """Hebrew letters as Arabic ones, for :func:`.arabic.arabic_readings`.

    >>> _hebrew_as_arabic("פוטין"), _hebrew_as_arabic("ג'ואד")
    ('پوطين', 'جواد')
    """
    text = re.sub(r"[\u0591-\u05c7]", "", text)  # the vowel points and cantillation some texts write
    out = []
    for i, ch in enumerate(text):
        if ch in "'׳":
            continue
        marked = text[i + 1:i + 2] in ("'", "׳")
        initial = i == 0 or not text[i - 1].isalpha()
        out.append(_HEBREW_GERESH.get(ch) if marked and ch in _HEBREW_GERESH else
                   _HEBREW_INITIAL.get(ch) if initial and ch in _HEBREW_INITIAL else _HEBREW.get(ch, ch))
    return "".join(out)
