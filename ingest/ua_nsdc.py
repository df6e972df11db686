"""Ukraine: State Register of Sanctions of the National Security and Defense Council (NSDC API).

The register is an API, not a file: :func:`fetch` pulls the subject lists and
each subject's actions (decrees) into the staging folder, and :func:`parse`
reads those saved answers, never the network::

    subjects_individual.json   GET /v2/subjects?subjectType=individual (as sent)
    subjects_legal.json        GET /v2/subjects?subjectType=legal
    subjects_<type>.p2.json    further pages, if the API ever pages (it answered one list in 2024-26)
    actions.jsonl              one line per subject: {"sid": ..., "actions": <GET /subjects/{sid}/actions>}

Each subject becomes a Person, Organization or Vessel (a legal subject with an
IMO attribute) ``ua-nsdc-<sid>`` with its listing ``status`` (active, expired,
excluded) and one SANCTIONED_UNDER edge to ``program-ua-nsdc-sanctions`` (the
Law "On Sanctions") carrying every decree of its actions: one edge per listing
as for the other lists, not a Program per decree (hundreds of them would crowd
the Program type; "who else is in decree 82/2023" is a search on ``decree``).
The API key (header ``x-cota-public-api-key``) comes from ``KGRAPH_NSDC_API_KEY``;
the NSDC gives keys on request to sanctions@rnbo.gov.ua.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Iterator

from kgraph.errors import ConfigError, FetchError, SourceFormatError
from kgraph.ids import normalize_imo
from kgraph.model import Edge, Node, ParseReport, Provenance, Record
from kgraph.refdata.countries import country_code
from kgraph.schema import schema
from kgraph.sources import Source

__all__ = ["SOURCE", "fetch", "parse", "split_name"]

log = logging.getLogger("kgraph.ingest.nsdc")

DATASET = "ua_nsdc"
API = "https://api-drs.nsdc.gov.ua"
ENV_KEY = "KGRAPH_NSDC_API_KEY"
KEY_HEADER = "x-cota-public-api-key"
KINDS = ("individual", "legal")
ACTIONS_FILE = "actions.jsonl"
AUTHORITY_ID = f"authority-{DATASET}"
PROGRAM_ID = "program-ua-nsdc-sanctions"
REGISTER = "State Register of Sanctions of Ukraine"
PUBLISHER = "National Security and Defense Council of Ukraine"
MAX_PAGES = 10_000

SOURCE = Source(
    name="nsdc",
    title=f"{REGISTER} (NSDC)",
    datasets=(DATASET,),
    publisher=PUBLISHER,
    licence="Official public register (Law of Ukraine 'On Sanctions' No. 1644-VII); no open-data licence is "
            "published for the API: use under the terms given with the API key",
    cadence="continuous: changes with each presidential decree enacting NSDC sanctions (several a month)",
    homepage="https://drs.nsdc.gov.ua/",
    env=(ENV_KEY,),
    # about 22,000 subjects in 2025-26 (opensanctions: 9.1k-21.4k persons, 6.2k-14.5k organisations)
    assertions={
        "read": [15000, 30000],
        "nodes": {"Person": [9000, 21500], "Organization": [5000, 15000], "Vessel": [0, 3000]},
        "fill": {"Person.name": 0.99, "Organization.name": 0.99, "Vessel.imoNumber": 0.95},
    },
    prefix="ua-nsdc",
)


# --------------------------------------------------------------------------- fetch
def _page_items(body: Any, what: str) -> tuple[list, Any]:
    """Items of one answer and its pagination hint: a bare list (what the API sends), or an envelope."""
    if isinstance(body, list):
        return body, None
    if isinstance(body, dict):
        items = next((body[k] for k in ("data", "items", "subjects", "results", "rows")
                      if isinstance(body.get(k), list)), None)
        if items is not None:
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else body
            return items, meta
    raise FetchError(f"nsdc: {what}: the API answered {type(body).__name__}, not a list of records")


def _more_pages(meta: Any, page: int, seen: int, got: int) -> bool:
    """Whether an envelope announces another page (never for a bare list, or after an empty page)."""
    if not isinstance(meta, dict) or not got or page >= MAX_PAGES:
        return False
    last = next((meta[k] for k in ("pages", "totalPages", "lastPage", "pageCount") if isinstance(meta.get(k), int)), None)
    total = next((meta[k] for k in ("total", "totalCount", "count") if isinstance(meta.get(k), int)), None)
    return bool(meta.get("next")) or (page < last if last is not None else total is not None and seen < total)


def _fetch_subjects(session, base: str, kind: str, auth: dict, dest: Path) -> tuple[list[str], int, int]:
    """Save every page of one subject list; returns the sids, the number of subjects and of pages."""
    from kgraph.fetch import download

    page, seen, sids = 1, 0, []
    while True:
        target = dest / (f"subjects_{kind}.json" if page == 1 else f"subjects_{kind}.p{page}.json")
        params = {"subjectType": kind, **({"page": page} if page > 1 else {})}
        download(session, f"{base}/v2/subjects", target, kind="json", params=params, headers=auth)
        try:
            body = json.loads(target.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FetchError(f"nsdc: {kind} subjects page {page}: the API answered invalid JSON ({e})") from None
        items, meta = _page_items(body, f"{kind} subjects page {page}")
        seen += len(items)
        sids += [str(s["sid"]) for s in items if isinstance(s, dict) and s.get("sid") is not None]
        if not _more_pages(meta, page, seen, len(items)):
            return sids, seen, page
        page += 1


def fetch(dest: Path, *, config: dict, session=None) -> dict[str, Any]:
    """Save the register's subjects and their actions into ``dest``; returns counts for fetch.json.

    Raises :class:`ConfigError` without a key or when the API refuses it (401/403), and
    :class:`FetchError` when the API fails or answers something other than JSON.
    ``[sources.nsdc] api_url`` in config.toml overrides the API address.
    """
    from kgraph.fetch import get_json, http_session, register_secret

    key = os.environ.get(ENV_KEY, "").strip()
    if not key:
        raise ConfigError(f"nsdc: set {ENV_KEY} to an API key of the NSDC State Register of Sanctions "
                          "(keys are given on request to sanctions@rnbo.gov.ua)")
    register_secret(key)
    base = str((((config or {}).get("sources") or {}).get("nsdc") or {}).get("api_url") or API).rstrip("/")
    auth = {KEY_HEADER: key, "Accept": "application/json"}
    own, session, dest = session is None, session or http_session(config), Path(dest)
    counts: dict[str, Any] = {"subjects": {}, "pages": {}, "actions_not_found": 0}
    try:
        sids: list[str] = []
        for kind in KINDS:
            got, counts["subjects"][kind], counts["pages"][kind] = _fetch_subjects(session, base, kind, auth, dest)
            sids += got
        sids = list(dict.fromkeys(sids))
        tmp = dest / f".{ACTIONS_FILE}.tmp"  # hidden until complete: a half list of actions is never published
        with open(tmp, "w", encoding="utf-8") as out:
            for n, sid in enumerate(sids, 1):
                actions = get_json(session, f"{base}/subjects/{sid}/actions", headers=auth, allow_404=True)
                if actions is None:
                    counts["actions_not_found"] += 1
                elif not isinstance(actions, (list, dict)):
                    raise FetchError(f"nsdc: actions of subject {sid}: the API answered {type(actions).__name__}")
                out.write(json.dumps({"sid": sid, "actions": actions}, ensure_ascii=False) + "\n")
                if n % 1000 == 0:
                    log.info("nsdc: actions of %d of %d subjects fetched", n, len(sids))
        tmp.replace(dest / ACTIONS_FILE)
        return counts
    except FetchError as e:
        status = getattr(e, "status", None)  # RequestFailed carries the HTTP status
        if status in (401, 403):
            raise ConfigError(f"nsdc: the register API refused the key in {ENV_KEY} (HTTP {status}); "
                              "request a valid key from sanctions@rnbo.gov.ua") from None
        raise
    finally:
        if own:
            session.close()


# --------------------------------------------------------------------------- reading the saved answers
def _load_json(path: Path) -> Any:
    data = path.read_bytes()
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceFormatError(path, f"byte {e.start}", "not UTF-8 text") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as e:  # RecursionError: hostile nesting
        hint = " (an HTML page?)" if text.lstrip()[:1] == "<" else ""
        raise SourceFormatError(path, getattr(e, "lineno", None), f"invalid JSON{hint}: {getattr(e, 'msg', e)}") from None


def _load_actions(path: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    if not path.is_file():
        return out
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as e:  # also UnicodeDecodeError: bytes that are not UTF-8
            raise SourceFormatError(path, n, f"invalid JSON: {getattr(e, 'msg', e)}") from None
        if not isinstance(row, dict) or "sid" not in row:
            raise SourceFormatError(path, n, "expected an object with 'sid' and 'actions'")
        actions = row.get("actions")
        if isinstance(actions, dict):  # an envelope, as for the subject lists
            actions = next((actions[k] for k in ("data", "items", "actions") if isinstance(actions.get(k), list)), None)
        if actions is not None and not isinstance(actions, list):
            raise SourceFormatError(path, n, "'actions' is neither a list nor null")
        out[str(row["sid"])] = actions or []
    return out


def _date(raw: Any) -> str | None:
    """ISO date from the register's ``dd.mm.yyyy`` (also ``mm.yyyy``, ``yyyy``, ISO with a time)."""
    text = re.sub(r"\s*(р\.\s*н\.|р\.|року)$", "", str(raw or "").strip())  # "1965 р.н.": year of birth
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text):
        y, mth, d = (int(m[3]), int(m[2]), int(m[1])) if m[1] else (int(m[4]), int(m[5]), int(m[6]))
        try:
            return dt.date(y, mth, d).isoformat()
        except ValueError:
            return None
    if m := re.fullmatch(r"(\d{1,2})\.(\d{4})", text):
        return f"{int(m[2]):04d}-{int(m[1]):02d}" if 1 <= int(m[1]) <= 12 else None
    return text if re.fullmatch(r"\d{4}", text) else None


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def split_name(raw: str) -> list[str]:
    """The names packed in one register name: ``"укр (рос, eng)"`` -> the three of them.

    >>> split_name('ТОВ "Альфа" (ООО "Альфа", Alfa LLC)')
    ['ТОВ "Альфа"', 'ООО "Альфа"', 'Alfa LLC']
    >>> split_name("Петренко Петро Петрович")
    ['Петренко Петро Петрович']
    """
    text = " ".join(str(raw).split())
    m = re.fullmatch(r"(.+?)\s*\((.+)\)\.?", text)
    if not m or m[1].count("(") != m[1].count(")"):
        return [text] if text else []
    outer, inner = m[1].strip(), m[2].strip()
    # the Russian form has Cyrillic and the English one none: split there, not at commas inside a name
    for i in (i for i in range(len(inner)) if inner.startswith(", ", i)):
        left, right = inner[:i].strip(), inner[i + 2:].strip()
        if _CYRILLIC.search(left) and not _CYRILLIC.search(right) and re.search(r"[A-Za-z]", right):
            return [n for n in (outer, left, right) if n]
    if len(inner.split()) >= 2:  # "укр (рос)": a full second form, not an abbreviation
        return [outer, inner]
    return [text]


