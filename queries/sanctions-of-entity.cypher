// Which lists name an entity: each program, its authority, listing date, status and the source record.
//
// @param id: node  node id (ofac-40181)
// @example kgraph query sanctions-of-entity --param id=ofac-40181
MATCH (e:{{id}} {id: $id})-[s:SANCTIONED_UNDER]->(p:Program)
OPTIONAL MATCH (p)-[:ISSUED_BY]->(au:Authority)
RETURN e.caption AS entity, p.id AS program_id, p.caption AS program, au.caption AS authority,
       s.listingDate AS listed, s.status AS status, s.source AS source, s.record AS record
ORDER BY coalesce(listed, ''), program_id
