"""Stable node ids and canonical identifier keys.

Node ids derive from source ids (``ofac-40185``), never from positions in a
file, so a rebuild gives the same ids. Identifier keys are the normalised form
under which the same identifier from different sources meets:

>>> icao24_key("1533AD"), icao24_key("0x1533ad")
('icao24-1533ad', 'icao24-1533ad')
>>> tail_key("RA-78765"), tail_key("ra 78765"), tail_key("RA78765")
('tail-RA78765', 'tail-RA78765', 'tail-RA78765')
>>> msn_key("0083486590"), msn_key("83486590")
('msn-83486590', 'msn-83486590')
>>> imo_key("IMO 9187629")
'imo-9187629'
>>> airport_key("musa"), country_id("cu")
('airport-MUSA', 'country-CU')
>>> make_id("ca-sema", "Russia / Russie", "1, Part 2", "380")
'ca-sema-eddeda8f89db741a4d9b'
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import Callable

__all__ = [
    "ENTITY_SCHEMES",
    "make_id",
    "slug",
    "normalize_icao24",
    "icao24_key",
    "normalize_tail",
    "tail_key",
    "normalize_msn",
    "msn_key",
    "normalize_imo",
    "imo_key",
    "identifier_key",
    "airport_key",
    "country_id",
    "KEY_PREFIXES",
    "property_keys",
    "node_keys",
    "web_address_key",
]

#: Prefixes of identifier keys (as opposed to node ids) that edges may point at.
KEY_PREFIXES = ("icao24-", "tail-", "msn-", "imo-", "airport-", "country-", "id-")

_HEX = re.compile(r"^[0-9a-f]{6}$")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def make_id(prefix: str, *parts: object) -> str:
    """A stable id from raw source values: ``prefix-<sha1 of the parts, 20 hex>``.

    Pass the raw values (not normalised ones): normalising first would change
    every id the day the normaliser changes.
    """
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:20]}"


def slug(text: str) -> str:
    """Lower-case ASCII slug: ``'RUSSIA-EO14024'`` -> ``'russia-eo14024'``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", text).strip("-").lower()


@functools.lru_cache(maxsize=1 << 16)  # a flight log names the same few thousand aircraft
def normalize_icao24(value: str | None) -> str | None:
    """Six lower-case hex digits, or None when the value is not a 24-bit address."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("0x"):
        v = v[2:]
    v = v.lstrip("~")
    if len(v) < 6 and re.fullmatch(r"[0-9a-f]+", v):
        v = v.rjust(6, "0")
    if not _HEX.match(v) or v == "000000":
        return None
    return v


def icao24_key(value: str | None) -> str | None:
    v = normalize_icao24(value)
    return f"icao24-{v}" if v else None


@functools.lru_cache(maxsize=1 << 16)  # a flight log names the same few thousand aircraft
def normalize_tail(value: str | None) -> str | None:
    """Upper case with spaces and hyphens removed: the compare form of a tail number."""
    if not value:
        return None
    v = _NON_ALNUM.sub("", unicodedata.normalize("NFKC", value)).upper()
    return v or None


def tail_key(value: str | None) -> str | None:
    v = normalize_tail(value)
    return f"tail-{v}" if v else None


# Cyrillic letters in a serial number as the English-language registers and lists write them: the Russian
# registry writes the Tu-154's 82А534 (OFAC: 82A534) and the An-2's 1Г23946 (1G23946) in Cyrillic, and
# types a Latin letter it took for Cyrillic (the Cessna 208В, the Mi-171's 171С...); dropped, they made
# 1Г23946 and 123946 one serial number and kept 82А534 and 82A534 two
_MSN_LETTERS = str.maketrans({
    **dict(zip("АБВГДЕЁЗИЙКЛМНОПРСТУФХЫЭ", "ABBGDEEZIYKLMNOPRCTUFXYE")),
    "Ж": "ZH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ю": "YU", "Я": "YA", "Ь": "", "Ъ": ""})
_LINE_NUMBER = re.compile(r"(?<=\w)\s*\(\d{1,5}\)\s*$")


def normalize_msn(value: str | None) -> str | None:
    """Manufacturer serial number without separators and leading zeros (registries drop them), in Latin
    letters.

    >>> normalize_msn("0083486590"), normalize_msn("82А534"), normalize_msn("1Г23946"), normalize_msn("АН2ТР.22.003")
    ('83486590', '82A534', '1G23946', 'AN2TR22003')
    >>> normalize_msn("0073474226(5607)")
    '73474226'
    """
    if not value:
        return None
    # the Russian registry follows an Il-76's serial with its line number: 1003401017(7605) is OFAC's 1003401017
    if "(" in value:
        value = _LINE_NUMBER.sub("", value)
    if not value.isascii():  # millions of serials at full size: most are ASCII and skip the table
        value = value.upper().translate(_MSN_LETTERS)
    v = _NON_ALNUM.sub("", value).upper()
    if v.startswith("MSN"):
        v = v[3:]
    v = v.lstrip("0")
    return v or None


def msn_key(value: str | None) -> str | None:
    v = normalize_msn(value)
    return f"msn-{v}" if v else None


def normalize_imo(value: str | None) -> str | None:
    """Seven-digit IMO number, or None."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) == 7 else None


