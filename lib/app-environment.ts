import { DockerConfig } from './docker-config';
import { EXAMPLE_CREDENTIALS, PrivateRegistryChartProps } from './private-registry-chart';
import { RegistrySecretCredentialsProps } from './registry-secret';
import { SealingCertificate } from './sealed-registry-secret';

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

/** The environment variables the default app reads. */
export class AppEnvironmentVariables {
  /** Every variable the default app reads, for documentation and tests. */
  public static readonly NAMES = [
    'REGISTRY_SERVER', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD', 'REGISTRY_EMAIL', 'DOCKER_CONFIG', 'REGISTRY_SERVERS',
    'SEALED_SECRETS_CERT', 'IMAGE', 'SECRET_NAME', 'POD_NAME', 'NAMESPACE',
  ];

  /**
   * Reads the default app's input from environment variables, reading the docker config and the sealing certificate
   * they name. Throws naming the variable at fault, never a secret.
   *
   * @param env the environment, usually `process.env`; also where credential helpers are looked up (PATH)
   */
  public static read(env: { [name: string]: string | undefined }): AppEnvironment {
    const get = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
    const registryVars = ['REGISTRY_SERVER', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD', 'REGISTRY_EMAIL'];
    const setVars = registryVars.filter((n) => get(n) !== undefined);
    const dockerConfigDir = get('DOCKER_CONFIG');
    const servers = get('REGISTRY_SERVERS')?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

    if (servers && !dockerConfigDir) {
      throw new Error('environment variable REGISTRY_SERVERS picks servers from a docker config, but DOCKER_CONFIG is not set; ' +
        'set DOCKER_CONFIG to the directory that holds config.json (for example ~/.docker), or unset REGISTRY_SERVERS');
    }

    let notice: string | undefined;
    let credentials: RegistrySecretCredentialsProps = EXAMPLE_CREDENTIALS;
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
      const helperEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(env)) if (v !== undefined) helperEnv[k] = v;
      credentials = {
        dockerConfig: dockerConfigDir ? DockerConfig.fromFile({ env: helperEnv, servers }) : undefined,
        server: get('REGISTRY_SERVER'),
        username: get('REGISTRY_USERNAME'),
        password: get('REGISTRY_PASSWORD'),
        email: get('REGISTRY_EMAIL'),
      };
    }

    const certPath = get('SEALED_SECRETS_CERT');
    if (certPath && !get('NAMESPACE')) {
      throw new Error('environment variable NAMESPACE is not set, but SEALED_SECRETS_CERT is; a strict-scope SealedSecret seals ' +
        'its namespace into the value: set NAMESPACE to the namespace the pod runs in');
    }

    return {
      notice,
      chartProps: {
        credentials,
        sealingCertificate: certPath ? SealingCertificate.fromFile(certPath) : undefined,
        image: get('IMAGE'),
        secretName: get('SECRET_NAME'),
        podName: get('POD_NAME'),
        namespace: get('NAMESPACE'),
      },
    };
  }
}
