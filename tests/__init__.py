"""vizgraph tests; tests/ mirrors the package."""
