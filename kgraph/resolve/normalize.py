"""Name normalisation: one compare form for a name in any script, romanisation or legal form.

The pipeline (:func:`analyze`) turns a raw name into tokens that can be
compared across lists:

1. Unicode NFKC and casefold; quotes, guillemets and apostrophes removed
   (``«Авиакон»`` -> ``авиакон``, ``Qa'ida`` -> ``qaida``); dots inside
   initialisms dropped (``U.S.A.`` -> ``usa``); ``&`` read as ``and``.
2. Transliteration: Russian, Ukrainian and Belarusian Cyrillic with our own
   tables (Ukrainian ``г`` is ``h``, ``и`` is ``y``), Arabic and Persian
   with :mod:`.arabic`'s (alef is a: ماهان is mahan), every other script
   through ``anyascii``; Chinese,
   Japanese and Korean syllables become separate tokens.
3. Company forms mapped to one compare form across languages
   (``ООО``/``OOO``/``ТОВ``/``LLC``/``Limited Liability Company`` -> ``llc``,
   ``АО``/``AO``/``JSC``/``Aktsionernoye obshchestvo`` -> ``jsc``...).
4. Every token gets a class (word, number, legal form, aviation word, particle,
   initial) and a weight: forms and aviation words (``авиакомпания``,
   ``airlines``, ``AK``) are kept but count little; numbers are never dropped.
5. Every token gets a romanisation-insensitive key (:func:`phonetic`), under
   which ``Zitotrans``/``Tsitotrans``, ``Aviacon``/``Aviakon`` and
   ``Sergey``/``Sergei`` meet.

>>> [t.text for t in analyze("АО Авиакомпания «Авиакон Цитотранс»").tokens]
['jsc', 'aviakompaniya', 'aviakon', 'tsitotrans']
>>> phonetic("zitotrans") == phonetic("tsitotrans"), phonetic("aviacon") == phonetic("aviakon")
(True, True)
>>> name_keys("AO Aviakompaniya Aviakon Tsitotrans") == name_keys("Aviacon Zitotrans JSC")
True
"""
from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

from .east_slavic import (PATRONYMIC_ENDS, belarusian_reading, french_reading, german_reading, russian_patronymic,
                          ukrainian_reading)
from .theophoric import servant_names
from .transliteration import CJK_CHARACTERS as _CJK, CYRILLIC_LETTERS as _CYR, transliterate
from .tables import (
    GIVEN_NAME_FORMS as _GIVEN_FORMS,
    AVIATION_CYRILLIC as _AVIATION_CYRILLIC,
    AVIATION_WORDS as _AVIATION,
    CYRILLIC_FORMS as _CYRILLIC_FORMS,
    FORMS as _FORMS,
    FORMS_CYRILLIC as _FORMS_CYRILLIC,
    GENERIC as _GENERIC,
    OTHER_BODY as _OTHER_BODY,
    LEET as _LEET,
    NUMBER_WORDS as _NUMBER_WORDS,
    ORDINAL_SUFFIX as _ORDINAL_SUFFIX,
    ORDINALS as _ORDINALS,
    PARTICLES as _PARTICLES,
    PATRONYMIC as _PATRONYMIC,
    PATRONYMIC_WEIGHT,
    ROMAN as _ROMAN,
    ROMAN_VALUES as _ROMAN_VALUES,
    SAINT_FORMS as _SAINT_FORMS,
    SON_OF as _SON_OF,
    TITLES as _TITLES,
)

__all__ = ["Token", "Name", "WORD", "NUMBER", "FORM", "AVIATION", "PARTICLE", "GENERIC", "OTHER_BODY_KEYS", "fold",
           "skeleton", "ABJAD_SCRIPTS", "transliterate", "phonetic", "tokenize", "analyze", "analyze_all",
           "analyze_syllables", "name_keys"]

# token classes
WORD, NUMBER, FORM, AVIATION, PARTICLE, GENERIC = "word", "number", "form", "aviation", "particle", "generic"

