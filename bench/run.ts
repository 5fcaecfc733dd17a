// `npm run bench`: every benchmark, side by side in one run, printing figures and ratios (never asserting on time).
import { benchSynthTime } from './synth-time';

const synth = benchSynthTime();
const [ours, template] = Object.values(synth);
console.log('synth time of the default app, median of alternating runs:');
for (const [name, ms] of Object.entries(synth)) console.log(`  ${name.padEnd(55)} ${ms.toFixed(0)} ms`);
console.log(`  ratio npm run synth / template: ${(ours / template).toFixed(2)}`);
