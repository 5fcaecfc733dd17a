/**
 * `cdk8s-private-registry inspect`: what `kubectl get secret -o yaml | base64 --decode` would show, without the
 * passwords, and for every image the secret and `auths` key the kubelet will use. Reads files only; never the network.
 */
import { PullSecretSummary, WorkloadPulls } from '../check/manifest-pulls';
import { ImageVerdict } from '../check/pull-engine';
import { displayKey } from '../kubelet/keyring';
import { Pulls } from './pulls';
import { Cell, Output, Row, line, paint, paragraph, table } from './terminal';
import { printable } from '../input/printable';
import { pushAll } from '../input/arrays';

/** The `--json` output: a stable shape for tools. */
export interface InspectJson {
  readonly secrets: {
    readonly namespace: string | null;
    readonly name: string;
    /** `Secret`, `SealedSecret` or `ExternalSecret`; null when no object in the output makes it (referenced only). */
    readonly kind: string | null;
    readonly registries: { readonly server: string; readonly username: string | null }[];
  }[];
  readonly workloads: {
    readonly kind: string;
    readonly namespace: string | null;
    readonly name: string | null;
    readonly images: {
      readonly image: string;
      /** The pull secret the kubelet uses; null when none does (public, node or not covered). */
      readonly secret: string | null;
      /** Its `auths` key, as written; null when no secret is used. */
      readonly server: string | null;
      /** The verdict: `secret`, `node`, `public`, `undeclared` (a warning) or `not covered` (an error). */
      readonly coverage: string;
    }[];
  }[];
  /** The errors, one line each: every image `not covered`, and what the API server or the kubelet refuses (warnings are not here). */
  readonly problems: string[];
}

/** The exit status: 1 when the report has any error (an image not covered is one, a duplicate Secret another), else 0; warnings do not count. */
export function inspectStatus(pulls: Pulls): number {
  return pulls.report.errors.length === 0 ? 0 : 1;
}

/** The `--json` document. */
export function inspectJson(pulls: Pulls): InspectJson {
  const { report } = pulls;
  return {
    secrets: report.secrets.map((s) => ({
      namespace: s.namespace ?? null,
      name: s.name,
      kind: s.object?.kind ?? null,
      registries: registries(s).map((r) => ({ server: displayKey(r.server), username: r.username ?? null })),
    })),
    workloads: report.workloads.map((w) => ({
      kind: w.pod.kind,
      namespace: w.pod.namespace ?? null,
      name: w.pod.name ?? null,
      images: w.images.map((i) => ({
        image: i.use.image,
        secret: i.verdict === 'secret' ? i.credentials[0].secret.name : null,
        server: i.verdict === 'secret' ? displayKey(i.credentials[0].server) : null,
        coverage: i.verdict,
      })),
    })),
    problems: report.errors.map((e) => e.message),
  };
}

