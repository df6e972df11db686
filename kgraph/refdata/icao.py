"""ICAO 24-bit addresses and registration marks: which state, and where a rule links the two.

Every transponder address (``1533AD``) lies in a block that ICAO allocated to
one state of registry (Annex 10 Vol III, appendix to chapter 9, table 9-1:
Russian Federation ``100000-1FFFFF``, United States ``A00000-AFFFFF``...).
Every registration mark starts with that state's nationality mark (``RA-``,
``EW-``, ``N``). A few registries derive the address from the mark by a
published or de-facto rule:

* United States: N-numbers ``N1`` .. ``N99999`` (with up to two letters at the
  end) map one-to-one onto ``A00001`` .. ``ADF7C7`` (FAA rule; the MASTER file
  carries both).
* Russian Federation, civil ``RA-NNNNN``: ``0x140000 + NNNNN`` (``RA-00000`` ..
  ``RA-99999`` = ``140000`` .. ``15869F``), the convention of the Russian
  register for numeric marks (99.8% of such aircraft with a known address in
  the community ru-aircraft-db follow it). State aircraft (``RF-``) have **no**
  rule: some kept the address of the RA- number they were renumbered from
  (RF-78778 on 1533BA), others did not (RF-78659 on 1D3343), so
  :func:`tail_to_hex` returns None for them.
* Cuba ``CU-T1000`` .. ``CU-T1999``: ``0x0B0000 + number`` (community
  convention from tar1090's registration table).

These are conventions, not guarantees: an observed or registry hex always
wins over a derived one.

The block table (``data/icao_blocks.csv``) is the Annex table (2nd edition
2007, amendments to 88-A), smallest blocks 1,024 addresses (tar1090 widens
those to 2,048), plus Taiwan in ICAO's special-use block and six states added
by later amendments (``source`` column). UK overseas territories (VP-B, VQ-B
Bermuda...) have no published sub-block: their addresses resolve to GB, their
marks (``data/registration_prefixes.csv``) to the territory.

>>> hex_to_state("1533AD"), hex_to_state("a00001"), hex_to_state("0B04E2")
('RU', 'US', 'CU')
>>> tail_to_state("RA-78765"), tail_to_state("EW-78849"), tail_to_state("N80"), tail_to_state("VP-BKA")
('RU', 'BY', 'US', 'BM')
>>> format_tail("RA78765"), format_tail("n-12345"), format_tail("vpbka"), format_tail("4KAZ01")
('RA-78765', 'N12345', 'VP-BKA', '4K-AZ01')
>>> tail_to_hex("RA-78765"), hex_to_tail("1533ad")
('1533ad', 'RA-78765')
>>> tail_to_hex("N80"), hex_to_tail("AADF83"), tail_to_hex("N1"), hex_to_tail("adf7c7")
('aadf83', 'N80', 'a00001', 'N99999')
>>> tail_to_hex("RF-78778") is None
True
"""
from __future__ import annotations

import bisect
import csv
import functools
import re
from importlib import resources
from typing import NamedTuple

__all__ = [
    "IcaoBlock",
    "icao_blocks",
    "icao_block",
    "hex_to_state",
    "tail_to_state",
    "split_tail",
    "format_tail",
    "tail_to_hex",
    "hex_to_tail",
    "n_number_to_hex",
    "hex_to_n_number",
    "registration_marks",
]


class IcaoBlock(NamedTuple):
    start: int
    end: int
    country: str  # ISO 3166-1 alpha-2
    state: str
    source: str  # annex10 | later-amendment | icao-special-use


class _Mark(NamedTuple):
    mark: str
    sub: str  # first letter(s) after the hyphen that select the state (VP-B Bermuda), or ""
    country: str
    state: str
    hyphen: bool


def _open(name: str):
    return resources.files("kgraph.refdata").joinpath(f"data/{name}").open(encoding="utf-8", newline="")


@functools.cache
def icao_blocks() -> tuple[IcaoBlock, ...]:
    """The address blocks, sorted by start."""
    with _open("icao_blocks.csv") as f:
        rows = [
            IcaoBlock(int(r["start"], 16), int(r["end"], 16), r["country"], r["state"], r["source"])
            for r in csv.DictReader(f)
        ]
    return tuple(sorted(rows))


@functools.cache
def _starts() -> list[int]:
    return [b.start for b in icao_blocks()]


