// The public API, by layer. Everything here compiles with jsii; what is not listed is internal. Interfaces are
// exported as types, so that transpilers that see one file at a time (tsx, vitest) export nothing for them.

// pull secrets
export type { IRegistrySecret, RegistrySecretCredentialsProps, RegistrySecretReferenceOptions } from './secrets/registry-secret';
export { RegistrySecretBase } from './secrets/registry-secret';
export type { PrivateRegistrySecretProps } from './secrets/private-registry-secret';
export { PrivateRegistrySecret } from './secrets/private-registry-secret';
export type { SealedRegistrySecretProps } from './secrets/sealed-registry-secret';
export { SealedRegistrySecret } from './secrets/sealed-registry-secret';
export { SealingCertificate } from './secrets/sealing-certificate';
export { SealingScope } from './secrets/sealing-scope';
export type { ExternalRegistrySecretOptions } from './secrets/external-secrets-options';
export { ExternalSecretsApiVersion, SecretStoreKind } from './secrets/external-secrets-options';
export type { ExternalRegistrySecretProps } from './secrets/external-registry-secret';
export { ExternalRegistrySecret } from './secrets/external-registry-secret';
export type { EcrRegistrySecretProps } from './secrets/ecr-registry-secret';
export { EcrRegistrySecret } from './secrets/ecr-registry-secret';

// credentials, and docker's own configuration
export type { RegistryCredentials } from './docker/credentials';
export type { DockerConfigFileOptions, DockerConfigTextOptions } from './docker/docker-config';
export { DockerConfig } from './docker/docker-config';

// pods, workloads and service accounts
export type { CommonPrivatePodProps, IPrivatePod } from './pods/private-pod-props';
export type { PrivatePodProps } from './pods/private-pod';
export { PrivatePod } from './pods/private-pod';
export type { PrivateDeploymentProps } from './pods/private-deployment';
export { PrivateDeployment } from './pods/private-deployment';
export type { PrivateStatefulSetProps } from './pods/private-stateful-set';
export { PrivateStatefulSet } from './pods/private-stateful-set';
export type { PrivateDaemonSetProps } from './pods/private-daemon-set';
export { PrivateDaemonSet } from './pods/private-daemon-set';
export type { PrivateJobProps } from './pods/private-job';
export { PrivateJob } from './pods/private-job';
export type { PrivateCronJobProps } from './pods/private-cron-job';
export { PrivateCronJob } from './pods/private-cron-job';
export type { PrivateServiceAccountProps } from './pods/private-service-account';
export { PrivateServiceAccount } from './pods/private-service-account';
export type { NodePullConfigProps } from './pods/node-pull-config';
export { NodePullConfig } from './pods/node-pull-config';

// one pull secret for a whole app or chart: every pod-bearing object, Include output too
export type { RegistryPullPolicyProps } from './policy/registry-pull-policy';
export { RegistryPullPolicy } from './policy/registry-pull-policy';

// the kubelet's view of an image, and the pull check as a cdk8s validation plugin
export { ImageReference } from './kubelet/image-reference';
export { PullCheckRule } from './check/pull-engine';
export { ImagePullCredentialsVerificationPolicy } from './check/node-facts';
export type {
  IPullCheckValidationContext, IPullCheckValidationLogger, IPullCheckValidationReport, PullCheckValidationProps, PullCheckViolatingResource,
  PullCheckViolation,
} from './check/pull-check-validation';
export { PullCheckValidation } from './check/pull-check-validation';
