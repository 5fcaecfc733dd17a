import { statSync } from 'fs';
import { join } from 'path';
import { dns1123LabelProblem, dns1123SubdomainProblem, quote } from '../lib/input/values';
import { DockerConfig } from '../lib/docker/docker-config';
import { DOCKER_HUB_SERVER, validateRegistryCredentials } from '../lib/docker/credentials';
import { parseImageReference } from '../lib/kubelet/image-reference';
import { findNearMisses } from '../lib/kubelet/keyring';
import { payloadSizeProblem } from '../lib/docker/payload';
import { EXAMPLE_CREDENTIALS, PrivateRegistryChartProps } from './private-registry-chart';
import { PullCheckRule, PullEngine } from '../lib/check/pull-engine';
import { RegistrySecretCredentialsProps } from '../lib/secrets/registry-secret';
import { SealingCertificate } from '../lib/secrets/sealing-certificate';
import { readStabilityKey } from '../lib/secrets/_stability-key';

/** What the default app takes from its environment. */
export interface AppEnvironment {
  /** The chart's props. */
  readonly chartProps: PrivateRegistryChartProps;

  /**
   * A line for stderr when the app fell back to example input, for example the fake seed credentials.
   *
   * @default - nothing to say
   */
  readonly notice?: string;
}

const DEFAULT_IMAGE = 'janedoe/jdoe-private:v1';
const STABILITY_KEY_VAR = 'SEALED_SECRETS_STABILITY_KEY';
// the variable that holds each credential field
const INLINE_VARS = { server: 'REGISTRY_SERVER', username: 'REGISTRY_USERNAME', password: 'REGISTRY_PASSWORD', email: 'REGISTRY_EMAIL' } as const;
const REGISTRY_VARS = Object.values(INLINE_VARS);

/** The environment variables the default app reads. */
export class AppEnvironmentVariables {
  /** Every variable the default app reads, for documentation and tests. */
  public static readonly NAMES = [...REGISTRY_VARS, 'DOCKER_CONFIG', 'REGISTRY_SERVERS', 'SEALED_SECRETS_CERT', STABILITY_KEY_VAR, 'IMAGE',
    'SECRET_NAME', 'POD_NAME', 'NAMESPACE'];

  /**
   * Reads the default app's input from environment variables, reading the docker config and the sealing certificate
   * they name, and checks all of it, the pull included, before anything is built: every error names the variable to
   * change and never holds a secret.
   *
   * @param env the environment, usually `process.env`; also where credential helpers are looked up (PATH)
   */
  public static read(env: { [name: string]: string | undefined }): AppEnvironment {
    const get = (name: string): string | undefined => {
      const value = env[name];
      if (value === undefined || value === '') return undefined;
      // Node reads bytes that are not UTF-8 as U+FFFD: a Latin-1 password would otherwise be changed silently
      if (value.includes('\ufffd')) {
        throw new Error(`environment variable ${name} is not valid UTF-8 text (its invalid bytes would be written as U+FFFD); ` +
          'set it in UTF-8');
      }
      return value;
    };
    const secretName = checkName(get, 'SECRET_NAME', dns1123SubdomainProblem);
    const podName = checkName(get, 'POD_NAME', dns1123SubdomainProblem);
    const namespace = checkName(get, 'NAMESPACE', dns1123LabelProblem);
    const image = get('IMAGE');
    if (image !== undefined) {
      try {
        parseImageReference(image);
      } catch (e) {
        throw new Error(`environment variable IMAGE: ${(e as Error).message}`);
      }
    }

    const setVars = REGISTRY_VARS.filter((n) => get(n) !== undefined);
    const dockerConfigDir = get('DOCKER_CONFIG');
    const servers = readServerList(get('REGISTRY_SERVERS'));
    if (servers && !dockerConfigDir) {
      throw new Error('environment variable REGISTRY_SERVERS picks servers from a docker config, but DOCKER_CONFIG is not set; ' +
        'set DOCKER_CONFIG to the directory that holds config.json (for example ~/.docker), or unset REGISTRY_SERVERS');
    }

    let notice: string | undefined;
    let credentials: RegistrySecretCredentialsProps = EXAMPLE_CREDENTIALS;
    let secretServers = [EXAMPLE_CREDENTIALS.server!];
    if (setVars.length === 0 && !dockerConfigDir) {
      notice = 'cdk8s-private-registry: no REGISTRY_* variables set, using the example credentials janedoe / jdoe@example.com ' +
        'for https://index.docker.io/v1/ (set REGISTRY_USERNAME and REGISTRY_PASSWORD, or DOCKER_CONFIG, for real ones)';
    } else {
      if (setVars.length > 0) {
        for (const required of ['REGISTRY_USERNAME', 'REGISTRY_PASSWORD']) {
          if (get(required) === undefined) {
            throw new Error(`environment variable ${required} is not set, but ${setVars.join(', ')} ${setVars.length === 1 ? 'is' : 'are'}; ` +
              `set ${required}, or unset every REGISTRY_* variable to use ${dockerConfigDir ? 'only DOCKER_CONFIG' : 'the example credentials'}`);
          }
        }
      }
      const inline = setVars.length > 0
        ? validateRegistryCredentials({ server: get('REGISTRY_SERVER'), username: get('REGISTRY_USERNAME'), password: get('REGISTRY_PASSWORD'),
          email: get('REGISTRY_EMAIL') }, 'environment variables', INLINE_VARS)
        : undefined;
      const dockerConfig = dockerConfigDir ? readDockerConfig(dockerConfigDir, servers, env) : undefined;
      if (inline && dockerConfig?.servers.includes(inline.server)) {
        throw new Error(`environment variable REGISTRY_SERVER '${inline.server}' is also a server of the docker config in DOCKER_CONFIG; ` +
          'a Secret holds one entry per server: unset the REGISTRY_* variables, or leave that server out with REGISTRY_SERVERS');
      }
      credentials = { dockerConfig, server: inline?.server, username: inline?.username, password: inline?.password, email: inline?.email };
      const entries = [...dockerConfig?._entriesRead ?? [], ...inline ? [inline] : []];
      const sizeProblem = payloadSizeProblem(entries, (entry, field) => (entry === inline
        ? `environment variable ${INLINE_VARS[field]}` : `the '${field}' of server ${quote(entry.server)} in the docker config of DOCKER_CONFIG`));
      if (sizeProblem !== undefined) {
        const from = [dockerConfigDir ? 'DOCKER_CONFIG' : undefined, inline ? 'REGISTRY_*' : undefined].filter((v) => v).join(' and ');
        throw new Error(`environment variables ${from}: ${sizeProblem}` +
          (dockerConfigDir ? ', or pick fewer servers with REGISTRY_SERVERS' : ''));
      }
      secretServers = [...dockerConfig?.servers ?? [], ...inline ? [inline.server] : []];
    }

    const certPath = get('SEALED_SECRETS_CERT');
    if (certPath && !namespace) {
      throw new Error('environment variable NAMESPACE is not set, but SEALED_SECRETS_CERT is; a strict-scope SealedSecret seals ' +
        'its namespace into the value: set NAMESPACE to the namespace the pod runs in');
    }
    let sealingCertificate: SealingCertificate | undefined;
    if (certPath) {
      try {
        sealingCertificate = SealingCertificate.fromFile(certPath);
      } catch (e) {
        throw new Error(`environment variable SEALED_SECRETS_CERT: ${(e as Error).message}`);
      }
    }

    const stabilityKey = get(STABILITY_KEY_VAR);
    if (stabilityKey !== undefined) {
      readStabilityKey(stabilityKey, `environment variable ${STABILITY_KEY_VAR}`);
      if (!certPath) {
        throw new Error(`environment variable ${STABILITY_KEY_VAR} is set, but SEALED_SECRETS_CERT is not; the key only makes sealed ` +
          `secrets stable: set SEALED_SECRETS_CERT to the controller's certificate, or unset ${STABILITY_KEY_VAR}`);
      }
    }

    checkImageCovered(image ?? DEFAULT_IMAGE, image !== undefined, secretServers);
    return {
      notice,
      chartProps: { credentials, sealingCertificate, stabilityKey, image, secretName, podName, namespace },
    };
  }
}

