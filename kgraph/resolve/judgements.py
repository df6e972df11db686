"""Analysts' judgements: "these two records are the same / different / I am unsure".

Judgements are stored in the data directory (``DATA/judgements.jsonl``, one
JSON object per line) and applied before any automatic decision in every
build: ``same`` joins two records whatever their score, ``different`` keeps
them (and the clusters they end up in) apart even when other links would
join them transitively, ``unsure`` is remembered so the pair leaves the review
queue. The last judgement of a pair wins. They are keyed by node ids, which
are stable across rebuilds and source updates, so they survive both.

Appending one line is atomic on a local file system (a single ``write`` on an
``O_APPEND`` descriptor); :func:`compact` rewrites the file atomically.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "judgements.jsonl"
>>> _ = add_judgement(p, "ofac-40181", "ca-sema-1", "same", user="ana")
>>> _ = add_judgement(p, "ca-sema-1", "ofac-40181", "different", user="ana", note="two companies")
>>> load_judgements(p)[("ca-sema-1", "ofac-40181")].judgement
'different'
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..datadir import atomic_write
from ..errors import KgraphError

__all__ = ["Judgement", "JUDGEMENTS", "add_judgement", "load_judgements", "compact", "pair_key", "judge", "review"]

JUDGEMENTS = ("same", "different", "unsure")

log = logging.getLogger("kgraph")


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class Judgement:
    a: str
    b: str
    judgement: str
    user: str | None = None
    timestamp: str | None = None
    note: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return pair_key(self.a, self.b)

    def to_dict(self) -> dict:
        d = {"a": self.a, "b": self.b, "judgement": self.judgement, "user": self.user, "timestamp": self.timestamp}
        if self.note:
            d["note"] = self.note
        return d


def add_judgement(
    path: str | os.PathLike,
    a: str,
    b: str,
    judgement: str,
    *,
    user: str | None = None,
    note: str | None = None,
    timestamp: str | None = None,
) -> Judgement:
    """Append one judgement to the store (created if absent) and return it."""
    if judgement not in JUDGEMENTS:
        raise KgraphError(f"judgement must be one of {', '.join(JUDGEMENTS)}, not {judgement!r}")
    a, b = a.strip(), b.strip()
    if not a or not b:
        raise KgraphError("a judgement needs two node ids")
    if a == b:
        raise KgraphError(f"cannot judge {a} against itself")
    j = Judgement(
        a,
        b,
        judgement,
        user=user if user is not None else os.environ.get("USER"),
        timestamp=timestamp or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        note=note or None,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(j.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    if path.exists():
        lines, last = _split_lines(path)
        if last.strip() and _judgement(last) is None:
            # appended to, a line cut short would become one line with this judgement, and hide it
            raise KgraphError(f"{path}: line {len(lines) + 1} is cut short ({last[:40]!r}); delete it, then judge again")
        if last.strip():  # a whole last line without its newline (an editor's): this one starts after it
            line = b"\n" + line
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        # one write() of one line: readers see the whole line or none of it
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return j


def read_judgements(path: str | os.PathLike, warnings: list[str] | None = None) -> list[Judgement]:
    """Every judgement in file order.

    A line that is not a judgement (a hand edit gone wrong) is refused with
    one line naming it: an analyst's judgement is never dropped unsaid. Only a
    last line without its newline that is not a whole judgement, cut short by
    a crash, is passed over, and said so: in ``warnings`` when given (a build
    reports them), and in the log.
    """
    path = Path(path)
    if not path.exists():
        return []
    lines, last = _split_lines(path)
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(_judgement(line, strict=True))
        except ValueError as e:  # strict: says what the line lacks
            raise KgraphError(f"{path}: line {lineno}: {e}; fix or delete the line") from None
    j = _judgement(last) if last.strip() else None  # a whole last line without its newline is read
    if j is None and last.strip():
        said = f"{path}: line {len(lines) + 1} is cut short and was not read ({last[:40]!r}); delete it, then " \
               "judge that pair again"
        log.warning("%s", said)
        if warnings is not None:
            warnings.append(said)
    return out + [j] if j is not None else out


def _judgement(line: str, strict: bool = False) -> Judgement | None:
    """The judgement a line states; None for one that states none (``strict``: raises, saying why)."""
    try:
        d = json.loads(line)
        j = Judgement(d["a"], d["b"], d["judgement"], d.get("user"), d.get("timestamp"), d.get("note"))
    except (ValueError, KeyError, TypeError) as e:
        if strict:
            raise ValueError(f"not a judgement ({type(e).__name__}: {e})") from None
        return None
    if j.judgement not in JUDGEMENTS:
        if strict:
            raise ValueError(f"unknown judgement {j.judgement!r} (one of {', '.join(JUDGEMENTS)})")
        return None
    return j


def _split_lines(path: Path) -> tuple[list[str], str]:
    """The file's complete lines, and what follows its last newline (empty, or a line cut short)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise KgraphError(f"{path}: byte {e.start}: not UTF-8 text; fix or delete the line") from None
    lines = text.split("\n")
    return lines, lines.pop()


