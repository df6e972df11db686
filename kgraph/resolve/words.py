"""Word similarity: how alike two tokens of names are, from 0 to 1 (:func:`token_similarity`).

Same text 1.0; same romanisation-insensitive key 0.97; otherwise the
normalised edit similarity of texts or keys, kept only above a floor that
rises for short words; an initial meets a word with its letter at 0.9; a
word that begins another is its short form; a word read from Arabic script
meets a Latin word that has its consonants and the vowels it writes
(:func:`.arabic.reads_as`). :mod:`.names` pairs the words of two names by it.
"""
from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from .arabic import reads_as, same_consonants
from .normalize import AVIATION, NUMBER, PARTICLE, Token, skeleton

__all__ = ["token_similarity"]

#: a token that begins the other (Ben/Benjamin) scores this
PREFIX_SIM = 0.85
_KEY_VOWELS = frozenset("aeiouy")
_HAS_VOWEL = re.compile(f"[{''.join(sorted(_KEY_VOWELS))}]")
_sim_cache: dict[tuple[str, str], float] = {}
_NS = OSA.normalized_similarity
#: words of at least VOWEL_SWAP_MIN letters whose keys differ only in vowels score at least this much
VOWEL_SWAP_SIM = 0.85
#: a word read from Arabic script and a Latin word that is its reading (:func:`.arabic.reads_as`)
ABJAD_SIM = 0.95
VOWEL_SWAP_MIN = 5
#: ... and, when they differ in more than one vowel, hold at least this many consonants
VOWEL_SWAPS_CONSONANTS = 4


def _floor(n: int) -> float:
    # short tokens need to be nearly identical: "Snow"/"Snoe" are two vessels
    if n <= 3:
        return 1.01
    if n <= 5:
        return 0.79
    if n <= 7:
        return 0.7
    return 0.66


def _same_key(a: Token, b: Token) -> bool:
    """Whether two tokens share their romanisation-insensitive key, and it says something: a key of one or
    two letters from a longer word does not (zzzzzzzz, SS and STZ are all "s")."""
    return a.key == b.key and (len(a.key) >= 3 or max(len(a.text), len(b.text)) <= len(a.key) + 1)


def _vowels_swapped(a: str, b: str) -> bool:
    """Whether two keys have the same consonants in the same places and differ only in vowels inside the
    word: hesbola/hisbala (Hezbollah, HIZBALLAH), mohamed/muhamad, menara/manara. Transliterations of
    Arabic and Persian differ most in the vowels the script does not write. Hasan/Husein differ in
    length, and stay apart; a word's last vowel is its ending (Konda/Kandi)."""
    if len(a) != len(b) or len(a) < VOWEL_SWAP_MIN or a[-1] != b[-1]:
        return False
    swaps = 0
    for x, y in zip(a, b):
        if x != y:
            if x not in _KEY_VOWELS or y not in _KEY_VOWELS:
                return False
            swaps += 1
    # two vowels or more make another word of one with few consonants: Belavia is not Bolivia
    return swaps == 1 or swaps > 1 and len(a) - sum(c in _KEY_VOWELS for c in a) >= VOWEL_SWAPS_CONSONANTS


def _servant_similarity(a: Token, b: Token) -> float:
    """Two Arabic "servant of" names (:mod:`.theophoric`) are as alike as the names they are made with, and
    only spellings of one name count (Kader, Qadir; Raheem, Rahim): God's names are alike in their letters,
    and each is another given name (Khaliq is not Malik, 0.8 alike as words). Such a name is no other word:
    Abdolhassan is not Hassan.

    >>> from kgraph.resolve.normalize import analyze
    >>> [token_similarity(analyze(x).words[0], analyze(y).words[0]) for x, y in (
    ...     ("Abdulkader", "Abd al-Qadir"), ("Abdul Raheem", "Abdurrahim"), ("Abd al-Khaliq", "Abdul Malik"))]
    [0.85, 1.0, 0.0]
    """
    if not (a.servant and b.servant):
        return 0.0
    if a.text == b.text:
        return 1.0
    s = 0.0
    # as written, and with a long vowel written with two letters (Raheem, Ghafoor, Moneim) read as the one
    # letter of other spellings (Rahim, Ghafur, Munim): Hussein is Husayn as written
    for long_vowels in (False, True):
        x, y = a.text[3:], b.text[3:]
        if long_vowels:
            x, y = _LONG_VOWELS(_long_vowel, x), _LONG_VOWELS(_long_vowel, y)
        tx, ty = Token(x), Token(y)
        tx.abjad, ty.abjad = a.abjad, b.abjad
        s = max(s, token_similarity(tx, ty))
    return s if s >= SERVANT_NAME_SIM else 0.0


