#!/usr/bin/env bash
# Runs every test. The suite starts its own Neo4j and OpenSearch (in .moien-test/, on free ports) and stops them at the
# end; the model is shared with `make run` through MOIEN_MODEL__CACHE_DIR.
set -uo pipefail
cd "$(dirname "$0")/.."
export MOIEN_HOME="$PWD/.moien-test"
export MOIEN_MODEL__CACHE_DIR="$PWD/.moien/models"
export MOIEN_NEO4J__DIST_DIR="$PWD/.moien/neo4j/dist"
export MOIEN_OPENSEARCH__DIST_DIR="$PWD/.moien/opensearch/dist"
export HAYSTACK_TELEMETRY_ENABLED=False
.venv/bin/python -m pytest -p no:cacheprovider -rs --durations=30 "$@"
rc=$?
# pytest exits 5 when it collected no test: that is a failure here, not a success.
exit $rc
