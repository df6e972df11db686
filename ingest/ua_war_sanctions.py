"""Ukraine: the "War & Sanctions" portal of Defence Intelligence (GUR): vessels and the companies behind them.

https://war-sanctions.gur.gov.ua lists ships the GUR reports as involved in
carrying weapons, stolen Ukrainian goods and in sanctions circumvention (the
"shadow fleet"), with evidence. It is **not a legal sanctions list**: listing
there has no legal effect; the SANCTIONED_UNDER edges this module makes point
at a Program and an Authority whose names say so, and carry the status
``watchlist``, which does not mark a ship "sanctioned" (a ship is that only when
a legal list names it).

The portal is server-rendered HTML with no open API (a private one needs
credentials). :func:`fetch` walks the English ship listing (12 per page, the
portal's cap) and then every ship's page, saving them as they came::

    ships/page-0001.html ...   /en/transport/ships?page=N&per-page=12
    ships/<portal id>.html     /en/transport/ships/<portal id>
    index.json                 the ids in listing order, the pages, and the ids that answered 404

and :func:`parse` reads only those files. Each ship becomes a Vessel
``ua-gur-ship-<portal id>``; the owner, commercial manager and safety (ISM)
manager rows, ``Name (IMO / Country / DD.MM.YYYY)``, become Organizations
``ua-gur-company-<IMO company number>`` (one node per company across ships)
with OWNS, OPERATES and LINKED_TO edges; the P&I club a LINKED_TO edge.

Verified against what: there was no internet access when this was written.
The markup (``div#main-grid`` links on listings, ``div.tools-spec`` and
``div.tools-frame`` rows of two divs, the value's class containing
``yellow``) and the labels come from the selectors of the OpenSanctions
crawler ``datasets/ua/war_sanctions/html/crawler.py``; the test fixtures are
hand-written in that structure and were not checked against a live page.
Not read: the company pages (``/transport/ships-company/{id}``), captains,
the shadow-fleet tab and the portal's other sections (persons, companies,
components). Opt-in (not in ``kgraph update``'s default sources): a full pull is about
1,500 page requests. ``[sources.war-sanctions]`` in config.toml takes
``base_url``, ``delay`` (seconds between requests, default 0.5),
``max_pages`` and ``user_agent``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.ids import make_id, normalize_imo, ship_imo
from kgraph.model import Edge, Node, ParseReport, Provenance, Record
from kgraph.refdata.countries import country_code
from kgraph.sources import Source

__all__ = ["SOURCE", "fetch", "parse", "parse_party", "Party"]

log = logging.getLogger("kgraph.ingest.war_sanctions")

DATASET = "ua_gur_war_sanctions"
PORTAL = "https://war-sanctions.gur.gov.ua"
LISTING = "/en/transport/ships"
PER_PAGE = 12  # the portal ignores a larger per-page
DELAY = 0.5
MAX_PAGES = 400  # 4,800 ships: three times the 2026 count; a longer walk is a loop, not growth
MAX_PAGE_BYTES = 5 << 20  # far above a page of some dozen rows of text: a bigger file is something else
INDEX = "index.json"
AUTHORITY_ID = f"authority-{DATASET}"
PROGRAM_ID = "program-ua-gur-war-sanctions-ships"
PORTAL_NAME = "War & Sanctions portal of the Defence Intelligence of Ukraine (GUR)"
PUBLISHER = "Defence Intelligence of Ukraine (HUR/GUR MO)"

SOURCE = Source(
    name="war-sanctions",
    title="GUR War & Sanctions portal: vessels and their owners and managers (not a legal sanctions list)",
    datasets=(DATASET,),
    publisher=PUBLISHER,
    licence="Public web pages of a Ukrainian state body; no open-data licence is published: cite the portal",
    cadence="continuous: ships are added every few days",
    homepage=f"{PORTAL}/en/transport/ships",
    # about 1,404 ships in 2026-06; companies are shared between ships
    assertions={
        "read": [1000, 3000],
        "nodes": {"Vessel": [1000, 3000], "Organization": [200, 8000]},
        "fill": {"Vessel.name": 0.99, "Vessel.imoNumber": 0.95, "Vessel.vesselType": 0.8},
    },
    prefix="ua-gur",
)


# --------------------------------------------------------------------------- reading one saved page
def _document(path: Path):
    """The parsed page, or SourceFormatError for what is not a whole UTF-8 HTML page."""
    import lxml.etree
    import lxml.html

    data = path.read_bytes()
    if len(data) > MAX_PAGE_BYTES:
        raise SourceFormatError(path, None, f"{len(data)} bytes: larger than any portal page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceFormatError(path, f"byte {e.start}", "not UTF-8 text") from None
    if not text.strip():
        raise SourceFormatError(path, None, "empty file")
    # a cut download: the portal's pages always end with </html>
    if "</html>" not in text[-2000:].lower():
        raise SourceFormatError(path, "end of file", "truncated HTML (no closing </html>)")
    try:
        return lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.LxmlError) as e:  # "Document is empty": comments or a lone end tag
        raise SourceFormatError(path, None, f"not an HTML page ({e})") from None


def _title(root) -> str:
    return " ".join((root.findtext(".//title") or "").split())[:80]


def _lines(value) -> list[str]:
    """The text lines of a value cell: <br> and block elements separate lines, links and spans do not."""
    for sub in value.iter("br", "div", "p", "li"):
        if sub is not value:
            sub.tail = "\n" + (sub.tail or "")
            sub.text = "\n" + (sub.text or "")
    return [" ".join(line.split()) for line in value.text_content().split("\n") if line.strip()]


# rows of two divs, the label and its value (class "yellow"): the identity block, then the frame's blocks
_ROWS = (".//div[contains(@class,'tools-spec')]/div[contains(@class,'row')]",
         ".//div[contains(@class,'tools-frame')]//div[contains(@class,'mb-3') or contains(@class,'js_visibility')]")

_LINKS = ".//div[contains(@class,'tools-frame')]//a[contains(@class,'long-text')]/@href"


def _rows(main) -> list[tuple[str, list[str]]]:
    out, seen = [], []
    for xpath in _ROWS:
        for row in main.xpath(xpath):
            divs = row.findall("div")
            if any(row is s for s in seen) or len(divs) != 2 or "yellow" not in (divs[1].get("class") or ""):
                continue
            seen.append(row)
            out.append((" ".join(divs[0].text_content().split()).rstrip(":"), _lines(divs[1])))
    return out


# --------------------------------------------------------------------------- values
_NONE = {"", "-", "—", "–", "n/a", "unknown", "невідомо", "неизвестно", "no data", "немає даних"}


def _value(lines: list[str]) -> str | None:
    text = " ".join(lines).strip()
    return None if text.lower() in _NONE else text


def _date(raw: str | None) -> str | None:
    """ISO date from the portal's DD.MM.YYYY (also D/M/YYYY, MM.YYYY, YYYY)."""
    text = (raw or "").strip().rstrip(").")
    if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text):
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            return None
    if (m := re.fullmatch(r"(\d{1,2})\.(\d{4})", text)) and 1 <= int(m[1]) <= 12:
        return f"{m[2]}-{int(m[1]):02d}"
    return text if re.fullmatch(r"(19|20)\d\d", text) else None


