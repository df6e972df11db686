"""Writing the lookup index (``lookup.sqlite``) at the end of a build: see :mod:`kgraph.lookup_index`,
which reads it, for what it holds and why.

:func:`index_rows` turns a built graph's tables into one row per node; :func:`write_index` files each
row's id, source records, identifiers and name keys, then the name keys by their consonants (the
vowel-blind search's ``skeleton`` table).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterable

from .lookup_index import (INDEX_FORMAT, INDEX_NAME, INDEX_RELS, LITERAL_TYPES, LOOKUP_NAMES, STATED_TYPES, STORE_ONLY,
                           TAIL_NAMED, TAIL_PROPS, _TAIL_NAME, _dumps, _first, _loads, _summary_parts)
from .lookup_keys import ident_variants as _ident_variants, whole_identifier
from .lookup_spelling import word_skeleton

__all__ = ["write_index", "index_rows", "index_read"]


_SCHEMA = """
CREATE TABLE node (
  id TEXT NOT NULL, type TEXT NOT NULL, caption TEXT, names TEXT, sources TEXT,
  programs TEXT, sanctioned INTEGER, summary TEXT, merges TEXT, born TEXT
);
CREATE TABLE key (key TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, label TEXT);
CREATE TABLE skeleton (skeleton TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE tail (tail TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def _write_skeletons(con: sqlite3.Connection) -> None:
    """File every name key of a word by its consonants (the key index is built: one ordered pass over the
    distinct keys)."""
    prefix = "name:n:"
    rows = []
    for (key,) in con.execute("SELECT DISTINCT key FROM key WHERE key >= ? AND key < ?", (prefix, prefix[:-1] + ";")):
        s = word_skeleton(key[len(prefix):])
        if s:
            rows.append((s, key))
    con.executemany("INSERT INTO skeleton VALUES (?,?)", rows)
    con.execute("CREATE INDEX skeleton_skeleton ON skeleton(skeleton)")


def write_index(rows: Iterable[dict[str, Any]], build_dir: Path) -> int:
    """Write ``lookup.sqlite`` into a build directory; returns the number of nodes indexed.

    ``rows`` are node dicts with ``id``, ``type``, ``caption``, ``names`` (list), ``also`` (the other
    texts a lookup matches -> the property each comes from: :data:`LOOKUP_NAMES`; optional),
    ``sources`` (list of {source, record, snapshot}; ``sources_json``, its JSON text, is stored as it
    is when given), ``members`` (member node
    ids folded into this node), ``identifiers`` (list of identifier values), ``web`` (optional:
    [(``website`` or ``email``, address)], found by their domain, :func:`kgraph.ids.web_address_key`), ``born``
    (optional: a person's dates of birth, :mod:`kgraph.lookup_hints`), ``tails`` (optional: the tails an
    airframe carried, :data:`TAIL_PROPS`),
    ``programs`` (list of text), ``sanctioned`` (bool) and ``summary`` (text).
    """
    from .ids import web_address_key
    from .resolve import name_keys

    path = Path(build_dir) / INDEX_NAME
    if path.exists():
        path.unlink()
    keys_of: dict[tuple[str, bool], list[str]] = {}  # name -> its keys: names repeat across records and clusters
    con = sqlite3.connect(path)
    try:
        # a small page cache, and the index sorts' runs in a temporary file: a 256 MB cache with
        # temp_store=MEMORY held the whole key sort in memory, beside the store's load (the index took
        # 1.0 GB at full size, now 0.3 GB, in the same time); the rows are appended, so a cache gains little
        # 16 KiB pages: 10M rows appended and two indexes sorted in ~8% less time than with 4 KiB pages;
        # a warm lookup reads larger pages (median 1.2-1.3 ms at full size, 0.9 ms with 4 KiB pages)
        con.executescript("PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                          f"PRAGMA cache_size=-32768; PRAGMA temp_store=FILE; PRAGMA user_version={INDEX_FORMAT};"
                          + _SCHEMA)
        n = 0
        node_batch: list[tuple] = []
        key_batch: list[tuple] = []
        tails: set[str] = set()
        for row in rows:
            if len(key_batch) > 50_000:
                con.executemany("INSERT INTO node VALUES (?,?,?,?,?,?,?,?,?,?)", node_batch)
                con.executemany("INSERT INTO key VALUES (?,?,?,?)", key_batch)
                node_batch, key_batch = [], []
            get = row.get
            nid, ntype = row["id"], row["type"]
            names, programs, sources, also = get("names"), get("programs"), get("sources") or (), get("also")
            node_batch.append((
                nid, ntype, get("caption") or nid,
                # the names column: the node's names, with the other texts its lookup matches and whence
                _dumps({"names": names or [], "also": also}) if also else _dumps(names) if names else "[]",
                get("sources_json") or _dumps(sources),
                _dumps(programs) if programs else "[]", 1 if get("sanctioned") else 0,
                get("summary") or "",
                _dumps(get("merges")) if get("merges") else None,
                _dumps(get("born")) if get("born") else None,
            ))
            n += 1
            members, identifiers = get("members"), get("identifiers")
            # a node's own id is found in the node table (by lower(id): an ASCII id, as kgraph makes them; SQLite's
            # lower() folds ASCII only): 1.4M key rows fewer at full size
            keys: dict[str, tuple[str, str]] = {} if nid.isascii() else {f"node:{nid.lower()}": ("id", nid)}
            for member in members or ():  # records folded into this node
                if member != nid:
                    keys[f"node:{member.lower()}"] = ("id", member)
            variants = {ident: _ident_variants(ident) for ident in identifiers or ()}
            for ident, vs in variants.items():
                for v in vs:
                    keys.setdefault(f"ident:{v}", ("identifier", ident))
            for tail in get("tails") or ():  # an identifier too, as a rule: its variants made once
                vs = variants[tail] if tail in variants else _ident_variants(tail)
                if vs:
                    tails.add(vs[0])
            for src in () if ntype in STATED_TYPES else sources:
                rec = src.get("record")
                if rec:
                    key = f"record:{rec.lower()}"
                    # a record the query finds as the node's identifier (an OpenSky airframe's record is its
                    # ICAO address, an airport's its code) is not filed again: the lookup says "record" for it
                    # from the node's sources (lookup_index.record_why). 0.7M key rows fewer at full size
                    if key not in keys and whole_identifier(rec) not in keys:
                        keys[key] = ("record", f"{src.get('source')} {rec}")
            for prop, address in get("web") or ():  # a domain finds who uses it, for a website or for mail
                k = web_address_key(address, email_domain=prop == "email")
                if k:
                    keys.setdefault(f"web:{k}", (prop, address))
            for name in [*(names or ()), *(also or ())]:
                if ntype in TAIL_NAMED and _TAIL_NAME.match(name):
                    # an airframe or registration "named" by its tail: filed as the identifier it is (as a rule
                    # one of its identifiers, filed above)
                    for v in () if name in variants else _ident_variants(name):
                        keys.setdefault(f"ident:{v}", ("identifier", name))
                    continue
                # a person's name has no legal form (KO, Tae Hun; OO, Ko Ko): its keys are its every word's
                person = ntype in LITERAL_TYPES
                found = keys_of.get((name, person))
                if found is None:
                    # keys_of is this build's cache: the analyser's own would keep 100k parsed names
                    # alive beside the store's load
                    found = keys_of[name, person] = [f"name:{k}" for k in name_keys(name, cached=False, person=person)]
                for k in found:
                    keys.setdefault(k, ("name", name))
            key_batch += [(k, nid, kind, label) for k, (kind, label) in keys.items()]
        con.executemany("INSERT INTO node VALUES (?,?,?,?,?,?,?,?,?,?)", node_batch)
        con.executemany("INSERT INTO key VALUES (?,?,?,?)", key_batch)
        con.executemany("INSERT INTO tail VALUES (?)", ((t,) for t in sorted(tails)))  # in order: appended
        # both indexes built once over the loaded rows: a sort instead of millions of B-tree inserts
        con.execute("CREATE UNIQUE INDEX node_id ON node(id)")
        con.execute("CREATE INDEX node_lid ON node(lower(id))")
        con.execute("CREATE INDEX key_key ON key(key)")
        _write_skeletons(con)
        con.commit()
    finally:
        con.close()
    return n


def index_read(key: str | tuple[str, str, str]) -> bool:
    """Whether :func:`index_rows` reads a table, by its key (a node type, or (type, from type, to type))."""
    return key not in STORE_ONLY if isinstance(key, str) else key[0] in INDEX_RELS


def index_rows(tables, resolution=None, *, readers=None, merged_why=None) -> Iterable[dict[str, Any]]:
    """The rows :func:`write_index` takes, from a built graph's tables (:class:`kgraph.graph.GraphTables`).

    Identifiers are the schema's identifier properties of each type; the
    programs of a node are read from its SANCTIONED_UNDER relationships.
    With ``readers`` (:class:`kgraph.graph.tables.RowReaders`), says it is done
    (as ``"index"``) with the relationship tables once the programs are read,
    and with each node table once its rows are yielded. ``merged_why``
    (:meth:`kgraph.resolve.Resolution.merge_evidence`) gives a merged node the matches that joined it.
    """
    from .schema import schema

    s = schema()
    clusters = getattr(resolution, "clusters", None) or {}
    merged_why = merged_why or {}
    captions = {}
    for t in ("Program", "Authority"):
        for rec in tables.nodes[t].records():
            # a table row has room for "US OFAC SDN", not the list's full title
            captions[rec["id"]] = rec.get("shortName") or rec.get("caption") or rec["id"]
    authority_of = {}
    for key, rel in tables.rels.items():
        if key[0] == "ISSUED_BY":
            for start, end, _ in rel.records():
                authority_of[start] = captions.get(end, end)
    programs: dict[str, list[str]] = {}
    for key, rel in tables.rels.items():
        if key[0] == "SANCTIONED_UNDER":
            for start, end, _ in rel.records():
                label = f"{authority_of.get(end, '?')}: {captions.get(end, end)}"
                if label not in programs.setdefault(start, []):
                    programs[start].append(label)
    if readers is not None:
        readers.done("index", *tables.rels.values())
    for node_type, table in tables.nodes.items():
        if not index_read(node_type):
            if readers is not None:
                readers.done("index", table)  # passed over, if it was to be read
            continue
        # the columns read, by position: a dict per row of every column cost more than the rest (1M rows)
        col = {name: i for i, name in enumerate(table.names)}
        i_id, i_cap, i_names, i_src, i_sanc = (col[c] for c in ("id", "caption", "names", "sources", "sanctioned"))
        i_idents = [col[p] for p in s.nodes[node_type].identifiers if p in col]
        i_also = [(p, col[p]) for p in LOOKUP_NAMES.get(node_type, ()) if p in col]
        i_web = [(p, col[p]) for p in ("website", "email") if p in col]
        i_born = col.get("birthDate")
        i_tails = [col[p] for p in TAIL_PROPS if p in col]
        summary = _summary_parts(s.nodes[node_type].summary, col)
        for r in table.rows:
            values: list[str] = []
            for i in i_idents:
                v = r[i]
                values.extend(v if isinstance(v, list) else [v] if v else [])
            web = [(prop, v) for prop, i in i_web for v in (r[i] if isinstance(r[i], list) else [r[i]] if r[i] else [])]
            sources = r[i_src] or "[]"
            names = r[i_names] or []
            also = {}
            for prop, i in i_also:
                for v in r[i] if isinstance(r[i], list) else [r[i]] if r[i] else []:
                    if v and v.strip() and v.strip() not in names:
                        also.setdefault(v.strip(), prop)
            yield {
                "id": r[i_id],
                "type": node_type,
                "caption": r[i_cap],
                "names": names,
                "also": also,
                "sources": _loads(sources) if isinstance(sources, str) else sources,
                "sources_json": sources if isinstance(sources, str) else None,
                "members": clusters.get(r[i_id], []),
                "merges": merged_why.get(r[i_id]),
                "identifiers": values,
                "web": web,
                "born": (r[i_born] if isinstance(r[i_born], list) else [r[i_born]]) if i_born is not None and r[i_born]
                        else None,
                "tails": [v for i in i_tails for v in (r[i] if isinstance(r[i], list) else [r[i]] if r[i] else [])],
                "programs": programs.get(r[i_id], []),
                "sanctioned": r[i_sanc],
                "summary": "; ".join([text.replace("\x00", _first(r[i])) for text, i in summary if r[i]])
                           if summary else "",
            }
        if readers is not None:
            readers.done("index", table)
