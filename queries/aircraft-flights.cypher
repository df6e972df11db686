// Flights of one aircraft in date order, with where each leg began and ended.
//
// @param aircraft: node  node id of the airframe (ofac-40185)
// @example kgraph query aircraft-flights --param aircraft=ofac-40185
MATCH (a:Airplane {id: $aircraft})-[p:PERFORMED]->(f:Flight)
OPTIONAL MATCH (f)-[:DEPARTED_FROM]->(dep)
OPTIONAL MATCH (f)-[:ARRIVED_AT]->(arr)
RETURN f.id AS flight_id, f.name AS flight, f.departureDate AS departure_date, f.arrivalDate AS arrival_date,
       dep.caption AS departure, arr.caption AS arrival, p.matchedBy AS matched_by, f.method AS method
ORDER BY coalesce(departure_date, ''), coalesce(arrival_date, ''), flight_id
