import { ApiObjectMetadata } from 'cdk8s';

/** Which kind of store an ExternalSecret reads from. */
export enum SecretStoreKind {
  /** A `SecretStore` in the ExternalSecret's own namespace. */
  SECRET_STORE = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/**
 * The `apiVersion` of the ExternalSecret. `v1` is the GA version: External Secrets Operator 0.16 added it and 0.17
 * stopped serving `v1beta1`; the fields used here are the same in both.
 */
export enum ExternalSecretsApiVersion {
  /** `external-secrets.io/v1`, for operator 0.16 and later. */
  V1 = 'external-secrets.io/v1',
  /** `external-secrets.io/v1beta1`, for operators before 0.17. */
  V1BETA1 = 'external-secrets.io/v1beta1',
}


/** Options every External Secrets Operator form of a pull secret shares. */
export interface ExternalRegistrySecretOptions {
  /**
   * The ExternalSecret's metadata. The Secret the operator creates has the same name and namespace, and the labels and
   * annotations given here.
   *
   * @default - a name generated from the construct path, the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The apiVersion of the ExternalSecret.
   *
   * @default ExternalSecretsApiVersion.V1
   */
  readonly externalSecretsApiVersion?: ExternalSecretsApiVersion;

  /**
   * The left template delimiter the operator runs with (its `--template-left-delimiter` flag). The templates written
   * here use it, and every user-supplied text in them (the server, the labels and annotations, which ESO renders as
   * templates too) is escaped for it, so that it reaches the Secret exactly as written.
   *
   * @default '{{'
   */
  readonly templateLeftDelimiter?: string;

  /**
   * The right template delimiter the operator runs with (its `--template-right-delimiter` flag). It must not occur
   * in the expressions of the template's actions (letters, digits, '.', '|', '%', ':', '/', '_'), where it would end an
   * action early, nor in the left delimiter.
   *
   * @default '}}'
   */
  readonly templateRightDelimiter?: string;
}
