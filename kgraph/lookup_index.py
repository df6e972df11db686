"""Lookup: find nodes by anything an analyst might type.

A name or alias in any script or romanisation (``Авиакон Цитотранс``,
``AVIAKON TSITOTRANS``), a tail in any spacing (``RA78765``, ``ra 78765``),
with any dash, with Cyrillic letters (``РА-78765``) or as its number alone
(``78765``, scored :data:`BARE_TAIL_SCORE`), a Russian name whose adjective
the lists write as a noun (``Уральские авиалинии``: Ural Airlines, scored
:data:`READING_FACTOR` of that reading), a Korean name in Russian letters
(``Ким Чен Ын``: KIM, Jong Un, read as :mod:`kgraph.resolve.readings` says), a word spelt with other vowels
(``Hezbollah``: HIZBALLAH, through the index's ``skeleton`` table of the name
keys by their consonants), a name in Arabic script (``حماس``: HAMAS) and a
word spelt otherwise when nothing else matches (``Prigozin``: PRIGOZHIN), the
last three by :mod:`kgraph.lookup_spelling`; an ICAO hex (``1533ad``), an
MSN, a tax or registration number, a node id (``ofac-40181``) or a source
record id (``40181``); an airport by its town or another of its names
(:data:`LOOKUP_NAMES`).

The build writes a small SQLite index beside the graph (``lookup.sqlite``, by :mod:`kgraph.lookup_write`):
one row per node (what a hit shows) and one row per key (node id, source
record, identifier value, name keys from :mod:`kgraph.resolve`). A lookup
turns the query into keys the same way, fetches the candidates in one
indexed query per key, scores those sharing the most and the rarest keys
with it (:func:`_key_weight`) and ranks them; it does not open the graph store, so it answers
in milliseconds and the CLI starts fast. Flights are the exception: a
million of them would be a third of the index, and their only keys are their
ids and source records, so a one-word query with a digit that the index does
not answer exactly is asked of the store (at full size ~60 ms for an id,
0.25-0.4 s for a record, the store's opening included).

>>> import kgraph, tempfile
>>> dd = kgraph.DataDir(tempfile.mkdtemp())
>>> _ = kgraph.demo(datadir=dd)                                 # doctest: +SKIP
>>> kgraph.lookup("RA78765", datadir=dd)[0]["id"]               # doctest: +SKIP
'ofac-40185'
"""
from __future__ import annotations

import json
import math
import re
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable

from .datadir import DataDir
from .errors import REBUILD, DamagedFile, KgraphError
from .lookup_keys import DASHES, identifier_value, query_keys as _query_keys
from .lookup_spelling import SKELETON_WEIGHT, near_spellings, vowel_variants

try:  # the index is written at every build: orjson writes its JSON columns several times faster
    import orjson

    def _dumps(obj: Any) -> str:
        return orjson.dumps(obj).decode()

    _loads = orjson.loads
except ImportError:  # pragma: no cover - orjson is a dependency; the standard library is the fallback
    def _dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False)

    _loads = json.loads

__all__ = ["lookup", "identifier_value"]

