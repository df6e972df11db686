"""Ingesters: one module per source. See :mod:`kgraph.sources` for the contract
(``SOURCE`` and ``parse(path, *, snapshot=None, report=None)``)."""
