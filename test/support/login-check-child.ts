// Runs the login check in a process of its own, for tests of what the process-wide trust store changes (Node reads
// NODE_EXTRA_CA_CERTS, NODE_OPTIONS and SSL_CERT_FILE once, at start). Reads `{ targets, options }` as JSON on stdin,
// so that credentials never show up in a process listing, and writes the results as JSON on stdout.
import { checkLogins, LoginOptions, LoginTarget } from '../../lib/registry/login';

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { targets, options } = JSON.parse(input) as { targets: LoginTarget[]; options: LoginOptions };
  process.stdout.write(JSON.stringify(await checkLogins(targets, options)));
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