#: how much a token of each class counts in a name comparison
CLASS_WEIGHT = {WORD: 1.0, NUMBER: 1.0, FORM: 0.15, AVIATION: 0.15, PARTICLE: 0.25, GENERIC: 0.5}

# -- cleaning ----------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z\u0430-\u044f])(?=[A-Z\u0410-\u042f][a-z\u0430-\u044f])")
# scripts written without (most) vowels: their tokens are compared on consonants too
ABJAD_SCRIPTS = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\u08a0-\u08ff\u1780-\u17ff\ufb50-\ufdff\ufe70-\ufeff]")
_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u201b\u02bc\u02bb\u0060\u00b4\u2032\u02b9\u02bf\u02be]")
_INITIALISM = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.){2,})(?![^\W\d_])")
_SEP = re.compile(r"[^0-9a-z]+")
# the Persian ezafe as OFAC writes it, "TOSE-E MELLI", "BANK-E SEPAH": a link between words, not a word (read
# as one, the "e" paired with any word in e as an initial: Tose-e Melli was Toseeh Etemad)
_EZAFE = re.compile(r"(?<=[a-z])-y?e(?![\w-])")


def fold(text: str) -> str:
    """NFKC, casefold, apostrophes out, initialisms joined, ``&`` -> ``and``; still in its own script.

    >>> fold("U.S. Dep't of State & Co.")
    'us  dept of state  and  co.'
    >>> fold("FridrichBuchenberg")
    'fridrich buchenberg'
    """
    text = unicodedata.normalize("NFKC", text)
    # "FridrichBuchenberg", "JPMorgan": a case change inside a word starts a new token
    text = _CAMEL.sub(" ", text).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _INITIALISM.sub(lambda m: m.group(1).replace(".", "") + " ", text)
    text = text.replace("&", " and ")
    text = _EZAFE.sub("", text)
    return text.strip()


def _ascii_tokens(text: str) -> list[str]:
    # diacritics off (anyascii already did this for non-Latin scripts)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = anyascii(text).lower()
    return [t for t in _SEP.split(text) if t]


def tokenize(text: str) -> list[list[str]]:
    """Token lists of a name, one per transliteration reading.

    >>> tokenize("«Авиакон-Цитотранс», ООО")
    [['aviakon', 'tsitotrans', 'ooo']]
    >>> tokenize("习近平")
    [['xi', 'jin', 'ping']]
    """
    out = []
    syllables = bool(_CJK.search(text))  # 周俊 is zhou jun, no Frenchman's Zhou Zhun
    for form in transliterate(fold(text)):
        toks = _ascii_tokens(form)
        # Alyaksandr Lukashenka is Aleksandr Lukashenko too, Yevhenii Pryhozhyn Yevgeniy Prigozhin, Michail
        # Chodorkowski Mikhail Khodorkovsky, Sergueï Choïgou Sergei Shoigu (.east_slavic)
        other = belarusian_reading(toks) or ukrainian_reading(toks) or (
            german_reading(toks) or french_reading(toks) if not syllables and _name_like(toks) else None)
        for reading in (toks, other):
            if reading and reading not in out:
                out.append(reading)
    return out


def _name_like(toks: list[str]) -> bool:
    """Whether words may be a person's name: two to four, letters only, none a legal form's, an airline's or a
    generic word (German and French readings are read from letters alone: Moscow ends as Lawrow does)."""
    return 2 <= len(toks) <= 4 and all(t.isalpha() and phonetic(t) not in _PHRASE_FIRST and phonetic(t) not in
                                       _GENERIC_KEYS for t in toks)


# -- romanisation-insensitive key -------------------------------------------