/** The lines a person reads: the two tables, the problems, a summary. */
export function inspectText(pulls: Pulls, out: Output): string[] {
  const { report } = pulls;
  const lines: string[] = [];
  pushAll(lines, line(out, [{ text: `Pull secrets in ${pulls.paths.map(printable).join(', ')}`, style: 'bold' }]));
  if (report.secrets.length === 0) {
    lines.push('  none');
  } else {
    const rows: Cell[][] = report.secrets.flatMap((s) => secretRows(s));
    pushAll(lines, table(out, [
      { header: 'SECRET', wrap: true, min: 12 }, { header: 'FORM', wrap: true, min: 10 }, { header: 'SERVER', wrap: true, min: 14 },
      { header: 'USERNAME', wrap: true, min: 8 }, { header: 'PASSWORD' },
    ], rows));
  }

  lines.push('', paint(out, 'bold', 'Images'));
  if (report.workloads.length === 0) {
    lines.push('  no pod-bearing objects');
  } else {
    const rows: Row[] = report.workloads.flatMap((w) => [
      { span: { text: printable(workloadName(w)) + (w.images.length === 0 ? ': no images' : '') } },
      ...w.images.map((image) => [{ text: printable(image.use.image), indent: 2 }, ...pulledWith(image)]),
    ]);
    pushAll(lines, table(out, [
      { header: 'IMAGE', wrap: true, min: 16 }, { header: 'SECRET', wrap: true, min: 11 }, { header: 'AUTHS KEY', wrap: true, min: 12 },
    ], rows));
  }

  if (report.errors.length > 0) {
    lines.push('', paint(out, 'red', paint(out, 'bold', `Problems (${report.errors.length})`)));
    for (const problem of report.errors) pushAll(lines, paragraph(out, `- ${printable(problem.message)}`, 2));
  }
  if (report.warnings.length > 0) {
    lines.push('', paint(out, 'yellow', paint(out, 'bold', `Warnings (${report.warnings.length})`)));
    for (const warning of report.warnings) pushAll(lines, paragraph(out, `- ${printable(warning.message)}`, 2));
  }

  const images = report.workloads.flatMap((w) => w.images);
  const count = (c: string): number => images.filter((i) => i.verdict === c).length;
  const uncovered = count('not covered');
  lines.push('');
  pushAll(lines, line(out, [
    { text: `${plural(images.length, 'image')} in ${plural(report.workloads.length, 'workload')}: ${count('secret')} by a pull secret, ` +
      `${count('public')} public, ${count('node')} node, ${count('undeclared')} undeclared, ` },
    { text: `${uncovered} NOT COVERED`, style: uncovered > 0 ? 'red' : 'green' },
  ]));
  return lines;
}

function secretRows(s: PullSecretSummary): Cell[][] {
  const name = { text: printable(`${s.namespace ? `${s.namespace}/` : ''}${s.name}`) };
  const form: Cell = { text: s.form, style: s.form === 'referenced only' ? 'yellow' : undefined };
  const regs = registries(s);
  if (s.object?.error) return [[name, form, { text: 'cannot be decoded', style: 'red' }, { text: '' }, { text: '' }]];
  if (regs.length === 0) {
    const why = s.form === 'referenced only' ? 'not in the output' : 'not declared';
    return [[name, form, { text: why, style: 'yellow' }, { text: '' }, { text: '' }]];
  }
  const password = s.form === 'SealedSecret' ? 'sealed' : s.form === 'ExternalSecret' ? 'in store' : undefined;
  return regs.map((r, i) => [
    i === 0 ? name : { text: '' }, i === 0 ? form : { text: '' }, { text: printable(displayKey(r.server)) },
    { text: r.username === undefined ? (password ? '' : '-') : printable(r.username) },
    // the password itself is never read into any output; only whether there is one
    { text: password ?? (r.hasPassword ? '***' : '-'), style: 'dim' },
  ]);
}

function registries(s: PullSecretSummary): { server: string; username?: string; hasPassword: boolean }[] {
  const object = s.object;
  if (!object || object.error) return [];
  if (object.entries) return object.entries.map((e) => ({ server: e.server, username: e.username, hasPassword: e.password !== undefined }));
  return (object.servers ?? []).map((server) => ({ server, hasPassword: false }));
}

function pulledWith(image: ImageVerdict): Cell[] {
  switch (image.verdict) {
    case 'secret': {
      const first = image.credentials[0];
      return [{ text: printable(first.secret.name), style: 'green' }, { text: printable(displayKey(first.server)) }];
    }
    case 'public':
      return [{ text: 'public', style: 'cyan' }, { text: '' }];
    case 'node':
      return [{ text: 'node', style: 'cyan' }, { text: printable(image.node!.pattern) }];
    case 'undeclared':
      return [{ text: 'undeclared', style: 'yellow' }, { text: '' }];
    default:
      return [{ text: 'NOT COVERED', style: 'red' }, { text: '' }];
  }
}

/** `Kind namespace/name`, as the problems name it. */
export function workloadName(w: WorkloadPulls): string {
  return w.pod.name === undefined ? `${w.pod.kind} (no name)` : w.pod.resource;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
