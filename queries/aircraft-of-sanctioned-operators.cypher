// Aircraft linked to a sanctioned operator (operates, owns or is linked to it on a list).
// One row per operator and aircraft; `aircraft_sanctioned` says whether the airframe is listed itself.
//
// @example kgraph query aircraft-of-sanctioned-operators
MATCH (o)-[:OPERATES|OWNS|LINKED_TO]-(a:Airplane)
WHERE o.sanctioned AND o.type IN ['Organization', 'Person']
RETURN DISTINCT o.id AS operator_id, o.caption AS operator, a.id AS aircraft_id, a.caption AS aircraft,
       a.serialNumber AS msn, a.modelFamily AS model_family, a.sanctioned AS aircraft_sanctioned
ORDER BY operator, operator_id, aircraft, aircraft_id
