#!/usr/bin/env node
// The `cdk8s-private-registry` program (package.json `bin`): `inspect` and `login-check` over synthesized manifests.
// This file only connects the command (run.ts) to the process: the streams, the exit status, and the re-execution
// that gives the login check its trust store.
import { spawn } from 'child_process';
import { constants } from 'os';
import { EXIT_USAGE, runCli } from './run';
import { streamOutput } from './terminal';

/** Runs this program again with the same arguments and `env`; its stdio is ours, so a terminal stays a terminal. */
function reexec(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], { env, stdio: 'inherit' });
    // a terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on to the child by its PID
    const forward = (signal: NodeJS.Signals): void => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, signal);
    };
    const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
    for (const s of signals) process.on(s, forward);
    const done = (status: number): void => {
      for (const s of signals) process.off(s, forward);
      resolve(status);
    };
    child.once('error', (e) => {
      process.stderr.write(`error: cannot run the login check in a child process: ${e.message}\n`);
      done(EXIT_USAGE);
    });
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0)));
  });
}

/**
 * Ends the process once stdout and stderr have taken everything written so far, instead of waiting for the event loop
 * to empty: the check's own fetch closes its sockets on time-out, but a `fetch` handed in (Node's built-in one keeps a
 * socket that is still connecting for 10 s after the request was aborted) or any other handle must not hold the report's
 * `--timeout` past its bound. The report is out and nothing else is pending, so the process ends here.
 */
function exitAfterOutput(status: number): void {
  process.exitCode = status;
  let pending = 2;
  // a write callback runs once everything written before it has been handed to the system (or the stream failed)
  const flushed = (): void => {
    if (--pending === 0) process.exit(status);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    out: streamOutput(process.stdout, process.env),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
    reexec,
  }).then(
    (status) => exitAfterOutput(status),
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message.replace(/\s*\n\s*/g, ' ') : String(e)}\n`);
      exitAfterOutput(EXIT_USAGE);
    },
  );
}
