import { Construct } from 'constructs';
import { RegistrySecretReferenceOptions, RegistrySecretBase } from './registry-secret';

/** A reference to a pull secret that exists already, with what is declared about it. */
export class RegistrySecretReference extends RegistrySecretBase {
  public readonly servers?: string[];
  public readonly secretNamespace?: string;

  constructor(scope: Construct, id: string, public readonly name: string, options: RegistrySecretReferenceOptions) {
    super(scope, id);
    this.servers = options.servers ? [...options.servers] : undefined;
    this.secretNamespace = options.secretNamespace;
  }
}
