import { FileReadError, readErrorReason, readRegularFile } from '../input/files';
import { requireString } from '../input/values';
import { FETCH_CERT_HINT, sealingPublicKey } from './sealing';

const SEALING_CERTIFICATE_SYMBOL = Symbol.for('cdk8s-private-registry.SealingCertificate');

/**
 * The sealed-secrets controller's public certificate (`kubeseal --fetch-cert` output) or RSA public key, checked when
 * it is read so that a wrong file fails at construction rather than at synth.
 */
export class SealingCertificate {
  /**
   * The certificate as PEM text.
   *
   * @param pem the text of `kubeseal --fetch-cert`, or an RSA public key in PEM
   */
  public static fromPem(pem: string): SealingCertificate {
    requireString(pem, 'pem', 'SealingCertificate.fromPem', { allowEmpty: true });
    return new SealingCertificate(pem, 'certificate');
  }

  /**
   * Whether `x` is a `SealingCertificate`, recognised by a marker so that it holds across two copies of this library.
   *
   * @param x any value
   */
  public static isSealingCertificate(x: any): x is SealingCertificate {
    return x !== null && typeof x === 'object' && SEALING_CERTIFICATE_SYMBOL in x;
  }

  /**
   * The certificate in a file, read now.
   *
   * @param path the file `kubeseal --fetch-cert > cert.pem` wrote
   */
  public static fromFile(path: string): SealingCertificate {
    requireString(path, 'path', 'SealingCertificate.fromFile', { emptyHint: 'give the file that \'kubeseal --fetch-cert > cert.pem\' wrote' });
    let pem: string;
    try {
      pem = readRegularFile(path);
    } catch (e) {
      const code = (e as FileReadError).code;
      throw new Error(`sealing: certificate file '${path}' cannot be read: ${readErrorReason(code)}; expected the controller's pem certificate: ` +
        `check the path, or ${FETCH_CERT_HINT}`);
    }
    return new SealingCertificate(pem, `certificate file '${path}'`);
  }

  private constructor(
    /** The PEM text. */
    public readonly pem: string,
    /** Where the PEM came from, for messages (never the PEM itself). */
    public readonly source: string,
  ) {
    if (pem.trim().length === 0) {
      throw new Error(`sealing: ${source} must be pem text, got an empty value; ${FETCH_CERT_HINT}`);
    }
    Object.defineProperty(this, SEALING_CERTIFICATE_SYMBOL, { value: true });
    // parsed now exactly as every seal will parse it (block choice, expiry, key type and size)
    sealingPublicKey(pem, source);
  }
}
