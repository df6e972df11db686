"""CLI cold start: `kgraph lookup` in a fresh process, and the heaviest imports on the way.

Runs ``kgraph --data-dir DIR lookup QUERY`` several times in new processes
(wall time, median and best), ``kgraph --help`` likewise, then the lookup
once under ``python -X importtime`` and prints the imports with the largest
cumulative time (top-level packages and kgraph modules).

Usage::

    /tmp/kgvenv/bin/python bench/cold_start.py --data-dir DIR [--query RA-78765] [--runs 7]

Without --data-dir the demo graph is built into a temporary folder first.
Goal: cold start <= 0.5 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_RUN = "import sys; from kgraph.cli import main; sys.argv[0] = 'kgraph'; main()"
#: where the runs start: `python -c` puts its working directory first on sys.path, and in a checkout that
#: took the checkout's kgraph over the one PYTHONPATH names (a version compared against)
_CWD = tempfile.gettempdir()


def timed(args: list[str], runs: int) -> tuple[float, float]:
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, check=True, cwd=_CWD)
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), min(walls)


def importtime(args: list[str]) -> list[tuple[float, float, str]]:
    """(cumulative ms, self ms, module) per import, from ``-X importtime``."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", _RUN, *args], capture_output=True, text=True,
                         check=True, cwd=_CWD)
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cum_us, name = (x.strip() for x in line[len("import time:"):].split("|"))
        rows.append((int(cum_us) / 1000, int(self_us) / 1000, name))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--query", default="RA-78765")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    data = args.data_dir.resolve() if args.data_dir else None  # the runs start elsewhere (_CWD)
    if data is None:
        data = Path(tempfile.mkdtemp(prefix="kgraph-cold-")) / "data"
        subprocess.run([sys.executable, "-c", _RUN, "--data-dir", str(data), "demo", "--json"], capture_output=True,
                       check=True, cwd=_CWD)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.perf_counter() - t
    lookup = ["--data-dir", str(data), "lookup", args.query]
    med, best = timed(lookup, args.runs)
    hmed, hbest = timed(["--help"], args.runs)
    print(f"\ncold start (new process, {args.runs} runs): `kgraph lookup {args.query}` median {med * 1000:.0f} ms, "
          f"best {best * 1000:.0f} ms; `kgraph --help` median {hmed * 1000:.0f} ms; bare python {bare * 1000:.0f} ms "
          f"(goal <= 500 ms)")
    rows = importtime(lookup)
    total = sum(r[1] for r in rows)
    print(f"imports: {len(rows)} modules, {total:.0f} ms in all (self times summed); heaviest cumulative:")
    tops = [r for r in rows if "." not in r[2].strip() or r[2].strip().startswith("kgraph")]
    for cum, own, name in sorted(tops, reverse=True)[:14]:
        print(f"  {cum:8.1f} ms cumulative {own:7.1f} ms self  {name.strip()}")


if __name__ == "__main__":
    main()
