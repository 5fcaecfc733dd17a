/** Where a sealed value may be unsealed: the label bound into the encryption, as `kubeseal --scope` names it. */
export enum SealingScope {
  /** Only under the same name in the same namespace (kubeseal's default). */
  STRICT = 'strict',
  /** Under any name in the same namespace. */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Under any name in any namespace. */
  CLUSTER_WIDE = 'cluster-wide',
}
