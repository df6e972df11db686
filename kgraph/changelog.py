"""What changed between builds (the watchlist it can filter on is :mod:`kgraph.watchlist`).

Every build saves a small file of the facts this module compares
(``facts.json.gz`` in the build directory, archived as
``DATA/history/<build id>.json.gz`` because only the last two builds are
kept): the active designations (entity, program, authority, listing date or
first-seen date, keyed by the listing's source record so that a re-clustering
is not a change), the operator -> aircraft links of sanctioned or watched operators, and the
flights of the aircraft worth following (sanctioned, linked to a sanctioned
operator, or watched) with their dates, airports and countries.

:func:`changes` compares the current build with a **baseline** build:

* no ``since``: the build before the current one (what the last
  ``kgraph update`` brought);
* ``since=DATE``: the newest build made before DATE (UTC); if there is no
  build that old, the current build is split by date instead (designations
  listed or first seen on/after DATE, flights on/after DATE) and the result
  says so (``baseline["kind"] == "dates"``).

It reports designations added and removed per authority, aircraft newly
linked to a sanctioned operator, new flights of sanctioned aircraft (flights
the baseline did not hold; for an aircraft that was not followed at the
baseline only its flights dated after the baseline count), and new
destination countries (arrival countries of the new flights that the
aircraft had not visited, from or to, in any earlier flight).

The watchlist (``DATA/watchlist.json``) holds node ids, or lookup queries
resolved to their best hit; ``changes(watchlist=True)`` keeps what concerns
the watched entities, their aircraft and their destinations. Cluster ids
are stable across builds; a watched id that disappears, or is folded into
another cluster, is reported as such.

Example
-------
>>> import kgraph
>>> kgraph.watch_add("Aviacon Zitotrans")                    # doctest: +SKIP
{'id': 'ofac-40181', 'query': 'Aviacon Zitotrans', ...}
>>> report = kgraph.changes(since="2026-01-25", watchlist=True)  # doctest: +SKIP
>>> [(d["country"], d["aircraft_name"]) for d in report["destinations"]]  # doctest: +SKIP
[('CU', 'RA-78765'), ...]
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path
from typing import Any, Iterable

import orjson

from .datadir import DataDir, atomic_write
from .errors import REBUILD, DamagedFile, KgraphError, NoGraph
from .schema import INACTIVE_STATUSES
from .watchlist import load_watchlist, watch_list

__all__ = ["changes", "write_facts", "archive_facts", "facts_from_tables", "FACTS_FILE", "HISTORY_DIR"]

FACTS_FILE = "facts.json.gz"
#: folder of the data directory holding one facts file per build
HISTORY_DIR = "history"
#: how the facts are written; 2: a listing one record asserts is keyed by that record, not by its entity
FACTS_VERSION = 2
#: history files younger than this are all kept; older ones, one per day
KEEP_ALL_DAYS = 30
_OPERATOR_TYPES = ("Organization", "Person")
_LINK_TYPES = ("OPERATES", "OWNS", "LINKED_TO")
_RELATIVE = re.compile(r"^(\d+)\s*d(ays?)?$")


def _dd(datadir: DataDir | str | Path | None) -> DataDir:
    return DataDir.of(datadir)


# --------------------------------------------------------------------------- facts of one build
def _node_info(tables) -> dict[str, tuple[str, str, bool]]:
    """id -> (type, caption, sanctioned) of the node types the facts name."""
    info: dict[str, tuple[str, str, bool]] = {}
    for node_type in ("Organization", "Person", "Airplane", "Vessel", "Program", "Authority", "Airport", "Country"):
        t = tables.nodes.get(node_type)
        if t is not None and t.rows:
            i_cap, i_sanc = t.names.index("caption"), t.names.index("sanctioned")
            for r in t.rows:
                info[r[0]] = (node_type, r[i_cap] or r[0], bool(r[i_sanc]))
    return info


def _rels(tables, rel_type: str):
    return [(key, rel) for key, rel in tables.rels.items() if key[0] == rel_type]


def _designations(tables, info) -> tuple[list[list[Any]], dict[str, list[str]]]:
    """[listing record, entity, program, date, date kind] per active listing, and the programs' captions."""
    authority_of = {r[0]: r[1] for _, rel in _rels(tables, "ISSUED_BY") for r in rel.rows}
    programs: dict[str, list[str]] = {}
    out = []
    for _, rel in _rels(tables, "SANCTIONED_UNDER"):
        i_src, i_status, i_listed, i_seen, i_source, i_record = (
            2 + rel.names.index(c) for c in ("sources", "status", "listingDate", "firstSeen", "source", "record"))
        for r in rel.rows:
            if (r[i_status] or "").strip().lower() in INACTIVE_STATUSES:
                continue
            entity, program = r[0], r[1]
            date, kind = ((r[i_listed], "listed") if r[i_listed] else
                          (r[i_seen], "first seen") if r[i_seen] else (None, None))
            try:
                sources = json.loads(r[i_src] or "[]")
            except ValueError:
                sources = []
            # keyed by the listing's source record: a record moving to another cluster is no change. A listing
            # one record asserts has no sources list: its record is the relationship's own (keyed by the entity
            # instead, a record split off a cluster by a new resolution was a new designation)
            records = ({f"{x.get('source')}:{x.get('record')}" for x in sources if isinstance(x, dict)}
                       or ({f"{r[i_source]}:{r[i_record]}"} if r[i_source] and r[i_record] else {entity}))
            out += [[record, entity, program, date, kind] for record in sorted(records)]
            if program not in programs:
                authority = authority_of.get(program) or ""
                programs[program] = [info.get(program, ("", program))[1], info.get(authority, ("", ""))[1],
                                     authority.removeprefix("authority-")]
    return out, programs


