"""Lookup recall on screening fixtures: does ``kgraph lookup`` find the listed person a query names?

The corpus holds yente's candidate-generation fixtures (``groundtruth/yente_cgb_positives_un_*.csv``):
683 rows naming persons of the UN Security Council list, written as the list writes them (*untreated*)
and with typos, swapped names and reshuffles (*treated*). OFAC lists most of them. This script builds a graph
from the corpus's OFAC SDN file (2024) and Canada's list in a temporary data directory, then:

* **gold**: for each fixture row, the person nodes (OFAC or Canada) one of whose names has the same
  words as the untreated name (case, punctuation and word order aside). Rows with no such node are
  left out and counted;
* **recall@1 / recall@10**: the share of rows (of those with a gold node) whose lookup (of persons), of
  the treated and of the untreated name, lists a gold node first / among its first ten;
* **press spellings**: :data:`PRESS_SPELLINGS`, listed names as the press writes them (Osama bin Laden
  for BIN LADIN, Usama; Хезболла for HIZBALLAH): recall@1 and recall@5 of the OFAC entity;
* **written otherwise**: listed people and bodies whose names have a word other lists and the press write
  otherwise (:data:`WRITTEN_OTHERWISE`): an Arabic "servant of" name (Abd al-Rahman, ABDUL AZIZ,
  Abdelkader) written the five ways (Abdul X, Abd al-X, Abdel X, AbdulX, Abd-el-X), Muhammad as Mohd
  and Md., Abu as Abou, a kunya in one word (Abubakar), a Persian given name of two in one word or two
  (Mohammadreza, Gholam Hossein): the share found first (or tied first), over every k-th such name
  (:data:`WRITTEN_SAMPLE`); and listed Russians as French and German papers write them (Tchirikov,
  Tschirikow for CHIRIKOV), with their given name as Ukraine writes it (Mykola for Nikolai), and with
  both as Ukraine romanises them from its letters (Yevhen Pryhozhyn for PRIGOZHIN);
* **press abroad**: :data:`PRESS_ABROAD`, Russia's leaders as French and German papers write them (Evgueni
  Prigojine, Jewgeni Prigoschin): the share found first, and found first scoring 0.8 or more;
* **Belarusians**: :data:`BELARUSIANS`, Belarus's officials, listed by OFAC in Belarusian romanisation
  (NAUMAU, Uladzimir), as the press and other lists write them from Russian (Vladimir Naumov): the share
  found first, and found first scoring 0.8 or more;
* **negatives**: yente's synthetic true negatives (``yente_validation_negatives_*.csv``, built to look
  plausible while naming no listed person): the share whose first person hit scores 0.8 or more (a
  false alert for a screener who keeps such hits: ``kgraph screen --min-score 0.8``), and the lookup
  p50 over all of them.

Usage::

    /tmp/kgvenv/bin/python bench/eval_lookup.py [--corpus ../shared/corpus] [--data-dir DIR] [--misses]

``--data-dir`` reuses a data directory that already holds that graph (it is built when empty).
``--misses`` prints the fixture rows not found within ten and the press spellings not found within five.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import kgraph  # noqa: E402
from kgraph.lookup_index import INDEX_NAME, _names  # noqa: E402

ALERT_SCORE = 0.8

#: How the press and analysts write listed names, in Latin, Cyrillic, Hangul, Han, Arabic, Hebrew, Greek, Armenian
#: and Georgian script, each with the OFAC UID of the entity it names (checked by hand against the corpus's 2024
#: SDN.CSV, which has no ALT.CSV beside it: the graph knows each entity by its primary name only). No Sberbank:
#: the name is the Russian bank's, its Kazakh subsidiary's (JOINT STOCK COMPANY SBERBANK) and that of Canada's
#: record "Sberbank" alike.
PRESS_SPELLINGS = [
    ("Osama bin Laden", 6365), ("Усама бен Ладен", 6365), ("Hezbollah", 4697), ("Хезболла", 4697),
    ("Hizbollah", 4697), ("Mohammed Bagheri", 27850), ("Ghasem Soleimani", 10481), ("Qassem Suleimani", 10481),
    ("Касем Сулеймани", 10481), ("Yevgeny Prigozhin", 21171), ("Евгений Пригожин", 21171),
    ("Arkadiy Rotenberg", 16669), ("Аркадий Ротенберг", 16669), ("Oleg Deripaska", 24283),
    ("Олег Дерипаска", 24283), ("Alisher Usmanov", 35283), ("Алишер Усманов", 35283),
    ("Viktor Vekselberg", 24306), ("Ramzan Kadyrov", 23343), ("Рамзан Кадыров", 23343),
    ("Bashar al-Assad", 12735), ("Bashar Assad", 12735), ("Башар Асад", 12735), ("Ayman al-Zawahiri", 2676),
    ("Kim Jong-un", 20157), ("Ким Чен Ын", 20157), ("Kim Yo-jong", 21444), ("Nicolás Maduro", 22790),
    ("Hamas", 4695), ("ХАМАС", 4695), ("Mahan Air", 12927), ("Махан Эйр", 12927), ("Rosoboronexport", 18782),
    ("Рособоронэкспорт", 18782), ("Sovcombank", 34737), ("Совкомбанк", 34737), ("Ali Khamenei", 26945), ("Hassan Nasrallah", 2686), ("Хасан Насралла", 2686),
    ("Wagner Group", 22543), ("ЧВК Вагнер", 22543), ("Vladimir Putin", 35096), ("Владимир Путин", 35096),
    ("Sergey Lavrov", 35233), ("Sergei Shoigu", 35173), ("Сергей Шойгу", 35173), ("Igor Sechin", 16692),
    ("Игорь Сечин", 16692), ("Dmitry Medvedev", 36407), ("Alexander Lukashenko", 9760),
    ("Александр Лукашенко", 9760), ("Viktor Yanukovich", 16641), ("Виктор Янукович", 16641),
    ("Aviacon Zitotrans", 40181), ("Авиакон Цитотранс", 40181), ("Belavia", 44541), ("Белавиа", 44541),
    ("Белорусские авиалинии", 44541), ("Rostec", 17260), ("Ростех", 17260),
    ("Khazar Sea Shipping Lines", 25450), ("Хазар Си Шиппинг Лайнс", 25450), ("Li Fangwei", 11447),
    ("Ли Фанвэй", 11447), ("Li Shangfu", 24838), ("Ли Шанфу", 24838), ("Ма Сяохун", 20565), ("Сюй Бинь", 27471),
    ("김정은", 20157), ("김여정", 21444), ("최룡해", 23213), ("Євген Пригожин", 21171), ("Сергій Шойгу", 35173),
    ("Олександр Лукашенко", 9760), ("Ігор Сєчін", 16692), ("Володимир Путін", 35096), ("Кім Чен Ин", 20157),
    ("ماهان ایر", 12927), ("حماس", 4695), ("حزب الله", 4697), ("بشار الأسد", 12735), ("علی خامنه‌ای", 26945),
    ("علي خامنئي", 26945), ("حسن نصر الله", 2686), ("أيمن الظواهري", 2676), ("قاسم سليماني", 10481),
    ("ابراهیم رئیسی", 27844), ("محمد جواد ظریف", 26950), ("معمر القذافي", 12606), ("بانک ملی ایران", 25578),
    ("ایران ایر", 25237), ("أسامة بن لادن", 6365), ("عبدالملك الحوثي", 17927), ("اسماعیل قاآنی", 13107),
    ("إسماعيل هنية", 23627), ("يحيى السنوار", 18528), ("محمد الضيف", 18529), ("سراج الدين حقاني", 10743),
    # bodies the lists name in English, in Arabic and Persian
    ("بنك سورية المركزي", 30663), ("المصرف الصناعي", 17243), ("المصرف الزراعي التعاوني", 17242),
    ("سازمان انرژی اتمی ایران", 25627), ("صنایع هوایی ایران", 23464), ("شركة الناقلات الوطنية الإيرانية", 15117),
    ("وزارت دفاع و پشتیبانی نیروهای مسلح", 10392), ("المؤسسة العامة للنفط", 12866),
    ("Об'єднана двигунобудівна корпорація", 37782), ("Головне розвідувальне управління", 21343),
    ("Російський фонд прямих інвестицій", 34036), ("Федеральная служба безопасности", 21344),
    ("Объединенная судостроительная корпорация", 16886),
    # bodies in Chinese and Korean; people in Georgian, Armenian, Greek and Hebrew letters
    ("정찰총국", 12210), ("원자력총국", 11598), ("조선대성은행", 12312), ("조선광성무역회사", 9523),
    ("고려신용개발은행", 20569), ("조선금산무역회사", 20603), ("조선무역은행", 15603), ("군수공업부", 12214),
    ("조선인민군 전략로케트군", 18568), ("로동당 중앙군사위원회", 19489), ("원자력공업성", 19493),
    ("香港电子", 11533), ("安徽蓝德集团有限公司", 19249), ("丹东金祥贸易有限公司", 23476), ("伊朗航空", 25237),
    ("ლაშა შუშანაშვილი", 13165), ("Տիգրան Խաչատուրով", 36961), ("Σεργκέι Λαβρόφ", 35233),
    ("Βλαντιμίρ Πούτιν", 35096), ("ולדימיר פוטין", 35096), ("חסן נסראללה", 2686),
]
#: Belarus's officials, whom OFAC lists as Belarus romanises its language (NAUMAU, Uladzimir Uladzimiravich),
#: as the UK's and Canada's lists and the press write them, from Russian (Vladimir Naumov, Владимир Наумов), and
#: a few in Belarusian letters; each with the OFAC UID of the person (checked by hand against the 2024 SDN.CSV)
BELARUSIANS = [
    ("Aleksandr Grigoryevich Lukashenko", 9760), ("Лукашенко Александр Григорьевич", 9760), ("Лукашенко А.Г.", 9760),
    ("Аляксандр Лукашэнка", 9760), ("Viktor Lukashenko", 9797), ("Виктор Александрович Лукашенко", 9797),
    ("Dmitry Lukashenko", 32615), ("Galina Lukashenko", 35748), ("Галина Родионовна Лукашенко", 35748),
    ("Viktor Golovanov", 9761), ("Виктор Голованов", 9761), ("Alexander Zimovsky", 9762),
    ("Александр Зимовский", 9762), ("Stepan Sukhorenko", 9766), ("Dmitry Pavlichenko", 9768),
    ("Дмитрий Павличенко", 9768), ("Viktor Sheiman", 9769), ("Виктор Шейман", 9769), ("Lidia Yermoshina", 9770),
    ("Лидия Ермошина", 9770), ("Лідзія Ярмошына", 9770), ("Natalya Petkevich", 9771), ("Наталья Петкевич", 9771),
    ("Vladimir Naumov", 9898), ("Владимир Наумов", 9898), ("Уладзімір Навумаў", 9898), ("Yuri Karayev", 29642),
    ("Юрий Караев", 29642), ("Alexander Barsukov", 29662), ("Александр Барсуков", 29662), ("Ivan Kubrakov", 29663),
    ("Иван Кубраков", 29663), ("Dmitry Balaba", 29664), ("Yuri Nazarenko", 29671), ("Vadim Ipatov", 29674),
    ("Вадим Ипатов", 29674), ("Alexander Astreiko", 30517), ("Gennady Kazakevich", 30545),
    ("Геннадий Казакевич", 30545), ("Nikolai Karpenkov", 31674), ("Николай Карпенков", 31674),
    ("Mikhail Grib", 31831), ("Olga Doroshenko", 31911), ("Svetlana Katsuba", 31915), ("Marina Rakhmanova", 31947),
    ("Natalya Eismont", 31949), ("Наталья Эйсмонт", 31949), ("Natalya Kochanova", 31950),
    ("Наталья Кочанова", 31950), ("Ivan Tertel", 32277), ("Иван Тертель", 32277), ("Іван Тэртэль", 32277),
    ("Nikolai Vorobei", 32612), ("Dmitry Gora", 32675), ("Konstantin Bychek", 32677), ("Oleg Gaidukevich", 32741),
    ("Олег Гайдукевич", 32741), ("Leonid Churo", 32742), ("Alexei Avramenko", 32747), ("Алексей Авраменко", 32747),
    ("Artyom Sikorsky", 32751), ("Anatoly Lapo", 33172), ("Sergei Azemsha", 32717), ("Roman Podlinev", 33174),
    ("Alexander Shakutin", 46070), ("Александр Шакутин", 46070), ("Alexander Zaitsev", 34781),
    ("Alexei Rymashevsky", 34770), ("Alexander Shatrov", 34774), ("Dmitry Mikhaltsov", 48602),
    ("Igor Karpenko", 34945), ("Elena Baldovskaya", 34946), ("Elena Kuntsevich", 34948),
]
#: Russia's leaders as French and German papers write them (Le Monde, AFP; Der Spiegel, dpa), with the OFAC UID of
#: each (checked by hand against the 2024 SDN.CSV, as for PRESS_SPELLINGS)
PRESS_ABROAD = {
    "French": [
        ("Evgueni Prigojine", 21171), ("Sergueï Choïgou", 35173), ("Vladimir Poutine", 35096), ("Sergueï Lavrov", 35233),
        ("Igor Setchine", 16692), ("Alicher Ousmanov", 35283), ("Guennadi Timtchenko", 16666),
        ("Dmitri Medvedev", 36407), ("Arkadi Rotenberg", 16669), ("Ramzan Kadyrov", 23343), ("Oleg Deripaska", 24283),
        ("Viktor Vekselberg", 24306), ("Viktor Ianoukovitch", 16641), ("Alexandre Loukachenko", 9760),
        ("Nikolaï Patrouchev", 24309), ("Alexandre Bortnikov", 31126), ("Mikhaïl Michoustine", 35282),
        ("Valeri Guerassimov", 35176), ("Sergueï Tchemezov", 16685), ("Andreï Kostine", 24063),
        ("Alexeï Mordachov", 37499), ("Sergueï Narychkine", 16691), ("Valentina Matvienko", 16660),
        ("Viatcheslav Volodine", 16714), ("Sergueï Sobianine", 35217), ("Igor Chouvalov", 35315),
        ("Anton Silouanov", 35243), ("Elvira Nabioullina", 35797), ("Viktor Zolotov", 24326), ("Piotr Aven", 44290),
    ],
    "German": [
        ("Jewgeni Prigoschin", 21171), ("Sergej Schoigu", 35173), ("Wladimir Putin", 35096), ("Sergej Lawrow", 35233),
        ("Igor Setschin", 16692), ("Alischer Usmanow", 35283), ("Gennadi Timtschenko", 16666),
        ("Dmitri Medwedew", 36407), ("Arkadi Rotenberg", 16669), ("Ramsan Kadyrow", 23343), ("Oleg Deripaska", 24283),
        ("Viktor Wekselberg", 24306), ("Viktor Janukowitsch", 16641), ("Alexander Lukaschenko", 9760),
        ("Nikolai Patruschew", 24309), ("Alexander Bortnikow", 31126), ("Michail Mischustin", 35282),
        ("Waleri Gerassimow", 35176), ("Sergej Tschemesow", 16685), ("Andrej Kostin", 24063),
        ("Alexej Mordaschow", 37499), ("Sergej Naryschkin", 16691), ("Valentina Matwijenko", 16660),
        ("Wjatscheslaw Wolodin", 16714), ("Sergej Sobjanin", 35217), ("Igor Schuwalow", 35315),
        ("Anton Siluanow", 35243), ("Elvira Nabiullina", 35797), ("Viktor Solotow", 24326), ("Pjotr Awen", 44290),
    ],
}
_WORD = re.compile(r"[^\W_]+")


def words(name: str) -> tuple[str, ...]:
    """The name's words, lower case, sorted: the same person written in another order or case."""
    return tuple(sorted(w.lower() for w in _WORD.findall(name)))