_PHONETIC_RULES = [
    (re.compile(r"tsch"), "C"),  # German for ch (Tschernjak, Chernyak), before its sch
    (re.compile(r"shch|sch|szcz"), "S"),
    (re.compile(r"tch|cz(?=[aeiouy])"), "C"),
    # French dj for ج (Djamel, Madjid), not the end of Muhammad or Ahmad before a name in J of one Persian
    # given name in two (Mohammadjavad, Mohamadjafar, Ahmadjon: Mohammad Javad, as other lists write it)
    (re.compile(r"dzh|dsch|(?<!mma)(?<!mme)(?<!hma)(?<!hama)dj"), "J"),
    (re.compile(r"zh"), "J"),
    (re.compile(r"sh|sz"), "S"),
    (re.compile(r"ch"), "C"),
    (re.compile(r"kh|gh(?=[aeiouy])"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ts|tz|z"), "s"),
    # Russian writes the German -sburg without its s (Петербург, Оренбург): Peterburg is Petersburg
    (re.compile(r"sburg"), "burg"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"(.)\1+"), r"\1"),
    # a final h after a vowel is not written in Russian (Хезболла, Абдулла) nor by every list (Sarah, Sara)
    (re.compile(r"(?<=[aeiou])h$"), ""),
    (re.compile(r"^ie(?=.)"), "e"),
]


@functools.lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """A romanisation-insensitive key of one ASCII token (ts/c/z, kh/h, y/i/j, e/ye, ya/ia, ei/ey...).

    >>> [phonetic(t) for t in ("zitotrans", "tsitotrans", "citotrans")]
    ['sitotrans', 'sitotrans', 'sitotrans']
    >>> phonetic("yevgeniy") == phonetic("evgenii"), phonetic("khodorkovsky") == phonetic("hodorkovskiy")
    (True, True)
    """
    if token.isdigit():
        return token
    k = token
    for pattern, rep in _PHONETIC_RULES:
        k = pattern.sub(rep, k)
    return k


# -- company forms, aviation words, particles (word lists in .tables) --------



def _phrase_table(spellings: dict[str, list[str]] | list[str], value=None) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    items = spellings.items() if isinstance(spellings, dict) else [(value, spellings)]
    for compare, forms in items:
        for form in forms:
            for latin in transliterate(form):
                out[tuple(phonetic(t) for t in _SEP.split(latin) if t)] = compare
    return out


_FORM_PHRASES = {**_phrase_table(_FORMS_CYRILLIC), **_phrase_table(_FORMS)}
_AVIATION_PHRASES = {**_phrase_table(_AVIATION_CYRILLIC, "aviation"), **_phrase_table(_AVIATION, "aviation")}
_MAX_PHRASE = max(len(k) for k in list(_FORM_PHRASES) + list(_AVIATION_PHRASES))
# first keys of every phrase: most tokens start none, and skip the phrase search
_PHRASE_FIRST = {k[0] for k in list(_FORM_PHRASES) + list(_AVIATION_PHRASES)}
_GENERIC_KEYS = {phonetic(t) for t in _GENERIC}
#: keys of the generic words that, added to an organisation's name, name another body
OTHER_BODY_KEYS = frozenset(phonetic(t) for t in _OTHER_BODY)


def _roman(token: str) -> int | None:
    if token in ("i", "v", "x", "l", "c", "d") or not _ROMAN.match(token):
        # single letters are initials more often than numerals
        return None if token != "ii" else 2
    total, prev = 0, 0
    for ch in reversed(token):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


_VOWELS = re.compile(r"[aeiouwy]+")
_SKELETON = str.maketrans("pvgqcz", "bfjkks")


def skeleton(text: str) -> str:
    """Consonants only, with the letters Arabic script lacks merged (p/b, v/f): how an abjad spells a word.

    >>> skeleton("fernando"), skeleton("perez"), skeleton("frnandw"), skeleton("byryz")
    ('frnnd', 'brs', 'frnnd', 'brs')
    """
    return _VOWELS.sub("", text).translate(_SKELETON)


class Token:
    """One token of a name: text (ASCII), key (romanisation-insensitive), class and weight.

    ``abjad`` marks a token transliterated from a script that writes few
    vowels (Arabic, Hebrew, Khmer...): it is compared on consonants.
    ``syllable`` marks one read from Chinese, Japanese or Korean characters: it
    meets no word of another length but its own (成 cheng is neither Chen nor
    the first syllable of Chengyu); of one length, another romanisation may be
    it (张 zhang, CHANG). ``initials`` marks words read as the initials they
    begin with, to meet an acronym (People's Liberation Army: PLA). ``servant`` marks an Arabic "servant
    of" name written as one word (``abdrahman``, :mod:`.theophoric`).
    """

    __slots__ = ("text", "key", "kind", "weight", "abjad", "patronymic", "syllable", "family", "initials", "servant")

    def __init__(self, text: str, kind: str = WORD, key: str | None = None, weight: float | None = None):
        self.text = text
        self.key = key if key is not None else phonetic(text)
        self.kind = kind
        self.weight = CLASS_WEIGHT[kind] if weight is None else weight
        self.abjad = False
        self.patronymic = False
        self.syllable = False
        self.family = False
        self.initials = False
        self.servant = False

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.kind})"


