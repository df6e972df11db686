"""What a lookup query says besides a name: a person's title before it and date or year of birth, an
operator's aircraft model beside it (:func:`model_reading`).

Analysts type what they have: "President Putin", "Mr. Deripaska", "генерал Герасимов", "Prigozhin 1961",
"Khoroshev DOB 17.04.1993", "Пригожин 01.06.1961 г.р.". Read as part of the name, a title is a word the
listed name lacks ("Mr Deripaska" scored 0.53, "Deripaska" 0.77) and a year a number it lacks, so both
lowered the right person's score and told two namesakes no apart. :func:`split_query` takes them off;
lookup scores a person by the name left, and :func:`born_agreement` and :func:`with_birth` weigh a listed
date of birth against the query's.

>>> split_query("President Putin")
QueryHints(name='Putin', title='President', born=None)
>>> split_query("Prigozhin DOB 01.06.1961"), split_query("Пригожин 1961 г.р.").born
(QueryHints(name='Prigozhin', title=None, born='1961-06-01'), '1961')
>>> split_query("John B. Smith b. 1961")  # B. is an initial; "b." beside the date says what it is
QueryHints(name='John B. Smith', title=None, born='1961')
>>> split_query("General Petroleum Corporation").name, split_query("Plant 1945").born  # a title needs a name after it
('Petroleum Corporation', '1945')
"""
from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["QueryHints", "split_query", "born_agreement", "with_birth", "model_reading", "model_in"]

#: words a person's name is written after, in the languages of the lists' subjects: honorifics, offices and
#: ranks (several in a row: Major General, Prime Minister)
TITLES = frozenset("""mr mrs ms miss mx dr prof sir lord dame president vice prime first deputy minister premier
chairman director governor mayor senator ambassador judge general gen lieutenant lt colonel col major maj captain
capt brigadier brig admiral adm commander marshal sheikh shaikh sheik ayatollah hojatoleslam mullah mawlawi
господин г-н гн генерал президент премьер министр полковник подполковник майор капитан адмирал маршал депутат
губернатор мэр директор председатель пан пані генерал-майор генерал-лейтенант генерал-полковник
الشيخ الرئيس اللواء العميد العقيد الدكتور الفريق سردار سرلشکر سرتیپ سرهنگ آیت‌الله حجت‌الاسلام""".split())
#: words a date or year of birth is written after or before
_BORN_WORDS = frozenset("""born b dob d.o.b date of birth nee née р род родился родилась г.р гр г года рождения
рожд д.р др مواليد متولد تولد""".split())
_MONTHS = {m: i for i, names in enumerate((
    "jan january янв января январь", "feb february фев февраля февраль", "mar march мар марта март",
    "apr april апр апреля апрель", "may мая май", "jun june июн июня июнь", "jul july июл июля июль",
    "aug august авг августа август", "sep sept september сен сентября сентябрь", "oct october окт октября октябрь",
    "nov november ноя ноября ноябрь", "dec december дек декабря декабрь"), 1) for m in names.split()}
_YEAR = r"(?:19|20)\d\d"
_ISO = re.compile(rf"^({_YEAR})-(\d\d)-(\d\d)$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})[./-](\d{{1,2}})[./-]({_YEAR})$")
_YEAR_ONLY = re.compile(rf"^{_YEAR}$")
_WORD = re.compile(r"[^\s,;()]+")


class QueryHints(NamedTuple):
    name: str
    title: str | None
    born: str | None  # "1961", "1961-06" or "1961-06-01"


def _date(words: list[str], i: int) -> tuple[str | None, int]:
    """A date of birth beginning at ``words[i]``: (ISO text, words it takes), or (None, 0)."""
    w = words[i].rstrip(".")
    m = _ISO.match(w)
    if m:
        return w, 1
    m = _NUMERIC.match(w)
    if m:
        a, b, year = int(m[1]), int(m[2]), m[3]
        day, month = (b, a) if a <= 12 < b else (a, b)  # 04/17/1993 is American; 17.04.1993 everyone else's
        return (f"{year}-{month:02d}-{day:02d}", 1) if 1 <= month <= 12 and 1 <= day <= 31 else (None, 0)
    nxt = [x.strip(".,").lower() for x in words[i + 1:i + 3]]
    if w.isdigit() and 1 <= int(w) <= 31 and len(nxt) == 2 and nxt[0] in _MONTHS and _YEAR_ONLY.match(nxt[1]):
        return f"{nxt[1]}-{_MONTHS[nxt[0]]:02d}-{int(w):02d}", 3  # 17 Apr 1993, 17 апреля 1993
    month = _MONTHS.get(w.lower())
    if month and nxt and _YEAR_ONLY.match(nxt[0]):
        return f"{nxt[0]}-{month:02d}", 2  # Apr 1993
    if month and len(nxt) == 2 and nxt[0].isdigit() and _YEAR_ONLY.match(nxt[1]):
        return f"{nxt[1]}-{month:02d}-{int(nxt[0]):02d}", 3  # April 17, 1993
    if _YEAR_ONLY.match(w):
        return w, 1
    return None, 0


