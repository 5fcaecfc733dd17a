// The trust store of the login check. Its fetch (verifying-fetch.ts, over node:https) uses Node's default trust
// store, which Node reads once, at start. By default it trusts a copy of Mozilla's list bundled in the node binary,
// not the system's CAs. `--use-openssl-ca` switches it to OpenSSL's default store, and SSL_CERT_FILE points that store
// at the system bundle: the first file that exists among the places Go's crypto/x509 (and so containerd) looks,
// unless SSL_CERT_FILE is already set. NODE_EXTRA_CA_CERTS adds one PEM file (`--ca-file`) on top.
// So the CLI runs the check in a child process of itself with this environment, once: `loginTlsReady` tells the
// child that it already has it. Without a system bundle file the child keeps Node's bundled list. Nothing here turns
// verification off: NODE_TLS_REJECT_UNAUTHORIZED=0, passed on to the child, is ignored by that fetch.
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The environment variable that marks a process started with {@link loginTlsEnvironment}; its value names the trust. */
export const LOGIN_TLS_MARKER = 'CDK8S_PRIVATE_REGISTRY_LOGIN_TLS';

/** An environment for the child process, and what to remove once it has exited. */
export interface LoginTlsEnvironment {
  /** The whole environment for the child: the parent's, plus NODE_OPTIONS, NODE_EXTRA_CA_CERTS and the marker. */
  readonly env: NodeJS.ProcessEnv;
  /** Removes the combined CA file, when one had to be written; safe to call more than once. */
  cleanup(): void;
}

// the system CA bundles, in the order Go's crypto/x509 tries them on Linux, then the BSD and macOS one
const SYSTEM_CA_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];
const CA_FLAGS_RE = /(?:^|\s)--use-(?:openssl|bundled)-ca(?:\s|$)/;
const PEM_CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Whether this process was started with {@link loginTlsEnvironment} for the same CA file, so it need not re-execute. */
export function loginTlsReady(caFile: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LOGIN_TLS_MARKER] === markerValue(caFile);
}

/**
 * The environment under which a Node child's fetch trusts the system CAs and, when given, the certificates of
 * `caFile` too. An explicit `--use-bundled-ca` or `--use-openssl-ca` in NODE_OPTIONS, and an SSL_CERT_FILE, are kept
 * as the user set them. A NODE_EXTRA_CA_CERTS already set is kept as well: Node reads one file only, so both go into
 * a temporary one.
 *
 * Throws (one line, naming the file) when `caFile` cannot be read or holds no PEM certificate.
 */
export function loginTlsEnvironment(caFile: string | undefined, env: NodeJS.ProcessEnv = process.env): LoginTlsEnvironment {
  const childEnv: NodeJS.ProcessEnv = { ...env, [LOGIN_TLS_MARKER]: markerValue(caFile) };
  const nodeOptions = env.NODE_OPTIONS ?? '';
  const systemBundle = env.SSL_CERT_FILE || SYSTEM_CA_FILES.find((file) => fs.existsSync(file));
  if (!CA_FLAGS_RE.test(nodeOptions) && systemBundle) {
    childEnv.NODE_OPTIONS = `${nodeOptions} --use-openssl-ca`.trim();
    childEnv.SSL_CERT_FILE = systemBundle;
  }
  if (caFile === undefined) {
    return { env: childEnv, cleanup: () => undefined };
  }
  const file = path.resolve(caFile);
  const pem = readCertificates(file);
  const existing = env.NODE_EXTRA_CA_CERTS;
  if (!existing || path.resolve(existing) === file) {
    return { env: { ...childEnv, NODE_EXTRA_CA_CERTS: file }, cleanup: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'login-check-ca-'));
  try {
    const combined = path.join(dir, 'ca.pem');
    fs.writeFileSync(combined, `${readCertificates(path.resolve(existing))}\n${pem}\n`, { mode: 0o600 });
    return { env: { ...childEnv, NODE_EXTRA_CA_CERTS: combined }, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function markerValue(caFile: string | undefined): string {
  return caFile === undefined ? 'system' : `system+${path.resolve(caFile)}`;
}

/** The PEM certificates of a file, each checked to parse; the message names the file, never its content. */
function readCertificates(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`ca file '${file}' cannot be read (${code}): give a readable PEM file of CA certificates`);
  }
  const certificates = text.match(PEM_CERT_RE) ?? [];
  if (certificates.length === 0) {
    throw new Error(`ca file '${file}' holds no '-----BEGIN CERTIFICATE-----' block: give a PEM file of CA certificates`);
  }
  certificates.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new Error(`ca file '${file}': certificate ${i + 1} does not parse as X.509: give a PEM file of CA certificates`);
    }
  });
  return certificates.join('\n');
}
