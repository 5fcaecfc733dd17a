/**
 * The `.dockerconfigjson` payload of a `kubernetes.io/dockerconfigjson` Secret, byte for byte as
 * `kubectl create secret docker-registry` writes it. Pure logic: no constructs.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
import { compareUtf8, goJsonString } from './_go-json';
import { optionalString, quote, requireObject, requireString } from './_validate';
import { registryKeyProblem } from './keyring';

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

/** How the caller names the credential fields in messages (the default app names its environment variables). */
export interface CredentialFieldNames {
  readonly server?: string;
  readonly username?: string;
  readonly password?: string;
  readonly email?: string;
}

/**
 * Checks one set of credentials and resolves the default server. Throws one clear error that names the field and never
 * contains the user name, password or email (only the server, which is not secret, is quoted).
 *
 * @param credentials what the user gave; anything, since JavaScript callers can pass anything
 * @param context names the owner in messages, for example `PrivateRegistrySecret 'regcred'`
 */
export function validateRegistryCredentials(credentials: unknown, context: string, fields: CredentialFieldNames = {}): DockerConfigEntry {
  const c = requireObject(credentials, 'credentials', context, 'an object { server, username, password, email? }');
  const server = checkRegistryServer(c.server ?? DOCKER_HUB_SERVER, context, fields.server);
  const where = `${context}, server '${server}'`;
  const usernameField = fields.username ?? 'username';
  const username = requireString(c.username, usernameField, where, {
    secret: true, emptyHint: 'set the registry user name (for a token login, the name the registry expects)',
  });
  if (username.includes(':')) {
    // the value is not shown: a pasted 'user:password' holds the password
    throw new Error(`${where}: '${usernameField}' must not contain ':' (its value is not shown: it may hold a pasted password); the kubelet ` +
      'splits \'auth\' at the first \':\', so this secret could never log in: use the account name without \':\'');
  }
  const password = requireString(c.password, fields.password ?? 'password', where, {
    secret: true, emptyHint: 'pass the registry password or access token (for example from an environment variable)',
  });
  const email = optionalString(c.email, fields.email ?? 'email', where, { secret: true, allowEmpty: true });
  return { server, username, password, email: email || undefined };
}

/**
 * Checks a registry as the key under `auths`, the one rule for every form of pull secret: a string, no user name or
 * password in it, no white space, and a key the kubelet can parse (it skips one it cannot, silently).
 */
export function checkRegistryServer(value: unknown, context: string, field = 'server'): string {
  const server = requireString(value, field, context, {
    emptyHint: 'use a registry such as \'ghcr.io\' or \'https://index.docker.io/v1/\', or leave it out for Docker Hub',
  });
  if (hasUserinfo(server)) {
    // not quoted: 'user:password@host' holds a password
    throw new Error(`${context}: '${field}' must not hold a user name or password before '@' (its value is not shown); ` +
      'write only the registry, such as \'ghcr.io\', and put the credentials into \'username\' and \'password\'');
  }
  if (/\s/.test(server)) {
    throw new Error(`${context}: '${field}' must not contain white space, got ${quote(server)}; remove the spaces or line breaks`);
  }
  const keyProblem = registryKeyProblem(server);
  if (keyProblem !== undefined) {
    throw new Error(`${context}: '${field}' must be a registry the kubelet can read, such as 'ghcr.io' or 'registry.example.com:5000', ` +
      `got ${quote(server)}, which it would skip: ${keyProblem}`);
  }
  return server;
}

/** Whether a registry key has `user[:password]@` before its host, as a URL may. */
export function hasUserinfo(server: string): boolean {
  const authority = server.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split(/[/?#]/)[0];
  return authority.includes('@');
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