def _links(tables, info, watched: set[str]) -> list[list[str]]:
    """[operator, aircraft, relationship] for sanctioned or watched operators (and watched aircraft)."""
    out = []
    for (rel_type, a, b), rel in tables.rels.items():
        if rel_type not in _LINK_TYPES or "Airplane" not in (a, b) or not {a, b} & set(_OPERATOR_TYPES):
            continue
        for r in rel.rows:
            operator, aircraft = (r[0], r[1]) if b == "Airplane" else (r[1], r[0])
            # registries link most airframes to some operator: only sanctioned or watched ones matter here
            if info.get(operator, ("", "", False))[2] or operator in watched or aircraft in watched:
                out.append([operator, aircraft, rel_type])
    return out


def _flights(tables, followed: set[str]) -> list[list[Any]]:
    """[id, aircraft, departure day, arrival day, from, from country, to, to country, caption, latest day]."""
    performed = {r[1]: r[0] for _, rel in _rels(tables, "PERFORMED") for r in rel.rows if r[0] in followed}
    t = tables.nodes.get("Flight")
    if not performed or t is None:
        return []
    located: dict[str, str] = {}
    ends: dict[str, list[Any]] = {fid: [None, None] for fid in performed}
    for (rel_type, a, b), rel in tables.rels.items():
        if rel_type == "LOCATED_IN" and a == "Airport" and b == "Country":
            for r in rel.rows:
                located.setdefault(r[0], r[1])
        elif rel_type in ("DEPARTED_FROM", "ARRIVED_AT"):
            slot = 0 if rel_type == "DEPARTED_FROM" else 1
            for r in rel.rows:
                e = ends.get(r[0])
                if e is not None and e[slot] is None:
                    e[slot] = r[1]

    def country(end: str | None) -> str | None:
        return end if end and end.startswith("country-") else located.get(end) if end else None

    cols = [t.names.index(c) for c in ("departureDate", "departureTime", "arrivalDate", "arrivalTime", "caption",
                                      "departureDateLatest", "arrivalDateLatest")]
    out = []
    for r in t.rows:
        aircraft = performed.get(r[0])
        if aircraft is None:
            continue
        dep_date = r[cols[0]] or (r[cols[1]] or "")[:10] or None
        arr_date = r[cols[2]] or (r[cols[3]] or "")[:10] or None
        # a log may give a date range: the latest possible day decides "on or after a date"
        latest = max(filter(None, (dep_date, arr_date, r[cols[5]], r[cols[6]])), default=None)
        dep, arr = ends[r[0]]
        out.append([r[0], aircraft, dep_date or arr_date, arr_date or dep_date, dep, country(dep), arr, country(arr),
                    r[cols[4]] or r[0], latest])
    return out


