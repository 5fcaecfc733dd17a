import { Construct } from 'constructs';
import { RegistrySecretReferenceOptions, RegistrySecretStandIn } from './registry-secret';

/** A reference to a pull secret that exists already, with what is declared about it. */
export class RegistrySecretReference extends RegistrySecretStandIn {
  public readonly servers?: string[];
  public readonly namespace?: string;

  constructor(scope: Construct, id: string, public readonly name: string, options: RegistrySecretReferenceOptions) {
    super(scope, id);
    this.servers = options.servers ? [...options.servers] : undefined;
    this.namespace = options.namespace;
  }
}
