// 10,000 PrivatePods with their secrets and every check on, next to the same manifests made with bare kplus.Pod +
// kplus.Secret: each run in its own process, alternating, several times. Prints medians and ratios, and the cost per
// pod x image at several sizes to show the check stays linear.
import { compileWorker, median, runWorker } from './workers';

interface Sample {
  readonly variant: string;
  readonly n: number;
  readonly images: number;
  readonly ms: number;
  readonly checkMs?: number;
  readonly maxRssKb: number;
  readonly bytes: number;
  readonly wallMs: number;
}

function run(variant: string, n: number, images: number, measureCheck = false): Sample {
  return runWorker<Sample>('pods-worker.js', [variant, String(n), String(images), ...(measureCheck ? ['check'] : [])]);
}

export function benchPods(rounds: number, n: number): string[] {
  compileWorker();
  const samples: { [variant: string]: Sample[] } = { private: [], bare: [] };
  for (let i = 0; i < rounds; i++) {
    for (const v of i % 2 === 0 ? ['private', 'bare'] : ['bare', 'private']) samples[v].push(run(v, n, 1));
  }
  if (samples.private[0].bytes !== samples.bare[0].bytes) {
    throw new Error(`the two variants do not make the same manifests (${samples.private[0].bytes} vs ${samples.bare[0].bytes} bytes)`);
  }
  const m = (v: string, k: keyof Sample): number => median(samples[v].map((s) => s[k] as number));
  const lines = [
    `${n} pods + secrets, median of ${rounds} alternating runs each (own process per run):`,
    `  ${'variant'.padEnd(34)} ${'build+synth ms'.padStart(15)} ${'process wall ms'.padStart(16)} ${'peak RSS MiB'.padStart(13)}`,
  ];
  for (const v of ['private', 'bare']) {
    const label = v === 'private' ? 'PrivatePod + PrivateRegistrySecret' : 'bare kplus.Pod + kplus.Secret';
    const cells = [m(v, 'ms').toFixed(0).padStart(15), m(v, 'wallMs').toFixed(0).padStart(16), (m(v, 'maxRssKb') / 1024).toFixed(0).padStart(13)];
    lines.push(`  ${label.padEnd(34)} ${cells.join(' ')}`);
  }
  const ratio = (k: keyof Sample): string => (m('private', k) / m('bare', k)).toFixed(3);
  // this machine is shared: the same run varies by +-15% from one process to the next, so the fastest run of each
  // (the one least disturbed) is printed next to the medians
  const best = (v: string, k: keyof Sample): number => Math.min(...samples[v].map((s) => s[k] as number));
  const bestRatio = (k: keyof Sample): string => (best('private', k) / best('bare', k)).toFixed(3);
  // each round runs both, one after the other: the median of the rounds' own ratios cancels what drifts between rounds
  const paired = (k: keyof Sample): string =>
    median(samples.private.map((s, i) => (s[k] as number) / (samples.bare[i][k] as number))).toFixed(3);
  lines.push(`  ratio private / bare (medians): build+synth ${ratio('ms')}, process wall ${ratio('wallMs')}, peak memory ${ratio('maxRssKb')} ` +
    '(target, issue 20: <= 1.06)');
  lines.push(`  ratio private / bare (median of each round's ratio): build+synth ${paired('ms')}, process wall ${paired('wallMs')}, ` +
    `peak memory ${paired('maxRssKb')}`);
  lines.push(`  ratio private / bare (best runs): build+synth ${bestRatio('ms')}, process wall ${bestRatio('wallMs')}, ` +
    `peak memory ${bestRatio('maxRssKb')}`);

  lines.push('the pull check alone (one pass of every validation), per pod x image; flat means linear:');
  for (const [pods, images] of [[2500, 1], [5000, 1], [10000, 1], [10000, 2], [10000, 4]]) {
    const checkMs = run('private', pods, images, true).checkMs!;
    const perUnit = (checkMs / (pods * images) * 1000).toFixed(1);
    const size = `${String(pods).padStart(6)} pods x ${images} image(s)`;
    lines.push(`  ${size}: check ${checkMs.toFixed(0).padStart(5)} ms, ${perUnit.padStart(5)} µs per pod x image`);
  }
  return lines;
}
