// The last line of the test command: `tests: N passed, N failed` over every run of the suite (each cdk8s-plus line,
// each Node), from vitest's JSON reports, where failed also counts test files that did not load (vitest lists them
// with no failed test) and errors outside any test (the run failed, or vitest exited non-zero, with no failed test).
// With more than one run, a line per run (named by its report file) comes first. Exit code 1 when anything failed.
// Usage: node scripts/test-summary.js REPORT.json VITEST_EXIT_CODE [REPORT.json VITEST_EXIT_CODE ...]
const fs = require('fs');
const path = require('path');

function summarize(report, exitCode) {
  if (!report || !Array.isArray(report.testResults)) {
    return { line: 'tests: 0 passed, 1 failed (vitest wrote no report)', passed: 0, failed: 1, skipped: 0, noReport: true };
  }
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  let failed = report.numFailedTests + brokenFiles;
  if (failed === 0 && (!report.success || exitCode !== 0)) failed = 1;
  return { line: line(report.numPassedTests, failed, report.numPendingTests), passed: report.numPassedTests, failed, skipped: report.numPendingTests };
}

function line(passed, failed, skipped) {
  return `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The summary of several runs: each run's line, then the total. */
function summarizeRuns(runs) {
  const results = runs.map(({ report, exitCode }) => summarize(report, exitCode));
  if (results.length === 1) return { lines: [results[0].line], failed: results[0].failed };
  const sum = (k) => results.reduce((n, r) => n + r[k], 0);
  const missing = results.filter((r) => r.noReport).length;
  const total = line(sum('passed'), sum('failed'), sum('skipped')) + (missing ? ` (${missing} run(s) wrote no report)` : '');
  return { lines: [...runs.map((r, i) => `  ${r.name}: ${results[i].line}`), total], failed: sum('failed') };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const runs = [];
  for (let i = 0; i < args.length; i += 2) {
    runs.push({ name: path.basename(args[i], '.json'), report: read(args[i]), exitCode: Number(args[i + 1]) });
  }
  const { lines, failed } = summarizeRuns(runs);
  lines.forEach((l) => console.log(l));
  process.exit(failed > 0 ? 1 : 0);
}

module.exports = { summarize, summarizeRuns };
