// Destinations ranked by visits of sanctioned aircraft (listed themselves or through their operator).
// A destination is an airport, or a country where only the country of arrival is known.
//
// @param from: date = 0000  earliest arrival date
// @param to: date = 9999  latest arrival date
// @example kgraph query destinations-of-sanctioned-aircraft --param from=2025-01-01
MATCH (a:Airplane)-[:PERFORMED]->(f:Flight)-[:ARRIVED_AT]->(d)
WHERE (a.sanctioned OR EXISTS { MATCH (a)-[:OPERATES|OWNS|LINKED_TO]-(o) WHERE o.sanctioned })
  AND coalesce(f.arrivalDate, f.departureDate) >= $from
  AND coalesce(f.arrivalDate, f.departureDate) <= $to + '-99'
RETURN d.id AS destination_id, d.type AS kind, d.caption AS destination, count(DISTINCT f) AS visits,
       count(DISTINCT a) AS aircraft
ORDER BY visits DESC, destination_id
