#!/usr/bin/env bash
# Install ragloom into .venv, ingest the bundled samples, and serve on the embedded profile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
.venv/bin/ragloom ingest samples
exec .venv/bin/ragloom serve "$@"
