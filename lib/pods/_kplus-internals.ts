import * as kplus from 'cdk8s-plus-28';

/**
 * The one place that touches a cdk8s-plus internal: `_toPodSpec()`, which every kplus workload renders its pod spec
 * through, marked @internal, so outside cdk8s-plus' semver promise. Each line's contract test
 * (test/pods/cdk8s-plus-contract.test.ts) pins that it exists on every workload kind, takes no parameters and that a
 * replacement on the instance reaches the manifest, which is what this does.
 *
 * @param workload a pod or workload, just built
 * @param edit given the spec cdk8s-plus renders, returns the one to write
 */
export function editPodSpec(workload: kplus.AbstractPod, edit: (spec: kplus.k8s.PodSpec) => kplus.k8s.PodSpec): void {
  const render = workload._toPodSpec.bind(workload);
  Object.defineProperty(workload, '_toPodSpec', { value: () => edit(render()), configurable: true });
}
