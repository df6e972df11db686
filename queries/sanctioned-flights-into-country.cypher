// Flights of sanctioned aircraft into a country between two dates.
// An aircraft counts when it is listed itself or an operator/owner linked to it is. The arrival is an
// airport located in the country, or the country itself when only the country is known. Dates compare
// as ISO text on the arrival date (the departure date when the arrival is unknown).
//
// @param country: string  ISO 3166-1 alpha-2 code of the destination country (CU)
// @param from: date = 0000  earliest arrival date, inclusive
// @param to: date = 9999  latest arrival date, inclusive (a partial date such as 2026-02 counts the whole month)
// @example kgraph query sanctioned-flights-into-country --param country=CU --param from=2026-01-01 --param to=2026-02-28
MATCH (a:Airplane)-[:PERFORMED]->(f:Flight)-[:ARRIVED_AT]->(dest)-[:LOCATED_IN*0..1]->(c:Country)
WHERE c.code = $country
  AND (a.sanctioned OR EXISTS { MATCH (a)-[:OPERATES|OWNS|LINKED_TO]-(o) WHERE o.sanctioned })
  AND coalesce(f.arrivalDate, f.departureDate) >= $from
  AND coalesce(f.arrivalDate, f.departureDate) <= $to + '-99'
RETURN DISTINCT a.id AS aircraft_id, a.caption AS aircraft, f.id AS flight_id, f.name AS flight,
       f.departureDate AS departure_date, coalesce(f.arrivalDate, f.departureDate) AS arrival_date,
       dest.id AS destination_id, dest.caption AS destination
ORDER BY arrival_date, aircraft_id, flight_id
