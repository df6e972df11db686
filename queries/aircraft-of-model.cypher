// Aircraft of one model family, those listed themselves or linked to a sanctioned operator first.
// A family is what kgraph makes of a model as written (IL-76TD, Ил-76ТД and IL76 are all Il-76), as
// `kgraph show` prints it; one row per aircraft and sanctioned operator.
//
// @param family: string  model family as `kgraph show` prints it (Il-76, An-124, Boeing 737)
// @example kgraph query aircraft-of-model --param family=Il-76
MATCH (a:Airplane)
WHERE a.modelFamily = $family
OPTIONAL MATCH (a)-[:OPERATES|OWNS|LINKED_TO]-(o)
WHERE o.sanctioned AND o.type IN ['Organization', 'Person']
RETURN DISTINCT a.id AS aircraft_id, a.caption AS aircraft, a.model AS model, a.serialNumber AS msn,
       a.sanctioned AS aircraft_sanctioned, o.id AS sanctioned_operator_id, o.caption AS sanctioned_operator
ORDER BY aircraft_sanctioned DESC, sanctioned_operator_id IS NULL, aircraft, aircraft_id, sanctioned_operator_id
