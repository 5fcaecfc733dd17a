import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkMetadata } from '../input/metadata';
import { describeType, optionalBoolean, requireEnum, requireObject } from '../input/values';
import { synthState } from '../check/_synth-state';
import { RegistryEntries } from './_registry-entries';
import { RegistryCredentials } from '../docker/credentials';
import { SERVERS_ANNOTATION } from '../check/annotations';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE } from '../docker/payload';
import { RegistrySecretCredentialsProps, RegistrySecretBase } from './registry-secret';
import { StabilityKey, readStabilityKey } from './_stability-key';
import { sealValue, sealingAnnotations, sealingLabel } from './sealing';
import { SealingCertificate } from './sealing-certificate';
import { SealingScope } from './sealing-scope';

/** Props for `SealedRegistrySecret`: the Secret's metadata, the credentials of its first registry, and how to seal. */
export interface SealedRegistrySecretProps extends kplus.CommonSecretProps, RegistrySecretCredentialsProps {
  /** The controller's certificate; only its public key is used. */
  readonly certificate: SealingCertificate;

  /**
   * Where the sealed value may be unsealed. Strict binds it to the Secret's namespace and name, namespace-wide to the
   * namespace only, cluster-wide to nothing.
   *
   * @default SealingScope.STRICT (kubeseal's default)
   * @see https://github.com/bitnami-labs/sealed-secrets#scopes
   */
  readonly scope?: SealingScope;

  /**
   * A random secret of at least 32 bytes, written as 64 or more hex digits (`openssl rand -hex 32`) or as base64 (44 or
   * more characters), from which the session key and the OAEP seed are derived instead of drawn: the same credentials,
   * certificate and scope then seal to the same bytes on every synth, so a committed `dist/` only changes when they do.
   * Keep it in the pipeline's secret store, never in git: anyone who has it can test guesses of the credentials against
   * the ciphertext. It is never written to the output or to a message.
   *
   * @default - a random session key and seed on every synth, as kubeseal does
   */
  readonly stabilityKey?: string;
}

/**
 * A Bitnami `SealedSecret` that the sealed-secrets controller turns into the same `kubernetes.io/dockerconfigjson`
 * Secret `PrivateRegistrySecret` writes: safe to commit, because only the controller's private key opens it.
 *
 * As an `IRegistrySecret` it stands for the Secret the controller creates (`v1` `Secret`, resource `secrets`), not for
 * the SealedSecret: that is what a pod's `imagePullSecrets`, `envValue` and RBAC grants refer to. The raw SealedSecret
 * is `ApiObject.of(this)`.
 *
 * The payload is sealed once per synth, when the chart is written, so `addRegistry` calls cost nothing; sealing is
 * randomized, so each new synth of the same credentials gives a different (equally valid) ciphertext, unless a
 * `stabilityKey` is given.
 *
 * @see https://github.com/bitnami-labs/sealed-secrets
 */
export class SealedRegistrySecret extends RegistrySecretBase {
  /** The name of the SealedSecret and of the Secret it becomes, fixed at construction because strict sealing binds it. */
  public readonly name: string;
  /** The namespace of both: the metadata's, else the chart's. */
  public readonly secretNamespace?: string;
  /** Where the sealed value may be unsealed. */
  public readonly sealingScope: SealingScope;

  private readonly _entries: RegistryEntries;
  private readonly _certificate: SealingCertificate;
  private readonly _label: string;
  private readonly _stabilityKey?: StabilityKey;
  private _version = 0;
  private _sealed?: { version: number; value: string };

  constructor(scope: Construct, id: string, props: SealedRegistrySecretProps) {
    const context = `SealedRegistrySecret '${id}'`;
    requireObject(props, 'props', context, 'an object with the certificate and the credentials');
    const checked = checkMetadata(scope, props.metadata, context);
    optionalBoolean(props.immutable, 'immutable', context);
    if (!SealingCertificate.isSealingCertificate(props.certificate)) {
      throw new Error(`${context}: 'certificate' must be a SealingCertificate, got ${describeType(props.certificate)}; ` +
        "use SealingCertificate.fromFile('cert.pem') or SealingCertificate.fromPem(text)");
    }
    const stabilityKey = props.stabilityKey === undefined ? undefined : readStabilityKey(props.stabilityKey, `${context}: 'stabilityKey'`);
    const sealingScope = requireEnum(props.scope ?? SealingScope.STRICT, 'scope', SealingScope, 'a SealingScope value', context);
    const namespace = checked.namespace;
    if (sealingScope !== SealingScope.CLUSTER_WIDE && !namespace) {
      throw new Error(`${context}: 'metadata.namespace' must be set for scope '${sealingScope}' (the namespace is sealed into the value), ` +
        `got none; set metadata.namespace or the chart's namespace, or use scope '${SealingScope.CLUSTER_WIDE}'`);
    }
    // validate before super() so that a bad input leaves no half-built construct in the tree
    const entries = RegistryEntries.fromProps(props, context, synthState(scope).urls);
    super(scope, id);
    this._entries = entries;
    this._certificate = props.certificate;
    this._stabilityKey = stabilityKey;
    this.sealingScope = sealingScope;

    const annotations = { ...props.metadata?.annotations, ...sealingAnnotations(sealingScope) };
    // kubeseal copies the Secret's metadata here, scope annotations included; the Secret gets its labels from it
    const templateMetadata: { [key: string]: unknown } = {
      labels: props.metadata?.labels,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    };
    const resource = new ApiObject(this, 'Resource', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      // the controller reads the scope annotations from the SealedSecret's own metadata when it unseals
      metadata: { ...props.metadata, namespace, annotations },
      spec: {
        encryptedData: { [DOCKER_CONFIG_JSON_KEY]: Lazy.any({ produce: () => this._seal() }) },
        template: { type: DOCKER_CONFIG_JSON_SECRET_TYPE, metadata: templateMetadata, immutable: props.immutable ? true : undefined },
      },
    });
    // a generated name (metadata.name left out) is fixed now, so the strict label can bind it
    this.name = resource.name;
    this.secretNamespace = resource.metadata.namespace;
    templateMetadata.name = this.name;
    templateMetadata.namespace = this.secretNamespace;
    this._label = sealingLabel(sealingScope, this.secretNamespace ?? '', this.name);
    // the manifest pull check cannot open the sealed value; it reads the servers from here (addRegistry may add more)
    resource.metadata.addAnnotation(SERVERS_ANNOTATION, Lazy.any({ produce: () => this._entries.servers.join(',') }));
  }

  /** The keys under `auths`, in the order they are written. */
  public get servers(): string[] | undefined {
    return this._entries.servers;
  }


  /**
   * Adds credentials for another registry. The value is sealed again at the next synth, not now.
   *
   * @param credentials the registry and its credentials; the server must differ from every server already added
   */
  public addRegistry(credentials: RegistryCredentials): void {
    this._entries.add(credentials);
    this._version++;
  }


  // Seals at most once per set of entries: a second synth of an unchanged chart gives the same text.
  private _seal(): string {
    if (this._sealed?.version !== this._version) {
      const payload = Buffer.from(this._entries.toDockerConfigJson(), 'utf8');
      this._sealed = { version: this._version, value: sealValue(payload, this._certificate.pem, this._label, this._certificate.source,
        this._stabilityKey) };
    }
    return this._sealed.value;
  }
}
