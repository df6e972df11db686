"""OurAirports: airports and countries (``airports.csv``, ``countries.csv``).

Each airport row becomes an Airport ``airport-<ident>`` with a LOCATED_IN
edge (role "airport") to ``country-<ISO2>``; each country row a Country
``country-<code>``. ``ident`` is the key: small and military fields such as
San Antonio de los Banos (``MUSA``) have empty ``icao_code``/``iata_code``
columns, so flight legs are joined on ``ident``/``gps_code`` (all four codes
are identifier keys of the node).

Two traps of the CSV: ``NA`` is a value (continent North America, Namibia's
code), never a null -- this reader keeps every value as text; and the
official files quote strings while derived copies (``airports-lite.csv``)
do not -- both read the same. ``regions.csv`` is not needed: ``region`` is
the ISO 3166-2 code.

``parse`` takes the folder or the airports file (countries.csv beside it).
``skip_types`` (e.g. ``("heliport", "closed")``) rejects those rows with a
counted reason instead of loading them.

Example
-------
>>> recs = list(parse("../shared/corpus/aviation/ourairports"))  # doctest: +SKIP
>>> [r.props["name"] for r in recs if r.id == "airport-MUSA"]  # doctest: +SKIP
[['San Antonio de los Baños Airfield']]
"""
from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterable, Iterator

from kgraph.errors import SourceFormatError
from kgraph.ids import country_id
from kgraph.model import Edge, Node, ParseReport, Provenance, Record
from kgraph.sources import Source, SourceFile

__all__ = ["SOURCE", "parse"]

DATASET = "ourairports"
_BASES = ("https://davidmegginson.github.io/ourairports-data/", "https://ourairports.com/data/")

SOURCE = Source(
    name="airports",
    title="OurAirports airports and countries",
    datasets=(DATASET,),
    publisher="OurAirports (David Megginson and contributors)",
    licence="public domain (Unlicense dedication)",
    cadence="nightly",
    homepage="https://ourairports.com/data/",
    files=(SourceFile("airports.csv", tuple(b + "airports.csv" for b in _BASES), kind="csv"),
           SourceFile("countries.csv", tuple(b + "countries.csv" for b in _BASES), kind="csv")),
    # ~84k airports in 2026 (70k-90k), ~250 countries
    assertions={"read": [70_000, 100_500], "nodes": {"Airport": [70_000, 100_000], "Country": [200, 300]},
                "fill": {"Airport.name": 0.99}},
    prefix="airport",
)

_AIRPORT_REQUIRED = ("ident", "type", "name", "iso_country")
_AIRPORT_KNOWN = {"id", "ident", "type", "name", "latitude_deg", "longitude_deg", "elevation_ft", "continent",
                  "iso_country", "iso_region", "municipality", "scheduled_service", "icao_code", "iata_code",
                  "gps_code", "local_code", "home_link", "wikipedia_link", "keywords"}
_COUNTRY_KNOWN = {"id", "code", "name", "continent", "wikipedia_link", "keywords"}


def _rows(path: Path, required: Iterable[str], known: set[str], report: ParseReport) -> Iterator[tuple[int, dict]]:
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except OSError as e:
        raise SourceFormatError(path, None, f"cannot read: {e}") from None
    with f:
        # plain csv: every value stays text, so "NA" (North America, Namibia) is never a missing value
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise SourceFormatError(path, 1, f"not an OurAirports header: missing {', '.join(missing)}")
            unknown = [h for h in header if h not in known]
            for row in reader:
                if not row or not any(v.strip() for v in row):
                    continue
                report.read += 1
                if len(row) != len(header):
                    report.reject(f"expected {len(header)} fields, found {len(row)}", file=path.name,
                                  line=reader.line_num)
                    continue
                values = {h: v.strip() for h, v in zip(header, row)}
                for h in unknown:
                    if values[h]:
                        report.unknown(h, file=path.name)
                yield reader.line_num, values
        except UnicodeDecodeError as e:
            raise SourceFormatError(path, reader.line_num + 1, f"not UTF-8: {e}") from None
        except csv.Error as e:
            raise SourceFormatError(path, reader.line_num, str(e)) from None


