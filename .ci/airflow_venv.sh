#!/usr/bin/env bash
# Apache Airflow in its own virtualenv, for tests/dlt_integration/test_deploy.py (the DAG in deploy/airflow/).
#
# Airflow pins much of what it needs and is heavy (about 150 packages, 3-4 minutes from an empty pip cache),
# so it never goes into the project's venv. The venv is kept between runs on the same machine and rebuilt
# only when AIRFLOW_SPEC changes: `<venv>/.tiktok-ads-ready` holds the spec it was built with. While it
# builds, `<venv>.building` exists (the test waits for it); a failed build leaves `<venv>.failed`.
#
#   bash .ci/airflow_venv.sh            # build (or check) $TIKTOK_ADS_AIRFLOW_VENV
set -euo pipefail

VENV=${TIKTOK_ADS_AIRFLOW_VENV:-$HOME/.cache/tiktok-ads-dlt/airflow-venv}
# Airflow 3.3 (Airflow 2 reached end of life in 2026); dlt's Airflow helper supports both
AIRFLOW_SPEC=("apache-airflow==3.3.2" "dlt[parquet]>=1.31.0,<2" "requests>=2.31" "pendulum>=3.0")

if [ -f "$VENV/.tiktok-ads-ready" ] && [ "$(cat "$VENV/.tiktok-ads-ready")" = "${AIRFLOW_SPEC[*]}" ] \
  && "$VENV/bin/python" -c "import airflow, dlt" 2>/dev/null; then
  echo "airflow_venv.sh: Apache Airflow ready in $VENV"
  exit 0
fi

mkdir -p "$(dirname "$VENV")"
rm -f "$VENV.failed"
touch "$VENV.building"
t0=$SECONDS
trap 'rm -f "$VENV.building"' EXIT
if ! {
  rm -rf "$VENV" &&
    python3 -m venv "$VENV" &&
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 "$VENV/bin/python" -m pip install -q "${AIRFLOW_SPEC[@]}" \
      </dev/null >"$VENV.log" 2>&1
}; then
  touch "$VENV.failed"
  tail -n 20 "$VENV.log" >&2 || true
  echo "airflow_venv.sh: installing Apache Airflow into $VENV failed (log: $VENV.log)" >&2
  exit 1
fi
echo "${AIRFLOW_SPEC[*]}" >"$VENV/.tiktok-ads-ready"
echo "airflow_venv.sh: installed Apache Airflow into $VENV in $((SECONDS - t0)) s"