@dataclass
class Party:
    """One owner or manager row: ``Name [c/o Other] (IMO / Country / DD.MM.YYYY)``."""

    name: str | None  # None: the portal says "Unknown" (a date may still be given)
    imo: str | None = None  # the IMO company and registered owner number
    country: str | None = None  # as published
    date: str | None = None  # ISO: since when the role is held
    care_of: str | None = None


_TAIL = re.compile(r"(?P<head>.*?\S)\s*\((?P<inner>[^()]*)\)\s*\.?")
# "c/o" also typed with Cyrillic letters, or as the Ukrainian "п/о"
_CARE_OF = re.compile(r"\s+[cсп]\s*/\s*[oо]\.?:?\s+", re.I)
# several parties packed in one row ("A A/S" is one Danish company name: only a spaced slash counts)
_PACKED = re.compile(r"\s/\s|\b(current|former|previous)\b", re.I)


def parse_party(text: str) -> Party | None:
    """The parts of an owner/manager row, or None when it is not in the portal's form.

    >>> parse_party("Ocean Dolphin Ship Management (6270796 / United Arab Emirates / 14.02.2023)")
    Party(name='Ocean Dolphin Ship Management', imo='6270796', country='United Arab Emirates', date='2023-02-14', care_of=None)
    >>> parse_party("Unknown (22.03.2024)")
    Party(name=None, imo=None, country=None, date='2024-03-22', care_of=None)
    """
    m = _TAIL.fullmatch(" ".join(str(text).split()))
    if not m or m["head"].count("(") != m["head"].count(")"):
        return None
    inner = [p.strip() for p in re.split(r"\s/\s", m["inner"])]
    if len(inner) == 1:  # unspaced "6270796/UAE/14.02.2023"
        inner = [p.strip() for p in inner[0].split("/")]
    party = Party(None)
    for part in inner:
        if part.lower() in _NONE:
            continue
        if re.fullmatch(r"(?:IMO\s*)?\d{7}", part, re.I):
            slot, value = "imo", normalize_imo(part)
        elif _date(part):
            slot, value = "date", _date(part)
        else:
            slot, value = "country", part
        if getattr(party, slot) is not None:
            return None  # two countries or two dates: not the (IMO / Country / Date) form
        setattr(party, slot, value)
    name, _, care_of = (s.strip() for s in _CARE_OF.sub("\x00", m["head"], count=1).partition("\x00"))
    if name.lower() in _NONE:  # "Unknown (22.03.2024)": the role is vacant or not known, in the portal's form
        return None if care_of else party
    if _PACKED.search(name) or (care_of and _PACKED.search(care_of)):
        return None
    party.name, party.care_of = name, care_of or None
    return party