class Name:
    """A name analysed for comparison: its tokens, and shortcuts used by the scorer.

    ``words`` are the tokens compared (words, numbers, particles, generic and
    aviation words, the last two with low weights); ``forms`` the compare forms of legal forms; ``joined`` the keys of
    the words run together (so ``SiemensAG`` and ``Siemens AG`` meet);
    ``compounds`` and ``acronyms`` map what adjacent words spell together
    (``good``+``will``, ``u``+``s``) to their positions.
    """

    __slots__ = ("raw", "tokens", "words", "forms", "numbers", "joined", "keys", "aviation", "syllabic",
                 "compounds", "acronyms", "short", "sonof")

    def __init__(self, raw: str, tokens: list[Token], syllabic: str | None = None):
        self.raw = raw
        #: the name in its own characters when written in Chinese/Japanese/Korean (compared as such)
        self.syllabic = syllabic
        self.tokens = tokens
        self.words = words = [t for t in tokens if t.kind in (WORD, NUMBER, PARTICLE, GENERIC, AVIATION)]
        self.forms = [t.text for t in tokens if t.kind == FORM]
        self.numbers = frozenset(t.text for t in tokens if t.kind == NUMBER)
        self.joined = "".join(t.key for t in words if t.kind not in (PARTICLE, AVIATION))
        self.keys = frozenset(t.key for t in words if t.kind not in (PARTICLE, AVIATION))
        self.aviation = any(t.kind == AVIATION for t in tokens)
        #: has a "son of" particle (bin, ibn, ben, ould): order around it matters
        self.sonof = any(t.text in _SON_OF for t in words)
        self.short = frozenset(t.text for t in words if t.kind == WORD and 2 <= len(t.text) <= 5)
        compounds: dict[str, int] = {}
        acronyms: dict[str, tuple[int, int]] = {}
        n = len(words)
        for i in range(n - 1):
            wi = words[i]
            # two words that spell one (Good Will, Goodwill; the kunya Abu Bakar, Abubakar); two short ones spell
            # too many: AH LI (an alias of LI, Cheng Yu) met Ali, and David Ali scored 0.81 on it
            if (wi.kind == WORD or wi.text in ("abu", "abou")) and words[i + 1].kind == WORD \
                    and len(wi.text) + len(words[i + 1].text) >= 5:
                k = words[i + 1].key  # a kunya's letter they meet at once, as a key writes a doubled one: Abuusamah
                compounds.setdefault(wi.key + (k[1:] if wi.kind == PARTICLE and wi.key[-1:] == k[:1] else k), i)
            if wi.kind != WORD:
                continue
            initials = wi.text[0]
            for j in range(i + 1, min(i + 5, n)):
                wj = words[j]
                if wj.kind == PARTICLE:
                    continue
                if wj.kind != WORD:
                    break
                initials += wj.text[0]
                acronyms.setdefault(initials, (i, j - i + 1))
        self.compounds, self.acronyms = compounds, acronyms

    def __repr__(self) -> str:
        return f"Name({self.raw!r}, {[t.text for t in self.tokens]})"


