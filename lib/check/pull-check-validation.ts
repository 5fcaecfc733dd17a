/**
 * The pull check as a cdk8s validation plugin: `cdk8s synth` runs it over the whole output, so plain cdk8s-plus
 * workloads and raw ApiObjects are judged too. Enable it in cdk8s.yaml (see docs/pull-check.md):
 *
 *   validations:
 *     - package: cdk8s-private-registry
 *       version: <the installed version>
 *       class: PullCheckValidation
 */
import { PUBLIC_IMAGES_ANNOTATION, SERVERS_ANNOTATION } from './annotations';
import { OPTIONS_RESOURCE, checkManifestModel } from './manifest-check';
import { readManifestFile } from './manifest-file';
import { ManifestReader } from './manifest-model';
import { ImagePullCredentialsVerificationPolicy } from './node-facts';
import { PullCheckRule } from './pull-engine';
import { printable } from '../input/printable';
import { describeType, isObject } from '../input/values';

// The cdk8s CLI's plugin types, described here so that the library does not depend on cdk8s-cli (and so that jsii sees them).

/** One resource that breaks a rule, as the cdk8s CLI reports it. */
export interface PullCheckViolatingResource {
  /** `Kind namespace/name` of the object. */
  readonly resourceName: string;
  /** Where in the object, as JSON paths (`spec.containers[0].image`); the CLI counts these as occurrences. */
  readonly locations: string[];
  /** The manifest file the object is in. */
  readonly manifestPath: string;
}

/** One violation, as the cdk8s CLI reports it. */
export interface PullCheckViolation {
  /** The rule, such as `image-coverage`. */
  readonly ruleName: string;
  /** What is wrong, in one line. */
  readonly recommendation: string;
  /** How to fix it. */
  readonly fix: string;
  /** The objects that break the rule. */
  readonly violatingResources: PullCheckViolatingResource[];
}

/** The report a validation plugin fills in (the cdk8s CLI's `ValidationReport`). */
export interface IPullCheckValidationReport {
  /** Adds a violation. */
  addViolation(violation: PullCheckViolation): void;
  /** Submits the report: `success` or `failure`, and a summary. */
  submit(status: string, metadata?: { [key: string]: string }): void;
}

/** Where a validation plugin prints (the cdk8s CLI's `ValidationLogger`). */
export interface IPullCheckValidationLogger {
  /** Prints one message. */
  log(message: string): void;
}

/** What the cdk8s CLI hands a validation plugin (its `ValidationContext`). */
export interface IPullCheckValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: string[];
  /** Collects violations. */
  readonly report: IPullCheckValidationReport;
  /** Prints to the synth output. */
  readonly logger: IPullCheckValidationLogger;
  /** Parses one manifest into its objects. */
  // the plugin does not call it: it reads each file itself, one document at a time, as inspect does
  parseManifest(manifestPath: string): any[];
}

const FIXES: { [rule: string]: string } = {
  [PullCheckRule.IMAGE_COVERAGE]: 'add a registry whose server matches the image to one of the pod\'s pull secrets, or declare the image public',
  [PullCheckRule.SECRET_NAMESPACE]: 'create the pull secret in the namespace of the pods that use it',
  [PullCheckRule.IMAGE_REFERENCE]: 'write the image as [registry/]repository[:tag][@digest] with a lower-case repository',
  [PullCheckRule.SECRET_CONTENT]: 'regenerate the pull secret (PrivateRegistrySecret, or kubectl create secret docker-registry)',
  [PullCheckRule.NODE_CREDENTIALS]: 'give the pod\'s ServiceAccount the annotations the credential provider needs, or a pull secret',
  [PullCheckRule.DOCKER_HUB]: 'add a pull secret with Docker Hub credentials, or unset dockerHubCredentialsRequired',
  [PullCheckRule.PLUGIN_PROPERTIES]: 'fix the properties of the pull-check plugin in cdk8s.yaml',
  [PullCheckRule.MANIFEST_OBJECT]: 'fix the object as the message says: kubectl refuses it as it is',
  warning: 'see the message: this may fail later, or the check could not judge it',
};

/** Properties for the plugin, from `properties:` in cdk8s.yaml. */
export interface PullCheckValidationProps {
  /**
   * Images or repositories pulled without credentials on purpose, for every pod (`nginx`, `ghcr.io/org/tool`).
   *
   * @default - none
   */
  readonly publicImages?: string[];

  /**
   * The kubelet's credential provider config (`--image-credential-provider-config`), a file or a directory, relative to
   * the app's folder: images its providers' `matchImages` cover are pulled with the node's credentials (ECR, GAR, ACR).
   *
   * @default - no credential providers
   */
  readonly credentialProviderConfig?: string;

  /**
   * Image patterns the nodes provide credentials for, with the same glob rules as `matchImages`
   * (`*.dkr.ecr.*.amazonaws.com`).
   *
   * @default - none
   */
  readonly nodeImages?: string[];

