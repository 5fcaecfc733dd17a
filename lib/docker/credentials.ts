/**
 * Credentials for one registry as a user gives them, checked the one way every form of pull secret checks them: the
 * server is a key the kubelet can read, and no user name, password or email ever reaches a message. Pure logic.
 */
import { optionalString, quote, requireObject, requireString } from '../input/values';
import { PLAIN_URL_PARSER, UrlParser } from '../go/url';
import { hasUserinfo, registryKeyProblem } from '../kubelet/keyring';

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
export function validateRegistryCredentials(
  credentials: unknown, context: string, fields: CredentialFieldNames = {}, urls: UrlParser = PLAIN_URL_PARSER,
): DockerConfigEntry {
  const c = requireObject(credentials, 'credentials', context, 'an object { server, username, password, email? }');
  const server = checkRegistryServer(c.server ?? DOCKER_HUB_SERVER, context, fields.server, urls);
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
export function checkRegistryServer(value: unknown, context: string, field = 'server', urls: UrlParser = PLAIN_URL_PARSER): string {
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
  const keyProblem = registryKeyProblem(server, urls);
  if (keyProblem !== undefined) {
    throw new Error(`${context}: '${field}' must be a registry the kubelet can read, such as 'ghcr.io' or 'registry.example.com:5000', ` +
      `got ${quote(server)}, which it would skip: ${keyProblem}`);
  }
  return server;
}