# attribute keys (Ukrainian) -> property; None: kept in notes on purpose
_ATTRIBUTES = {
    **dict.fromkeys(("Місцезнаходження", "Місце проживання", "Місце реєстрації", "Місце розташування",
                     "Юридична адреса", "Фізична адреса", "Поштова адреса", "Місцезнаходження юридичної особи",
                     "Місце реєстрації юридичної особи", "Місцезнаходження офісу"), "address"),
    **dict.fromkeys(("Дата народження", "дата народження"), "birthDate"),
    "Місце народження": "birthPlace",
    **dict.fromkeys(("Назва", "вигадана назва"), "alias"),
    **dict.fromkeys(("Колишня назва", "колишня назва", "стара назва", "зміна назви"), "previousName"),
    "IMO": "imoNumber", "MMSI": "mmsi",
    **dict.fromkeys(("Примітка", "Інша інформація", "Інші відомості"), "notes"),
    "Громадянство": "citizenship",
    "ОДРН": "ogrnCode",
    # a KPP is shared by every company of one tax office: an identifier key on it would link strangers
    "КПП": None,
    **dict.fromkeys(("email", "Email"), "email"),
    "Номер телефону": "phone",
    **dict.fromkeys(("Сайт", "Вебсайт", "Веб-сайт"), "website"),
    **dict.fromkeys(("звання", "військове звання", "Військове звання", "науковий ступінь", "Науковий ступінь"), "title"),
    **dict.fromkeys(("Зайнятість", "Посада"), "position"),
}
# identifier schemes -> property; the raw scheme goes to the notes where the property is generic
_IDENTIFIERS = {
    "tax:inn": "innCode", "tax:inn2": "innCode", "tax:rnokpp": "taxNumber", "tax:number": "taxNumber",
    "reg:odrn": "ogrnCode", "reg:odrnip": "ogrnCode", "reg:ru2": "ogrnCode", "reg:okpo": "okpoCode",
}
_STATUSES = {"active", "expired", "excluded"}
_SUBJECT_KEYS = {"sid", "name", "aliases", "translit", "status", "citizenships", "bd", "dd", "identifiers",
                 "attributes", "subjectType", "type"}
