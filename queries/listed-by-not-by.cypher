// Organizations listed by one authority but not by another (on OFAC's SDN list but not Canada's, say).
// Authorities are named by node id (authority-us_ofac_sdn) or by list name (us_ofac_sdn, ca_sema, ua_nsdc).
//
// @param by: string  authority that lists them
// @param not_by: string  authority that does not
// @example kgraph query listed-by-not-by --param by=us_ofac_sdn --param not_by=ca_sema
MATCH (e:Organization)-[s:SANCTIONED_UNDER]->(p:Program)-[:ISSUED_BY]->(au:Authority)
WHERE (au.id = $by OR au.id = 'authority-' + $by)
  AND NOT EXISTS {
    MATCH (e)-[:SANCTIONED_UNDER]->(:Program)-[:ISSUED_BY]->(other:Authority)
    WHERE other.id = $not_by OR other.id = 'authority-' + $not_by
  }
RETURN DISTINCT e.id AS id, e.caption AS name, p.caption AS program, s.listingDate AS listed
ORDER BY name, id, program
