import { EXAMPLE_CREDENTIALS, PrivateRegistryChartProps } from './private-registry-chart';

/** What the default app takes from its environment. */
export interface AppEnvironment {
  /** The chart's props. */
  readonly chartProps: PrivateRegistryChartProps;

  /** A line for stderr when the app fell back to example input, for example the fake seed credentials. */
  readonly notice?: string;
}

/** The environment variables the default app reads. */
export class AppEnvironmentVariables {
  /** Every variable the default app reads, for documentation and tests. */
  public static readonly NAMES = [
    'REGISTRY_SERVER', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD', 'REGISTRY_EMAIL',
    'IMAGE', 'SECRET_NAME', 'POD_NAME', 'NAMESPACE',
  ];

  /**
   * Reads the default app's input from environment variables. Throws naming the missing variable, never a value
   * of REGISTRY_PASSWORD.
   *
   * @param env the environment, usually `process.env`
   */
  public static read(env: { [name: string]: string | undefined }): AppEnvironment {
    const get = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
    const registryVars = ['REGISTRY_SERVER', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD', 'REGISTRY_EMAIL'];
    const setVars = registryVars.filter((n) => get(n) !== undefined);

    let notice: string | undefined;
    let credentials = EXAMPLE_CREDENTIALS;
    if (setVars.length === 0) {
      notice = 'cdk8s-private-registry: no REGISTRY_* variables set, using the example credentials janedoe / jdoe@example.com ' +
        'for https://index.docker.io/v1/ (set REGISTRY_USERNAME and REGISTRY_PASSWORD for real ones)';
    } else {
      for (const required of ['REGISTRY_USERNAME', 'REGISTRY_PASSWORD']) {
        if (get(required) === undefined) {
          throw new Error(`environment variable ${required} is not set, but ${setVars.join(', ')} ${setVars.length === 1 ? 'is' : 'are'}; ` +
            `set ${required}, or unset every REGISTRY_* variable to use the example credentials`);
        }
      }
      credentials = {
        server: get('REGISTRY_SERVER'),
        username: get('REGISTRY_USERNAME')!,
        password: get('REGISTRY_PASSWORD')!,
        email: get('REGISTRY_EMAIL'),
      };
    }

    return {
      notice,
      chartProps: {
        credentials,
        image: get('IMAGE'),
        secretName: get('SECRET_NAME'),
        podName: get('POD_NAME'),
        namespace: get('NAMESPACE'),
      },
    };
  }
}
