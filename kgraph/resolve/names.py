"""Name comparison: how alike two analysed names are, from 0 to 1, with the reasons.

:func:`compare` aligns the identifying tokens of two :class:`~.normalize.Name`
objects (greedy best pairs on a token similarity that forgives
romanisation and typing variants), then weighs what is left over:

* a token missing on one side costs its weight; when all of one name's tokens
  are found in the other (``Deutsche Bank`` in ``Deutsche Bank AG``;
  ``Sirajuddin Haqqani`` in ``Sirajuddin Jallaloudine Haqqani``) the extra
  tokens cost half;
* legal forms are compared apart, and only when both names have one: ``OOO
  Aviakon`` is ``Aviakon LLC``, ``OAO`` is ``JSC``, but ``LLC`` vs ``JSC``
  or ``ANO`` lowers the score;
* aviation words (``airlines``, ``авиакомпания``) count little;
* different numbers are a strong mismatch (``11420 Corp`` is not ``Corp``,
  ``Victory 3`` is not ``Victory 5``): they are never dropped.

Words are paired by their similarity (:func:`.words.token_similarity`).

>>> from kgraph.resolve.normalize import analyze
>>> compare(analyze("Aviacon Zitotrans"), analyze("АО Авиакомпания Авиакон Цитотранс")) > 0.9
True
>>> compare(analyze("Aviacon Zitotrans"), analyze("Avia Traffic Company")) < 0.3
True
"""
from __future__ import annotations

from rapidfuzz.distance import OSA, Levenshtein

from .normalize import (AVIATION, GENERIC, NUMBER, OTHER_BODY_KEYS, PARTICLE, WORD, Name, Token, analyze_all,
                        analyze_syllables)
from .person_names import analyze_as_person, analyze_listed_person
from .tables import FORM_FAMILY, SON_OF as _SON_OF
from .theophoric import servant_apart
from .arabic import reads_as
from .words import _HAS_VOWEL, _NS, _same_key, token_similarity

__all__ = ["compare", "compare_texts", "explain", "token_similarity", "score_names"]

#: words meeting a name that is an acronym alone by their initials: likely the same, not certain (Bank
#: Markazi Iran has the initials of BANK MELLI IRAN's alias BMI)
ACRONYM_SCORE = 0.85
#: unmatched tokens of a name whose every identifying token found a partner elsewhere cost this share
SUBSET_FACTOR = 0.4
#: the same for organisations: an extra word usually names another body ("Syrian Air Force" / "... Intelligence",
#: "Press TV" / "Cham Press TV"), so a two-word name inside a three-word one stays under the merge threshold
SUBSET_FACTOR_ORG = 1.5
#: score multiplier when both names carry numbers and they differ
NUMBER_MISMATCH = 0.6
#: leftover word pairs at least this alike (plain edit similarity) still pair, at their similarity times WEAK_PAIR_VALUE
WEAK_PAIR_FLOOR = 0.6
WEAK_PAIR_VALUE = 0.75
#: ... and at most this many edits apart (Tom/Tim, not Tikhonskaya/Poklonskaya)
WEAK_PAIR_EDITS = 2
#: score multiplier when each name has a word the other lacks (a substitution, not an addition)
CONFLICT = 0.7
#: in names that pair their patronymics, two other words paired at less than this are two names
FAMILY_MIN = 0.8
#: score multiplier when both names carry legal forms of different families (LLC vs JSC, ANO vs LLC)
FORM_MISMATCH = 0.8

