"""The newcomer's path through click's CliRunner: `kgraph demo`, then lookup, show, stats, sources, build.

These are the foundation issue's acceptance checks on the demo graph: each
lookup returns the right node first with its source records, and the card
of RA-78765 shows its operator, the program, its flights and the countries
it visited, each with the source it came from.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli import cli

WIDE = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli") / "data"
    result = CliRunner(env=WIDE).invoke(cli, ["--data-dir", str(root), "demo"])
    assert result.exit_code == 0, result.output
    return root, result.output


def kg(root, *args, env=WIDE):
    return CliRunner(env=env).invoke(cli, ["--data-dir", str(root), *args])


def test_demo_prints_the_chain_with_its_sources(demo):
    _, out = demo
    assert out.startswith("JSC AVIACON ZITOTRANS (Organization, ofac-40181) SANCTIONED")
    for fact in ("RUSSIA-EO14024", "us_ofac_sdn 40181", "Russia (SEMA)", "listed 2023-05-18",
                 "RA-78765 (ofac-40185, MSN 83486590, ICAO 1533AD, IL-76TD) sanctioned; operates (score 0.90, from the list's "
                 "link; operator code AZS), linked to",
                 "ULLI Pulkovo Airport", "URSS Sochi",
                 "Algeria (country only)", "Mauritania (country only)", "Dominican Republic (country only)",
                 "MUSA San Antonio de los Baños", "arrived 2026-02-01", "Defense News, 2026-02-02",
                 "Countries visited: Cuba (1)"):
        assert fact in out, fact
    # RA-78765's other airframes are listed too, and the flights are the five reported legs only
    assert out.count("flightlog dn-2026-02-02-") == 5
    assert all(tail in out for tail in ("RA-76502", "RA-76842", "RA-76846"))


@pytest.mark.parametrize("query, expected, why", [
    ("Aviacon Zitotrans", "ofac-40181", "name"),
    ("Авиакон Цитотранс", "ofac-40181", "name"),
    ("AO Aviakompaniya Aviakon Tsitotrans", "ofac-40181", "name"),
    ("RA78765", "ofac-40185", "identifier"),
    ("ra 78765", "ofac-40185", "identifier"),
    # the registry row keyed "RA-78765" is also the record of the operator it names: the airframe comes first
    ("RA-78765", "ofac-40185", "record"),
    ("1533ad", "ofac-40185", "identifier"),
    ("83486590", "ofac-40185", "identifier"),
    ("6658039390", "ofac-40181", "identifier"),
    ("MUSA", "airport-MUSA", "identifier"),
    # an airport by its town and by the other names OurAirports keeps for it
    ("St Petersburg", "airport-ULLI", "municipality 'St. Petersburg'"),
    ("Leningrad", "airport-ULLI", "keywords 'Leningrad'"),
    ("Санкт-Петербург", "airport-ULLI", "keywords 'Saint Petersburg'"),
    ("Аэропорт Пулково", "airport-ULLI", "keywords 'Аэропо́рт Пу́лково'"),
    ("Pulkovo", "airport-ULLI", "name 'Pulkovo Airport'"),
    ("40185", "ofac-40185", "record"),
    # a tail as the press writes it: its number alone, Cyrillic letters (by sound, and by look), dashes
    ("78765", "ofac-40185", "tail RA-78765, 78765 without its mark"),
    ("РА-78765", "ofac-40185", "identifier RA-78765"),
    ("ra\u201178765", "ofac-40185", "identifier RA-78765"),
    ("RA\u201378765", "ofac-40185", "identifier RA-78765"),
    ("1533\u0410D", "ofac-40185", "identifier 1533ad"),
    # an identifier inside a longer query: after its label, beside the type, in quotes or brackets
    ("MSN 83486590", "ofac-40185", "identifier 83486590"),
    ("ICAO: 1533AD", "ofac-40185", "identifier 1533ad"),
    ("ИНН 6658039390", "ofac-40181", "identifier 6658039390"),
    ("Il-76TD RA-78765", "ofac-40185", "identifier RA-78765"),
    ("«RA-78765»", "ofac-40185", "identifier RA-78765"),
    ("(1533AD)", "ofac-40185", "identifier 1533ad"),
    # flights are not in the index: found in the store, by id and by source record, in any case
    ("flightlog-dn-2026-02-02-1", "flightlog-dn-2026-02-02-1", "id"),
    ("FLIGHTLOG-DN-2026-02-02-1", "flightlog-dn-2026-02-02-1", "id"),
    ("dn-2026-02-02-3", "flightlog-dn-2026-02-02-3", "record flightlog dn-2026-02-02-3"),
])
def test_lookup_json_puts_the_right_node_first(demo, query, expected, why):
    root, _ = demo
    result = kg(root, "lookup", query, "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    best = hits[0]
    assert best["id"] == expected, hits[:3]
    assert set(best) >= {"id", "type", "name", "score", "sources", "why", "programs", "sanctioned", "summary"}
    assert all(set(s) == {"source", "record"} for s in best["sources"])
    assert best["why"] and best["why"][0].startswith(why)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_lookup_names_each_list_with_its_record(demo):
    root, _ = demo
    best = json.loads(kg(root, "lookup", "Aviacon Zitotrans", "--json").output)[0]
    assert {"source": "us_ofac_sdn", "record": "40181"} in best["sources"]
    # Canadian records are Country|Schedule|Item, as the list writes them
    assert {"source": "ca_sema", "record": "Russia / Russie|1, Part 2|380"} in best["sources"]
    assert best["programs"] == ["Canada SEMA: Russia (SEMA) — Schedule 1, Part 2", "US OFAC SDN: RUSSIA-EO14024"]
    assert best["sanctioned"] is True and "INN 6658039390" in best["summary"]


def test_a_record_that_is_an_identifier_is_keyed_once_and_still_named_as_the_record(demo):
    import sqlite3

    root, _ = demo
    index = next((Path(root) / "graph").glob("*/lookup.sqlite"))
    with sqlite3.connect(index) as con:
        keys = {k for (k,) in con.execute("SELECT key FROM key WHERE id = 'ofac-40185'")}
    # the Russian register's record of RA-78765 is its tail: found by the identifier key, with no key of its own;
    # OFAC's record 40185 is no identifier of it, and keeps its key
    assert "ident:RA78765" in keys and "record:ra-78765" not in keys and "record:40185" in keys
    for query in ("RA-78765", "ra-78765"):
        best = json.loads(kg(root, "lookup", query, "--json").output)[0]
        assert (best["id"], best["why"]) == ("ofac-40185", ["record ru_aircraft_db RA-78765", "identifier RA-78765"])
    best = json.loads(kg(root, "lookup", "RA78765", "--json").output)[0]  # not the record as written: no record
    assert (best["id"], best["why"]) == ("ofac-40185", ["identifier RA-78765"])
    best = json.loads(kg(root, "lookup", "ofac-40185", "--json").output)[0]  # the id first, as the keys are read
    assert best["why"][0].startswith("id ")


def test_lookup_reads_a_tail_number_without_its_mark_below_exact_hits(demo):
    root, _ = demo
    hits = json.loads(kg(root, "lookup", "78 765", "--json").output)
    assert [(h["id"], h["score"], h["why"]) for h in hits] == [("ofac-40185", 0.9, ["tail RA-78765, 78 765 without its mark"])]
    assert json.loads(kg(root, "lookup", "78766", "--json").output) == []
    # the registration itself (the store's, not the index's) by its id
    hits = json.loads(kg(root, "lookup", "tail-RA78765", "--json").output)
    assert [(h["id"], h["type"], h["why"]) for h in hits] == [("tail-RA78765", "Registration", ["id tail-RA78765"])]
    # ... and by its tail when registrations are asked for
    hits = json.loads(kg(root, "lookup", "ra 78765", "--type", "Registration", "--json").output)
    assert [(h["id"], h["type"], h["why"]) for h in hits] == [("tail-RA78765", "Registration", ["tail RA-78765"])]
    assert json.loads(kg(root, "lookup", "RA-78766", "--type", "Registration", "--json").output) == []
    assert kg(root, "show", "tail-RA78765").output.startswith("RA-78765")


def test_an_index_written_with_other_key_rules_is_refused_in_one_line(demo, tmp_path):
    import shutil
    import sqlite3

    from kgraph.lookup_index import INDEX_FORMAT

    root, _ = demo
    copy = tmp_path / "data"
    shutil.copytree(root, copy, symlinks=True)
    index = kgraph.DataDir(copy).require_graph() / "lookup.sqlite"
    con = sqlite3.connect(index)
    con.execute("PRAGMA user_version = 1")  # as an older kgraph, whose keys had other rules, wrote it
    con.close()
    result = kg(copy, "lookup", "Санкт-Петербург")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {index}: this lookup index was written by another version of kgraph (index format 1, this one "
        f"reads {INDEX_FORMAT}); rebuild the graph: kgraph build"]
    assert kg(copy, "build").exit_code == 0
    assert json.loads(kg(copy, "lookup", "Санкт-Петербург", "--json").output)[0]["id"] == "airport-ULLI"


def test_of_names_that_score_alike_the_one_nearer_the_query_as_written_comes_first(demo, tmp_path):
    import shutil

    from kgraph.lookup_write import write_index

    copy = shutil.copytree(demo[0], tmp_path / "data", symlinks=True)
    # on "Ural Airlines" the plant, which is no airline, misses a word of the query; on "Ural" both score 1
    # (company forms and an airline word weigh little in a name)
    write_index([{"id": "ofac-48874", "type": "Organization", "caption": "AUTOMOBILE PLANT URAL JOINT STOCK COMPANY",
                  "names": ["AUTOMOBILE PLANT URAL JOINT STOCK COMPANY", "AO AZ URAL"], "sanctioned": True},
                 {"id": "ru-org-ural", "type": "Organization", "caption": "Ural Airlines", "names": ["Ural Airlines"]}],
                kgraph.DataDir(copy).require_graph())
    hits = json.loads(kg(copy, "lookup", "Ural Airlines", "--json").output)
    assert [(h["id"], h["score"]) for h in hits] == [("ru-org-ural", 1.0), ("ofac-48874", 0.6667)]
    # among names as near, the sanctioned one first, as before
    assert [h["id"] for h in json.loads(kg(copy, "lookup", "Ural", "--json").output)] == ["ofac-48874", "ru-org-ural"]


def test_a_russian_adjective_is_read_as_the_name_it_is_made_of(demo, tmp_path):
    import shutil

    from kgraph.lookup_index import LONE_NAME_CAP, READING_FACTOR
    from kgraph.lookup_write import write_index

    copy = shutil.copytree(demo[0], tmp_path / "data", symlinks=True)
    write_index([{"id": "ofac-48874", "type": "Organization", "caption": "AUTOMOBILE PLANT URAL JOINT STOCK COMPANY",
                  "names": ["AO AZ URAL"], "sanctioned": True},
                 {"id": "ru-org-ural", "type": "Organization", "caption": "Ural Airlines", "names": ["Ural Airlines"]},
                 {"id": "ofac-13440", "type": "Organization", "caption": "SYRIAN ARAB AIRLINES",
                  "names": ["SYRIAN ARAB AIRLINES"], "sanctioned": True},
                 {"id": "ofac-25237", "type": "Organization", "caption": "IRAN AIR", "names": ["IRAN AIR"],
                  "sanctioned": True},
                 {"id": "country-IR", "type": "Country", "caption": "Iran", "names": ["Iran"]},
                 {"id": "ru-org-azur", "type": "Organization", "caption": "Azur Air", "names": ["Azur Air"]},
                 {"id": "ofac-p1", "type": "Person", "caption": "KHODORKOV, Ivan", "names": ["KHODORKOV, Ivan"]},
                 {"id": "ofac-o1", "type": "Organization", "caption": "KHODORKOV TRADING", "names": ["KHODORKOV TRADING"]}],
                kgraph.DataDir(copy).require_graph())

    def first(query: str) -> list:
        return [(h["id"], h["score"], h["why"]) for h in json.loads(kg(copy, "lookup", query, "--json").output)][:2]

    # Уральские, "of the Urals", shares no key with Ural: read as its noun, below a name met as written
    assert first("Уральские авиалинии")[0] == ("ru-org-ural", READING_FACTOR,
                                               ["name 'Ural Airlines', reading Уральские as ural"])
    assert first("Сирийская арабская авиакомпания")[0] == (
        "ofac-13440", READING_FACTOR, ["name 'SYRIAN ARAB AIRLINES', reading Сирийская as sirian, арабская as arab"])
    # a surname in -ский is read so for no person: Khodorkovsky and Khodorkov are two people
    hits = json.loads(kg(copy, "lookup", "Ходорковский", "--json").output)
    assert hits[0]["id"] == "ofac-o1" and "reading Ходорковский as khodorkov" in hits[0]["why"][0]
    assert [h["why"] for h in hits if h["type"] == "Person"] in ([], [["name 'KHODORKOV, Ivan'"]])
    # Эйр is Russian's "Air": an airline word, as Air is
    assert first("Азур Эйр")[0] == ("ru-org-azur", 1.0, ["name 'Azur Air'"])
    # the airline word meets the airline's: Iran Air before the country, which misses the query's airline
    # word (as a whole word: a query asking for an airline is not answered by a country), and a country's
    # one-word name met by a query of more words is capped as a person's lone name is
    assert [h[:2] for h in first("Iran Airlines")] == [("ofac-25237", 1.0), ("country-IR", LONE_NAME_CAP)]
    assert [h[:2] for h in first("Иранские авиалинии")] == [("ofac-25237", READING_FACTOR),
                                                           ("country-IR", LONE_NAME_CAP * READING_FACTOR)]
    assert "No match" in kg(copy, "lookup", "Уральские авиалинии", "--type", "Person").output


def test_a_name_spelt_with_other_vowels_is_found_and_a_rare_word_outranks_a_common_one(demo, tmp_path):
    import shutil

    from kgraph.lookup_index import NAME_SCORE_CAP
    from kgraph.lookup_write import write_index

    copy = shutil.copytree(demo[0], tmp_path / "data", symlinks=True)
    # more persons named Mohammed than lookup scores: the one also named Bagheri must be among those scored
    mohammeds = [{"id": f"ofac-m{i}", "type": "Person", "caption": f"Mohammed X{i}", "names": [f"Mohammed X{i}"]}
                 for i in range(NAME_SCORE_CAP + 20)]
    write_index([*mohammeds,
                 {"id": "ofac-27850", "type": "Person", "caption": "BAGHERI, Mohammad", "names": ["BAGHERI, Mohammad"],
                  "sanctioned": True},
                 {"id": "ofac-b1", "type": "Person", "caption": "BAGHERI, Ali Reza", "names": ["BAGHERI, Ali Reza"]},
                 {"id": "ofac-23685", "type": "Person", "caption": "KHAN, Hizb Ullah Astam",
                  "names": ["KHAN, Hizb Ullah Astam", "Hizbullah"], "sanctioned": True},
                 {"id": "ofac-4697", "type": "Organization", "caption": "HIZBALLAH", "names": ["HIZBALLAH"],
                  "sanctioned": True},
                 {"id": "ofac-24588", "type": "Organization", "caption": "ANSAR-E HEZBOLLAH",
                  "names": ["ANSAR-E HEZBOLLAH"], "sanctioned": True},
                 {"id": "ofac-6365", "type": "Person", "caption": "BIN LADIN, Usama bin Muhammad bin Awad",
                  "names": ["BIN LADIN, Usama bin Muhammad bin Awad"], "sanctioned": True},
                 {"id": "ofac-21286", "type": "Person", "caption": "BIN LADEN, Hamza", "names": ["BIN LADEN, Hamza"]}],
                kgraph.DataDir(copy).require_graph())

    def hits(query: str) -> list:
        return [(h["id"], h["why"]) for h in json.loads(kg(copy, "lookup", query, "--json").output)]

    # Hezbollah (hesbola) and HIZBALLAH (hisbala) share their consonants only; the party comes before the
    # name that holds the word as written among others, and before a man called so by an alias
    assert hits("Hezbollah")[:3] == [("ofac-4697", ["name 'HIZBALLAH', spelt with other vowels"]),
                                     ("ofac-23685", ["name 'Hizbullah', spelt with other vowels"]),
                                     ("ofac-24588", ["name 'ANSAR-E HEZBOLLAH'"])]
    assert hits("Хезболла")[0][0] == "ofac-4697"
    # Laden and LADIN: found, and before the Bin Ladens named Laden, whose given names are not Osama's
    assert hits("Osama bin Laden")[0] == ("ofac-6365", ["name 'BIN LADIN, Usama bin Muhammad bin Awad', "
                                                        "spelt with other vowels"])
    assert hits("Mohammed Bagheri")[0][0] == "ofac-27850"
    # mohammed is held by 120 names, bagheri by two: the rare word brings both into the scored ones, though
    # BAGHERI, Ali Reza shares no other word with the query (more candidates than NAME_SCORE_CAP share one)
    listed = [h["id"] for h in json.loads(kg(copy, "lookup", "Mohammed Bagheri", "--json", "--limit", "500").output)]
    assert "ofac-b1" in listed and len(listed) == NAME_SCORE_CAP


def test_a_persons_one_word_alias_is_no_alert_for_a_full_name(demo, tmp_path):
    import shutil

    from kgraph.lookup_index import LONE_NAME_CAP
    from kgraph.lookup_write import write_index

    copy = shutil.copytree(demo[0], tmp_path / "data", symlinks=True)
    # OFAC gives RODRIGUEZ OREJUELA the alias PATRICIO, and yente's synthetic negatives hold "Patricio Nevárez"
    write_index([{"id": "ofac-1", "type": "Person", "caption": "RODRIGUEZ OREJUELA, Miguel Angel",
                  "names": ["RODRIGUEZ OREJUELA, Miguel Angel", "PATRICIO"], "sanctioned": True},
                 {"id": "ofac-2", "type": "Organization", "caption": "HAMAS", "names": ["HAMAS"], "sanctioned": True}],
                kgraph.DataDir(copy).require_graph())

    def first(query: str) -> tuple:
        h = json.loads(kg(copy, "lookup", query, "--json").output)[0]
        return h["id"], h["score"]

    assert first("Patricio Nevárez") == ("ofac-1", LONE_NAME_CAP)  # it was 0.83
    assert first("Patricio") == ("ofac-1", 1.0)
    assert first("Miguel Angel Rodriguez Orejuela") == ("ofac-1", 1.0)
    assert first("Hamas movement")[1] > LONE_NAME_CAP  # an organisation's one-word name is its name


def test_a_misspelt_word_finds_the_names_spelt_nearly_as_it(demo, tmp_path):
    import shutil

    from kgraph.lookup_write import write_index

    copy = shutil.copytree(demo[0], tmp_path / "data", symlinks=True)
    write_index([{"id": "ofac-21171", "type": "Person", "caption": "PRIGOZHIN, Yevgeniy Viktorovich",
                  "names": ["PRIGOZHIN, Yevgeniy Viktorovich"], "sanctioned": True},
                 {"id": "ofac-16669", "type": "Person", "caption": "ROTENBERG, Arkady", "names": ["ROTENBERG, Arkady"]},
                 {"id": "ofac-48874", "type": "Organization", "caption": "JSC STZ", "names": ["JSC STZ"]}],
                kgraph.DataDir(copy).require_graph())

    def hits(query: str) -> list:
        return [(h["id"], h["why"]) for h in json.loads(kg(copy, "lookup", query, "--json").output)]

    # Prigozin (prigosin) and PRIGOZHIN (prigojin) share no key; neither do Rotenburg and ROTENBERG
    assert hits("Prigozin") == [("ofac-21171", ["name 'PRIGOZHIN, Yevgeniy Viktorovich', a near spelling"])]
    assert hits("Rotenburg")[0][0] == "ofac-16669"
    # a query whose keys find names is not widened; nothing near is still nothing
    assert hits("Rotenberg") == [("ofac-16669", ["name 'ROTENBERG, Arkady'"])]
    assert "No match" in kg(copy, "lookup", "Xyzzyplugh").output
    # a one-letter key from a longer word says nothing: zzzzzzzz and STZ are both "s"
    assert "No match" in kg(copy, "lookup", "Zzzzzzzz").output and hits("STZ")[0][0] == "ofac-48874"


def test_the_index_format_is_bumped_with_the_key_rules():
    from kgraph.ids import normalize_msn, web_address_key
    from kgraph.lookup_index import INDEX_FORMAT, identifier_value
    from kgraph.lookup_keys import whole_identifier
    from kgraph.lookup_spelling import word_skeleton
    from kgraph.resolve import name_keys

    # how names and identifiers became keys when INDEX_FORMAT was last bumped. If this fails, the rules
    # changed: an index written before would miss queries without a word. Bump INDEX_FORMAT, then update.
    assert INDEX_FORMAT == 30
    assert [word_skeleton(k) for k in ("hesbola", "lukaSenka", "ladin", "usama", "asur", "2004x")] == [
        "hsbl", "lkSnk", "ldn", None, None, None]
    assert [word_skeleton(k, 3) for k in ("hmas", "asd")] == ["hms", None]
    assert {n: name_keys(n) for n in ("Aviacon Zitotrans JSC", "Санкт-Петербург", "ООО «Ромашка-2»", "Khodorkovsky",
                                      "习近平", "محمد بن سلمان", "Fund IV Holdings", "Азур Эйр", "ЧВК Хезболла",
                                      "ماهان ایر", "لواء فاطميون", "ვლადიმერ პუტინი", "Σεργκέι Λαβρόφ",
                                      "Տիգրան Խաչատուրով", "סרגיי לברוב", "بانک سپه", "Samed Petrol Ltd. Şti.", "Abdulrahman Yasin",
                                      "عبد الله عزام", "Mohd Nor Abou Bakar", "Tschernjak",
                                      "Mykola Patrushev", "Микола Патрушев", "Abu Usamah",
                                      "NAUMAU, Uladzimir Uladzimiravich", "Hryhorovych", "Yevhenii Pryhozhyn",
                                      "Bekchan Barachojew", "Evgueni Prigojine", "Moscow Machine Plant",
                                      "Yuri Hryhoryev", "Abuabdullah", "Mohammadjavad", "Djamel")} == {
        "Aviacon Zitotrans JSC": ["n:aviakon", "n:sitotrans", "j:aviakonsitotrans"],
        "Санкт-Петербург": ["n:saint", "n:peterburg", "j:saintpeterburg"],
        "ООО «Ромашка-2»": ["n:romaSka", "n:2", "j:romaSka2"],
        "Khodorkovsky": ["n:hodorkovski"],
        "习近平": ["n:ksi", "n:in", "n:ping", "j:ksiinping"],
        "محمد بن سلمان": ["n:mhmd", "n:slman", "j:mhmdslman"],
        "Fund IV Holdings": ["n:fund", "n:iv", "n:holdings", "j:fundivholdings"],
        "Азур Эйр": ["n:asur", "j:asur"],
        "ЧВК Хезболла": ["n:hesbola"],
        "ماهان ایر": ["n:mahan", "j:mahan"],
        "لواء فاطميون": ["n:lva", "n:fatmiun", "j:lvafatmiun"],
        "ვლადიმერ პუტინი": ["n:vladimer", "n:putini", "j:vladimerputini"],
        "Σεργκέι Λαβρόφ": ["n:sergei", "n:lavrof", "j:sergeilavrof"],
        "Տիգրան Խաչատուրով": ["n:tigran", "n:haCaturov", "j:tigranhaCaturov"],
        "סרגיי לברוב": ["n:srgi", "n:lvruv", "j:srgilvruv"],
        "بانک سپه": ["n:bank", "n:spe", "j:bankspe", "n:sf", "j:banksf"],
        "Samed Petrol Ltd. Şti.": ["n:samed", "n:petrol", "j:samedpetrol"],
        "Abdulrahman Yasin": ["n:abdrahman", "n:iasin", "j:abdrahmaniasin"],
        "عبد الله عزام": ["n:abdala", "n:asam", "j:abdalaasam"],
        "Mohd Nor Abou Bakar": ["n:muhamad", "n:nor", "n:bakar", "n:abubakar", "j:muhamadnorbakar"],
        "Tschernjak": ["n:Cerniak"],
        "Mykola Patrushev": ["n:nikolai", "n:patruSev", "j:nikolaipatruSev"],
        "Микола Патрушев": ["n:nikolai", "n:patruSev", "j:nikolaipatruSev"],
        "Abu Usamah": ["n:usama", "n:abusama", "j:usama"],
        "NAUMAU, Uladzimir Uladzimiravich": ["n:naumau", "n:uladsimir", "n:vladimiroviC", "j:naumauuladsimirvladimiroviC",
                                             "n:naumov", "n:vladimir", "j:naumovvladimirvladimiroviC"],
        "Hryhorovych": ["n:grigoroviC"],
        "Yevhenii Pryhozhyn": ["n:evgeni", "n:prihoJin", "j:evgeniprihoJin", "n:prigoJin", "j:evgeniprigoJin"],
        "Bekchan Barachojew": ["n:bekCan", "n:baraCoiev", "j:bekCanbaraCoiev", "n:bekhan", "n:barahoiev",
                               "j:bekhanbarahoiev"],
        "Evgueni Prigojine": ["n:evgueni", "n:prigoine", "j:evgueniprigoine", "n:evgeni", "n:prigoJin", "j:evgeniprigoJin"],
        "Moscow Machine Plant": ["n:moskov", "n:maCine", "n:plant", "j:moskovmaCineplant"],
        "Yuri Hryhoryev": ["n:iuri", "n:hrihoriev", "j:iurihrihoriev", "n:grigoriev", "j:iurigrigoriev"],
        "Abuabdullah": ["n:abdala", "n:abuabdala", "j:abdala"],
        "Mohammadjavad": ["n:mohamadiavad"],
        "Djamel": ["n:Jamel"],
    }
    assert name_keys("OO, Ko Ko", person=True) == ["n:o", "n:ko", "j:okoko"]
    # a source record the query finds by this key is filed under no record key (lookup_write)
    assert [whole_identifier(v) for v in ("40e3cd", "MUSA", "leg-15", "12345", "RA-78765", "Aviacon JSC", "EC-QAWB")] == [
        "ident:40E3CD", "ident:MUSA", "ident:LEG15", "ident:12345", "ident:RA78765", None, "ident:ECQAWB"]
    assert [web_address_key(v) for v in ("https://www.Arrai.tv/x", "t.me/Rybar", "info@arrai.tv")] == [
        "arrai.tv", "t.me/rybar", None]
    assert [web_address_key(v, email_domain=True) for v in ("info@arrai.tv", "a@hotmail.nl")] == ["arrai.tv", None]
    assert [identifier_value(v) for v in ("RA-78765", "РА-78765", "1533ad", "0x1533AD")] == [
        "RA78765", "RA78765", "1533AD", "0X1533AD"]
    assert [normalize_msn(v) for v in ("0083486590", "82А534", "1Г23946", "208В1273", "MSN 1033418616",
                                         "1003401017(7605)")] == [
        "83486590", "82A534", "1G23946", "208B1273", "1033418616", "1003401017"]


def test_a_number_of_four_to_six_characters_is_read_as_a_tail_without_its_mark(tmp_path):
    import sqlite3

    from kgraph.lookup_index import INDEX_NAME, _bare_tail_hits
    from kgraph.lookup_write import write_index

    write_index([{"id": f"plane-{t}", "type": "Airplane", "caption": t, "names": [t], "identifiers": [t], "tails": [t]}
                 for t in ("N765", "N7650", "RA-76501")]
                + [{"id": "plane-msn", "type": "Airplane", "caption": "An-124", "names": [], "identifiers": ["212345"]},
                   {"id": "plane-old", "type": "Airplane", "caption": "EW-78799", "names": [],
                    "identifiers": ["EW-78799", "RA-78799"], "tails": ["EW-78799", "RA-78799"]}], tmp_path)
    con = sqlite3.connect(tmp_path / INDEX_NAME)
    assert _bare_tail_hits(con, "765") == {}  # N765 is in the graph, but "765" is too short to mean it
    assert list(_bare_tail_hits(con, "7650")) == ["plane-N7650"]
    assert list(_bare_tail_hits(con, "76501")) == ["plane-RA-76501"]
    assert list(_bare_tail_hits(con, "78799")) == ["plane-old"]  # its tail now and the one it carried before
    assert _bare_tail_hits(con, "7650123") == {} and _bare_tail_hits(con, "N7650") == {}
    # a serial number that a nationality mark (Guernsey's 2) and the query spell is no tail
    assert _bare_tail_hits(con, "12345") == {}


def test_lookup_reads_a_cyrillic_name_with_a_number_as_a_name(demo):
    """Its Cyrillic letters were dropped from the identifier read in it: "ООО Ромашка 83486590" was the
    identifier 83486590, and RA-78765 (MSN 83486590) its exact hit."""
    root, _ = demo
    hits = json.loads(kg(root, "lookup", "ООО Ромашка 83486590", "--json").output)
    assert "ofac-40185" not in [h["id"] for h in hits]


def test_a_model_that_lookup_does_not_find_is_pointed_to_the_query_of_its_aircraft(demo):
    root, _ = demo
    out = kg(root, "lookup", "Ил-76").output.splitlines()
    assert out == ["No match for 'Ил-76'.",
                   "It reads as the aircraft model Il-76; its aircraft: kgraph query aircraft-of-model --param family=Il-76"]
    rows = json.loads(kg(root, "query", "aircraft-of-model", "--param", "family=Il-76", "--json").output)
    assert [(r["aircraft"], r["aircraft_sanctioned"], r["sanctioned_operator_id"]) for r in rows] == [
        ("RA-76502", True, "ofac-40181"), ("RA-76842", True, "ofac-40181"), ("RA-76846", True, "ofac-40181"),
        ("RA-78765", True, "ofac-40181")]
    assert kg(root, "lookup", "78766").output.strip() == "No match for '78766'."  # digits alone are no model


def test_screen_looks_up_every_line_of_a_file(demo, tmp_path):
    root, _ = demo
    names = tmp_path / "counterparties.txt"
    names.write_bytes("\ufeff# to screen\nАвиакон Цитотранс\n\n  RA-78765 \nNobody Trading Ltd\n78765\n".encode())
    found = json.loads(kg(root, "screen", str(names), "--json").output)
    assert [(e["query"], [(h["id"], h["score"]) for h in e["hits"]]) for e in found] == [
        ("Авиакон Цитотранс", [("ofac-40181", 1.0)]), ("RA-78765", [("ofac-40185", 1.0)]),
        ("Nobody Trading Ltd", []), ("78765", [("ofac-40185", 0.9)])]
    assert found[0]["hits"][0] == json.loads(kg(root, "lookup", "Авиакон Цитотранс", "--json").output)[0]
    exact = json.loads(kg(root, "screen", str(names), "--json", "--min-score", "1").output)
    assert [len(e["hits"]) for e in exact] == [1, 1, 0, 0]
    two = json.loads(kg(root, "screen", str(names), "--json", "-n", "2").output)
    # the operator, from the Russian register's record of the tail (the registration is the store's, by id)
    assert [h["id"] for h in two[1]["hits"]] == ["ofac-40185", "ofac-40181"]
    table = kg(root, "screen", str(names)).output
    assert "4 queries, 3 with hits" in table and "ofac-40181" in table and "no match" in table
    piped = CliRunner().invoke(cli, ["--data-dir", str(root), "screen", "-", "--json"], input="1533ad\n")
    assert [h["id"] for h in json.loads(piped.output)[0]["hits"]] == ["ofac-40185"]
    rows = list(csv.reader(io.StringIO(kg(root, "screen", str(names), "--csv").output)))
    assert rows[0] == ["query", "score", "id", "type", "name", "sanctioned", "programs", "why"]
    assert rows[1][:6] == ["Авиакон Цитотранс", "1.0", "ofac-40181", "Organization", "JSC AVIACON ZITOTRANS", "yes"]
    assert rows[3] == ["Nobody Trading Ltd"] and rows[4][:3] == ["78765", "0.9", "ofac-40185"]
    # a text a spreadsheet would run as a formula stays text
    formula = tmp_path / "formula.txt"
    formula.write_text('=HYPERLINK("http://example.invalid","x")\n')
    assert list(csv.reader(io.StringIO(kg(root, "screen", str(formula), "--csv").output)))[1] == [
        '\'=HYPERLINK("http://example.invalid","x")']
    assert kg(root, "screen", str(names), "--csv", "--json").exit_code == 2
    # bad input: one line naming the file and the place
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Aviacon\n\xff\xfe Zitotrans\n")
    result = kg(root, "screen", str(bad))
    assert result.exit_code == 1 and result.output.strip() == f"Error: {bad}: line 2: not UTF-8 text"
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    result = kg(root, "screen", str(empty))
    assert result.exit_code == 1 and result.output.strip() == f"Error: {empty}: no queries (one per line; # starts a comment)"


def test_screen_a_column_of_a_spreadsheet(demo, tmp_path):
    root, _ = demo
    sheet = tmp_path / "clients.csv"
    # as a spreadsheet saves it: a BOM, semicolons, a row with no name, a blank row, a formula, CRLF
    sheet.write_bytes("\ufeffClient;Legal name;Country\r\n7;JSC Aviacon Zitotrans;RU\r\n8;;RU\r\n\r\n"
                      "9;Nobody Trading Ltd;=1+2\r\n10;RA-78765\r\n".encode())
    rows = list(csv.reader(io.StringIO(kg(root, "screen", str(sheet), "--column", "legal name", "--csv").output)))
    assert rows[0] == ["Client", "Legal name", "Country", "kgraph_score", "kgraph_id", "kgraph_type", "kgraph_name",
                       "kgraph_sanctioned", "kgraph_programs", "kgraph_why"]
    assert rows[1][:6] == ["7", "JSC Aviacon Zitotrans", "RU", "1.0", "ofac-40181", "Organization"]
    # every row of the sheet is kept, in its order; a short row is filled; a formula stays text
    assert rows[2:] == [["8", "", "RU"], ["9", "Nobody Trading Ltd", "'=1+2"], rows[4]]
    assert rows[4][:5] == ["10", "RA-78765", "", "1.0", "ofac-40185"]
    found = json.loads(kg(root, "screen", str(sheet), "-c", "2", "--json").output)  # the column by its number
    assert [(e["query"], [h["id"] for h in e["hits"]], e["row"]["Client"]) for e in found] == [
        ("JSC Aviacon Zitotrans", ["ofac-40181"], "7"), ("", [], "8"), ("Nobody Trading Ltd", [], "9"),
        ("RA-78765", ["ofac-40185"], "10")]
    table = kg(root, "screen", str(sheet), "--column", "Legal name").output
    assert "column 'Legal name', 3 queries, 2 with hits" in table
    # a single column, and a comma-separated file with a quoted comma
    plain = tmp_path / "plain.csv"
    plain.write_text('name\nAviacon Zitotrans\n')
    assert [e["hits"][0]["id"] for e in json.loads(kg(root, "screen", str(plain), "-c", "name", "--json").output)] == [
        "ofac-40181"]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('id,name,note\n1,"Aviacon Zitotrans, JSC",x\n2,1533ad,y\n')
    assert [e["hits"][0]["id"] for e in json.loads(kg(root, "screen", str(quoted), "-c", "name", "--json").output)] \
        == ["ofac-40181", "ofac-40185"]
    # bad input: one line naming the file and what is wrong
    result = kg(root, "screen", str(sheet), "--column", "Owner")
    assert result.exit_code == 1 and result.output.strip() == (
        f"Error: {sheet}: no column 'Owner' (the header has: Client, Legal name, Country)")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"name\nAviacon\n\xff\xfe\n")
    assert kg(root, "screen", str(broken), "-c", "name").output.strip() == f"Error: {broken}: line 3: not UTF-8 text"
    empty = tmp_path / "empty.csv"
    empty.write_text("name,country\n,RU\n")
    assert kg(root, "screen", str(empty), "-c", "name").output.strip() == f"Error: {empty}: no queries in column 'name'"
    page = tmp_path / "page.csv"  # an error page saved in the list's place: its long first line is cut short
    page.write_text("<!DOCTYPE html><html><head><title>503 Service Unavailable</title><style>body{margin:0;"
                    "padding:0}</style></head>\n<body>down</body></html>\n")
    said = kg(root, "screen", str(page), "-c", "name").output.strip()
    assert said == (f"Error: {page}: no column 'name' (the header has: <!DOCTYPE html><html><head><title>503 S…, "
                    "padding:0}</style></head>)")
    nothing = tmp_path / "nothing.csv"
    nothing.write_bytes(b"")
    assert kg(root, "screen", str(nothing), "-c", "name").output.strip() == (
        f"Error: {nothing}: empty: a CSV file to screen starts with its header row")


def test_screen_asks_the_graph_store_once_for_all_its_queries(demo, monkeypatch):
    """A flight's id or record is found in the store; screening used to open it and scan it three times
    per one-word miss (~0.5 s each at full size)."""
    import kgraph.graph.store as store_module

    root, _ = demo
    queries = ["flightlog-dn-2026-02-02-1", "DN-2026-02-02-3", "RA-12345X", "ZZ-99999", "1533ad"]
    alone = [kgraph.lookup(q, datadir=root, limit=3) for q in queries]
    opened = []
    real = store_module.open_store

    def counting(*args, **kwargs):
        opened.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module, "open_store", counting)
    found = kgraph.screen(queries, limit=3, datadir=root)
    assert [e["hits"] for e in found] == alone  # the same hits as one lookup each
    assert [h["id"] for h in found[1]["hits"]] == ["flightlog-dn-2026-02-02-3"]
    assert len(opened) == 1


def test_lookup_table_for_people(demo):
    root, _ = demo
    out = kg(root, "lookup", "ra 78765").output
    assert "Lookup: ra 78765" in out and "ofac-40185" in out and "(sanctioned)" in out
    assert "MSN 83486590" in out and "US OFAC SDN: RUSSIA-EO14024" in out
    nothing = kg(root, "lookup", "no such operator anywhere")
    assert nothing.exit_code == 0 and nothing.output.strip() == "No match for 'no such operator anywhere'."
    # a tail or a code the graph does not hold: a program named "… Schedule 1, Part 2" shares a "2" with it,
    # and was listed at a score of 0.11
    for absent in ("X-2", "RA-99999"):
        assert kg(root, "lookup", absent).output.strip() == f"No match for {absent!r}."
    assert "Schedule 1, Part 2" in kg(root, "lookup", "Part 2").output


def test_show_json_has_operator_program_flights_and_countries_with_sources(demo):
    root, _ = demo
    card = json.loads(kg(root, "show", "ofac-40185", "--json").output)
    assert (card["id"], card["type"], card["caption"], card["sanctioned"]) == ("ofac-40185", "Airplane", "RA-78765", True)
    assert {i["property"]: i["value"] for i in card["identifiers"]} == {
        "registrationNumber": "RA-78765", "icao24": "1533ad", "serialNumber": "83486590"}
    operators = [link for link in card["links"] if link["relationship"] == "OPERATES"]
    assert [link["id"] for link in operators] == ["ofac-40181"]
    assert {"source": "us_ofac_sdn", "record": "40185"} in [
        {k: s[k] for k in ("source", "record")} for s in operators[0]["sources"]]
    listing = card["listings"][0]
    assert (listing["program"], listing["sources"][0]["source"], listing["sources"][0]["record"]) == (
        "RUSSIA-EO14024", "us_ofac_sdn", "40185")
    assert len(card["flights"]) == card["flights_total"] == 5
    assert all(f["aircraft_sanctioned"] for f in card["flights"])
    assert all(f["sources"][0]["source"] == "flightlog" and f["citation"] == ["Defense News, 2026-02-02"]
               for f in card["flights"])
    last = max(card["flights"], key=lambda f: f["arrivalDate"] or "")
    assert (last["to"]["id"], last["arrivalDate"]) == ("airport-MUSA", "2026-02-01")
    assert [c["code"] for c in card["countries_visited"]] == ["CU", "DO", "DZ", "MR", "RU"]


def test_show_table_for_people(demo):
    root, _ = demo
    out = kg(root, "show", "ofac-40185").output
    for fact in ("RA-78765 (Airplane, ofac-40185) SANCTIONED", "Manufacturer's serial number (MSN): 83486590",
                 "operated by JSC AVIACON ZITOTRANS (Organization, ofac-40181)", "RUSSIA-EO14024",
                 "Latest flights (5)", "San Antonio de los Baños", "Countries visited: Cuba"):
        assert fact in out, fact
    # the link runs from the operator to the aircraft: its card says "operates", the aircraft's "operated by"
    assert "operates JSC AVIACON" not in out and "operated by" not in kg(root, "show", "ofac-40181").output
    # an operator's fleet is told once, under Aircraft: each airframe, how it is tied to the operator, and whence
    out = kg(root, "show", "ofac-40181").output
    fleet = out[out.index("Aircraft (4)"):out.index("Latest flights")]
    assert ("RA-76846 (ofac-40184, MSN 93497936, IL-76TD) sanctioned; operates (score 0.90, from the list's link), "
            "linked to  us_ofac_sdn 40184") in fleet
    assert "Linked" not in out and "ofac-40184" not in out.replace(fleet, "")
    card = json.loads(kg(root, "show", "ofac-40181", "--json").output)
    assert {a["id"]: a["score"] for a in card["aircraft"]} == dict.fromkeys(
        ("ofac-40182", "ofac-40183", "ofac-40184", "ofac-40185"), 0.9)
    assert len([l for l in card["links"] if l["id"] == "ofac-40184"]) == 2  # the data keeps every link
    missing = kg(root, "show", "ofac-99999999")
    assert missing.exit_code == 1 and missing.output.startswith("Error: ") and "Traceback" not in missing.output


def test_a_card_says_which_records_were_merged_into_it_and_why(demo):
    import doctest

    from kgraph import merges

    root, _ = demo
    out = kg(root, "show", "ofac-40181").output
    merged = out[out.index("Merged records"):out.index("Names")]
    # OFAC's record, Canada's and the Russian registry's operator: three pairs, each with its evidence
    assert "ca-sema-eddeda8f89db741a4d9b = ofac-40181: score 1.00: name 'Aviacon Zitotrans JSC' ~ " \
           "'JSC AVIACON ZITOTRANS'" in merged and merged.count(" = ") == 3
    card = json.loads(kg(root, "show", "ofac-40181", "--json").output)
    assert {(m["a"], m["b"]) for m in card["merged"]} == {
        ("ca-sema-eddeda8f89db741a4d9b", "ofac-40181"), ("ofac-40181", "ru-aircraft-db-org-007dba67c16ab000ce44"),
        ("ca-sema-eddeda8f89db741a4d9b", "ru-aircraft-db-org-007dba67c16ab000ce44")}
    assert all(m["decision"] == "merge" and m["evidence"] for m in card["merged"])
    # an airframe is one by its MSN; a node of one record has nothing merged
    assert "same manufacturer serial number" in kg(root, "show", "ofac-40185").output
    card = json.loads(kg(root, "show", "ofac-40182", "--json").output)
    assert card["merged"] == [] and "Merged records" not in kg(root, "show", "ofac-40182").output
    assert doctest.testmod(merges).failed == 0


def test_a_merge_an_analyst_judged_says_so_on_the_card(demo, tmp_path):
    import shutil

    copy = shutil.copytree(demo[0], tmp_path / "data", symlinks=True)
    # the resolver keeps these two airframes apart (two MSNs); an analyst's "same" wins
    assert kg(copy, "judge", "ofac-40182", "ofac-40183", "--same", "--note", "test").exit_code == 0
    assert kg(copy, "build").exit_code == 0
    card = json.loads(kg(copy, "show", "ofac-40182", "--json").output)
    assert [(m["a"], m["b"], m["decision"]) for m in card["merged"]] == [("ofac-40182", "ofac-40183", "judged-same")]
    assert "ofac-40182 = ofac-40183: score " in kg(copy, "show", "ofac-40182").output
    assert ", an analyst's judgement" in kg(copy, "show", "ofac-40182").output


def test_the_store_says_a_nodes_type_by_its_id(demo):
    from kgraph.graph.query import node_label
    from kgraph.graph.store import open_store

    with open_store(datadir=demo[0]) as store:
        assert [node_label(store.query, i) for i in ("ofac-40185", "ofac-40181", "tail-RA78765", "flightlog-dn-2026-02-02-1",
                                              "country-CU", "OFAC-40185", "nosuchthing")] == [
            "Airplane", "Organization", "Registration", "Flight", "Country", None, None]


def test_show_takes_what_lookup_finds_exactly_and_says_so(demo):
    root, _ = demo
    card = json.loads(kg(root, "show", "RA-78765", "--json").output)
    assert card["id"] == "ofac-40185" and card == {**json.loads(kg(root, "show", "ofac-40185", "--json").output),
                                                   "found_by": card["found_by"]}
    assert card["found_by"] == {
        "query": "RA-78765", "score": 1.0, "why": ["record ru_aircraft_db RA-78765", "identifier RA-78765"],
        "others": [{"id": "ofac-40181", "type": "Organization", "name": "JSC AVIACON ZITOTRANS"}]}
    out = kg(root, "show", "Авиакон Цитотранс").output
    assert out.startswith("'Авиакон Цитотранс' is not a node id; it matches name ")
    assert "JSC AVIACON ZITOTRANS (Organization, ofac-40181) SANCTIONED" in out
    assert "found_by" not in json.loads(kg(root, "show", "ofac-40181", "--json").output)  # an id is an id
    # no exact hit: refused, with the closest named, and nothing near: the plain error
    fuzzy = kg(root, "show", "Zitotrans")
    assert fuzzy.exit_code == 1 and fuzzy.output.strip() == (
        "Error: no node 'Zitotrans' in the graph, and no exact match for it; "
        "closest: ofac-40181 JSC AVIACON ZITOTRANS (0.83); give an id")
    assert kg(root, "show", "nosuchthing").output.strip() == (
        "Error: no node 'nosuchthing' in the graph; find ids with `kgraph lookup`")


def test_an_airport_card_has_its_flights_and_the_sanctioned_aircraft_seen_there(demo):
    root, _ = demo
    card = json.loads(kg(root, "show", "airport-MUSA", "--json").output)
    assert [(c["id"], c["relation"]) for c in card["countries"]] == [("country-CU", "airport")]
    (leg,) = card["flights"]
    assert (leg["id"], leg["aircraft"], leg["aircraft_sanctioned"], leg["to"]["id"], leg["arrivalDate"]) == (
        "flightlog-dn-2026-02-02-5", "ofac-40185", True, "airport-MUSA", "2026-02-01")
    assert card["flights_total"] == 1
    assert card["sanctioned_aircraft_here"] == [
        {"id": "ofac-40185", "caption": "RA-78765", "flights": 1, "last": "2026-02-01"}]
    assert card["sanctioned_aircraft_total"] == 1
    # every list of a card takes the one limit: none here, and the total says what there is
    capped = json.loads(kg(root, "show", "airport-MUSA", "--json", "-n", "0").output)
    assert (capped["flights"], capped["sanctioned_aircraft_here"], capped["sanctioned_aircraft_total"]) == ([], [], 1)
    assert json.loads(kg(root, "show", "airport-MUSA", "--json", "--flights", "0").output) == capped
    out = kg(root, "show", "airport-MUSA").output
    for fact in ("Countries", "Cuba (country-CU), airport", "Sanctioned aircraft flying to or from here (1)",
                 "RA-78765 (ofac-40185) sanctioned: 1 flight, last 2026-02-01", "Latest flights (1)",
                 "RA-78765 (sanctioned)"):
        assert fact in out, fact


def test_a_country_card_has_the_flights_at_its_airports_and_those_known_only_to_the_country(demo):
    root, _ = demo
    # Russia: Pulkovo -> Sochi and Sochi -> Algeria, both at its airports, the first counted once
    russia = kgraph.show("country-RU", datadir=root)
    assert sorted(f["id"] for f in russia["flights"]) == ["flightlog-dn-2026-02-02-1", "flightlog-dn-2026-02-02-2"]
    # Algeria: no airport in the demo; the legs into and out of it name the country only
    algeria = kgraph.show("country-DZ", datadir=root)
    assert sorted(f["id"] for f in algeria["flights"]) == ["flightlog-dn-2026-02-02-2", "flightlog-dn-2026-02-02-3"]
    assert [a["id"] for a in algeria["sanctioned_aircraft_here"]] == ["ofac-40185"]
    assert algeria["sanctioned_aircraft_here"][0]["flights"] == 2
    # the latest first, and how many there are in all when the card shows fewer
    latest = kgraph.show("country-RU", datadir=root, flights=1)
    assert [f["id"] for f in latest["flights"]] == ["flightlog-dn-2026-02-02-2"] and latest["flights_total"] == 2
    from io import StringIO

    from rich.console import Console

    from kgraph.card_render import render_card

    text = StringIO()
    render_card(latest, Console(file=text, width=200))
    assert "Latest flights (1 of 2)" in text.getvalue()
    # a node that is neither a place nor an aircraft's operator has no flight sections
    assert not {"flights", "flights_total", "sanctioned_aircraft_here"} & set(kgraph.show("id-tax-6658039390",
                                                                                         datadir=root))


def test_a_country_card_counts_what_is_located_there_and_names_the_sanctioned(demo):
    root, _ = demo
    card = kgraph.show("country-RU", datadir=root)
    # what is in the country is counted, not listed as links (90k airframes for Russia at full size)
    assert card["countries"] == [] and not [link for link in card["links"] if link["relationship"] == "LOCATED_IN"]
    here = card["located_here"]
    assert here["total"] == sum(t["count"] for t in here["by_type"]) == 9
    assert {t["type"]: (t["count"], t["sanctioned"]) for t in here["by_type"]}["Airplane"] == (1, 1)
    assert here["sanctioned_total"] == 2
    assert [(e["id"], e["role"]) for e in here["sanctioned"]] == [("ofac-40185", "registration"),
                                                                  ("ofac-40181", "country")]
    assert len(kgraph.show("country-RU", datadir=root, flights=1)["located_here"]["sanctioned"]) == 1
    out = kg(root, "show", "country-RU").output
    assert "Located here (9): Registration 4, Airport 2" in out and "Sanctioned and located here (2)" in out
    assert "JSC AVIACON ZITOTRANS (Organization, ofac-40181), country" in out
    # the operator's own card still names its country
    assert [(c["id"], c["relation"]) for c in kgraph.show("ofac-40181", datadir=root)["countries"]] == [
        ("country-RU", "country")]


def test_a_link_says_the_sources_own_word_for_it_when_that_says_more(demo):
    root, _ = demo
    from io import StringIO

    from rich.console import Console

    from kgraph.card_render import render_card

    card = kgraph.show("ofac-40181", datadir=root)
    linked = [link for link in card["links"] if link["relationship"] == "LINKED_TO"]
    assert linked and all(link["relation"] == "Linked To" for link in linked)  # OFAC's word: the type's own
    assert all(a["relation"] == "Linked To" for a in card["aircraft"])
    # a link to an entity (under Linked), and one to an aircraft of the fleet (under Aircraft)
    card["links"].append({**linked[0], "id": "ofac-1", "type": "Person", "caption": "A", "relation": "director"})
    card["aircraft"][0]["relation"] = "lessor"
    # a SAME_AS link is a pair the resolver left for review (a merged pair is one node): "possibly"
    card["links"].append({**linked[0], "relationship": "SAME_AS", "id": "ofac-2", "type": "Organization",
                          "caption": "B", "relation": None, "score": 0.78})
    text = StringIO()
    render_card(card, Console(file=text, width=200))
    assert "possibly same as B (Organization, ofac-2) score 0.78" in text.getvalue()
    lines = [line for line in text.getvalue().splitlines() if "linked to" in line]
    assert sum("linked to A (Person, ofac-1) (director)" in line for line in lines) == 1
    assert sum("linked to (lessor)" in line for line in lines) == 1
    assert not any("(Linked To)" in line for line in lines)


def test_a_scored_link_says_why_in_a_few_words(demo):
    from kgraph.card_render import _why

    root, _ = demo
    out = kg(root, "show", "ofac-40185").output
    assert ("operated by JSC AVIACON ZITOTRANS (Organization, ofac-40181) score 0.90 (from the list's link; operator code AZS) "
            "sanctioned") in out
    # the evidence kgraph.resolve.links gives, and a SAME_AS pair's from the scorer
    assert _why([{"feature": "operator_icao", "value": "PBD", "detail": "..."}]) == "operator code PBD"
    assert _why([{"feature": "operatorName", "value": "Pobeda", "detail": "..."}]) == "operator named Pobeda"
    assert _why([{"feature": "callsign", "value": ["PBD101", "PBD102", "PBD103", "PBD104"], "detail": "..."}]) == \
        "callsigns PBD101, PBD102, PBD103"
    assert _why([{"feature": "name", "value": "X", "detail": "best pair of names (0.865)"},
                 {"feature": "blocked", "value": None, "detail": "strong negative evidence"}]) == \
        "best pair of names (0.865); strong negative evidence"
    assert _why(None) == _why([]) == ""


@pytest.mark.parametrize("module", ["kgraph.card_render", "kgraph.ids", "kgraph.lookup_spelling", "kgraph.lookup_hints",
                                    "kgraph.lookup_keys"])
def test_the_documented_examples_of_cards_and_identifiers_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed


def test_a_names_scripts_are_named_as_unicode_names_them():
    from kgraph.card import scripts_of

    # Han characters were "Cjk", from the first word of their character names
    assert [scripts_of(n) for n in ("珠海振戎公司", "マハン航空", "Πούτιν", "პუტინი", "조선")] == [
        ["Han"], ["Han", "Katakana"], ["Greek"], ["Georgian"], ["Hangul"]]


def test_a_program_card_says_who_it_lists_and_a_flight_card_its_aircraft_and_ends(demo):
    root, _ = demo
    program = kgraph.show("program-us-ofac-russia-eo14024", datadir=root)
    assert program["listed"]["total"] == 5
    assert program["listed"]["by_type"] == [{"type": "Airplane", "count": 4}, {"type": "Organization", "count": 1}]
    assert sorted(e["id"] for e in program["listed"]["latest"]) == [f"ofac-{n}" for n in range(40181, 40186)]
    assert [(link["relationship"], link["id"], link["inbound"]) for link in program["links"]] == [
        ("ISSUED_BY", "authority-us_ofac_sdn", False)]
    assert len(kgraph.show("program-us-ofac-russia-eo14024", datadir=root, flights=2)["listed"]["latest"]) == 2
    out = kg(root, "show", "program-us-ofac-russia-eo14024").output
    for fact in ("Listed under it (5): Airplane 4, Organization 1", "Latest designations (5)",
                 "issued by OFAC Specially Designated Nationals"):
        assert fact in out, fact
    authority = kgraph.show("authority-us_ofac_sdn", datadir=root)
    assert ("ISSUED_BY", "program-us-ofac-russia-eo14024", True) in [
        (link["relationship"], link["id"], link["inbound"]) for link in authority["links"]]
    assert "issues RUSSIA-EO14024" in kg(root, "show", "authority-us_ofac_sdn").output

    flight = kgraph.show("flightlog-dn-2026-02-02-5", datadir=root)
    assert sorted((link["relationship"], link["id"], link["relation"]) for link in flight["links"]) == [
        ("ARRIVED_AT", "airport-MUSA", None), ("DEPARTED_FROM", "country-DO", None),
        ("PERFORMED", "ofac-40185", "matched by icao24")]
    out = kg(root, "show", "flightlog-dn-2026-02-02-5").output
    for fact in ("performed by RA-78765 (Airplane, ofac-40185) (matched by icao24) sanctioned",
                 "arrived at San Antonio de los Baños Airfield (Airport, airport-MUSA)",
                 "departed from Dominican Republic (Country, country-DO)"):
        assert fact in out, fact


def test_the_python_api_gives_what_the_cli_prints(demo):
    root, _ = demo
    cli_hits = json.loads(kg(root, "lookup", "1533ad", "--json").output)
    assert kgraph.lookup("1533ad", datadir=root) == cli_hits
    assert kgraph.show("ofac-40185", datadir=root) == json.loads(kg(root, "show", "ofac-40185", "--json").output)


def test_stats_sources_and_build(demo):
    root, _ = demo
    stats = json.loads(kg(root, "stats", "--json").output)
    assert stats["counts"]["nodes"]["Flight"] == 5 and stats["counts"]["nodes"]["Airplane"] == 4
    table = kg(root, "stats").output
    assert "Record-loss audit per source" in table and "us_ofac_sdn" in table
    sources = json.loads(kg(root, "sources", "--json").output)
    assert {s["name"] for s in sources} >= {"ofac", "canada", "nsdc", "faa", "opensky", "airports", "flightlog"}
    rebuilt = kg(root, "build", "--json")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.output)["counts"] == stats["counts"]


def test_errors_are_one_line_without_a_traceback(tmp_path):
    empty = tmp_path / "empty"
    for args in (["lookup", "RA78765"], ["show", "ofac-40185"], ["stats"], ["build"],
                 ["ingest", "nosuchsource", "--from", str(tmp_path)]):
        result = kg(empty, *args)
        assert result.exit_code != 0, args
        lines = result.output.strip().splitlines()
        assert lines[-1].startswith("Error: ") or "Usage:" in result.output, (args, result.output)
        assert "Traceback" not in result.output, args


def test_damaged_records_name_their_file_and_the_ingest_that_mends_them(tmp_path):
    from kgraph.pipeline import demo_path
    from kgraph.records import current_snapshot

    root = tmp_path / "data"
    for source in ("airports", "flightlog"):
        assert kg(root, "ingest", source, "--from", str(demo_path(source)), "--no-check").exit_code == 0
    assert kg(root, "build").exit_code == 0
    dd = kgraph.DataDir(root)
    stored = dd.records_dir("flightlog") / f"{current_snapshot(dd, 'flightlog')}.jsonl.gz"
    stored.write_bytes(stored.read_bytes()[:40])  # a disk fault, or a copy of the data directory cut short
    built = kg(root, "build")
    assert built.exit_code == 1 and "Traceback" not in built.output
    assert built.output.strip().replace("\n", " ") == (
        f"Error: {stored}: after record 0: cannot be read (EOFError: Compressed file ended before the "
        "end-of-stream marker was reached); parse the source again: kgraph ingest flightlog --offline")
    mended = kg(root, "ingest", "flightlog", "--offline")
    assert mended.exit_code == 0, mended.output
    assert "1 warning(s)" in mended.output and "the previous snapshot being damaged" in mended.output
    assert kg(root, "build").exit_code == 0
    assert "MUSA" in kg(root, "show", "flightlog-dn-2026-02-02-5").output  # the flight, back in the graph


def test_a_judgement_cut_short_is_said_by_the_build_and_the_update(tmp_path):
    from kgraph.pipeline import demo_path

    root = tmp_path / "data"
    for source in ("airports", "flightlog"):
        assert kg(root, "ingest", source, "--from", str(demo_path(source)), "--no-check").exit_code == 0
    judgements = kgraph.DataDir(root).judgements_path
    judgements.write_text('{"a": "ofac-40181", "b": "ca-sema-1", "judgement": "same"}\n{"a": "ofac-1", "b": "ca')
    said = f"{judgements}: line 2 is cut short and was not read ('{{\"a\": \"ofac-1\", \"b\": \"ca'); delete it, " \
           "then judge that pair again"
    built = kg(root, "build")
    assert built.exit_code == 0 and built.stderr.strip() == f"warning: {said}"
    assert json.loads(kg(root, "build", "--json").output)["warnings"] == [said]
    updated = kg(root, "update", "--offline", "--json")
    assert updated.exit_code == 0 and said in json.loads(updated.output)["warnings"]
    shown = kg(root, "update", "--offline", env={"COLUMNS": "400"})
    assert f"build warning: {said}" in shown.output


@pytest.mark.parametrize("damaged, command, reason", [
    ("lookup.sqlite", ["lookup", "RA78765"], "cannot be read (DatabaseError: database disk image is malformed)"),
    ("store.lbdb", ["show", "ofac-40181"], "cannot be read (RuntimeError: Runtime exception: "),
    ("build.json", ["stats"], "cannot be read (JSONDecodeError: "),
    ("resolution/resolution.json.gz", ["review"], "cannot be read (EOFError: "),
])
def test_a_damaged_graph_file_is_named_with_the_command_that_rewrites_it(tmp_path, damaged, command, reason):
    root = tmp_path / "data"
    assert kg(root, "demo").exit_code == 0
    path = kgraph.DataDir(root).require_graph() / damaged
    path.write_bytes(path.read_bytes()[: min(20_000, path.stat().st_size // 2)])  # cut short
    result = kg(root, *command)
    assert result.exit_code == 1 and "Traceback" not in result.output
    message = result.output.strip().replace("\n", " ")
    assert message.startswith(f"Error: {path}: {reason}"), message
    assert message.endswith("; rebuild the graph: kgraph build")
    assert kg(root, "build").exit_code == 0
    assert kg(root, *command).exit_code == 0


def test_a_full_disk_is_said_in_one_line_and_leaves_nothing_half_written(tmp_path):
    # a real full file system: a 3 MB tmpfs, mounted in a mount namespace of this user's own (no root needed),
    # holds the demo's records but not its graph store
    import shutil
    import subprocess
    import sys

    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    mnt, data = tmp_path / "mnt", tmp_path / "mnt" / "data"
    mnt.mkdir()
    kgraph_cmd = f"{sys.executable} -c 'from kgraph.cli import main; main()'"
    script = (f"mount -t tmpfs -o size=3M tmpfs {mnt} || exit 99\n"
              f"{kgraph_cmd} --data-dir {data} demo; echo \"rc=$?\"\n"
              f"ls -A {data / 'graph'}; {kgraph_cmd} --data-dir {data} stats\n")
    run = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    if run.returncode == 99 or "unshare:" in run.stderr:
        pytest.skip(f"no mount namespace here: {run.stderr.strip()[:200]}")
    assert run.stderr.splitlines()[0] == (f"Error: no space left on the device of {data}: free some space and run the "
                                          "command again (nothing is left half-written)"), run.stderr
    assert "rc=1" in run.stdout and "Traceback" not in run.stderr
    # the records were stored whole, and the failed build left nothing in graph/
    assert run.stdout.split("rc=1\n", 1)[1] == ""
    assert "no graph built" in run.stderr.splitlines()[-1]


def test_flights_are_left_out_of_the_index_and_found_in_the_store(demo):
    """A million flights were a third of the index's build time: the store answers for them instead."""
    import sqlite3

    root, _ = demo
    con = sqlite3.connect(kgraph.DataDir(root).require_graph() / "lookup.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM node WHERE type = 'Flight'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM key WHERE id LIKE 'flightlog-%'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM node WHERE type = 'Airplane'").fetchone()[0] > 0
    finally:
        con.close()
    hits = kgraph.lookup("dn-2026-02-02-5", datadir=root)
    assert len(hits) == 1  # an exact hit for one word: no name candidates below it, as from the index
    hit = hits[0]
    assert hit["type"] == "Flight" and hit["sources"] == [{"source": "flightlog", "record": "dn-2026-02-02-5"}]
    assert hit["summary"] == "analyst-log; Defense News, 2026-02-02" and hit["name"].startswith("RA-78765 ")
    assert kgraph.lookup("dn-2026-02-02-5", datadir=root, types=["Airplane"]) == []
    upper = kgraph.lookup("DN-2026-02-02-5", datadir=root)[0]  # a record in another case: the last, wider scan
    assert (upper["id"], upper["why"]) == (hit["id"], ["record flightlog dn-2026-02-02-5"])
    # a part of a record is not a hit, nor is text of another field (the citation's date)
    assert kgraph.lookup("dn-2026-02-02", datadir=root, types=["Flight"]) == []
    assert kgraph.lookup("2026-02-02", datadir=root, types=["Flight"]) == []
    missing = kg(root, "lookup", "no-such-leg-7")
    assert missing.exit_code == 0 and "No match" in missing.output
    # the store is asked with a regular expression of the records: what a query holds is text, never a
    # pattern, and none of these is a flight's record (nor an error)
    for pattern in (".*", "dn-2026-02-02-.", "dn-2026-02-02-[1-5]", "(", "\\", "dn.2026.02.02.5"):
        assert kgraph.lookup(pattern, datadir=root, types=["Flight"]) == [], pattern
    # many queries at once, as kgraph screen asks them, in batches of STORE_BATCH: each finds its own flight
    from kgraph import lookup_store

    asked = [f"dn-2026-02-02-{i}" for i in (1, 2, 3, 4, 5)] + [f"no-such-leg-{i}" for i in range(600)]
    found = lookup_store.store_only_hits(kgraph.DataDir(root).require_graph(), asked, None)
    assert [found[q][0]["id"] for q in asked[:5]] == [f"flightlog-dn-2026-02-02-{i}" for i in (1, 2, 3, 4, 5)]
    assert not any(found[q] for q in asked[5:])
    # the end of a flight's id that is not its record is no hit
    assert kgraph.lookup("2026-02-02-5", datadir=root, types=["Flight"]) == []


