"""Belarusian names as the Russian ones they are elsewhere, Russian names as Ukraine, Germany and France write
them, and patronymics by the name they are made of.

Belarus's officials are listed by OFAC as Belarus romanises its own language, ``LUKASHENKA, Alyaksandr
Ryhorovich`` and ``NAUMAU, Uladzimir Uladzimiravich``, and written by the UK's and Canada's lists and by the
press from Russian: *Alexander Grigoryevich Lukashenko*, *Vladimir Naumov*. Word by word the two differ in
ways a fuzzy comparison does not forgive: the given names (Uladzimir, Vladimir; Siarhei, Sergei; Volha,
Olga), the family name's ending (Belarusian ў, written u or w, where Russian has v: Naumau, Naumov;
Zimousky, Zimovsky; -enka for -enko), h for g (Halavanau, Golovanov), dz and ts for soft d and t
(Tsertsel, Tertel). *Vladimir Naumov* found nothing, *Alexander Lukashenko* scored 0.76.

:func:`belarusian_reading` gives a name in Belarusian romanisation (one with a Belarusian given name or
patronymic, :data:`BELARUSIAN_GIVEN_NAMES`) a second reading, in Russian: its given names from the table, its
other words by :func:`russian_family_name`. The name's own reading stays; the other is one more, as an Arabic
name's readings are.

:func:`ukrainian_reading`, :func:`german_reading` and :func:`french_reading` do the same for a Russian name as
Ukraine (Yevhenii Pryhozhyn, г as h), German (Bekchan Barachojew, х as ch) and French (Evgueni Prigojine, ж as j,
ш as ch) write it: each gives it the reading the lists' romanisation would (Prigozhin, Barakhoyev).

:func:`russian_patronymic` writes a patronymic made of a known given name with that name in Russian and
one ending, whatever the language: Ryhoravich (Belarusian), Hryhorovych (Ukrainian), Grigoryevich and
Grigorievich are one word. Before, they met only as far as they were spelt alike.

>>> belarusian_reading(["naumau", "uladzimir", "uladzimiravich"])
['naumov', 'vladimir', 'uladzimiravich']
>>> belarusian_reading(["lukashenka", "alyaksandr", "ryhorovich"]), belarusian_reading(["naumov", "vladimir"])
(['lukashenko', 'aleksandr', 'ryhorovich'], None)
>>> [russian_patronymic(w) for w in ("ryhoravich", "hryhorovych", "grigoryevich", "mikalaeuna", "abramovich")]
['grigorovich', 'grigorovich', 'grigorovich', 'nikolaevna', 'abramovich']
"""
from __future__ import annotations

import functools
import re

from .tables import GIVEN_NAME_FORMS

__all__ = ["belarusian_reading", "ukrainian_reading", "german_reading", "french_reading", "russian_family_name",
           "russian_patronymic", "BELARUSIAN_GIVEN_NAMES", "PATRONYMIC_ENDS"]

