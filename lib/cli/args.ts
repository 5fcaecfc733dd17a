/**
 * The command line, parsed by hand (no parsing library): `cdk8s-private-registry COMMAND [OPTION...] [PATH...]`.
 * Options take their value as `--name value` or `--name=value`; `--` ends the options. Anything unknown or malformed
 * is a `UsageError`: one line, then the usage, exit status 2.
 */
import { pushAll } from '../input/arrays';

/** Bad usage: the message is one line naming the option or argument. */
export class UsageError extends Error {}

/** What the command was asked to do. */
export interface CliArgs {
  readonly command: 'inspect' | 'login-check' | 'help' | 'version';
  /** Files or folders of manifests; empty means the default (cdk8s.yaml's `output`, else `dist`). */
  readonly paths: readonly string[];
  readonly json: boolean;
  readonly publicImages: readonly string[];
  readonly nodeImages: readonly string[];
  readonly credentialProviderConfig?: string;
  readonly caFile?: string;
  readonly insecureRegistries: readonly string[];
  readonly concurrency?: number;
  /** In milliseconds. */
  readonly timeoutMs?: number;
}

/** The most requests the login check may have in flight, and the longest time-out, that the option accepts. */
export const MAX_CONCURRENCY = 256;
export const MAX_TIMEOUT_SECONDS = 3600;

/** The synopsis, printed after a usage error. */
export const SYNOPSIS = `usage: cdk8s-private-registry inspect [--json] [OPTIONS] [PATH...]
       cdk8s-private-registry login-check [--ca-file FILE]
           [--insecure-registry HOST] [--concurrency N] [--timeout SECONDS]
           [OPTIONS] [PATH...]
       cdk8s-private-registry --help | --version
`;

/** The whole help, for `--help`; every line fits 80 columns. */
export const USAGE = `${SYNOPSIS}
  inspect       the pull secrets of the manifests (passwords redacted) and, for
                every image, the secret and auths key the kubelet will use
  login-check   log in to each image's registry with those credentials, in the
                kubelet's order, and look up its manifest; never prints a secret

PATH is a folder of *.yaml / *.yml manifests, or a manifest file (default: the
'output' of ./cdk8s.yaml, else dist/).

options of both:
  --public-image IMAGE        an image or repository pulled anonymously on
                              purpose (repeatable)
  --node-image PATTERN        images the node's kubelet has credentials for, as
                              matchImages patterns (repeatable)
  --credential-provider-config FILE
                              the kubelet's --image-credential-provider-config
inspect:
  --json                      print {secrets, workloads, problems} as JSON
login-check:
  --ca-file FILE              trust the CA certificates of FILE (PEM) too
  --insecure-registry HOST    allow plain HTTP to HOST or HOST:PORT
                              (loopback addresses always may; repeatable)
  --concurrency N             requests in flight at once (default 8)
  --timeout SECONDS           time-out of each request (default 10)

Defaults for --public-image, --node-image and --credential-provider-config come
from the PullCheckValidation properties in ./cdk8s.yaml.

Exit status:
  inspect       0 when it lists no problem; 1 when it lists any: an image NOT
                COVERED, and also a Secret made twice or that cannot be
                decoded, a bad auths key, a pull secret in another namespace;
                warnings (an image undeclared, Docker Hub's rate limit) do not
                count
  login-check   0 when every image is ok or skipped (skipped: what cannot be
                checked from here, such as a SealedSecret, an ExternalSecret, a
                secret not in the output or the node's credentials); 1 when one
                is unauthorized, denied, not found, unreachable, tls error or
                invalid
  both          2 for bad usage or unreadable input
`;

const COMMANDS = ['inspect', 'login-check'] as const;
const FLAGS: Record<string, readonly string[]> = {
  'inspect': ['--json', '--public-image', '--node-image', '--credential-provider-config'],
  'login-check': ['--public-image', '--node-image', '--credential-provider-config', '--ca-file', '--insecure-registry', '--concurrency',
    '--timeout'],
};
const VALUELESS = ['--json'];
const REPEATABLE = ['--public-image', '--node-image', '--insecure-registry'];

/** Parses the arguments after the program name. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('no command given: use inspect or login-check');
  if (command === '--help' || command === '-h' || command === 'help') return { ...empty(), command: 'help' };
  if (command === '--version') return { ...empty(), command: 'version' };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command ${show(command)}: use inspect or login-check`);
  }
  const known = FLAGS[command];
  const values = new Map<string, string[]>();
  const paths: string[] = [];
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      pushAll(paths, rest.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') return { ...empty(), command: 'help' };
    if (arg === '--version') return { ...empty(), command: 'version' };
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === '') throw new UsageError('an empty PATH was given: name a folder or a manifest file');
      paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.includes(name)) {
      const elsewhere = COMMANDS.find((c) => c !== command && FLAGS[c].includes(name));
      throw new UsageError(`unknown option ${show(name)} for ${command}${elsewhere ? ` (it is an option of ${elsewhere})` : ''}`);
    }
    if (VALUELESS.includes(name)) {
      if (eq > 0) throw new UsageError(`option ${name} takes no value`);
      json = true;
      continue;
    }
    let value: string;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= rest.length) throw new UsageError(`option ${name} needs a value`);
      value = rest[++i];
    }
    if (value === '') throw new UsageError(`option ${name} needs a value, got an empty one`);
    const list = values.get(name) ?? [];
    if (list.length > 0 && !REPEATABLE.includes(name)) throw new UsageError(`option ${name} is given twice: give it once`);
    values.set(name, [...list, value]);
  }
  const one = (name: string): string | undefined => values.get(name)?.[0];
  return {
    command: command as CliArgs['command'],
    paths,
    json,
    publicImages: values.get('--public-image') ?? [],
    nodeImages: values.get('--node-image') ?? [],
    credentialProviderConfig: one('--credential-provider-config'),
    caFile: one('--ca-file'),
    insecureRegistries: values.get('--insecure-registry') ?? [],
    concurrency: integerOption('--concurrency', one('--concurrency')),
    timeoutMs: secondsOption('--timeout', one('--timeout')),
  };
}

function empty(): CliArgs {
  return { command: 'help', paths: [], json: false, publicImages: [], nodeImages: [], insecureRegistries: [] };
}

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_CONCURRENCY)) {
    throw new UsageError(`option ${name} must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${show(value)}`);
  }
  return n;
}

function secondsOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+(?:\.\d+)?$|^\.\d+$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && n <= MAX_TIMEOUT_SECONDS)) {
    throw new UsageError(`option ${name} must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, such as 10 or 2.5, ` +
      `got ${show(value)}`);
  }
  return Math.max(1, Math.round(n * 1000));
}

/** An argument for a message: quoted, one line, at most 80 characters. */
export function show(value: string): string {
  const text = JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return `'${text.slice(1, -1)}'`;
}