# --------------------------------------------------------------------------- one vessel page
# label (lower case) -> what it becomes; the labels are the portal's English ones
_FIELDS = {
    **dict.fromkeys(("vessel name", "vessel name (international according to imo)"), "name"),
    "imo": "imo", "mmsi": "mmsi", "call sign": "callSign",
    "flag (current)": "flag", "flags (former)": "pastFlags", "former ship names": "previousName",
    "vessel type": "vesselType", "build year": "buildDate",
    **dict.fromkeys(("gross tonnage", "gross tonnage (t)"), "grossRegisteredTonnage"),
    **dict.fromkeys(("dwt", "dwt (t)"), "tonnage"),
    "vessel information": "information", "category": "category",
    **dict.fromkeys(("ship owner (imo / country / date)", "shipowner (imo / country / date)"), "owner"),
    "commercial ship manager (imo / country / date)": "commercial",
    "ship safety management manager (imo / country / date)": "safety",
    "p&i club": "insurer",
}
# kept in the notes on purpose: no Vessel property holds them (ports, AIS gaps, other lists)
_NOTED = {"sanctions", "sanctions lifted", "cases of ais shutdown", "calling at russian ports", "visited ports",
          "builder (country)", "length (m)", "the person in connection with whom sanctions have been applied",
          "the person in connection with whomsanctions have been applied"}
# role -> (relationship, relation); OPERATES has no relation property, so only one role can use it
_ROLES = {
    "owner": ("OWNS", None),
    "commercial": ("OPERATES", None),
    "safety": ("LINKED_TO", "ship safety management (ISM) manager"),
    "insurer": ("LINKED_TO", "P&I club (insurer)"),
}