#: Belarusian given names as Belarus romanises them (passports, OFAC, the EU) and as Russian letters read
#: Belarusian spelling (Сяргей: syargey), with the Russian name's romanisation. Read so only in a name read as
#: Belarusian (:func:`belarusian_reading`), and a few do not make a name Belarusian alone (:data:`_NOT_ALONE`)
BELARUSIAN_GIVEN_NAMES = {
    **dict.fromkeys(("aliaksandr", "alyaksandr", "aliaksandar", "aliaksander", "alaksandr"), "aleksandr"),
    **dict.fromkeys(("aliaksandra", "alyaksandra"), "aleksandra"),
    **dict.fromkeys(("uladzimir", "uladzimer", "uladzimier"), "vladimir"),
    **dict.fromkeys(("siarhei", "siarhey", "syarhei", "syarhey", "siarhiej", "siarhej", "siargei", "syargey"),
                    "sergey"),
    **dict.fromkeys(("dzmitry", "dzmitriy", "dzmitri", "dzmitryi", "dzmitryy", "dzmitrij", "zmitser", "zmicier"),
                    "dmitriy"),
    **dict.fromkeys(("ihar", "igar"), "igor"),
    **dict.fromkeys(("mikalai", "mikalay", "mikalaj"), "nikolay"),
    **dict.fromkeys(("yauhen", "yauheni", "yauheniy", "jauhien", "iauhen", "yaugen", "yauhien"), "yevgeniy"),
    **dict.fromkeys(("yauhenia", "yauheniya"), "yevgeniya"),
    **dict.fromkeys(("henadz", "hienadz", "genadz", "henadzi", "henadzy", "gienadz"), "gennadiy"),
    **dict.fromkeys(("viktar", "wiktar"), "viktor"),
    **dict.fromkeys(("aleh", "aleg"), "oleg"),
    "raman": "roman",
    **dict.fromkeys(("kanstantsin", "kanstantin", "kanstancin", "kanstantsyn"), "konstantin"),
    **dict.fromkeys(("leanid", "lieanid", "lyeanid"), "leonid"),
    **dict.fromkeys(("piatro", "pyatro", "piatr", "pyatr"), "petr"),
    "vadzim": "vadim",
    "volha": "olga",
    **dict.fromkeys(("natallia", "natallya", "natalla"), "natalya"),
    **dict.fromkeys(("sviatlana", "svyatlana", "sviatlana"), "svetlana"),
    "maryna": "marina", "alena": "elena", "halina": "galina", "hleb": "gleb", "paval": "pavel", "kiryl": "kirill",
    **dict.fromkeys(("lidziya", "lidzija", "lidzia"), "lidiya"),
    **dict.fromkeys(("stsiapan", "stiapan", "stsyapan", "styapan"), "stepan"),
    **dict.fromkeys(("artsiom", "artsem", "artsyom"), "artem"),
    **dict.fromkeys(("anatol", "anatoli"), "anatoliy"),
    **dict.fromkeys(("aliaksei", "aliaksey", "alyaksei", "alyaksey", "aliaksiej", "aliaksej"), "aleksey"),
    **dict.fromkeys(("uladzislau", "uladzislaw", "uladzislav"), "vladislav"),
    **dict.fromkeys(("tatsiana", "tatsyana", "tatstsyana", "tatciana", "tacciana"), "tatyana"),
    **dict.fromkeys(("valiantsin", "valyantsin"), "valentin"),
    **dict.fromkeys(("valiantsina", "valyantsina"), "valentina"),
    **dict.fromkeys(("yahor", "yagor"), "egor"),
    **dict.fromkeys(("vital", "vitali"), "vitaliy"),
    **dict.fromkeys(("ryhor", "rygor"), "grigoriy"),
    "barys": "boris",
    **dict.fromkeys(("katsiaryna", "katsyaryna", "katsiarina"), "ekaterina"),
    "aksana": "oksana",
    **dict.fromkeys(("nadzeya", "nadzeja", "nadzieja", "nadzeia"), "nadezhda"),
    "stanislau": "stanislav", "yaraslau": "yaroslav",
    **dict.fromkeys(("viachaslau", "vyachaslau"), "vyacheslav"),
    **dict.fromkeys(("fiodar", "fedar", "fyodar"), "fedor"),
    "ihnat": "ignat", "arkadz": "arkadiy", "radzivon": "rodion", "yakau": "yakov", "branislau": "bronislav",
    **dict.fromkeys(("dzianis", "dzyanis"), "denis"),
    "veranika": "veronika",
}

