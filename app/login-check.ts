/**
 * The default app's optional live login check: with REGISTRY_LOGIN_CHECK=1, after synth, the app runs the command
 * line's `login-check` over what it wrote, in its own process, and fails when an image would not pull. With the
 * variable unset (or 0) nothing here runs and the app never touches the network.
 *
 * The report goes to stderr: `cdk8s synth` keeps an app's stdout to itself and shows its stderr. The check runs in
 * this process, so it trusts Node's CA list plus NODE_EXTRA_CA_CERTS; for the system's CAs or `--ca-file`, run
 * `npx cdk8s-private-registry login-check` instead.
 */
import { EXIT_USAGE, runCli } from '../lib/cli/run';
import { streamOutput } from '../lib/cli/terminal';

/** The variable that asks for the check. */
export const LOGIN_CHECK_VARIABLE = 'REGISTRY_LOGIN_CHECK';

/** Whether the environment asks for the login check; throws (naming the variable) for a value other than 1, 0 or empty. */
export function loginCheckRequested(env: { [name: string]: string | undefined }): boolean {
  const value = env[LOGIN_CHECK_VARIABLE];
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`environment variable ${LOGIN_CHECK_VARIABLE} must be 1 (check the logins after synth) or 0, got ` +
    `${JSON.stringify(value.slice(0, 20))}; set it to 1 or unset it`);
}

/**
 * Runs the login check over the manifests in `outdir`, then ends the process once stderr has taken the report: with
 * status 1 when an image fails. It does not wait for the event loop to empty, as the command does not: no handle left
 * open may stretch the run past the check's time-out.
 */
export async function runLoginCheck(outdir: string): Promise<void> {
  const out = streamOutput(process.stderr, process.env);
  let status: number;
  try {
    status = await runCli(['login-check', '--', outdir], {
      out, err: (line) => process.stderr.write(`${line}\n`), env: process.env, cwd: process.cwd(),
    });
  } catch (e) {
    process.stderr.write(`error: login check: ${e instanceof Error ? e.message.replace(/\s*\n\s*/g, ' ') : String(e)}\n`);
    status = EXIT_USAGE;
  }
  const code = status === 0 ? 0 : 1;
  process.exitCode = code;
  process.stderr.write('', () => process.exit(code));
}
