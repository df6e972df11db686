"""Arabic and Persian script in Latin letters, as the sanctions lists spell those names.

Arabic script writes long vowels and leaves short ones out: ماهان is
m-a-h-a-n, Mahan; سليماني is s-l-y-m-a-n-y, Soleimani. ``anyascii`` reads the
long vowels as consonants or drops them (ماهان "mhn", سعيد "s`yd"), so a
query in Arabic letters met none of the keys the lists' Latin names are filed
by. :func:`arabic_to_latin` reads each letter as the lists do:

- alef is a, waw and ya are w and y as consonants and u and i as vowels;
- ayn is an a (Ali, Abbas, Saeed) or, inside a word, nothing (a second reading:
  Masoud), hamza is not written (Khamenei, Usama);
- the article al- is its own word (AL-ASAD) and the name of God one word
  with what comes before it (Abdallah, Nasrallah);
- in Persian text a final he is the vowel e (خامنه‌ای, Khamenei), and the
  Persian letters p, ch, zh, g have their own.

The short vowels the lists add are not guessed here: a token of a name in
these scripts (:class:`kgraph.resolve.normalize.Token` ``abjad``) meets a Latin
word that has its consonants and the vowels it wrote (:func:`reads_as`), and
lookup finds such words by their consonants (:mod:`kgraph.lookup_spelling`).

>>> arabic_to_latin("ماهان"), arabic_to_latin("سعيد"), arabic_to_latin("علي خامنئي")
('mahan', 'said', 'ali khamni')
>>> arabic_to_latin("بشار الأسد"), arabic_to_latin("حسن نصر الله"), arabic_to_latin("عبدالله")
('bshar al asd', 'hsn nsr allah', 'abdallah')
>>> arabic_to_latin("علی خامنه‌ای"), arabic_to_latin("ایران"), arabic_to_latin("پاسداران")
('ali khamnei', 'iran', 'pasdaran')
"""
from __future__ import annotations

import re

__all__ = ["arabic_to_latin", "arabic_readings", "reads_as", "same_consonants", "read_phrases", "ARABIC_LETTERS",
           "is_persian"]

#: Arabic and Persian letters (Hebrew, Syriac and Thaana stay with anyascii)
ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h",
    # Persian and Urdu
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ڤ": "v", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n",
    "ھ": "h", "ہ": "h",
}
# written vowel marks (most texts leave them out) and signs that are no letter
_MARKS = {"\u064e": "a", "\u0650": "i", "\u064f": "u", "\u0670": "a", "\u064b": "", "\u064c": "", "\u064d": "",
          "\u0651": "", "\u0652": "", "\u0640": ""}