class _Companies:
    """Organizations met on vessel pages, one per IMO company number (else per name and country)."""

    def __init__(self, snapshot: str | None):
        self.snapshot, self.nodes = snapshot, {}

    def get(self, name: str, imo: str | None = None, country: str | None = None) -> Node:
        nid = f"ua-gur-company-{imo}" if imo else make_id("ua-gur-company", name, country)
        node = self.nodes.get(nid)
        if node is None:
            node = self.nodes[nid] = Node(nid, "Organization", {"name": [name]},
                                          Provenance(DATASET, imo or name, self.snapshot))
            # "IMO 6270796" as OFAC writes a company's IMO number: both meet on one identifier key
            node.add("idNumber", f"IMO {imo}" if imo else None)
        elif name not in node.get("name"):
            node.add("alias", name)  # another spelling of the same numbered company
        code = country_code(country) if country else None
        node.add("country", code)
        if country and not code:
            node.add("notes", f"country as published: {country}")
        return node


def _parties(vessel: Node, role: str, label: str, lines: list[str], companies: _Companies,
             report: ParseReport) -> Iterator[Edge]:
    rel, relation = _ROLES[role]
    for line in lines:
        if line.lower() in _NONE:
            continue
        party = Party(line) if role == "insurer" else parse_party(line)  # P&I clubs come as a bare name
        if party is None:
            report.warn("party not in the form 'Name (IMO / Country / DD.MM.YYYY)'", record=vessel.prov.record,
                        label=label, value=line)
            vessel.add("notes", f"{label}: {line}")
            continue
        if party.name is None:
            vessel.add("notes", f"{label}: unknown" + (f" (since {party.date})" if party.date else ""))
            continue
        org = companies.get(party.name, party.imo, party.country)
        props = {"startDate": [party.date]} if party.date else {}
        if relation:
            props["relation"] = [relation]
        yield Edge(rel, org.id, vessel.id, props, vessel.prov)
        if party.care_of:
            other = companies.get(party.care_of)
            yield Edge("LINKED_TO", org.id, other.id, {"relation": ["care of (c/o)"]}, vessel.prov)


def _countries(vessel: Node, prop: str, label: str, lines: list[str]) -> None:
    for text in (p.strip() for line in lines for p in line.split("/") if p.strip().lower() not in _NONE):
        vessel.add(*((prop, country_code(text)) if country_code(text) else ("notes", f"{label}: {text}")))


def _vessel(sid: str, rows: list[tuple[str, list[str]]], links: list[str], snapshot: str | None,
            companies: _Companies, report: ParseReport) -> tuple[Node, list[Edge]]:
    url = f"{PORTAL}{LISTING}/{sid}"  # the public page, also when fetched from a configured mirror
    vessel = Node(f"ua-gur-ship-{sid}", "Vessel", {"sourceUrl": [url, *links]}, Provenance(DATASET, sid, snapshot))
    edges: list[Edge] = []
    # status "watchlist": the listing is shown with the others, but does not mark the ship "sanctioned"
    listing = Edge("SANCTIONED_UNDER", vessel.id, PROGRAM_ID,
                   {"authority": [PORTAL_NAME], "sourceUrl": [url], "status": ["watchlist"]}, vessel.prov)
    for label, lines in rows:
        field, value = _FIELDS.get(label.lower()), _value(lines)
        if field is None:
            if label.lower() not in _NOTED:
                report.unknown(label, record=sid)
            if value:
                vessel.add("notes", f"{label}: {'; '.join(lines)}")
        elif field in _ROLES:
            edges += _parties(vessel, field, label, lines, companies, report)
        elif value is None:
            continue
        elif field == "imo" and not ship_imo(value):
            report.warn("IMO is not a valid ship IMO number", record=sid, value=value)
            vessel.add("notes", f"IMO as published: {value}")
        elif field == "imo":
            vessel.add("imoNumber", ship_imo(value))
        elif field in ("flag", "pastFlags"):
            _countries(vessel, field, label, lines)
        elif field == "previousName":
            vessel.add(field, *(n.strip() for line in lines for n in line.split(" / ")))
        elif field in ("tonnage", "grossRegisteredTonnage"):
            number = re.sub(r"[\s,]", "", value)
            vessel.add(field, None if number == "0" else number)  # the portal writes 0 for "not known"
        elif field == "buildDate":
            vessel.add(*((field, _date(value)) if _date(value) else ("notes", f"{label}: {value}")))
        elif field == "information":
            vessel.add("notes", value)
            listing.add("reason", value)
        elif field == "category":
            vessel.add("notes", *(f"Category: {line}" for line in lines))
        elif field == "mmsi" and not re.fullmatch(r"\d{9}", value):
            vessel.add("notes", f"MMSI as published: {value}")
        else:
            vessel.add(field, value)
    return vessel, [listing, *edges]


