"""The analyst's flight log (ingest/flightlog.py)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest import flightlog
from kgraph.errors import SourceFormatError
from kgraph.model import Edge, Node, ParseReport, validate
from tests.mutations import damaged
from tests.test_flights import with_flight_edges

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flights"
LOG = FIXTURES / "flightlog.csv"
BAD = FIXTURES / "flightlog_bad.csv"
HEADER = ",".join(flightlog.COLUMNS)


def _parse(path, **kw):
    report = ParseReport(source="flightlog", path=str(path))
    recs = with_flight_edges(flightlog.parse(path, report=report, **kw))
    return recs, report


def _flights(recs):
    return {r.id: r for r in recs if isinstance(r, Node)}


def _edges(recs, kind):
    return {(e.start, e.end) for e in recs if isinstance(e, Edge) and e.type == kind}


def test_reported_trip_country_level_ends_stay_countries():
    recs, report = _parse(LOG, snapshot="2026-02-03")
    flights = _flights(recs)
    assert (report.read, report.kept, report.rejected) == (5, 5, 0)
    assert len(flights) == 5 and all(validate(r) == [] for r in recs)
    assert all(r.prov.source == "flightlog" and r.prov.snapshot == "2026-02-03" for r in recs)
    dep, arr = _edges(recs, "DEPARTED_FROM"), _edges(recs, "ARRIVED_AT")
    assert ("flightlog-dn-1", "airport-ULLI") in dep and ("flightlog-dn-1", "airport-URSS") in arr
    # "Algeria", "Mauritania", "Dominican Republic": countries, never an invented airport
    assert ("flightlog-dn-2", "country-DZ") in arr
    assert ("flightlog-dn-3", "country-DZ") in dep and ("flightlog-dn-3", "country-MR") in arr
    assert ("flightlog-dn-4", "country-DO") in arr
    last = next(f for f in flights.values() if f.first("arrivalCode") == "MUSA")
    assert (last.id, "airport-MUSA") in arr and (last.id, "country-DO") in dep
    assert last.first("arrivalCountry") == "CU" and last.first("arrivalDate") == "2026-02-01"
    assert "arrivalDateLatest" not in last.props
    assert last.first("notes").startswith("Landed at San Antonio de los Baños")


def test_dates_are_kept_as_precise_as_given():
    flights = _flights(_parse(LOG)[0])
    first = flights["flightlog-dn-1"]
    assert first.first("departureDate") == "2026-01-20" and first.first("departureDateLatest") == "2026-01-31"
    assert first.first("name") == "RA-78765 ULLI -> URSS, 2026-01-20/31"
    assert first.first("citation") == "Defense News, 2026-02-02" and first.first("method") == "analyst-log"
    month = _flights(_parse(BAD)[0])["flightlog-ok-1"]
    assert month.first("departureDate") == "2026-01" and "departureDateLatest" not in month.props
    assert month.first("sourceUrl") == "https://example.org/report"


def test_aircraft_by_hex_else_by_tail():
    recs, _ = _parse(LOG)
    performed = {e.end: (e.start, e.first("matchedBy")) for e in recs if isinstance(e, Edge) and e.type == "PERFORMED"}
    assert performed["flightlog-dn-1"] == ("icao24-1533ad", "icao24")
    assert performed["flightlog-dn-3"] == ("tail-RA78765", "tail")  # that row has no hex
    assert len(performed) == 5


def test_ids_from_leg_id_or_a_hash_of_the_row():
    ids = set(_flights(_parse(LOG)[0]))
    assert {"flightlog-dn-1", "flightlog-dn-2", "flightlog-dn-3", "flightlog-dn-4"} <= ids
    hashed = (ids - {"flightlog-dn-1", "flightlog-dn-2", "flightlog-dn-3", "flightlog-dn-4"}).pop()
    assert hashed.startswith("flightlog-") and len(hashed) == len("flightlog-") + 20
    assert hashed in _flights(_parse(LOG)[0])  # stable across parses


def test_columns_in_another_order_give_the_same_legs(tmp_path):
    rows = list(csv.reader(io.StringIO(LOG.read_text(encoding="utf-8"))))
    order = list(reversed(range(len(rows[0]))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in rows:
        w.writerow([row[i] for i in order])
    (tmp_path / "reordered.csv").write_text(out.getvalue(), encoding="utf-8")
    a = {r.id: r.props for r in _parse(LOG)[0] if isinstance(r, Node)}
    b = {r.id: r.props for r in _parse(tmp_path / "reordered.csv")[0] if isinstance(r, Node)}
    assert a == b


def test_bad_rows_are_rejected_with_reasons_and_counted():
    recs, report = _parse(BAD)
    assert set(_flights(recs)) == {"flightlog-ok-1"}
    assert (report.read, report.kept, report.rejected) == (9, 1, 8)
    text = "\n".join(report.warnings)
    for reason in ("neither tail nor icao24", "'late January' is not YYYY-MM-DD", "ends before the departure",
                   "'Atlantis' is not a country", "'xyz123' is not a 24-bit hex address", "duplicate leg ok-1",
                   "expected 14 fields, found 15", "'U L L I' is not an airport code"):
        assert reason in text, reason
    assert report.unknown_fields == {"analyst": 8}  # the 15-field row is not mapped at all


def test_a_stray_quote_swallowing_rows_is_rejected_and_a_note_may_span_lines(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + '\n'
                    'n-1,2026-01-20,,RA-78765,,,ULLI,,URSS,,press,,"two lines\nof notes"\n'
                    'q-1,2026-01-21,,RA-78765,,,URSS,,,DZ,"press,,\n'     # the quote is never closed on its line
                    'q-2,2026-01-22,,RA-78765,,,,DZ,,MR,press",,\n'
                    'ok-1,2026-01-23,,RA-78765,,,,MR,,DO,press,,\n', encoding="utf-8")
    recs, report = _parse(path)
    flights = _flights(recs)
    assert set(flights) == {"flightlog-n-1", "flightlog-ok-1"}
    assert flights["flightlog-n-1"].get("notes") == ["two lines\nof notes"]
    assert (report.read, report.kept, report.rejected) == (3, 2, 1)
    assert "field source spans several lines (unbalanced quote?) file='log.csv' line=4" in report.warnings[0]


def test_dates_rejected_name_their_column_each_time(tmp_path):
    """The date checks are cached by text: a rejection still names the column it came from."""
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "\n"
                    "a,2026-02/2026-01,,RA-78765,,,ULLI,,,,press,,\n"
                    "b,2026-01-20,2026-02/2026-01,RA-78765,,,ULLI,,,,press,,\n"
                    "c,2026-01-20,late Jan,RA-78765,,,ULLI,,,,press,,\n"
                    "d,late Jan,,RA-78765,,,ULLI,,,,press,,\n", encoding="utf-8")
    _, report = _parse(path)
    text = "\n".join(report.warnings)
    assert report.rejected == 4
    for reason in ("departure_date '2026-02/2026-01': the interval ends before it begins",
                   "arrival_date '2026-02/2026-01': the interval ends before it begins",
                   "arrival_date 'late Jan' is not YYYY-MM-DD", "departure_date 'late Jan' is not YYYY-MM-DD"):
        assert reason in text, reason


def test_folder_of_logs(tmp_path):
    (tmp_path / "a.csv").write_bytes(LOG.read_bytes())
    (tmp_path / "b.csv").write_text(HEADER + "\nx-1,2026-02-01,,RA-78765,,,MUSA,,,,note,,\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a log")
    recs, report = _parse(tmp_path)
    assert report.read == 6 and len(_flights(recs)) == 6
    with pytest.raises(SourceFormatError, match="no flight log"):
        _parse(_empty_dir(tmp_path))


def _empty_dir(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    return d


def test_the_demo_log_parses():
    demo = Path(flightlog.__file__).resolve().parent.parent / "kgraph" / "demo" / "data" / "flightlog"
    if not demo.is_dir():
        pytest.skip("demo sample not present")
    recs, report = _parse(demo)
    assert report.read == report.kept > 0 and all(validate(r) == [] for r in recs)


@pytest.mark.parametrize("content, message", [
    ("leg_id,tail,icao24\nx,RA-78765,\n", "missing column(s) departure_date"),
    ("<!DOCTYPE html><html><body>Sign in</body></html>\n", "HTML page"),
    ("", "empty file"),
    (HEADER + ",tail\n", "duplicate column(s) tail"),
    (HEADER + '\nx,2026-01-01,,RA-78765,,,"ULLI"x,,,,s,,\n', "line 2: broken CSV"),
])
def test_malformed_files_raise_one_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "log.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceFormatError) as e:
        _parse(path)
    assert str(e.value).startswith("log.csv: ") and message in str(e.value)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes((HEADER + "\nx,2026-01-01,,RA-78765,,,ULLI,,,,Ba\xf1os,,\n").encode("latin-1"))
    with pytest.raises(SourceFormatError, match=r"log.csv: line 2: not UTF-8"):
        _parse(path)


def test_bom_and_crlf_are_fine(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"\xef\xbb\xbf" + LOG.read_bytes().replace(b"\n", b"\r\n"))
    recs, report = _parse(path)
    assert report.kept == 5 and set(_flights(recs)) == set(_flights(_parse(LOG)[0]))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=damaged(LOG.read_bytes() + BAD.read_bytes().split(b"\n", 1)[1].replace(b",ab", b"")))
def test_damaged_logs_give_records_or_one_clear_error(tmp_path, damage):
    kind, data = damage
    path = tmp_path / "damaged.csv"
    path.write_bytes(data)
    try:
        recs, report = _parse(path)
    except SourceFormatError as e:
        assert str(e).startswith("damaged.csv")
        return
    flights = [r for r in recs if isinstance(r, Node)]
    assert report.balanced and len(flights) == report.kept
    assert all(validate(r) == [] for r in recs)
    rows = 14  # data rows of the undamaged text
    if kind in ("bom", "cp1251", "utf16"):
        assert report.read == rows  # nothing may go missing when only the encoding changed
    elif kind == "flip":
        assert report.read >= rows - 8  # a flipped newline merges two rows into one rejected row at most
    elif kind == "shuffle":
        assert report.read == rows