_ACTION_KEYS = {"aid", "status", "decree", "dates", "endDate", "startDate", "term", "restrictions", "reasons",
                "reason", "issuers"}


def _put(node: Node, prop: str, *values: Any, label: str | None = None) -> bool:
    """Add values, falling back to ``idNumber`` or ``notes`` where the type lacks the property.

    Returns True when the values went to a generic place, so the caller should note their scheme.
    """
    props = schema().nodes[node.type].properties
    if prop in props:
        node.add(prop, *values)
        return prop in ("registrationNumber", "idNumber", "taxNumber")
    if "idNumber" in props and prop.endswith(("Code", "Number")):
        node.add("idNumber", *values)
        return True
    node.add("notes", *(f"{label or prop}: {v}" for v in values if v))
    return False


def _identifiers(node: Node, items: list, report: ParseReport) -> None:
    for ident in items:
        scheme = str(ident.get("id") or "").strip()
        values = [v.strip() for v in str(ident.get("code") or "").split(";") if v.strip()]
        extra = ", ".join(str(ident[k]).strip() for k in ("iso2", "note") if ident.get(k))
        if scheme in _IDENTIFIERS:
            prop = _IDENTIFIERS[scheme]
        elif scheme.startswith("reg:"):
            prop = "registrationNumber"
        elif scheme.startswith("doc:"):
            prop = "passportNumber" if "passport" in scheme else "idNumber"
        else:
            report.unknown(f"identifier {scheme or '(none)'}", sid=node.prov.record)
            prop = "idNumber"
        generic = _put(node, prop, *values, label=scheme)
        if values and (generic or extra):  # the scheme says what a generic number is; iso2/note say more
            node.add("notes", f"{scheme or 'identifier'}: {'; '.join(values)}" + (f" ({extra})" if extra else ""))


