"""Aircraft model names brought to one family name.

Lists and registries write the same type a dozen ways: ``IL-76TD``,
``IL76-TD``, ``Il-76T``, ``Ilyushin IL-76TD``, ``IL76`` (ICAO designator),
``Ильюшин Ил-76ТД``. :func:`model_family` maps them to one family (``Il-76``)
so that two records can be compared. A family is never an identifier: two
Il-76s are two airframes unless their serial numbers say otherwise.
:func:`msn_group` names the manufacturer's serial-number sequence a family
belongs to, within which one MSN means one airframe.

>>> [model_family(m) for m in ["IL-76TD", "IL76-TD", "Il-76T", "Ilyushin IL-76TD", "IL76", "Ил-76ТД"]]
['Il-76', 'Il-76', 'Il-76', 'Il-76', 'Il-76', 'Il-76']
>>> model_family("Airbus A340-642"), model_family("B737-8AS"), model_family("AN24-RV")
('Airbus A340', 'Boeing 737', 'An-24')

Spellings from the OFAC SDN list (Tupolev without its "u", "B." for Boeing
and BAe, manufacturer-named families):

>>> [model_family(m) for m in ["T154-B", "B.747-422", "B.146-300", "BAe-146 Avro RJ100", "ATR-72-212A"]]
['Tu-154', 'Boeing 747', 'BAe 146', 'BAe 146', 'ATR 72']
>>> [model_family(m) for m in ["Hawker 800XP", "BAE 125 Series 800B", "Learjet 45", "Gulfstream 200", "F28"]]
['BAe 125', 'BAe 125', 'Learjet 45', 'Gulfstream', 'Fokker F28']
>>> [model_family(m) for m in ["A148-100", "208", "1900D", "DHC7", "Agusta-Westland AW-139", "AS365 Dauphin"]]
['An-148', 'Cessna 208', 'Beechcraft 1900', 'De Havilland DHC-7', 'AgustaWestland AW139', 'Eurocopter AS365']
>>> msn_group("Airbus A321") == msn_group("Airbus A319"), msn_group("Il-76") == msn_group("Il-62")
(True, False)
>>> model_family("unknow") is None
True
"""
from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["model_family", "msn_group"]

# Soviet/Russian design bureaus: prefix as written -> display prefix
_SOVIET = {"IL": "Il", "AN": "An", "TU": "Tu", "YAK": "Yak", "MI": "Mi", "KA": "Ka", "BE": "Be", "L": "L"}
_CYRILLIC_PREFIX = {"ИЛ": "IL", "АН": "AN", "ТУ": "TU", "ЯК": "YAK", "МИ": "MI", "КА": "KA", "БЕ": "BE"}
_MANUFACTURER_WORDS = re.compile(
    r"\b(ILYUSHIN|ILJUSHIN|ИЛЬЮШИН|ANTONOV|АНТОНОВ|TUPOLEV|ТУПОЛЕВ|YAKOVLEV|ЯКОВЛЕВ|MIL|KAMOV|BERIEV|"
    r"AIRBUS|BOEING|EMBRAER|BOMBARDIER|CANADAIR|SUKHOI|SUPERJET|DE HAVILLAND|GULFSTREAM|DASSAULT|CESSNA|"
    r"LEARJET|HAWKER|BEECH|BEECHCRAFT|ATR|FOKKER|MCDONNELL DOUGLAS|DOUGLAS|LOCKHEED|SAAB|PILATUS|IRKUT)\b"
)