def build_graph(corpus: Path, dd: Path) -> None:
    sanctions = corpus / "sanctions"
    kgraph.ingest("ofac", from_path=sanctions / "ofac" / "jackdwyer_sdn-list_2024-05-03" / "sdn.csv",
                  datadir=dd, check=False)
    kgraph.ingest("canada", from_path=sanctions / "canada" / "cmt-project-api_2020-04-15" / "sema-lmes.xml",
                  datadir=dd, check=False)
    kgraph.build(datadir=dd)


def person_names(dd: Path) -> dict[tuple[str, ...], set[str]]:
    """Every Person node's names, by their words."""
    import sqlite3

    con = sqlite3.connect(dd / "graph" / "current" / INDEX_NAME)
    out: dict[tuple[str, ...], set[str]] = {}
    for nid, names in con.execute("SELECT id, names FROM node WHERE type = 'Person'"):
        for name in _names(names)[0]:
            out.setdefault(words(name), set()).add(nid)
    con.close()
    return out


def rows(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r["full_name"] for r in csv.DictReader(f)]


def positives(corpus: Path, dd: Path, show_misses: bool) -> None:
    gt = corpus / "groundtruth"
    untreated = rows(gt / "yente_cgb_positives_un_untreated.csv")
    treated = rows(gt / "yente_cgb_positives_un_treated.csv")
    by_words = person_names(dd)
    gold = [by_words.get(words(name), set()) for name in untreated]
    usable = [i for i, g in enumerate(gold) if g]
    print(f"UN positives: {len(untreated)} rows, {len(usable)} with an OFAC or Canadian person of the same name")
    for label, queries in (("untreated", untreated), ("treated", treated)):
        at1 = at10 = 0
        misses = []
        for i in usable:
            ids = [h["id"] for h in kgraph.lookup(queries[i], limit=10, datadir=dd, types=["Person"])]
            if ids and ids[0] in gold[i]:
                at1 += 1
            if gold[i] & set(ids):
                at10 += 1
            else:
                misses.append((queries[i], untreated[i]))
        n = len(usable)
        print(f"  {label:<9} recall@1 {at1 / n:.3f} ({at1}/{n})   recall@10 {at10 / n:.3f} ({at10}/{n})")
        for q, name in misses if show_misses else ():
            print(f"    missed: {q!r} (listed as {name!r})")