# --------------------------------------------------------------------------- parse
def _static(snapshot: str | None) -> list[Record]:
    prov = Provenance(DATASET, DATASET, snapshot)
    return [
        Node(AUTHORITY_ID, "Authority", {"name": [f"{PORTAL_NAME} (evidence listing, not a legal sanctions list)"],
                                         "shortName": ["GUR War & Sanctions"], "publisher": [PUBLISHER],
                                         "country": ["UA"], "sourceUrl": [PORTAL]}, prov),
        Node(PROGRAM_ID, "Program", {
            "name": ["GUR War & Sanctions: vessels carrying weapons or stolen Ukrainian goods, or circumventing "
                     "sanctions (not a legal sanctions list)"],
            "code": ["UA-GUR-SHIPS"], "authority": [PORTAL_NAME],
            "notes": ["Listed by Ukraine's Defence Intelligence with evidence; a listing has no legal effect. "
                      "Legal sanctions of the ships, if any, come from the lists that imposed them."]}, prov),
        Edge("ISSUED_BY", PROGRAM_ID, AUTHORITY_ID, {}, prov),
    ]


def _pages(path: Path) -> tuple[Path, list[tuple[str, Path]]]:
    """The folder and its vessel pages ``<portal id>.html`` (under ships/ or directly), by id."""
    if path.is_file():
        if not re.fullmatch(r"\d+\.html?", path.name):
            raise SourceFormatError(path, None, "expected a ship page saved as <portal id>.html")
        return path.parent, [(path.name.split(".")[0], path)]
    folder = path / "ships" if (path / "ships").is_dir() else path
    pages = [(p.name.split(".")[0], p) for p in folder.iterdir() if re.fullmatch(r"\d+\.html?", p.name)]
    return path, sorted(pages, key=lambda item: int(item[0]))


def _check_index(folder: Path, pages: list[tuple[str, Path]], report: ParseReport) -> int:
    """Warn about ships the listing named but no page was saved for; returns how many were listed."""
    if not (folder / INDEX).is_file():
        return 0
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        listed = {str(i) for i in index["ships"]}
        gone = {str(i) for i in index.get("not_found") or []}
    except (ValueError, KeyError, TypeError, AttributeError) as e:  # also UnicodeDecodeError
        raise SourceFormatError(folder / INDEX, None, f"not a war-sanctions index ({e!r})") from None
    missing = sorted(listed - gone - {sid for sid, _ in pages})
    if missing:
        report.warn("listed ships without a saved page", count=len(missing), first=missing[0])
    return len(listed)


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None) -> Iterator[Record]:
    """Records of one saved pull of the portal's ships (the folder :func:`fetch` wrote, or one page)."""
    folder, pages = _pages(Path(path))
    report = report if report is not None else ParseReport(DATASET)
    report.path = str(path)
    if not pages:
        raise SourceFormatError(path, None, "no ship pages (ships/<portal id>.html) in the folder")
    report.info["listed"] = _check_index(folder, pages, report)
    companies = _Companies(snapshot)
    records: list[Record] = _static(snapshot)
    for sid, file in pages:
        report.read += 1
        root = _document(file)
        main = root.find(".//main")
        if main is None or not main.xpath(_ROWS[0]):
            raise SourceFormatError(file, "main", "no div.tools-spec rows: not a ship page "
                                                  f"(an error or block page? title {_title(root)!r})")
        rows = _rows(main)
        if not any(_FIELDS.get(label.lower()) == "name" and _value(lines) for label, lines in rows):
            report.reject("ship page without a vessel name", record=sid)  # before its companies are made
            continue
        # the evidence links under the rows (news, registers, photos)
        links = [h.strip() for h in main.xpath(_LINKS) if h.strip().startswith(("http://", "https://"))]
        vessel, edges = _vessel(sid, rows, links, snapshot, companies, report)
        report.kept += 1
        records += [vessel, *edges]
    yield from report.count([*records, *companies.nodes.values()])


