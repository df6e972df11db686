"""Throughput and peak memory of the aircraft-registry and airport readers on full-size inputs.

Generates inputs in the real formats into a temporary folder (FAA MASTER
~300k rows with ACFTREF and ENGINE, OpenSky aircraft-database-complete
~600k rows, a ru-aircraft-db style SQLite, a CCARCS carscurr.txt, OurAirports
~80k airports), then runs each reader in its own subprocess (so peak RSS is
that reader's alone) and prints rows/s and peak RSS.

Usage::

    /tmp/kgvenv/bin/python bench/aviation_readers.py [--scale 1.0] [--keep DIR]

Goals: each registry under 15 s and under 1 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_FAA_HEADER = ("N-NUMBER,SERIAL NUMBER,MFR MDL CODE,ENG MFR MDL,YEAR MFR,TYPE REGISTRANT,NAME,STREET,STREET2,CITY,"
               "STATE,ZIP CODE,REGION,COUNTY,COUNTRY,LAST ACTION DATE,CERT ISSUE DATE,CERTIFICATION,TYPE AIRCRAFT,"
               "TYPE ENGINE,STATUS CODE,MODE S CODE,FRACT OWNER,AIR WORTH DATE,OTHER NAMES(1),OTHER NAMES(2),"
               "OTHER NAMES(3),OTHER NAMES(4),OTHER NAMES(5),EXPIRATION DATE,UNIQUE ID,KIT MFR, KIT MODEL,"
               "MODE S CODE HEX,")
_FAA_WIDTHS = (5, 30, 7, 5, 4, 1, 50, 33, 33, 18, 2, 10, 1, 3, 2, 8, 8, 10, 1, 2, 2, 8, 1, 8, 50, 50, 50, 50, 50,
               8, 8, 30, 20, 10)


def _faa_row(i: int, rnd: random.Random) -> str:
    from kgraph.refdata.icao import hex_to_n_number

    hexaddr = 0xA00001 + (i * 3) % 0xDF7C7
    n = hex_to_n_number(hexaddr)[1:]
    owner_kind = rnd.choice("13377")
    name = (f"OWNER {i % 50000} LLC" if owner_kind != "1" else f"SMITH JOHN {i % 90000}")
    values = (n, f"SN{i:07d}", f"{rnd.randrange(95_000):07d}", f"{rnd.randrange(999):05d}", str(rnd.randrange(1940, 2025)),
              owner_kind, name, f"{i % 997} MAIN ST", "", "SPRINGFIELD", "IL", "62701", "3", "167", "US",
              "20230616", "19881026", "1N", "4", "1", "V", f"{hexaddr:08o}", "", "20050107", "", "", "", "", "",
              "20281031", f"{i:08d}", "", "", f"{hexaddr:06X}")
    return ",".join(v.ljust(w) for v, w in zip(values, _FAA_WIDTHS)) + ","


def make_faa(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(1)
    with open(folder / "MASTER.txt", "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff" + _FAA_HEADER + "\r\n")
        for i in range(rows):
            f.write(_faa_row(i, rnd) + "\r\n")
    with open(folder / "ACFTREF.txt", "w", encoding="utf-8", newline="") as f:
        f.write("\ufeffCODE,MFR,MODEL,TYPE-ACFT,TYPE-ENG,AC-CAT,BUILD-CERT-IND,NO-ENG,NO-SEATS,AC-WEIGHT,SPEED,"
                "TC-DATA-SHEET,TC-DATA-HOLDER,\r\n")
        for code in range(0, 95_000):  # the real ACFTREF has ~95k make/model/series codes
            f.write(f"{code:07d},{'CESSNA':<30},{'172S':<20},4,1 ,1,0,01,004,CLASS 1,0122,{'3A12':<15},{'':<50},\r\n")
    with open(folder / "ENGINE.txt", "w", encoding="utf-8", newline="") as f:
        f.write("\ufeffCODE,MFR,MODEL,TYPE,HORSEPOWER,THRUST,\r\n")
        for code in range(0, 999):
            f.write(f"{code:05d},{'LYCOMING':<10},{'O-360':<13},1 ,00180,000000,\r\n")
    return folder


_OPENSKY_COLS = ("icao24,timestamp,acars,adsb,built,categoryDescription,country,engines,firstFlightDate,firstSeen,"
                 "icaoAircraftClass,lineNumber,manufacturerIcao,manufacturerName,model,modes,nextReg,notes,operator,"
                 "operatorCallsign,operatorIata,operatorIcao,owner,prevReg,regUntil,registered,registration,selCal,"
                 "serialNumber,status,typecode,vdl").split(",")


def make_opensky(path: Path, rows: int) -> Path:
    rnd = random.Random(2)
    q = lambda v: "'" + v.replace("'", "''") + "'"  # noqa: E731
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(q(c) for c in _OPENSKY_COLS) + "\n")
        for i in range(rows):
            hexaddr = f"{0x100000 + i * 17:06x}"
            op = rnd.choice(("", "Aviacon Zitotrans", "Van's Air", f"Operator {i % 3000}"))
            vals = {c: "" for c in _OPENSKY_COLS}
            vals.update(icao24=q(hexaddr), timestamp=q("2024-06-25 12:35:50"), acars="0", adsb="0", modes="0", vdl="0",
                        country="Russia", model=q("Il-76TD"), manufacturerName=q("Ilyushin"), typecode="IL76",
                        registration=q(f"RA-{i % 100000:05d}"), serialNumber=q(str(83486590 + i)),
                        operator=q(op), operatorIcao=q("AZS" if op.startswith("Aviacon") else ""),
                        operatorCallsign=q("ZITOTRANS" if op.startswith("Aviacon") else ""), owner=q(""),
                        built=q("1986-01-01") if i % 3 else "")
            f.write(",".join(vals[c] for c in _OPENSKY_COLS) + "\n")
    return path


def make_ru_db(path: Path, rows: int) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE aircraftdb (icao_24bit_address TEXT, registration TEXT NOT NULL UNIQUE, aircraft_type TEXT,"
                " model TEXT, serial_number TEXT, airline TEXT, operator TEXT, airline_code TEXT, operator_code TEXT,"
                " timestamp TEXT)")
    con.executemany("INSERT INTO aircraftdb VALUES (?,?,?,?,?,?,?,?,?,?)", (
        (f"{0x140000 + i:06X}", f"RA-{i:05d}", "IL76", "Ilyushin Il-76TD", str(83486590 + i), "Aviacon Zitotrans",
         "-" if i % 2 else "Aviacon Zitotrans", "ZR / AZS", "-", "2023-08-13 10:00:37") for i in range(rows)))
    con.commit()
    con.close()
    return path


def make_ccarcs(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="latin-1", newline="") as f:
        for i in range(rows):
            mark = "FGI"[i // 24 ** 3 % 3] + "".join(_LETTERS[(i // 24 ** k) % 24] for k in range(3))
            fields = [""] * 47
            fields[0], fields[3], fields[4], fields[5] = f" {mark}", "Cessna", "172S", f"172S{i:05d}"
            fields[22], fields[31], fields[38] = "2001/05/04", "2000/01/01", "Registered"
            fields[42] = format(0xC00000 + i, "024b")
            fields[46] = mark
            f.write(",".join(f'"{v}"' for v in fields) + "\r\n")
        f.write(f"\r\n{rows} rows selected.\r\n")
    return path


def make_airports(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "airports.csv", "w", encoding="utf-8", newline="") as f:
        f.write('"id","ident","type","name","latitude_deg","longitude_deg","elevation_ft","continent","iso_country",'
                '"iso_region","municipality","scheduled_service","icao_code","iata_code","gps_code","local_code",'
                '"home_link","wikipedia_link","keywords"\n')
        for i in range(rows):
            ident = f"X{i:05d}"
            f.write(f'{i},"{ident}","small_airport","Field {i}",22.8715,-82.5093,164,"NA","CU","CU-15",'
                    f'"San Antonio","no",,,"{ident}",,,,"a, b"\n')
    with open(folder / "countries.csv", "w", encoding="utf-8", newline="") as f:
        f.write('"id","code","name","continent","wikipedia_link","keywords"\n')
        f.write('1,"CU","Cuba","NA","https://en.wikipedia.org/wiki/Cuba",\n')
    return folder


_RUNNER = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
import importlib
module = importlib.import_module({module!r})
from kgraph.model import ParseReport
report = ParseReport("bench")
t = time.perf_counter()
n = 0
for _ in module.parse({path!r}, report=report, **{kwargs!r}):
    n += 1
elapsed = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"read": report.read, "records": n, "seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(module: str, path: Path, **kwargs) -> dict:
    code = _RUNNER.format(repo=str(REPO), module=module, path=str(path), kwargs=kwargs)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    ap.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    ap.add_argument("--only", help="comma list: faa,opensky,ru_aircraft_db,ca_ccarcs,ourairports")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    sizes = {"faa": 300_000, "opensky": 600_000, "ru_aircraft_db": 100_000, "ca_ccarcs": 40_000, "ourairports": 85_000}
    only = set(args.only.split(",")) if args.only else set(sizes)
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        jobs = []
        n = {k: int(v * args.scale) for k, v in sizes.items()}
        t = time.perf_counter()
        if "faa" in only:
            jobs.append(("faa", "ingest.us_faa", make_faa(base / "faa", n["faa"]), {}))
        if "opensky" in only:
            jobs.append(("opensky", "ingest.opensky_aircraft",
                         make_opensky(base / "aircraft-database-complete-2025-08.csv", n["opensky"]), {}))
        if "ru_aircraft_db" in only:
            jobs.append(("ru_aircraft_db", "ingest.aircraft_list", make_ru_db(base / "aircraft.db", n["ru_aircraft_db"]),
                         {"mapping": "ru_aircraft_db"}))
        if "ca_ccarcs" in only:
            jobs.append(("ca_ccarcs", "ingest.aircraft_list", make_ccarcs(base / "carscurr.txt", n["ca_ccarcs"]),
                         {"mapping": "ca_ccarcs"}))
        if "ourairports" in only:
            jobs.append(("ourairports", "ingest.ourairports", make_airports(base / "ourairports", n["ourairports"]), {}))
        print(f"inputs generated in {time.perf_counter() - t:.1f} s under {base}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        # wall time depends on what else the machine runs; CPU time (import included) much less so
        print(f"{'reader':<16}{'rows':>10}{'records':>10}{'wall s':>9}{'CPU s':>8}{'rows/s':>10}{'peak RSS MB':>13}")
        for label, module, path, kwargs in jobs:
            r = run(module, path, **kwargs)
            print(f"{label:<16}{r['read']:>10}{r['records']:>10}{r['seconds']:>9.1f}{r['cpu']:>8.1f}"
                  f"{r['read'] / r['seconds']:>10.0f}{r['peak_rss_mb']:>13.0f}")


if __name__ == "__main__":
    main()
