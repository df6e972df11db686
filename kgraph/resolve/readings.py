"""Other readings of a lookup query: a Russian or Ukrainian adjective read as the name it is made from, a
Korean or Chinese name written in Russian read as the lists romanise it, English words in Russian letters
spelt back.

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

Russian writes Korean names by the Kontsevich system, syllable by syllable: Ким Чен Ын is 김정은, which
OFAC writes KIM, Jong Un (the McCune-Reischauer romanisation North Korea uses, without its marks). Read
letter by letter it is "kim chen yn", which shares one word with it. :func:`korean_readings` reads each
syllable back: Чен (정) as jong, Ын (은) as un.

>>> korean_readings("Ким Чен Ын")[0]
('kim jong un', 'Ким Чен Ын as Korean: kim jong un')
>>> korean_readings("Сергей Ким"), korean_readings("Пак Ын Ман")[0][0]
([], 'pak un man')

Russian spells an English word in a company's name as it sounds: ЮТэйр is UTair, Эйр Бридж Карго is
AirBridgeCargo, Ростех is Rostec, Хазар Си Шиппинг Лайнс is KHAZAR SEA SHIPPING LINES. Letter by letter
"yuteyr" and "ey bridzh" share no key with the English; :func:`english_readings` spells those words back.

>>> english_readings("ЮТэйр"), english_readings("Хазар Си Шиппинг Лайнс")[0][0]
([('utair', 'ЮТэйр as utair')], 'khazar sea shipping lines')
>>> english_readings("Ростех")[0], english_readings("Сбербанк")
(('rostec', 'Ростех as rostec'), [])

Words the lists translate rather than spell (министерство, ministry) are read by :mod:`.translation`.
"""
from __future__ import annotations

import itertools
import re

from .normalize import fold, tokenize

__all__ = ["adjective_readings", "korean_readings", "hangul_readings", "chinese_readings", "english_readings",
           "ukrainian_readings", "query_words", "likeliest_choices", "MAX_READINGS"]

#: readings of one query at most (two adjectives of a country give four)
MAX_READINGS = 6
# what separates a query's words: spaces, hyphens, the quotes Russian writes a company's name in (ПАО
# «Туполев»), any mark but the apostrophe Ukrainian writes inside a word (Об'єднана)
_SEPARATORS = re.compile(r"[^\w'’ʼ]+")


def query_words(text: str) -> list[str]:
    """The words of a query, without the quotes and marks around them.

    >>> query_words("ГК «Ростех»"), query_words("Об'єднана авіабудівна-корпорація")
    (['ГК', 'Ростех'], ["Об'єднана", 'авіабудівна', 'корпорація'])
    """
    return [w for w in _SEPARATORS.split(text) if w]


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


def _likeliest(options: list, sep: str = " ") -> list[str]:
    """One choice per part joined, the fewest and earliest second choices first, at most
    :data:`MAX_READINGS` (:func:`likeliest_choices`).

    >>> _likeliest([("kim",), ("jong", "chong"), ("un",)])
    ['kim jong un', 'kim chong un']
    """
    return [sep.join(chosen) for chosen in likeliest_choices(options)]


def likeliest_choices(options: list) -> list[list]:
    """One choice per part, the fewest and earliest second choices first, at most :data:`MAX_READINGS`.
    Built level by level (all first choices, then one second choice...), never by listing every
    combination: a long Hangul text has millions.

    >>> likeliest_choices([(1,), (2, 3)])
    [[1, 2], [1, 3]]
    """
    # spare[i]: how many steps past the first choice the parts from i on can take at most
    spare = [0] * (len(options) + 1)
    for i in range(len(options) - 1, -1, -1):
        spare[i] = spare[i + 1] + len(options[i]) - 1
    out: list[list] = []

    def pick(i: int, budget: int, chosen: list) -> None:
        if len(out) >= MAX_READINGS or budget > spare[i]:
            return
        if i == len(options):
            out.append(chosen)
            return
        for k in range(min(budget, len(options[i]) - 1) + 1):
            pick(i + 1, budget - k, chosen + [options[i][k]])

    for budget in range(spare[0] + 1):
        pick(0, budget, [])
        if len(out) >= MAX_READINGS:
            break
    return out


