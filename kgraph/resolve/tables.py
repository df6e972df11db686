"""Word lists of the name normaliser: company forms, aviation words, particles, titles, numbers.

Data, not logic: :mod:`kgraph.resolve.normalize` turns these into phrase
tables keyed on romanisation-insensitive keys. Add spellings here.
"""
from __future__ import annotations

import re

# compare form -> spellings (ASCII, after transliteration). Multi-word spellings
# are matched on phonetic keys, so romanisation variants of the Russian and
# Ukrainian long forms are recognised too.
FORMS: dict[str, list[str]] = {
    "llc": ["llc", "ooo", "tov", "limited liability company", "limited liability co", "obshchestvo s ogranichennoy otvetstvennostyu",
            "obshestvo s ogranichennoi otvetstvennostiu", "tovarystvo z obmezhenoyu vidpovidalnistyu",
            "tovaristvo z obmezhenoyu vidpovidalnistyu", "gesellschaft mit beschrankter haftung", "gmbh", "mbh",
            "sp z oo", "spzoo", "srl", "sarl", "societatea cu raspundere limitata", "sociedad de responsabilidad limitada",
            "sl", "ltda", "mchj", "llp", "limited liability partnership",
            # the limited companies of the lists' other jurisdictions: Bulgaria (EOOD, OOD), Czechia and Slovakia
            # (s.r.o.), the former Yugoslavia (d.o.o.), Hungary (Kft.), Lithuania (UAB), Denmark (ApS), Portugal
            # (Lda.), Albania (Sh.p.k.), Turkey (Limited Sirketi, Ltd. Sti.), Chile (EIRL), Japan (Yugen Kaisha).
            # Not those a name's word may be, by its key: Estonia's OU (Burmese Oo), Latvia's SIA, Kazakhstan's
            # TOO, the d.o.o. written DOO (Do), Japan's YK
            "eood", "ood", "sro", "s r o", "d o o", "kft", "uab", "aps", "lda", "shpk", "sh p k", "sh pk",
            "limited sirketi", "ltd sti", "limited sti", "ltd sirketi", "eirl", "yugen kaisha"],
    "ltd": ["ltd", "limited", "pte", "pty", "private limited", "pvt", "co ltd", "sdn bhd", "sendirian berhad", "bhd",
            "berhad"],
    "jsc": ["jsc", "ao", "joint stock company", "jointstock company", "joint stock co", "aktsionernoe obshchestvo",
            "aktsionernoye obshchestvo", "aktsionerne tovarystvo", "ag", "aktiengesellschaft", "ad", "as", "a s", "ab",
            "spa", "sa", "societe anonyme", "sociedad anonima", "sa de cv", "nv", "oyj", "jsco", "akts obshch",
            # Venezuela's Compania Anonima, Turkey's Anonim Sirketi, Japan's Kabushiki Kaisha (not S.A.L., C.A. and
            # K.K.: Sal, Ka and Ko are names' words too)
            "compania anonima", "anonim sirketi", "kabushiki kaisha"],
    "ojsc": ["ojsc", "oao", "open joint stock company", "otkrytoe aktsionernoe obshchestvo", "otkrytoye aktsionernoye obshchestvo"],
    "pjsc": ["pjsc", "pao", "public joint stock company", "publichnoe aktsionernoe obshchestvo",
             "publichnoye aktsionernoye obshchestvo", "publichne aktsionerne tovarystvo", "plc", "public limited company"],
    "cjsc": ["cjsc", "zao", "closed joint stock company", "zakrytoe aktsionernoe obshchestvo",
             "zakrytoye aktsionernoye obshchestvo", "private joint stock company", "pryvatne aktsionerne tovarystvo",
             # Iran's private joint stock company (sherkat-e sahami-ye khass), Hungary's Zrt.
             "pjs", "sahami khas", "sahami khass", "zrt"],
    "fsue": ["fgup", "fsue", "federal state unitary enterprise", "federalnoe gosudarstvennoe unitarnoe predpriyatie",
             "federalnoye gosudarstvennoye unitarnoye predpriyatiye"],
    "sue": ["gup", "sue", "state unitary enterprise", "gosudarstvennoe unitarnoe predpriyatie", "mup", "dp",
            "derzhavne pidpryiemstvo", "state enterprise"],
    "ip": ["individualnyy predprinimatel", "individualnyi predprinimatel", "fop"],
    "ano": ["ano", "avtonomnaya nekommercheskaya organizatsiya", "autonomous non profit organization",
            "autonomous nonprofit organization"],
    "inc": ["inc", "incorporated"],
    "corp": ["corp", "corporation"],
    "co": ["co", "company", "kompaniya", "kompaniia", "kompaniia", "sirketi", "sherkat"],
    "lp": ["lp", "l p", "limited partnership", "kg", "gmbh and co kg", "co kg", "scs", "cv"],
    "bv": ["bv", "bvba"],
    "fze": ["fze", "free zone establishment", "fzc", "fzco", "free zone company", "fz llc", "fzllc", "dmcc"],
    "sas": ["sas"],
    "pt": ["pt"],
    # a kind of body more than a legal form (Wagner's companies were LLCs): its family goes with any form
    "pmc": ["pmc", "private military company", "chastnaya voennaya kompaniya", "chvk"],
}
# the same forms as written in Cyrillic: transliterated with the tables above, so
# that whichever romanisation a list used, its phonetic keys meet these
FORMS_CYRILLIC: dict[str, list[str]] = {
    "llc": ["общество с ограниченной ответственностью", "ооо", "товариство з обмеженою відповідальністю", "тов",
            "таварыства з абмежаванай адказнасцю"],
    "jsc": ["акционерное общество", "ао", "акціонерне товариство"],
    "ojsc": ["открытое акционерное общество", "оао", "відкрите акціонерне товариство"],
    "pjsc": ["публичное акционерное общество", "пао", "публічне акціонерне товариство"],
    "cjsc": ["закрытое акционерное общество", "зао", "приватне акціонерне товариство", "закрите акціонерне товариство"],
    "fsue": ["федеральное государственное унитарное предприятие", "фгуп"],
    "sue": ["государственное унитарное предприятие", "гуп", "муниципальное унитарное предприятие", "муп",
            "державне підприємство", "казенное предприятие", "державне казенне підприємство"],
    "ip": ["индивидуальный предприниматель", "фізична особа підприємець"],
    "ano": ["автономная некоммерческая организация", "ано"],
    "co": ["компания", "компанія"],
    "pmc": ["частная военная компания", "чвк", "приватна військова компанія", "пвк"],
}
# short abbreviations that are forms only when written in Cyrillic (Latin "AT", "IP", "PAT" are words)
CYRILLIC_FORMS = {"ip": "ip", "at": "jsc", "dp": "sue", "pp": "llc", "tdv": "llc", "vat": "ojsc", "pat": "pjsc",
                   "prat": "cjsc", "zat": "cjsc", "fop": "ip", "too": "llc"}
