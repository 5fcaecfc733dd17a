/**
 * The command line, apart from the process it runs in: arguments in, lines out, an exit status back. `main.ts` gives it
 * the real streams; the default app calls it in process.
 *
 * Exit status: inspect gives 1 when its report lists any problem (an image not covered, and also a Secret made twice or
 * that cannot be decoded, a bad `auths` key...), else 0. login-check gives 1 when an image is unauthorized, denied, not
 * found, unreachable, a tls error or invalid, else 0: `skipped` (a SealedSecret, an ExternalSecret, a secret not in the
 * output, the node's credentials) does not fail it. Both give 2 for bad usage or input that cannot be read (one line on
 * stderr, never a secret).
 */
import { checkLogins } from '../registry/login';
import { loginTlsEnvironment, loginTlsReady } from '../registry/tls';
import { CliArgs, SYNOPSIS, USAGE, UsageError, parseArgs } from './args';
import { inspectJson, inspectStatus, inspectText } from './inspect';
import { isFailure, loginCheck, loginCheckText } from './login-check';
import { readPulls } from './pulls';
import { Output } from './terminal';
import { packageVersion } from './version';

/** Exit statuses. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where the command reads and writes. */
export interface CliContext {
  readonly out: Output;
  /** Writes one line to stderr. */
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * Runs the same command again in a child process with this environment and gives its exit status: the login check's
   * trust store (system CAs, `--ca-file`) can only be set when Node starts (see registry/tls.ts).
   *
   * @default - the check runs in this process, with the trust store it has
   */
  readonly reexec?: (env: NodeJS.ProcessEnv) => Promise<number>;
}

/** Runs the command `argv` (the arguments after the program name) and gives the exit status. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    context.err(`error: ${e.message}`);
    context.err('');
    for (const l of SYNOPSIS.trimEnd().split('\n')) context.err(l);
    return EXIT_USAGE;
  }
  if (args.command === 'help') {
    context.out.write(USAGE);
    return EXIT_OK;
  }
  if (args.command === 'version') {
    context.out.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  try {
    return args.command === 'inspect' ? inspect(args, context) : await check(args, context);
  } catch (e) {
    // every message of ours is one line that names the file or option; a stray line break must not make it two
    context.err(`error: ${(e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ')}`);
    return EXIT_USAGE;
  }
}

function inspect(args: CliArgs, context: CliContext): number {
  const pulls = readPulls(args, context.cwd);
  if (args.json) {
    context.out.write(`${JSON.stringify(inspectJson(pulls), null, 2)}\n`);
  } else {
    context.out.write(`${inspectText(pulls, context.out).join('\n')}\n`);
  }
  return inspectStatus(pulls);
}

async function check(args: CliArgs, context: CliContext): Promise<number> {
  const options = { concurrency: args.concurrency, timeoutMs: args.timeoutMs, insecureRegistries: args.insecureRegistries };
  try {
    await checkLogins([], options);
  } catch (e) {
    throw new Error((e as Error).message.replace('\'insecureRegistries\' entries', 'option --insecure-registry'));
  }
  if (context.reexec && !loginTlsReady(args.caFile, context.env)) {
    // checked here, so that a bad --ca-file is a usage error of this process, not of the child
    const tls = loginTlsEnvironment(args.caFile, context.env);
    try {
      return await context.reexec(tls.env);
    } finally {
      tls.cleanup();
    }
  }
  // the input is read before any request, so that unreadable input never half-checks
  const pulls = readPulls(args, context.cwd);
  const lines = await loginCheck(pulls, options);
  context.out.write(`${loginCheckText(pulls, lines, context.out).join('\n')}\n`);
  return lines.some(isFailure) ? EXIT_FAILED : EXIT_OK;
}