# -- Korean names in Russian letters ---------------------------------------------------------------------
#: Korean family names as Russian writes them (Ли and Ри are both 리/이: RI in North Korea, LEE or YI in the
#: South); a query of Korean syllables is read as Korean only when one of its words is one of these
KOREAN_SURNAMES = frozenset(
    "ким ли ри пак чхве цой чон чо кан юн хан лим рим хо хван ан ю мун пэк пэ сон нам ко ян квон сим син "
    "о со ха тхэ ток ку чан чу хон ын кын".split())
# a syllable: initial consonant, vowel, final consonant; each Russian spelling with its romanisations,
# the one North Korea's lists use first (ㅈ is j: Jong; ㄹ at the start is r: Ri, Ryong)
_INITIALS = {"": ("",), "кх": ("k",), "к": ("k", "g"), "г": ("g", "k"), "тх": ("t",), "т": ("t", "d"),
             "д": ("d", "t"), "пх": ("p",), "п": ("p", "b"), "б": ("b", "p"), "чх": ("ch",), "чж": ("j",),
             "дж": ("j",), "ч": ("j", "ch"), "ц": ("ch",), "сс": ("ss",), "с": ("s",), "х": ("h",),
             "р": ("r",), "л": ("r", "l"), "м": ("m",), "н": ("n",), "в": ("w",)}
_VOWELS = {"ве": ("oe",), "вэ": ("oe", "wae"), "ва": ("wa",), "во": ("wo",), "ви": ("wi",), "ый": ("ui",),
           "а": ("a",), "я": ("ya",), "о": ("o",), "ё": ("yo",), "у": ("u",), "ю": ("yu",), "ы": ("u",),
           "и": ("i",), "э": ("ae",), "е": ("o", "e"), "йо": ("yo",)}
# a final н is n or ng (Russian writes both н): after о, ё, е it is most often ng (정 Jong, 영 Yong, 성 Song)
_FINALS = {"": ("",), "нъ": ("ng",), "н": ("n", "ng"), "м": ("m",), "ль": ("l",), "л": ("l",), "р": ("l",),
           "к": ("k",), "п": ("p",), "т": ("t",)}
_NG_VOWELS = frozenset({"о", "ё", "е", "я"})


def _longest_first(spellings) -> str:
    return "|".join(sorted((x for x in spellings if x), key=len, reverse=True))


_SYLLABLE = re.compile(f"^(?P<i>{_longest_first(_INITIALS)})?(?P<v>{_longest_first(_VOWELS)})"
                       f"(?P<f>{_longest_first(_FINALS)})?$")


def _syllable(word: str) -> list[str] | None:
    """The romanisations of one Korean syllable in Russian letters, most likely first; None if it is none."""
    m = _SYLLABLE.match(word)
    if not m:
        return None
    i, v, f = m.group("i") or "", m.group("v"), m.group("f") or ""
    finals = _FINALS[f]
    if f == "н" and v in _NG_VOWELS:
        finals = ("ng", "n")
    vowels = _VOWELS[v]
    if v == "е" and i not in ("ч", "чж", "чх", "дж", "ц", "с"):
        vowels = ("ye", "o")  # ㅖ after most consonants; after ч and с Russian writes е for ㅓ (Чен, Сен)
    return [a + b + c for a in _INITIALS[i] for b in vowels for c in finals]


def korean_readings(query: str) -> list[tuple[str, str]]:
    """A Korean name written in Russian letters, syllable by syllable, read as the lists romanise it:
    (text, note), at most :data:`MAX_READINGS`, the likeliest first; none for any other query."""
    text = query.strip().lower()
    if "і" in text:  # Ukrainian writes ㅣ as і and ㅡ as и (Кім Чен Ин): in Russian letters и and ы
        text = text.replace("и", "ы").replace("і", "и")
    words = query_words(text)
    if not 2 <= len(words) <= 4 or not any(w in KOREAN_SURNAMES for w in words):
        return []
    per_word = [_syllable(w) for w in words]
    if any(options is None for options in per_word):
        return []
    return [(text, f"{query.strip()} as Korean: {text}") for text in _likeliest(per_word)]


