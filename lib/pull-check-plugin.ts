/**
 * The pull check as a cdk8s validation plugin: `cdk8s synth` runs it over the whole output, so plain cdk8s-plus
 * workloads and raw ApiObjects are judged too. Enable it in cdk8s.yaml (see the README):
 *
 *   validations:
 *     - package: ./node_modules/cdk8s-private-registry/build/lib/pull-check-plugin.js
 *       version: 0.1.0
 *       class: PullCheckValidation
 */
import { ManifestCheckOptions, OPTIONS_RESOURCE, checkManifests } from './manifest-pull-check';
import { PullCheckRule } from './pull-check';

// The cdk8s CLI's plugin types, described structurally so that the library does not depend on cdk8s-cli.
interface ValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: { readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }[];
}

/** What the cdk8s CLI hands a validation plugin. */
export interface PullCheckValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  /** Parses one manifest into its objects. */
  parseManifest(manifestPath: string): any[];
  /** Collects violations. */
  readonly report: { addViolation(violation: ValidationViolation): void; submit(status: string, metadata?: { [key: string]: string }): void };
  /** Prints to the synth output. */
  readonly logger: { log(message: string): void };
}

const FIXES: { [rule: string]: string } = {
  [PullCheckRule.IMAGE_COVERAGE]: 'add a registry whose server matches the image to one of the pod\'s pull secrets, or declare the image public',
  [PullCheckRule.SECRET_NAMESPACE]: 'create the pull secret in the namespace of the pods that use it',
  [PullCheckRule.IMAGE_REFERENCE]: 'write the image as [registry/]repository[:tag][@digest] with a lower-case repository',
  [PullCheckRule.SECRET_CONTENT]: 'regenerate the pull secret (PrivateRegistrySecret, or kubectl create secret docker-registry)',
};

/** Properties for the plugin, from `properties:` in cdk8s.yaml. */
export interface PullCheckValidationProps extends ManifestCheckOptions {}

const KNOWN_PROPERTIES = ['publicImages'];

/** A cdk8s validation plugin that fails `cdk8s synth` when the kubelet would fail to pull an image. */
export class PullCheckValidation {
  constructor(private readonly props: PullCheckValidationProps = {}) {}

  /** Checks every manifest of the synth output. */
  public async validate(context: PullCheckValidationContext): Promise<void> {
    const objects: any[] = [];
    const origin: string[] = [];
    for (const manifest of context.manifests) {
      for (const o of context.parseManifest(manifest)) {
        objects.push(o);
        origin.push(manifest);
      }
    }
    const props: Record<string, unknown> = this.props !== null && typeof this.props === 'object' ? { ...this.props } : {};
    const result = checkManifests(objects, props);
    // a misspelled property would otherwise do nothing, silently
    const unknown = Object.keys(props).filter((k) => !KNOWN_PROPERTIES.includes(k));
    const optionErrors = unknown.map((k) => ({
      rule: 'plugin-properties', resource: OPTIONS_RESOURCE, index: -1, location: k,
      message: `unknown property '${k}'; the pull check knows ${KNOWN_PROPERTIES.map((p) => `'${p}'`).join(', ')}: fix or remove it in cdk8s.yaml`,
    }));
    for (const warning of result.warnings) context.logger.log(`warning: ${warning}`);
    for (const e of [...optionErrors, ...result.errors]) {
      context.report.addViolation({
        ruleName: e.rule,
        recommendation: e.message,
        fix: FIXES[e.rule] ?? 'fix the properties of the pull-check plugin in cdk8s.yaml',
        violatingResources: [{ resourceName: e.resource, locations: [e.location ?? 'metadata.name'], manifestPath: origin[e.index] ?? 'cdk8s.yaml' }],
      });
    }
    const failed = result.errors.length + optionErrors.length > 0;
    context.report.submit(failed ? 'failure' : 'success', { podsChecked: String(result.podsChecked) });
  }
}
