#!/usr/bin/env bash
# The main job on a fresh machine: install the npm packages, then synthesize the default app into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run synth
