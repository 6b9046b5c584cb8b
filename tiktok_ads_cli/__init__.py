"""The command line of ``tiktok_ads_pipeline.py``: what a script needs and a library user does not.

- ``source_options``: one option per source setting (from ``tiktok_ads.config.source_settings``);
- ``progress``, ``forwarding_collector``: which dlt progress collector a run uses, and its row counts;
- ``crash_point``: the test-only hook that stops a run inside a dlt step (crash tests, ``bench_crash.py``);
- ``run_report``: the end-of-run table;
- ``auth_command``: ``tiktok_ads_pipeline.py auth`` (the token exchange itself is ``tiktok_ads.endpoints.auth``).

The library package ``tiktok_ads`` never imports this one.
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
"""Exit status of the script: success; the run failed (nothing was changed); a usage or configuration problem."""