def load_judgements(path, warnings: list[str] | None = None) -> dict[tuple[str, str], Judgement]:
    """The current judgement of each pair (the last one recorded wins), keyed by sorted pair.

    ``path`` is the judgements file or a :class:`~kgraph.datadir.DataDir`;
    ``warnings`` gets what was passed over (:func:`read_judgements`).
    """
    if path is None:
        return {}
    path = getattr(path, "judgements_path", path)
    current: dict[tuple[str, str], Judgement] = {}
    for j in read_judgements(path, warnings):
        current[j.key] = j
    return current


def compact(path: str | os.PathLike) -> int:
    """Rewrite the store keeping only each pair's current judgement (atomic); returns lines kept."""
    current = load_judgements(path)
    text = "".join(json.dumps(j.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n" for j in current.values())
    atomic_write(Path(path), text)
    return len(current)


def as_judgements(obj) -> dict[tuple[str, str], Judgement]:
    """Accept a path, a mapping or an iterable of judgements / (a, b, judgement) tuples."""
    if obj is None:
        return {}
    if isinstance(obj, (str, os.PathLike)):
        return load_judgements(obj)
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            j = v if isinstance(v, Judgement) else Judgement(k[0], k[1], v)
            out[j.key] = j
        return out
    out = {}
    for item in obj:
        j = item if isinstance(item, Judgement) else Judgement(*item)
        out[j.key] = j
    return out


# -- analyst API (``kgraph.judge`` / ``kgraph.review``, wrapped by the CLI) -----------------


def _datadir(datadir):
    from ..datadir import DataDir

    return DataDir.of(datadir)


def judge(a: str, b: str, judgement: str, *, note: str | None = None, user: str | None = None, datadir=None,
          check: bool = True) -> Judgement:
    """Record that node ids ``a`` and ``b`` are the same / different / unsure.

    When a graph has been built, both ids must be records of it (``check``):
    a typo must not create a judgement that never applies. The judgement
    applies from the next build on.

    >>> import kgraph, tempfile
    >>> dd = kgraph.DataDir(tempfile.mkdtemp())
    >>> kgraph.judge("ofac-40181", "ca-sema-eddeda8f89db741a4d9b", "same", datadir=dd).judgement
    'same'
    """
    from ..errors import NotFound

    dd = _datadir(datadir)
    if check:
        from . import Resolution

        build = dd.current_graph()
        if build is not None:
            try:
                res = Resolution.load(build)
            except KgraphError:
                res = None
            if res is not None:
                missing = [x for x in (a, b) if x not in res.canonical]
                if missing:
                    raise NotFound(f"no record with id {', '.join(missing)} in the current graph "
                                   "(use the member ids that `kgraph review` or `kgraph show` print, or --force)")
    return add_judgement(dd.judgements_path, a, b, judgement, user=user, note=note)


def review(*, limit: int | None = 20, datadir=None) -> list:
    """Uncertain pairs of the last build (decision "possible", not yet judged), with evidence: first the
    pairs that scored below the merge threshold or only for review, best first; then those a rule kept
    apart though they scored above it (two OFAC records, strong negative evidence), best first. At the
    top of the list, 181 pairs of OFAC records on the corpus lists hid the pairs that wait for an analyst.

    Example (``dd``: a data directory holding the demo graph, where nothing is left uncertain)
    -------
    >>> kgraph.review(datadir=dd)
    []
    """
    from . import Resolution

    dd = _datadir(datadir)
    res = Resolution.load(dd.require_graph())
    judged = load_judgements(dd.judgements_path)
    out = [m for m in res.matches if m.decision == "possible" and pair_key(m.a, m.b) not in judged]
    out.sort(key=lambda m: (any(e.get("feature") == "blocked" for e in m.evidence), -m.score, m.a, m.b))
    return out[:limit] if limit else out