def press_spellings(dd: Path, show_misses: bool) -> None:
    at1 = at5 = 0
    misses = []
    for query, uid in PRESS_SPELLINGS:
        ids = [h["id"] for h in kgraph.lookup(query, limit=5, datadir=dd)]
        at1 += bool(ids and ids[0] == f"ofac-{uid}")
        if f"ofac-{uid}" in ids:
            at5 += 1
        else:
            misses.append((query, uid, ids[:1]))
    n = len(PRESS_SPELLINGS)
    print(f"press spellings: {n} queries   recall@1 {at1 / n:.3f} ({at1}/{n})   recall@5 {at5 / n:.3f} ({at5}/{n})")
    for query, uid, first in misses if show_misses else ():
        print(f"    missed: {query!r} (ofac-{uid}; first hit {first[0] if first else 'none'})")


def found_first(dd: Path, what: str, queries: list[tuple[str, int]], show_misses: bool) -> None:
    """The share of ``queries`` (text, OFAC UID) that find their entity first, and first scoring 0.8 or more."""
    hit = alerts = 0
    misses = []
    for query, uid in queries:
        first, hits = _found_first(dd, query, f"ofac-{uid}")
        hit += first
        alerts += first and hits[0]["score"] >= ALERT_SCORE
        if not first:
            misses.append((query, uid, hits[0]["name"] if hits else None))
    n = len(queries)
    print(f"{what}: {n} queries   found first {hit / n:.3f} ({hit}/{n}), scoring {ALERT_SCORE} or more {alerts}")
    for query, uid, first in misses if show_misses else ():
        print(f"    missed: {query!r} (ofac-{uid}; first hit {first!r})")