#: two Abd names are one when the names they are made with are this alike (two spellings of one)
SERVANT_NAME_SIM = 0.85
_LONG_VOWELS = re.compile("ee|ei|oo").sub


def _long_vowel(m: re.Match) -> str:
    return "u" if m.group(0) == "oo" else "i"


def _named_after(a: str, b: str) -> bool:
    """Whether one word, not an initial, begins the other, three letters or more longer: Ivan and Ivanovich
    (V. still stands for Viktorovich)."""
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(short) > 1 and len(long_) >= len(short) + 3 and long_.startswith(short)


def token_similarity(a: Token, b: Token) -> float:
    """Similarity of two tokens (0 when they should not be paired).

    >>> from kgraph.resolve.normalize import Token
    >>> token_similarity(Token("zitotrans"), Token("tsitotrans"))
    0.97
    >>> token_similarity(Token("j"), Token("joachim"))
    0.9
    >>> token_similarity(Token("2004", "number"), Token("2005", "number"))
    0.0
    """
    if a.servant or b.servant:
        return _servant_similarity(a, b)
    if a.text == b.text:
        return 1.0
    if a.kind == NUMBER or b.kind == NUMBER:
        return 0.0
    if _same_key(a, b) or a.kind == AVIATION == b.kind:
        # ... and one airline word is another in any language: авиалинии, airlines, airways, avia
        return 0.97
    if (a.syllable or b.syllable) and len(a.text) != len(b.text):
        # a syllable read from characters is that syllable: jia (佳) is no short form of Jianping, and
        # cheng (成) no spelling of Chen; one of its length may be another romanisation (zhang, Chang)
        return 0.0
    if a.patronymic != b.patronymic and _named_after(a.text, b.text):
        return 0.0  # a name and the patronymic made of it: Ivan Petrov is not Sergei Ivanovich Petrov
    family = a.family or b.family
    ck = (a.text, b.text, True) if family else (a.text, b.text)
    s = _sim_cache.get(ck)
    if s is not None:
        return s
    la, lb = len(a.text), len(b.text)
    if la == 1 or lb == 1:
        # initials: "J" for "Joachim"; by the key too, "E" (Russian Е) for "Yevgeniy" (evgeni)
        s = 0.9 if a.text[0] == b.text[0] or a.key[:1] == b.key[:1] else 0.0
    elif a.kind == PARTICLE or b.kind == PARTICLE:
        s = 0.0
    else:
        short, long_ = (a.text, b.text) if la < lb else (b.text, a.text)
        if len(short) >= 3 and long_.startswith(short) and not family:
            # a truncation or short form: "Ben" / "Benjamin", "Abd" / "Abdul", "Int" / "International"; a
            # family name as a list writes it has none (DAR is no Darrell)
            s = max(PREFIX_SIM, _NS(a.text, b.text))
        elif len(long_) > 2 * len(short) + 1 and not (a.abjad or b.abjad):
            s = 0.0  # too different in length to be one word
        else:
            s = max(_NS(a.text, b.text), _NS(a.key, b.key))
            if s < _floor(min(la, lb)) or a.text[0] != b.text[0] and a.key[0] != b.key[0] and s < 0.8:
                s = 0.0
            # (a word read from Arabic script wrote its long vowels: it meets a Latin word by reads_as below)
            if s < VOWEL_SWAP_SIM and a.abjad == b.abjad and _vowels_swapped(a.key, b.key):
                s = VOWEL_SWAP_SIM
            if a.abjad != b.abjad and s < ABJAD_SIM:
                # Arabic/Hebrew/Khmer spelling has few vowels: a Latin word with its consonants and the vowels
                # the script wrote, in their places, is its reading (hmas: Hamas, not Hamza). Consonants alike
                # and nothing more made false alerts (حسین, Hossein, was Ehsan); the same consonants without a
                # vowel it wrote are another name (ماهان is not Mahin, 0.8 alike as letters)
                written, latin = (a, b) if a.abjad else (b, a)
                if len(skeleton(written.text)) >= 2 and reads_as(written.text, latin.text):
                    s = ABJAD_SIM
                elif same_consonants(written.text, latin.text):
                    s = 0.0
    if len(_sim_cache) > 500_000:
        _sim_cache.clear()
    _sim_cache[ck] = s
    return s