#: Belarusian given names that are others' too: Raman an Indian name, Alena a Czech one, Halina a Polish one, Vital
#: an English word; they are read as Russian in a name that is Belarusian by another word
_NOT_ALONE = frozenset({"raman", "alena", "halina", "vital", "anatol", "aleg", "paval"})
_MARKS = frozenset(BELARUSIAN_GIVEN_NAMES) - _NOT_ALONE
#: a Belarusian patronymic's ending (Uladzimiravich, Radzivonawna, Mikalaeuna): the name is read as Belarusian
_BELARUSIAN_PATRONYMIC = ("avich", "auna", "awna", "euna", "ewna")
#: how every patronymic :data:`_PATRONYMIC_SPLIT` reads ends (most words do not: no regular expression for them)
PATRONYMIC_ENDS = ("ich", "ych", "itch", "na")
#: a patronymic's ending, in Russian, Ukrainian and Belarusian romanisations: what is before it is the given
#: name it is made of, without its last i/y/j (Sergeyevich, Serhiyovych: serge, serh); ``other`` an ending
#: only Belarusian or Ukrainian writes (Ivanauna, Yanukovych), put in Russian whatever the name
_PATRONYMIC_SPLIT = re.compile(r"^([a-z]{3,}?)[iyj]*(?:(?:[iy]?[oe])(?:vich|vitch|vna)|"
                               r"(?P<other>(?:[iy]?[oe])(?:vych|wich|una|wna)|a(?:vich|una|wna)|y?ivna))$")
#: given names whose vowel falls out of their patronymic (Pavel, Pavlovich; Belarusian Paval, Paulavich)
_STEM_OF = {"pavel": "pavl", "paval": "pavl", "paul": "pavl", "pavlo": "pavl"}
_VOWEL_END = re.compile(r"[aeiou]$")


def _stem(name: str) -> str:
    """A given name as its patronymic begins: Sergey serge, Dmitriy dmitr, Petro petr, Stanislau stanislav."""
    name = _STEM_OF.get(name) or re.sub(r"(?<=[a-z]{3})(?:[iy]+j?|j|o)$", "", name)
    return re.sub(r"au$", "av", name)


@functools.lru_cache(maxsize=1)
def _stems() -> dict[str, str]:
    """The key of the stem of every spelling of a given name the tables know -> the Russian name's stem."""
    from .normalize import phonetic

    out: dict[str, str] = {}
    for spelling, russian in (*GIVEN_NAME_FORMS.items(), *BELARUSIAN_GIVEN_NAMES.items(), *_STEM_OF.items()):
        if spelling not in ("mohd", "muhd", "mhd"):
            out.setdefault(phonetic(_stem(spelling)), _stem(russian))
            out.setdefault(phonetic(_stem(russian)), _stem(russian))
    return out


def russian_patronymic(word: str) -> str:
    """A patronymic made of a given name the tables know, written with the Russian name and one ending
    (-ovich, -evich after a vowel; -ovna, -evna), one with a Belarusian or Ukrainian ending with the Russian
    one; any other word as it is (Abramovich, a family name, too).

    >>> russian_patronymic("oleksandrovych"), russian_patronymic("aliaksandrauna"), russian_patronymic("sergeevich")
    ('aleksandrovich', 'aleksandrovna', 'sergeevich')
    >>> russian_patronymic("ivanauna"), russian_patronymic("yanukovych"), russian_patronymic("paulavich")
    ('ivanovna', 'yanukovich', 'pavlovich')
    """
    m = _PATRONYMIC_SPLIT.match(word) if word.endswith(PATRONYMIC_ENDS) else None
    if m is None:
        return word
    from .normalize import phonetic

    stem = _stems().get(phonetic(_stem(m.group(1))))
    if stem is None:
        if not m.group("other"):
            return word
        stem = m.group(1)
    vowel = bool(_VOWEL_END.search(stem))
    if word.endswith("na"):
        return stem + ("evna" if vowel else "ovna")
    return stem + ("evich" if vowel else "ovich")