# occupation entities the register codes as if they were countries
_OCCUPIED = {"DN": "so-called Donetsk People's Republic", "LN": "so-called Luhansk People's Republic"}


def _countries(node: Node, values: list, prop: str) -> None:
    for text in (str(v).strip() for v in values):
        code = None if text.upper() in _OCCUPIED else country_code(text)
        if code:
            _put(node, prop, code)
        elif text:
            extra = f" ({_OCCUPIED[text.upper()]})" if text.upper() in _OCCUPIED else ""
            node.add("notes", f"citizenship/jurisdiction as registered: {text}{extra}")


def _attributes(node: Node, items: list, report: ParseReport) -> None:
    for attr in items:
        key, value = str(attr.get("key") or "").strip(), " ".join(str(attr.get("value") or "").split())
        if not value:
            continue
        if key not in _ATTRIBUTES:
            report.unknown(f"attribute {key}", sid=node.prov.record)
            node.add("notes", f"{key}: {value}")
            continue
        prop = _ATTRIBUTES[key]
        if prop is None:
            node.add("notes", f"{key}: {value}")
        elif prop == "address":
            value = re.sub(r"\s*\((?:росія|Росія)\)", "", value)  # the register's "(росія)" tag, not address text
            parts = re.fullmatch(r"(.{30,}?)\s*\((.{30,})\)[.;]?", value)
            _put(node, "address", *(parts.groups() if parts and _CYRILLIC.search(parts[2]) else [value]))
        elif prop == "birthDate":
            _put(node, "birthDate", _date(value) or None)
            if not _date(value):
                node.add("notes", f"{key}: {value}")
        elif prop == "citizenship":
            _countries(node, [value], "citizenship" if node.type == "Person" else "country")
        elif prop == "imoNumber":
            _put(node, "imoNumber", normalize_imo(value))
            if not normalize_imo(value):
                report.warn("IMO attribute is not 7 digits", sid=node.prov.record, value=value)
                node.add("notes", f"IMO as registered: {value}")
        elif prop in ("alias", "previousName"):
            _put(node, prop if node.type != "Person" else "alias", *split_name(value))
        else:
            _put(node, prop, value)


