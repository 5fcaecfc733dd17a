/**
 * `cdk8s-private-registry login-check`: for every image of every pod-bearing object, what a container runtime does
 * before it pulls (ping, auth challenge, token, manifest HEAD: `checkLogins`), with the credentials the kubelet would
 * try, in its order. One line per image; never a secret.
 *
 * What cannot be checked from here is `skipped`, with the reason: a SealedSecret (only the controller can open it), an
 * ExternalSecret (its values live in the secret store), a secret the output does not hold, and credentials of the
 * node's credential providers. When readable credentials fail and one of those would be tried next, the image is
 * skipped too (the kubelet would go on to it), and the failure is in its detail. A declared-public image, and an image
 * no pull secret covers, is checked anonymously, as the kubelet pulls it. An image the kubelet fails before it asks a
 * registry (an invalid reference, a pull secret it cannot decode) is `invalid`.
 */
import { WorkloadPulls, describeSecret } from '../check/manifest-pulls';
import { ImageVerdict as ImagePull, PullCredential } from '../check/pull-engine';
import { displayKey } from '../kubelet/keyring';
import { LoginCredential, LoginOptions, LoginResult, LoginStatus, LoginTarget, checkLogins } from '../registry/login';
import { workloadName } from './inspect';
import { Pulls } from './pulls';
import { Output, Row, Style, line, paint, paragraph, table } from './terminal';
import { printable } from '../input/printable';
import { pushAll } from '../input/arrays';

/** The verdict on one image. */
export type LoginLineStatus = LoginStatus | 'skipped' | 'invalid';

/** One line of the output. */
export interface LoginLine {
  readonly workload: WorkloadPulls;
  readonly pull: ImagePull;
  readonly status: LoginLineStatus;
  /** The pull secret whose credential pulled (ok) or whose failure is reported; `anonymous` when none was sent. */
  readonly via?: string;
  /** Its `auths` key, as written. */
  readonly server?: string;
  /** One line saying why, never a secret. */
  readonly detail: string;
}

/** Whether a line makes the check fail. */
export function isFailure(line: LoginLine): boolean {
  return line.status !== 'ok' && line.status !== 'skipped';
}

/** A plan for one image: check these credentials (none: anonymously), or a verdict without the network. */
type Plan =
  | { readonly target: LoginTarget; readonly readable: readonly PullCredential[]; readonly next?: string }
  | { readonly status: 'skipped' | 'invalid'; readonly detail: string };

/** Checks every image of the manifests against its registry. */
export async function loginCheck(pulls: Pulls, options: LoginOptions): Promise<LoginLine[]> {
  const planned = pulls.report.workloads.flatMap((workload) => workload.images.map((pull) => ({ workload, pull, plan: plan(workload, pull) })));
  const targets = planned.flatMap((p) => ('target' in p.plan ? [p.plan.target] : []));
  const results = await checkLogins(targets, options);
  let next = 0;
  return planned.map(({ workload, pull, plan: p }) => {
    if (!('target' in p)) return { workload, pull, status: p.status, detail: p.detail };
    const result = results[next++];
    return lineOf(workload, pull, p, result);
  });
}

function plan(workload: WorkloadPulls, pull: ImagePull): Plan {
  const ref = pull.ref;
  // the table names the workload already
  const detail = (pull.message ?? 'the kubelet cannot pull it').replace(`${workload.pod.resource}: `, '');
  if (pull.failsBeforePull || !ref) return { status: 'invalid', detail };
  const target = (credentials: LoginCredential[]): LoginTarget =>
    ({ domain: ref.domain, repository: ref.path, reference: ref.digest ?? ref.tag ?? 'latest', credentials });
  const node = pull.node;
  const nodeNote = node && (node.provider.apiVersion === undefined
    ? `the node's own credentials (pattern '${node.pattern}' of ${node.provider.source}), which cannot be fetched here`
    : `the node's credential provider '${node.provider.name}' (pattern '${node.pattern}' in '${node.provider.source}'), whose ` +
      'credentials cannot be fetched here');
  switch (pull.verdict) {
    case 'node':
      return { status: 'skipped', detail: `pulled with ${nodeNote}` };
    case 'public':
      return { target: target([]), readable: [] };
    case 'undeclared':
      if (workload.unknownSecrets.length > 0) return { status: 'skipped', detail };
      return { target: target([]), readable: [] };
    case 'not covered':
      return { target: target([]), readable: [] };
    default: {
      const readable: PullCredential[] = [];
      for (const credential of pull.credentials) {
        if (credential.entry?.username === undefined || credential.entry.password === undefined) break;
        readable.push(credential);
      }
      const after = pull.credentials[readable.length];
      const next = after ? unreadableCredential(after) : nodeNote;
      if (readable.length === 0) return { status: 'skipped', detail: `the kubelet would use ${next}` };
      return {
        target: target(readable.map((c) => ({
          secret: secretName(c), server: displayKey(c.server), username: c.entry!.username!, password: c.entry!.password!,
        }))),
        readable,
        next,
      };
    }
  }
}