def _merge_compounds(a: Name, b: Name, person: bool = False) -> list[Token]:
    """``b``'s words with runs joined that spell one token of ``a``: adjacent parts
    (Good Will / Goodwill) or initials (US / United States, PLA / People's Liberation Army). In a
    ``person``'s name only a short word without a vowel is initials (JC: Jean-Claude); Li, Wu, Ma are
    family names (Ivan Li is not Ivan Ivanovich LOOR, "L. I.")."""
    hits_c = {k: k for k in a.keys & b.compounds.keys()} if b.compounds else {}
    if b.compounds and b.words[0].abjad and not a.words[0].abjad:
        # two words read from Arabic script that are one in the lists: حزب الله (hzb allah), HIZBALLAH
        for k, i in b.compounds.items():
            if k in hits_c:
                continue
            written = b.words[i].text + b.words[i + 1].text
            key = next((t.key for t in a.words if t.key in a.keys and len(t.text) > 3 and reads_as(written, t.text)),
                       None)
            if key:
                hits_c[k] = key
    hits_a = a.short & b.acronyms.keys() if b.acronyms else ()
    if person and hits_a:
        hits_a = {x for x in hits_a if not _HAS_VOWEL.search(x)}
    words = b.words
    if not hits_c and not hits_a:
        return words
    spans: dict[int, tuple[int, Token]] = {}
    for k, key in hits_c.items():
        i = b.compounds[k]
        spans[i] = (2, Token(words[i].text + words[i + 1].text, WORD, key=key))
    for initials in hits_a:
        i, size = b.acronyms[initials]
        if i not in spans or spans[i][0] < size:
            key = next(t.key for t in a.words if t.text == initials)
            spans[i] = (size, Token(initials, WORD, key=key))
            # a name that is an acronym alone is met by any words with its initials; beside other words
            # that meet too (IRGC Missile Command) it is as sure as they are
            spans[i][1].initials = len(a.words) == 1
    out: list[Token] = []
    i = 0
    while i < len(words):
        if i in spans:
            size, tok = spans[i]
            out.append(tok)
            i += size
        else:
            out.append(words[i])
            i += 1
    return out


def _align(a: list[Token], b: list[Token]) -> tuple[list[tuple[int, int, float]], set[int], set[int]]:
    cands = []
    for i, ta in enumerate(a):
        for j, tb in enumerate(b):
            if ta.servant is not tb.servant:
                continue  # an Abd name is no other word (.theophoric): Abdolhassan is not Hassan
            if ta.text == tb.text:
                cands.append((ACRONYM_SCORE if ta.initials or tb.initials else 1.0, i, j))
            elif ta.kind != NUMBER and _same_key(ta, tb):
                cands.append((0.97, i, j))
            else:
                s = token_similarity(ta, tb)
                if s > 0.0:
                    cands.append((s, i, j))
    if len(cands) > 1:
        cands.sort(key=lambda c: -c[0])
    used_a: set[int] = set()
    used_b: set[int] = set()
    return _take_best(cands, used_a, used_b), used_a, used_b


def _take_best(cands: list[tuple[float, int, int]], used_a: set[int], used_b: set[int], weight: float = 1.0
               ) -> list[tuple[int, int, float]]:
    """(i, j, score * weight) of sorted (score, i, j) candidates, best first, each token in one pair at most.

    Marks the tokens it pairs in ``used_a`` and ``used_b``.
    """
    pairs = []
    for s, i, j in cands:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, s * weight))
    return pairs


def _weak_pairs(a, b, used_a, used_b):
    """Leftover word tokens paired at their plain edit similarity when at least half alike
    (Tom/Tim, Mosk/Musk, Sechev/Sechin): a likely typo or variant, scored for what it is. A word without a
    vowel is an acronym (RHD, KGB), not a misspelt word: Red is no typo of RHD (CVC may be one of CVS)."""
    cands = []
    for i, ta in enumerate(a):
        if i in used_a or ta.kind != WORD or len(ta.text) < 3:
            continue
        vowel_a = ta.abjad or bool(_HAS_VOWEL.search(ta.text))
        for j, tb in enumerate(b):
            if j in used_b or tb.kind != WORD or len(tb.text) < 3 or ta.syllable or tb.syllable:
                continue
            if ta.abjad and tb.abjad and min(len(ta.text), len(tb.text)) < 4:
                continue  # three letters of Arabic script are three consonants or so: عارف Arif is not آصف Asif
            if ta.servant or tb.servant:
                continue  # compared by the name they are made with, in _align: Abd al-Hamid is no typo of Abd al-Ghani
            if vowel_a != (tb.abjad or bool(_HAS_VOWEL.search(tb.text))):
                continue
            s = _NS(ta.text, tb.text)
            if s >= WEAK_PAIR_FLOOR and OSA.distance(ta.text, tb.text) <= WEAK_PAIR_EDITS:
                cands.append((s, i, j))
    cands.sort(key=lambda c: -c[0])
    return _take_best(cands, used_a, used_b, WEAK_PAIR_VALUE)