# forms that are one family in practice: lists write OAO for what the registry calls PAO
FORM_FAMILY = {"llc": "llc", "ltd": "llc", "jsc": "jsc", "ojsc": "jsc", "pjsc": "jsc", "cjsc": "jsc", "fsue": "sue",
                "sue": "sue", "inc": "corp", "corp": "corp", "co": "corp", "lp": "lp", "bv": "llc", "fze": "fze",
                "ip": "ip", "ano": "ano", "sas": "jsc", "pt": "llc", "pmc": "corp"}
AVIATION_WORDS = ["aviakompaniya", "aviakompania", "aviakompaniia", "aviakompaniyi", "avialinii", "avialinia", "airline",
             "airlines", "airways", "aircompany", "air company", "air lines", "aviakompanii", "avia", "ak", "air",
             "aviatsionnaya kompaniya", "aviation company", "aviakompanija", "aviacompany", "aviakompany", "aviation",
             "air cargo", "cargo airlines", "aviatransportnaya kompaniya", "aviapredpriyatie", "aviapredpriiatie"]
AVIATION_CYRILLIC = ["авиакомпания", "авіакомпанія", "авиалинии", "авіалінії", "ак", "авиа", "авіа",
                      "авиационная компания", "авиапредприятие", "авиатранспортная компания",
                      # English airline words as Russian writes them (Азур Эйр, Нордвинд Эйрлайнз): eir is no air
                      "эйр", "эйрлайнз", "эйрлайнс", "эйрлайн", "эйрвейз", "эйрвэйз", "авиэйшн"]
# honorifics only: words that are also given names (Amir, Sayed, Imam) or org words (General) are not here
TITLES = {"mr", "mrs", "ms", "dr", "prof", "sheikh", "shaikh", "sheik", "haji", "hajji", "president", "colonel",
           "capt", "sir", "mullah", "mawlawi", "maulawi", "maulvi", "qari", "gospodin", "gospozha"}
PARTICLES = {"al", "el", "bin", "ben", "ibn", "abu", "abou", "abd", "de", "del", "della", "da", "dos", "das", "do", "la",
              "le", "van", "von", "der", "den", "ter", "di", "du", "y", "e", "i", "a", "of", "the", "and", "for", "in", "on",
              "at", "und", "et", "ve", "pour", "im", "na", "po", "pri", "s", "z", "v", "imeni", "im"}
GENERIC = {"group", "holding", "holdings", "international", "trading", "enterprise", "enterprises", "industries",
            "industrial", "services", "service", "organization", "organisation", "organizatsiya", "firm", "firma",
            "kompanii", "gruppa", "grupa", "gruppe", "mezhdunarodnaya", "torgovyy", "dom", "zavod", "plant",
            "foundation", "fund", "association", "society", "center", "centre", "tsentr",
            # a ship's prefix (motor vessel, motor tanker) describes it: "MV Hellenic Spirit" is "Hellenic Spirit"
            "mv", "mt",
            # the boilerplate of a Turkish company's name: Sanayi ve Ticaret (industry and trade), Dis Ticaret
            # (foreign trade), Ithalat Ihracat (import export)
            "sanayi", "sanayii", "ticaret", "ticareti", "dis", "ithalat", "ihracat"}
