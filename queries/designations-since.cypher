// Designations since a date: who was listed, under which program, when, newest first.
//
// @param since: date  earliest listing date (ISO: 2023, 2023-01 or 2023-01-26)
// @example kgraph query designations-since --param since=2023-01-01
MATCH (e)-[s:SANCTIONED_UNDER]->(p:Program)
WHERE s.listingDate >= $since
RETURN s.listingDate AS listed, e.id AS id, e.type AS kind, e.caption AS name, p.caption AS program,
       s.authority AS authority, s.status AS status
ORDER BY listed DESC, id, program