def test_a_flight_is_found_by_the_id_its_record_makes_before_its_sources_are_scanned(tmp_path, monkeypatch):
    import json as _json

    from kgraph import lookup_store
    from kgraph.graph import write_build
    from kgraph.graph.store import Store
    from kgraph.graph.tables import GraphTables

    t = GraphTables.empty()

    def flight(fid: str, source: str, record: str) -> None:
        sources = _json.dumps([{"source": source, "record": record, "snapshot": "2026-02-01"}], separators=(",", ":"))
        t.add_node("Flight", {"id": fid, "name": [fid], "sources": sources, "method": "adsb-trace"})

    flight("flightlog-leg-15", "flightlog", "leg-15")
    flight("opensky-flight-1533ad-1769904000", "opensky_flights", "1533ad/1769904000")
    flight("adsb-1533ad-20260201T000000Z", "adsb_traces", "1533ad/1769904001")  # an id its record does not end
    write_build(t, tmp_path)
    asked = []
    real = Store.query

    def spy(self, cypher, params=None, **kw):
        asked.append(cypher)
        return real(self, cypher, params, **kw)

    monkeypatch.setattr(Store, "query", spy)
    queries = ["leg-15", "1533ad/1769904000", "1533ad/1769904001"]
    found = lookup_store.store_only_hits(tmp_path, queries, None)
    assert [(found[q][0]["id"], found[q][0]["why"]) for q in queries] == [
        ("flightlog-leg-15", ["record flightlog leg-15"]),
        ("opensky-flight-1533ad-1769904000", ["record opensky_flights 1533ad/1769904000"]),
        ("adsb-1533ad-20260201T000000Z", ["record adsb_traces 1533ad/1769904001"])]
    asked.clear()
    lookup_store.store_only_hits(tmp_path, ["leg-15", "1533ad/1769904000"], None)
    assert not any("n.sources" in c.split("RETURN")[0] for c in asked), asked  # no scan of the sources