def facts_from_tables(tables, watched: Iterable[str] = ()) -> dict[str, Any]:
    """The facts :func:`changes` compares, from a build's :class:`kgraph.graph.GraphTables`.

    ``watched``: node ids whose links and flights are kept even if nothing
    else makes them worth following.
    """
    watched = set(watched)
    info = _node_info(tables)
    designations, programs = _designations(tables, info)
    links = _links(tables, info, watched)
    followed = {nid for nid, (t, _, s) in info.items() if t == "Airplane" and s} | {a for _, a, _ in links} | watched
    flights = _flights(tables, followed)
    named = {d[1] for d in designations} | {x for o, a, _ in links for x in (o, a)} | watched
    named |= {x for f in flights for x in (f[1], f[4], f[5], f[6], f[7]) if x}
    return {
        "version": FACTS_VERSION,
        "nodes": {nid: [info[nid][0], info[nid][1], int(info[nid][2])] for nid in named if nid in info},
        "programs": programs,
        # a designation's list is the dataset that states it (one program node may serve two OFAC lists)
        "lists": {nid.removeprefix("authority-"): cap for nid, (t, cap, _) in info.items() if t == "Authority"},
        "designations": designations,
        "links": links,
        "flights": flights,
    }


def write_facts(tables, build_dir: str | Path, datadir: DataDir | None = None) -> Path:
    """Write ``facts.json.gz`` into a build directory (the watchlist's ids are followed too)."""
    watched = [e["id"] for e in load_watchlist(datadir)] if datadir is not None else []
    facts = facts_from_tables(tables, watched)
    path = Path(build_dir) / FACTS_FILE
    atomic_write(path, gzip.compress(orjson.dumps(facts), 6))
    return path


def archive_facts(dd: DataDir, build_dir: str | Path) -> Path | None:
    """Keep a published build's facts in ``history/<build id>.json.gz`` and thin out old ones."""
    src = Path(build_dir) / FACTS_FILE
    if not src.exists():
        return None
    hist = dd.root / HISTORY_DIR
    hist.mkdir(parents=True, exist_ok=True)
    target = hist / f"{Path(build_dir).name}.json.gz"
    atomic_write(target, src.read_bytes())
    _prune(dd)
    return target


def _stamp_time(name: str) -> dt.datetime | None:
    """The time of a build id (``20261126T105500123456Z``, microseconds optional)."""
    for size, fmt in ((21, "%Y%m%dT%H%M%S%f"), (15, "%Y%m%dT%H%M%S")):
        try:
            return dt.datetime.strptime(name[:size], fmt).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            continue
    return None


def _history(dd: DataDir) -> list[tuple[dt.datetime, Path]]:
    """Archived facts, oldest first, with their build times."""
    hist = dd.root / HISTORY_DIR
    found = [(_stamp_time(p.name), p) for p in hist.glob("*.json.gz") if not p.name.startswith(".")] \
        if hist.is_dir() else []
    return sorted((t, p) for t, p in found if t is not None)


def _prune(dd: DataDir) -> None:
    """Keep every build of the last KEEP_ALL_DAYS days and the last build of each older day."""
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=KEEP_ALL_DAYS)
    old = [(t, p) for t, p in _history(dd) if t < cutoff]
    last_of_day = {t.date(): p for t, p in old}
    for t, p in old:
        if last_of_day[t.date()] != p:
            p.unlink(missing_ok=True)


