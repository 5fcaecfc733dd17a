/**
 * The `.dockerconfigjson` payload of a `kubernetes.io/dockerconfigjson` Secret, byte for byte as
 * `kubectl create secret docker-registry` writes it. Pure logic: no constructs.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
import { compareUtf8, goJsonString } from './_go-json';

/** The server kubectl uses when `--docker-server` is left out: Docker Hub's legacy v1 index. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** Credentials for one registry, in docker's own words. */
export interface RegistryCredentials {
  /**
   * The registry, used verbatim as the key under `auths` (as `kubectl --docker-server` does): `ghcr.io`,
   * `registry.example.com:5000`, `https://index.docker.io/v1/`.
   *
   * @default 'https://index.docker.io/v1/' (Docker Hub, kubectl's default)
   */
  readonly server?: string;

  /** The user name. It must not contain ':' (the kubelet splits `auth` at the first colon). */
  readonly username: string;

  /** The password or access token. It never appears in an error message. */
  readonly password: string;

  /**
   * The email address stored with the entry. Registries ignore it; kubectl writes it when given.
   *
   * @default - no `email` field
   */
  readonly email?: string;
}

/** One validated entry of `auths`: the server is resolved and every field checked. */
export interface DockerConfigEntry {
  /** The key under `auths`, verbatim. */
  readonly server: string;
  /** The user name. */
  readonly username: string;
  /** The password. */
  readonly password: string;
  /** The email, when one was given. */
  readonly email?: string;
}

/** `auth` as kubectl writes it: padded standard base64 of the UTF-8 bytes of `username:password`. */
export function dockerConfigAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * Checks one set of credentials and resolves the default server. Throws one clear error that never contains the
 * password.
 *
 * @param credentials what the user gave
 * @param context names the owner in messages, for example `PrivateRegistrySecret 'app/regcred'`
 */
export function validateRegistryCredentials(credentials: RegistryCredentials, context: string): DockerConfigEntry {
  const server = credentials.server ?? DOCKER_HUB_SERVER;
  if (typeof server !== 'string' || server.length === 0) {
    throw new Error(`${context}: 'server' must be a registry such as 'ghcr.io' or 'https://index.docker.io/v1/', got an empty string; ` +
      'leave it out for Docker Hub');
  }
  if (/\s/.test(server)) {
    throw new Error(`${context}: 'server' must not contain white space, got ${JSON.stringify(server)}; remove the spaces or line breaks`);
  }
  const where = `${context}, server '${server}'`;
  const username = credentials.username;
  if (typeof username !== 'string' || username.length === 0) {
    throw new Error(`${where}: 'username' must not be empty; set the registry user name (for a token login, the name the registry expects)`);
  }
  if (username.includes(':')) {
    throw new Error(`${where}: 'username' must not contain ':', got ${JSON.stringify(username)}; the kubelet splits 'auth' at the first ':', ` +
      'so this secret could never log in: use the account name without \':\'');
  }
  if (typeof credentials.password !== 'string' || credentials.password.length === 0) {
    throw new Error(`${where}: 'password' must not be empty; pass the registry password or access token (for example from an environment variable)`);
  }
  if (credentials.email !== undefined && typeof credentials.email !== 'string') {
    throw new Error(`${where}: 'email' must be a string when given`);
  }
  return { server, username, password: credentials.password, email: credentials.email || undefined };
}

/**
 * The `.dockerconfigjson` text: `{"auths":{SERVER:{"username","password","email","auth"}}}` as Go's `json.Marshal`
 * writes it (compact, fields in that order, empty fields left out, `<` `>` `&` U+2028 U+2029 escaped).
 *
 * Several entries are written in the order Go writes a map's keys: sorted by the UTF-8 bytes of the server.
 * For one entry this is exactly what `kubectl create secret docker-registry` writes.
 */
export function encodeDockerConfigJson(entries: readonly DockerConfigEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareUtf8(a.server, b.server));
  const parts = sorted.map((e) => {
    const fields = [`"username":${goJsonString(e.username)}`, `"password":${goJsonString(e.password)}`];
    if (e.email) fields.push(`"email":${goJsonString(e.email)}`);
    fields.push(`"auth":${goJsonString(dockerConfigAuth(e.username, e.password))}`);
    return `${goJsonString(e.server)}:{${fields.join(',')}}`;
  });
  return `{"auths":{${parts.join(',')}}}`;
}