@pytest.fixture(scope="module")
def family_graph(tmp_path_factory):
    """OFAC's CSV fixture of Sberbank (three websites, an address), POUYA AIR and a man with addresses at
    iCloud and Yandex."""
    from pathlib import Path

    root = tmp_path_factory.mktemp("family") / "data"
    fixture = Path(__file__).parent / "fixtures" / "ofac" / "family"
    assert kg(root, "ingest", "ofac", "--from", str(fixture), "--no-check").exit_code == 0
    assert kg(root, "build").exit_code == 0
    return root


@pytest.mark.parametrize("query, expected, why", [
    ("sberbank.com", "ofac-17018", "website www.sberbank.com"),             # a domain: whose website it is
    ("https://WWW.SBERBANK-CIB.COM/en/", "ofac-17018", "website www.sberbank-cib.com"),
    ("sberbank.ru", "ofac-17018", "website www.sberbank.ru"),               # ... and whose mail it is
    ("sberbank@sberbank.ru", "ofac-17018", "identifier sberbank@sberbank.ru"),  # an address: exactly
    ("khoroshev1@icloud.com", "ofac-48603", "identifier khoroshev1@icloud.com"),
    ("SWIFT/BIC SABRRUMM", "ofac-17018", "identifier SABRRUMM"),             # a code after its label
])
def test_lookup_finds_who_uses_a_website_a_domain_or_an_address(family_graph, query, expected, why):
    hits = json.loads(kg(family_graph, "lookup", query, "--json").output)
    assert hits and (hits[0]["id"], hits[0]["score"], hits[0]["why"][0]) == (expected, 1.0, why), hits[:1]


