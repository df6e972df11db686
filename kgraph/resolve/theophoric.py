"""Arabic "servant of" names (Abd al-Rahman, Abdul Rahman, Abdulrahman, Abdurrahman) read one way.

``Abd`` ("servant of") with one of God's names, or a few other words, makes one given name, and
every list and paper writes it otherwise: ``Abd al-Rahman``, ``Abdul Rahman``, ``Abdel Rahman``,
``Abdulrahman``, ``Abdurrahman`` (the article takes the sound of a "sun letter": ar-Rahman,
as-Salam), ``Abdallah``, ``Abdullah``, ``Abd Allah``, ``Абдулла``. Read as they are written, one
list's spelling met another's as an unknown word (``abdul`` against the particles ``abd al``) or
a word of another length (``abdulrahman`` against ``abd``, ``rahman``): of the 230 listed Abd names of
the corpus graph written the other ways (``bench/eval_lookup.py``), 242 of 1,024 spellings did not find
their person or body first.

:func:`servant_names` writes each as one word, ``abd`` and the name it is made with
(``abdrahman``), so that every spelling gives the same word. Such words are compared by the name
they are made with, and only with each other: Abd al-Hamid is not Abd al-Ghani (two long words
sharing a prefix), and Hassan is not Abd al-Hassan (read as particles, passed over when the other
name lacked them, ``abd al`` made FIROUZABADI, Hassan meet FIROUZABADI, Abd al-Hassan at 1.0). Only a name of :data:`SERVANT_OF` is
read so: ``Abdulkadyrov``, ``Abdullayev`` and ``Abdali`` (a tribe; Ali is left out, Abd al-Ali is
rare) stay as they are.

>>> def words(*toks): return servant_names(list(toks))[0]
>>> words("abdulrahman", "yasin"), words("abd", "al", "rahman", "yasin"), words("abdurrahman")
(['abdrahman', 'yasin'], ['abdrahman', 'yasin'], ['abdrahman'])
>>> words("abdel", "kader"), words("abdullah", "azzam"), words("abd", "allah"), words("abd", "alrhmn")
(['abdkader'], ['abdallah', 'azzam'], ['abdallah'], ['abdrhmn'])
>>> words("abdulkadyrov"), words("abdullayev", "rustam"), words("abdul", "jashari"), words("abdollahi")
(['abdulkadyrov'], ['abdullayev', 'rustam'], ['abdul', 'jashari'], ['abdollahi'])
>>> words("abdul", "aziz"), words("abdulaziz"), words("abdul", "ilah"), words("abdelilah"), words("abd", "al", "amir")
(['abdaziz'], ['abdaziz'], ['abdilah'], ['abdilah'], ['abdamir'])
>>> words("rahman", "yasin", "abdul"), servant_names(["rahman", "yasin", "abdul"], inverted=True)[0]
(['rahman', 'yasin', 'abdul'], ['abdrahman', 'yasin'])
>>> servant_names(["karimi", "ali", "abdul"], inverted=True)[0], words("abdul", "karimi"), words("abdul", "hadi")
(['karimi', 'ali', 'abdul'], ['abdul', 'karimi'], ['abdhadi'])
>>> words("adbul", "rahman"), words("abudl", "salam"), words("adb", "al", "hamid"), words("abu", "salam"), words("abid", "hamid")
(['abdrahman'], ['abdsalam'], ['abdhamid'], ['abu', 'salam'], ['abid', 'hamid'])
>>> words("abdi", "abd", "al", "wahab"), words("abdolreza"), words("abdulvahap")
(['abdi', 'abdwahab'], ['abdreza'], ['abdvahap'])
>>> words("abdoulkhakim"), words("abdoul", "karim"), words("abdourahmane"), words("abdou", "diouf")
(['abdkhakim'], ['abdkarim'], ['abdrahmane'], ['abdou', 'diouf'])
>>> servant_names(["hassan", "abdolhassan"])
(['hassan', 'abdhassan'], frozenset({'abdhassan'}))
>>> words("abuabdullah"), words("abuabdul", "aziz"), words("abouabdelkader"), words("abuabd")
(['abu', 'abdallah'], ['abu', 'abdaziz'], ['abou', 'abdkader'], ['abuabd'])
"""
from __future__ import annotations

import functools
import re

__all__ = ["servant_names", "servant_apart", "SERVANT_OF"]

