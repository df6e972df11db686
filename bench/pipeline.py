"""The whole pipeline at full size: `kgraph update --offline`, lookup latency and CLI cold start.

Generates full-size inputs IN THE REAL FORMATS straight into a temporary data
directory's raw snapshots (``raw/<source>/<stamp>/``, as ``kgraph update``
would have fetched them):

* OFAC: ~19k SDN parties as the CSV family (the OFAC bench's generator,
  bench/ofac_parse.py) plus ~450 consolidated-list entries, and with
  ``--ofac advanced`` also SDN_ADVANCED.XML (then the richer XML is read);
* Canada: ~5.7k records of sema-lmes.xml (March-2025 element names);
* Ukraine NSDC: ~22k subjects as the saved API answers (subjects_*.json +
  actions.jsonl, the shape ingest/ua_nsdc.py parses);
* OpenSky aircraft database: ~600k rows of the monthly CSV (single quotes);
* OurAirports: ~80k airports and the countries file;
* an analyst's flight log of ~1M legs (CSV).

A share of the Canadian and Ukrainian entries are the OFAC entries again
(same names, transliterated to Cyrillic for NSDC, same tax numbers) and the
OpenSky file holds most OFAC aircraft (same tail and MSN, operated by their
listed operator), so resolution has real work to do. Then it runs, each in a
fresh process:

1. ``kgraph update --offline --json``: time and peak RSS per stage (ingest per
   source, load, resolve, graph, store, index) as update reports them; the
   ingests run two at a time in worker processes, so their rows overlap in
   time, and their memory counts as the sum of the two largest worker peaks;
   the build's flights are made in a worker beside its load and resolve
   (kgraph.flight_worker), and the whole process tree's RSS is sampled
   every 0.25 s: the peak reported is the largest of these figures;
2. lookup p50/p95 over a few hundred queries (Latin and Cyrillic names,
   misspellings, tails, hex addresses, MSNs, tax ids), after one warm-up;
   then 40 flight legs by id and by source record, which the graph store
   answers (flights are left out of the lookup index);
3. the CLI cold start (``kgraph lookup ...`` in a new process) and the
   heaviest imports (``python -X importtime``): see bench/cold_start.py.

Usage::

    /tmp/kgvenv/bin/python bench/pipeline.py [--scale 1.0] [--ofac csv|advanced] [--keep DIR] [--reuse]
                                             [--without flightlog]

Goals (issue 7.2): whole pipeline <= 120 s and <= 4 GB peak RSS on 2 cores;
lookup p50 <= 50 ms; cold start <= 0.5 s.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STAMP = "20260201T060000000000Z"
_SCRIPT = Path(sys.executable).with_name("kgraph")
KGRAPH = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-c", "from kgraph.cli import main; main()"]

_SYL = ["ko", "ra", "vla", "di", "mir", "sto", "len", "ba", "rin", "go", "lu", "shev", "kov", "nat", "za", "pe",
        "tro", "gor", "an", "dre", "yev", "sko", "lov", "min", "bur", "ga", "tov", "ner", "vik", "sel", "zu", "khar"]
_FIRST = ["Aleksandr", "Sergei", "Dmitrii", "Andrei", "Aleksei", "Maksim", "Ivan", "Mikhail", "Nikolai", "Oleg",
          "Elena", "Olga", "Tatiana", "Natalia", "Irina", "Svetlana", "Yurii", "Viktor", "Igor", "Roman", "Pavel",
          "Vladimir", "Anna", "Mariia", "Konstantin", "Denis", "Artem", "Evgenii", "Vadim", "Boris"]
_FORMS = ["LLC", "JSC", "OOO", "AO", "PJSC", "LIMITED", "TRADING CO", "GROUP"]
_COUNTRIES = ["RU", "BY", "IR", "CN", "AE", "TR", "KZ", "UA", "SY", "VE", "CU", "DZ", "MR", "DO", "NI", "IN", "US",
              "DE", "FR", "GB", "IT", "ES", "BR", "MX", "CA", "AU", "JP", "KR", "EG", "SA", "QA", "KP", "RS", "AM",
              "GE", "AZ", "UZ", "TJ", "KG", "MN", "TH", "VN", "ID", "MY", "PK", "AF", "IQ", "LB", "LY", "SD"]
_PREFIX = {"US": "N", "DE": "D-", "FR": "F-", "GB": "G-", "IT": "I-", "ES": "EC-", "CA": "C-", "AU": "VH-",
           "BR": "PR-", "MX": "XA-", "RU": "RA-", "TR": "TC-", "AE": "A6-", "CN": "B-", "JP": "JA", "IN": "VT-"}
_TYPES = [("IL76", "Ilyushin", "Il-76TD"), ("A320", "Airbus", "A320-214"), ("B738", "Boeing", "737-8AS"),
          ("C172", "Cessna", "172S Skyhawk SP"), ("T204", "Tupolev", "Tu-204-100"), ("B77W", "Boeing", "777-3F2ER"),
          ("E190", "Embraer", "ERJ 190-100 IGW"), ("A21N", "Airbus", "A321-271NX"), ("PC12", "Pilatus", "PC-12/47E"),
          ("GLF5", "Gulfstream", "G-V"), ("AN12", "Antonov", "An-12BP"), ("B744", "Boeing", "747-412F")]
_LAT2CYR = [("SHCH", "Щ"), ("KH", "Х"), ("ZH", "Ж"), ("SH", "Ш"), ("TS", "Ц"), ("CH", "Ч"), ("YA", "Я"),
            ("YU", "Ю"), ("YE", "Е")] + list(zip("ABVGDEZIYKLMNOPRSTUFHCJQWX", "АБВГДЕЗИЙКЛМНОПРСТУФХКЖКВКС"))


def to_cyrillic(text: str) -> str:
    """A rough Latin -> Cyrillic transliteration (the resolver transliterates back)."""
    out, up, i = [], text.upper(), 0
    while i < len(up):
        for lat, cyr in _LAT2CYR:
            if up.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(up[i])
            i += 1
    return "".join(out)


def surname(rnd: random.Random) -> str:
    stem = "".join(rnd.choice(_SYL) for _ in range(rnd.choice((2, 3, 3))))
    return stem.capitalize() + rnd.choice(("ov", "in", "ko", ""))


def company(rnd: random.Random) -> str:
    return f"{rnd.choice(_FORMS)} {''.join(rnd.choice(_SYL) for _ in range(3)).upper()} {rnd.choice(_SYL).upper()}"


# --------------------------------------------------------------------------- generators (real formats)
def gen_ofac(folder: Path, parties: int, advanced: bool) -> list[dict]:
    from bench.ofac_parse import make_entries, write_advanced, write_csv_family

    entries = make_entries(parties)
    write_csv_family(folder, entries)
    cons = make_entries(max(parties // 40, 100), seed=8)
    for e in cons:  # the consolidated lists have uids of their own
        e["uid"] += 1_000_000
    scratch = folder / ".cons"
    write_csv_family(scratch, cons)
    for name in ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"):
        target = "CONS_PRIM.CSV" if name == "SDN.CSV" else f"CONS_{name}"
        (scratch / name).rename(folder / target)
    scratch.rmdir()
    if advanced:
        write_advanced(folder / "SDN_ADVANCED.XML", entries)
    return entries


def _tax_id(e: dict) -> str | None:
    return next((number for label, number, _, _ in e["ids"] if label == "Tax ID No."), None)


def gen_canada(path: Path, n: int, ofac: list[dict], rnd: random.Random) -> None:
    shared = [e for e in ofac if e["kind"] in ("entity", "individual")]
    regimes = [("Russia / Russie", "1, Part 1"), ("Russia / Russie", "1, Part 2"), ("Belarus / Bélarus", "1, Part 1"),
               ("Iran", "1, Part 1"), ("Ukraine", "1, Part 1")]
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<data-set xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n')
        for i in range(n):
            country, schedule = regimes[i % len(regimes)]
            listed = dt.date(2014, 3, 17) + dt.timedelta(days=rnd.randrange(4300))
            f.write(f"\t<record>\n\t\t<Country>{country}</Country>\n")
            e = rnd.choice(shared) if rnd.random() < 0.35 else None
            person = (e["kind"] == "individual") if e else rnd.random() < 0.6
            if person:
                last, _, given = e["name"].partition(", ") if e else \
                    (surname(rnd), "", f"{rnd.choice(_FIRST)} {rnd.choice(_FIRST)}ovich")
                born = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(21900))
                f.write(f"\t\t<LastName>{last.title()}</LastName>\n\t\t<GivenName>{given}</GivenName>\n"
                        f"\t\t<DateOfBirthOrShipBuildDate>{born.isoformat()}</DateOfBirthOrShipBuildDate>\n")
            else:
                name = e["name"].title() if e else company(rnd).title()
                f.write(f"\t\t<EntityOrShip>{name.replace('&', '&amp;')}</EntityOrShip>\n")
                if rnd.random() < 0.3:
                    f.write(f"\t\t<Aliases>{to_cyrillic(name)}</Aliases>\n")
            f.write(f"\t\t<Schedule>{schedule}</Schedule>\n\t\t<Item>{i + 1}</Item>\n"
                    f"\t\t<DateOfListing>{listed.isoformat()}</DateOfListing>\n\t</record>\n")
        f.write("</data-set>\n")


def gen_nsdc(folder: Path, n: int, ofac: list[dict], rnd: random.Random) -> None:
    shared = [e for e in ofac if e["kind"] in ("entity", "individual")]
    subjects: dict[str, list] = {"individual": [], "legal": []}
    actions = []
    for i in range(n):
        sid = 10_000 + i
        e = rnd.choice(shared) if rnd.random() < 0.3 else None
        person = e["kind"] == "individual" if e else rnd.random() < 0.58
        kind = "individual" if person else "legal"
        identifiers = []
        if kind == "individual":
            latin = e["name"].replace(",", "").title() if e else \
                f"{surname(rnd)} {rnd.choice(_FIRST)} {rnd.choice(_FIRST)}ovych"
            born = f"{rnd.randrange(1, 29):02d}.{rnd.randrange(1, 13):02d}.{rnd.randrange(1940, 2000)}"
            if rnd.random() < 0.5:
                identifiers.append({"id": "tax:inn", "code": f"{rnd.randrange(10**11, 10**12)}", "iso2": "RU",
                                    "note": None})
        else:
            latin = (e["name"] if e else company(rnd)).title()
            born = f"{rnd.randrange(1, 29):02d}.{rnd.randrange(1, 13):02d}.{rnd.randrange(1992, 2022)}"
            tax = (_tax_id(e) if e else None) or f"{rnd.randrange(10**9, 10**10)}"
            identifiers += [{"id": "tax:inn", "code": tax, "iso2": "RU", "note": None},
                            {"id": "reg:odrn", "code": f"{rnd.randrange(10**12, 10**13)}", "iso2": "RU", "note": None}]
        cyr = to_cyrillic(latin).title()
        subjects[kind].append({
            "sid": sid, "name": f"{cyr} ({cyr}, {latin})", "aliases": [cyr] if rnd.random() < 0.4 else [],
            "translit": latin, "status": "active" if rnd.random() < 0.93 else "expired", "citizenships": ["RU"],
            "bd": born, "dd": None, "identifiers": identifiers,
            "attributes": [{"key": "Місцезнаходження" if kind == "legal" else "Місце проживання",
                            "value": f"Російська Федерація, м. Москва, вул. {to_cyrillic(surname(rnd)).title()}, "
                                     f"{i % 300}"}],
        })
        day = dt.date(2018, 1, 1) + dt.timedelta(days=rnd.randrange(2900))
        actions.append({"sid": str(sid), "actions": [{
            "aid": 900_000 + i, "status": "active", "decree": {
                "link": f"https://www.president.gov.ua/documents/{rnd.randrange(100, 999)}{day.year}",
                "date": day.strftime("%d.%m.%Y"), "number": f"{rnd.randrange(1, 900)}/{day.year}"},
            "endDate": (day + dt.timedelta(days=3652)).strftime("%d.%m.%Y"), "term": "10 років",
            "restrictions": [],
            "reasons": "", "reason": None, "issuers": []}]})
    for kind, items in subjects.items():
        (folder / f"subjects_{kind}.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    with open(folder / "actions.jsonl", "w", encoding="utf-8") as f:
        for a in actions:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


def _tail(country: str, i: int) -> str:
    prefix = _PREFIX.get(country, "VP-")
    if prefix == "N":
        return f"N{100 + i % 99000}{'' if i < 99000 else chr(65 + i // 99000 % 24)}"
    if prefix in ("RA-", "UR-"):
        return f"{prefix}{10000 + i % 89999}" + ("" if i < 89999 else f"{i // 89999}")
    letters = "".join("ABCDEFGHJKLMNPQRSTUVWXYZ"[(i // 24 ** k) % 24] for k in range(4))
    return prefix + letters


def gen_opensky(path: Path, rows: int, ofac: list[dict], rnd: random.Random) -> list[tuple[str, str]]:
    """The monthly CSV; returns (icao24, tail) of every row for the flight log."""
    from bench.aviation_readers import _OPENSKY_COLS

    def q(v: str) -> str:
        return "'" + v.replace("'", "''") + "'"

    listed = []
    for e in ofac:
        if e["kind"] == "aircraft":
            feats = dict((k, v) for k, v in e["features"] if isinstance(v, str))
            listed.append((e["name"], feats.get("Aircraft Manufacturer's Serial Number (MSN)"), e["links"][:1]))
    operators = [company(rnd).title() for _ in range(8000)]
    out = []
    used_tails: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(q(c) for c in _OPENSKY_COLS) + "\n")
        for i in range(rows):
            hexaddr = f"{0x100000 + i * 13:06x}"
            vals = {c: "" for c in _OPENSKY_COLS}
            if i < len(listed) * 4 // 5:  # most listed aircraft are in the database, operator and all
                tail, msn, linked = listed[i]
                country, operator = "Russia", (linked[0].title() if linked else "")
            else:
                cc = rnd.choice(list(_PREFIX)) if rnd.random() < 0.8 else rnd.choice(_COUNTRIES)
                # serial numbers are unique per type: identical ones would (rightly) be merged as one airframe
                tail, msn, operator = _tail(cc, i), f"{(i * 7919) % 900_000 + 10_000}", ""
                country = cc
                if rnd.random() < 0.35:
                    operator = rnd.choice(operators)
            typecode, maker, model = _TYPES[0] if i < len(listed) * 4 // 5 else _TYPES[i % len(_TYPES)]
            if tail in used_tails:
                tail = f"{tail}{i % 10}"
            used_tails.add(tail)
            vals.update(icao24=hexaddr, timestamp=q("2025-08-01 00:00:00"), acars="0", adsb="1", modes="1", vdl="0",
                        country=q(country), model=q(model), manufacturerName=q(maker), typecode=q(typecode),
                        registration=q(tail), serialNumber=q(msn or ""),
                        operator=q(operator), owner=q(rnd.choice(operators) if rnd.random() < 0.1 else ""),
                        built=q(f"{rnd.randrange(1970, 2024)}-01-01") if i % 3 else "")
            f.write(",".join(vals[c] for c in _OPENSKY_COLS) + "\n")
            out.append((hexaddr, tail))
    return out


def gen_airports(folder: Path, n: int, rnd: random.Random) -> list[tuple[str, str]]:
    from kgraph.refdata.countries import country_name

    codes = [c for c in _COUNTRIES if country_name(c)]
    airports = []
    with open(folder / "airports.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        w.writerow(["id", "ident", "type", "name", "latitude_deg", "longitude_deg", "elevation_ft", "continent",
                    "iso_country", "iso_region", "municipality", "scheduled_service", "icao_code", "iata_code",
                    "gps_code", "local_code", "home_link", "wikipedia_link", "keywords"])
        for i in range(n):
            cc = codes[i % len(codes)]
            ident = f"{cc}{i:05d}" if i % 10 else f"{'ABCDEFGHJKLMNOPRSUVWXYZ'[i % 23]}{cc}{i % 100:02d}"
            kind = ("large_airport", "medium_airport", "small_airport", "heliport", "closed")[i % 5]
            w.writerow([i + 1, ident, kind, f"{surname(rnd)} Airfield", round(rnd.uniform(-55, 70), 5),
                        round(rnd.uniform(-170, 170), 5), rnd.randrange(0, 9000), "EU", cc, f"{cc}-01",
                        surname(rnd), "no", "", "", ident, "", "", "", ""])
            if kind in ("large_airport", "medium_airport"):
                airports.append((ident, cc))
    with open(folder / "countries.csv", "w", encoding="utf-8", newline="") as f:
        f.write('"id","code","name","continent","wikipedia_link","keywords"\n')
        for k, cc in enumerate(codes):
            f.write(f'{302000 + k},"{cc}","{country_name(cc)}","EU","https://en.wikipedia.org/wiki/{cc}",\n')
    return airports


def gen_flightlog(path: Path, legs: int, aircraft: list[tuple[str, str]], airports: list[tuple[str, str]],
                  rnd: random.Random) -> None:
    from ingest.flightlog import COLUMNS

    fleet = aircraft[:20_000]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        per = max(legs // len(fleet), 1)
        n = 0
        for hexaddr, tail in fleet:
            hubs = rnd.sample(airports, 6)  # an aircraft flies mostly between a few airports
            here = hubs[0]
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(300))
            for _ in range(per):
                there = rnd.choice(hubs) if rnd.random() < 0.9 else rnd.choice(airports)
                w.writerow([f"leg-{n}", day.isoformat(), day.isoformat(), tail, hexaddr, "", here[0], here[1], there[0],
                            there[1], "Bench log, 2026", "", ""])
                here, n = there, n + 1
                day += dt.timedelta(days=rnd.choice((0, 1, 1, 2)))
                if n >= legs:
                    return


def generate(data: Path, scale: float, ofac_format: str) -> dict[str, object]:
    rnd = random.Random(42)
    raw = data / "raw"
    folders = {name: raw / name / STAMP for name in ("ofac", "canada", "nsdc", "opensky", "airports", "flightlog")}
    for p in folders.values():
        p.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    ofac = gen_ofac(folders["ofac"], int(19_000 * scale), ofac_format == "advanced")
    gen_canada(folders["canada"] / "sema-lmes.xml", int(5_700 * scale), ofac, rnd)
    gen_nsdc(folders["nsdc"], int(22_000 * scale), ofac, rnd)
    fleet = gen_opensky(folders["opensky"] / "aircraft-database-complete-2025-08.csv", int(600_000 * scale), ofac, rnd)
    airports = gen_airports(folders["airports"], int(80_000 * scale), rnd)
    gen_flightlog(folders["flightlog"] / "legs.csv", int(1_000_000 * scale), fleet, airports, rnd)
    sizes = {name: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) for name, p in folders.items()}
    return {"seconds": time.perf_counter() - t, "mb": {k: round(v / 1e6, 1) for k, v in sizes.items()},
            "queries": queries(ofac, fleet, data, rnd)}


def queries(ofac: list[dict], fleet: list[tuple[str, str]], data: Path, rnd: random.Random) -> list[str]:
    """A few hundred lookups an analyst would type."""
    out = []
    orgs = [e for e in ofac if e["kind"] == "entity"]
    people = [e for e in ofac if e["kind"] == "individual"]
    planes = [e for e in ofac if e["kind"] == "aircraft"]
    for e in rnd.sample(orgs, 60):
        out.append(e["name"].split(" ", 1)[1].title())  # without the company form
    for e in rnd.sample(people, 40):
        last, _, first = e["name"].partition(", ")
        out.append(f"{first.split()[0]} {last.title()}")
    for e in rnd.sample(orgs + people, 40):
        out.append(to_cyrillic(e["name"].replace(",", "")).title())
    for e in rnd.sample(orgs, 20):
        name = e["name"].split(" ", 1)[1]
        k = rnd.randrange(1, len(name) - 1)
        out.append(name[:k] + name[k + 1:])  # a letter dropped
    for e in rnd.sample(planes, min(30, len(planes))):
        out.append(e["name"].replace("-", rnd.choice(("", " ", "-"))))
        feats = dict((k, v) for k, v in e["features"] if isinstance(v, str))
        msn = feats.get("Aircraft Manufacturer's Serial Number (MSN)")
        if msn:
            out.append(msn)
    for hexaddr, tail in rnd.sample(fleet, 40):
        out += [hexaddr.upper(), tail]
    for e in rnd.sample(orgs, 20):
        tax = _tax_id(e)
        if tax:
            out.append(tax)
    (data / "bench-queries.json").write_text(json.dumps(out, ensure_ascii=False))
    return out


# --------------------------------------------------------------------------- measuring
_LOOKUP = r"""
import json, statistics, sys, time
import kgraph
qs = json.load(open(sys.argv[2]))
t = time.perf_counter(); kgraph.lookup(qs[0], datadir=sys.argv[1]); first = time.perf_counter() - t
times, hits = [], 0
for q in qs:
    t = time.perf_counter()
    r = kgraph.lookup(q, datadir=sys.argv[1])
    times.append((time.perf_counter() - t) * 1000)
    hits += bool(r)