#: a given name with an ending of gender is this short (Antonia, Francisca: 9); a family name's ending may
#: be a country's spelling of one name (LUKASHENKA, Lukashenko: 10)
GENDER_ENDING_MAX = 9


def _unpair_other_names(a: list[Token], b: list[Token], pairs: list, used_a: set[int], used_b: set[int]) -> None:
    """Take apart the pairs of a person's names that are one edit apart and yet other names: a given name's
    ending of gender (Antonia is not Antonio, Maria not Mario: 0.86 alike as words), or a consonant before
    the name (Anna is not Banna, Omar not Komar). Other spellings of one name differ so too, and stay
    paired: a family name's ending (LUKASHENKA, Lukashenko), a first y, j or h (Yevgeniy, Evgeniy; Hamad,
    Amad); so does a firm's name with a letter more, a typo (Invidia, NVIDIA)."""
    for pair in [p for p in pairs if p[2] < 1.0]:
        x, y = sorted((a[pair[0]].text, b[pair[1]].text), key=len)
        if a[pair[0]].abjad or b[pair[1]].abjad or len(x) < 3:
            continue
        gender = 4 <= len(x) == len(y) <= GENDER_ENDING_MAX and x[:-1] == y[:-1] and {x[-1], y[-1]} == {"a", "o"}
        # ... but French writes ch as tch: Tchirikov is CHIRIKOV (Ghassan is still not Hassan, of one key too)
        if gender or y[1:] == x and y[0] not in "aeiouyjh" and not (y[0] == "t" and x.startswith("ch")):
            pairs.remove(pair)
            used_a.discard(pair[0])
            used_b.discard(pair[1])


def _full(words: list[Token], used: set[int]) -> bool:
    n = 0
    for i in used:
        t = words[i]
        if t.kind in (WORD, NUMBER) and not t.patronymic:
            n += 1
    return n >= 2 or len(words) == 1


def _patronymic_flip(a: list[Token], b: list[Token], pairs) -> bool:
    """"Salman bin Muhammad" vs "Muhammad bin Salman": father and son swapped around bin/ibn."""
    pa = [i for i, t in enumerate(a) if t.text in _SON_OF]
    pb = [j for j, t in enumerate(b) if t.text in _SON_OF]
    if not pa or not pb:
        return False
    match = {i: j for i, j, _ in pairs}
    for i in pa:
        if i + 1 in match and i > 0 and i - 1 in match:
            j_after, j_before = match[i + 1], match[i - 1]
            if j_after < j_before:
                return True
    return False


def _family_unlike(a: list[Token], b: list[Token], pairs) -> bool:
    """Whether two names pair their patronymics, and two other words, not initials, less than FAMILY_MIN alike."""
    return any(a[i].patronymic and b[j].patronymic for i, j, _ in pairs) and \
        any(s < FAMILY_MIN and not a[i].patronymic and len(a[i].text) > 1 < len(b[j].text) for i, j, s in pairs)


def _extra_cost(t: Token, person: bool, factor: float) -> float:
    """What a word found in one name only costs: its weight times ``factor``, except in an organisation's name,
    where a generic word that names another body costs a whole word ("Rosneft Trading" is not Rosneft) and
    another generic word ("Fulmen Group") only its weight.

    A country added to an organisation's name costs as any word: "Syrian Ministry of the Interior" is not
    the "Ministry of Interior" of another list (OFAC's is Cuba's); the price is that "Bank Melli" and "Bank
    Melli Iran" go to review instead of merging.
    """
    if person:
        return t.weight * factor
    if t.key in OTHER_BODY_KEYS:
        return factor
    if t.kind == GENERIC:
        return t.weight
    return t.weight * factor


