// Entities sharing an identifier (tax number, registration number, phone, email...) or an address.
// One row per pair and shared value; `entity` restricts the list to pairs that include that node.
//
// @param entity: string = ''  node id to restrict to (default: every pair)
// @example kgraph query shared-identifiers
// @example kgraph query shared-identifiers --param entity=ofac-40181
MATCH (x)-[:HAS_IDENTIFIER|HAS_ADDRESS]->(s)<-[:HAS_IDENTIFIER|HAS_ADDRESS]-(y)
WHERE x.id < y.id AND ($entity = '' OR x.id = $entity OR y.id = $entity)
RETURN DISTINCT coalesce(s.scheme, 'address') AS shared, s.caption AS value, x.id AS first_id,
       x.caption AS first, y.id AS second_id, y.caption AS second
ORDER BY shared, value, first_id, second_id
