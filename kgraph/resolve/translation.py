"""Words the lists translate: a body's name in Arabic, Persian, Russian or Ukrainian read in English (in Chinese,
Japanese and Korean: :mod:`.translation_cjk`).

The lists write most names of banks, ministries, state corporations, airlines
and armed bodies in English: المصرف التجاري السوري is COMMERCIAL BANK OF SYRIA,
Объединенная авиастроительная корпорация is UNITED AIRCRAFT CORPORATION,
Главное разведывательное управление MAIN INTELLIGENCE DIRECTORATE. Read as
they sound ("al msrf al tjari al suri", "obedinennaya aviastroitelnaya
korporatsiya") such names share no word with the listed one.
:func:`translated_readings` reads the words such names are made of in English
(:func:`arabic_english`, :func:`cyrillic_english`) and the others as they
sound. Only lookup reads a query so, and never for a person: "al-Suri" (the
Syrian) and Главный are names too.

>>> translated_readings("المصرف التجاري السوري")[0]
('bank commercial syrian', 'المصرف as bank, التجاري as commercial, السوري as syrian')
>>> translated_readings("Объединенная авиастроительная корпорация")[0]
('united aircraft corporation', 'Объединенная as united, авиастроительная as aircraft, корпорация as corporation')
>>> translated_readings("Российские железные дороги")[0][0], translated_readings("ماهان")
('russian railways', [])

A people's word or a particle alone makes no reading: أبو مصعب السوري is a man (Abu Musab al-Suri), محمد و
علي two (Muhammad and Ali).

>>> translated_readings("أبو مصعب السوري"), translated_readings("محمد و علي")
([], [])
"""
from __future__ import annotations

import re

from .arabic import _MARKS, ARABIC_LETTERS, arabic_readings, arabic_to_latin, read_phrases
from .normalize import tokenize
from .readings import likeliest_choices, query_words
from .translation_cjk import CJK_BESIDE_WORDS, CJK_SCRIPT, cjk_parts

__all__ = ["arabic_english", "cyrillic_english", "translated_readings", "BESIDE_ONLY_WORDS"]