_GIVEN_TWO = (r"(?<![^\W_])(mohammad|mohammed|ali|gholam|hamid|amir|abol|abdol)(?:{sep})"
              r"(reza|hossein|hosein|hassan|ali|akbar|javad|mehdi|taghi|bagher|jafar|sadegh|fazl|ghasem)(?![^\W_])")
#: words of listed names written the ways other lists, registers and the press write them: (what, the word as
#: a listed name has it, its other spellings ({x} is the name an Abd is made with, capitalised or not as the
#: spelling's first letter shows: Abdul{x} is Abdulrahman; {y} is a second name))
WRITTEN_OTHERWISE = [
    ("servant-of names",  # Abd, its article and a name of four letters or more ('ABD AL-RAHMAN, Abdul Aziz, Abdelkader)
     re.compile(r"(?<![^\W_])'?abd(?:[- ]?(?:al|el|ul|ol)[- ]?'?|(?:ul|el) )([^\W\d_]{4,})(?![^\W_])", re.I),
     {"Abdul X": "Abdul {X}", "Abd al-X": "Abd al-{X}", "Abdel X": "Abdel {X}", "AbdulX": "Abdul{x}",
      "Abd-el-X": "Abd-el-{X}"}),
    ("Muhammad as Mohd",  # as Malaysia's and Singapore's registers write it
     re.compile(r"(?<![^\W_])(?:muhammad|mohammad|mohammed|mohamed)(?![^\W_])", re.I), {"Mohd": "Mohd"}),
    ("Muhammad as Md.",  # as Bangladesh's write it: the first given name, first or after the family name's comma
     re.compile(r"(?:^|(?<=, ))(?:muhammad|mohammad|mohammed|mohamed)(?= )", re.I), {"Md.": "Md."}),
    ("Abu in French", re.compile(r"(?<![^\W_])abu(?![^\W_])", re.I), {"Abou": "Abou"}),
    ("kunya in one word", re.compile(r"(?<![^\W_])abu[ -]([^\W\d_]{3,})(?![^\W_])", re.I), {"AbuX": "Abu{x}"}),
    # Persian given names of two (Mohammad Reza, Gholamhossein): one word in one list, two in another
    ("two given names in one word", re.compile(_GIVEN_TWO.format(sep="[ -]"), re.I), {"XY": "{X}{y}"}),
    ("one given name in two words", re.compile(_GIVEN_TWO.format(sep=""), re.I), {"X Y": "{X} {Y}"}),
]
#: a Russian name's English romanisation as French and German papers write it (one pass, longest first)
_RUSSIAN_IN = {
    "French": {"shch": "chtch", "zh": "j", "ch": "tch", "sh": "ch", "u": "ou", "iy": "i", "y": "i"},
    "German": {"shch": "schtsch", "zh": "sch", "kh": "ch", "ch": "tsch", "sh": "sch", "v": "w", "iy": "i", "y": "j"},
}


