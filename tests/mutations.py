"""Ways to damage an input file, for the parsers-under-attack tests (hypothesis strategies).

Every ingester's fuzz test feeds ``damaged(data)`` to its parser and accepts
two outcomes only: correct records (with warnings counted for anything
skipped) or one :class:`kgraph.errors.SourceFormatError` naming the file and
the place. A traceback, a hang, or silently fewer records fails the test.
"""
from __future__ import annotations

import codecs
import random

from hypothesis import strategies as st

__all__ = ["truncate", "flip_bytes", "reencode", "add_bom", "shuffle_lines", "damaged", "MUTATIONS"]


def truncate(data: bytes, frac: float) -> bytes:
    return data[: int(len(data) * frac)]


def flip_bytes(data: bytes, seed: int, n: int = 3) -> bytes:
    if not data:
        return data
    rnd = random.Random(seed)
    buf = bytearray(data)
    for _ in range(n):
        i = rnd.randrange(len(buf))
        buf[i] ^= 1 << rnd.randrange(8)
    return bytes(buf)


def reencode(data: bytes, encoding: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    return text.encode(encoding, errors="replace")


def add_bom(data: bytes, bom: bytes = codecs.BOM_UTF8) -> bytes:
    return bom + data


def shuffle_lines(data: bytes, seed: int) -> bytes:
    lines = data.splitlines(keepends=True)
    random.Random(seed).shuffle(lines)
    return b"".join(lines)


MUTATIONS = ("truncate", "flip", "utf16", "cp1251", "bom", "shuffle")


@st.composite
def damaged(draw, data: bytes):
    """A hypothesis strategy: one damaged version of ``data`` and the name of the damage."""
    kind = draw(st.sampled_from(MUTATIONS))
    if kind == "truncate":
        return kind, truncate(data, draw(st.floats(min_value=0.0, max_value=0.999)))
    if kind == "flip":
        return kind, flip_bytes(data, draw(st.integers(0, 2**32)), draw(st.integers(1, 8)))
    if kind == "utf16":
        return kind, reencode(data, "utf-16")
    if kind == "cp1251":
        return kind, reencode(data, "cp1251")
    if kind == "bom":
        return kind, add_bom(data)
    return kind, shuffle_lines(data, draw(st.integers(0, 2**32)))