def _read_facts(path: Path) -> dict[str, Any]:
    try:
        return orjson.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError) as e:
        # a build's own facts are written again by a build; an archived build's are not: without its file,
        # `changes` compares with the builds before and after it
        mend = "delete it to compare with the other builds kept" if path.parent.name == "history" \
            else REBUILD
        raise DamagedFile(path, e, mend) from None


# --------------------------------------------------------------------------- comparing
def parse_since(since: str | dt.date | dt.datetime | None, today: dt.date | None = None) -> dt.datetime | None:
    """``since`` as an aware UTC datetime: ISO date or datetime, or ``7d`` (seven days ago).

    >>> parse_since("2026-02-01").isoformat()
    '2026-02-01T00:00:00+00:00'
    >>> parse_since("3d", today=dt.date(2026, 2, 4)).date().isoformat()
    '2026-02-01'
    """
    if since is None or since == "":
        return None
    if isinstance(since, dt.datetime):
        return since if since.tzinfo else since.replace(tzinfo=dt.timezone.utc)
    if isinstance(since, dt.date):
        return dt.datetime(since.year, since.month, since.day, tzinfo=dt.timezone.utc)
    text = str(since).strip()
    m = _RELATIVE.match(text)
    if m:
        day = (today or dt.datetime.now(dt.timezone.utc).date()) - dt.timedelta(days=int(m.group(1)))
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise KgraphError(f"--since {text!r}: give a date (2026-02-01), a date and time, "
                          "or a number of days (7d)") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _name(facts: dict[str, Any], nid: str | None) -> str | None:
    n = facts["nodes"].get(nid) if nid else None
    return n[1] if n else nid


def _code(country_id: str | None) -> str | None:
    return country_id.removeprefix("country-") if country_id else None