def _classify(toks: list[str], cyrillic: bool, syllabic: bool = False, forms: bool = True, inverted: bool = False
              ) -> list[Token]:
    if not syllabic:  # Mohd, Mykola (.tables); Md. Ali, RAHMAN, Md. Mizanur: Muhammad (John Smith MD: a doctor)
        toks = ["muhammad" if t == "md" and (i == 0 or inverted) and i < len(toks) - 1 else
                _GIVEN_FORMS.get(t) or (russian_patronymic(t) if t.endswith(PATRONYMIC_ENDS) else t)
                for i, t in enumerate(toks)]
    toks, servants = (toks, frozenset()) if syllabic else servant_names(toks, inverted)
    keys = [phonetic(t) for t in toks]
    out: list[Token] = []
    i = 0
    n = len(toks)
    for j in range(n - 1):
        if toks[j] in _SAINT_FORMS:
            keys[j] = "saint"
    while i < n:
        matched = False
        # Chinese/Korean syllables ("zao", "ao") are never company forms
        for size in range(0 if syllabic or not forms or keys[i] not in _PHRASE_FIRST else min(_MAX_PHRASE, n - i),
                          0, -1):
            phrase = tuple(keys[i : i + size])
            form = _FORM_PHRASES.get(phrase)
            if form is not None and not (size == 1 and n == 1):
                out.append(Token(form, FORM, key=form))
                i += size
                matched = True
                break
            if phrase in _AVIATION_PHRASES and not (size == 1 and n == 1):
                text = "_".join(toks[i : i + size])
                out.append(Token(text, AVIATION))
                i += size
                matched = True
                break
        if matched:
            continue
        t = toks[i]
        i += 1
        if cyrillic and forms and t in _CYRILLIC_FORMS and n > 1:
            out.append(Token(_CYRILLIC_FORMS[t], FORM, key=_CYRILLIC_FORMS[t]))
            continue
        if t.isdigit():
            t = t.lstrip("0") or "0"
            out.append(Token(t, NUMBER, key=t))
            continue
        m = _ORDINAL_SUFFIX.match(t)
        if m or t in _ORDINALS:
            v = m.group(1) if m else _ORDINALS[t]
            out.append(Token(v, NUMBER, key=v))
            continue
        if t in _NUMBER_WORDS:
            v = _NUMBER_WORDS[t]
            # "forty four" -> 44
            if out and out[-1].kind == NUMBER and out[-1].text.endswith("0") and v < 10 and out[-1].text != "0":
                prev = out.pop()
                v = int(prev.text) + v
            out.append(Token(str(v), NUMBER, key=str(v)))
            continue
        # Roman numerals only after two tokens ("Fund IV", not Chinese "Xi" or a first name "Liv")
        r = _roman(t) if i >= 3 else None
        if r is not None:
            out.append(Token(str(r), NUMBER, key=str(r)))
            continue
        if t in _PARTICLES or (t in _TITLES and n > 1):
            out.append(Token(t, PARTICLE))
            continue
        k = keys[i - 1]
        if k in _GENERIC_KEYS:
            out.append(Token(t, GENERIC, key=k))
            continue
        if not t.isalpha():
            letters = sum(c.isalpha() for c in t)
            if letters >= 3 and len(t) - letters == 1 and t[0].isalpha():
                # one digit standing in for a letter ("Sech1n", "Ig0r"): read it as the letter
                t = t.translate(_LEET)
                out.append(Token(t, WORD))
                continue
            # mixed tokens (2007ahl1, 737-8AS): the digits make them identifying
            out.append(Token(t, NUMBER, key=t))
            continue
        out.append(Token(t, WORD, key=k))
    sonof = [i for i, tok in enumerate(out) if tok.text in _SON_OF]
    for i, tok in enumerate(out):
        if tok.kind != WORD:
            continue
        tok.servant = tok.text in servants
        if len(tok.text) == 1:
            # a single-letter word is an initial: it counts less
            tok.weight = 0.5
        elif _PATRONYMIC.search(tok.text) or i - 1 in sonof and sonof[-1] > i:
            # "Nikolayevich" is shared by thousands: half a name; so is a father's name in a chain of "son of"
            # (Usama bin Muhammad bin Awad BIN LADIN: Muhammad and Awad, not Ladin)
            tok.weight = PATRONYMIC_WEIGHT
            tok.patronymic = True
    return out


