// Airframes re-registered: one airframe (one MSN) that carried several tail numbers, with each tail's period.
//
// @example kgraph query reregistered-airframes
MATCH (a:Airplane)-[:REGISTERED_AS]->(g:Registration)
WITH a, count(DISTINCT g) AS tails
WHERE tails > 1
MATCH (a)-[r:REGISTERED_AS]->(g:Registration)
RETURN a.id AS aircraft_id, a.caption AS aircraft, a.serialNumber AS msn, tails, g.caption AS tail,
       r.validFrom AS valid_from, r.validUntil AS valid_until, r.current AS current
ORDER BY aircraft_id, coalesce(valid_from, ''), tail