def _as_int(hexaddr: str | int | None) -> int | None:
    if hexaddr is None:
        return None
    if isinstance(hexaddr, int):
        return hexaddr if 0 < hexaddr < 1 << 24 else None
    h = hexaddr.strip().lower().lstrip("~")
    if h.startswith("0x"):
        h = h[2:]
    if not h or len(h) > 6 or not re.fullmatch(r"[0-9a-f]+", h):
        return None
    v = int(h, 16)
    return v if v else None


def icao_block(hexaddr: str | int | None) -> IcaoBlock | None:
    """The allocation block holding an address, or None (unallocated, malformed)."""
    v = _as_int(hexaddr)
    if v is None:
        return None
    i = bisect.bisect_right(_starts(), v) - 1
    if i >= 0:
        block = icao_blocks()[i]
        if block.start <= v <= block.end:
            return block
    return None


def hex_to_state(hexaddr: str | int | None) -> str | None:
    """ISO alpha-2 code of the state the address block is allocated to, else None."""
    block = icao_block(hexaddr)
    return block.country if block else None


# -- registration marks ------------------------------------------------------


@functools.cache
def _marks() -> dict[str, tuple[_Mark, ...]]:
    out: dict[str, list[_Mark]] = {}
    with _open("registration_prefixes.csv") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["mark"], []).append(
                _Mark(r["mark"], r["sub"], r["country"], r["state"], r["hyphen"] == "yes")
            )
    # rows with a selecting letter first, so that VP-B wins over a bare VP
    return {k: tuple(sorted(v, key=lambda m: -len(m.sub))) for k, v in out.items()}


def registration_marks() -> tuple[str, ...]:
    """Every nationality mark of the register table (``RA``, ``N``, ``4K``...), sorted.

    >>> marks = registration_marks()
    >>> "RA" in marks and "N" in marks and "UR" in marks
    True
    """
    return tuple(sorted(_marks()))


@functools.cache
def _mark_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(m) for m in _marks()}, reverse=True))


_TAIL_CLEAN = re.compile(r"[\s_.]+")
_TAIWAN = re.compile(r"^\d{5}$")  # China B-1234 (4 characters) vs Taiwan B-12345 (5 digits)


def _select(mark: str, rest: str) -> _Mark | None:
    for m in _marks().get(mark, ()):
        if not m.sub or rest.startswith(m.sub):
            if m.mark == "B" and not m.sub and _TAIWAN.match(rest):
                return _Mark("B", "", "TW", "Taiwan", True)
            return m
    return None


def _clean_tail(tail: str) -> str:
    return _TAIL_CLEAN.sub("", tail).upper() if _TAIL_CLEAN.search(tail) else tail.upper()


def split_tail(tail: str | None) -> tuple[str, str, str, bool] | None:
    """``(mark, rest, country, hyphen)`` of a registration, or None when no nationality mark fits.

    With a hyphen the part before it must be a known mark; without one the
    longest known mark that leaves something after it is taken.

    >>> split_tail("RA-78765"), split_tail("RA78765")
    (('RA', '78765', 'RU', True), ('RA', '78765', 'RU', True))
    """
    if not tail:
        return None
    return _split(_clean_tail(tail))


def _split(t: str) -> tuple[str, str, str, bool] | None:
    if not t:
        return None
    if "-" in t:
        mark, _, rest = t.partition("-")
        rest = rest.replace("-", "")
        m = _select(mark, rest) if rest else None
        return (mark, rest, m.country, m.hyphen) if m else None
    for n in _mark_lengths():
        if len(t) > n:
            m = _select(t[:n], t[n:])
            if m:
                return t[:n], t[n:], m.country, m.hyphen
    return None


def tail_to_state(tail: str | None) -> str | None:
    """ISO alpha-2 code of the state whose nationality mark the registration carries."""
    parts = split_tail(tail)
    return parts[2] if parts else None


def format_tail(tail: str | None) -> str | None:
    """A registration in its usual written form: ``RA78765`` -> ``RA-78765``, ``N-80`` -> ``N80``.

    The hyphen goes after the longest matching nationality mark; marks written
    without one (N, JA, HL, YV, HI) lose it. Unknown marks come back upper-cased
    and otherwise untouched.
    """
    if tail is None:
        return None
    t = _clean_tail(tail)
    if not t:
        return None
    parts = _split(t)
    if not parts:
        return t
    mark, rest, _, hyphen = parts
    return f"{mark}-{rest}" if hyphen else f"{mark}{rest}"