def _score(a: Name, b: Name, explain: list | None = None, person: bool = True, query: bool = False,
           person_initials: bool | None = None) -> float:
    """``person_initials``: read a short word as initials the way a person's name has them (default:
    ``person``; see :func:`_merge_compounds`)."""
    wa, wb = a.words, b.words
    if person_initials is None:
        person_initials = person
    if not wa or not wb:
        # names made only of forms/aviation words: compare as written
        return 1.0 if [t.text for t in a.tokens] == [t.text for t in b.tokens] and a.tokens else 0.0
    lone = _lone_short_words(a, b)
    if lone:
        # an acronym or a short brand alone meets another only as written: OFAC's "CRAS" (Pishro Systems
        # Research Company) has the key of KrasAvia's "Kras", and the Iranian firm took the airline's fleet
        if explain is not None:
            explain.append(("short", lone[0], lone[1], 0.0))
        return 0.0
    # a lookup's "airlines" asks for an operator: a name with no such word (the country of "Белорусские
    # авиалинии", of "Iran Air") misses a word of the query, not a word of little weight
    operator = query and any(t.kind == AVIATION for t in wa) and not any(t.kind == AVIATION for t in wb)
    if a.joined and a.joined == b.joined and (len(a.joined) >= 3 or _texts(a) == _texts(b)) and not operator:
        score = 1.0
        if explain is not None:
            explain.append(("joined", a.joined, b.joined, 1.0))
    else:
        wb = _merge_compounds(a, b, person_initials)
        if wb is b.words:
            wa = _merge_compounds(b, a, person_initials)
        pairs, used_a, used_b = _align(wa, wb)
        pairs += servant_apart(wa, wb, used_a, used_b, token_similarity)
        if len(used_a) < len(wa) and len(used_b) < len(wb):
            pairs += _weak_pairs(wa, wb, used_a, used_b)
        if person_initials:
            _unpair_other_names(wa, wb, pairs, used_a, used_b)
        num = 0.0
        den = 0.0
        for i, j, s in pairs:
            w = wa[i].weight + wb[j].weight
            if wa[i].kind == PARTICLE or wb[j].kind == PARTICLE:
                w = min(wa[i].weight, wb[j].weight) * 2
            num += s * w
            den += w
            if explain is not None:
                explain.append(("token", wa[i].text, wb[j].text, round(s, 3)))
        if num == 0.0:
            return 0.0
        left_a = [t for i, t in enumerate(wa) if i not in used_a and t.kind != PARTICLE]
        left_b = [t for j, t in enumerate(wb) if j not in used_b and t.kind != PARTICLE]
        # a side whose every identifying token found a partner is contained in the other:
        # the other's extra tokens (a middle name, a qualifier) cost less than a mismatch
        subset = SUBSET_FACTOR if person else SUBSET_FACTOR_ORG
        # containment is lenient only when the contained name is a name by itself: two identifying
        # words, not a given name and a patronymic ("Sergei Nikolaevich" is half of thousands)
        fa = subset if not left_b and _full(wb, used_b) else 1.0
        fb = subset if not left_a and _full(wa, used_a) else 1.0
        # an organisation's name that repeats one of its words ("Zanotta Sudamericana S.A. (Zanotta)") has
        # no extra word in the repeat (but a name read from characters repeats syllables of unrelated words)
        plain = not person and not a.syllabic and not b.syllabic
        seen_a = {wa[i].key for i in used_a} if plain else ()
        seen_b = {wb[j].key for j in used_b} if plain else ()
        for i, t in enumerate(wa):
            if i not in used_a and t.key not in seen_a:
                den += 1.0 if operator and t.kind == AVIATION else _extra_cost(t, person, fa)
                if explain is not None:
                    explain.append(("extra", t.text, None, 0.0))
        for j, t in enumerate(wb):
            if j not in used_b and t.key not in seen_b:
                den += _extra_cost(t, person, fb)
                if explain is not None:
                    explain.append(("extra", None, t.text, 0.0))
        score = num / den if den else 0.0
        if person and (a.syllabic is None) != (b.syllabic is None):
            # a name in Chinese or Korean characters is its syllables: one syllable more than the other name,
            # met whole, is another given name (張品妍, "zhang pin yan", is not Jian ZHANG; 유진 박 not YU, Jin)
            extra = [t for t in (left_a if a.syllabic else left_b) if t.syllable and t.kind == WORD]
            if extra and not (left_b if a.syllabic else left_a):
                score *= CONFLICT
                if explain is not None:
                    explain.append(("syllable", [t.text for t in extra], None, CONFLICT))
        # a word met only by the other name's initial is no word in common when that name keeps a word of its
        # own: Louise Sjöberg is not Louise S. Nkomo (Hans J Friedrich still is Hans Joachim Friedrich)
        if left_b and not left_a:
            left_a = [wa[i] for i, j, _ in pairs if len(wb[j].text) == 1 < len(wa[i].text)]
        elif left_a and not left_b:
            left_b = [wb[j] for i, j, _ in pairs if len(wa[i].text) == 1 < len(wb[j].text)]
        if left_a and left_b and any(t.kind == WORD for t in left_a) and any(t.kind == WORD for t in left_b):
            # each side has a word the other lacks: a different given name, family or clan name
            score *= CONFLICT
            if explain is not None:
                explain.append(("conflict", [t.text for t in left_a], [t.text for t in left_b], CONFLICT))
        if person and _family_unlike(wa, wb, pairs):
            # given name and patronymic are shared by thousands (Yuri Aleksandrovich): what is left names the
            # person, and words only somewhat alike there are two names (PRONKO, PROTSENKO: 0.75 alike)
            score *= CONFLICT
            if explain is not None:
                explain.append(("family", None, None, CONFLICT))
        if a.sonof and b.sonof and _patronymic_flip(wa, wb, pairs):
            score *= CONFLICT
            if explain is not None:
                explain.append(("patronymic", None, None, CONFLICT))
    if a.syllabic and b.syllabic and a.syllabic != b.syllabic:
        # two names in Chinese/Japanese/Korean characters: homophones are different names (高石 / 高市)
        cs = Levenshtein.normalized_similarity(a.syllabic, b.syllabic)
        if cs < score:
            score = cs
            if explain is not None:
                explain.append(("characters", a.syllabic, b.syllabic, round(cs, 3)))
    if a.forms and b.forms and not _forms_compatible(a.forms, b.forms):
        score *= FORM_MISMATCH
        if explain is not None:
            explain.append(("forms", a.forms, b.forms, FORM_MISMATCH))
    if a.numbers and b.numbers and a.numbers != b.numbers:
        score *= NUMBER_MISMATCH
        if explain is not None:
            explain.append(("numbers", sorted(a.numbers), sorted(b.numbers), NUMBER_MISMATCH))
    return score


