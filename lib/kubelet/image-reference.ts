/**
 * Container image references, parsed and normalized as `github.com/distribution/reference` `ParseNormalizedNamed`
 * (v0.6) does. The kubelet looks up pull secret entries with the normalized name (`ParseImageName` → `Name()`),
 * so a synth-time check has to see the same name the kubelet sees, not the string the user typed.
 */
import { describeType } from '../input/values';

/** The parts of an image reference, as `ImageReference` has them (internal: functions take any object of this shape). */
export interface ImageReferenceParts {
  readonly original: string;
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly name: string;
}

/**
 * A container image reference, parsed and normalized as the kubelet does: `ImageReference.parse('nginx:1.25')` has the
 * registry `docker.io` and the repository `docker.io/library/nginx`, the name the kubelet matches pull secret keys
 * against.
 */
export class ImageReference {
  /**
   * Parses and normalizes an image reference as `github.com/distribution/reference` `ParseNormalizedNamed` does (the
   * kubelet's parser): `nginx` becomes `docker.io/library/nginx`, `index.docker.io/x/y` becomes `docker.io/x/y`.
   * Throws one clear error for anything the kubelet would reject as `InvalidImageName`.
   *
   * @param image the reference as written in a container's `image`
   */
  public static parse(image: string): ImageReference {
    return parseImageReference(image);
  }

  /** The reference as written, for messages. */
  public readonly original: string;
  /** Registry host with optional port (`docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`); upper case kept. */
  public readonly domain: string;
  /** Repository path inside the registry (`library/nginx`, `org/app`). */
  public readonly path: string;
  /** The tag, when the reference has one; no default `latest` is added. */
  public readonly tag?: string;
  /** The digest (`sha256:<64 hex>`), when the reference has one. */
  public readonly digest?: string;
  /** `domain/path`: the normalized repository, the string the kubelet matches pull secret keys against. */
  public readonly name: string;

  private constructor(parts: ImageReferenceParts) {
    this.original = parts.original;
    this.domain = parts.domain;
    this.path = parts.path;
    if (parts.tag !== undefined) this.tag = parts.tag;
    if (parts.digest !== undefined) this.digest = parts.digest;
    this.name = parts.name;
  }

  /** The reference in its normalized form, `domain/path[:tag][@digest]`; parsing it gives the same reference back. */
  public toString(): string {
    return formatImageReference(this);
  }

