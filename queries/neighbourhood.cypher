// Everything within two hops of a node, nearest first, with the distance in hops.
//
// @param id: node  node id (ofac-40181)
// @example kgraph query neighbourhood --param id=ofac-40181
// dialect: ladybug
// (SHORTEST: one breadth-first path per node reached, instead of every walk; same nodes, same distances)
MATCH p = (x:{{id}} {id: $id})-[* SHORTEST 1..2]-(y)
WHERE y.id <> $id
RETURN y.id AS node_id, y.type AS kind, y.caption AS name, min(length(p)) AS hops
ORDER BY hops, kind, node_id
// dialect: neo4j
MATCH p = (x:{{id}} {id: $id})-[*1..2]-(y)
WHERE y.id <> $id
RETURN y.id AS node_id, y.type AS kind, y.caption AS name, min(length(p)) AS hops
ORDER BY hops, kind, node_id