def _designation_changes(base: dict[str, Any], cur: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """Listings in one set of facts and not the other (a listing re-keyed on the same entity is no change)."""

    def by_key(facts):
        out = {}
        for record, entity, program, date, kind in facts["designations"]:
            out.setdefault((record, program), (entity, date, kind))
        return out

    def rows(facts, mine, other, **extra):
        other_entities = {(v[0], k[1]) for k, v in other.items()}
        out, shown = [], set()
        for (record, program), (entity, date, kind) in sorted(mine.items(), key=lambda kv: (kv[1][1] or "", kv[0])):
            if (record, program) in other or (entity, program) in other_entities or (entity, program) in shown:
                continue
            shown.add((entity, program))
            pcap, authority, list_id = (facts["programs"].get(program) or [program, "", ""])[:3]
            source = record.split(":", 1)[0]
            if source in facts.get("lists", {}):
                list_id, authority = source, facts["lists"][source]
            n = facts["nodes"].get(entity) or [None, entity]
            out.append({"list": list_id, "authority": authority, "program": pcap, "program_id": program, "id": entity,
                        "type": n[0], "name": n[1], "date": date, "date_kind": kind, "record": record,
                        **{k: f(entity) for k, f in extra.items()}})
        return out

    old, new = by_key(base), by_key(cur)
    return rows(cur, new, old), rows(base, old, new, still_in_graph=lambda e: e in cur["nodes"])


def _per_list(added: list[dict], removed: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for kind, rows in (("added", added), ("removed", removed)):
        for r in rows:
            out.setdefault(r["list"] or r["authority"] or "?", {"added": 0, "removed": 0})[kind] += 1
    return out


def compare(base: dict[str, Any], cur: dict[str, Any], *, base_day: str | None = None) -> dict[str, Any]:
    """Designations, aircraft links, flights and destinations new in ``cur`` against ``base``.

    ``base_day`` (ISO date of the baseline): flights of an aircraft that the
    baseline did not follow count as new only from that day on (the rest is
    its history, and its new link is the news).
    """
    added, removed = _designation_changes(base, cur)
    old_links = {(o, a) for o, a, _ in base["links"]}
    aircraft, seen = [], set()
    for operator, plane, rel in cur["links"]:
        if not cur["nodes"].get(operator, [0, 0, 0])[2] or (operator, plane) in old_links or (operator, plane) in seen:
            continue
        seen.add((operator, plane))
        aircraft.append({"operator": operator, "operator_name": _name(cur, operator), "aircraft": plane,
                         "aircraft_name": _name(cur, plane), "relationship": rel,
                         "aircraft_sanctioned": bool(cur["nodes"].get(plane, [0, 0, 0])[2])})
    old_flights = {f[0] for f in base["flights"]}
    followed_before = {f[1] for f in base["flights"]} | {a for _, a, _ in base["links"]} | \
        {nid for nid, n in base["nodes"].items() if n[0] == "Airplane" and n[2]}
    visited: dict[str, set[str]] = {}  # aircraft -> countries it was in before the new flights
    flights = []
    for f in [*base["flights"], *cur["flights"]]:
        is_new = f[0] not in old_flights and (f[1] in followed_before or not base_day or (f[9] or "") >= base_day)
        if not is_new:
            visited.setdefault(f[1], set()).update(c for c in (f[5], f[7]) if c)
            continue
        flights.append({"id": f[0], "name": f[8], "aircraft": f[1], "aircraft_name": _name(cur, f[1]),
                        "departure_date": f[2], "arrival_date": f[3], "from": f[4], "from_name": _name(cur, f[4]),
                        "from_country": _code(f[5]), "to": f[6], "to_name": _name(cur, f[6]),
                        "to_country": _code(f[7])})
    flights.sort(key=lambda x: (x["departure_date"] or "", x["aircraft"], x["id"]))
    destinations = []
    for f in flights:
        reached = visited.setdefault(f["aircraft"], set())
        if f["to_country"] and f"country-{f['to_country']}" not in reached:
            reached.add(f"country-{f['to_country']}")
            destinations.append({"aircraft": f["aircraft"], "aircraft_name": f["aircraft_name"],
                                 "country": f["to_country"], "country_name": _name(cur, f"country-{f['to_country']}"),
                                 "date": f["arrival_date"], "airport": f["to"], "airport_name": f["to_name"],
                                 "flight": f["id"]})
    return {"designations": {"added": added, "removed": removed}, "by_authority": _per_list(added, removed),
            "aircraft": aircraft, "flights": flights, "destinations": destinations}


def _concerning(report: dict[str, Any], watched: set[str], cur: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Keep only what concerns the watched ids, their aircraft and their destinations."""
    kind = {nid: (cur["nodes"].get(nid) or base["nodes"].get(nid) or [None])[0] for nid in watched}
    planes = {p for facts in (cur, base) for o, p, _ in facts["links"] if o in watched or p in watched}
    planes |= {nid for nid in watched if kind[nid] == "Airplane"}
    places = {nid for nid in watched if kind[nid] in ("Airport", "Country") or nid.startswith(("country-", "airport-"))}
    concerned = watched | planes
    added, removed = ([r for r in report["designations"][k] if r["id"] in concerned] for k in ("added", "removed"))
    aircraft = [a for a in report["aircraft"] if a["operator"] in concerned or a["aircraft"] in concerned]
    planes |= {a["aircraft"] for a in aircraft}

    def about(plane: str, *ends: str | None) -> bool:
        return plane in planes or any(e in places for e in ends if e)

    flights = [f for f in report["flights"] if about(f["aircraft"], f["from"], f["to"],
                                                     f"country-{f['from_country']}", f"country-{f['to_country']}")]
    destinations = [x for x in report["destinations"] if about(x["aircraft"], x["airport"], f"country-{x['country']}")]
    return {**report, "designations": {"added": added, "removed": removed}, "by_authority": _per_list(added, removed),
            "aircraft": aircraft, "flights": flights, "destinations": destinations}


def _baseline(dd: DataDir, graph: Path, cur: dict[str, Any], when: dt.datetime | None):
    """(baseline facts, description, its day, notes) for the current build and ``since``."""
    cur_time = _stamp_time(graph.name)
    older = [(t, p) for t, p in _history(dd)
             if p.name != f"{graph.name}.json.gz" and (cur_time is None or t < cur_time)]
    if when is not None and cur_time is not None and when > cur_time:
        return cur, {"kind": "build", "build": graph.name, "built_at": _iso(cur_time)}, when.date().isoformat(), [
            f"the current build ({cur_time:%Y-%m-%d %H:%M} UTC) predates {when:%Y-%m-%d %H:%M}: nothing changed since"]
    candidates = older if when is None else [(t, p) for t, p in older if t < when]
    if candidates:
        t, p = candidates[-1]
        return _read_facts(p), {"kind": "build", "build": p.name[: -len(".json.gz")], "built_at": _iso(t)}, \
            t.date().isoformat(), []
    if when is not None:
        day = when.date().isoformat()
        dated = {**cur, "designations": [d for d in cur["designations"] if not d[3] or d[3] < day],
                 "flights": [f for f in cur["flights"] if not f[9] or f[9] < day]}
        return dated, {"kind": "dates", "since": day}, day, [
            f"no build before {day} is held: changes are told by dates (listing or first-seen dates, flight "
            "dates); removals and new aircraft links cannot be told this way"]
    return cur, {"kind": "none"}, None, ["this is the first build: nothing to compare with yet (try --since DATE)"]


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def changes(*, since: str | dt.date | None = None, watchlist: bool = False,
            datadir: DataDir | str | Path | None = None) -> dict[str, Any]:
    """What changed since the previous build, or since a date; see the module docstring.

    Parameters
    ----------
    since : ISO date or datetime (UTC), or ``"7d"``; None: since the previous build.
    watchlist : keep only what concerns the watchlist's entities.

    Returns
    -------
    dict with ``current`` and ``baseline`` (build id and time; the baseline's
    ``kind`` is ``build``, ``dates`` or ``none``), ``designations``
    (``added``/``removed`` lists), ``by_authority`` (counts per list),
    ``aircraft`` (new links of sanctioned operators), ``flights``,
    ``destinations``, ``notes`` and, with ``watchlist``, ``watched``.

    Example (``dd``: a data directory holding the demo graph)
    -------
    >>> report = kgraph.changes(datadir=dd)
    >>> sorted(k for k in ("designations", "aircraft", "flights", "destinations") if k in report)
    ['aircraft', 'designations', 'destinations', 'flights']
    """
    dd = _dd(datadir)
    graph = dd.require_graph()
    if not (graph / FACTS_FILE).exists():
        raise NoGraph(f"the current graph ({graph.name}) has no {FACTS_FILE}: rebuild it with `kgraph build`")
    cur = _read_facts(graph / FACTS_FILE)
    when = parse_since(since)
    base, baseline, base_day, notes = _baseline(dd, graph, cur, when)
    if base.get("version", 1) < 2 <= cur.get("version", 1):
        notes.append("the baseline's facts were written by an older kgraph, which keyed a listing one record "
                     "asserts by its entity: a record a newer resolution moved to another entity shows as added "
                     "and removed")
    report = compare(base, cur, base_day=base_day)
    cur_time = _stamp_time(graph.name)
    result = {"current": {"build": graph.name, "built_at": _iso(cur_time) if cur_time else None},
              "baseline": baseline, "since": _iso(when) if when else None, **report, "notes": notes}
    if watchlist:
        entries = watch_list(datadir=dd)
        if not entries:
            notes.append("the watchlist is empty: add entries with `kgraph watch add ID|QUERY`")
        notes += [f"watched {e['id']} ({e.get('caption') or e.get('query') or ''}): {e['status']}"
                  for e in entries if e["status"] != "ok"]
        ids = {e["current_id"] for e in entries if e.get("current_id")} | {e["id"] for e in entries}
        result.update(_concerning(report, ids, cur, base), watched=entries)
    return result
