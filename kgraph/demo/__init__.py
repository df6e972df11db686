"""The demo sample (data/) that `kgraph demo` ingests."""