#: a Russian given name as the lists write it -> the Ukrainian one as Ukraine's romanisation (2010) writes it
_UKRAINIAN_GIVEN = {
    "aleksandr": "Oleksandr", "alexander": "Oleksandr", "aleksey": "Oleksii", "alexey": "Oleksii", "aleksei": "Oleksii",
    "sergey": "Serhii", "sergei": "Serhii", "yevgeniy": "Yevhen", "evgeny": "Yevhen", "evgeniy": "Yevhen",
    "nikolai": "Mykola", "nikolay": "Mykola", "igor": "Ihor", "oleg": "Oleh", "andrey": "Andrii", "andrei": "Andrii",
    "vladimir": "Volodymyr", "dmitry": "Dmytro", "dmitriy": "Dmytro", "vasily": "Vasyl", "vasiliy": "Vasyl",
    "mikhail": "Mykhailo", "grigory": "Hryhorii", "grigoriy": "Hryhorii", "gennady": "Hennadii", "gennadiy": "Hennadii",
    "georgy": "Heorhii", "georgiy": "Heorhii", "pavel": "Pavlo", "konstantin": "Kostiantyn", "maksim": "Maksym",
    "maxim": "Maksym", "nikita": "Mykyta", "kirill": "Kyrylo", "yelena": "Olena", "elena": "Olena",
    "tatyana": "Tetiana", "irina": "Iryna", "svetlana": "Svitlana", "natalya": "Nataliia", "galina": "Halyna",
}