# -- registration <-> address rules -------------------------------------------

_RA = re.compile(r"^RA-?(\d{5})$")
_CU_T = re.compile(r"^CU-?T(1\d{3})$")
_RA_BASE, _CU_BASE = 0x140000, 0x0B0000

# FAA N-number layout: after "N" and a first digit 1-9 come up to four more
# characters; letters (24 of them: no I, no O) only at the end, at most two.
# Each prefix owns: itself, then its letter suffixes, then the blocks of the
# next digit. Sizes of those blocks, innermost (4 characters written) first:
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_SUFFIX = 1 + len(_LETTERS) * (1 + len(_LETTERS))  # the prefix itself + 600 one/two-letter suffixes
_B4 = 1 + len(_LETTERS) + 10  # N dddd: itself, one letter, or a fifth digit
_B3 = 10 * _B4 + _SUFFIX
_B2 = 10 * _B3 + _SUFFIX
_B1 = 10 * _B2 + _SUFFIX
_N_FIRST, _N_LAST = 0xA00001, 0xA00001 + 9 * _B1 - 1  # = 0xADF7C7
_N_NUMBER = re.compile(r"^N?([1-9]\d{0,4}|[1-9]\d{0,3}[A-HJ-NP-Z]|[1-9]\d{0,2}[A-HJ-NP-Z]{2})$")


def n_number_to_hex(n_number: str) -> str | None:
    """Mode S address of a US N-number (``N80`` -> ``aadf83``), None when not a valid N-number."""
    t = n_number.strip().upper().replace("-", "")
    if not _N_NUMBER.match(t):
        return None
    s = t[1:] if t.startswith("N") else t
    out = _N_FIRST + (int(s[0]) - 1) * _B1
    blocks = (_B2, _B3, _B4)
    i = 1
    while i < len(s):
        c = s[i]
        if c.isdigit():
            # a digit at position 4 is a leaf after the prefix and its 24 letters
            out += (_SUFFIX + int(c) * blocks[i - 1]) if i < 4 else (1 + len(_LETTERS) + int(c))
            i += 1
            continue
        if i < 4:
            out += 1 + _LETTERS.index(c) * (1 + len(_LETTERS))
            if i + 1 < len(s):
                out += 1 + _LETTERS.index(s[i + 1])
        else:
            out += 1 + _LETTERS.index(c)
        break
    return f"{out:06x}"


def hex_to_n_number(hexaddr: str | int) -> str | None:
    """The N-number an address in ``A00001``..``ADF7C7`` belongs to, else None."""
    v = _as_int(hexaddr)
    if v is None or not _N_FIRST <= v <= _N_LAST:
        return None
    off = v - _N_FIRST
    first, off = divmod(off, _B1)
    out = "N" + str(first + 1)
    for size in (_B2, _B3, _B4, 0):
        if off == 0:
            return out
        if not size:  # four characters written: one letter or a fifth digit
            off -= 1
            return out + (_LETTERS[off] if off < len(_LETTERS) else str(off - len(_LETTERS)))
        if off < _SUFFIX:
            letter, second = divmod(off - 1, 1 + len(_LETTERS))
            return out + _LETTERS[letter] + (_LETTERS[second - 1] if second else "")
        digit, off = divmod(off - _SUFFIX, size)
        out += str(digit)
    raise AssertionError("unreachable")  # pragma: no cover


def tail_to_hex(tail: str | None) -> str | None:
    """The address a registration maps to where a rule exists (US N-numbers, RA-NNNNN, CU-T1NNN)."""
    if not tail:
        return None
    t = _clean_tail(tail)
    m = _RA.match(t)
    if m:
        return f"{_RA_BASE + int(m.group(1)):06x}"
    m = _CU_T.match(t)
    if m:
        return f"{_CU_BASE + int(m.group(1)):06x}"
    if t.startswith("N"):
        return n_number_to_hex(t)
    return None


def hex_to_tail(hexaddr: str | int | None) -> str | None:
    """The registration an address maps to where a rule exists; see :func:`tail_to_hex`."""
    v = _as_int(hexaddr)
    if v is None:
        return None
    if _RA_BASE <= v <= _RA_BASE + 99999:
        return f"RA-{v - _RA_BASE:05d}"
    if _CU_BASE + 1000 <= v <= _CU_BASE + 1999:
        return f"CU-T{v - _CU_BASE}"
    return hex_to_n_number(v)
