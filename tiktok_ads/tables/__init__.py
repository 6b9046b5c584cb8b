"""The tables: what each one is, as data.

A new table is an entry in ``registry.TABLES`` (or the generated report grid, ``report_grid``), as the record
of its kind; the metric catalogue (``metrics.toml``, read by ``metric_catalogue``) says what each metric is,
for the source and the emulator alike; ``metric_types`` and ``entity_fields`` pin the column types.
"""