INDEX_NAME = "lookup.sqlite"
#: how the index turns names and identifiers into keys, kept in the file (SQLite's user_version): a lookup
#: turns the query into keys with this code's rules, so an index written by a kgraph with other rules would
#: miss without a word. Bump it with any change to name_keys, identifier_value or normalize_msn (a test pins
#: them), or to the tables (format 5 added the skeleton table of the vowel-blind search; format 6 finds a node
#: by its own id through the node table, files no source record under a Registration, and keeps why a merged
#: node's records are one, for its card; format 7 reads a serial number's Cyrillic letters, normalize_msn;
#: format 8 reads Arabic and Persian letters as the lists spell them, resolve.arabic; format 9 reads a waw after a
#: ya's i as u, the plural in -iyun; format 10 reads Greek and Armenian letter pairs, Georgian and Armenian
#: ejectives without a mark, and Hebrew letters as the Arabic ones, resolve.transliteration; format 11 files
#: websites and the domains of email addresses, ids.web_address_key; format 12 reads a Persian word's last he
#: after a consonant as h too, resolve.arabic; format 13 keeps people's dates of birth, lookup_hints; format 14
#: knows the legal forms of Turkey, Bulgaria, Czechia, Albania, Hungary, Iran and Malaysia, and Turkish
#: boilerplate as generic words; format 15 files a person's names with no word read as a legal form,
#: name_keys(person=True); format 16 reads an Arabic "servant of" name (Abdul Rahman, Abdurrahman, Abd
#: al-Rahman) as abd and the name it is made with, resolve.theophoric; format 17 reads Mohd and Md. as Muhammad,
#: and Abou as the particle Abu; format 18 files a kunya as one word too, Abu Bakar under abubakar; format 19
#: reads German tsch as ch; format 20 reads Ukrainian given names as the Russian ones, Mykola as Nikolay; format
#: 21 those read from Russian letters too, Микола as Nikolay; format 22 files a kunya whose name begins with
#: the particle's last letter with that letter once, Abu Usamah under abusama; format 23 files a name in
#: Belarusian romanisation under its Russian reading too, NAUMAU, Uladzimir under naumov, and a patronymic made
#: of a known given name under the Russian one, Oleksandrovych under aleksandrovich, resolve.east_slavic; format
#: 24 a name in Ukrainian romanisation under its reading with g for h too, Pryhozhyn under prigozhin; format 25
#: a Russian name as German writes it under its reading with kh for ch, Chutaew under khutaew, and Pjotr as Petr;
#: format 26 one as French writes it under its English reading, Prigojine under prigozhin, and reads German and
#: French only in words that may be a person's name, not written in Chinese or Korean characters); format 27
#: reads a name as Ukraine writes it by its words too, Hryhoryev under grigoryev with no Ukrainian given name;
#: format 28 leaves the registrations to the store, and keeps the tails the airframes carried in a table of their own;
#: format 29 reads a kunya with an Abd name in one word as the two, Abuabdullah as Abu Abdullah;
#: format 30 reads Mohammadjavad as Mohammad Javad written in one word, not with a French dj).
INDEX_FORMAT = 30
#: the relationship types the index reads (a node's programs); it reads every node table
INDEX_RELS = ("ISSUED_BY", "SANCTIONED_UNDER")
#: candidates scored per query at most (the best keys are fetched first)
CANDIDATE_CAP = 2000
#: node types left out of the index and found in the graph store instead, by id or source record: a
#: flight's only keys are those two (its name is a generated caption, "RA-78765 ULLI -> URSS, 2026-01-20"),
#: and at full size its million rows and two million keys were a third of the index's time (43 -> 32 s); a
#: registration's only key is its tail, which finds the airframes that carried it (each holds it), and its 600k
#: rows were a fifth of what was left (an index of the scale-0.3 inputs written in 9.5 s, not 11.8 s)
STORE_ONLY = frozenset({"Flight", "Registration"})
#: node types found by their id, not by their source records: what an entity states, and a tail it carried
#: (a Registration's sources are the airframes' records: 600k key rows at full size that found the airframe too)
STATED_TYPES = frozenset({"Address", "Identifier", "Program", "Authority", "Registration"})
#: an airframe's properties holding the tails it carried: each one a Registration node of the graph, kept in the
#: index's tail table (a tail's number alone finds it, :func:`_bare_tail_hits`)
TAIL_PROPS = ("registrationNumber", "previousRegistrationNumber")
#: properties a lookup matches as names beside a node's own: an airport by its town and the other names
#: OurAirports keeps for it (Havana finds José Martí International; Leningrad and Аэропорт Пулково, Pulkovo)
LOOKUP_NAMES = {"Airport": ("municipality", "keywords")}
#: node types whose names are mostly their tail (OFAC names an aircraft "RA-78765"); such a name is filed
#: under identifier keys, not name keys (600k registrations would file ~1.6M name keys of tail pieces)
TAIL_NAMED = frozenset({"Airplane", "Registration"})
_TAIL_NAME = re.compile(r"^[A-Za-z0-9]{1,3}-?[A-Za-z0-9]{1,6}$")
#: a tail's number without its nationality mark, as the press often writes it (78765 for RA-78765): four
#: to six characters, so that a short number ("123") is not read as every N123, B-123... in the graph
_BARE_TAIL = re.compile(r"^[0-9][0-9A-Z]{3,5}$")
#: score of a tail found by its number without the mark: below every exact hit, above most names
BARE_TAIL_SCORE = 0.9
#: a name key held by more nodes than this (n:airfield, the n:vt of every VT- tail) is common: it only
#: counts when no rarer key of the query found anything, and then for this many nodes
KEY_ROWS_CAP = 1000
#: name candidates scored per query at most, those sharing the most keys with the query first, a rare key
#: counting for more than a common one (:func:`_key_weight`)
NAME_SCORE_CAP = 100
#: a name met only when an adjective of the query is read as its noun (Уральские авиалинии as "ural
#: avialinii": Ural Airlines), or a Korean name as Korean (Ким Чен Ын as "kim jong un"), scores this much of what that reading scores: below the name as written
READING_FACTOR = 0.95
#: node types whose names are only matched as written: a surname in -ский is no adjective to read as a noun
LITERAL_TYPES = frozenset({"Person"})
#: a one-word name of these types (a person's given name or nickname, given as an alias; a country) scores at
#: most LONE_NAME_CAP for a query of more words: "Patricia Richards" is no alert on OFAC's alias "PATRICIA",
#: "Роман Абрамович" none on Romania (roman, a short form of it), "Iran Airlines" none on Iran
LONE_NAME_TYPES = frozenset({"Person", "Country"})
LONE_NAME_CAP = 0.5