_YA = frozenset("يیىےۍ")
_WAW = frozenset("وۇۆ")
_ALEF = frozenset("اأإآٱ")
_HAMZA = frozenset("ءؤئ")
#: letters only Persian (and Urdu) write: their text's final he is a vowel
_PERSIAN = re.compile(r"[پچژگکی\u200c]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ALLAH = "الله"
_AL_DIN = ("الدين", "الدین")
#: words the lists spell as particles ("son of", "daughter of": BIN LADIN), or in English: Persian writes the
#: English airline words as they sound (ماهان ایر, Mahan Air), both say "company" and "airline" in their own
_WORDS = {"بن": "bin", "ابن": "ibn", "إبن": "ibn", "بنت": "bint",
          "ایر": "air", "اير": "air", "ایرلاین": "airline", "ایرلاینز": "airlines", "ایرویز": "airways",
          "هواپیمایی": "airline", "طيران": "airline", "شرکت": "company", "شركة": "company", "بانک": "bank",
          "بنك": "bank"}
#: a name's first part written joined to the article of the next: عبدالرحمن, Abd al-Rahman; ابوالفضل
_JOINED_PREFIXES = {"عبدال": "abd al ", "ابوال": "abu al ", "أبوال": "abu al "}
#: phrases read as one English word, before the words are: the article in them is no name's
_PHRASES = {"الخطوط الجوية": "airlines", "خطوط هوایی": "airlines"}


def is_persian(text: str) -> bool:
    """Whether a text in Arabic script is Persian (or Urdu) by its letters."""
    return bool(_PERSIAN.search(text))


def _part(word: str, persian: bool, ayn: str = "a", final_he: str = "e") -> str:
    """One word (or the part of one between zero-width non-joiners) in Latin letters."""
    out: list[str] = []
    n, i, after_ayn = len(word), 0, False
    while i < n:
        ch = word[i]
        i += 1
        nxt = word[i] if i < n else ""
        # after an ayn's a, a ya or waw is the vowel: Saeed is sa-id
        vowel_before = not after_ayn and (out[-1][-1:] in ("a", "e", "i", "u") if out else True)
        after_ayn = ch == "ع"
        if ch in _CONSONANTS:
            # a final he after a consonant is Persian's e (Khamenei's خامنه); in Arabic, or after a long vowel
            # (سپاه, Sepah), it is h (Abduh)
            out.append(final_he if ch == "ه" and persian and not nxt and out and not vowel_before else _CONSONANTS[ch])
        elif ch in _ALEF:
            if not out and ch == "ا" and nxt in _YA:  # ایران, the ای of خامنه‌ای: the alef carries the ya's vowel
                out.append("i")
                i += 1
            else:
                out.append("i" if ch == "إ" else "a")
        elif ch == "ع":  # the lists write ayn as a vowel or not at all: Ali, Abbas, Saeed, Jafar
            # a last ayn is not written (Shafi, شفيع); one inside a word may be written as any vowel or none
            out.append("" if nxt in _ALEF or not nxt else ayn if out else "a")
        elif ch in _YA:  # a consonant before a vowel (Yusuf, Ayman, Bayan), the vowel i otherwise (Ali, Said)
            out.append("a" if ch == "ى" else "y" if (vowel_before and nxt) or nxt in _ALEF else "i")
        elif ch in _WAW:  # the same: Walid, Zawahiri (Persian Vahid); Mahmud
            # ... but after a ya read as the vowel i, before a consonant, it is u: the plural in -iyun
            # (فاطميون, Fatemiyoun; حوثيون, Houthiyun)
            after_i = out[-1:] == ["i"] and word[i - 2] in _YA and nxt not in _ALEF
            out.append(("v" if persian else "w") if (vowel_before and nxt and not after_i) or nxt in _ALEF else "u")
        elif ch in _HAMZA:
            # a hamza is not written in Latin, or as the vowel of its seat (Raisi, رئیسی)
            out.append("u" if ch == "ؤ" else "")
        elif ch == "ة" or ch == "ۀ":  # ta marbuta: Usama, Mughniya
            out.append("a" if ch == "ة" else "e")
        elif ch in _MARKS:
            out.append(_MARKS[ch])
        else:
            out.append(ch.translate(_DIGITS))
    return "".join(out)


def _word(word: str, persian: bool, contracted: bool = False, ayn: str = "a", final_he: str = "e") -> str:
    if word == _ALLAH:
        return "allah"
    if word in _WORDS:
        return _WORDS[word]
    head = ""
    if word.endswith(_ALLAH) and len(word) > len(_ALLAH) + 1:  # عبدالله, نصرالله: one name, as the lists write it
        word, head = word[: -len(_ALLAH)], "ullah" if contracted else "allah"
    for din in _AL_DIN:  # سراج‌الدین: Sirajuddin
        if contracted and word.endswith(din) and len(word) > len(din) + 1:
            word, head = word[: -len(din)].rstrip("\u200c"), "uddin"
    article = ""
    for prefix, latin in _JOINED_PREFIXES.items():  # عبدالرحمن: Abd al-Rahman, as the lists write it
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            word, article = word[len(prefix):], latin
            break
    else:
        if word.startswith("ال") and len(word) > 3:  # the article: its own word, as in AL-ASAD
            word, article = word[2:], "al "
    latin = "".join(_part(p, persian, ayn, final_he) for p in word.split("\u200c"))
    return article + latin + head


def read_phrases(text: str) -> str:
    """A text with the phrases the lists write as one English word written so (الخطوط الجوية: airlines)."""
    for phrase, english in _PHRASES.items():
        text = text.replace(phrase, english)
    return text


def arabic_to_latin(text: str, contracted: bool = False, ayn: str = "a", final_he: str = "e") -> str:
    """A text in Arabic or Persian letters spelt in Latin letters, word by word; other characters kept.

    ``contracted``: a name ending in al-Din or Allah joined to the word before it, as the lists write many
    Afghan, Pakistani and Persian names (:func:`arabic_readings`); ``ayn``: how an ayn inside a word is
    written; ``final_he``: how a Persian word's last he after a consonant is (e, or the h of سپه, Sepah).
    """
    persian = is_persian(text)
    text = read_phrases(text)
    out: list[str] = []
    for w in text.split():
        if contracted and out and w in _AL_DIN + (_ALLAH,):
            out[-1] += "uddin" if w in _AL_DIN else "ullah"
            continue
        out.append(_word(w, persian, contracted, ayn, final_he) if ARABIC_LETTERS.search(w) else w)
    return " ".join(out)


def arabic_readings(text: str) -> list[str]:
    """The readings of a text in Arabic script: as written; when it has one, with al-Din and Allah joined
    to the name before them, as the lists write Sirajuddin, Hibatullah, Abdullah; and when a word has an
    ayn inside, without it (the lists write مسعود as Masoud, سعيد as Saeed or Said); when a Persian word
    ends in a he after a consonant, with that he as h (mostly the vowel e: خامنه, Khamenei; سپه is Sepah).

    >>> arabic_readings("سراج الدين حقاني"), arabic_readings("ماهان")
    (['sraj al din hqani', 'srajuddin hqani'], ['mahan'])
    >>> arabic_readings("عبدالله"), arabic_readings("مسعود"), arabic_readings("بانک سپه")
    (['abdallah', 'abdullah'], ['msaud', 'msud'], ['bank spe', 'bank sph'])
    """
    forms = [arabic_to_latin(text), arabic_to_latin(text, contracted=True), arabic_to_latin(text, True, ""),
             arabic_to_latin(text, final_he="h")]
    return list(dict.fromkeys(forms))


# the letters a Latin spelling may write for one of the reading's: vowels by their class, and the consonants
# Arabic script has one letter for (p/b, v/w/f: Persian's و is v, Arabic's w; g/j, q/k, c/k, z/s)
_CLASSES = str.maketrans("eiyoupvwgqcz", "iiiuubffjkks")
_VOWEL_CLASSES = frozenset("aiu")
_LONG_VOWEL = re.compile(r"([aiu])\1+")


def reads_as(written: str, latin: str) -> bool:
    """Whether a word read from Arabic script (:func:`arabic_to_latin`) may be the Latin word ``latin``:
    the same consonants, and every vowel letter the script wrote is in the Latin spelling, in its place.
    The script leaves short vowels out, the lists write them; a long vowel it writes is in any spelling of
    the name. A first vowel (an alef, ayn or hamza) is a first vowel, any one (عمر is "amr",
    Omar), and a Latin word that begins with a vowel begins so in the script too. A last a (a ta marbuta)
    may be e (Mughniyeh); an ayn inside a word, which the lists write as any vowel, has a reading without
    it (:func:`arabic_readings`).

    >>> reads_as("hmas", "hamas"), reads_as("hmas", "hamsa"), reads_as("msud", "masoud"), reads_as("mhn", "mahin")
    (True, False, True, True)
    >>> reads_as("mghnia", "mughniyeh"), reads_as("mahan", "mahin"), reads_as("shbka", "shipco")
    (True, False, False)
    >>> reads_as("mahan", "mahn"), reads_as("bshar", "pishro"), reads_as("akbr", "kubura"), reads_as("hsn", "ehsan")
    (False, False, False, False)
    >>> reads_as("amr", "omar"), reads_as("khamni", "khamenei"), reads_as("slimani", "soleimani")
    (True, True, True)
    >>> reads_as("qaani", "ghani"), reads_as("ghsan", "qassan"), reads_as("far", "fafar")
    (True, True, False)
    >>> reads_as("sham", "cham"), reads_as("jmal", "djamal")
    (True, True)
    """
    w, lat = _letters(written), _letters(latin)
    if _consonants(w) != _consonants(lat):
        return False
    w = _LONG_VOWEL.sub(r"\1", w)  # قاآنی's alef and madda are one vowel
    at = 0
    # the script writes a first vowel (an alef, ayn or hamza: Ehsan is إحسان, not حسن), as any vowel
    if (w[:1] in _VOWEL_CLASSES) != (lat[:1] in _VOWEL_CLASSES):
        return False
    if w[:1] in _VOWEL_CLASSES:
        w, at = w[1:], 1
    last = len(w) - 1
    for n, c in enumerate(w):
        # a last a is a ta marbuta or an alef: a or e (Mughniyeh; شبكة is no Shipco, ماهان no Mahin)
        while at < len(lat) and not (lat[at] == c or c == "a" and n == last and lat[at] == "i"):
            at += 1
        if at == len(lat):
            return False
        at += 1
    return True


def same_consonants(written: str, latin: str) -> bool:
    """Whether a word read from Arabic script and a Latin word have the same consonants, as :func:`reads_as`
    compares them (their vowels aside)."""
    return _consonants(_letters(written)) == _consonants(_letters(latin))


def _letters(text: str) -> str:
    # Persian says ق as gh (قاآنی, Ghaani or Qaani; قاسم, Ghasem or Qasem): one consonant, either way written;
    # French writes ش as ch and ج as dj (CHAM WINGS for أجنحة الشام, Djamel for جمال)
    return text.replace("gh", "q").replace("dj", "j").replace("ch", "sh").translate(_CLASSES)


def _consonants(text: str) -> str:
    if text[-1:] == "h" and text[-2:-1] in _VOWEL_CLASSES:  # Mughniyah, Mughniya: a final h is not written
        text = text[:-1]
    # a letter written twice is one consonant (Muhammad, Assad: the script writes it once); two with a vowel
    # between are two (Fa'far is no far)
    return "".join(c for i, c in enumerate(text) if c not in _VOWEL_CLASSES and (i == 0 or c != text[i - 1]))
