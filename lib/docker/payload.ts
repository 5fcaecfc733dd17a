/**
 * The `.dockerconfigjson` payload of a `kubernetes.io/dockerconfigjson` Secret, byte for byte as
 * `kubectl create secret docker-registry` writes it. Pure logic: no constructs.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
import { compareUtf8, goJsonString } from '../go/json';
import { DockerConfigEntry } from './credentials';
import { quote } from '../input/values';

/** The Secret type the kubelet reads pull credentials from. */
export const DOCKER_CONFIG_JSON_SECRET_TYPE = 'kubernetes.io/dockerconfigjson';

/** The data key of a `kubernetes.io/dockerconfigjson` Secret. */
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';

/** The legacy Secret type, whose payload is a bare `{SERVER: {...}}` map. */
export const DOCKERCFG_SECRET_TYPE = 'kubernetes.io/dockercfg';

/** The data key of a `kubernetes.io/dockercfg` Secret. */
export const DOCKERCFG_KEY = '.dockercfg';

/** The most a Secret's data may hold: the API server refuses a Secret whose data values add up to more bytes. */
export const MAX_SECRET_DATA_BYTES = 1024 * 1024;

/**
 * Why the payload of `entries` is over the API server's limit, or undefined: its size, the limit, and the field that
 * weighs most (named, never shown), so that a 1 MiB user name is not reported as a password.
 *
 * @param fieldName names a field of an entry in the message (the default app names its environment variables); by
 * default `'username' of server 'ghcr.io'`
 */
export function payloadSizeProblem(
  entries: readonly DockerConfigEntry[], fieldName: (entry: DockerConfigEntry, field: keyof DockerConfigEntry) => string = defaultFieldName,
): string | undefined {
  const size = Buffer.byteLength(encodeDockerConfigJson(entries), 'utf8');
  if (size <= MAX_SECRET_DATA_BYTES) return undefined;
  let largest = { entry: entries[0], field: 'server' as keyof DockerConfigEntry, bytes: -1, weight: -1 };
  for (const entry of entries) {
    for (const field of ['server', 'username', 'password', 'email'] as const) {
      const bytes = Buffer.byteLength(entry[field] ?? '', 'utf8');
      // the user name and password are written twice: as themselves and in base64 in 'auth'
      const weight = field === 'username' || field === 'password' ? bytes * (1 + 4 / 3) : bytes;
      if (weight > largest.weight) largest = { entry, field, bytes, weight };
    }
  }
  const limit = `the .dockerconfigjson payload would be ${size.toLocaleString('en-US')} bytes, over the ` +
    `${MAX_SECRET_DATA_BYTES.toLocaleString('en-US')}-byte limit the API server sets on a Secret's data`;
  const field = `${fieldName(largest.entry, largest.field)} (${largest.bytes.toLocaleString('en-US')} bytes, value not shown)`;
  if (largest.weight * 2 > size) {
    return `${limit}; the largest field is ${field}, and registry credentials take a few kilobytes at most: check that value`;
  }
  return entries.length > 1
    ? `${limit}; no one field makes it (the largest is ${field}): split the ${entries.length} registries over several Secrets`
    : `${limit}; no one field makes it (the largest is ${field}), and registry credentials take a few kilobytes at most: check them`;
}

function defaultFieldName(entry: DockerConfigEntry, field: keyof DockerConfigEntry): string {
  return `'${field}' of server ${quote(entry.server)}`;
}

/** `auth` as kubectl writes it: padded standard base64 of the UTF-8 bytes of `username:password`. */
export function dockerConfigAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}


/** Entries in `auths` order: sorted by the UTF-8 bytes of the server, the order in which Go writes a map's keys. */
export function sortByServer<T extends { readonly server: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => compareUtf8(a.server, b.server));
}

/**
 * The `.dockerconfigjson` text: `{"auths":{SERVER:{"username","password","email","auth"}}}` as Go's `json.Marshal`
 * writes it (compact, fields in that order, empty fields left out, `<` `>` `&` U+2028 U+2029 escaped).
 *
 * Several entries are written in the order Go writes a map's keys: sorted by the UTF-8 bytes of the server.
 * For one entry this is exactly what `kubectl create secret docker-registry` writes.
 */
export function encodeDockerConfigJson(entries: readonly DockerConfigEntry[]): string {
  const sorted = sortByServer(entries);
  const parts = sorted.map((e) => {
    const fields = [`"username":${goJsonString(e.username)}`, `"password":${goJsonString(e.password)}`];
    if (e.email) fields.push(`"email":${goJsonString(e.email)}`);
    fields.push(`"auth":${goJsonString(dockerConfigAuth(e.username, e.password))}`);
    return `${goJsonString(e.server)}:{${fields.join(',')}}`;
  });
  return `{"auths":{${parts.join(',')}}}`;
}