  /** @internal */
  public static _of(parts: ImageReferenceParts): ImageReference {
    return new ImageReference(parts);
  }
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const MAX_PATH_LENGTH = 255;
const MAX_TAG_LENGTH = 128;

// The grammar of distribution/reference regexp.go; JS backtracking picks the same submatches as Go's leftmost-first RE2.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const OPTIONAL_PORT = '(?::[0-9]+)?';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})${OPTIONAL_PORT}`;
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const ANCHORED_PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const ANCHORED_TAG_RE = new RegExp(`^${TAG}$`);
const ANCHORED_DIGEST_RE = new RegExp(`^${DIGEST}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

// go-digest v1: the algorithms the kubelet links in, each with its exact lower-case hex length.
const DIGEST_HEX_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const GO_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Parses and normalizes an image reference the way the kubelet does (`ParseNormalizedNamed`): `nginx` becomes
 * `docker.io/library/nginx`, `index.docker.io/x/y` becomes `docker.io/x/y`. Throws one clear error for anything the
 * kubelet would reject as `InvalidImageName`.
 */
export function parseImageReference(image: string): ImageReference {
  if (typeof image !== 'string') {
    throw new Error(`an image must be a string such as 'nginx:1.25', got ${describeType(image)}`);
  }
  const fail = (reason: string): never => {
    throw new Error(`image '${image}' is not a valid reference: ${reason}`);
  };
  if (IDENTIFIER_RE.test(image)) {
    fail(`a 64-character hex string is an image id, not a repository name; use a name such as 'nginx@sha256:${image}'`);
  }
  const { domain: splitDomain, remainder } = splitDockerDomain(image);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    const { start, end } = typedRepository(image);
    const typed = image.slice(start, end);
    const at = image.indexOf('@', start);
    if (typed.toLowerCase() === typed && at >= 0) {
      // without a tag, distribution takes everything up to the digest's ':' for the repository: the upper case is in
      // the digest's algorithm
      const algorithm = image.slice(at + 1, image.indexOf(':', at) < 0 ? image.length : image.indexOf(':', at));
      fail(`the digest algorithm must be lower case, got '${algorithm}'; use '${image.slice(0, at + 1)}${algorithm.toLowerCase()}` +
        `${image.slice(at + 1 + algorithm.length)}'`);
    }
    const first = image.slice(0, Math.max(start - 1, 0));
    if (start > 0 && isUpperCaseOnlyHost(first)) {
      // 'JaneDoe/App' would become 'JaneDoe/app', whose first component is still read as a registry: lower-case both
      const fixed = `${first.toLowerCase()}/${typed.toLowerCase()}${lowerDigestAlgorithm(image.slice(end))}`;
      fail(`the repository path must be lower case, got '${typed}', and the upper-case first component '${first}' is read as a ` +
        `registry host, not a Docker Hub user; use '${fixed}'`);
    }
    fail(`the repository path must be lower case, got '${typed}'; use '${image.slice(0, start)}${typed.toLowerCase()}` +
      `${lowerDigestAlgorithm(image.slice(end))}'`);
  }

  const full = `${splitDomain}/${remainder}`;
  const m = REFERENCE_RE.exec(full);
  if (!m) {
    return fail(explainInvalid(image));
  }
  const nameMatch = ANCHORED_NAME_RE.exec(m[1]);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch ? nameMatch[2] : m[1];
  if (path.length > MAX_PATH_LENGTH) {
    fail(`the repository path is ${path.length} characters long, the limit is ${MAX_PATH_LENGTH}; shorten '${path}'`);
  }
  const tag = m[2];
  const digest = m[3];
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem) {
      fail(problem);
    }
  }
  return ImageReference._of({ original: image, domain, path, tag, digest, name: domain ? `${domain}/${path}` : path });
}