#: words of bodies' names that the lists translate, not spell as they sound: المصرف التجاري السوري is
#: COMMERCIAL BANK OF SYRIA, شركة النفط الوطنية الإيرانية NATIONAL IRANIAN OIL COMPANY, سپاه پاسداران
#: انقلاب اسلامی ISLAMIC REVOLUTIONARY GUARD CORPS. "Arabic and Persian spellings: English words, most
#: likely first", one line each. A people's adjective (nisba) is read as the adjective and as its country:
#: the lists write both (SYRIAN ARAB AIRLINES, COMMERCIAL BANK OF SYRIA). Feminine and Persian ezafe endings
#: and the article are taken off before a word is looked up here (:func:`arabic_english`).
_ARABIC_TABLE = """
مصرف بنك بانك: bank
تجاري بازرگاني: commercial|trading
تجارت تجاره: trading|trade
مركزي: central
عقاري: real estate
زراعي: agricultural
صناعي: industrial
صناعات صنايع: industries
وطني ملي: national
دولي: international
شعبي: popular
تعاوني: cooperative
اسلامي: islamic
عربي: arab
جمهوري: republic
شرك شركت: company
اجنح: wings
جناح: wing
مؤسس: foundation|establishment|corporation
بنياد: foundation
مجموع: group
قابض: holding
طيران هواپيمايي: airlines|aviation
جوي هوايي: air
خطوط: lines
ملاح كشتيراني: shipping|navigation
شحن: shipping
بحري: maritime
نقل: transport
نفط نفت: oil|petroleum
ناقلات: tankers|tanker
نفتكش: tanker|tankers
بترول: petroleum
پتروشيمي: petrochemical
غاز گاز: gas
انرژي: energy
اتمي: atomic
هسته‌اي: nuclear
موشكي: missile
هوافضا: aerospace
وزار وزارت: ministry
دفاع: defense|defence
داخلي: interior
خارجي: foreign
مالي: finance|mali
اقتصاد: economy
جيش ارتش: army
قوات: forces
قو نيرو: force
نيروها: forces
مسلح: armed
پشتيباني: logistics|support
حرس پاسدار: guard
پاسداران: guards
سپاه: corps
ثوري انقلابي: revolutionary
ثور انقلاب: revolution
امن امنيت: security
مخابرات استخبارات اطلاعات: intelligence
شرط پليس: police
حزب: party
حرك: movement
جبه: front
تحرير: liberation
لواء: brigade
لشكر: division|army
كتائب: brigades
مقاوم: resistance
جمعي: association|society
خيري: charitable|charity
هلال: crescent
احمر: red
اغاث: relief
اتحاد: union
مجلس: council
هيئ: commission|authority
منظم سازمان: organization
مكتب: office
مركز: center
ستاد: headquarters
استثمار: investment
تطوير تنمي توسع: development
صراف: exchange
خدمات: services
مهندسي: engineering
صادرات: exports
دول دولت: state
حكوم: government
عام: general
امارات: emirates
متحد: united
"""
#: peoples and countries, read in English only beside a word of the table above: alone they are a person's
#: name as often (أبو مصعب السوري is Abu Musab al-Suri, no Syrian body)
_ARABIC_PLACES_TABLE = """
سوري: syrian|syria
سوريا: syria
ايراني: iranian|iran
عراقي: iraqi|iraq
عراق: iraq
لبناني: lebanese|lebanon
لبنان: lebanon
يمني: yemeni|yemen
يمن: yemen
ليبي: libyan|libya
ليبيا: libya
روسي: russian|russia
روسيا: russia
سوداني: sudanese|sudan
سودان: sudan
مصري: egyptian|egypt
فلسطيني: palestinian|palestine
فلسطين: palestine
كوري: korean|korea
صيني: chinese|china
صين: china
تركي: turkish|turkey
افغاني: afghan|afghanistan
افغانستان: afghanistan
سعودي: saudi
"""
#: words between the others, read in English beside a word of the body table only, as the peoples are
_ARABIC_PARTICLES_TABLE = """
و: and
في: in
"""
# one spelling of the letters each script or hand writes differently, without marks, tatweel and the
# Persian joiner; ta marbuta as he, which a feminine ending may be written with
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ۀ": "ه",
                       "\u200c": None, **{m: None for m in _MARKS}})


def _table(text: str, fold=_FOLD) -> dict[str, tuple[str, ...]]:
    """"spellings: English words" lines -> {folded spelling: English words}."""
    return {spelling.translate(fold): tuple(english.strip().split("|"))
            for line in text.strip().splitlines() for spellings, english in [line.split(":")]
            for spelling in spellings.split()}


_ARABIC = _table(_ARABIC_TABLE)
_ARABIC_BESIDE = {**_table(_ARABIC_PLACES_TABLE), **_table(_ARABIC_PARTICLES_TABLE)}
# the article, alone or after a preposition or "and": للطيران is li-l-tayaran, "for aviation"
_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")
_PREFIXES = frozenset("لوب")


def arabic_english(word: str) -> tuple[str, ...] | None:
    """The English words the lists write for a word of a body's name in Arabic script (most likely first),
    or None: the word as written, without its article, without a feminine ending (ة), a Persian ezafe (ی)
    or both.

    >>> arabic_english("السورية"), arabic_english("للطيران"), arabic_english("نیروی"), arabic_english("ماهان")
    (('syrian', 'syria'), ('airlines', 'aviation'), ('force',), None)
    >>> arabic_english("لتحرير"), arabic_english("لبنان"), arabic_english("في")
    (('liberation',), ('lebanon',), ('in',))
    """
    w = word.translate(_FOLD)
    forms = [w]
    for article in _ARTICLES:
        if w.startswith(article) and len(w) > len(article) + 1:
            forms.append(w[len(article):])
            break
    else:  # "for", "and", "with" joined to a word without its article: لتحرير, for liberation
        if w[:1] in _PREFIXES and len(w) > 3:
            forms.append(w[1:])
    for f in list(forms):
        for ending in ("ه", "ي", "يه"):
            if f.endswith(ending) and len(f) >= len(ending) + 2:
                forms.append(f[: -len(ending)])
    return next((_ARABIC.get(f) or _ARABIC_BESIDE[f] for f in forms if f in _ARABIC or f in _ARABIC_BESIDE), None)


