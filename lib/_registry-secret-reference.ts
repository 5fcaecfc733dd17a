import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IRegistrySecret, RegistrySecretReferenceOptions } from './registry-secret';

/** A reference to a pull secret that exists already, with what is declared about it. */
class RegistrySecretReference extends Construct implements IRegistrySecret {
  public readonly resourceType = 'secrets';
  public readonly apiVersion = 'v1';
  public readonly apiGroup = '';
  public readonly kind = 'Secret';
  private readonly _secret: kplus.ISecret;

  public readonly servers?: string[];
  public readonly namespace?: string;

  constructor(scope: Construct, id: string, public readonly name: string, options: RegistrySecretReferenceOptions) {
    super(scope, id);
    this.servers = options.servers ? [...options.servers] : undefined;
    this.namespace = options.namespace;
    this._secret = kplus.Secret.fromSecretName(this, 'Secret', name);
  }

  public get resourceName(): string | undefined {
    return this.name;
  }

  public envValue(key: string, options?: kplus.EnvValueFromSecretOptions): kplus.EnvValue {
    return this._secret.envValue(key, options);
  }
}

/** Refers to a pull secret by name, optionally declaring its servers (see `PrivateRegistrySecret.fromSecretName`). */
export function referRegistrySecret(scope: Construct, id: string, name: string, options: RegistrySecretReferenceOptions = {}): IRegistrySecret {
  return new RegistrySecretReference(scope, id, name, options);
}