_RULES: list[tuple[re.Pattern, str]] = [
    # Soviet types: IL-76TD, IL76-TD, IL 76, IL76 (ICAO designator), An-124-100, Tu-204-100V, Yak-42D
    (re.compile(r"^(IL|AN|TU|YAK|MI|KA|BE)\s*-?\s*(\d{1,3})"), "soviet"),
    # OFAC writes Tupolevs without the "u" (T154-B, T204-300) and Antonovs as A148
    (re.compile(r"^T\s*-?\s*(134|154|204|214)(?!\d)"), "tupolev"),
    (re.compile(r"^A\s*-?\s*(124|140|148|158|225)(?!\d)"), "antonov"),
    # BAe 146 and its Avro RJ versions: "B.146-300", "BAe-146 Avro RJ100", "BAe RJ85"
    (re.compile(r"^(?:(?:BAE|BA|B\.?)\s*-?\s*146|(?:BAE\s*-?\s*)?(?:146\s*)?(?:AVRO\s*)?RJ\s*-?\s*(?:70|85|100|115))"),
     "BAe 146"),
    # BAe 125 and the Hawker 800/900 built from it: "BAE 125 Series 800B", "Hawker 800XP"
    (re.compile(r"^(?:(?:BAE|HS|B\.?)\s*-?\s*125|HAWKER\s*-?\s*(?:125|[789]\d\d))"), "BAe 125"),
    (re.compile(r"^LEARJET\s*-?\s*(\d{2})"), "learjet"),
    (re.compile(r"^(?:FOKKER\s*-?\s*)?F\s*-?\s*(27|28)(?!\d)"), "fokker"),
    (re.compile(r"^(?:CESSNA\s*)?208(?!\d)"), "Cessna 208"),
    (re.compile(r"^(?:BEECH(?:CRAFT)?\s*)?(?:B\s*)?1900"), "Beechcraft 1900"),
    (re.compile(r"^DHC\s*-?\s*([1-7])(?!\d)"), "dhc"),
    (re.compile(r"^(?:AGUSTA\s*-?\s*WESTLAND\s*)?AW\s*-?\s*(\d{3})"), "agusta"),
    (re.compile(r"^(?:EUROCOPTER\s*)?(?:AS|SA)\s*-?\s*(3[0-9]\d)"), "eurocopter"),
    (re.compile(r"^(?:SUKHOI\s*)?(?:RRJ\s*-?\s*95|SSJ\s*-?\s*100|SU\s*-?\s*95|SUPERJET\s*100|SU95)"),
     "Sukhoi Superjet 100"),
    (re.compile(r"^MC\s*-?\s*21"), "Irkut MC-21"),
    (re.compile(r"^A\s*-?\s*(3[0-8]\d)"), "airbus"),
    (re.compile(r"^(?:B\s*[-.]?\s*)?(7[0-8]7)(?:\b|-|[A-Z0-9])"), "boeing"),
    (re.compile(r"^(?:B\s*[-.]?\s*)?(7[0-8])(\d)(?:-|\b|[A-Z0-9])"), "boeing_short"),
    (re.compile(r"^(?:ERJ|EMB)\s*-?\s*(\d{3})"), "embraer"),
    (re.compile(r"^E\s*-?\s*(1[79]\d)"), "embraer"),
    (re.compile(r"^CRJ\s*-?\s*(\d{3,4})"), "Bombardier CRJ"),
    (re.compile(r"^(?:CL\s*-?\s*600|CHALLENGER)"), "Bombardier Challenger"),
    (re.compile(r"^(?:GLOBAL|BD\s*-?\s*700)"), "Bombardier Global"),
    (re.compile(r"^(?:G\s*-?\s*(?:IV|V|[456]\d\d)|GULFSTREAM)"), "Gulfstream"),
    (re.compile(r"^FALCON"), "Dassault Falcon"),
    (re.compile(r"^ATR\s*-?\s*(42|72)"), "atr"),
    (re.compile(r"^(?:DHC\s*-?\s*8|DASH\s*8|Q400)"), "De Havilland Dash 8"),
    (re.compile(r"^(?:MD\s*-?\s*(8\d|90)|DC\s*-?\s*9)"), "McDonnell Douglas MD-80"),
    (re.compile(r"^MD\s*-?\s*11"), "McDonnell Douglas MD-11"),
    (re.compile(r"^DC\s*-?\s*(\d{1,2})"), "douglas"),
    (re.compile(r"^(?:L\s*-?\s*100|C\s*-?\s*130|HERCULES)"), "Lockheed C-130"),
]

_NAMED = {
    "tupolev": "Tu-{0}",
    "antonov": "An-{0}",
    "learjet": "Learjet {0}",
    "fokker": "Fokker F{0}",
    "dhc": "De Havilland DHC-{0}",
    "agusta": "AgustaWestland AW{0}",
    "eurocopter": "Eurocopter AS{0}",
}

# serial-number sequences shared by several families (one MSN = one airframe inside the group)
_MSN_GROUPS = {
    "Airbus A318": "airbus-narrowbody",
    "Airbus A319": "airbus-narrowbody",
    "Airbus A320": "airbus-narrowbody",
    "Airbus A321": "airbus-narrowbody",
    "Airbus A330": "airbus-a330-a340",
    "Airbus A340": "airbus-a330-a340",
}


def _fold(text: str, strip_makers: bool = True) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    for cyr, lat in _CYRILLIC_PREFIX.items():
        text = re.sub(rf"(?<![А-ЯA-Z]){cyr}(?=\s*-?\s*\d)", lat, text)
    if strip_makers:
        text = _MANUFACTURER_WORDS.sub(" ", text)
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip(" -/")


@functools.lru_cache(maxsize=4096)
def model_family(model: str | None) -> str | None:
    """The family of an aircraft model as any source writes it, or None when unrecognisable."""
    if not model:
        return None
    # the maker's name first stays on (it names families: ATR 72, Learjet 45), then comes off
    for text in dict.fromkeys((_fold(model, strip_makers=False), _fold(model))):
        family = _match(text) if text else None
        if family:
            return family
    return None


def _match(text: str) -> str | None:
    for pattern, kind in _RULES:
        m = pattern.match(text)
        if not m:
            continue
        if kind == "soviet":
            return f"{_SOVIET[m.group(1)]}-{int(m.group(2))}"
        if kind == "airbus":
            return f"Airbus A{m.group(1)}"
        if kind == "boeing":
            return f"Boeing {m.group(1)}"
        if kind == "boeing_short":
            return f"Boeing {m.group(1)}{m.group(2)}"
        if kind == "embraer":
            return f"Embraer {m.group(1)}"
        if kind == "atr":
            return f"ATR {m.group(1)}"
        if kind == "douglas":
            return f"Douglas DC-{int(m.group(1))}"
        if kind == "Bombardier CRJ":
            return "Bombardier CRJ"
        if kind in _NAMED:
            return _NAMED[kind].format(*m.groups())
        return kind
    return None


def msn_group(family: str | None) -> str | None:
    """The manufacturer serial-number sequence of a family (None when the family is unknown)."""
    if not family:
        return None
    if family in _MSN_GROUPS:
        return _MSN_GROUPS[family]
    if family.startswith("Boeing 7"):
        # Boeing's commercial serial numbers run in one sequence across the 7x7 types
        return "boeing-commercial"
    return family.lower().replace(" ", "-")
