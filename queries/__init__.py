"""The Cypher query library: one ``.cypher`` file per analyst question, shipped as package data."""