function lineOf(workload: WorkloadPulls, pull: ImagePull, p: { readable: readonly PullCredential[]; next?: string }, r: LoginResult): LoginLine {
  // a registry that cannot be reached at all gets no attempt per credential: name the first one the kubelet would send
  const first = p.readable[0];
  const via = r.credential?.secret ?? (first ? secretName(first) : 'anonymous');
  const server = r.credential?.server ?? (first ? displayKey(first.server) : undefined);
  const base = { workload, pull, via, server };
  if (r.status !== 'ok' && p.next !== undefined) {
    return { ...base, status: 'skipped', detail: `${r.detail}; the kubelet would then try ${p.next}` };
  }
  return { ...base, status: r.status, detail: r.detail };
}

function unreadableCredential(c: PullCredential): string {
  const what = `${describeSecret(c.secret)} (key '${displayKey(c.server)}')`;
  switch (c.secret.form) {
    case 'SealedSecret':
      return `${what}, which only the sealed-secrets controller can open`;
    case 'ExternalSecret':
      return `${what}, whose values live in the secret store`;
    default:
      return `${what}, whose entry has no username and password to log in with`;
  }
}

/** The secret's name: it is always in the pod's namespace, as inspect shows it. */
function secretName(c: PullCredential): string {
  return c.secret.name;
}

const STYLES: Record<LoginLineStatus, Style> = {
  'ok': 'green', 'skipped': 'yellow', 'unauthorized': 'red', 'denied': 'red', 'not found': 'red', 'unreachable': 'red', 'tls error': 'red',
  'invalid': 'red',
};

/** The lines a person reads: one table row per image, then why for every image that is not ok. */
export function loginCheckText(pulls: Pulls, lines: readonly LoginLine[], out: Output): string[] {
  const text: string[] = line(out, [{ text: `Login check of the images in ${pulls.paths.map(printable).join(', ')}`, style: 'bold' }]);
  if (lines.length === 0) return [...text, '  no images'];
  const rows: Row[] = [];
  let previous: WorkloadPulls | undefined;
  for (const l of lines) {
    if (l.workload !== previous) rows.push({ span: { text: printable(workloadName(l.workload)) } });
    previous = l.workload;
    rows.push([
      { text: printable(l.pull.use.image), indent: 2 },
      { text: l.status, style: STYLES[l.status] },
      { text: printable(l.via ?? '') },
      { text: printable(l.server ?? '') },
    ]);
  }
  pushAll(text, table(out, [
    { header: 'IMAGE', wrap: true, min: 14 }, { header: 'STATUS' }, { header: 'SECRET', wrap: true, min: 8 },
    { header: 'AUTHS KEY', wrap: true, min: 10 },
  ], rows));
  const explained = lines.filter((l) => l.status !== 'ok');
  if (explained.length > 0) {
    text.push('', paint(out, 'bold', 'Why'));
    for (const l of explained) {
      // no colour inside a wrapped paragraph: a line break must never fall inside an escape sequence
      const about = `${printable(l.pull.use.image)} (${printable(workloadName(l.workload))})`;
      pushAll(text, paragraph(out, `- ${about}: ${l.status}: ${printable(l.detail)}`, 2));
    }
  }
  const count = (s: LoginLineStatus): number => lines.filter((l) => l.status === s).length;
  const failed = lines.filter(isFailure).length;
  text.push('');
  pushAll(text, line(out, [
    { text: `${lines.length} image${lines.length === 1 ? '' : 's'}: ${count('ok')} ok, ${count('skipped')} skipped, ` },
    { text: `${failed} failed`, style: failed > 0 ? 'red' : 'green' },
  ]));
  return text;
}