#: h where Russian has g, in Belarusian and Ukrainian romanisations (г is h); not the h of kh, sh, ch, zh
_H_FOR_G = re.compile(r"(?<![kszc])h")
# Belarusian spelling -> Russian, in order, for a word of a name read as Belarusian that is not a given name
_FAMILY_RULES = [
    (re.compile(r"enka$"), "enko"),  # Лукашэнка, Лукашенко
    (re.compile(r"(?<=[a-z]{3})(?<!s)ka$"), "ko"),  # Астрэйка, Астрейко; not -ska (Kalinowska)
    # ў, written u or w: Навумаў (Naumau), Наумов; Зімоўскі (Zimousky), Зимовский; Аўраменка, Авраменко
    (re.compile(r"(?<=[a-z]{2})[aou][uw]$"), "ov"),
    (re.compile(r"(?<=[a-z]{2})e[uw]$"), "ev"),
    (re.compile(r"(?<=[a-z])[aou][uw](?=sk)"), "ov"),
    (re.compile(r"(?<=[a-z])e[uw](?=sk)"), "ev"),
    (re.compile(r"^au(?=[bcdfgklmnprstvz])"), "av"),
    (re.compile(r"(?<=[bcdfghklmnprstvz])ava$"), "ova"),  # Рахманава, Рахманова
    (_H_FOR_G, "g"),  # Галаванаў (Halavanau), Голованов
    (re.compile(r"dz(?!h)"), "d"),  # дзеканне: Давыдзька, Давыдько
    (re.compile(r"ts(?=[iey])"), "t"),  # цеканне: Тэрцэль (Tsertsel), Тертель
    (re.compile(r"(?<=[bcdfgklmnprstvz])[iy]a"), "e"),  # Пяткевіч (Piatkevich), Петкевич
    (re.compile(r"^[iy]a"), "ye"),  # Ярмошына, Ермошина
]


def russian_family_name(word: str) -> str:
    """A word of a name read as Belarusian written as Russian writes it.

    >>> [russian_family_name(w) for w in ("naumau", "zimousky", "halavanau", "tsertsel", "piatkevich", "yarmoshina")]
    ['naumov', 'zimovsky', 'galavanov', 'tertel', 'petkevich', 'yermoshina']
    """
    if word.endswith(_BELARUSIAN_PATRONYMIC) or russian_patronymic(word) != word:
        return word  # a patronymic, read by russian_patronymic
    for pattern, rep in _FAMILY_RULES:
        word = pattern.sub(rep, word)
    return word


def belarusian_reading(toks: list[str]) -> list[str] | None:
    """The words of a name in Belarusian romanisation as Russian's: None for a name with no Belarusian
    given name nor patronymic, or one that reads the same."""
    if _MARKS.isdisjoint(toks) and not any(t.endswith(_BELARUSIAN_PATRONYMIC) for t in toks):
        return None
    out = [BELARUSIAN_GIVEN_NAMES.get(t) or russian_family_name(t) for t in toks]
    return out if out != toks else None


#: how a name is Ukrainian: a given name as Ukraine romanises it (GIVEN_NAME_FORMS' Mykola, Serhii, Yevhenii), a
#: patronymic with a Ukrainian ending
_UKRAINIAN_MARKS = frozenset(k for k, v in GIVEN_NAME_FORMS.items() if v != "muhammad")
_UKRAINIAN_PATRONYMIC = ("ovych", "evych", "ivna")
#: a word only Ukraine's romanisation writes so: hr at its start (Hryhoriev, Hrytsenko: гр; no Russian or English
#: romanisation begins a word so; hl and hn do, in Burmese: HLAING, Hnin), rh at its end (Holdberh, Peterburh:
#: -рг; not nh, Vietnamese: Thinh, Anh), and -kyi (-ький, -цький)
_UKRAINIAN_WORD = re.compile(r"^hr|rh$|kyi$")
#: Ukrainian є after a consonant, where Russian has е: Медведєв (Medvediev), Медведев
_YE_AFTER_CONSONANT = re.compile(r"(?<=[bcdfgklmnprstvz])ie")


