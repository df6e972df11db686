// Countries ranked by arrivals of sanctioned aircraft (airports counted in their country).
//
// @param from: date = 0000  earliest arrival date
// @param to: date = 9999  latest arrival date
// @example kgraph query destination-countries-of-sanctioned-aircraft
MATCH (a:Airplane)-[:PERFORMED]->(f:Flight)-[:ARRIVED_AT]->(d)-[:LOCATED_IN*0..1]->(c:Country)
WHERE (a.sanctioned OR EXISTS { MATCH (a)-[:OPERATES|OWNS|LINKED_TO]-(o) WHERE o.sanctioned })
  AND coalesce(f.arrivalDate, f.departureDate) >= $from
  AND coalesce(f.arrivalDate, f.departureDate) <= $to + '-99'
RETURN c.code AS country_code, c.caption AS country, count(DISTINCT f) AS arrivals, count(DISTINCT a) AS aircraft
ORDER BY arrivals DESC, country_code
