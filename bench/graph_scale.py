"""The embedded graph at full size: build time and memory, query latency, export times.

Generates ~1M nodes / ~3M edges worth of records *directly as kgraph
records* (the shapes the ingesters emit: OFAC-style organisations and
aircraft with program listings, FAA/OpenSky/ru-aircraft-db-style registry
airframes, OurAirports-style airports, flight legs stating their aircraft
and airports, from which the builder derives their edges), plus a resolution stand-in
that merges the listed aircraft with their registry records and derives
OPERATES edges. It does not go through the ingesters' file formats: their
parse speed is measured by bench/aviation_readers.py and bench/ofac_parse.py.

Then it measures:

* the embedded build: ``build_tables`` (merge, derive, resolve ends) and
  ``write_build`` (CSV + COPY into LadybugDB), wall time and peak RSS;
* reopening the store and the first query;
* 2-hop and 4-hop query latency (p50/p95) from random entities;
* full-graph export times per format.

Usage::

    /tmp/kgvenv/bin/python bench/graph_scale.py [--scale 1.0] [--queries 200] [--skip-exports] [--keep DIR]

Goals: embedded build <= 60 s; 2-hop p50 <= 5 ms. The Neo4j load rate is
measured by bench/neo4j_load.py (``kgraph.graph.neo4j_load.load_tables`` on this generated graph).
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kgraph.model import Edge, Node, Provenance  # noqa: E402

COUNTRIES = ["RU", "US", "BY", "CU", "VE", "IR", "AE", "TR", "KZ", "KG", "AM", "DZ", "MR", "DO", "CN", "IN", "DE",
             "FR", "GB", "NI"]
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to the current RSS
    except OSError:
        pass


def generate(scale: float, seed: int = 7):
    """Records and a resolution stand-in; sizes scale linearly."""
    rnd = random.Random(seed)
    n_org, n_person = int(30000 * scale), int(20000 * scale)
    n_faa, n_ru, n_ofac_planes = int(150000 * scale), int(30000 * scale), int(3000 * scale)
    n_airports, n_flights = int(80000 * scale), int(640000 * scale)
    nodes: list[Node] = []
    edges: list[Edge] = []
    snap = "2026-02-02"
    programs = [f"program-us-ofac-p{i}" for i in range(20)] + [f"program-ca-sema-s{i}" for i in range(8)]
    for a in ("us_ofac_sdn", "ca_sema", "ua_nsdc"):
        nodes.append(Node(f"authority-{a}", "Authority", {"name": [a]}, Provenance(a, "authority", snap)))
    for p in programs:
        src = "us_ofac_sdn" if "ofac" in p else "ca_sema"
        nodes.append(Node(p, "Program", {"name": [p.upper()]}, Provenance(src, p, snap)))
        edges.append(Edge("ISSUED_BY", p, f"authority-{src}", {}, Provenance(src, p, snap)))
    for i in range(n_org):
        prov = Provenance("us_ofac_sdn", str(100000 + i), snap)
        nid = f"ofac-{100000 + i}"
        nodes.append(Node(nid, "Organization", {
            "name": [f"Company {i} LLC"], "alias": [f"ООО Компания {i}"], "country": [rnd.choice(COUNTRIES)],
            "innCode": [str(7700000000 + i)], "address": [f"{i} Example street, Moscow"]}, prov))
        for p in rnd.sample(programs, rnd.choice((1, 1, 2))):
            edges.append(Edge("SANCTIONED_UNDER", nid, p, {"listingDate": [f"20{rnd.randint(14, 25)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"],
                                                           "status": ["active"]}, prov))
    for i in range(n_person):
        prov = Provenance("ua_nsdc", str(i), snap)
        nid = f"ua-nsdc-{i}"
        nodes.append(Node(nid, "Person", {"name": [f"Person {i}"], "firstName": ["Ivan"], "lastName": [f"Petrov{i}"],
                                          "nationality": [rnd.choice(COUNTRIES)], "birthDate": ["1970"]}, prov))
        edges.append(Edge("SANCTIONED_UNDER", nid, programs[-1], {"status": ["active"]}, prov))
        edges.append(Edge("LINKED_TO", nid, f"ofac-{100000 + rnd.randrange(n_org)}", {"relation": ["director"]}, prov))
    hexes: list[str] = []
    for i in range(n_faa):
        hx = f"a{i:05x}"
        hexes.append(hx)
        nodes.append(Node(f"faa-{i}", "Airplane", {
            "registrationNumber": [f"N{i}{LETTERS[i % 24]}"], "icao24": [hx], "serialNumber": [f"F{i:07d}"],
            "model": ["737-8AS"], "registered": ["2015-03-01"], "registeredUntil": ["2028-03-31"],
            "registryStatus": ["registered"], "country": ["US"]}, Provenance("us_faa", str(i), snap)))
    ru_tails = []
    for i in range(n_ru):
        hx = f"{0x140000 + i:06x}"
        hexes.append(hx)
        tail = f"RA-{i:05d}"
        ru_tails.append(tail)
        nodes.append(Node(f"ru-{hx}", "Airplane", {
            "registrationNumber": [tail], "icao24": [hx], "serialNumber": [f"R{i:07d}"], "model": ["Il-76TD"],
            "registered": ["2010-01-01"], "country": ["RU"]}, Provenance("ru_aircraft_db", hx, snap)))
    canonical, clusters, derived = {}, {}, []
    for i in range(n_ofac_planes):
        target = f"ru-{0x140000 + i:06x}"
        nid = f"ofac-{900000 + i}"
        prov = Provenance("us_ofac_sdn", str(900000 + i), snap)
        nodes.append(Node(nid, "Airplane", {"registrationNumber": [ru_tails[i]], "serialNumber": [f"R{i:07d}"],
                                            "model": ["IL-76TD"]}, prov))
        edges.append(Edge("SANCTIONED_UNDER", nid, programs[0], {"status": ["active"]}, prov))
        operator = f"ofac-{100000 + rnd.randrange(n_org)}"
        edges.append(Edge("LINKED_TO", nid, operator, {"relation": ["Linked To"]}, prov))
        canonical[nid] = target
        clusters[target] = [target, nid]
        derived.append(Edge("OPERATES", operator, target, {"score": ["0.9"]},
                            Provenance("kgraph_resolve", f"{operator}|{target}")))
    idents = []
    for i in range(n_airports):
        ident = f"X{i:05d}"
        idents.append(ident)
        nodes.append(Node(f"airport-{ident}", "Airport", {
            "name": [f"Airport {i}"], "ident": [ident], "iataCode": [f"{LETTERS[i % 24]}{LETTERS[(i // 24) % 24]}{i % 10}"],
            "latitude": [str(rnd.uniform(-60, 70))], "longitude": [str(rnd.uniform(-180, 180))],
            "country": [rnd.choice(COUNTRIES)], "airportType": ["small_airport"]}, Provenance("ourairports", ident, snap)))
    busy = idents[:2000]  # traffic concentrates on a few thousand airports
    for i in range(n_flights):
        fid = f"opensky-f{i}"
        prov = Provenance("opensky_flights", str(i), snap)
        dep, arr = rnd.choice(busy), rnd.choice(busy)
        day = f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        hx = rnd.choice(hexes)
        props = {"name": [f"{hx.upper()} {dep} -> {arr}, {day}"], "icao24": [hx], "departureDate": [day],
                 "arrivalDate": [day], "departureCode": [dep], "method": ["opensky-api"]}
        if i % 20 == 0:  # some arrivals known only to the country level
            props["arrivalCountry"] = [rnd.choice(COUNTRIES)]
        else:
            props["arrivalCode"] = [arr]
        # the builder derives PERFORMED, DEPARTED_FROM and ARRIVED_AT from these properties
        nodes.append(Node(fid, "Flight", props, prov))
    res = SimpleNamespace(canonical=canonical, clusters=clusters, matches=[], derived_edges=derived)
    return nodes, edges, res


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed_queries(store, cypher: str, params: list[dict]) -> tuple[float, float, float]:
    times, results = [], []
    for p in params:
        t0 = time.perf_counter()
        _, rows = store.query(cypher, p)
        times.append((time.perf_counter() - t0) * 1000)
        results.append(rows[0][0] if rows and rows[0] else 0)
    return statistics.median(times), pct(times, 0.95), statistics.mean(results) if results else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-exports", action="store_true")
    ap.add_argument("--keep", help="build into this directory and keep it")
    args = ap.parse_args()

    from kgraph.graph import build_tables, open_store, tables_from_store, write_build

    print(f"records: generated directly as kgraph records (ingester file formats not used), scale {args.scale}")
    t0 = time.perf_counter()
    gc.disable()  # generating millions of records: the cyclic collector only slows it down
    nodes, edges, res = generate(args.scale)
    gc.enable()
    print(f"  generated {len(nodes):,} nodes and {len(edges) + len(res.derived_edges):,} edges in "
          f"{time.perf_counter() - t0:.1f} s; RSS {rss_mb():,.0f} MB")
    gc.collect()
    base = rss_mb()
    reset_peak()

    print(f"load average before the build: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work "
          "on the machine slows every figure below)")
    t0, c0 = time.perf_counter(), time.process_time()
    tables = build_tables(nodes, edges, res)
    t_tables, c_tables = time.perf_counter() - t0, time.process_time() - c0
    peak_tables = rss_mb("VmHWM")
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kgraph-bench-"))
    build_dir = root / "build"
    if build_dir.exists():
        shutil.rmtree(build_dir)
    t0, c0 = time.perf_counter(), time.process_time()
    info = write_build(tables, build_dir)
    t_store, c_store = time.perf_counter() - t0, time.process_time() - c0
    peak = rss_mb("VmHWM")
    print(f"graph: {tables.node_count:,} nodes, {tables.edge_count:,} edges "
          f"(audit: {tables.audit['merged_records']:,} records merged, {tables.audit['dangling_total']:,} dangling ends, "
          f"{tables.audit['ambiguous_tail_links']:,} ambiguous tail links)")
    print(f"  edges per type: {tables.audit['edges']}")
    print("embedded build (goal <= 60 s):")
    print(f"  build_tables   {t_tables:6.1f} s (CPU {c_tables:5.1f} s)  {tables.audit['timings']}  peak RSS {peak_tables:,.0f} MB "
          f"(+{peak_tables - base:,.0f} MB over the records)")
    print(f"  write_build    {t_store:6.1f} s (CPU {c_store:5.1f} s, engine threads included)  {info['load']}")
    print(f"  total          {t_tables + t_store:6.1f} s (load average now {os.getloadavg()[0]:.2f})  peak RSS {peak:,.0f} MB (+{peak - base:,.0f} MB over the records); "
          f"store {sum(f.stat().st_size for f in build_dir.iterdir()) / 1e6:,.0f} MB on disk")

    org_ids = [f"ofac-{100000 + i}" for i in range(int(30000 * args.scale))]
    plane_ids = [f"ru-{0x140000 + i:06x}" for i in range(int(30000 * args.scale))]
    rnd = random.Random(1)
    starts = [{"id": rnd.choice(org_ids if i % 2 else plane_ids)} for i in range(args.queries)]
    del nodes, edges, res
    gc.collect()

    t0 = time.perf_counter()
    store = open_store(build_dir)
    _, rows = store.query("MATCH (o:Organization {id: $id}) RETURN o.caption", {"id": org_ids[0]})
    print(f"reopen + first query: {(time.perf_counter() - t0) * 1000:.0f} ms ({rows[0][0]!r})")
    orgs = [s for s in starts if s["id"].startswith("ofac-")]
    planes = [s for s in starts if not s["id"].startswith("ofac-")]
    cases = [
        ("2-hop, fixed pattern, labelled start (organisations)",
         "MATCH (a:Organization {id: $id})--()--(b) RETURN count(DISTINCT b)", orgs),
        ("2-hop, fixed pattern, labelled start (airframes)",
         "MATCH (a:Airplane {id: $id})--()--(b) RETURN count(DISTINCT b)", planes),
        ("2-hop, fixed pattern, hubs not expanded (airframes)",
         "MATCH (a:Airplane {id: $id})--(x)--(b) WHERE NOT x.type IN ['Country', 'Program', 'Authority'] "
         "RETURN count(DISTINCT b)", planes),
        ("2-hop, var-length [*1..2], labelled start", "MATCH (a:Organization {id: $id})-[*1..2]-(b) "
         "RETURN count(DISTINCT b)", orgs),
        ("2-hop, var-length, unlabelled start", "MATCH (a {id: $id})-[*1..2]-(b) RETURN count(DISTINCT b)", starts),
        ("4-hop, breadth-first reach (SHORTEST), hubs included", "MATCH (a:Organization {id: $id})"
         "-[* SHORTEST 1..4]-(b) RETURN count(DISTINCT b)", orgs[: max(3, len(orgs) // 4)]),
    ]
    print(f"query latency over {args.queries} random organisations/airframes (goal: 2-hop p50 <= 5 ms):")
    for label, cypher, params in cases:
        p50, p95, mean = timed_queries(store, cypher, params)
        print(f"  {label:55s} p50 {p50:9.2f} ms  p95 {p95:9.2f} ms  (mean result {mean:,.0f} nodes, n={len(params)})")
    from kgraph.graph.query import query as run_query

    lib = [("entity-card", [{"id": s["id"]} for s in starts]), ("neighbourhood", [{"id": s["id"]} for s in starts]),
           ("sanctions-of-entity", [{"id": s["id"]} for s in orgs]),
           ("paths-between", [{"a": rnd.choice(org_ids), "b": rnd.choice(plane_ids)}
                              for _ in range(max(5, args.queries // 10))])]
    for name, params in lib:
        times = []
        for p in params:
            t0 = time.perf_counter()
            run_query(name, params=p, store=store)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"  {'library ' + name:55s} p50 {statistics.median(times):9.2f} ms  p95 {pct(times, 0.95):9.2f} ms"
              f"  (n={len(params)})")

    if not args.skip_exports:
        from kgraph.graph.export import export

        t0 = time.perf_counter()
        full = tables_from_store(store)
        print(f"exports (full graph): read back from the store {time.perf_counter() - t0:.1f} s")
        out = root / "exports"
        for fmt, name in (("ftm", "graph.ftm.json"), ("json", "graph.json"), ("graphml", "graph.graphml"),
                          ("gexf", "graph.gexf"), ("cypher", "graph.cypher"), ("neo4j-admin", "neo4j-import")):
            t0 = time.perf_counter()
            export(fmt, out / name, tables=full)
            target = out / name
            size = sum(f.stat().st_size for f in target.iterdir()) if target.is_dir() else target.stat().st_size
            print(f"  {fmt:12s} {time.perf_counter() - t0:6.1f} s  {size / 1e6:8,.0f} MB")
    store.close()
    print("neo4j: load rate (nodes/s, rels/s) is measured by bench/neo4j_load.py --scale N")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