  /**
   * The kubelet's `imagePullCredentialsVerificationPolicy` (KEP-2535), to judge images with `imagePullPolicy: Never`.
   *
   * @default - the kubelet's default, NeverVerifyPreloadedImages
   */
  readonly imagePullCredentialsVerificationPolicy?: ImagePullCredentialsVerificationPolicy;

  /**
   * The kubelet's `preloadedImagesVerificationAllowlist`, with `NeverVerifyAllowlistedImages`: normalized image names
   * (`docker.io/library/nginx`) or prefixes ending in `/*` (`registry.k8s.io/*`).
   *
   * @default - none
   */
  readonly preloadedImagesVerificationAllowlist?: string[];

  /**
   * Make a Docker Hub image pulled without credentials an error instead of a warning (anonymous pulls are limited to 10
   * per hour per address).
   *
   * @default false
   */
  readonly dockerHubCredentialsRequired?: boolean;
}

const KNOWN_PROPERTIES = ['publicImages', 'credentialProviderConfig', 'nodeImages', 'imagePullCredentialsVerificationPolicy',
  'preloadedImagesVerificationAllowlist', 'dockerHubCredentialsRequired'];

/** A cdk8s validation plugin that fails `cdk8s synth` when the kubelet would fail to pull an image. */
export class PullCheckValidation {
  /** The annotation through which a SealedSecret or ExternalSecret declares the `auths` servers the check cannot read. */
  public static readonly SERVERS_ANNOTATION = SERVERS_ANNOTATION;

  /** The annotation through which a pod-bearing object declares the images it pulls without credentials on purpose. */
  public static readonly PUBLIC_IMAGES_ANNOTATION = PUBLIC_IMAGES_ANNOTATION;

  /**
   * @param props the `properties:` of the plugin in cdk8s.yaml
   */
  constructor(private readonly props: PullCheckValidationProps = {}) {}

  /** Checks every manifest of the synth output. */
  public validate(context: IPullCheckValidationContext): void {
    // each file read here, one document at a time, as inspect reads it: the CLI's parseManifest builds every document of
    // a file at once (peak memory several times the file's size), and accepts text kubectl refuses
    const reader = new ManifestReader(true);
    const origin: string[] = [];
    const readErrors: { rule: string; resource: string; index: number; location: string; message: string }[] = [];
    for (const manifest of context.manifests) {
      try {
        readManifestFile(manifest, reader, origin.length, () => origin.push(manifest));
      } catch (e) {
        // a file kubectl would refuse (not UTF-8, control characters, not YAML) is one finding naming it; the rest is checked
        readErrors.push({ rule: PullCheckRule.MANIFEST_OBJECT, resource: 'a manifest', index: origin.length, location: '',
          message: (e as Error).message });
        origin.push(manifest);
      }
    }
    const given: unknown = this.props;
    // 'properties: nginx' would otherwise be no properties at all, silently (the command line refuses it in cdk8s.yaml too)
    const mapping = given === undefined || given === null || isObject(given);
    const props: Record<string, unknown> = isObject(given) ? { ...given } : {};
    const result = checkManifestModel(reader.finish(), props);
    // a misspelled property would otherwise do nothing, silently
    const unknown = Object.keys(props).filter((k) => !KNOWN_PROPERTIES.includes(k));
    const optionErrors = unknown.map((k) => ({
      rule: PullCheckRule.PLUGIN_PROPERTIES, resource: OPTIONS_RESOURCE, index: -1, location: k,
      message: `unknown property '${k}'; the pull check knows ${KNOWN_PROPERTIES.map((p) => `'${p}'`).join(', ')}: fix or remove it in cdk8s.yaml`,
    }));
    if (!mapping) {
      optionErrors.push({ rule: PullCheckRule.PLUGIN_PROPERTIES, resource: OPTIONS_RESOURCE, index: -1, location: 'properties',
        message: `'properties' of the pull-check plugin must be a mapping such as { publicImages: [nginx] }, got ${describeType(given)}; ` +
          'fix the plugin entry in cdk8s.yaml' });
    }
    for (const warning of result.warnings) context.logger.log(`warning: ${printable(warning.message)}`);
    // warnings reach the report too, as violations of the rule 'warning' that do not fail it
    const warnings = result.warnings.map((w) => ({ rule: 'warning', resource: w.resource ?? 'the synth output', index: w.index,
      location: w.location, message: w.message }));
    for (const e of [...optionErrors, ...readErrors, ...result.errors, ...warnings]) {
      context.report.addViolation({
        ruleName: e.rule,
        // names, images and namespaces come from the manifests: none may move the terminal's cursor
        recommendation: printable(e.message),
        fix: FIXES[e.rule],
        violatingResources: [{ resourceName: printable(e.resource), locations: [printable(e.location ?? 'metadata.name')],
          manifestPath: origin[e.index] ?? 'cdk8s.yaml' }],
      });
    }
    const errors = result.errors.length + optionErrors.length + readErrors.length;
    context.report.submit(errors > 0 ? 'failure' : 'success',
      { podsChecked: String(result.podsChecked), errors: String(errors), warnings: String(warnings.length) });
  }
}