# -- English words in Russian letters --------------------------------------------------------------------
# Russian spellings of English words in company names whose letter-by-letter reading the lookup's keys do
# not bridge (a vowel or diphthong English writes otherwise); k for c, ks for x and the like they do bridge
_ENGLISH = {
    "эйрлайнс": "airlines", "эйрлайнз": "airlines", "эйрвейз": "airways", "эйрвэйз": "airways", "эйр": "air",
    "айр": "air", "карго": "cargo", "лайнс": "lines", "лайнз": "lines", "лайн": "line", "бридж": "bridge", "ойл": "oil",
    "энерджи": "energy", "трейдинг": "trading", "трейд": "trade", "интернешнл": "international",
    "интернэшнл": "international", "юнайтед": "united", "джет": "jet", "скай": "sky", "сервис": "service",
    "сервисез": "services", "текнолоджис": "technologies", "текнолоджи": "technology",
    "технолоджис": "technologies", "авиэйшн": "aviation", "корпорейшн": "corporation", "солюшнс": "solutions",
    "менеджмент": "management", "эссет": "asset", "маркетс": "markets", "вэй": "way", "вей": "way",
}
# words English writes alone that a longer word may hold ("си" in "сибирь"): read only as a whole word
_WHOLE_WORDS = {"си": "sea"}
_PARTS = re.compile("|".join(sorted(_ENGLISH, key=len, reverse=True)))
_CYRILLIC_WORD = re.compile(r"[а-яё]+")


def _english_word(word: str) -> str | None:
    """A Cyrillic word with the English spelt back at its start or its end; None if it holds none."""
    if word in _WHOLE_WORDS:
        return _WHOLE_WORDS[word]
    head = _PARTS.match(word)
    if head and len(head.group()) <= 3 and 0 < len(word) - head.end() < 4:
        head = None  # Эйрик, Айрат are names, not "air" and two letters; Эйрфлот is Airflot
    tail = next((m for m in _PARTS.finditer(word) if m.end() == len(word) and m.start() > 0), None)
    if tail is None and word.endswith("тех") and len(word) > 4:
        return tokenize(word[:-3])[0][0] + "tec"  # Ростех is Rostec, the brand; RT-Tekhnologii the letters
    if not head and not tail:
        return None
    rest = word[head.end() if head else 0:tail.start() if tail else len(word)]
    # ЮТэйр: an initial ю before a consonant is the English u (UTair, United)
    lead = "u" + rest[1:] if not head and rest[:1] == "ю" and rest[1:2] not in "аеёиоуыэюя" else rest
    latin = "".join(tokenize(lead)[0]) if tokenize(lead) else ""
    return (_ENGLISH[head.group()] if head else "") + latin + (_ENGLISH[tail.group()] if tail else "")


def english_readings(query: str) -> list[tuple[str, str]]:
    """The query with the English words Russian spells as they sound spelt back: [(text, note)] or []."""
    words, notes = [], []
    for word in query_words(fold(query)):
        english = _english_word(word) if _CYRILLIC_WORD.fullmatch(word) else None
        if english:
            notes.append(f"{word} as {english}")
        words.append(english or " ".join(t for tokens in tokenize(word)[:1] for t in tokens))
    if not notes:
        return []
    text = " ".join(w for w in words if w)
    # the note keeps the query's own capitals: "ЮТэйр as utair"
    return [(text, ", ".join(notes) if len(notes) > 1 or len(query.split()) > 1 else f"{query.strip()} as {text}")]


