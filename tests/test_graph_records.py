"""Hand-written records for the graph tests: the Aviacon Zitotrans case, plus two fictional entities.

The real facts are the reference case's (names, OFAC uids 40181/40185,
program RUSSIA-EO14024, Canada's listing of 2023-05-18, RA-78765 / 1533AD /
MSN 83486590, the route ULLI -> URSS -> Algeria -> Mauritania -> Dominican
Republic -> MUSA landing on 2026-02-01). Other dates (OFAC listing day, the
flight days before the landing, the registry date) are illustrative, and the
"Example ..." organisations, their tail EX-76001 and the phone number are
invented so that every library query has something to find.

The other graph tests import :func:`aviacon` from here.
"""
from __future__ import annotations

from types import SimpleNamespace

from kgraph.model import Edge, Node, Provenance, validate

OFAC = "program-us-ofac-russia-eo14024"
CANADA = "program-ca-sema-russia-schedule-1-part-2"
NSDC = "program-ua-nsdc-sanctions"
CA_RECORD = "ca-sema-eddeda8f89db741a4d9b"


def _p(source: str, record: str, snapshot: str = "2026-02-02") -> Provenance:
    return Provenance(source, record, snapshot)


def aviacon() -> tuple[list[Node], list[Edge], SimpleNamespace]:
    """Nodes, edges and an identity-plus-two-merges resolution stand-in."""
    ofac, ca, nsdc = _p("us_ofac_sdn", "40181"), _p("ca_sema", "Russia / Russie|1, Part 2|380"), _p("ua_nsdc", "900001")
    nodes = [
        Node("authority-us_ofac_sdn", "Authority", {"name": ["OFAC Specially Designated Nationals List"],
                                                    "country": ["US"]}, _p("us_ofac_sdn", "authority")),
        Node("authority-ca_sema", "Authority", {"name": ["Canada Special Economic Measures Act list"],
                                                "country": ["CA"]}, _p("ca_sema", "authority")),
        Node("authority-ua_nsdc", "Authority", {"name": ["Ukraine NSDC sanctions register"], "country": ["UA"]},
             _p("ua_nsdc", "authority")),
        Node(OFAC, "Program", {"name": ["RUSSIA-EO14024"], "code": ["RUSSIA-EO14024"]}, _p("us_ofac_sdn", "RUSSIA-EO14024")),
        Node(CANADA, "Program", {"name": ["Special Economic Measures (Russia) Regulations, Schedule 1, Part 2"]},
             _p("ca_sema", "Russia / Russie|1, Part 2")),
        Node(NSDC, "Program", {"name": ["NSDC sanctions"]}, _p("ua_nsdc", "program")),
        Node("ofac-40181", "Organization", {
            "name": ["AVIACON ZITOTRANS"], "alias": ["АО «Авиакон Цитотранс»", "AVIAKON TSITOTRANS"],
            "country": ["Russia"], "innCode": ["6658039390"], "phone": ["+7 000 000-00-00"],
            "sourceUrl": ["https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40181"]}, ofac),
        Node(CA_RECORD, "Organization", {"name": ["Aviacon Zitotrans JSC"], "country": ["Russia / Russie"]}, ca),
        Node("ofac-40185", "Airplane", {
            "registrationNumber": ["RA-78765"], "serialNumber": ["83486590"], "model": ["IL-76TD"],
            "modelFamily": ["Il-76"], "icao24": ["1533ad"]}, _p("us_ofac_sdn", "40185")),
        Node("ru-1533ad", "Airplane", {
            "registrationNumber": ["RA-78765"], "icao24": ["1533AD"], "serialNumber": ["0083486590"],
            "model": ["Il-76TD"], "registered": ["2012-08-01"], "registryStatus": ["registered"],
            "operatorName": ["Aviacon Zitotrans"]}, _p("ru_aircraft_db", "1533ad")),
        Node("ofac-addr-1", "Address", {"full": ["ul. Example 1, Yekaterinburg"], "city": ["Yekaterinburg"],
                                        "country": ["RU"]}, ofac),
        # invented: an NSDC-only organisation sharing Aviacon's phone and address
        Node("ua-nsdc-900001", "Organization", {"name": ["Example Air Services LLC"], "phone": ["+70000000000"],
                                                "country": ["Росія"]}, nsdc),
        # invented: an OFAC-only operator with a re-registered airframe still on a register
        Node("ofac-900002", "Organization", {"name": ["Example Cargo Airline"], "country": ["KG"]},
             _p("us_ofac_sdn", "900002")),
        Node("opensky-600001", "Airplane", {
            "registrationNumber": ["EX-76001"], "previousRegistrationNumber": ["RA-76001"],
            "serialNumber": ["1003401001"], "model": ["IL-76TD"], "registered": ["2024-03-01"],
            "country": ["KG"]}, _p("opensky_aircraft", "600001")),
        Node("airport-ULLI", "Airport", {"name": ["Pulkovo Airport"], "ident": ["ULLI"], "iataCode": ["LED"],
                                         "latitude": ["59.8003"], "longitude": ["30.2625"], "country": ["RU"]},
             _p("ourairports", "ULLI")),
        Node("airport-URSS", "Airport", {"name": ["Sochi International Airport"], "ident": ["URSS"],
                                         "iataCode": ["AER"], "country": ["RU"]}, _p("ourairports", "URSS")),
        Node("airport-MUSA", "Airport", {"name": ["San Antonio de los Banos Airport"], "ident": ["MUSA"],
                                         "latitude": ["22.8715"], "longitude": ["-82.5093"], "country": ["CU"]},
             _p("ourairports", "MUSA")),
    ]
    legs = [  # (id, departure end, arrival end, departure date, arrival date, aircraft key)
        ("flightlog-1", "airport-ULLI", "airport-URSS", "2026-01-20", "2026-01-20", "tail-RA78765"),
        ("flightlog-2", "airport-URSS", "country-DZ", "2026-01-27", "2026-01-27", "tail-RA78765"),
        ("flightlog-3", "country-DZ", "country-MR", "2026-01-28", "2026-01-28", "tail-RA78765"),
        ("flightlog-4", "country-MR", "country-DO", "2026-01-30", "2026-01-31", "tail-RA78765"),
        ("flightlog-5", "country-DO", "airport-MUSA", "2026-01-31", "2026-02-01", "icao24-1533ad"),
    ]
    edges = [
        Edge("ISSUED_BY", OFAC, "authority-us_ofac_sdn", {}, _p("us_ofac_sdn", "RUSSIA-EO14024")),
        Edge("ISSUED_BY", CANADA, "authority-ca_sema", {}, _p("ca_sema", "Russia / Russie|1, Part 2")),
        Edge("ISSUED_BY", NSDC, "authority-ua_nsdc", {}, _p("ua_nsdc", "program")),
        Edge("SANCTIONED_UNDER", "ofac-40181", OFAC, {"authority": ["OFAC SDN"], "listingDate": ["2023-01-26"],
                                                      "status": ["active"]}, ofac),
        Edge("SANCTIONED_UNDER", CA_RECORD, CANADA, {"authority": ["Canada SEMA"], "listingDate": ["2023-05-18"],
                                                     "status": ["active"]}, ca),
        Edge("SANCTIONED_UNDER", "ofac-40185", OFAC, {"authority": ["OFAC SDN"], "listingDate": ["2023-01-26"],
                                                      "status": ["active"]}, _p("us_ofac_sdn", "40185")),
        Edge("LINKED_TO", "ofac-40185", "ofac-40181", {"relation": ["Linked To"]}, _p("us_ofac_sdn", "40185")),
        Edge("HAS_ADDRESS", "ofac-40181", "ofac-addr-1", {}, ofac),
        Edge("HAS_ADDRESS", "ua-nsdc-900001", "ofac-addr-1", {}, nsdc),
        Edge("SANCTIONED_UNDER", "ua-nsdc-900001", NSDC, {"authority": ["NSDC"], "listingDate": ["2024-02-24"],
                                                          "status": ["active"]}, nsdc),
        Edge("SANCTIONED_UNDER", "ofac-900002", OFAC, {"authority": ["OFAC SDN"], "listingDate": ["2024-06-12"],
                                                       "status": ["active"]}, _p("us_ofac_sdn", "900002")),
        Edge("LINKED_TO", "ofac-900002", "tail-EX76001", {"relation": ["Linked To"]}, _p("us_ofac_sdn", "900002")),
    ]
    for fid, dep, arr, dep_date, arr_date, aircraft in legs:
        prov = _p("flightlog", fid.split("-")[1])
        props = {"departureDate": [dep_date], "arrivalDate": [arr_date], "method": ["analyst-log"],
                 "registrationNumber": ["RA-78765"]}
        for prefix, end in (("departure", dep), ("arrival", arr)):
            code = end.split("-", 1)[1]
            props[f"{prefix}Code" if end.startswith("airport-") else f"{prefix}Country"] = [code]
        props["name"] = [f"RA-78765 {dep.split('-', 1)[1]} -> {arr.split('-', 1)[1]}, {dep_date}"]
        if aircraft.startswith("icao24-"):
            props["icao24"] = [aircraft.removeprefix("icao24-")]
        # the builder derives PERFORMED, DEPARTED_FROM and ARRIVED_AT from these properties
        nodes.append(Node(fid, "Flight", props, prov))
    resolution = SimpleNamespace(
        canonical={CA_RECORD: "ofac-40181", "ru-1533ad": "ofac-40185"},
        clusters={"ofac-40181": ["ofac-40181", CA_RECORD], "ofac-40185": ["ofac-40185", "ru-1533ad"]},
        matches=[SimpleNamespace(a="ofac-40181", b="ua-nsdc-900001", score=0.61, decision="possible",
                                 evidence=[{"feature": "phone", "weight": 0.4}])],
        derived_edges=[
            Edge("OPERATES", "ofac-40181", "ofac-40185", {"score": ["0.9"], "evidence": ['[{"feature": "operatorName"}]']},
                 Provenance("kgraph_resolve", "ofac-40181|ofac-40185")),
            Edge("OPERATES", "ofac-900002", "opensky-600001", {"score": ["0.8"]},
                 Provenance("kgraph_resolve", "ofac-900002|opensky-600001")),
        ],
    )
    return nodes, edges, resolution


