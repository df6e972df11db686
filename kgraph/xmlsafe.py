"""XML reading that refuses hostile input: every XML reader in kgraph goes through here.

Refused with a :class:`kgraph.errors.SourceFormatError` naming the file and line:

* a DOCTYPE carrying entity declarations or pointing at an external DTD
  (XXE, "billion laughs" expansion, DTD fetches over the network); the real
  sanctions files have none;
* elements nested deeper than ``max_depth``;
* malformed or truncated XML, or bytes that do not decode in the declared encoding.

The parser never resolves entities, never loads a DTD and never touches the network.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "ok.xml")
>>> _ = open(p, "w").write("<a><b>1</b><b>2</b></a>")
>>> [e.text for _, e in iterparse_safe(p, tags={"b"})]
['1', '2']
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from .errors import SourceFormatError

__all__ = ["iterparse_safe", "parse_safe", "localname", "check_prolog"]

MAX_DEPTH = 64
_PROLOG_BYTES = 64 * 1024
_DANGEROUS = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*(SYSTEM|PUBLIC)", re.IGNORECASE)


def localname(tag: str) -> str:
    """Tag without its ``{namespace}``: namespaces change between OFAC publications."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _prolog_text(head: bytes) -> bytes:
    # re-encoded files (UTF-16) must be checked too: decode by BOM before searching
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        except Exception:  # pragma: no cover - decode with errors=ignore does not raise
            return head
    return head.replace(b"\x00", b"")


def check_prolog(path: str | Path) -> None:
    """Refuse entity declarations and external DTDs before any parsing starts."""
    with open(path, "rb") as f:
        head = _prolog_text(f.read(_PROLOG_BYTES))
    m = _DANGEROUS.search(head)
    if m:
        line = head[: m.start()].count(b"\n") + 1
        raise SourceFormatError(
            path, line, "XML declares entities or an external DTD; refused (possible XXE or entity-expansion attack)"
        )


def _check_doctype(path: str | Path, docinfo, line: int | None) -> None:
    """Refuse what the prolog check cannot see: a DOCTYPE placed after 64 KB of comments or whitespace.

    The parser never resolves entities, but a file that declares them is not a list
    publication and its entity references would silently drop text from the records.
    """
    dtd = docinfo.internalDTD
    if docinfo.system_url or docinfo.public_id or (dtd is not None and dtd.entities()):
        raise SourceFormatError(
            path, f"DOCTYPE before line {line}" if line else "DOCTYPE",
            "XML declares entities or an external DTD; refused (possible XXE or entity-expansion attack)",
        )


def _parser_kwargs() -> dict:
    return dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)


def iterparse_safe(
    path: str | Path, *, tags: set[str] | None = None, events: tuple[str, ...] = ("end",), max_depth: int = MAX_DEPTH
) -> Iterator[tuple[str, object]]:
    """Stream ``(event, element)`` pairs, filtered to ``tags`` (local names) when given.

    The caller clears elements it has consumed (``elem.clear()``) to keep memory flat.
    """
    from lxml import etree

    check_prolog(path)
    depth = 0
    want_start = "start" in events
    want_end = "end" in events
    try:
        for event, elem in etree.iterparse(str(path), events=("start", "end"), **_parser_kwargs()):
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_doctype(path, elem.getroottree().docinfo, elem.sourceline)
                if depth > max_depth:
                    raise SourceFormatError(path, elem.sourceline, f"elements nested deeper than {max_depth}; refused")
                if want_start and (tags is None or localname(elem.tag) in tags):
                    yield event, elem
            else:
                depth -= 1
                if want_end and (tags is None or localname(elem.tag) in tags):
                    yield event, elem
    except etree.XMLSyntaxError as e:
        raise SourceFormatError(path, e.lineno, f"malformed XML: {e.msg}") from None
    except (UnicodeError, OSError) as e:
        # lxml reports bytes invalid in the declared encoding as an OSError
        raise SourceFormatError(path, None, f"cannot decode XML: {e}") from None


def parse_safe(path: str | Path, *, max_depth: int = MAX_DEPTH):
    """Parse a whole (small) XML file into an element tree root, with the same refusals."""
    from lxml import etree

    check_prolog(path)
    try:
        tree = etree.parse(str(path), etree.XMLParser(**_parser_kwargs()))
        root = tree.getroot()
    except etree.XMLSyntaxError as e:
        raise SourceFormatError(path, e.lineno, f"malformed XML: {e.msg}") from None
    except (UnicodeError, OSError) as e:
        raise SourceFormatError(path, None, f"cannot decode XML: {e}") from None
    _check_doctype(path, tree.docinfo, root.sourceline)
    stack = [(root, 1)]
    while stack:
        elem, d = stack.pop()
        if d > max_depth:
            raise SourceFormatError(path, elem.sourceline, f"elements nested deeper than {max_depth}; refused")
        stack.extend((child, d + 1) for child in elem)
    return root