# -- Chinese names in Russian letters ---------------------------------------------------------------------
# Russian writes Chinese by the Palladius system, syllable by syllable: 习近平 is Си Цзиньпин, which pinyin
# writes Xi Jinping and OFAC as XI, Jinping. Read letter by letter it is "si tszinpin".
#: Chinese family names as Palladius writes them; a query is read as Chinese only when it holds one
CHINESE_SURNAMES = frozenset(
    "ли ван чжан лю чэнь ян хуан чжао у чжоу сюй сунь ма чжу ху го хэ гао линь ло чжэн лян се сун тан хань "
    "фэн дэн цао пэн цзэн сяо тянь дун пань юань цай цзян юй ду е чэн вэй су люй дин жэнь шэнь яо лу цуй "
    "чжун тань фань цзинь ши ляо цзя ся фу фан бай цзоу мэн сюн цинь цю инь сюэ янь дуань лэй хоу лун тао "
    "гу мао хао гун шао цянь хун вань чан кан кун ни ню си лэн шан вэнь".split())
_PAL_INITIALS = {"б": "b", "п": "p", "м": "m", "ф": "f", "д": "d", "т": "t", "н": "n", "л": "l", "г": "g",
                 "к": "k", "х": "h", "чж": "zh", "ч": "ch", "ш": "sh", "ж": "r", "цз": "z", "ц": "c", "с": "s"}
_PAL_FINALS = {"а": "a", "о": "uo", "э": "e", "и": "i", "ы": "i", "ай": "ai", "эй": "ei", "ао": "ao", "оу": "ou",
               "ань": "an", "энь": "en", "ан": "ang", "эн": "eng", "ун": "ong", "я": "ia", "е": "ie", "яо": "iao",
               "ю": "iu", "янь": "ian", "инь": "in", "ян": "iang", "ин": "ing", "юн": "iong", "у": "u", "уа": "ua",
               "уай": "uai", "уй": "ui", "уань": "uan", "унь": "un", "уан": "uang", "юй": "ü", "юэ": "üe",
               "юань": "üan", "юнь": "ün"}
_PAL_ALONE = {"а": "a", "ай": "ai", "ань": "an", "ан": "ang", "ао": "ao", "э": "e", "эй": "ei", "энь": "en",
              "эн": "eng", "эр": "er", "о": "o", "оу": "ou", "и": "yi", "я": "ya", "е": "ye", "яо": "yao", "ю": "you",
              "янь": "yan", "инь": "yin", "ян": "yang", "ин": "ying", "юн": "yong", "у": "wu", "ва": "wa",
              "вай": "wai", "вэй": "wei", "вань": "wan", "вэнь": "wen", "ван": "wang", "вэн": "weng", "во": "wo",
              "юй": "yu", "юэ": "yue", "юань": "yuan", "юнь": "yun"}


def _palladius_syllables() -> dict[str, str]:
    """Every Palladius spelling of a syllable with its pinyin (without tones, ü as u, as the lists write it)."""
    out = dict(_PAL_ALONE)
    for ini, p_ini in _PAL_INITIALS.items():
        for fin, p_fin in _PAL_FINALS.items():
            palatal = p_fin[0] in "iü"
            if fin == "ы" and ini not in ("цз", "ц", "с"):
                continue  # ы is the -i of zi, ci, si only
            if ini in ("цз", "ц", "с") and palatal and fin != "ы":
                p_ini = {"цз": "j", "ц": "q", "с": "x"}[ini]  # before i and ü: the palatal j, q, x
                p_fin = p_fin.replace("ü", "u")  # ju, que, xuan
            elif ini in ("цз", "ц", "с"):
                p_ini = _PAL_INITIALS[ini]
            if ini in ("чж", "ч", "ш", "ж") and palatal and fin != "и":
                continue  # no zhia, shiu: the retroflex initials take no i- or ü- final
            if fin == "о" and ini in ("б", "п", "м", "ф"):
                p_fin = "o"  # bo, po, mo, fo; after the others о is -uo (го guo, ло luo)
            out[ini + fin] = p_ini + p_fin.replace("ü", "u")  # lü, nü as OFAC writes them: LU, NU
    return out