def ship_imo(value: str | None) -> str | None:
    """A ship's seven-digit IMO number when its check digit holds, else None.

    A typo must not merge two ships on one key. Company numbers (the IMO
    company and registered owner number) have no such check digit.

    >>> ship_imo("IMO 9329760"), ship_imo("9329761")
    ('9329760', None)
    """
    imo = normalize_imo(value)
    if imo and sum(int(d) * w for d, w in zip(imo, range(7, 1, -1))) % 10 == int(imo[6]):
        return imo
    return None


def imo_key(value: str | None) -> str | None:
    v = normalize_imo(value)
    return f"imo-{v}" if v else None


def identifier_key(scheme: str, value: str | None) -> str | None:
    """Key for a scheme-qualified identifier: ``id-inn-6658039390``.

    >>> identifier_key("inn", " 6658039390 ")
    'id-inn-6658039390'
    """
    if not value:
        return None
    v = _NON_ALNUM.sub("", value).upper()
    return f"id-{slug(scheme)}-{v}" if v else None


def airport_key(code: str | None) -> str | None:
    """Key for an airport code of any kind (ident, ICAO, IATA, GPS): upper case."""
    if not code or not code.strip():
        return None
    return f"airport-{code.strip().upper()}"


def country_id(code: str) -> str:
    """Node id of a country by ISO 3166-1 alpha-2 code."""
    return f"country-{code.strip().upper()}"


# a website or an email address: a scheme, a user, the host (Cyrillic and other letters too), a port, a path
_WEB_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:(?P<user>[^/@\s]+)@)?(?P<host>(?:[^\W_](?:[\w-]*[^\W_])?\.)+"
                          r"[^\W\d_]{2,63})\.?(?::\d{1,5})?(?P<path>[/?#]\S*)?$")
#: mail services anyone has an address with, by the name they are registered under (hotmail.nl, yahoo.co.uk,
#: mail.ru): an address there says nothing about its domain
FREE_MAIL = frozenset("""gmail googlemail yahoo ymail rocketmail hotmail outlook live msn aol icloud me mail gmx web
protonmail proton pm tutanota tuta zoho libero yandex ya rambler bk inbox list internet ukr i meta tut qq 163 126 sina
sohu foxmail yeah naver hanmail daum jabber""".split())
# a country's second level a name is registered under (co.uk, com.br, net.ae): the name is the label before it
_SECOND_LEVEL = re.compile(r"^(?:co|com|net|org|ac|gov|edu|or|ne)$")


def _registered_name(host: str) -> str:
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and _SECOND_LEVEL.match(labels[-2]):
        return labels[-3]
    return labels[-2]


#: sites whose users each have a path of their own: the host says nothing, its first path segment does
PLATFORM_HOSTS = frozenset("""facebook.com fb.com twitter.com x.com instagram.com t.me telegram.me youtube.com vk.com
ok.ru tiktok.com linkedin.com github.com wa.me sites.google.com""".split())


