// Aircraft of sanctioned operators still on a civil register (a registry lists the tail as current).
//
// @example kgraph query sanctioned-aircraft-on-register
MATCH (o)-[:OPERATES|OWNS|LINKED_TO]-(a:Airplane)-[r:REGISTERED_AS]->(g:Registration)
WHERE o.sanctioned AND o.type IN ['Organization', 'Person'] AND r.current
RETURN DISTINCT o.id AS operator_id, o.caption AS operator, a.id AS aircraft_id, a.caption AS aircraft,
       g.caption AS tail, r.validFrom AS registered_since, r.source AS register
ORDER BY operator, operator_id, aircraft_id, tail
