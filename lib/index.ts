// The public API, by layer. Everything here compiles with jsii; what is not listed is internal.

// pull secrets
export { IRegistrySecret, RegistrySecretBase, RegistrySecretCredentialsProps, RegistrySecretReferenceOptions } from './secrets/registry-secret';
export { PrivateRegistrySecret, PrivateRegistrySecretProps } from './secrets/private-registry-secret';
export { SealedRegistrySecret, SealedRegistrySecretProps } from './secrets/sealed-registry-secret';
export { SealingCertificate } from './secrets/sealing-certificate';
export { SealingScope } from './secrets/sealing-scope';
export { ExternalRegistrySecretOptions, ExternalSecretsApiVersion, SecretStoreKind } from './secrets/external-secrets-options';
export { ExternalRegistrySecret, ExternalRegistrySecretProps } from './secrets/external-registry-secret';
export { EcrRegistrySecret, EcrRegistrySecretProps } from './secrets/ecr-registry-secret';

// credentials, and docker's own configuration
export { RegistryCredentials } from './docker/credentials';
export { DockerConfig, DockerConfigFileOptions, DockerConfigTextOptions } from './docker/docker-config';

// pods, workloads and service accounts
export { CommonPrivatePodProps, IPrivatePod } from './pods/private-pod-props';
export { PrivatePod, PrivatePodProps } from './pods/private-pod';
export { PrivateDeployment, PrivateDeploymentProps } from './pods/private-deployment';
export { PrivateStatefulSet, PrivateStatefulSetProps } from './pods/private-stateful-set';
export { PrivateDaemonSet, PrivateDaemonSetProps } from './pods/private-daemon-set';
export { PrivateJob, PrivateJobProps } from './pods/private-job';
export { PrivateCronJob, PrivateCronJobProps } from './pods/private-cron-job';
export { PrivateServiceAccount, PrivateServiceAccountProps } from './pods/private-service-account';

// the kubelet's view of an image, and the pull check as a cdk8s validation plugin
export { ImageReference } from './kubelet/image-reference';
export { PullCheckRule } from './check/pull-check';
export {
  IPullCheckValidationContext, IPullCheckValidationLogger, IPullCheckValidationReport, PullCheckValidation, PullCheckValidationProps,
  PullCheckViolatingResource, PullCheckViolation,
} from './check/pull-check-validation';