def web_address_key(value: str | None, *, email_domain: bool = False) -> str | None:
    """What a website (or with ``email_domain``, an email address) says about who is behind it: the host in
    lower case without ``www.``, and a platform's user path (t.me/...); None when it says nothing (no web
    address, or an address at a mail service anyone has one with).

    >>> web_address_key("http://www.Havanaintbank.co.uk/contact"), web_address_key("arrai.tv")
    ('havanaintbank.co.uk', 'arrai.tv')
    >>> [web_address_key(a, email_domain=True) for a in ("info@arrai.tv", "x@mail.ru", "y@yahoo.co.uk")]
    ['arrai.tv', None, None]
    >>> web_address_key("https://t.me/Rybar/123"), web_address_key("Arrai TV"), web_address_key("info@arrai.tv")
    ('t.me/rybar', None, None)
    """
    m = _WEB_ADDRESS.match((value or "").strip().casefold())
    if not m or bool(m["user"]) != email_domain:
        return None
    host = m["host"]
    host = host[4:] if host.startswith("www.") and host.count(".") >= 2 else host
    if email_domain:
        return None if _registered_name(host) in FREE_MAIL else host
    if host in PLATFORM_HOSTS:
        segment = (m["path"] or "").lstrip("/").split("/")[0].split("?")[0].split("#")[0]
        return f"{host}/{segment}" if segment else None
    return host


# (node type, property) -> how its values become identifier keys. Tax numbers
# and INNs share one scheme (an INN *is* a Russian tax number, and lists label
# it either way); OGRNs and registration numbers likewise.
_KEYERS = {
    ("Airplane", "icao24"): icao24_key,
    ("Airplane", "registrationNumber"): tail_key,
    ("Airplane", "previousRegistrationNumber"): tail_key,
    ("Airplane", "serialNumber"): msn_key,
    ("Vessel", "imoNumber"): imo_key,
    ("Vessel", "mmsi"): lambda v: identifier_key("mmsi", v),
    ("Airport", "ident"): airport_key,
    ("Airport", "icaoCode"): airport_key,
    ("Airport", "iataCode"): airport_key,
    ("Airport", "gpsCode"): airport_key,
    ("Country", "code"): lambda v: country_id(v) if v and len(v.strip()) == 2 else None,
    ("Registration", "registrationNumber"): tail_key,
}
#: identifier scheme of each Organization / Person identifier property (their keys: "tax-7701...")
ENTITY_SCHEMES = {
    "taxNumber": "tax",
    "innCode": "tax",
    "ogrnCode": "reg",
    "registrationNumber": "reg",
    "okpoCode": "okpo",
    "icaoCode": "airline-icao",
    "passportNumber": "passport",
    "email": "email",
    "phone": "phone",
    "idNumber": "other",
}


@functools.lru_cache(maxsize=None)  # a few dozen (type, property) pairs, asked for millions of times
def _keyer(node_type: str, prop: str) -> Callable[[str], str | None] | None:
    """How one property's values become keys, or None when they are not identifiers."""
    keyer = _KEYERS.get((node_type, prop))
    if keyer is None and node_type in ("Organization", "Person") and prop in ENTITY_SCHEMES:
        scheme = ENTITY_SCHEMES[prop]
        keyer = lambda v: identifier_key(scheme, v)  # noqa: E731
    return keyer


def property_keys(node_type: str, prop: str, values: list[str]) -> list[str]:
    """Identifier keys of one property's values.

    >>> property_keys("Organization", "innCode", ["6658039390"])
    ['id-tax-6658039390']
    >>> property_keys("Airplane", "registrationNumber", ["RA-78765"])
    ['tail-RA78765']
    """
    keyer = _keyer(node_type, prop)
    out: list[str] = []
    if keyer is not None:
        _add_keys(keyer, values, out)
    return out


def node_keys(node_type: str, props: dict[str, list[str]]) -> list[str]:
    """Every identifier key of a node: what edges, resolution and lookup meet on.

    >>> node_keys("Airplane", {"registrationNumber": ["RA-78765"], "icao24": ["1533AD"], "serialNumber": ["83486590"]})
    ['tail-RA78765', 'icao24-1533ad', 'msn-83486590']
    """
    out: list[str] = []
    for prop, values in props.items():
        # most properties (names, models, dates) hold no identifier: skip them before any list is made
        # (resolve asks this of every airframe of a registry)
        keyer = _keyer(node_type, prop)
        if keyer is not None:
            _add_keys(keyer, values, out)
    return out


def _add_keys(keyer: Callable[[str], str | None], values: list[str], out: list[str]) -> None:
    for v in values:
        k = keyer(v)
        if k and k not in out:
            out.append(k)
