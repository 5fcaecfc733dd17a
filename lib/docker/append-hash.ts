/**
 * The content-hash suffix that `kubectl create secret ... --append-hash` adds to a Secret's name, so a changed
 * secret gets a new name and the pods that reference it roll. Pure logic: no constructs.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/kubectl/pkg/util/hash/hash.go
 */
import { createHash } from 'crypto';
import { goJson } from '../go/json';

// kubectl maps the hex characters that are or look like vowels to consonants, so no word can form
const CONSONANTS: Record<string, string> = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };

/**
 * The 10-character suffix kubectl's `SecretHash` computes: SHA-256 over Go-JSON of the sorted map
 * `{"data":{KEY:base64(VALUE)},"immutable"?,"kind":"Secret","name":NAME,"type":TYPE}`, first 10 hex characters, with
 * `0 1 3 a e` mapped to `g h k m t`.
 *
 * @param name the Secret's name before the suffix
 * @param type the Secret's type, for example `kubernetes.io/dockerconfigjson`
 * @param data the Secret's data, raw values (not base64), encoded as UTF-8
 * @param immutable `immutable` when it is set; left out of the hash when undefined, as kubectl does
 */
export function secretHashSuffix(name: string, type: string, data: Record<string, string>, immutable?: boolean): string {
  const base64Data: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) base64Data[key] = Buffer.from(value, 'utf8').toString('base64');
  const encoded = goJson({ data: base64Data, immutable, kind: 'Secret', name, type }, true);
  const hex = createHash('sha256').update(encoded, 'utf8').digest('hex');
  return [...hex.slice(0, 10)].map((c) => CONSONANTS[c] ?? c).join('');
}

/** How many characters `hashedSecretName` adds to a name: '-' and the 10-character suffix. */
export const HASH_SUFFIX_LENGTH = 11;

/** `NAME-SUFFIX`, the name `kubectl create secret ... --append-hash` gives the Secret (see `secretHashSuffix`). */
export function hashedSecretName(name: string, type: string, data: Record<string, string>, immutable?: boolean): string {
  return `${name}-${secretHashSuffix(name, type, data, immutable)}`;
}
