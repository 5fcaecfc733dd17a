// The default app: the "pull an image from a private registry" task, with its input from the environment
// (see README, "Environment variables"). All logic lives in lib/; this file only wires it up.
import { App } from 'cdk8s';
import { AppEnvironmentVariables } from './app/environment';
import { PrivateRegistryChart } from './app/private-registry-chart';

try {
  const { chartProps, notice } = AppEnvironmentVariables.read(process.env);
  if (notice) process.stderr.write(notice + '\n');

  const app = new App();
  new PrivateRegistryChart(app, 'private-registry', chartProps);
  app.synth();
} catch (e) {
  // one line per problem, no stack: every message of ours names the field and the fix, and none holds a secret.
  // cdk8s gathers validation errors as 'Validation failed with the following errors:' and one '  [path] message' line each.
  const message = e instanceof Error ? e.message : String(e);
  const lines = message.startsWith('Validation failed') ? message.split('\n').slice(1).map((l) => l.trim()) : [message.replace(/\n/g, ' ')];
  for (const line of lines) process.stderr.write(`error: ${line}\n`);
  process.exit(1);
}