def _subject(item: Any, kind: str, snapshot: str | None, report: ParseReport) -> Node:
    if not isinstance(item, dict):
        raise ValueError(f"a {kind} subject is {type(item).__name__}, not an object")
    sid = str(item.get("sid") or "").strip() if isinstance(item.get("sid"), (str, int)) else ""
    if not re.fullmatch(r"[\w.-]+", sid):
        raise ValueError("subject without a usable sid")
    attributes = item.get("attributes") or []
    identifiers = item.get("identifiers") or []
    if not isinstance(attributes, list) or not isinstance(identifiers, list) \
            or not all(isinstance(a, dict) for a in [*attributes, *identifiers]):
        raise ValueError("identifiers/attributes are not lists of objects")
    is_vessel = kind == "legal" and any(str(a.get("key", "")).strip() == "IMO" for a in attributes)
    node_type = "Person" if kind == "individual" else "Vessel" if is_vessel else "Organization"
    node = Node(f"ua-nsdc-{sid}", node_type, {}, Provenance(DATASET, sid, snapshot))
    names = split_name(item["name"]) if isinstance(item.get("name"), str) else []
    if not names:
        raise ValueError("subject without a name")
    node.add("name", names[0])
    aliases = item.get("aliases") or []
    aliases = re.split(r"\s*[;\n]\s*", aliases) if isinstance(aliases, str) else aliases
    # the Russian and English forms, and the register's own transliteration of the Ukrainian name
    aliases = [a for raw in [*aliases, item.get("translit")] for a in split_name(str(raw or ""))]
    node.add("alias", *(a for a in [*names[1:], *aliases] if a != names[0]))
    status = str(item.get("status") or "").strip().lower()
    if status and status not in _STATUSES:
        report.warn("unknown subject status", sid=sid, value=status)
    node.add("status", status)
    cits = item.get("citizenships") or []
    _countries(node, cits if isinstance(cits, list) else [cits],
               {"Person": "citizenship", "Organization": "jurisdiction"}.get(node_type, "country"))
    born = {"Person": "birthDate", "Organization": "incorporationDate", "Vessel": "buildDate"}[node_type]
    ended = {"Person": "deathDate", "Organization": "dissolutionDate"}.get(node_type)  # bd/dd: birth/death or
    for field, prop in (("bd", born), ("dd", ended)):                                 # registration/dissolution
        raw = str(item.get(field) or "").strip()
        if raw and prop and _date(raw):
            _put(node, prop, _date(raw))
        elif raw:
            node.add("notes", f"{field} as registered: {raw}")
    _identifiers(node, identifiers, report)
    _attributes(node, attributes, report)
    for key in item.keys() - _SUBJECT_KEYS:
        report.unknown(key, sid=sid)
        if isinstance(item[key], (str, int, float)) and str(item[key]).strip():
            node.add("notes", f"{key}: {item[key]}")
    return node


def _listing(node: Node, actions: list | None, report: ParseReport) -> Edge:
    """The SANCTIONED_UNDER edge of one subject, with every decree of its actions."""
    edge = Edge("SANCTIONED_UNDER", node.id, PROGRAM_ID, {"authority": [REGISTER]}, node.prov)
    spans: list[tuple[str, str | None, str | None]] = []  # (status, start, end) per action
    first: list[str] = []
    for action in actions or []:
        if not isinstance(action, dict):
            raise ValueError("an action is not an object")
        decree: dict = action["decree"] if isinstance(action.get("decree"), dict) else {}
        date, number = _date(decree.get("date")), str(decree.get("number") or "").strip()
        dates: dict = action["dates"] if isinstance(action.get("dates"), dict) else {}
        start = _date(action.get("startDate") or dates.get("start") or dates.get("startDate")) or date
        end = _date(action.get("endDate") or dates.get("end") or dates.get("endDate"))
        state = str(action.get("status") or "").strip().lower()
        text = f"Decree No. {number or '?'}" + (f" of {date}" if date else "")
        text += "".join(f", {k} {v}" for k, v in (("status", state), ("from", start), ("until", end),
                                                  ("term", str(action.get("term") or "").strip())) if v)
        edge.add("decree", text)
        edge.add("sourceUrl", decree.get("link"))
        for reason in (action.get("reasons"), action.get("reason")):
            edge.add("reason", *(reason if isinstance(reason, list) else [reason]))
        first += [d for d in (date, start) if d]
        spans.append((state, start, end))
        # the measures themselves (restrictions[]) are ~20 standard texts per action: no schema property holds them
        for key in action.keys() - _ACTION_KEYS:
            report.unknown(f"action {key}", sid=node.prov.record)
    if first:
        edge.add("listingDate", min(first))
    # start and end of the measures in force: those of the active actions, else of all of them
    current = [a for a in spans if a[0] == "active"] or spans
    edge.add("startDate", min((a[1] for a in current if a[1]), default=None))
    edge.add("endDate", max((a[2] for a in current if a[2]), default=None))
    statuses = [a[0] for a in spans]
    status = node.first("status") or ("active" if "active" in statuses else next((s for s in statuses if s), None))
    edge.add("status", status)
    if not node.first("status") and status:
        node.add("status", status)
    return edge