#: Russian and Ukrainian stems of the words of bodies' names the lists translate: "stems: English words, most
#: likely first". A word is a stem and an ending of case, number or gender (:data:`_ENDING`): министерства,
#: министерству and міністерство are all the ministry.
_CYRILLIC_TABLE = """
объединенн обєднан: united
авиастроительн авіабудівн: aircraft
двигателестроительн двигунобудівн: engine
судостроительн суднобудівн: shipbuilding
корпораци корпораці: corporation
госкорпораци держкорпораці: state corporation
министерств міністерств: ministry
оборон: defense|defence
федераци федераці: federation
федеральн: federal
служб: service
безопасност безпек: security
главн головн: main
разведывательн розвідувальн: intelligence
разведк розвідк: intelligence
управлени управлінн: directorate
внешн зовнішн: foreign
государственн державн: state
национальн національн: national
гварди гварді: guard
войск військ: troops
вооруженн збройн: armed
сил: forces
генеральн: general
штаб: staff
следственн слідч: investigative
комитет комітет: committee
фонд: fund
прям: direct
инвестици інвестиці: investment|investments
вертолет гелікоптер: helicopters|helicopter
морск морськ: maritime|naval
флот: fleet
торгов: trade|trading
промышленн промислов: industrial
научн науков: scientific
исследовательск дослідн: research
центр: center|centre
союз: union
народн: peoples
республик республік: republic
энергетическ енергетичн: energy
атомн: atomic|nuclear
ядерн: nuclear
космическ космічн: space
агентств: agency
авиаци авіаці: aviation
строительн будівельн: construction
технологи технологі: technologies|technology
систем: systems
тактическ тактичн: tactical
ракетн: missiles|missile
вооружени озброєнн: armament|weapons
финанс фінанс: finance
центральн: central
благосостояни добробут: wealth|welfare
энерги енергі: energy
приборостроительн приладобудівн: instrument
воздушн повітрян: air
расчетн розрахунков: settlement
депозитари депозитарі: depository
бирж бірж: exchange
"""
#: peoples and countries, read in English only beside a word of the table above (Российский alone is a name)
_CYRILLIC_PLACES_TABLE = """
российск російськ русск: russian|russia
росси росі: russia
"""
#: abbreviations read as a whole word: ГК «Ростех» is STATE CORPORATION ROSTEC
_CYRILLIC_ABBREVIATIONS = {"гк": ("state corporation",)}
#: two words the lists write as one: железные дороги, railways
_CYRILLIC_PHRASES = {("железн", "дорог"): ("railways",)}
_CYRILLIC_FOLD = str.maketrans({"ё": "е", "'": None, "’": None, "ʼ": None})
_CYRILLIC = _table(_CYRILLIC_TABLE, _CYRILLIC_FOLD)
_CYRILLIC_BESIDE = _table(_CYRILLIC_PLACES_TABLE, _CYRILLIC_FOLD)
# what may follow a stem: an ending of case, number or gender, Russian (-ого, -ыми, -ий) or Ukrainian (-ів, -ою)
_ENDING = re.compile(r"[аяоеыиуюйхмгвьіїє]{0,3}")
_CYRILLIC_WORD = re.compile(r"[а-яёіїєґ'’ʼ]+")
#: the English words of the tables of peoples, countries and particles: no reading is made for them alone
BESIDE_ONLY_WORDS = frozenset(e for table in (_ARABIC_BESIDE, _CYRILLIC_BESIDE) for english in table.values()
                              for e in english) | CJK_BESIDE_WORDS