# -- shared with the writer (kgraph.lookup_write) --------------------------------
def _summary_parts(templates, col: dict[str, int]) -> list[tuple[str, int]]:
    """The schema's summary templates as (text with a \\x00 slot, column position), for columns present."""
    import re

    parts = []
    for t in templates:
        names = re.findall(r"{(\w+)}", t)
        if len(names) == 1 and names[0] in col:
            parts.append((t.replace("{" + names[0] + "}", "\x00"), col[names[0]]))
    return parts


def _first(value) -> str:
    """A list value's first item (the most authoritative source's); dates and text as they are."""
    return str(value[0]) if isinstance(value, list) else str(value)


# -- reading ------------------------------------------------------------------
#: among exact hits, what the query named: the node itself (its id), a value it holds (a tail, a hex, a
#: tax number), or only a source record it came from. A registry row keyed by its tail ("RA-78765") is the
#: record of the operator it names too; the airframe holding that tail must come first.
_EXACT_RANK = {"id": 0, "identifier": 1, "website": 1, "email": 1, "record": 2, "name": 3}
#: a query that may be a node id or a source record (one word): the store is asked for the types the
#: index leaves out
_STORE_QUERY = re.compile(r"^\S{1,200}$")


def _nearest_first(query: str, names: list[str]) -> tuple[list[str], tuple[float, ...]]:
    """A node's names, the nearest to the query as written first, and how near that one is: a tuple that
    sorts higher for a nearer name (its first two parts below). Every word counts, as it does not in the
    scorer (company forms and a name's airline word weigh little there, so "Ural" scores 1 on both "Ural
    Airlines" and "AO AZ URAL"). It tells hits of one score apart.

    Nearest is, in turn: the query's words best met by the name's (each word by its nearest, so "Iran
    Airlines" is nearer Iran Air than Iran), the token set ratio (a name holding every word of the query,
    or of whose words the query holds every one), the plain ratio of the words, then of the texts as
    written (a Cyrillic query, a Cyrillic name), then the names' own order.

    >>> _nearest_first("Ural Airlines", ["AO AZ URAL"])[1] < _nearest_first("Ural Airlines", ["URAL AIRLINES"])[1]
    True
    >>> _nearest_first("Iran Airlines", ["Iran"])[1] < _nearest_first("Iran Airlines", ["IRAN AIR"])[1]
    True
    >>> _nearest_first("Pobeda", ["LLC AVIAKOMPANIYA POBEDA", "Pobeda"])[0]
    ['Pobeda', 'LLC AVIAKOMPANIYA POBEDA']
    """
    from rapidfuzz import fuzz

    from .resolve.normalize import AVIATION, FORM, analyze

    def meets(a, b) -> float:
        # an airline word meets any other (Авиалинии, Air), a company form any other of its family
        return 100.0 if a.kind == b.kind and a.kind in (AVIATION, FORM) else fuzz.ratio(a.text, b.text)

    def met(qt: list, nt: list) -> float:
        return sum(max(meets(a, b) for b in nt) for a in qt) / len(qt) if qt and nt else 0.0

    qt, raw = analyze(query).tokens, query.casefold()
    q = " ".join(t.text for t in qt)
    near = []
    for i, name in enumerate(names):
        nt = analyze(name).tokens
        w = " ".join(t.text for t in nt)
        near.append((round(met(qt, nt), 1), fuzz.token_set_ratio(q, w), fuzz.ratio(q, w),
                     fuzz.ratio(raw, name.casefold()), -i))
    near.sort(reverse=True)
    # between hits, only how well the words meet counts: of those as near, the sanctioned one comes first
    return [names[-i] for *_, i in near], (near[0][:2] if near else (0.0,))