def _static(snapshot: str | None) -> list[Record]:
    prov = Provenance(DATASET, DATASET, snapshot)
    return [
        Node(AUTHORITY_ID, "Authority", {"name": [REGISTER, "Державний реєстр санкцій"],
                                         "shortName": ["Ukraine NSDC"], "publisher": [PUBLISHER],
                                         "country": ["UA"], "sourceUrl": ["https://drs.nsdc.gov.ua/"]}, prov),
        Node(PROGRAM_ID, "Program", {"name": ["Ukraine NSDC sanctions (Law on Sanctions)"], "code": ["UA-SA1644"],
                                     "authority": [REGISTER],
                                     "notes": ["Law of Ukraine 'On Sanctions' No. 1644-VII of 14 August 2014; "
                                               "NSDC decisions enacted by presidential decrees"]}, prov),
        Edge("ISSUED_BY", PROGRAM_ID, AUTHORITY_ID, {}, prov),
    ]


def _subject_files(folder: Path, kind: str) -> list[Path]:
    pattern = re.compile(rf"subjects_{kind}(?:\.p(\d+))?\.json")
    pages = {p: int(m[1] or 1) for p in folder.glob("subjects_*.json") if (m := pattern.fullmatch(p.name))}
    return sorted(pages, key=pages.__getitem__)


def parse(path: str | Path, *, snapshot: str | None = None, report: ParseReport | None = None) -> Iterator[Record]:
    """Records of one saved pull of the register (the folder :func:`fetch` wrote, or a file in it)."""
    folder = Path(path)
    folder = folder.parent if folder.is_file() else folder
    report = report if report is not None else ParseReport(DATASET)
    report.path = str(folder)
    files = {kind: _subject_files(folder, kind) for kind in KINDS}
    if not any(files.values()):
        raise SourceFormatError(folder, None, "no subjects_individual.json or subjects_legal.json in the folder")
    actions_path = folder / ACTIONS_FILE
    actions = _load_actions(actions_path)
    if not actions_path.is_file():
        report.warn(f"no {ACTIONS_FILE}: listings carry no decree details")
    records: list[Record] = _static(snapshot)
    seen: set[str] = set()
    for kind in KINDS:
        for file in files[kind]:
            body = _load_json(file)
            try:
                items, _ = _page_items(body, file.name)
            except FetchError:
                raise SourceFormatError(file, None, "expected a JSON list of subjects") from None
            for n, item in enumerate(items, 1):
                report.read += 1
                try:
                    node = _subject(item, kind, snapshot, report)
                    if node.id in seen:
                        raise ValueError(f"sid {node.prov.record} listed twice")
                    sid = node.prov.record
                    if actions_path.is_file() and sid not in actions:
                        report.warn("no actions saved for subject", sid=sid)
                    edge = _listing(node, actions.get(sid), report)
                except (ValueError, TypeError, AttributeError) as e:
                    report.reject(str(e), file=file.name, item=n)
                    continue
                seen.add(node.id)
                report.kept += 1
                records += [node, edge]
    report.info["status"] = {s: sum(1 for r in records if isinstance(r, Node) and r.first("status") == s)
                             for s in sorted(_STATUSES)}
    yield from report.count(records)
