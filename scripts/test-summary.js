// The last line of the test command: `tests: N passed, N failed` from vitest's JSON report, where failed also counts
// test files that did not load (vitest lists them with no failed test) and errors outside any test (the run failed,
// or vitest exited non-zero, with no failed test). Exit code 1 when anything failed.
// Usage: node scripts/test-summary.js REPORT.json VITEST_EXIT_CODE
const fs = require('fs');

function summarize(report, exitCode) {
  if (!report || !Array.isArray(report.testResults)) return { line: 'tests: 0 passed, 1 failed (vitest wrote no report)', failed: 1 };
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  let failed = report.numFailedTests + brokenFiles;
  if (failed === 0 && (!report.success || exitCode !== 0)) failed = 1;
  const skipped = report.numPendingTests ? `, ${report.numPendingTests} skipped` : '';
  return { line: `tests: ${report.numPassedTests} passed, ${failed} failed${skipped}`, failed };
}

if (require.main === module) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  } catch {
    report = undefined;
  }
  const { line, failed } = summarize(report, Number(process.argv[3]));
  console.log(line);
  process.exit(failed > 0 ? 1 : 0);
}

module.exports = { summarize };
