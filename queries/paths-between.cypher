// Every path of at most 4 hops between two entities (simple paths: no node visited twice).
// Countries, programs and authorities are not used as stepping stones: "both are in Russia" or
// "both are under EO 14024" is not a link. Ids are node ids (`kgraph lookup` finds them).
//
// @param a: node  node id of one end (ofac-40181)
// @param b: node  node id of the other end (airport-MUSA)
// @example kgraph query paths-between --param a=ofac-40181 --param b=airport-MUSA
// dialect: ladybug
// (ends unlabelled: ladybug 0.22 crashes on nodes(p) when a path has a labelled node)
MATCH p = (x {id: $a})-[* TRAIL 1..4 (r, n | WHERE NOT n.type IN ['Country', 'Program', 'Authority'])]-(y {id: $b})
WITH length(p) AS hops, list_transform(nodes(p), n -> n.id) AS node_ids,
     list_transform(nodes(p), n -> n.caption) AS captions, list_transform(rels(p), r -> label(r)) AS relationships
WHERE size(list_distinct(node_ids)) = hops + 1
RETURN hops, node_ids, captions, relationships
ORDER BY hops, list_to_string(' ', node_ids), list_to_string(' ', relationships)
// dialect: neo4j
// (a quantified path pattern: the hub filter prunes while expanding; `[*1..4]` filtered afterwards
// took 10 s on the OFAC SDN graph, through the program nodes, against 0.1 s this way)
MATCH p = (x:{{a}} {id: $a}) ((s)-[]-(t) WHERE NOT t.type IN ['Country', 'Program', 'Authority']){0,3}
          (m)-[]-(y:{{b}} {id: $b})
WHERE all(n IN nodes(p) WHERE single(k IN nodes(p) WHERE k = n))
WITH length(p) AS hops, [n IN nodes(p) | n.id] AS node_ids,
     [n IN nodes(p) | n.caption] AS captions, [r IN relationships(p) | type(r)] AS relationships
RETURN hops, node_ids, captions, relationships
ORDER BY hops, node_ids, relationships
