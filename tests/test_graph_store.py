"""The embedded LadybugDB store: DDL from the schema, COPY loading of hostile values, publishing, crashes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kgraph.datadir import DataDir
from kgraph.errors import NoGraph
from kgraph.graph import build_graph, build_tables, open_store, write_build
from kgraph.graph.store import ddl
from kgraph.graph.tables import GraphTables, RowReaders, clean_text
from kgraph.model import Edge, Node, Provenance
from kgraph.schema import schema
from tests.test_graph_records import aviacon

REPO = Path(__file__).resolve().parent.parent

HOSTILE = [
    "'; MATCH (n) DETACH DELETE n //",
    'He said "hi", then left',
    "back\\slash and \\n not a newline",
    "two\nlines",
    "windows\r\nline end",
    "[brackets], {braces}, (parens)",
    "АО «Авиакон Цитотранс»",
    "tab\there",
    "unit\x1fseparator\x1e and\x02 stx",
    "  , leading comma",
    "NULL",
    "'single quoted'",
    "emoji ✈️ and 中文",
]


def test_ddl_has_a_table_per_schema_type_with_every_endpoint_pair():
    stmts = ddl()
    s = schema()
    assert len(stmts) == len(s.nodes) + len(s.rels)
    located = next(x for x in stmts if x.startswith("CREATE REL TABLE LOCATED_IN("))
    for a, b in s.rel("LOCATED_IN").between:
        assert f"FROM {a} TO {b}" in located
    org = next(x for x in stmts if x.startswith("CREATE NODE TABLE Organization("))
    assert "`names` STRING[]" in org and "`sanctioned` BOOLEAN" in org and "PRIMARY KEY(`id`)" in org
    airport = next(x for x in stmts if x.startswith("CREATE NODE TABLE Airport("))
    assert "`latitude` DOUBLE" in airport and "`ident` STRING," in airport


def test_csv_files_written_in_chunks_hold_every_row_once_in_order(tmp_path, monkeypatch):
    from kgraph.graph import store

    monkeypatch.setattr(store, "_CHUNK", 2)  # chunk ends fall between and beside the multi-line rows
    rows = [["a1", "x"], ["a2", "two\nlines"], ["a3", "y"], ["a4", None], ["a5", "z\nw"], ["a6", "v"]]
    plain, multi = tmp_path / "t.csv", tmp_path / "t.multiline.csv"
    assert store._write_csv(rows, [(0, "string"), (1, "string")], plain, multi) == (4, 2)
    assert plain.read_bytes() == b"a1\x1fx\na3\x1fy\na4\x1f\na6\x1fv\n"
    assert multi.read_bytes() == b"\x02a2\x02\x1f\x02two\nlines\x02\n\x02a5\x02\x1f\x02z\nw\x02\n"
    assert store._write_csv([], [(0, "string")], plain, multi) == (0, 0)
    assert plain.read_bytes() == b"" and multi.read_bytes() == b""


def test_hostile_values_survive_the_copy_loader(tmp_path):
    p = Provenance("us_ofac_sdn", 'rec "1", x\ny', "2026-02-02")
    weird_id = "ofac-'quote\",comma"
    nodes = [Node(weird_id, "Organization", {"name": HOSTILE, "notes": [HOSTILE[3]], "legalForm": [HOSTILE[0]]}, p),
             Node("ofac-2", "Organization", {"name": ["Plain"]}, Provenance("us_ofac_sdn", "2", "2026-02-02")),
             Node("airport-X", "Airport", {"ident": ["X"], "latitude": ["-12.5"], "elevationFt": ["n/a"]},
                  Provenance("ourairports", "X"))]
    nodes.append(Node("ofac-3\x1f\n", "Organization", {"name": ["control characters in the id"]}, p))
    edges = [Edge("LINKED_TO", weird_id, "ofac-2", {"relation": [HOSTILE[4]]}, p),
             Edge("LINKED_TO", "ofac-3\x1f\n", "ofac-2", {}, p)]
    tables = build_tables(nodes, edges)
    write_build(tables, tmp_path)
    expected = [clean_text(v) for v in nodes[0].props["name"]]  # as the record holds them (stripped)
    with open_store(tmp_path) as s:
        cols, rows = s.query("MATCH (o:Organization {id: $id}) RETURN o.name AS name, o.notes AS notes, "
                             "o.legalForm AS form, o.caption AS caption, o.sources AS sources", {"id": weird_id})
        assert cols == ["name", "notes", "form", "caption", "sources"]
        (name, notes, form, caption, sources), = rows
        assert name == expected
        assert notes == ["two\nlines"] and form == HOSTILE[0] and caption == HOSTILE[0]
        assert '"record":"rec \\"1\\", x\\ny"' in sources
        _, rows = s.query("MATCH (a)-[r:LINKED_TO]->(b) RETURN a.id, r.relation, r.record, b.id ORDER BY a.id")
        assert rows == [[weird_id, "windows\nline end", 'rec "1", x\ny', "ofac-2"],
                        ["ofac-3\n", None, 'rec "1", x\ny', "ofac-2"]]
        _, rows = s.query("MATCH (a:Airport) RETURN a.latitude, a.elevationFt, a.sanctioned, a.name")
        assert rows == [[-12.5, None, False, None]]
        # a parameter is data, never Cypher
        _, rows = s.query("MATCH (o:Organization) WHERE $v IN o.name RETURN count(*)", {"v": HOSTILE[0]})
        assert rows == [[1]]
        _, rows = s.query("MATCH (n) RETURN count(*)")
        assert rows == [[4]]
    assert expected[8] == "unitseparator and stx" and expected[9] == ", leading comma"


def test_store_counts_match_the_tables_and_reopen_is_read_only(tmp_path):
    nodes, edges, res = aviacon()
    tables = build_tables(nodes, edges, res)
    info = write_build(tables, tmp_path)
    assert (tmp_path / "store.lbdb").is_file() and not (tmp_path / ".load").exists()
    with open_store(tmp_path) as s:
        assert s.counts() == {"nodes": tables.counts()["nodes"], "edges": tables.counts()["edges"]}
        assert s.build_info()["counts"] == info["counts"]
        with pytest.raises(RuntimeError):
            s.query("CREATE (:Country {id: 'country-XX'})")
    with open_store(tmp_path) as s:
        assert s.query("MATCH (c:Country {id: 'country-XX'}) RETURN count(*)")[1] == [[0]]


def test_rows_are_freed_only_when_every_reader_of_the_build_is_done(tmp_path):
    """A build's readers (the store and the index) share the tables; each table goes when the last is done."""
    from kgraph.changelog import write_facts
    from kgraph.lookup_write import index_rows, write_index

    nodes, edges, res = aviacon()
    tables = build_tables(nodes, edges, res)
    counts = tables.counts()
    lookup_rows = [dict(r) for r in index_rows(build_tables(*aviacon()))]
    readers = RowReaders(tables, ("store", "facts", "index"))
    info = write_build(tables, tmp_path, readers=readers)
    assert info["counts"] == counts and tables.counts() == counts  # the others still read them
    write_facts(tables, tmp_path)
    readers.done("facts", *tables.nodes.values(), *tables.rels.values())
    rows = index_rows(tables, res, readers=readers)
    first = next(rows)
    # the index is done with the relationships once it has the programs: no one else needs them now
    assert all(not t.rows for t in tables.rels.values())
    assert tables.nodes["Airplane"].rows and tables.nodes["Flight"].rows
    rest = list(rows)
    assert all(not t.rows for t in tables.nodes.values())
    # what the index read was whole: the same rows as from tables no one frees
    assert [first["id"], *(r["id"] for r in rest)] == [r["id"] for r in lookup_rows]
    write_index([first, *rest], tmp_path)
    with open_store(tmp_path) as s:
        assert s.counts() == counts
    with pytest.raises(RuntimeError, match="store is not reading"):
        readers.done("store", tables.nodes["Country"])  # twice: it could free rows another still reads