_PALLADIUS = _palladius_syllables()
_PAL_LONGEST = max(map(len, _PALLADIUS))


def _pinyin_words(word: str) -> list[str]:
    """A word's readings as Palladius syllables, joined (Цзиньпин: jinping); the fewest syllables first.

    >>> _pinyin_words("цзиньпин"), _pinyin_words("сяохун"), _pinyin_words("иван")[:1]
    (['jinping'], ['xiaohong'], ['yiwang'])
    """
    # readings[i]: the (syllable count, pinyin) ways of writing word[:i]
    readings: list[list[tuple[int, str]]] = [[(0, "")]] + [[] for _ in word]
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _PAL_LONGEST), end):
            pinyin = _PALLADIUS.get(word[start:end])
            if pinyin:
                readings[end] += [(n + 1, text + pinyin) for n, text in readings[start]][:MAX_READINGS]
    return list(dict.fromkeys(text for _, text in sorted(readings[-1])))[:MAX_READINGS]


def chinese_readings(query: str) -> list[tuple[str, str]]:
    """A Chinese name written in Russian letters (Palladius) read in pinyin: (text, note), at most
    :data:`MAX_READINGS`, the fewest syllables first; none unless a word is a Chinese family name.

    >>> chinese_readings("Си Цзиньпин")[0], chinese_readings("Иван Петров"), chinese_readings("Лі Шанфу")[0][0]
    (('xi jinping', 'Си Цзиньпин as Chinese: xi jinping'), [], 'li shangfu')
    """
    # Ukrainian writes the same syllables with і for и (Сі Цзіньпін)
    words = query_words(query.lower().replace("і", "и"))
    if not 2 <= len(words) <= 4 or not any(w in CHINESE_SURNAMES for w in words):
        return []
    per_word = [_pinyin_words(w) for w in words]
    if not all(per_word):
        return []
    return [(text, f"{query.strip()} as Chinese: {text}") for text in _likeliest(per_word)]


# -- Korean names in Hangul ---------------------------------------------------------------------------------
# A Hangul syllable is arithmetic: U+AC00 + (initial * 21 + vowel) * 28 + final. The lists romanise North
# Korean names by McCune-Reischauer without its marks, a syllable a word (김정은: KIM, Jong Un; 최룡해: CHOE,
# Ryong Hae); the letters other systems give (gim jeong eun) share few keys with that. Second choices:
# the voiced reading inside a name (g, d, b), l for ㄹ, the North's own kh, th, ph for the aspirates
# (THAEPHYONGSAN), and South Korea's spellings of family names.
_H_INITIALS = [("k", "g"), ("kk",), ("n",), ("t", "d"), ("tt",), ("r", "l"), ("m",), ("p", "b"), ("pp",), ("s",),
               ("ss",), ("",), ("j", "ch"), ("jj",), ("ch",), ("k", "kh"), ("t", "th"), ("p", "ph"), ("h",)]
_H_VOWELS = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
             "u", "ui", "i"]
_H_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
             "ng", "t", "t", "k", "t", "p", "h"]
#: family names South Korea (and the press) spells otherwise, the North's spelling first
_H_FAMILY = {"이": ("ri", "lee", "yi"), "리": ("ri", "lee"), "박": ("pak", "park"), "최": ("choe", "choi"),
             "정": ("jong", "jung", "chung"), "신": ("sin", "shin"), "안": ("an", "ahn"), "오": ("o", "oh"),
             "윤": ("yun", "yoon"), "류": ("ryu", "yu", "yoo"), "임": ("im", "lim"), "노": ("no", "roh")}


def _hangul_syllable(ch: str, first: bool) -> tuple[str, ...] | None:
    """A Hangul syllable's romanisations, the lists' first; None for any other character."""
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return None
    if first and ch in _H_FAMILY:
        return _H_FAMILY[ch]
    initial, vowel, final = code // 588, code % 588 // 28, code % 28
    return tuple(i + _H_VOWELS[vowel] + _H_FINALS[final] for i in _H_INITIALS[initial])


