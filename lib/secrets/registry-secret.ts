import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DockerConfig } from '../docker/docker-config';

/**
 * A pull secret whose registries are known at synth time, so the pull check can tell which images it covers.
 *
 * `PrivateRegistrySecret` is one; `PrivateRegistrySecret.fromRegistrySecretName` declares one that exists already.
 */
export interface IRegistrySecret extends kplus.ISecret {
  /**
   * The keys under `auths` the Secret holds, as written (`ghcr.io`, `https://index.docker.io/v1/`).
   *
   * @default - unknown: the pull check cannot judge images against this secret
   */
  readonly servers?: string[];

  /**
   * The namespace the Secret lives in. (Not `namespace`, which is a reserved word in C#.)
   *
   * @default - the namespace of the pod that refers to it (not checked)
   */
  readonly secretNamespace?: string;
}

/** Options for referring to a pull secret that exists already. */
export interface RegistrySecretReferenceOptions {
  /**
   * The keys under `auths` the existing Secret holds. Given, the pull check judges images against them; left out, the
   * check reports that it cannot judge images that no other secret covers.
   *
   * @default - unknown
   */
  readonly servers?: string[];

  /**
   * The namespace the existing Secret lives in; given, a pod in another namespace fails synthesis.
   *
   * @default - assumed to be the pod's namespace
   */
  readonly secretNamespace?: string;
}

/**
 * The credentials a pull secret holds, for every form of it (plain, sealed): one registry given inline, the registries
 * of a docker config, or both.
 */
export interface RegistrySecretCredentialsProps {
  /**
   * The registry, used verbatim as the key under `auths` (as `kubectl --docker-server` does): `ghcr.io`,
   * `registry.example.com:5000`, `https://index.docker.io/v1/`.
   *
   * @default 'https://index.docker.io/v1/' (Docker Hub, kubectl's default)
   */
  readonly server?: string;

  /**
   * The user name. It must not contain ':' (the kubelet splits `auth` at the first colon).
   *
   * @default - none; required unless `dockerConfig` is given
   */
  readonly username?: string;

  /**
   * The password or access token. It never appears in an error message.
   *
   * @default - none; required unless `dockerConfig` is given
   */
  readonly password?: string;

  /**
   * The email address stored with the entry. Registries ignore it; kubectl writes it when given.
   *
   * @default - no `email` field
   */
  readonly email?: string;

  /**
   * Registries taken from docker's configuration (`DockerConfig.fromFile()` reads what `docker login` wrote). With
   * `username` and `password` also given, that registry (with `server` and `email`) is added too; `server` or `email`
   * without them is an error.
   *
   * @default - only the registry of `server`, `username` and `password`
   */
  readonly dockerConfig?: DockerConfig;
}

/**
 * Base of the pull secrets this app does not write as a `Secret` itself (a SealedSecret, an ExternalSecret, a reference
 * by name): it stands for the `v1` `Secret` that a controller, an operator or someone else creates, which is what a
 * pod's `imagePullSecrets`, `envValue` and RBAC grants refer to.
 */
export abstract class RegistrySecretBase extends Construct implements IRegistrySecret {
  /** The RBAC resource of the Secret. */
  public readonly resourceType = 'secrets';
  /** The apiVersion of the Secret (not of the object that makes it). */
  public readonly apiVersion = 'v1';
  /** The API group of the Secret: core. */
  public readonly apiGroup = '';
  /** The kind of the Secret. */
  public readonly kind = 'Secret';
  /** The Secret's name. */
  public abstract readonly name: string;
  /** The keys under `auths`, when known. */
  public abstract readonly servers?: string[];
  /** The Secret's namespace, when known. */
  public abstract readonly secretNamespace?: string;

  /** The name of the Secret. */
  public get resourceName(): string | undefined {
    return this.name;
  }

  /** An environment value read from a key of the Secret. */
  public envValue(key: string, options?: kplus.EnvValueFromSecretOptions): kplus.EnvValue {
    return kplus.EnvValue.fromSecretValue({ secret: this, key }, options);
  }
}
