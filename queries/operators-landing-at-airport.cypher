// Sanctioned operators whose aircraft landed at an airport, with the number of landings per aircraft.
// The airport is matched on its OurAirports ident or its ICAO, IATA or GPS code.
//
// @param airport: string  airport code (MUSA, UUEE, SVO...)
// @example kgraph query operators-landing-at-airport --param airport=MUSA
MATCH (o)-[:OPERATES|OWNS|LINKED_TO]-(a:Airplane)-[:PERFORMED]->(f:Flight)-[:ARRIVED_AT]->(ap:Airport)
WHERE o.sanctioned AND o.type IN ['Organization', 'Person']
  AND (ap.ident = $airport OR ap.icaoCode = $airport OR ap.iataCode = $airport OR ap.gpsCode = $airport)
RETURN o.id AS operator_id, o.caption AS operator, a.id AS aircraft_id, a.caption AS aircraft,
       ap.id AS airport_id, count(DISTINCT f) AS landings,
       min(coalesce(f.arrivalDate, f.departureDate)) AS first_landing,
       max(coalesce(f.arrivalDate, f.departureDate)) AS last_landing
ORDER BY landings DESC, operator, operator_id, aircraft_id