def _number(value: str, report: ParseReport, field: str, where: str, lo: float, hi: float) -> str | None:
    if not value:
        return None
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not lo <= x <= hi:  # also false for NaN
        report.warn("bad number", field=field, value=value, where=where)
        return None
    return value


def _countries(path: Path, report: ParseReport, snapshot: str | None) -> Iterator[Record]:
    for line, row in _rows(path, ("code", "name"), _COUNTRY_KNOWN, report):
        code = row["code"].upper()
        if len(code) != 2 or not code.isalpha():
            report.reject("country code is not two letters", value=row["code"], line=line)
            continue
        report.kept += 1
        prov = Provenance(DATASET, f"country:{code}", snapshot)
        yield Node(country_id(code), "Country", {"code": [code], "name": [row["name"]],
                                                 "continent": [row.get("continent")]}, prov)


def _airports(path: Path, report: ParseReport, snapshot: str | None, skip: set[str]) -> Iterator[Record]:
    for line, row in _rows(path, _AIRPORT_REQUIRED, _AIRPORT_KNOWN, report):
        ident, kind = row["ident"], row["type"]
        where = f"{path.name}:{line}"
        if not ident:
            report.reject("no ident", line=line)
            continue
        if kind in skip:
            report.reject(f"airport type {kind} skipped (skip_types)", ident=ident)
            continue
        report.kept += 1
        prov = Provenance(DATASET, row.get("id") or ident, snapshot)
        country = row["iso_country"].upper()
        props = {
            "ident": [ident],
            "icaoCode": [row.get("icao_code")],
            "iataCode": [row.get("iata_code")],
            "gpsCode": [row.get("gps_code")],
            "localCode": [row.get("local_code")],
            "name": [row["name"]],
            "airportType": [kind],
            "latitude": [_number(row.get("latitude_deg", ""), report, "latitude_deg", where, -90, 90)],
            "longitude": [_number(row.get("longitude_deg", ""), report, "longitude_deg", where, -180, 180)],
            "elevationFt": [_number(row.get("elevation_ft", ""), report, "elevation_ft", where, -1500, 30000)],
            "municipality": [row.get("municipality")],
            "region": [row.get("iso_region")],
            "country": [country],
            # one quoted field holding a comma-separated list
            "keywords": [k for k in (row.get("keywords") or "").split(",")],
        }
        nid = f"airport-{ident}"
        yield Node(nid, "Airport", props, prov)
        if len(country) == 2 and country.isalpha():
            yield Edge("LOCATED_IN", nid, country_id(country), {"role": ["airport"]}, prov)
        else:
            report.warn("airport without a country code", ident=ident, value=country)


def _find(folder: Path, *names: str) -> Path | None:
    for n in names:
        if (folder / n).is_file():
            return folder / n
    return None


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None,
          skip_types: Iterable[str] = ()) -> Iterator[Record]:
    """Country, Airport and LOCATED_IN records from OurAirports files (folder or airports file)."""
    path = Path(path)
    report = report if report is not None else ParseReport(DATASET, str(path))
    if path.is_dir():
        airports, folder = _find(path, "airports.csv", "airports-lite.csv"), path
    else:
        airports, folder = path, path.parent
    if airports is None or not airports.exists():
        raise SourceFormatError(path, None, "no airports.csv found")
    countries = _find(folder, "countries.csv")
    if countries is None:
        report.warn("no countries.csv beside airports.csv: Country nodes come from other sources only")
    else:
        yield from report.count(_countries(countries, report, snapshot))
    yield from report.count(_airports(airports, report, snapshot, set(skip_types)))
