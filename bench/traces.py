"""Benchmark of the flight readers: ADS-B traces, the flight log, airport matching.

Generates, in a temporary folder (or ``--keep DIR``):

* ~1M trace points in the real readsb format: 100 aircraft flying random
  legs (taxi, climb, cruise, descent, coverage gaps), one gzip
  ``trace_full_<hex>.json`` per aircraft and UTC day, globe_history layout;
* a flight log of 200,000 rows;
* 80,000 airports and 200,000 positions to match (the size of OurAirports).

Each reader runs in a fresh interpreter, so the peak RSS printed is that
reader's own. Run from the repository root::

    python bench/traces.py [--points 1000000] [--log-rows 200000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


# --------------------------------------------------------------------------- data
def make_traces(root: Path, points: int, aircraft: int = 100, seed: int = 1) -> int:
    from tests.fixtures.flights.make_traces import flight_points, gz_json, trace_object

    rnd = random.Random(seed)
    per = points // aircraft
    total = 0
    for a in range(aircraft):
        hex_ = f"{0x150000 + a * 37:06x}"
        t = dt.datetime(2026, 1, 25, tzinfo=dt.timezone.utc).timestamp() + rnd.uniform(0, 6 * 3600)
        pos = (rnd.uniform(-50, 65), rnd.uniform(-170, 170))
        pts: list = []
        while len(pts) < per:
            dest = (max(-60.0, min(70.0, pos[0] + rnd.uniform(-25, 25))), ((pos[1] + rnd.uniform(-40, 40) + 180) % 360) - 180)
            air = rnd.uniform(0.5, 1.0)
            gaps = ((1800.0, 1800.0 + rnd.uniform(600, 9000)),) if rnd.random() < 0.3 else ()
            pts += flight_points(pos, dest, t, cruise_ft=rnd.choice((31000, 33000, 35000, 37000)), gaps=gaps,
                                 new_leg_flag=rnd.random() < 0.5, callsign=f"BNC{a:04d} ")
            t = pts[-1][0] + rnd.uniform(1800, 6 * 3600) + air
            pos = dest
        pts = pts[:per]
        by_day: dict[str, list] = {}
        for p in pts:
            by_day.setdefault(dt.datetime.fromtimestamp(p[0], dt.timezone.utc).strftime("%Y/%m/%d"), []).append(p)
        for day, day_pts in by_day.items():
            path = root / day / "traces" / hex_[-2:] / f"trace_full_{hex_}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gz_json(trace_object(day_pts, hex_=hex_, reg=f"RA-{70000 + a}")))
        total += len(pts)
    return total


def make_log(path: Path, rows: int, seed: int = 2) -> None:
    from ingest.flightlog import COLUMNS

    rnd = random.Random(seed)
    codes = ["ULLI", "URSS", "DAAG", "GQNO", "MDSD", "MUSA", "UUEE", "USSS", "SVMI", "MNMG"]
    countries = ["RU", "DZ", "MR", "DO", "CU", "VE", "NI", "Algeria", "Mauritania"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(rows):
            d = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(700))
            dep = d.isoformat() if rnd.random() < 0.6 else f"{d}/{d + dt.timedelta(days=10)}"
            arr = (d + dt.timedelta(days=1)).isoformat()
            w.writerow([f"leg-{i}", dep, arr, f"RA-{rnd.randrange(70000, 80000)}", f"{rnd.randrange(0x140000, 0x15869f):06x}",
                        "", rnd.choice(codes + [""]), rnd.choice(countries), rnd.choice(codes + [""]),
                        rnd.choice(countries), "Bench report, 2026", "https://example.org/x", "generated row"])


# --------------------------------------------------------------------------- measurements (child processes)
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure_traces(folder: str) -> dict:
    from ingest.adsb_traces import parse
    from kgraph.model import Node, ParseReport

    report = ParseReport(source="adsb_traces")
    start = time.perf_counter()
    legs = sum(1 for r in parse(Path(folder), report=report) if isinstance(r, Node))
    seconds = time.perf_counter() - start
    return {"reader": "traces", "points": report.read, "legs": legs, "seconds": round(seconds, 2),
            "points_per_s": round(report.read / seconds), "peak_rss_mb": round(_peak_mb(), 1)}


def measure_log(path: str) -> dict:
    from ingest.flightlog import parse
    from kgraph.model import ParseReport

    report = ParseReport(source="flightlog")
    start = time.perf_counter()
    records = sum(1 for _ in parse(Path(path), report=report))
    seconds = time.perf_counter() - start
    return {"reader": "flightlog", "rows": report.read, "kept": report.kept, "records": records,
            "seconds": round(seconds, 2), "rows_per_s": round(report.read / seconds), "peak_rss_mb": round(_peak_mb(), 1)}


def measure_matching(n_airports: str, n_queries: str) -> dict:
    from kgraph.airport_index import AirportIndex
    from kgraph.model import Node, Provenance

    rnd = random.Random(3)
    kinds = ["large_airport", "medium_airport", "small_airport", "small_airport", "heliport", "closed"]
    p = Provenance("bench", "x")
    # airports cluster like real ones: dense regions and empty oceans
    centres = [(rnd.uniform(-45, 65), rnd.uniform(-170, 170)) for _ in range(300)]
    airports = []
    for i in range(int(n_airports)):
        c = rnd.choice(centres)
        airports.append(Node(f"airport-A{i}", "Airport", {"latitude": [str(c[0] + rnd.gauss(0, 3))],
                                                            "longitude": [str(((c[1] + rnd.gauss(0, 4)) + 180) % 360 - 180)],
                                                            "airportType": [rnd.choice(kinds)]}, p))
    start = time.perf_counter()
    idx = AirportIndex(airports)
    built = time.perf_counter() - start
    queries = [(float(a.first("latitude")) + rnd.uniform(-0.2, 0.2), float(a.first("longitude")) + rnd.uniform(-0.2, 0.2))
               for a in rnd.choices(airports, k=int(n_queries) // 2)]
    queries += [(rnd.uniform(-60, 70), rnd.uniform(-180, 180)) for _ in range(int(n_queries) - len(queries))]
    start = time.perf_counter()
    hits = sum(1 for lat, lon in queries if idx.nearest(max(-90, min(90, lat)), ((lon + 180) % 360) - 180, 30.0))
    seconds = time.perf_counter() - start
    return {"reader": "airport matching", "airports": idx.size, "index_build_s": round(built, 2),
            "queries": len(queries), "matched": hits, "seconds": round(seconds, 2),
            "queries_per_s": round(len(queries) / seconds), "peak_rss_mb": round(_peak_mb(), 1)}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", *args], check=True, capture_output=True, text=True,
                         cwd=REPO, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--log-rows", type=int, default=200_000)
    ap.add_argument("--airports", type=int, default=80_000)
    ap.add_argument("--queries", type=int, default=200_000)
    ap.add_argument("--keep", type=Path, help="write the generated data here and keep it")
    ap.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        kind, *rest = args.measure
        fn = {"traces": measure_traces, "log": measure_log, "matching": measure_matching}[kind]
        print(json.dumps(fn(*rest)))
        return
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        n = make_traces(root / "traces", args.points)
        files = list((root / "traces").rglob("trace_full_*.json"))
        size = sum(f.stat().st_size for f in files)
        print(f"generated {n:,} trace points in {len(files)} gzip files ({size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - start:.1f} s")
        make_log(root / "log.csv", args.log_rows)
        print(f"generated a flight log of {args.log_rows:,} rows ({(root / 'log.csv').stat().st_size / 1e6:.1f} MB)")
        for job in (("traces", str(root / "traces")), ("log", str(root / "log.csv")),
                    ("matching", str(args.airports), str(args.queries))):
            print(json.dumps(_child(*job)), flush=True)


if __name__ == "__main__":
    main()