times.sort()
print(json.dumps({"n": len(times), "first_ms": first * 1000, "p50": times[len(times) // 2],
                  "p95": times[int(len(times) * 0.95)], "max": times[-1], "with_hits": hits}))
"""


def _disk_bytes(path: Path) -> int:
    """Bytes of a file, or of every file under a folder (a store may be either)."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def tree_rss_mib(root: int) -> float:
    """RSS of process ``root`` and all its descendants (Linux /proc; 0 elsewhere), in MiB.

    Descendants are read from each thread's ``children`` file: scanning every process's ``stat`` for its
    parent took 1.56 ms a sample (this 0.19 ms), four a second: ~1.4 s of CPU over a full-size run, beside it.
    """
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                todo += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            pass
    return total / 1024


def run_sampling_rss(cmd: list[str], every: float = 0.25) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``cmd``; also the largest RSS its whole process tree held at once (sampled every ``every`` s).

    The per-stage peaks the update reports are its own process's: the ingest workers and the build's
    flights' worker (kgraph.flight_worker) run beside it, and only this sees them together.
    """
    import threading

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_mib(proc.pid))
            time.sleep(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes (1.0 = full)")
    ap.add_argument("--ofac", choices=("csv", "advanced"), default="csv",
                    help="csv: the CSV family only; advanced: SDN_ADVANCED.XML too (then it is the one read)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    ap.add_argument("--reuse", action="store_true", help="with --keep: reuse the inputs generated before")
    ap.add_argument("--check", action="store_true", help="enforce the sources' quality assertions")
    ap.add_argument("--without", default="", metavar="SOURCES",
                    help="sources left out of the update, comma-separated (flightlog: what the rest costs alone)")
    args = ap.parse_args()
    tmp = None
    root = args.keep or Path(tmp := tempfile.mkdtemp(prefix="kgraph-bench-"))
    data = root / "data"
    try:
        from bench.ofac_parse import interpreter

        print(f"interpreter: {interpreter()} (run this script with another one to compare)")
        print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)")
        if args.reuse and (data / "bench-queries.json").exists():
            qs = json.loads((data / "bench-queries.json").read_text())
            shutil.rmtree(data / "records", ignore_errors=True)
            shutil.rmtree(data / "graph", ignore_errors=True)
            shutil.rmtree(data / "history", ignore_errors=True)
        else:
            shutil.rmtree(data, ignore_errors=True)
            gen = generate(data, args.scale, args.ofac)
            qs = gen["queries"]
            print(f"generated inputs in {gen['seconds']:.0f} s (MB): {gen['mb']}")
        cmd = [*KGRAPH, "--data-dir", str(data), "update", "--offline", "--json"]
        cmd += [] if args.check else ["--no-check"]
        if args.without:
            left_out = set(args.without.split(","))
            held = sorted(p.name for p in (data / "raw").iterdir() if p.is_dir())
            if not left_out <= set(held):
                unknown = ", ".join(sorted(left_out - set(held)))
                sys.exit(f"--without: not among the inputs ({', '.join(held)}): {unknown}")
            cmd += ["--sources", ",".join(n for n in held if n not in left_out)]
            print(f"left out: {', '.join(sorted(left_out))} (its records are neither ingested nor built)")
        t = time.perf_counter()
        proc, tree_peak = run_sampling_rss(cmd)
        wall = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if proc.returncode != 0 and not proc.stdout.strip().startswith("{"):
            sys.exit(f"update failed ({proc.returncode}): {proc.stderr[-2000:]}")
        summary = json.loads(proc.stdout)
        # update resets the kernel's peak mark at each stage (to report per-stage peaks), which also lowers
        # what the parent sees as the child's maxrss: the run's peak is the largest stage peak
        peak = max([peak] + [r.get("peak_rss_mb") or 0 for r in summary["stages"]])
        # the ingests run two at a time, each in a worker process of its own: counted as the sum of the two
        # largest worker peaks (an upper bound of what they held together)
        side_by_side = sum(sorted(r.get("peak_rss_mb") or 0 for r in summary["stages"]
                                  if r["stage"].startswith("ingest:"))[-2:])
        peak = max(peak, side_by_side, tree_peak)
        cpu = sum(r.get("cpu_seconds") or 0 for r in summary["stages"])
        # the kernel counts RSS in KiB: every figure here is MiB (2^20 bytes); the goal line gives both units
        print(f"\nkgraph update --offline: {wall:.1f} s wall ({cpu:.1f} s CPU in the stages), peak RSS {peak:,.0f} MiB "
              f"(load average after: {load_average()})")
        print(f"{'stage':24s} {'wall s':>8s} {'CPU s':>7s} {'peak RSS MiB':>12s}  detail")
        for row in summary["stages"]:
            name = row["stage"]
            src = summary["sources"].get(name.split(":", 1)[1]) if name.startswith("ingest:") else None
            detail = f"{src['status']}, {src.get('records') or 0:,} records" if src else ""
            if src and src.get("reason"):
                detail += f" ({src['reason'][:90]})"
            print(f"{name:24s} {row['seconds']:8.1f} {row.get('cpu_seconds', 0):7.1f} "
                  f"{row['peak_rss_mb'] or 0:12,.0f}  {detail}")
        b = summary.get("build") or {}
        info = json.loads((Path(summary["graph"]) / "build.json").read_text()) if summary.get("graph") else {}
        print(f"inside graph: {(info.get('audit') or {}).get('timings')}; inside store: {info.get('load')}; "
              f"index thread (beside the store): {(info.get('timings') or {}).get('index')} s")
        print(f"process tree's peak RSS (every process of the update at once, sampled every 0.25 s): "
              f"{tree_peak:,.0f} MiB; the flights' worker (beside load and resolve): {info.get('flight_worker')}")
        counts = b.get("counts") or {}
        print(f"graph: {sum((counts.get('nodes') or {}).values()):,} nodes, "
              f"{sum((counts.get('edges') or {}).values()):,} edges, {b.get('clusters')} merged clusters; "
              f"dangling edge ends {b.get('dangling')}; build error: {summary.get('build_error')}")
        if summary.get("graph"):
            on_disk = {name: _disk_bytes(Path(summary["graph"]) / name) for name in ("store.lbdb", "lookup.sqlite")}
            print("on disk: " + ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in on_disk.items()))
        # run in the data directory: `python -c` puts its working directory first on sys.path, and run from a
        # checkout it took that checkout's kgraph over the one PYTHONPATH names (a version compared against)
        out = subprocess.run([sys.executable, "-c", _LOOKUP, str(data.resolve()),
                              str(data.resolve() / "bench-queries.json")],
                             capture_output=True, text=True, check=True, cwd=data)
        lk = json.loads(out.stdout)
        print(f"\nlookup over {lk['n']} queries ({lk['with_hits']} with hits): p50 {lk['p50']:.1f} ms, "
              f"p95 {lk['p95']:.1f} ms, max {lk['max']:.0f} ms; first query {lk['first_ms']:.0f} ms "
              "(goal p50 <= 50 ms)")
        flights = (counts.get("nodes") or {}).get("Flight") or 0
        if flights:
            # flights are left out of the index: a leg's id or record is looked up in the store
            rnd = random.Random(7)
            legs = [rnd.randrange(flights) for _ in range(20)]
            fq = [f"leg-{n}" for n in legs] + [f"flightlog-leg-{n}" for n in legs]
            (data / "bench-flight-queries.json").write_text(json.dumps(fq))
            out = subprocess.run([sys.executable, "-c", _LOOKUP, str(data.resolve()),
                                  str(data.resolve() / "bench-flight-queries.json")],
                                 capture_output=True, text=True, check=True, cwd=data)
            fl = json.loads(out.stdout)
            print(f"flight lookups (the store answers) over {fl['n']} leg ids and records ({fl['with_hits']} with "
                  f"hits): p50 {fl['p50']:.0f} ms, p95 {fl['p95']:.0f} ms, max {fl['max']:.0f} ms")
        subprocess.run([sys.executable, str(REPO / "bench" / "cold_start.py"), "--data-dir", str(data),
                        "--query", qs[-1]], check=False)
        print(f"\ngoals: pipeline {wall:.0f} s (<= 120 s), peak RSS {peak / 1024:.2f} GiB = {peak * 2**20 / 1e9:.2f} GB "
              f"(<= 4 GB); "
              f"load average now {load_average()}")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
