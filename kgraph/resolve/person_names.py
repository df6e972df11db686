"""A person's name as a lookup reads it: the query's initials, the family words of a listed name, and
whether a query names a person (by "son of", or by a given name).

Only lookup reads names so (:func:`kgraph.resolve.names.score_names` with ``person=True``); resolution reads
every name with :func:`kgraph.resolve.normalize.analyze_all`.
"""
from __future__ import annotations

import functools
import re

from .east_slavic import BELARUSIAN_GIVEN_NAMES, russian_family_name
from .normalize import _INITIALISM, Name, _analyze, _name_like, analyze, phonetic
from .tables import GIVEN_NAME_FORMS, SON_OF

__all__ = ["analyze_as_person", "analyze_listed_person", "names_a_person"]


@functools.lru_cache(maxsize=1_000)
def analyze_as_person(text: str) -> tuple[Name, ...]:
    """:func:`.normalize.analyze_all` of a text read as a person's name, where no word is a legal form or an
    airline word: the Portuguese family name Sá is no S.A. (a lookup query meeting a person's names).

    >>> from kgraph.resolve.normalize import analyze_all
    >>> analyze_all("Tomas Sa")[0].forms, [t.text for t in analyze_as_person("Tomas Sa")[0].words]
    (['jsc'], ['tomas', 'sa'])

    A person's dotted letters are initials, one each, not an initialism (Пригожин Е.В., Yevgeniy
    Viktorovich):

    >>> [t.text for t in analyze_as_person("Пригожин Е.В.")[0].words]
    ['prigozhin', 'e', 'v']

    So are two Latin letters that write one Russian letter, dotted (Prigozhin Ye.V., Khodorkovsky M.B.):

    >>> [t.text for t in analyze_as_person("Prigozhin Ye.V.")[0].words]
    ['prigozhin', 'y', 'v']
    """
    text = _DIGRAPH_INITIAL.sub(lambda m: m.group(1)[0] + ".", text)
    return _analyze(_INITIALISM.sub(lambda m: m.group(1).replace(".", ". "), text), False)


_LETTERS_ONLY = re.compile(r"[^\W\d_]+")
# a Russian letter's Latin digraph as a person's dotted initial: Ye. (Е), Yu. (Ю), Zh. (Ж), Kh. (Х), Sh. (Ш)
_DIGRAPH_INITIAL = re.compile(r"(?<![^\W\d_])((?:[Yy][aeou]|[ZKSCzksc]h|[Tt]s)\.)")


@functools.lru_cache(maxsize=10_000)
def analyze_listed_person(text: str) -> tuple[Name, ...]:
    """:func:`.normalize.analyze_all` of a person's name as a list writes it, "FAMILY, Given" or "Given
    FAMILY": the words before the comma, or in capitals among others that are not, are marked ``family``. A
    family name has no short form: DAR is not Darrell, MANSOOR not Mans. No word is a legal form (KO is no
    Co.: :func:`analyze_as_person`).

    >>> [(t.text, t.family) for t in analyze_listed_person("DAR, Muhammad Harris")[0].words]
    [('dar', True), ('muhammad', False), ('harris', False)]
    >>> [t.family for t in analyze_listed_person("Muhammad Harris DAR")[0].words]
    [False, False, True]
    """
    # no word of a person's name is a legal form: KO (KO, Tae Hun) is no Co., Oo (Tin Aung Myint Oo) no OOO;
    # its dotted letters are initials, one each, as a query's are (AL-DAJANI, Leila N.S. scored 0.96 for itself)
    text = _INITIALISM.sub(lambda m: m.group(1).replace(".", ". "), text)
    names = _analyze(text, False)
    if "," in text:
        head = text.split(",", 1)[0]
    else:
        words = _LETTERS_ONLY.findall(text)
        capitals = [w for w in words if w.isupper() and len(w) > 1]
        head = " ".join(capitals) if capitals and len(capitals) < len(words) else ""
    family = {t.text for name in _analyze(head, False) for t in name.tokens} if head.strip() else set()
    if len(names) > 1:  # ... and in the Belarusian reading (NAUMAU: naumov)
        family |= {russian_family_name(t) for t in family}
    for name in names:  # tokens of their own: _analyze is not cached
        for t in name.tokens:
            t.family = t.text in family
    return names


@functools.lru_cache(maxsize=1)
def _given_name_keys() -> frozenset[str]:
    """The romanisation-insensitive keys of the given names the tables know, in every spelling they know."""
    return frozenset(phonetic(w) for table in (GIVEN_NAME_FORMS, BELARUSIAN_GIVEN_NAMES)
                     for pair in table.items() for w in pair)


def names_a_person(q: str) -> bool:
    """Whether a query names a person: by "son of" (bin, ibn, bint, ould) between two words, or by a given name
    the tables know among words that may all be a person's (no legal form, no airline or generic word).

    >>> names_a_person("Osama bin Laden"), names_a_person("أسامة بن لادن"), names_a_person("Bin Laden Group")
    (True, True, False)
    >>> names_a_person("Dmitry Gora"), names_a_person("Дмитрий Гора"), names_a_person("LLC Gora")
    (True, True, False)
    >>> names_a_person("Sergey Trading Company"), names_a_person("Gora")
    (False, False)
    """
    name = analyze(q)
    words = [t.text for t in name.words]
    if any(w in SON_OF for w in words[1:-1]):
        return True
    return not name.forms and _name_like(words) and any(phonetic(w) in _given_name_keys() for w in words)
