/**
 * What the synth-time checks of one app share, kept on the app's root construct (not in module state), so that two
 * Apps, or two tests, never see each other's: the warnings already printed, and a URL parser that remembers the
 * registry keys and image names it parsed.
 */
import { IConstruct } from 'constructs';
import { CachingUrlParser } from '../go/url';
import { PolicyFacts, PullEngine } from './pull-engine';

/** The state of the checks of one construct tree. */
export interface SynthState {
  /** Warnings printed so far: each is printed once per app. */
  readonly warned: Set<string>;
  /** The parser every keyring lookup of the app uses. */
  readonly urls: CachingUrlParser;
  /** The engine the constructs' checks share (its caches). */
  readonly engine: PullEngine;
  /** The RegistryPullPolicies of the app: the chart each covers (undefined: every chart), and what it adds. */
  readonly policies: { readonly scope?: IConstruct; readonly facts: PolicyFacts }[];
}

const STATE = Symbol.for('cdk8s-private-registry.SynthState');

/** The state of the tree `scope` belongs to, made on first use. */
export function synthState(scope: IConstruct): SynthState {
  const root = scope.node.root as IConstruct & { [STATE]?: SynthState };
  let state = root[STATE];
  if (state === undefined) {
    const urls = new CachingUrlParser();
    state = { warned: new Set(), urls, engine: new PullEngine([], urls, undefined, false), policies: [] };
    Object.defineProperty(root, STATE, { value: state });
  }
  return state;
}

/** Prints a check warning once per app: the check goes on, synthesis does not fail. */
export function warnOnce(scope: IConstruct, message: string): void {
  const { warned } = synthState(scope);
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`warning: ${message}\n`);
}