def test_a_domain_anyone_has_mail_at_finds_nobody_by_it(family_graph):
    for query in ("icloud.com", "yandex.ru"):
        hits = json.loads(kg(family_graph, "lookup", query, "--json").output or "[]")
        assert not [h for h in hits if h["score"] == 1.0], (query, hits)


def test_a_title_before_a_persons_name_costs_nothing_and_a_date_of_birth_is_weighed(family_graph):
    def first(query):
        hit = json.loads(kg(family_graph, "lookup", query, "--json").output)[0]
        return hit["id"], hit["score"], hit["why"][0]

    plain = first("Khoroshev")
    assert plain[0] == "ofac-48603"
    # "Mr" was a word the listed name lacks: 0.53 for a surname alone worth 0.77
    assert first("Mr. Khoroshev") == first("Mr Khoroshev") == plain
    for query in ("Khoroshev 17.04.1993", "Khoroshev DOB 17 Apr 1993", "Khoroshev 1993", "Khoroshev 04/17/1993"):
        nid, score, why = first(query)
        assert (nid, why) == ("ofac-48603", "name 'KHOROSHEV, Dmitry Yuryevich', born 1993-04-17, as the query says")
        assert score > plain[1]
    nid, score, why = first("Khoroshev 1971")
    assert (nid, why) == ("ofac-48603", "name 'KHOROSHEV, Dmitry Yuryevich', born 1993-04-17, not 1971")
    assert score < plain[1]


