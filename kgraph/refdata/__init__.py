"""Reference data shipped with kgraph: countries, aircraft model families, ICAO
24-bit address blocks, registration prefixes. Tables load lazily, once per
process, from the CSV files in ``refdata/data/``.
"""