#: a name whose one identifying word is this short or shorter is compared as written
LONE_WORD_MAX = 4


def _lone_short_words(a: Name, b: Name) -> tuple[str, str] | None:
    """The two words, when each name has one identifying word, one of them short, and they are written
    differently (their keys may still be equal: cras, kras)."""
    ia = [t for t in a.words if t.kind == WORD]
    ib = [t for t in b.words if t.kind == WORD]
    if len(ia) == 1 and len(ib) == 1 and ia[0].text != ib[0].text and \
            min(len(ia[0].text), len(ib[0].text)) <= LONE_WORD_MAX and \
            not any(t.kind == NUMBER for t in (*a.words, *b.words)):
        ta, tb = ia[0], ib[0]
        if ta.key in b.compounds or tb.key in a.compounds:  # a kunya in one word: Abuanas is ABU ANAS
            return None
        # a word read from Arabic script is written short (حماس, "hmas"): as written, it is its reading
        if ta.abjad != tb.abjad and reads_as(*((ta.text, tb.text) if ta.abjad else (tb.text, ta.text))):
            return None
        return ta.text, tb.text
    return None


def _texts(name: Name) -> str:
    return "".join(t.text for t in name.words if t.kind != PARTICLE)


def _forms_compatible(fa: list[str], fb: list[str]) -> bool:
    # "Co" and "Corp" go with anything: "Gazprom Co" may be an LLC or a JSC
    fam_a = {FORM_FAMILY.get(f, f) for f in fa} - {"corp"}
    fam_b = {FORM_FAMILY.get(f, f) for f in fb} - {"corp"}
    return not fam_a or not fam_b or bool(fam_a & fam_b)


def compare(a: Name, b: Name, person: bool = True) -> float:
    """Similarity of two analysed names, 0..1; ``person=False`` for organisations, vessels."""
    return _score(a, b, None, person)


