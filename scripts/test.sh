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
node -e '
  const fs = require("fs");
  let r;
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { r = undefined; }
  if (!r) { console.log("tests: 0 passed, 1 failed (vitest wrote no report)"); process.exit(1); }
  // a file that fails to load has status "failed" but no failed test in it
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
  let failed = r.numFailedTests + brokenFiles;
  // errors outside any test (unhandled rejections, a crashed worker) make the run fail without failing a test
  if (failed === 0 && (!r.success || Number(process.argv[2]) !== 0)) failed = 1;
  console.log(`tests: ${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  process.exit(failed > 0 ? 1 : 0);
' "$results" "$status" || status=1
exit "$status"
