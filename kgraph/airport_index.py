"""The nearest airport to a position: great-circle distance and a grid of airports.

:class:`AirportIndex` answers "which airport is this point at" without a
scan of 80,000 airports; :func:`kgraph.flights.link_positions` uses it to
give trace legs, which carry positions and no codes, their airports. Plain
geometry that knows nothing of flights, so it is a module of its own (and
:mod:`kgraph.flights` was over 500 lines with it).
"""
from __future__ import annotations

import math
from typing import Iterable

from .model import Node

__all__ = ["haversine_km", "AirportIndex", "TYPE_PENALTY_KM"]

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEG_LAT = 111.195  # 2*pi*R/360 with the radius above

#: When several airports are within reach, each one's distance is increased by
#: this much before picking the smallest: a trace ending 2 km from a large
#: airport's reference point and 1.5 km from a hospital heliport landed at the
#: airport. The real distance is what gets reported.
TYPE_PENALTY_KM = {"large_airport": 0.0, "medium_airport": 1.0, "small_airport": 3.0, "seaplane_base": 8.0,
                   "heliport": 8.0, "balloonport": 10.0, "closed": 10.0}
_DEFAULT_PENALTY_KM = 3.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees.

    >>> round(haversine_km(59.8003, 30.2625, 43.4499, 39.9566))  # Pulkovo to Sochi
    1933
    >>> haversine_km(22.8715, -82.5093, 22.8715, -82.5093)
    0.0
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _float(node: Node, prop: str) -> float | None:
    value = node.first(prop)
    try:
        f = float(value) if value is not None else None
    except ValueError:
        return None
    return f if f is not None and math.isfinite(f) else None


class AirportIndex:
    """Airports on a latitude/longitude grid, for nearest-airport queries without a linear scan.

    Parameters
    ----------
    airports : iterable of Node
        Airport nodes with ``latitude``/``longitude``; others are skipped
        (counted in :attr:`skipped`).
    cell_deg : float
        Grid cell size in degrees. A query looks only at the cells that a
        circle of ``max_km`` can touch, so 80,000 airports cost a few dozen
        distance computations per query.
    type_penalty_km : dict, optional
        Preference for larger airports when several are within reach (see
        :data:`TYPE_PENALTY_KM`); ``{}`` picks the plainly nearest.

    Examples
    --------
    >>> from kgraph.model import Node, Provenance
    >>> p = Provenance("ourairports", "x")
    >>> idx = AirportIndex([
    ...     Node("airport-MUSA", "Airport", {"latitude": ["22.8715"], "longitude": ["-82.5093"],
    ...          "airportType": ["small_airport"]}, p),
    ...     Node("airport-MUHA", "Airport", {"latitude": ["22.9892"], "longitude": ["-82.4091"],
    ...          "airportType": ["large_airport"]}, p)])
    >>> idx.nearest(22.872, -82.51)
    ('airport-MUSA', 0.09)
    >>> idx.nearest(30.0, -40.0) is None
    True
    """

    def __init__(self, airports: Iterable[Node], *, cell_deg: float = 0.5,
                 type_penalty_km: dict[str, float] | None = None):
        self.cell_deg = cell_deg
        self._n_lon = max(1, int(round(360.0 / cell_deg)))
        self.penalty = TYPE_PENALTY_KM if type_penalty_km is None else type_penalty_km
        self._cells: dict[tuple[int, int], list[tuple[float, float, str, float]]] = {}
        self.size = 0
        self.skipped = 0
        default = _DEFAULT_PENALTY_KM if self.penalty else 0.0
        for node in airports:
            lat, lon = _float(node, "latitude"), _float(node, "longitude")
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.skipped += 1
                continue
            penalty = self.penalty.get(node.first("airportType") or "", default)
            self._cells.setdefault(self._cell(lat, lon), []).append((lat, lon, node.id, penalty))
            self.size += 1

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell_deg), math.floor((lon + 180.0) / self.cell_deg) % self._n_lon

    def within(self, lat: float, lon: float, max_km: float) -> list[tuple[str, float, float]]:
        """Every airport within ``max_km``: (node id, distance km, type penalty km), nearest first."""
        c = self.cell_deg
        dlat = max_km / KM_PER_DEG_LAT
        i0, i1 = math.floor((lat - dlat) / c), math.floor((lat + dlat) / c)
        # the widest longitude span of a spherical cap of radius max_km around the point
        rho, phi = max_km / EARTH_RADIUS_KM, math.radians(abs(lat))
        if phi + rho >= math.pi / 2:
            dlon = 360.0  # the cap covers a pole: every longitude
            j_range: Iterable[int] = range(self._n_lon)
        else:
            dlon = math.degrees(math.asin(min(1.0, math.sin(rho) / math.cos(phi))))
            j0, j1 = math.floor((lon - dlon + 180.0) / c), math.floor((lon + dlon + 180.0) / c)
            j_range = range(self._n_lon) if j1 - j0 + 1 >= self._n_lon else {j % self._n_lon for j in range(j0, j1 + 1)}
        # cheap box test first: most candidates in the touched cells are outside the circle
        box_lat, box_lon = dlat * 1.001 + 1e-9, dlon * 1.001 + 1e-9
        out = []
        cells = self._cells
        for i in range(i0, i1 + 1):
            for j in j_range:
                bucket = cells.get((i, j))
                if not bucket:
                    continue
                for alat, alon, aid, pen in bucket:
                    if abs(alat - lat) > box_lat:
                        continue
                    dl = abs(alon - lon)
                    if dl > 180.0:
                        dl = 360.0 - dl
                    if dl > box_lon:
                        continue
                    d = haversine_km(lat, lon, alat, alon)
                    if d <= max_km:
                        out.append((aid, d, pen))
        out.sort(key=lambda t: (t[1], t[0]))
        return out

    def nearest(self, lat: float, lon: float, max_km: float = 30.0) -> tuple[str, float] | None:
        """The airport a position belongs to: (node id, distance km rounded to 0.01), or None.

        Among the airports within ``max_km`` the one with the smallest
        distance plus type penalty wins; ties go to the nearer, then to the
        smaller id, so results are reproducible.
        """
        found = self.within(lat, lon, max_km)
        if not found:
            return None
        aid, d, _ = min(found, key=lambda t: (t[1] + t[2], t[1], t[0]))
        return aid, round(d, 2)
