#!/usr/bin/env bash
# The whole test suite on a fresh machine: install the Debian and npm packages the tests need, type-check, lint, run
# every test, and end with one summary line `tests: N passed, N failed`, where failed also counts test files that did
# not load and errors outside any test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
npm run typecheck
npm run lint
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node scripts/test-summary.js "$results" "$status" || status=1
exit "$status"