def compare_texts(a: str, b: str, person: bool = True) -> float:
    """Similarity of two names as written (any script).

    >>> compare_texts("OOO Aviakon", "Aviakon LLC")
    1.0
    """
    best = 0.0
    for na in analyze_all(a):
        for nb in analyze_all(b):
            s = compare(na, nb, person)
            if s > best:
                best = s
    return best


def explain(a: str, b: str, person: bool = True) -> dict:
    """The token alignment behind :func:`compare_texts`, for people."""
    na, nb = analyze_all(a)[0], analyze_all(b)[0]
    steps: list = []
    score = _score(na, nb, steps, person)
    return {
        "score": round(score, 4),
        "a": [t.text for t in na.tokens],
        "b": [t.text for t in nb.tokens],
        "steps": [{"step": s[0], "a": s[1], "b": s[2], "value": s[3]} for s in steps],
    }


def score_names(query: str, names: list[str], lone_name_cap: float | None = None, *, person: bool = False,
                characters: str | None = None) -> tuple[float, str | None]:
    """Best score of a query against a candidate's names: (score, the name that scored it).

    The query is analysed once; names are analysed once per process (cached).
    A name that meets the query only on tokens of one or two characters, with
    a token of the query left over, scores 0: "RA-99999", a tail the graph
    does not hold, is no hit on "Ooo Kharkogo Ra", nor "X-2" on "Schedule 1,
    Part 2".

    >>> score_names("Авиакон Цитотранс", ["JSC AVIACON ZITOTRANS", "AVIACON AIR CARGO"])
    (1.0, 'JSC AVIACON ZITOTRANS')
    >>> score_names("RA-99999", ["Ooo Kharkogo Ra"]), round(score_names("BM", ["BM Group"])[0], 3)
    ((0.0, None), 0.909)

    ``lone_name_cap``: a name of one word, met by a query of more, scores at most this. A person's
    one-word alias is a given name or a nickname (OFAC's "PATRICIA", "LUCAS"): it says nothing of the
    query's other words ("Patricia Richards" scores 0.83 on it, as a full name contained in the query).

    >>> score_names("Patricia Richards", ["PATRICIA"], lone_name_cap=0.5)
    (0.5, 'PATRICIA')

    ``characters``: the query is a romanisation of a name written in these Chinese or Korean characters,
    compared syllable by syllable (a syllable more is another name: 유진 박, "yu jin pak", is not YU, Jin).

    ``person``: the names are a person's, where a short word with a vowel is no initials (Li is a family
    name, not L. I.); in an organisation's it may be (PLA, People's Liberation Army).

    >>> score_names("Ivan Li", ["LOOR, Ivan Ivanovich"], person=True)[0] < 0.5
    True
    """
    # a person has no legal form: read so, "Tomas Sa" is two words, not Tomas S.A. (then only "Tomas", met
    # by every Tomas and Thomas on the lists)
    read = analyze_syllables(query, characters) if characters else (analyze_as_person if person else analyze_all)(query)
    qs = [q for q in read if q.tokens]
    best, matched = 0.0, None
    listed = analyze_listed_person if person else analyze_all
    for raw in names:
        for n in listed(raw):
            for q in qs:
                s = _score(q, n, query=True, person_initials=person)
                if lone_name_cap is not None and s > lone_name_cap and _identifying(n) == 1 < _identifying(q):
                    s = lone_name_cap
                if s > best and not _only_short_tokens(q, n, person):
                    best, matched = s, raw
                    if s >= 1.0:
                        return best, matched
    return best, matched


def _identifying(name: Name) -> int:
    return sum(t.kind != PARTICLE for t in name.words)


def _only_short_tokens(query: Name, name: Name, person: bool = False) -> bool:
    """Whether a lookup query meets a name only on tokens of one or two characters and leaves a token of
    its own unmatched: a stray "RA" or "2" is no evidence that the name is meant ("BM" on "BM Group" is)."""
    steps: list = []
    _score(query, name, steps, person_initials=person)
    if any(s[0] == "joined" for s in steps):
        return False
    paired = {s[1] for s in steps if s[0] == "token"}
    if any(len(t) > 2 for t in paired):
        return False
    return any(t.kind != PARTICLE and t.text not in paired for t in query.words)
