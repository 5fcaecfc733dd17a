/**
 * The `.dockerconfigjson` payload of a `kubernetes.io/dockerconfigjson` Secret, byte for byte as
 * `kubectl create secret docker-registry` writes it. Pure logic: no constructs.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
import { compareUtf8, goJsonString } from '../go/json';
import { DockerConfigEntry } from './credentials';

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