def test_the_index_reads_only_the_tables_it_says_it_reads():
    """A build frees a table the index never reads once the store has it: the index must not read it."""
    from kgraph.lookup_write import index_read, index_rows

    whole = [dict(r) for r in index_rows(build_tables(*aviacon()))]
    tables = build_tables(*aviacon())
    readers = RowReaders(tables, {"store": None, "index": index_read})
    unread = [t for t in tables.rels.values() if not index_read(t.key)]
    assert unread and all(t.rows for t in unread)
    assert {t.key[0] for t in tables.rels.values() if index_read(t.key)} == {"ISSUED_BY", "SANCTIONED_UNDER"}
    readers.done("store", *tables.nodes.values(), *tables.rels.values())
    assert not any(t.rows for t in unread) and tables.nodes["Airplane"].rows
    assert [dict(r) for r in index_rows(tables, readers=readers)] == whole
    assert not any(t.rows for t in (*tables.nodes.values(), *tables.rels.values()))
    with pytest.raises(RuntimeError, match="index is not reading"):
        readers.done("index", tables.nodes["Country"])  # twice
    readers.done("index", *unread)  # passes over the tables it never read


def test_paths_come_back_as_their_nodes_and_relationships(tmp_path):
    nodes, edges, res = aviacon()
    write_build(build_tables(nodes, edges, res), tmp_path)
    with open_store(tmp_path) as s:
        _, rows = s.query("MATCH p = (n:Organization)-[:SANCTIONED_UNDER]->(x:Program) "
                          "RETURN p, n.id, x.id ORDER BY x.id LIMIT 1")
    path, start, end = rows[0]
    assert [n["id"] for n in path["nodes"]] == [start, end]
    assert [r["type"] for r in path["relationships"]] == ["SANCTIONED_UNDER"]
    assert path["relationships"][0]["source"] in ("us_ofac_sdn", "ca_sema")


