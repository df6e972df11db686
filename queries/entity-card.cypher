// The full card of one entity: every relationship, in both directions, with the node at the other end.
//
// @param id: node  node id (ofac-40181)
// @example kgraph query entity-card --param id=ofac-40181
// dialect: ladybug
MATCH (n:{{id}} {id: $id})-[r]-(m)
RETURN n.caption AS entity, label(r) AS relationship,
       CASE WHEN struct_extract(r, '_SRC') = id(n) THEN 'out' ELSE 'in' END AS direction,
       m.type AS other_type, m.id AS other_id, m.caption AS other, m.sanctioned AS other_sanctioned,
       r.source AS source, r.record AS record
ORDER BY relationship, direction, other_type, other_id, source, record
// dialect: neo4j
MATCH (n:{{id}} {id: $id})-[r]-(m)
RETURN n.caption AS entity, type(r) AS relationship,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       m.type AS other_type, m.id AS other_id, m.caption AS other, m.sanctioned AS other_sanctioned,
       r.source AS source, r.record AS record
ORDER BY relationship, direction, other_type, other_id, source, record
