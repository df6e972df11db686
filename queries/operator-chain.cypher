// The chain of one operator: its sanctions programs, its aircraft, their flights, airports and countries.
// One row per flight leg, in date order; ends known only to the country level show the country.
// A date known only as a range (a press report: "between 20 and 31 January") has its latest day in *_latest.
//
// @param operator: node  node id of the operator (ofac-40181)
// @example kgraph query operator-chain --param operator=ofac-40181
// dialect: ladybug
MATCH (o:{{operator}} {id: $operator})
OPTIONAL MATCH (o)-[:SANCTIONED_UNDER]->(p:Program)
WITH o, list_sort(collect(DISTINCT p.caption)) AS programs
MATCH (o)-[:OPERATES|OWNS|LINKED_TO]-(a:Airplane)-[:PERFORMED]->(f:Flight)
OPTIONAL MATCH (f)-[:DEPARTED_FROM]->(dep)-[:LOCATED_IN*0..1]->(dc:Country)
OPTIONAL MATCH (f)-[:ARRIVED_AT]->(arr)-[:LOCATED_IN*0..1]->(ac:Country)
RETURN DISTINCT o.caption AS operator, programs, a.caption AS aircraft, a.sanctioned AS aircraft_sanctioned,
       f.departureDate AS departure_date, f.departureDateLatest AS departure_date_latest,
       f.arrivalDate AS arrival_date, f.arrivalDateLatest AS arrival_date_latest, dep.caption AS departure,
       dc.code AS departure_country, arr.caption AS arrival, ac.code AS arrival_country, f.id AS flight_id
ORDER BY aircraft, coalesce(departure_date, ''), coalesce(arrival_date, ''), flight_id
// dialect: neo4j
MATCH (o:{{operator}} {id: $operator})
OPTIONAL MATCH (o)-[:SANCTIONED_UNDER]->(p:Program)
WITH o, p ORDER BY p.caption
WITH o, collect(DISTINCT p.caption) AS programs
MATCH (o)-[:OPERATES|OWNS|LINKED_TO]-(a:Airplane)-[:PERFORMED]->(f:Flight)
OPTIONAL MATCH (f)-[:DEPARTED_FROM]->(dep)-[:LOCATED_IN*0..1]->(dc:Country)
OPTIONAL MATCH (f)-[:ARRIVED_AT]->(arr)-[:LOCATED_IN*0..1]->(ac:Country)
RETURN DISTINCT o.caption AS operator, programs, a.caption AS aircraft, a.sanctioned AS aircraft_sanctioned,
       f.departureDate AS departure_date, f.departureDateLatest AS departure_date_latest,
       f.arrivalDate AS arrival_date, f.arrivalDateLatest AS arrival_date_latest, dep.caption AS departure,
       dc.code AS departure_country, arr.caption AS arrival, ac.code AS arrival_country, f.id AS flight_id
ORDER BY aircraft, coalesce(departure_date, ''), coalesce(arrival_date, ''), flight_id