def test_a_data_directory_copied_without_its_links_is_refused_in_one_line(tmp_path):
    import shutil

    from kgraph.errors import KgraphError

    dd = DataDir(tmp_path / "data")
    first = dd.publish_build(dd.new_build_dir())
    copy = DataDir(shutil.copytree(dd.root, tmp_path / "copy"))  # follows graph/current: now a folder
    assert not (copy.graphs / "current").is_symlink()
    with pytest.raises(KgraphError, match="copied without its links"):
        copy.publish_build(copy.new_build_dir())
    assert (copy.graphs / "current").is_dir() and (dd.graphs / "current").resolve() == first


def test_open_store_without_a_graph_says_so(tmp_path):
    with pytest.raises(NoGraph):
        open_store(datadir=DataDir(tmp_path / "empty"))


def test_an_empty_graph_builds(tmp_path):
    write_build(GraphTables.empty(), tmp_path)
    with open_store(tmp_path) as s:
        assert s.counts()["edges"] == {}


CHILD = textwrap.dedent("""
    import sys
    from kgraph.datadir import DataDir
    from kgraph.graph import build_tables, write_build
    from kgraph.model import Node, Provenance
    dd = DataDir(sys.argv[1])
    nodes = [Node(f"ofac-{i}", "Organization", {"name": [f"Company {i}", f"Компания {i}"], "country": ["RU"]},
                  Provenance("us_ofac_sdn", str(i))) for i in range(150000)]
    tables = build_tables(nodes, [])
    staging = dd.new_build_dir()
    print(staging, flush=True)
    write_build(tables, staging)
    dd.publish_build(staging)
    print("published", flush=True)
""")


def test_a_build_killed_midway_leaves_the_previous_graph_usable(tmp_path):
    dd = DataDir(tmp_path / "data")
    nodes, edges, res = aviacon()
    first = build_graph(dd, nodes, edges, res)
    assert dd.current_graph() == first
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(dd.root)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        staging = Path(child.stdout.readline().strip())
        assert staging.parent == dd.graphs
        deadline = time.monotonic() + 120
        while not (staging / "store.lbdb").exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert child.poll() is None, "the build finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert dd.current_graph() == first
    with open_store(datadir=dd) as s:
        assert s.query("MATCH (o:Organization {id: 'ofac-40181'}) RETURN o.caption")[1] == [["AVIACON ZITOTRANS"]]
    assert staging.exists()
    assert dd.cleanup_staging() >= 1 and not staging.exists()
    with open_store(datadir=dd) as s:
        assert s.counts()["nodes"]["Organization"] == 3
