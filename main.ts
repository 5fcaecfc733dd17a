// The default app: the "pull an image from a private registry" task, with its input from the environment
// (see docs/default-app.md, "Environment variables"). The logic lives in lib/ and app/; this file only wires it up.
import { App } from 'cdk8s';
import { AppEnvironmentVariables } from './app/environment';
import { errorLines } from './app/errors';
import { loginCheckRequested, runLoginCheck } from './app/login-check';
import { PrivateRegistryChart } from './app/private-registry-chart';

try {
  const { chartProps, notice } = AppEnvironmentVariables.read(process.env);
  const loginCheck = loginCheckRequested(process.env);
  if (notice) process.stderr.write(notice + '\n');

  const app = new App();
  new PrivateRegistryChart(app, 'private-registry', chartProps);
  app.synth();
  // only with REGISTRY_LOGIN_CHECK=1: nothing else in the app touches the network
  if (loginCheck) void runLoginCheck(app.outdir);
} catch (e) {
  // every message of ours names the field and the fix, and none holds a secret
  for (const line of errorLines(e)) process.stderr.write(line + '\n');
  process.exit(1);
}