function checkName(get: (name: string) => string | undefined, name: string, problemOf: (text: string) => string | undefined): string | undefined {
  const value = get(name);
  const problem = value === undefined ? undefined : problemOf(value);
  if (problem !== undefined) throw new Error(`environment variable ${name} ${problem}`);
  return value;
}

function readServerList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const servers = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (servers.length === 0) {
    throw new Error(`environment variable REGISTRY_SERVERS lists no server, got ${JSON.stringify(value)}; set it to comma-separated ` +
      'servers of the docker config such as \'ghcr.io,quay.io\', or unset it to take every server');
  }
  return servers;
}

function readDockerConfig(dir: string, servers: string[] | undefined, env: { [name: string]: string | undefined }): DockerConfig {
  const where = `environment variable DOCKER_CONFIG '${dir}'`;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new Error(`${where} names no folder that can be read; set it to the directory that holds docker's config.json ` +
      '(for example ~/.docker), or unset it');
  }
  if (!isDirectory) {
    throw new Error(`${where} names a file, expected the directory that holds config.json; set it to that file's directory`);
  }
  try {
    statSync(join(dir, 'config.json'));
  } catch {
    throw new Error(`${where} has no config.json that can be read; run 'docker login SERVER' with DOCKER_CONFIG set, or point it at ` +
      'the directory that has one');
  }
  const helperEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) helperEnv[k] = v;
  try {
    return DockerConfig.fromFile({ env: helperEnv, servers });
  } catch (e) {
    throw new Error(`environment variable DOCKER_CONFIG${servers ? ' (with REGISTRY_SERVERS)' : ''}: ${(e as Error).message}`);
  }
}

/** The pull check the pod will run at synth, run now so that its message can name the variables to change. */
function checkImageCovered(image: string, fromEnv: boolean, servers: string[]): void {
  const { errors } = new PullEngine().resolvePod({ containers: [{ name: 'private-reg-container', image }], secrets: [{ name: 'secret', servers }] });
  const error = errors[0];
  if (error === undefined) return;
  const what = fromEnv ? `environment variable IMAGE '${image}'` : `the default image '${image}' (IMAGE is not set)`;
  if (error.rule !== PullCheckRule.IMAGE_COVERAGE) {
    throw new Error(`${what}: ${error.message}`);
  }
  const ref = parseImageReference(image);
  const near = findNearMisses(servers, ref).map((m) => `; ${m.hint}`).join('');
  const source = servers.length === 1 && servers[0] === DOCKER_HUB_SERVER ? 'the Docker Hub default' : 'the pull secret';
  throw new Error(`${what} (repository '${ref.name}') is not covered by ${source} (servers ${servers.map((s) => `'${s}'`).join(', ')})${near}; ` +
    `the kubelet would pull it anonymously and fail: set IMAGE to an image on one of those servers, or REGISTRY_SERVER to '${ref.domain}'` +
    ' (with DOCKER_CONFIG, REGISTRY_SERVERS to a server that covers it)');
}