@functools.lru_cache(maxsize=100_000)
def analyze_all(text: str) -> tuple[Name, ...]:
    """Every reading of a name: one, or a name in Arabic script's readings (:func:`.transliteration.transliterate`)."""
    return _analyze(text, True)


@functools.lru_cache(maxsize=1_000)
def analyze_syllables(text: str, characters: str) -> tuple[Name, ...]:
    """A romanisation ``text`` of a name written in Chinese or Korean ``characters`` (a lookup's reading of
    김정은 as "kim jong un"), analysed as the characters are: each word a syllable (:class:`Token`), the
    name's ``syllabic`` its characters.

    >>> n = analyze_syllables("kim jong un", "김정은")[0]
    >>> n.syllabic, [t.syllable for t in n.words]
    ('김정은', [True, True, True])
    """
    out = []
    for name in _analyze(text, False):
        for t in name.tokens:  # new tokens: _analyze is not cached
            t.syllable = True
            if t.kind in (PARTICLE, GENERIC, AVIATION):  # 빈 is the syllable bin, not Arabic's "son of"
                t.kind, t.weight = WORD, CLASS_WEIGHT[WORD]
        out.append(Name(text, name.tokens, characters))
    return tuple(out)


def _analyze(text: str, forms: bool) -> tuple[Name, ...]:
    cyrillic = bool(_CYR.search(text))
    abjad = bool(ABJAD_SCRIPTS.search(text))
    syllabic = None
    if _CJK.search(text):
        syllabic = "".join(_CJK.findall(text))
    out = []
    for toks in tokenize(text):
        tokens = _classify(toks, cyrillic, syllabic is not None, forms, "," in text)
        for t in tokens:
            t.abjad = abjad
            t.syllable = syllabic is not None
        out.append(Name(text, tokens, syllabic))
    return tuple(out)


def analyze(text: str) -> Name:
    """The first (main) reading of a name.

    >>> n = analyze("OOO Aviakon")
    >>> n.forms, [t.text for t in n.words]
    (['llc'], ['aviakon'])
    """
    names = analyze_all(text)
    return names[0] if names else Name(text, [])


def name_keys(text: str, *, cached: bool = True, person: bool = False) -> list[str]:
    """Index keys of a name: the romanisation-insensitive keys of its identifying tokens,
    plus the joined form (for word joining/splitting). Legal forms and aviation
    words give no key; numbers do. ``cached=False`` analyses the name without
    filing it in :func:`analyze_all`'s cache, for a caller that keeps its own;
    ``person``: a person's name, none of whose words is a legal form (uncached).

    >>> name_keys("Aviacon Zitotrans JSC"), name_keys("OO, Ko Ko"), name_keys("OO, Ko Ko", person=True)
    (['n:aviakon', 'n:sitotrans', 'j:aviakonsitotrans'], [], ['n:o', 'n:ko', 'j:okoko'])
    """
    out: list[str] = []
    for name in (_analyze(text, False) if person else analyze_all(text) if cached else analyze_all.__wrapped__(text)):
        for t in name.words:
            if t.kind in (PARTICLE, AVIATION):
                continue
            k = "n:" + t.key
            if k not in out:
                out.append(k)
        for k, i in name.compounds.items():  # the kunya Abu Bakar as one word (Abubakar), as compounds read it
            if name.words[i].kind == PARTICLE and "n:" + k not in out:
                out.append("n:" + k)
        if name.joined and len(name.words) > 1:
            k = "j:" + name.joined
            if k not in out:
                out.append(k)
    return out