def _stem_of(word: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The longest stem of ``table`` that ``word`` (folded) is, with an ending."""
    for n in range(len(word), 2, -1):
        if word[:n] in table and _ENDING.fullmatch(word, n):
            return word[:n]
    return None


def cyrillic_english(word: str) -> tuple[str, ...] | None:
    """The English words the lists write for a word of a body's name in Russian or Ukrainian letters (most
    likely first), or None.

    >>> cyrillic_english("Министерства"), cyrillic_english("Об'єднана"), cyrillic_english("Шойгу")
    (('ministry',), ('united',), None)
    """
    w = word.lower().translate(_CYRILLIC_FOLD)
    if w in _CYRILLIC_ABBREVIATIONS:
        return _CYRILLIC_ABBREVIATIONS[w]
    for table in (_CYRILLIC, _CYRILLIC_BESIDE):
        stem = _stem_of(w, table)
        if stem is not None:
            return table[stem]
    return None


def _cyrillic_phrase(words: list[str]) -> tuple[str, ...] | None:
    """The English of two words the lists write as one, or None."""
    folded = [w.lower().translate(_CYRILLIC_FOLD) for w in words]
    for stems, english in _CYRILLIC_PHRASES.items():
        if len(folded) == len(stems) and all(w.startswith(s) and _ENDING.fullmatch(w, len(s))
                                             for w, s in zip(folded, stems)):
            return english
    return None


def _cyrillic_parts(query: str) -> list[list[tuple[str, str | None]]]:
    words = query_words(query)
    parts: list[list[tuple[str, str | None]]] = []
    i = 0
    while i < len(words):
        word = words[i]
        phrase = _cyrillic_phrase(words[i:i + 2])
        if phrase:
            parts.append([(e, f"{word} {words[i + 1]} as {e}") for e in phrase])
            i += 2
            continue
        english = cyrillic_english(word) if _CYRILLIC_WORD.fullmatch(word.lower()) else None
        if english:
            parts.append([(e, f"{word} as {e}") for e in english])
        else:  # as it sounds
            latin = " ".join(t for tokens in tokenize(word)[:1] for t in tokens)
            if latin:
                parts.append([(latin, None)])
        i += 1
    return parts


def _arabic_parts(query: str) -> list[list[tuple[str, str | None]]]:
    # the other words stay in the script: read as a query in it is (its vowels as the script writes them,
    # al-Din and Allah joined to the word before), "qds" is QODS, compared as Latin letters it is not
    return [[(e, f"{word} as {e}") for e in english] if english else [(word, None)]
            for word in read_phrases(query).split() for english in [arabic_english(word)]]


def translated_readings(query: str) -> list[tuple[str, str]]:
    """A query in Arabic, Persian, Russian, Ukrainian, Chinese, Japanese or Korean letters with the words the
    lists translate read in English, the others as they sound: [(text, note)], the likeliest first, at most
    :data:`kgraph.resolve.readings.MAX_READINGS`; [] when no word of a body's name translates."""
    if ARABIC_LETTERS.search(query):
        parts, plain = _arabic_parts(query), arabic_readings(query)
        latin = arabic_to_latin
    elif _CYRILLIC_WORD.search(query.lower()):
        parts, plain, latin = _cyrillic_parts(query), [], str
    elif CJK_SCRIPT.search(query):  # Chinese, Japanese, Korean: :mod:`.translation_cjk`
        parts, plain, latin = cjk_parts(query), [], str
    else:
        return []
    if not any(note and text not in BESIDE_ONLY_WORDS for part in parts for text, note in part):
        return []  # a people's or a country's word alone: أبو مصعب السوري is a man, Abu Musab al-Suri
    out = []
    for chosen in likeliest_choices(parts):
        text = " ".join(text for text, _ in chosen)
        if latin(text) not in plain:  # a word the reading as it sounds writes in English already (شركة: company)
            out.append((text, ", ".join(note for _, note in chosen if note)))
    return out
