// Prints the failing hostile cases grouped by class, from vitest's JSON report, as a to-do list:
//   npx vitest run test/hostile --reporter=json --outputFile.json=hostile.json; npx tsx test/hostile/findings.ts hostile.json
// Every problem line of the suite starts with its class in brackets (see ./_expect), and none holds a secret.
import { readFileSync } from 'node:fs';

interface AssertionResult {
  readonly fullName: string;
  readonly status: string;
  readonly failureMessages?: string[];
}

interface FileResult {
  readonly name: string;
  readonly message?: string;
  readonly assertionResults: AssertionResult[];
}

const report: { testResults: FileResult[]; numTotalTests: number; numFailedTests: number } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byClass = new Map<string, string[]>();
const untagged: string[] = [];
for (const file of report.testResults) {
  const where = file.name.replace(/.*test\/hostile\//, '');
  if (file.assertionResults.length === 0 && file.message) untagged.push(`${where}: the file did not load: ${file.message.split('\n')[0]}`);
  for (const a of file.assertionResults.filter((r) => r.status === 'failed')) {
    const text = (a.failureMessages ?? []).join('\n').split('\n    at ')[0].replace(/^AssertionError: /, '');
    const problems = text.split('\n').map((l) => /^\s*\[([a-z -]+)\] ?(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    if (problems.length === 0) untagged.push(`${where} :: ${a.fullName}: ${text.split('\n')[0]}`);
    for (const [, cls, detail] of problems) {
      const list = byClass.get(cls) ?? [];
      list.push(`${where} :: ${a.fullName}\n    ${detail.replace(/\/tmp\/[^'" ]*/g, '<tmp>')}`);
      byClass.set(cls, list);
    }
  }
}
for (const [cls, items] of byClass) {
  const cases = new Set(items.map((i) => i.split('\n')[0]));
  console.log(`\n## ${cls}: ${cases.size} cases\n${items.map((i) => `- ${i}`).join('\n')}`);
}
if (untagged.length > 0) console.log(`\n## failures of the suite itself (no class)\n${untagged.map((u) => `- ${u}`).join('\n')}`);
console.log(`\n${report.numTotalTests} cases, ${report.numFailedTests} failing`);