# --------------------------------------------------------------------------- fetch
def _settings(config: dict) -> tuple[str, float, int]:
    cfg = ((config or {}).get("sources") or {}).get(SOURCE.name) or {}
    try:
        delay, pages = float(cfg.get("delay", DELAY)), int(cfg.get("max_pages", MAX_PAGES))
        if delay < 0 or pages < 1:
            raise ValueError
    except (TypeError, ValueError):
        raise ConfigError(f"config.toml: [sources.{SOURCE.name}] delay must be >= 0 seconds and "
                          "max_pages a whole number >= 1") from None
    return str(cfg.get("base_url") or PORTAL).rstrip("/"), delay, pages


def _checked(target: Path, url: str, xpath: str, what: str):
    """The saved answer parsed, or FetchError when it is not a portal page holding ``xpath``."""
    try:
        root = _document(target)
    except SourceFormatError as e:
        raise FetchError(f"{url}: {e.reason}") from None
    found = root.xpath(xpath)
    if not found:
        raise FetchError(f"{url}: no {what} in the answer: a block or error page? (title {_title(root)!r})")
    return found[0]


def fetch(dest: Path, *, config: dict, session=None) -> dict[str, Any]:
    """Save the ship listing and every ship page into ``dest``; returns counts for fetch.json.

    Raises :class:`FetchError` naming the URL when the portal fails (after the
    fetch layer's retries) or answers a page without the expected element.
    """
    from kgraph.datadir import atomic_write
    from kgraph.fetch import RequestFailed, download, http_session, source_headers

    base, delay, max_pages = _settings(config)
    headers = source_headers(SOURCE, config or {})
    own, session, dest = session is None, session or http_session(config), Path(dest)
    folder = dest / "ships"
    folder.mkdir(parents=True, exist_ok=True)
    ids, not_found = [], []
    try:
        for page in range(1, max_pages + 2):
            if page > max_pages:
                raise FetchError(f"{base}{LISTING}: the listing did not end within {max_pages} pages; "
                                 f"raise [sources.{SOURCE.name}] max_pages if the portal has grown")
            target = folder / f"page-{page:04d}.html"
            params = {"page": page, "per-page": PER_PAGE}
            download(session, f"{base}{LISTING}", target, headers=headers, params=params)
            grid = _checked(target, f"{base}{LISTING}?page={page}", ".//div[@id='main-grid']", "div#main-grid")
            # past the last page the portal (Yii2) answers the last page again: no new links ends the walk
            links = re.findall(r"/transport/ships/(\d+)(?:[/?#]|$)", "\n".join(grid.xpath(".//a/@href")), re.M)
            new = [i for i in dict.fromkeys(links) if i not in ids]
            time.sleep(delay)  # after every request, the last listing page's too
            if not new:
                target.unlink()
                break
            ids += new
        for n, sid in enumerate(ids, 1):
            url = f"{base}{LISTING}/{sid}"
            try:
                download(session, url, folder / f"{sid}.html", headers=headers)
                _checked(folder / f"{sid}.html", url, ".//main" + _ROWS[0][1:], "div.tools-spec rows")
            except RequestFailed as e:
                if e.status != 404:
                    raise
                not_found.append(sid)  # removed between the listing and now
            if n % 100 == 0:
                log.info("war-sanctions: %d of %d ship pages fetched", n, len(ids))
            time.sleep(delay)
        pages = len(list(folder.glob("page-*.html")))
        index = {"base_url": base, "pages": pages, "ships": ids, "not_found": not_found}
        atomic_write(dest / INDEX, json.dumps(index, indent=1) + "\n")
        return {"pages": pages, "ships": len(ids), "not_found": len(not_found)}
    finally:
        if own:
            session.close()
