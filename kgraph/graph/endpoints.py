"""Edge ends: node ids and identifier keys resolved to the merged nodes of the graph.

Records name an edge's ends by node id (``ofac-40181``) or by identifier key
(``icao24-1533ad``, ``tail-RA78765``, ``airport-MUSA``, ``country-CU``,
``id-tax-6658039390``). :class:`Endpoints` turns either into cluster ids:

* a node id (a record's id or a cluster id) maps to its cluster;
* a key maps to every merged node that holds it (:func:`kgraph.ids.node_keys`),
  keeping only the node types the relationship allows at that end, so
  ``tail-RA78765`` is the airframe for ``PERFORMED`` and the Registration node
  for ``REGISTERED_AS``;
* a ``tail-`` key held by several airframes over time resolves to the one
  whose registration was valid on the date of the other end (a flight's date
  range, else the edge's start/listing date or its snapshot); when that does
  not single one out, every candidate is linked and the ambiguity recorded;
* ``country-XX`` with no Country node creates one from :mod:`kgraph.refdata.countries`.

What cannot be resolved comes back with a reason, for the build audit.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from ..ids import KEY_PREFIXES, property_keys
from ..resolve.entity import airframe_tails
from ..schema import schema

__all__ = ["Endpoints", "date_range", "overlaps"]

#: node types whose properties yield identifier keys (others are skipped when indexing)
KEYED_TYPES = ("Organization", "Person", "Airplane", "Vessel", "Airport", "Country", "Registration")

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})T")


def _bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day a (possibly partial) ISO date or a snapshot stamp can mean."""
    if not value:
        return None
    m = _COMPACT.match(value)
    if m:
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return d, d
    m = _DATE.match(value)
    if not m:
        return None
    try:
        y = int(m[1])
        if m[2] is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        mo = int(m[2])
        if m[3] is None:
            nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
            return dt.date(y, mo, 1), nxt - dt.timedelta(days=1)
        d = dt.date(y, mo, int(m[3]))
        return d, d
    except ValueError:
        return None


def date_range(values: list[str | None]) -> tuple[dt.date, dt.date] | None:
    """The span of days covered by any of ``values`` (ISO dates, partial dates, snapshot stamps).

    >>> date_range(["2026-01-20", "2026-02"])
    (datetime.date(2026, 1, 20), datetime.date(2026, 2, 28))
    >>> date_range(["soon"]) is None
    True
    """
    lows, highs = [], []
    for v in values:
        b = _bounds(v)
        if b:
            lows.append(b[0])
            highs.append(b[1])
    return (min(lows), max(highs)) if lows else None


def overlaps(interval: tuple[str | None, str | None], when: tuple[dt.date, dt.date]) -> bool:
    """Whether a validity interval (ISO from/until, None = open) meets the day range ``when``.

    >>> import datetime as dt
    >>> overlaps(("2020-01-01", None), (dt.date(2026, 1, 20), dt.date(2026, 2, 1)))
    True
    >>> overlaps(("2020-01-01", "2021-05"), (dt.date(2026, 1, 20), dt.date(2026, 2, 1)))
    False
    """
    start, until = interval
    lo = _bounds(start)
    hi = _bounds(until)
    if lo and lo[0] > when[1]:
        return False
    if hi and hi[1] < when[0]:
        return False
    return True


