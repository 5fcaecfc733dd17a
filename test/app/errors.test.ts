import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { errorLines } from '../../app/errors';
import { PrivatePod, PrivateRegistrySecret } from '../../lib';

describe('the default app\'s error lines', () => {
  it('turns cdk8s\' multi-line validation error into one line per problem, each naming the construct path once', () => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'u', password: 'FAKE-errors-pw' });
    const pod = new PrivatePod(chart, 'pod', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], registrySecrets: [secret] });
    pod.addContainer({ name: 'a', image: 'quay.io/org/a:1' });
    pod.addContainer({ name: 'b', image: 'quay.io/org/b:1' });
    let thrown: unknown;
    try {
      Testing.synth(chart);
    } catch (e) {
      thrown = e;
    }
    // the real error cdk8s throws
    expect((thrown as Error).message.split('\n')[0]).toBe('Validation failed with the following errors:');
    const lines = errorLines(thrown);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: \[test\/pod\] container 'a' image 'quay.io\/org\/a:1' .* is not covered/);
    expect(lines[1]).toMatch(/^error: \[test\/pod\] container 'b' image 'quay.io\/org\/b:1' .* is not covered/);
    for (const line of lines) {
      expect(line.split('test/pod')).toHaveLength(2);
      expect(line).not.toContain('FAKE-errors-pw');
    }
  });

  it('prints any other error on one line', () => {
    expect(errorLines(new Error('environment variable IMAGE: bad'))).toEqual(['error: environment variable IMAGE: bad']);
    expect(errorLines(new Error('first\n  second'))).toEqual(['error: first second']);
    expect(errorLines('a string')).toEqual(['error: a string']);
  });
});