def test_records_follow_the_schema():
    nodes, edges, res = aviacon()
    problems = [(r.type, p) for r in [*nodes, *edges, *res.derived_edges] for p in validate(r)]
    assert problems == []


def test_records_have_unique_ids():
    nodes, _, _ = aviacon()
    ids = [n.id for n in nodes]
    assert len(ids) == len(set(ids))


def build_aviacon(root) -> "object":
    """Build the Aviacon graph into a fresh data directory under ``root``; returns the DataDir."""
    from kgraph.datadir import DataDir
    from kgraph.graph import build_graph

    dd = DataDir(root)
    nodes, edges, res = aviacon()
    build_graph(dd, nodes, edges, res)
    return dd


def test_node_and_edge_properties_are_cleaned_into_lists_of_distinct_stripped_strings():
    p = Provenance("flightlog", "x")
    shared = ["  RA-78765 "]
    props = {"one": shared, "blank": ["  "], "none": [None], "empty": [], "text": "Il-76TD", "number": [5],
             "dupes": ["a", " a", "b"], "tuple": ("x",), "zero": 0}
    n = Node("x", "Flight", dict(props), p)
    assert n.props == {"one": ["RA-78765"], "text": ["Il-76TD"], "number": ["5"], "dupes": ["a", "b"],
                       "tuple": ["x"], "zero": ["0"]}
    n.add("one", "RA-78766")
    assert shared == ["  RA-78765 "]  # the caller's list is never the node's
    e = Edge("OPERATES", "a", "b", {"role": [" operator "], "gone": [""]}, p)
    assert e.props == {"role": ["operator"]}