class Endpoints:
    """Resolve edge ends to cluster ids.

    Parameters
    ----------
    types : dict
        cluster id -> node type of every node in the graph (updated in place
        when a Country node is created).
    id_map : dict
        record id -> cluster id, for the records whose id is not a node id.
    validity : dict
        (airframe cluster id, normalised tail) -> list of (from, until) ISO
        intervals, from the registration history.
    create_country : callable
        ``create_country(code) -> node id or None``: adds a Country node from
        the reference data (None when the code is unknown).
    keys : dict, optional
        Identifier keys already known, in :attr:`keys`' form (taken over, not
        copied): the resolution's, with its shared keys.
    """

    def __init__(self, types: dict[str, str], id_map: dict[str, str],
                 validity: dict[tuple[str, str], list[tuple[str | None, str | None]]],
                 create_country: Callable[[str], str | None], keys: dict[str, str | list[str]] | None = None):
        self.types = types
        self.id_map = id_map
        self.validity = validity
        self.create_country = create_country
        #: identifier key -> the one node holding it, or a list of the several that do: a list per key was
        #: 0.12 GB at full size (1.85M keys, nearly all held once)
        self.keys: dict[str, str | list[str]] = {} if keys is None else keys
        # the properties that can yield keys (kgraph.ids.node_keys looks at every property; same result)
        self._keyed = {t: (*schema().node(t).identifiers, *(("registrationNumber",) if t == "Registration" else ()))
                       for t in KEYED_TYPES}

    def index(self, cid: str, node_type: str, props: dict[str, list[str]]) -> None:
        """Index the identifier keys of one merged node."""
        keyed = self._keyed.get(node_type)
        if not keyed:
            return
        for prop in keyed:
            values = props.get(prop)
            if not values:
                continue
            for key in property_keys(node_type, prop, values):
                self.hold(key, cid)
        if node_type == "Airplane":  # and an airframe named by its tail, as the resolution files it
            for tail in airframe_tails(props):
                self.hold("tail-" + tail, cid)

    def hold(self, key: str, cid: str) -> None:
        """File one identifier key under one node."""
        holders = self.keys.get(key)
        if holders is None:
            self.keys[key] = cid
        elif holders.__class__ is str:
            if holders != cid:
                self.keys[key] = [holders, cid]
        elif cid not in holders:
            holders.append(cid)

    def holders(self, key: str) -> list[str]:
        """The nodes holding an identifier key."""
        h = self.keys.get(key)
        return [] if h is None else [h] if h.__class__ is str else h

    def resolve(self, ref: str, allowed: frozenset[str] | set[str],
                when: Callable[[], tuple[dt.date, dt.date] | None] | None = None
                ) -> tuple[list[str], str | None, dict[str, Any] | None]:
        """``(cluster ids, reason when none, ambiguity record or None)`` for one edge end.

        ``allowed`` is the set of node types the relationship accepts at this
        end; ``when`` gives the day range used to choose among the airframes
        that held a tail (called only when needed).
        """
        cid = ref if ref in self.types else self.id_map.get(ref)
        if cid is not None:
            t = self.types.get(cid)
            if t in allowed:
                return [cid], None, None
            if not ref.startswith(KEY_PREFIXES):
                return [], f"{t} node not allowed here", None
        if not ref.startswith(KEY_PREFIXES):
            return [], "no such node", None
        holders = [c for c in self.holders(ref) if self.types.get(c) in allowed]
        if len(holders) == 1:
            return holders, None, None
        if holders:
            return self._choose(ref, holders, when)
        if ref.startswith("country-") and "Country" in allowed:
            created = self.create_country(ref[len("country-"):])
            if created:
                return [created], None, None
            return [], "unknown country code", None
        if cid is not None:
            return [], f"{self.types.get(cid)} node not allowed here", None
        prefix = ref.split("-", 1)[0]
        return [], f"no node holds this {prefix} key", None

    def _choose(self, ref: str, holders: list[str], when) -> tuple[list[str], None, dict[str, Any]]:
        """Pick among several holders of one key; ambiguity is recorded, never hidden."""
        holders = sorted(holders)
        days = when() if (when is not None and ref.startswith("tail-")) else None
        if days is not None:
            tail = ref[len("tail-"):]
            valid = [c for c in holders
                     if any(overlaps(iv, days) for iv in self.validity.get((c, tail), [(None, None)]))]
            if len(valid) == 1:
                return valid, None, None
        record = {"key": ref, "candidates": holders,
                  "when": [days[0].isoformat(), days[1].isoformat()] if days else None}
        return holders, None, record