def ukrainian_reading(toks: list[str]) -> list[str] | None:
    """The words of a name in Ukrainian romanisation with Russian's g for h: Ukraine writes Russians' names from
    its own letters, where г is h (Шойгу: Shoihu, Пригожин: Pryhozhyn). None for a name with no Ukrainian given
    name, patronymic or word (Hryhoriev, Zhytnytskyi), or one that reads the same.

    >>> ukrainian_reading(["yevhenii", "pryhozhyn"]), ukrainian_reading(["dmytro", "medvediev"])
    (['yevhenii', 'prygozhyn'], ['dmytro', 'medvedev'])
    >>> ukrainian_reading(["herman", "hoffmann"]), ukrainian_reading(["shoihu", "serhii", "kuzhuhetovych"])
    (None, ['shoigu', 'serhii', 'kuzhugetovych'])
    >>> ukrainian_reading(["herman", "href"]), ukrainian_reading(["yuri", "hryhoryev"])
    (['german', 'gref'], ['yuri', 'grygoryev'])
    """
    if _UKRAINIAN_MARKS.isdisjoint(toks) and not any(t.endswith(_UKRAINIAN_PATRONYMIC) or _UKRAINIAN_WORD.search(t)
                                                     for t in toks):
        return None
    out = [t if t in GIVEN_NAME_FORMS else _YE_AFTER_CONSONANT.sub("e", _H_FOR_G.sub("g", t)) for t in toks]
    return out if out != toks else None


#: how a name is a Russian one as German writes it: an ending in -ow, -ew, -owa, -ewa, -owitsch, -ij, or sch
#: for ш, tsch for ч (Patruschew, Prigoschin, Mischustin, Tschemesow)
_GERMAN_MARK = re.compile(r"(?:[oe]wa?|witsch|ij)$|sch")
#: German ch, where Russian has х (kh): not the ch of sch nor tsch
_GERMAN_CH = re.compile(r"(?<![st])ch")


def german_reading(toks: list[str]) -> list[str] | None:
    """The words of a Russian name as German writes it with kh for its ch (Michail Chodorkowski, Bekchan
    Barachojew: Mikhail Khodorkovsky, Bekkhan BARAKHOYEV). None for a name with no German mark, or no such ch.

    >>> german_reading(["chusein", "chutaew"]), german_reading(["sergej", "tschemesow"]), german_reading(["chaim"])
    (['khusein', 'khutaew'], None, None)
    """
    if not any(_GERMAN_MARK.search(t) for t in toks):
        return None
    out = [_GERMAN_CH.sub("kh", t) for t in toks]
    return out if out != toks else None


#: how a name is a Russian one as French writes it: ou for у, tch for ч, gu for г before e and i (Patrouchev,
#: Timtchenko, Sergueï); not -ine for -ин (Poutine), the end of airline and marine
_FRENCH_MARK = re.compile(r"ou|tch|gu[eiy]")
_FRENCH_RULES = [
    (re.compile(r"(?<=[bcdfgjklmnprstvz])ine$"), "in"),  # Poutine, Prigojine, Michoustine
    (re.compile(r"chtch"), "shch"),  # щ: Khrouchtchev
    (re.compile(r"(?<![ts])ch(?!r)"), "sh"),  # ш: Choïgou, Narychkine; not tch (ч), nor chr (Christophe)
    (re.compile(r"j"), "zh"),  # ж: Prigojine
    (re.compile(r"gu(?=[eiy])"), "g"),  # Sergueï, Guennadi
]


def french_reading(toks: list[str]) -> list[str] | None:
    """The words of a Russian name as French writes it as English writes them (Evgueni Prigojine, Sergueï
    Choïgou: Yevgeny Prigozhin, Sergei Shoigu). None for a name with no French mark, or none of these letters.

    >>> french_reading(["evgueni", "prigojine"]), french_reading(["serguei", "narychkine"])
    (['evgeni', 'prigozhin'], ['sergei', 'naryshkin'])
    >>> french_reading(["charles", "taylor"]), french_reading(["christophe", "mouton"])
    (None, None)
    """
    if not any(_FRENCH_MARK.search(t) for t in toks):
        return None
    out = []
    for t in toks:
        for pattern, rep in _FRENCH_RULES:
            t = pattern.sub(rep, t)
        out.append(t)
    return out if out != toks else None
