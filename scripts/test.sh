#!/usr/bin/env bash
# The whole test suite on a fresh machine: install the Debian and npm packages the tests need, type-check, run every
# test, and end with one summary line `tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
npm run typecheck
npm run lint
results="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$results" || status=1
rm -f "$results"
exit "$status"