def _names(column: str) -> tuple[list[str], dict[str, str]]:
    """A node row's names column: its names, and the other texts lookup matches (:data:`LOOKUP_NAMES`)
    with the property each comes from."""
    value = _loads(column)
    if isinstance(value, dict):
        return value["names"], value["also"]
    return value, {}


def _words_of(name: str | None) -> frozenset[str]:
    """A name's word keys, regardless of order, case and script: "Usama BIN LADIN" and "Усама Бин Ладин" are
    the caption "BIN LADIN, Usama"."""
    from .resolve import name_keys

    return frozenset(k for k in name_keys(name or "") if k.startswith("n:"))


def _key_weight(rows: int) -> float:
    """What sharing a key held by ``rows`` nodes says: BAGHERI (2 nodes) far more than MOHAMMED (1000), so
    that "Mohammed Bagheri" scores BAGHERI, Mohammad among the first candidates, not after every Mohammed."""
    return math.log1p(KEY_ROWS_CAP / rows)


def _nodes_by_id(con: sqlite3.Connection, ids: list[str]) -> list[tuple[str, str, str]]:
    """(id, "id", id) of the nodes whose id is one of ``ids`` (lower case), through the index on lower(id)."""
    return con.execute(f"SELECT id, 'id', id FROM node WHERE lower(id) IN ({','.join('?' * len(ids))})",
                       ids).fetchall()


def _bare_tail_hits(con: sqlite3.Connection, q: str) -> dict[str, dict[str, Any]]:
    """Nodes holding a tail of which the query is the number without its nationality mark: 78765 finds
    RA-78765 (and UR-78765, if the graph holds one), scored :data:`BARE_TAIL_SCORE`."""
    v = identifier_value(DASHES.sub("-", q))
    if not v or not _BARE_TAIL.match(v):
        return {}
    from .refdata.icao import registration_marks

    # every tail an airframe carried is in the tail table: one indexed read for every mark (a serial or tax
    # number that a mark and the query spell, 2 and 12345, is not a tail)
    tails = [f"{mark}{v}".upper() for mark in registration_marks()]
    tails = [t for (t,) in con.execute(f"SELECT tail FROM tail WHERE tail IN ({','.join('?' * len(tails))})", tails)]
    hits: dict[str, dict[str, Any]] = {}
    for tail in sorted(set(tails)):
        for nid, kind, label in con.execute("SELECT id, kind, label FROM key WHERE key = ? LIMIT ?",
                                            (f"ident:{tail}", KEY_ROWS_CAP)):
            if kind == "identifier" and nid not in hits:
                hits[nid] = {"score": BARE_TAIL_SCORE, "why": [f"tail {label}, {q} without its mark"],
                             "rank": _EXACT_RANK["identifier"]}
    return hits