#: generic words that, added to an organisation's name, name another body: "Rosneft Trading" is Rosneft's
#: trader, a "Torgovyy Dom" a manufacturer's sales house, a "Foundation" not the firm that endowed it
#: ("Group", "Holding" or "International" added to a name still name the same firm)
OTHER_BODY = {"trading", "torgovyy", "dom", "services", "service", "zavod", "plant", "foundation", "fund",
               "association", "society", "center", "centre", "tsentr"}

ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
             "eighth": "8", "ninth": "9", "tenth": "10", "1st": "1", "2nd": "2", "3rd": "3"}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40,
                 "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ROMAN = re.compile(r"^(?=[ivxlc]{1,7}$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
SON_OF = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould", "walad"})
#: given names read as one form: as registers and passports abbreviate them (Malaysia's and Singapore's Mohd, Muhd;
#: Bangladesh's Md. is read so only first, or before another word of a name written FAMILY, Given: after a name
#: it is a title), and Ukrainian ones as Russian names are romanised (Ukraine's register and press write Mykola
#: Patrushev and Serhii Shoigu, the other lists PATRUSHEV, Nikolai and SHOIGU, Sergei). Only those whose
#: romanisation-insensitive key differs (Viktor, Yurii, Anatolii are the Russian names' already); not Petro
#: (PetroVietnam) nor Hanna (an Arabic John)
GIVEN_NAME_FORMS = {
    "mohd": "muhammad", "muhd": "muhammad", "mhd": "muhammad",
    "yevhen": "yevgeniy", "ievhen": "yevgeniy", "yevgen": "yevgeniy", "ievgen": "yevgeniy", "yevhenii": "yevgeniy",
    "yevheniy": "yevgeniy", "ievhenii": "yevgeniy", "yevheniia": "yevgeniya", "olha": "olga", "serhii": "sergey",
    # Пётр, as German (Pjotr), English (Pyotr) and Polish write it, where the lists write Petr
    "pjotr": "petr", "pyotr": "petr", "piotr": "petr",
    "serhiy": "sergey", "sergii": "sergey", "sergiy": "sergey", "mykola": "nikolay", "ihor": "igor", "oleh": "oleg",
    "oleksandr": "aleksandr", "olexandr": "aleksandr", "oleksander": "aleksandr", "oleksii": "aleksey",
    "oleksiy": "aleksey", "olexiy": "aleksey", "andrii": "andrey", "andriy": "andrey", "volodymyr": "vladimir",
    "dmytro": "dmitriy", "vasyl": "vasiliy", "mykhailo": "mikhail", "mykhaylo": "mikhail", "hryhorii": "grigoriy",
    "hryhoriy": "grigoriy", "hennadii": "gennadiy", "hennadiy": "gennadiy", "heorhii": "georgiy", "heorhiy": "georgiy",
    "pavlo": "pavel", "kostiantyn": "konstantin", "kostyantyn": "konstantin", "kyrylo": "kirill", "danylo": "daniil",
    "fedir": "fedor", "tymofii": "timofey", "tymofiy": "timofey", "illia": "ilya", "illya": "ilya", "maksym": "maksim",
    "mykyta": "nikita", "yakiv": "yakov", "yosyp": "iosif", "bohdan": "bogdan", "olena": "elena", "nataliia": "natalya",
    "tetiana": "tatyana", "tetyana": "tatyana", "kateryna": "ekaterina", "iryna": "irina", "mariia": "mariya",
    "yuliia": "yuliya", "svitlana": "svetlana", "viktoriia": "viktoriya", "halyna": "galina", "liudmyla": "lyudmila",
    "lyudmyla": "lyudmila", "larysa": "larisa", "valentyna": "valentina",
    # ... and as Russian letters read them, when a name has no letter only Ukrainian has (Микола Патрушев)
    "mikola": "nikolay", "dmitro": "dmitriy", "mikhaylo": "mikhail", "mikhailo": "mikhail", "vasil": "vasiliy",
    "kirilo": "kirill", "mikita": "nikita", "katerina": "ekaterina",
}
PATRONYMIC = re.compile(r"(?:ovich|evich|ovych|evych|ovitch|ovna|evna|ivna|ichna|inichna|ogly|oglu|kyzy|qizi)$")
PATRONYMIC_WEIGHT = 0.5
LEET = str.maketrans("0134579", "oieastg")
#: "Saint" as each language writes it before a name (Санкт-Петербург is Sankt-Peterburg, St. Petersburg and
#: Saint Petersburg): one key; "st"/"ste" only before another word, where they cannot be a street or a whole name
SAINT_FORMS = frozenset({"saint", "sainte", "sankt", "sanct", "st", "ste"})
ORDINAL_SUFFIX = re.compile(r"^(\d+)(st|nd|rd|th)$")
