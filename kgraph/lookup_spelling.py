"""Lookup by other spellings: the names a query's words spell with other vowels, or nearly.

The index files every name key of a word also by its consonants (its
``skeleton`` table, written by :mod:`kgraph.lookup_write` with
:func:`word_skeleton`): Hezbollah (hesbola) finds HIZBALLAH (hisbala), Laden
finds LADIN, and a name in Arabic script, which writes few vowels, finds the
Latin spellings with its consonants and the vowels it writes (حماس: HAMAS).
A query whose keys find nothing is tried on the keys spelt nearly as its
words (:func:`near_spellings`: Prigozin finds PRIGOZHIN).
"""
from __future__ import annotations

import sqlite3

__all__ = ["word_skeleton", "vowel_variants", "near_spellings", "SKELETON_WEIGHT"]

#: the vowel-blind search: a query word's key is also looked up as its consonants (:func:`word_skeleton`),
#: for the names that spell it with other vowels (Hezbollah: HIZBALLAH; Laden: LADIN; Lukashenko:
#: LUKASHENKA), at most SKELETON_KEYS keys per word, each weighing SKELETON_WEIGHT of a key of the query
SKELETON_MIN_LETTERS = 5
SKELETON_MIN_CONSONANTS = 3
SKELETON_KEYS = 20
#: a query in a script that leaves short vowels out (حماس, "hmas"): each word, and the words joined (حزب الله
#: for HIZBALLAH), is looked up by its consonants from this many letters, and more keys are kept per word, for
#: such a word's consonants are all it says
ABJAD_SKELETON_MIN_LETTERS = 3
ABJAD_SKELETON_KEYS = 60
#: ... chosen among this many keys of the same consonants
ABJAD_SKELETON_SCAN = 1000
SKELETON_WEIGHT = 0.5
#: a query whose keys find nothing is tried on the name keys spelt nearly as its words: keys at least this
#: alike (rapidfuzz ratio, 0-100), at most NEAR_KEYS per word, for words of NEAR_KEY_MIN letters or more
NEAR_KEY_RATIO = 80
NEAR_KEYS = 10
NEAR_KEY_MIN = 5


def word_skeleton(word: str, min_letters: int = SKELETON_MIN_LETTERS) -> str | None:
    """The consonants of a name key's word, by which the vowel-blind search files it; None for a word
    too short or too plain to say much by its consonants alone.

    >>> word_skeleton("hesbola"), word_skeleton("hisbala"), word_skeleton("osama"), word_skeleton("a320")
    ('hsbl', 'hsbl', None, None)
    >>> word_skeleton("hmas"), word_skeleton("hmas", ABJAD_SKELETON_MIN_LETTERS)
    (None, 'hms')
    """
    from .resolve.normalize import skeleton

    if len(word) < min_letters or not word.isalpha():
        return None
    s = skeleton(word)
    return s if len(s) >= SKELETON_MIN_CONSONANTS else None


def vowel_variants(con: sqlite3.Connection, query: str, keys: list[str], asked: set[str]) -> list[str]:
    """The name keys spelt with the consonants of a query's name ``keys``, and other vowels
    (:func:`word_skeleton`), none of the keys ``asked`` already; for a query in a script that writes few
    vowels (Arabic), of its shorter words, its words joined and each two adjacent words joined too."""
    from .resolve.normalize import ABJAD_SCRIPTS, WORD, analyze

    abjad = ABJAD_SCRIPTS.search(query) is not None
    if abjad:  # two words the lists write as one: نصر الله, NASRALLAH
        words = [t.key for t in analyze(query).words if t.kind == WORD]
        # (a query of two words has its one pair as its joined key already)
        keys = list(dict.fromkeys([*keys, *(f"name:j:{a}{b}" for a, b in zip(words, words[1:]))]))
    prefixes = ("name:n:", "name:j:") if abjad else ("name:n:",)
    min_letters, cap = (ABJAD_SKELETON_MIN_LETTERS, ABJAD_SKELETON_KEYS) if abjad else (SKELETON_MIN_LETTERS,
                                                                                        SKELETON_KEYS)
    out: list[str] = []
    for key in keys:
        word = key[len(prefixes[0]):]
        s = word_skeleton(word, min_letters) if key.startswith(prefixes) else None
        if not s:
            continue
        found = [k for (k,) in con.execute("SELECT key FROM skeleton WHERE skeleton = ? LIMIT ?",
                                           (s, (ABJAD_SKELETON_SCAN if abjad else cap) + len(asked)))
                 if k not in asked and k not in out]
        if abjad:  # the spellings with the vowels the script wrote, in their places, first (hmas: hamas, not hamza)
            from .resolve.arabic import reads_as

            found.sort(key=lambda k: not reads_as(word, k[len(prefixes[0]):]))
        out += found[:cap]
    return out


def near_spellings(con: sqlite3.Connection, q: str, rows_cap: int) -> set[str]:
    """Nodes with a name key spelt nearly as a word of the query, for a query whose keys found nothing:
    Prigozin (prigosin) for PRIGOZHIN (prigojin), Rotenburg for ROTENBERG, Zitotrnas for ZITOTRANS. The keys
    that begin with the word's first two letters and are about as long are compared (:data:`NEAR_KEY_RATIO`),
    and at most ``rows_cap`` nodes per key taken."""
    from rapidfuzz import fuzz, process

    from .resolve import name_keys

    out: set[str] = set()
    for key in name_keys(q):
        word = key[2:]
        if not key.startswith("n:") or len(word) < NEAR_KEY_MIN or word.isdigit():
            continue
        prefix = f"name:n:{word[:2]}"
        # the keys of names whose word begins as this one does, at most two letters longer or shorter
        keys = [k[len("name:n:"):] for (k,) in con.execute("SELECT DISTINCT key FROM key WHERE key >= ? AND key < ?",
                                                           (prefix, prefix + "\uffff"))]
        keys = [k for k in keys if abs(len(k) - len(word)) <= 2]
        for k, _, _ in process.extract(word, keys, scorer=fuzz.ratio, score_cutoff=NEAR_KEY_RATIO, limit=NEAR_KEYS):
            out.update(nid for (nid,) in con.execute("SELECT id FROM key WHERE key = ? LIMIT ?",
                                                     (f"name:n:{k}", rows_cap)))
    return out
