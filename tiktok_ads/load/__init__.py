"""The destination side: the embedded duckdb's caps (``memory_limits``) and its bounded merge (``duckdb_merge``)."""