def _born_word(word: str) -> bool:
    return word.rstrip(".,:").lower() in _BORN_WORDS


def split_query(query: str) -> QueryHints:
    """The query's name without the title before it and the date of birth in it (each None when absent).

    A title is taken off only with a word left after it; a date only with a word of the name left."""
    words = _WORD.findall(query)
    title_words: list[str] = []
    while len(words) > 1 and words[0].rstrip(".").lower() in TITLES:
        title_words.append(words.pop(0))
    kept: list[str] = []
    born = None
    i = 0
    while i < len(words):
        date, n = _date(words, i) if born is None else (None, 0)
        if not date:
            kept.append(words[i])
            i += 1
            continue
        born, i = date, i + n
        # the words around the date that say what it is (born, DOB, г.р.); elsewhere a B. is an initial
        while kept and _born_word(kept[-1]):
            kept.pop()
        while i < len(words) and _born_word(words[i]):
            i += 1
    if born is None or not any(any(c.isalpha() for c in w) for w in kept):
        kept, born = [w for w in words], None
    name = " ".join(kept)
    return QueryHints(name, " ".join(title_words) or None, born)


def born_agreement(born: str, listed: list[str]) -> str | None:
    """"same" when a listed date of birth agrees with the query's (as far as either goes: 1961 agrees with
    1961-06-01, a range 1960/1962 with any year in it), "other" when every listed one disagrees, None when
    none is listed.

    >>> born_agreement("1961", ["1961-06-01"]), born_agreement("1961-06-01", ["1961-07-02"]), born_agreement("1961", [])
    ('same', 'other', None)
    >>> born_agreement("1961-06-01", ["1960/1962"]), born_agreement("1965", ["1960/1962", "1958"])
    ('same', 'other')
    """
    if not listed:
        return None
    for value in listed:
        if "/" in value:
            low, _, high = value.partition("/")
            if low[:4] <= born[:4] <= high[:4]:
                return "same"
            continue
        n = min(len(value), len(born))
        if value[:n] == born[:n]:
            return "same"
    return "other"


#: a name score below this is a given name met, or less: a date of birth that agrees adds nothing to it
#: (Dmitry Khoroshev 1971 met KOBYLKIN, Dmitry Nikolaevich, born 1971, by "Dmitry" at 0.35)
BIRTH_NAME_FLOOR = 0.5


def with_birth(score: float, agreement: str | None) -> float:
    """A person's name score with the date of birth weighed in: an agreeing date closes a third of the gap
    to 1 (a surname and its year are more than the surname) when the name met (:data:`BIRTH_NAME_FLOOR`),
    a disagreeing one takes a third off (a namesake, or a typo in the date).

    >>> round(with_birth(0.769, "same"), 3), round(with_birth(0.769, "other"), 3), with_birth(0.769, None)
    (0.846, 0.513, 0.769)
    >>> with_birth(0.35, "same")
    0.35
    """
    if agreement == "same" and score >= BIRTH_NAME_FLOOR:
        return score + (1.0 - score) / 3
    if agreement == "other":
        return score * 2 / 3
    return score


#: makers a model is written after (Boeing 737, Airbus A340, ATR 72)
_MAKERS = frozenset("airbus boeing ilyushin antonov tupolev embraer atr bombardier sukhoi mcdonnell douglas "
                    "ил ан ту".split())


def model_reading(query: str) -> tuple[str, str] | None:
    """The query without the aircraft model written beside a name, and the note saying so: "Aviacon Il-76"
    is Aviacon's Il-76s, and the model is no word of the operator's name (it scored 0.48 for it); None when
    the query has no model (:func:`model_in`), or nothing else.

    >>> model_reading("Aviacon Il-76"), model_reading("Mahan Air Airbus A340-600")
    (('Aviacon', 'Il-76 as an aircraft model'), ('Mahan Air', 'Airbus A340-600 as an aircraft model'))
    >>> model_reading("Fund 737"), model_reading("Il-76"), model_reading("Falcon Aviation")
    (None, None, None)
    """
    found = model_in(query)
    return (found[0], f"{found[1]} as an aircraft model") if found else None


def model_in(query: str) -> tuple[str, str] | None:
    """(the query's other words, the model as written) for a query with an aircraft model beside a name: a
    word with letters and digits that :func:`kgraph.refdata.models.model_family` reads (Il-76TD, A340, B747,
    Ту-204), with its maker before it.

    >>> model_in("Mahan Air Airbus A340-600")
    ('Mahan Air', 'Airbus A340-600')
    """
    from .refdata.models import model_family

    words = _WORD.findall(query)
    for i, w in enumerate(words):
        if any(c.isdigit() for c in w) and any(c.isalpha() for c in w) and model_family(w):
            start = i - 1 if i and words[i - 1].lower() in _MAKERS else i
            rest = words[:start] + words[i + 1:]
            if rest and any(any(c.isalpha() for c in r) for r in rest):
                return " ".join(rest), " ".join(words[start:i + 1])
    return None