def _russian_in(language: str, name: str) -> str:
    if language in ("Ukrainian", "Ukraine's romanisation"):
        # "Ukrainian": the given name only, the family name as the lists write it; "Ukraine's romanisation": the
        # family name too, as Ukraine writes it from its letters: г is h, и y (Пригожин: Pryhozhyn), -ий -yi
        given, family = name.split(" ", 1)
        family = family.lower()
        if language != "Ukrainian":
            family = re.sub(r"(?<=[bcdfgklmnprstvzh])i(?![aeiouy])", "y", family.replace("g", "h"))
            family = re.sub(r"(?:iy|yy)$", "yi", family)
        return f"{_UKRAINIAN_GIVEN.get(given.lower(), given)} {family.capitalize()}"
    table = _RUSSIAN_IN[language]
    pattern = re.compile("|".join(sorted(table, key=len, reverse=True)))
    return " ".join(pattern.sub(lambda m: table[m.group(0)], w.lower()).capitalize() for w in name.split())


#: how many listed names of each kind are written the other ways (every k-th of them, in id order)
WRITTEN_SAMPLE = 200


def _found_first(dd: Path, query: str, nid: str) -> tuple[bool, list[dict]]:
    """Whether a lookup of ``query`` lists node ``nid`` first (or tied first), and its hits."""
    hits = kgraph.lookup(query, limit=5, datadir=dd)
    return bool(hits) and any(h["id"] == nid and h["score"] >= hits[0]["score"] for h in hits), hits