def record_why(query: str, why: list[str], sources: list[dict[str, str]]) -> list[str]:
    """``why`` with the source record the query names, when the index found the node by another key only.

    The index files no key for a record that the query finds as the node's identifier anyway (an OpenSky
    airframe's record is its ICAO address: :func:`kgraph.lookup_write.write_index`); the hit says
    "record" for it as it would with the key, after the node's own id.

    >>> record_why("40E3CD", ["identifier 40e3cd"], [{"source": "opensky_aircraft", "record": "40e3cd"}])
    ['record opensky_aircraft 40e3cd', 'identifier 40e3cd']
    """
    if any(w.startswith("record ") for w in why):
        return why
    q = query.strip().lower()
    for src in sources:
        if (src.get("record") or "").lower() == q:
            at = sum(1 for w in why if w.startswith("id "))  # the keys' order: id, record, then the others
            return [*why[:at], f"record {src.get('source')} {src['record']}", *why[at:]]
    return why


def lookup(
    query: str, *, limit: int = 10, datadir: DataDir | str | Path | None = None, types: Iterable[str] | None = None,
    _ask_store: Callable[[str], list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Nodes matching ``query``, best first.

    Each hit: ``id``, ``type``, ``name`` (display name), ``score`` (0..1),
    ``why`` (what matched), ``sources`` ([{"source", "record"}]), ``programs``,
    ``sanctioned``.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> [h["id"] for h in kgraph.lookup("Авиакон Цитотранс", limit=1, datadir=dd)]
    ['ofac-40181']
    >>> hit = kgraph.lookup("ra 78765", datadir=dd)[0]
    >>> hit["id"], hit["type"], hit["sources"][0]
    ('ofac-40185', 'Airplane', {'source': 'us_ofac_sdn', 'record': '40185'})
    """
    from .resolve import score_names
    from .resolve.normalize import ABJAD_SCRIPTS, tokenize
    from .resolve.readings import (adjective_readings, chinese_readings, english_readings, hangul_readings,
                                   korean_readings, ukrainian_readings)
    from .resolve.person_names import names_a_person
    from .resolve.translation import translated_readings
    from .lookup_hints import born_agreement, model_reading, split_query, with_birth

    dd = DataDir.of(datadir)
    path = dd.require_graph() / INDEX_NAME
    q = (query or "").strip()
    if not q:
        return []
    try:
        q.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes on the command line arrive as lone surrogates
        raise KgraphError("lookup: the query is not valid text (undecodable bytes or a lone surrogate)") from None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        hits: dict[str, dict[str, Any]] = {}
        name_hits: dict[str, float] = {}
        common: list[list[tuple]] = []
        common_keys: set[str] = set()
        (written_as,) = con.execute("PRAGMA user_version").fetchone()
        if written_as != INDEX_FORMAT:
            raise KgraphError(f"{path}: this lookup index was written by another version of kgraph (index format "
                              f"{written_as}, this one reads {INDEX_FORMAT}); {REBUILD}")
        # an adjective read as its noun, an English word spelt back or a word read in English names no person
        # (Ходорковский is no "khodorkov", Марин no "marine"); a Korean or Chinese name may
        readings = adjective_readings(q) + english_readings(q) + translated_readings(q)
        # an operator with the model of its aircraft beside it (Aviacon Il-76): the name without the model
        readings += [model] if (model := model_reading(q)) else []
        # a person's name without the title before it and the date of birth in it (President Putin, Prigozhin
        # 1961): scored for people as the query, the date weighed against theirs
        hints = split_query(q)
        pq = hints.name if hints.title or hints.born else q
        # a Korean name in Russian letters read letter by letter ("kim chen yn") is a poorer reading than the
        # Korean one: a person it meets scores READING_FACTOR of that (YIN CHEIN was an alert for Ким Чен Ын)
        in_russian = korean_readings(pq)
        literal = READING_FACTOR if in_russian else 1.0
        korean = in_russian + hangul_readings(pq)
        romanised = korean + chinese_readings(pq) + ukrainian_readings(pq)
        # a name in a script that writes few vowels is matched as its letters read (حماس: "hmas"): why says so
        abjad = tokenize(q) if ABJAD_SCRIPTS.search(q) else []
        # a query with "son of" between two names names a person, and so does a given name with words that
        # may all be a name's: a one-word name of any type scores at most LONE_NAME_CAP for it (أسامة بن لادن
        # met OFAC's alias ASAMA COMPANY at 0.8, Dmitry Gora the alias LLC GORA at 0.83, above HARA, Dzmitry)
        a_person = names_a_person(q)
        read_as = f", the query read as {' or '.join(repr(' '.join(t)) for t in abjad)}" if abjad else ""
        # a Korean name's reading is compared as its characters are, syllable by syllable
        syllables = {text: "".join(pq.split()) for text, _ in korean}
        query_keys = _query_keys(q, [text for text, _ in readings + romanised] + ([pq] if pq != q else []))
        # one indexed read per key, each capped: a common key's rows never crowd out a rare key's
        for key, key_kind in query_keys:
            rows = con.execute("SELECT id, kind, label FROM key WHERE key = ? LIMIT ?",
                               (key, KEY_ROWS_CAP + 1)).fetchall()
            if key_kind == "id":  # a node's own id is in the node table, a record folded into it in the keys
                rows += _nodes_by_id(con, [key[len("node:"):]])
            if key_kind == "name" and len(rows) > KEY_ROWS_CAP:
                common.append(rows[:KEY_ROWS_CAP])
                common_keys.add(key)
                continue
            weight = _key_weight(len(rows) or 1)
            for nid, kind, label in rows:
                if key_kind != "name" and kind != "name":
                    h = hits.setdefault(nid, {"score": 0.0, "why": [], "rank": _EXACT_RANK["name"]})
                    h["score"] = 1.0
                    h["rank"] = min(h["rank"], _EXACT_RANK.get(kind, _EXACT_RANK["name"]))
                    h["why"].append(f"{kind} {label}")
                else:
                    name_hits[nid] = name_hits.get(nid, 0) + weight
        for rows in common if not name_hits else ():
            for nid, _, _ in rows:
                name_hits[nid] = name_hits.get(nid, 0) + _key_weight(KEY_ROWS_CAP + 1)
        # the names spelt with other vowels, each key below the query's own: Hezbollah finds HIZBALLAH. A
        # common word (Ivanov) is not widened: its own names are more than the scored ones already
        other_vowels = set()
        rare = [k for k, kind in query_keys if kind == "name" and k not in common_keys]
        for key in vowel_variants(con, q, rare, {k for k, _ in query_keys}):
            rows = con.execute("SELECT id FROM key WHERE key = ? LIMIT ?", (key, KEY_ROWS_CAP + 1)).fetchall()
            if len(rows) > KEY_ROWS_CAP:
                continue
            weight = _key_weight(len(rows)) * SKELETON_WEIGHT
            for (nid,) in rows:
                if nid not in name_hits:
                    other_vowels.add(nid)
                name_hits[nid] = name_hits.get(nid, 0) + weight
        near = near_spellings(con, q, KEY_ROWS_CAP) if not (hits or name_hits) else set()
        for nid in near:  # a misspelt word shares no key: the names whose keys are spelt nearly as its
            name_hits[nid] = 1
        for nid, h in _bare_tail_hits(con, q).items():  # beside an MSN or a record of the same digits
            hits.setdefault(nid, h)
        # exact hits (id, source record, identifier) for a one-word query (a tail, a hex, an MSN, a tax
        # number), or as many as asked for: names could only rank below them
        if types or (len(hits) < limit and not (hits and " " not in q)):
            # the nodes sharing the most name keys with the query are scored first
            ranked = sorted(name_hits.items(), key=lambda kv: -kv[1])
            for nid, _ in ranked[:min(NAME_SCORE_CAP, CANDIDATE_CAP)]:
                hits.setdefault(nid, {"score": 0.0, "why": [], "rank": _EXACT_RANK["name"]})
        ids = list(hits)
        rows = {}
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            for r in con.execute(
                "SELECT id, type, caption, names, sources, programs, sanctioned, summary, born FROM node "
                f"WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                rows[r[0]] = r
    except sqlite3.DatabaseError as e:  # a damaged file, or one cut short: the build writes it whole again
        raise DamagedFile(path, e, REBUILD) from None
    finally:
        con.close()
    wanted = set(types) if types else None
    out = []
    # an id or a record has a digit (or nothing else matched): a word that names something stays fast
    if (not any(h["score"] >= 1.0 for h in hits.values()) and _STORE_QUERY.match(q)
            and (not hits or any(c.isdigit() for c in q))):
        from .lookup_store import store_only_hits

        found = [dict(h) for h in (_ask_store(q) if _ask_store is not None
                                   else store_only_hits(path.parent, [q], wanted)[q])]
        if found and not types:
            # exact hits for a one-word query, as from the index: the name candidates (no "why" yet) could
            # only rank below; a tail found by its bare number stays
            hits = {nid: h for nid, h in hits.items() if h["why"]}
        for hit in found:
            hits[hit["id"]] = {"score": 1.0, "rank": _EXACT_RANK[hit.pop("kind")]}
            out.append(hit)
    tail = identifier_value(DASHES.sub("-", q)) if wanted and "Registration" in wanted else None
    if tail and f"tail-{tail}" not in hits:
        # a registration asked for by its tail (--type Registration): the store's, by the id its tail makes
        from .lookup_store import store_only_hits

        for hit in store_only_hits(path.parent, [f"tail-{tail}"], {"Registration"})[f"tail-{tail}"]:
            hit.pop("kind")
            hits[hit["id"]] = {"score": 1.0, "rank": _EXACT_RANK["identifier"]}
            out.append({**hit, "why": [f"tail {hit['name']}"]})
    for nid, h in hits.items():
        r = rows.get(nid)
        if r is None or (wanted and r[1] not in wanted):
            continue
        names, also = _names(r[3])
        if not h["why"]:  # a name candidate: scored here
            # the name nearest the query as written first: of names that score alike, that one says why
            # ("Pobeda" matches the airline by its name "Pobeda", not "LLC AVIAKOMPANIYA POBEDA")
            ordered, h["literal"] = _nearest_first(q, [*names, *also])
            cap = LONE_NAME_CAP if r[1] in LONE_NAME_TYPES or a_person else None
            person = r[1] in LITERAL_TYPES
            best, matched = score_names(q, ordered, cap, person=person)
            if person and pq != q:
                best, matched = max((best, matched), score_names(pq, ordered, cap, person=True), key=lambda s: s[0])
            if person:
                best *= literal
            how = None
            for text, note in (readings if r[1] not in LITERAL_TYPES else []) + romanised:
                score, name = score_names(text, ordered, cap, person=person, characters=syllables.get(text))
                if score * READING_FACTOR > best:
                    best, matched, how = score * READING_FACTOR, name, note
                    h["literal"] = _nearest_first(text, ordered)[1]
            if best <= 0:
                continue
            listed_born = _loads(r[8]) if person and hints.born and r[8] else []
            born = person and hints.born and born_agreement(hints.born, listed_born)
            if born:
                best = with_birth(best, born)
            h["score"] = best
            # of hits alike (and as sanctioned), one met by the name it is shown by, in any script, before one
            # met by another of its names
            h["alias"] = _words_of(matched) != _words_of(r[2])
            h["why"].append(f"{also.get(matched, 'name')} {matched!r}" + (f", reading {how}" if how else read_as)
                            + (", a near spelling" if nid in near else ", spelt with other vowels" if nid in other_vowels
                               else "")
                            + (f", born {' or '.join(listed_born)}" + (", as the query says" if born == "same" else
                                                                       f", not {hints.born}") if born else ""))
        sources = [{"source": s["source"], "record": s["record"]} for s in _loads(r[4])]
        out.append({
            "id": nid,
            "type": r[1],
            "name": r[2],
            "score": round(h["score"], 4),
            "why": record_why(q, h["why"], sources) if h["score"] >= 1.0 and r[1] not in STATED_TYPES else h["why"],
            "sources": sources,
            "programs": _loads(r[5]),
            "sanctioned": bool(r[6]),
            "summary": r[7],
        })
    if not out:
        return []
    rank = {nid: h["rank"] for nid, h in hits.items()}
    # nearer first: each part of a hit's nearness, negated
    literal = {nid: tuple(-v for v in h.get("literal", ())) for nid, h in hits.items()}
    alias = {nid: h.get("alias", False) for nid, h in hits.items()}
    out.sort(key=lambda x: (-x["score"], rank[x["id"]], literal[x["id"]], not x["sanctioned"], alias[x["id"]],
                            x["type"] in ("Address", "Identifier"), x["id"]))
    return out[: max(limit, 0)]
