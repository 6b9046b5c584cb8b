"""The dlt side: ``factory`` turns table records into dlt resources (one per advertiser where a table has a
cursor), the bodies read their units of work (``report_resources``, ``entity_resources``, ...) through
``unit_runs`` and move each advertiser's ``dlt.sources.incremental`` (``cursors``); large accounts' entity tables read
the change log instead of full lists (``entity_changes``, which keeps its count of pages in the state).
"""