def test_screen_weighs_a_column_of_dates_of_birth(family_graph, tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text("Name;Date of birth\nKhoroshev;17.04.1993\nKhoroshev;1971\nKhoroshev;unknown\nKhoroshev;\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data-dir", str(family_graph), "screen", str(sheet), "--column", "Name",
                                      "--born-column", "Date of birth", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [e["query"] for e in found] == ["Khoroshev DOB 17.04.1993", "Khoroshev DOB 1971", "Khoroshev", "Khoroshev"]
    scores = [e["hits"][0]["score"] for e in found]
    assert scores[0] > scores[2] == scores[3] > scores[1]
    assert found[1]["hits"][0]["why"] == ["name 'KHOROSHEV, Dmitry Yuryevich', born 1993-04-17, not 1971"]
    assert found[2]["note"] == "date of birth 'unknown' not read as a date: screened by the name alone"
    assert f"{sheet}: row 3: date of birth 'unknown' not read as a date" in result.stderr
    result = kg(family_graph, "screen", str(sheet), "--born-column", "2")
    assert result.exit_code != 0 and "needs the column of names (--column)" in result.output
    result = kg(family_graph, "screen", str(sheet), "--column", "Name", "--born-column", "Birthday")
    assert result.exit_code == 1 and result.output.strip().splitlines()[-1] == (
        f"Error: {sheet}: no column 'Birthday' (the header has: Name, Date of birth)")


def test_an_operator_with_its_aircrafts_model_beside_it_is_read_without_the_model(demo):
    root, _ = demo
    # the model was a word the operator's name lacks: 0.48
    hit = json.loads(kg(root, "lookup", "Aviacon Il-76", "--json").output)[0]
    assert (hit["id"], hit["score"]) == ("ofac-40181", 0.95)
    assert hit["why"] == ["name 'AVIACON AIR CARGO', reading Il-76 as an aircraft model"]
    assert kg(root, "lookup", "Aviacon Il-76").output.splitlines()[-1] == (
        "ofac-40181's aircraft: kgraph show ofac-40181; every Il-76: kgraph query aircraft-of-model --param family=Il-76")