#: what an Abd name is made with: God's names (one spelling each: the others meet it by their
#: consonants, see :func:`_key`), and the Prophet's and the Imams' names Shia names take
SERVANT_OF = (
    "rahman", "rahim", "malik", "quddus", "salam", "mumin", "muhaymin", "aziz", "jabbar", "mutakabbir", "khaliq",
    "bari", "musawwir", "ghaffar", "ghafur", "qahhar", "wahhab", "razzaq", "fattah", "alim", "qabid", "basit",
    "rafi", "muizz", "sami", "basir", "hakam", "latif", "khabir", "halim", "azim", "shakur", "kabir", "hafiz",
    "muqit", "hasib", "jalil", "karim", "raqib", "mujib", "wadud", "majid", "shahid", "haqq", "wakil", "qawi",
    "matin", "hamid", "muhyi", "hayy", "qayyum", "wajid", "wahid", "ahad", "samad", "qadir", "muqtadir", "awwal",
    "zahir", "batin", "barr", "tawwab", "rauf", "ghani", "mughni", "nur", "hadi", "badi", "baqi", "warith", "rashid",
    "sabur", "jalal", "jamal", "ilah", "rabbuh", "rabbih", "mannan", "munim", "muhsin", "sattar", "nasir",
    "muttalib", "nabi", "rasul", "husayn", "hasan", "zahra", "amir", "rida", "mahdi", "mutaal", "salih",
    # spellings whose consonants are too few to be read by them inside a word (wahab: "hb"), Persian and
    # Turkish ones (Abdolreza, Abdoljavad, Abdulvahap) and Egypt's Mongy for Mun'im
    "wahab", "rab", "rabb", "nour", "noor", "reza", "ridha", "reda", "hossein", "javad", "jawad", "vahab", "vahap",
    "kadhim", "kazem", "kazim", "dayim", "daim", "muayyid", "moneim", "monem", "mongy", "hussein", "hafid", "sayyid",
)

#: Allah as the end of a joined Abd name is written every way (Abdullah, Abdallah, Abdollah, Abdulla)
#: (Abdullahi and Abdulahi are Somali and Hausa for Abdullah; Persian Abdollahi is a family name, "of Abdollah")
_ALLAH = frozenset({"allah", "alla", "ullah", "ulla", "illah", "illa", "ollah", "olla", "ellah", "ella", "lah", "llah",
                    "ullahi", "ulahi"})


#: the article, as it is written joined to Abd or standing alone (al-, el-, ul-, ol-, il-)
_ARTICLES = ("al", "el", "ul", "ol", "il")
#: ... and as it sounds before a sun letter, a word of its own after Abd (Abd ar-Rahman, Abd as-Salam)
_SUN_ARTICLES = frozenset(v + c for v in "aeu" for c in ("r", "s", "n", "t", "d", "z", "sh")) | frozenset(_ARTICLES)
#: Abd with the article, written as one word before the name (Abdul Rahman, Abdel Kader, Abdur Rahman)
_JOINED = frozenset({"abd" + a for a in _ARTICLES} | {"abd" + v + c for v in "aeiou" for c in "rsntdz"}
                    | {"abdu", "abdi", "abde", "abda"})


_WORDS = frozenset(SERVANT_OF)
_DOUBLED = re.compile(r"(.)\1+")


@functools.cache
def _servant_keys() -> frozenset[str]:
    return frozenset(_key(w) for w in SERVANT_OF)


def _key(word: str) -> str:
    """A word by its consonants, kh as h and a doubled letter once: Raheem, Rakhim, Rahim are one (rhm)."""
    from .normalize import skeleton

    word = _DOUBLED.sub(r"\1", word.replace("kh", "h"))
    return skeleton(word)


def _name_in(rest: str, joined: bool) -> str | None:
    """The name an Abd is made with, from what follows Abd (article and all), or None.

    Two consonants are too few to tell a name inside a longer word (Abdollahi, "of Abdollah", is
    no Abd al-Ilah): ``joined`` to Abd, a name is read by its key only with three or more.
    """
    keys = _servant_keys()
    candidates = [rest[len(a):] for a in _ARTICLES if rest.startswith(a)]
    if joined:
        # the article off first, then a joining vowel (Abdu-Rahman), then nothing: "elilah" is el + ilah
        if rest[:1] in "aeiou":
            candidates.append(rest[1:])
        candidates.append(rest)
    else:
        # a word of its own is the name as it is (Abdul Aziz, Abdul Ilah), or with the article joined (al-Rhmn)
        candidates.insert(0, rest)
    for c in candidates:
        # the article before a sun letter doubles it (abdurrahman, abdussalam): one of it is the article's
        if len(c) > 3 and c[0] == c[1] and c[0] not in "aeiou":
            c = c[1:]
        if c in _ALLAH:
            return "allah"
        if c in _WORDS:  # as spelt here (ilah, hayy: their keys are too short to be told apart)
            return c
        # a name and -i is a family name ("of Karim": Abdul Karimi is Abdul of the Karimi family): as spelt here only
        k = _key(c)
        if len(k) >= (3 if joined else 2) and k in keys and not c.endswith("i"):
            return c
    return None