def hangul_readings(query: str) -> list[tuple[str, str]]:
    """A Korean name in Hangul read as the lists romanise it, a syllable a word: (text, note), at most
    :data:`MAX_READINGS`, the likeliest first; none unless the query is Hangul syllables (up to 4 words).

    >>> hangul_readings("김정은")[0], hangul_readings("최룡해")[0][0], hangul_readings("Kim Jong Un")
    (('kim jong un', '김정은 as Korean: kim jong un'), 'choe ryong hae', [])
    """
    words = query.split()
    if not 1 <= len(words) <= 4:
        return []
    # the family name: the first syllable of 김정은, or a word of one syllable (김 정은, 유진 박)
    per_syllable = [_hangul_syllable(ch, len(w) == 1 or (n == 0 and k == 0))
                    for n, w in enumerate(words) for k, ch in enumerate(w)]
    if not per_syllable or any(options is None for options in per_syllable):
        return []
    return [(text, f"{query.strip()} as Korean: {text}") for text in _likeliest(per_syllable)]


# -- Russian names in Ukrainian letters --------------------------------------------------------------------
# Ukrainian writes a Russian name its own way: Євген Пригожин, Сергій Шойгу, Олександр Лукашенко. Read by
# the Ukrainian romanisation that is Yevhen Pryhozhyn, Serhii Shoihu; the lists give these people their
# Russian names (PRIGOZHIN, Yevgeniy; SHOYGU, Sergei). The reading gives the query again in Russian
# letters: a given name as its Russian form, і ї є ґ as и и е г (г is Russian g in a Russian name).
#: Ukrainian given names whose Russian form is not a letter-for-letter reading
UKRAINIAN_GIVEN_NAMES = {
    "олександр": "александр", "олексій": "алексей", "сергій": "сергей", "євген": "евгений", "ігор": "игорь",
    "андрій": "андрей", "дмитро": "дмитрий", "микола": "николай", "михайло": "михаил", "юрій": "юрий",
    "віктор": "виктор", "володимир": "владимир", "григорій": "григорий", "петро": "петр", "павло": "павел",
    "іван": "иван", "василь": "василий", "анатолій": "анатолий", "валерій": "валерий", "віталій": "виталий",
    "геннадій": "геннадий", "аркадій": "аркадий", "георгій": "георгий", "костянтин": "константин",
    "кирило": "кирилл", "данило": "даниил", "федір": "федор", "тимофій": "тимофей", "леонід": "леонид",
    "ілля": "илья", "олена": "елена", "наталія": "наталья", "тетяна": "татьяна", "катерина": "екатерина",
    "ірина": "ирина", "марія": "мария", "юлія": "юлия", "світлана": "светлана", "вікторія": "виктория",
    "олег": "олег", "микита": "никита", "яків": "яков", "йосип": "иосиф", "арсеній": "арсений",
}
_UK_LETTERS = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "", "’": "", "ʼ": ""})


def ukrainian_readings(query: str) -> list[tuple[str, str]]:
    """A name in Ukrainian letters given in Russian ones, as the lists romanise Russian names: [(text,
    note)], or [] when the query has no Ukrainian letter (і, ї, є, ґ) and no Ukrainian given name.

    >>> ukrainian_readings("Євген Пригожин")
    [('евгений пригожин', 'Євген Пригожин in Russian letters: евгений пригожин')]
    >>> ukrainian_readings("Олександр Лукашенко")[0][0], ukrainian_readings("Евгений Пригожин")
    ('александр лукашенко', [])
    """
    words = query.strip().lower().split()
    given = [w for w in words if w in UKRAINIAN_GIVEN_NAMES]
    if not given and not set(query.lower()) & set("іїєґ"):
        return []
    text = " ".join(UKRAINIAN_GIVEN_NAMES.get(w, w).translate(_UK_LETTERS) for w in words)
    if text == " ".join(words):
        return []
    return [(text, f"{query.strip()} in Russian letters: {text}")]