/** Writes a reference back in its normalized form, `domain/path[:tag][@digest]`; parsing the result gives it back. */
export function formatImageReference(ref: ImageReferenceParts): string {
  return ref.name + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/**
 * Whether the kubelet falls back to the `index.docker.io` pull secret entry for this image (its
 * `isDefaultRegistryMatch`): the first component of the normalized name is `docker.io` or `index.docker.io`, or has
 * neither '.' nor ':'. Note that this also holds for `localhost/app` and for an upper-case registry such as `MyHost/app`.
 */
export function isDefaultRegistryMatch(ref: ImageReferenceParts): boolean {
  const slash = ref.name.indexOf('/');
  const first = slash >= 0 ? ref.name.slice(0, slash) : ref.name;
  if (first === '') {
    return false;
  }
  if (slash < 0 || first === DEFAULT_DOMAIN || first === LEGACY_DEFAULT_DOMAIN) {
    return true;
  }
  return !/[.:]/.test(first);
}

/** distribution's splitDockerDomain: the first component is a registry only if it looks like one. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash < 0) {
    // A single component is always a Docker Hub official image, even 'localhost' or 'example.com'.
    return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPO_PREFIX + name };
  }
  const maybeDomain = name.slice(0, slash);
  const maybeRemainder = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    // Upper case is not allowed in a repository path, so an upper-case first component must be a host.
    domain = maybeDomain === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : maybeDomain;
    remainder = maybeRemainder;
  } else {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) {
    remainder = OFFICIAL_REPO_PREFIX + remainder;
  }
  return { domain, remainder };
}

/** Where the repository path the user typed starts and ends (no registry, tag or digest), for the upper-case fix. */
function typedRepository(image: string): { start: number; end: number } {
  const slash = image.indexOf('/');
  const start = slash >= 0 && isTypedDomain(image.slice(0, slash)) ? slash + 1 : 0;
  let end = image.indexOf('@', start);
  end = end >= 0 ? end : image.length;
  const colon = image.indexOf(':', start);
  return { start, end: colon >= 0 && colon < end ? colon : end };
}

/**
 * Whether a first component is a registry host only because it has an upper-case letter (`JaneDoe/app`): distribution
 * reads it as a host, while its writer almost always meant a Docker Hub user.
 */
export function isUpperCaseOnlyHost(first: string): boolean {
  return first !== 'localhost' && !/[.:]/.test(first) && first.toLowerCase() !== first;
}

/** The tag and digest part of a reference with the digest's algorithm in lower case (`@SHA256:` is never valid). */
function lowerDigestAlgorithm(rest: string): string {
  return rest.replace(/@[^:]*/, (algorithm) => algorithm.toLowerCase());
}

function isTypedDomain(first: string): boolean {
  return first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first;
}

/** go-digest's Validate, after the reference grammar has accepted the shape. */
function digestProblem(digest: string): string | undefined {
  const sep = digest.indexOf(':');
  const algorithm = digest.slice(0, sep);
  const encoded = digest.slice(sep + 1);
  const length = DIGEST_HEX_LENGTHS[algorithm];
  if (length === undefined) {
    const known = GO_DIGEST_RE.test(digest) ? `digest algorithm '${algorithm}' is not supported` : `digest '${digest}' is malformed`;
    return `${known}; use 'sha256:' followed by 64 lower-case hex digits (sha384 and sha512 also work)`;
  }
  if (!new RegExp(`^[a-f0-9]{${length}}$`).test(encoded)) {
    return `a ${algorithm} digest must be ${length} lower-case hex digits, got '${encoded}' (${encoded.length} characters); ` +
      'copy the digest from \'docker buildx imagetools inspect\' or the registry';
  }
  return undefined;
}

/** Finds the first part that breaks the grammar so the message can point at it. */
function explainInvalid(image: string): string {
  const shape = 'expected [registry[:port]/]path[:tag][@digest]';
  if (image === '') {
    return 'the image is empty; set it to a reference such as \'nginx:1.25\' or \'ghcr.io/org/app:1.0\'';
  }
  if (/\s/.test(image)) {
    return `it contains whitespace; remove it, ${shape}`;
  }
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(image);
  if (scheme) {
    return `an image reference has no scheme; use '${image.slice(scheme[0].length)}'`;
  }
  const at = image.indexOf('@');
  const namePart = at >= 0 ? image.slice(0, at) : image;
  if (at >= 0) {
    const digest = image.slice(at + 1);
    if (!ANCHORED_DIGEST_RE.test(digest)) {
      return `the digest must be an algorithm, ':' and at least 32 hex digits such as 'sha256:<64 hex>', got '${digest}'`;
    }
  }
  const lastSlash = namePart.lastIndexOf('/');
  const colon = namePart.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? namePart.slice(0, colon) : namePart;
  if (colon >= 0) {
    const tag = namePart.slice(colon + 1);
    if (tag === '') {
      return 'the tag after \':\' is empty; remove the \':\' or add a tag such as \'1.0\'';
    }
    if (tag.length > MAX_TAG_LENGTH && ANCHORED_TAG_RE.test(tag.slice(0, MAX_TAG_LENGTH))) {
      return `the tag is ${tag.length} characters long, the limit is ${MAX_TAG_LENGTH}; shorten it or pin a digest instead`;
    }
    if (!ANCHORED_TAG_RE.test(tag)) {
      return `the tag must be 1 to ${MAX_TAG_LENGTH} letters, digits, '_', '.' or '-' and must not start with '.' or '-', ` +
        `got '${tag}'`;
    }
  }
  const components = repo.split('/');
  let first = 0;
  if (components.length > 1 && isTypedDomain(components[0])) {
    const domain = components[0];
    // An invalid host can still parse as a path component (`a_b.c/d`), so only blame it when it is not one.
    if (!ANCHORED_DOMAIN_RE.test(domain) && !ANCHORED_PATH_COMPONENT_RE.test(domain)) {
      return `the registry '${domain}' is not a host name, IPv4 address or [IPv6] address with an optional numeric port; ` +
        `${shape}`;
    }
    first = ANCHORED_DOMAIN_RE.test(domain) ? 1 : 0;
  }
  for (const component of components.slice(first)) {
    if (!ANCHORED_PATH_COMPONENT_RE.test(component)) {
      return `path component '${component}' is invalid; components are lower-case letters and digits joined by single ` +
        '\'.\', \'_\', \'__\' or \'-\' separators, between single \'/\'';
    }
  }
  return shape;
}