def _typed_abd(word: str) -> bool:
    """Abd or Abdul with two letters typed the other way round (Adbul, Abudl, Adb): a name must follow.
    Not Abdi's (Abid is a name of its own) nor Abu."""
    if len(word) not in (3, 5) or word[0] != "a" or word == "abu":
        return False
    for target in ("abd", "abdul", "abdel", "abdal", "abdol", "abdur"):
        if len(target) == len(word) and sorted(target) == sorted(word):
            diff = [k for k in range(len(word)) if word[k] != target[k]]
            if len(diff) == 2 and diff[1] == diff[0] + 1:
                return True
    return False


_KUNYA_ABD = ("abuabd", "abouabd")


def _kunya_apart(word: str) -> tuple[str, ...]:
    """A kunya with an Abd name in one word (Abuabdullah, Abouabdelkader) as the particle and the name."""
    if word.startswith(_KUNYA_ABD) and len(word) > 7:
        at = word.index("abd")
        return word[:at], word[at:]
    return (word,)


def servant_names(toks: list[str], inverted: bool = False) -> tuple[list[str], frozenset[str]]:
    """ASCII tokens of a name with each Abd name as one word, ``abd`` and the name it is made with; and the
    set of those words (:func:`kgraph.resolve.words.token_similarity` compares them by the name they are made
    with, and only with each other).

    ``inverted``: the name was written FAMILY, Given (it has a comma), and an Abd at its very end may be
    the first half of a given name its inversion cut in two: "RAHMAN YASIN, ABDUL" is Abdul Rahman Yasin.
    """
    if not any(t.startswith(("abd", *_KUNYA_ABD)) or t[:1] == "a" and _typed_abd(t) for t in toks):
        return toks, frozenset()
    toks = [part for t in toks for part in _kunya_apart(t)]
    last = toks[-1]
    if inverted and len(toks) > 2 and (last == "abd" or last in _JOINED):
        # the name first ("RAHMAN YASIN, ABDUL"), or after its article ("AL-RAHMAN ... AL-QADULI, 'ABD"), as it
        # is spelt here: a family name alike (KARIMI, Ali Abdul) is no Abd al-Karim cut in two
        first = 1 if toks[0] in _SUN_ARTICLES and last == "abd" else 0
        if toks[first] in _WORDS or toks[first] in _ALLAH:
            toks = [last, *toks[:-1]]
    out: list[str] = []
    made: set[str] = set()
    i, n = 0, len(toks)
    while i < n:
        # French writes u as ou: Abdoul Karim, Abdoulkhakim, Abdourahmane
        t = "abdu" + toks[i][5:] if toks[i].startswith("abdou") else toks[i]
        name, step = None, 1
        if t == "abd" or t in _JOINED or _typed_abd(t):  # the name follows: Abd al-Rahman, Abd Allah, Abdul Rahman
            j = i + 1
            if t in ("abd", "adb") and j < n - 1 and toks[j] in _SUN_ARTICLES:
                j += 1
            if j < n and not toks[j].startswith("abd"):  # ABDI, Abd al-Wahab: a name's Abd, then another's
                name, step = _name_in(toks[j], False), j - i + 1
        elif t.startswith("abd") and len(t) > 5:  # joined: Abdulrahman, Abdurrahman, Abdullah
            name = _name_in(t[3:], True)
        if name is None:
            out.append(toks[i])
            i += 1
            continue
        out.append("abd" + name)
        made.add(out[-1])
        i += step
    return out, frozenset(made)


def servant_apart(a: list, b: list, used_a: set[int], used_b: set[int], similarity) -> list[tuple[int, int, float]]:
    """Pairs of an Abd name of one name with its halves in the other, a word apart ("ABDUL HAQQANI MANAN" is
    ABDUL MANAN HAQQANI's Abd al-Mannan): (i, j, score) of tokens left unpaired, marked used; the Abd half
    goes with them. ``similarity`` compares two tokens (:func:`.words.token_similarity`).

    >>> from kgraph.resolve.normalize import analyze
    >>> a, b = analyze("Abdul Manan Ishak").words, analyze("Abdul Haqqani Manan Ishak").words
    >>> used_a, used_b = {1}, {3}
    >>> servant_apart(a, b, used_a, used_b, lambda x, y: float(x.text == y.text)), sorted(used_b)
    ([(0, 2, 1.0)], [0, 2, 3])
    """
    from .normalize import Token

    pairs = []
    for x, y, ux, uy, flip in ((a, b, used_a, used_b, False), (b, a, used_b, used_a, True)):
        for i, t in enumerate(x):
            if i in ux or not t.servant:
                continue
            halves = [j for j, u in enumerate(y)
                      if j not in uy and not u.servant and (u.text == "abd" or u.text in _JOINED)]
            if not halves:
                continue
            name = Token(t.text[3:])
            name.abjad = t.abjad
            best, at = max(((similarity(name, u), j) for j, u in enumerate(y)
                            if j not in uy and j != halves[0] and not u.servant), default=(0.0, None))
            if at is not None and best >= 0.85:
                ux.add(i)
                uy.update((at, halves[0]))
                pairs.append((at, i, best) if flip else (i, at, best))
    return pairs