def written_otherwise(dd: Path, show_misses: bool) -> None:
    import sqlite3

    con = sqlite3.connect(dd / "graph" / "current" / INDEX_NAME)
    nodes = [(nid, _names(names)[0]) for nid, names in
             con.execute("SELECT id, names FROM node WHERE type IN ('Person', 'Organization') ORDER BY id")]
    con.close()
    for what, pattern, forms in WRITTEN_OTHERWISE:
        cases = []
        for nid, names in nodes:
            for name in names:
                m = pattern.search(name)
                # Abdul-Lahi is Abdullahi: no article, and no name an Abd is made with
                if m and not (m.groups() and m.group(1).lower() in ("lahi", "llah")):
                    cases.append((nid, name, m))
                    break
        picked = cases[:: max(1, len(cases) // WRITTEN_SAMPLE)]
        found: dict[str, list[int]] = {form: [0, 0] for form in forms}
        misses = []
        for nid, name, m in picked:
            x, y = [*(g.lower() for g in m.groups()), "", ""][:2]
            for form, spelling in forms.items():
                written = spelling.format(x=x, X=x.capitalize(), y=y, Y=y.capitalize())
                query = name[: m.start()] + written + name[m.end():]
                if query.lower() == name.lower():
                    continue
                first, hits = _found_first(dd, query, nid)
                found[form][0] += first
                found[form][1] += 1
                if not first:
                    misses.append((query, name, hits[0]["name"] if hits else None))
        hit, n = sum(v[0] for v in found.values()), sum(v[1] for v in found.values())
        print(f"{what}: {len(picked)} of {len(cases)} listed names, {n} queries   found first {hit / n:.3f} "
              f"({hit}/{n})   " + ", ".join(f"{f} {a}/{b}" for f, (a, b) in found.items()))
        for query, name, first in misses if show_misses else ():
            print(f"    missed: {query!r} (listed {name!r}; first hit {first!r})")


def russian_elsewhere(dd: Path, show_misses: bool) -> None:
    """Listed Russians (a family name, a given name and a patronymic) as French and German papers write
    their given and family names (Oleg Tchirikov, Oleg Tschirikow for CHIRIKOV, Oleg Sergeyevich), with
    their given name as Ukraine romanises it (Oleh Chirikov), and with both as Ukraine romanises them from
    its letters (Oleh Chyrykov; Yevhen Pryhozhyn for PRIGOZHIN)."""
    import sqlite3

    con = sqlite3.connect(dd / "graph" / "current" / INDEX_NAME)
    cases = []
    for nid, names in con.execute("SELECT id, names FROM node WHERE type = 'Person' ORDER BY id"):
        for name in _names(names)[0]:
            m = re.fullmatch(r"([A-Z][A-Z-]+), ([A-Z][a-z]+) [A-Z][a-z]+(?:ovich|evich|ovna|evna)", name)
            if m:
                cases.append((nid, name, f"{m.group(2)} {m.group(1)}"))
                break
    con.close()
    picked = cases[:: max(1, len(cases) // WRITTEN_SAMPLE)]
    for language in (*_RUSSIAN_IN, "Ukrainian", "Ukraine's romanisation"):
        hit, alerts, n, misses = 0, 0, 0, []
        for nid, name, plain in picked:
            query = _russian_in(language, plain)
            if query.lower() == plain.lower():
                continue
            first, hits = _found_first(dd, query, nid)
            hit, n = hit + first, n + 1
            alerts += first and hits[0]["score"] >= ALERT_SCORE
            if not first:
                misses.append((query, name, hits[0]["name"] if hits else None))
        what = "with a Ukrainian given name" if language == "Ukrainian" else f"in {language}"
        print(f"Russian names {what}: {len(picked)} of {len(cases)} listed, {n} queries   found first "
              f"{hit / n:.3f} ({hit}/{n}), scoring {ALERT_SCORE} or more {alerts}")
        for query, name, first in misses if show_misses else ():
            print(f"    missed: {query!r} (listed {name!r}; first hit {first!r})")


def negatives(corpus: Path, dd: Path) -> None:
    for part in ("us", "global"):
        names = rows(corpus / "groundtruth" / f"yente_validation_negatives_{part}.csv")
        alerts = 0
        times = []
        for name in names:
            t = time.perf_counter()
            hits = kgraph.lookup(name, limit=1, datadir=dd, types=["Person"])
            times.append((time.perf_counter() - t) * 1000)
            alerts += bool(hits and hits[0]["score"] >= ALERT_SCORE)
        print(f"negatives ({part}): {len(names)} names, first hit >= {ALERT_SCORE} for {alerts} "
              f"({alerts / len(names):.3f}); lookup p50 {statistics.median(times):.1f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("KGRAPH_CORPUS", REPO.parent / "shared" / "corpus")))
    ap.add_argument("--data-dir", type=Path, help="reuse (or fill) this data directory")
    ap.add_argument("--misses", action="store_true", help="print the positives not found within ten")
    args = ap.parse_args(argv)
    if not (args.corpus / "groundtruth").is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kgraph-eval-lookup-") as tmp:
        dd = args.data_dir or Path(tmp)
        if not (dd / "graph" / "current" / INDEX_NAME).exists():
            t = time.perf_counter()
            build_graph(args.corpus, dd)
            print(f"built the corpus graph in {time.perf_counter() - t:.1f} s")
        positives(args.corpus, dd, args.misses)
        press_spellings(dd, args.misses)
        written_otherwise(dd, args.misses)
        russian_elsewhere(dd, args.misses)
        found_first(dd, "Belarusians as Russian writes them", BELARUSIANS, args.misses)
        for language, queries in PRESS_ABROAD.items():
            found_first(dd, f"Russians as {language} papers write them", queries, args.misses)
        negatives(args.corpus, dd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
