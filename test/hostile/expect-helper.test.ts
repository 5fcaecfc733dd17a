// The judge of the hostile suites is judged too: a leak check that cannot find a leak, or a classifier that calls every
// error clear, would make every case pass.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CDK8S_VALIDATION_HEADER, judgeRefusal, leaksIn, redact, secretForms } from './_expect';
import { newChart, useTempRoot } from './_fixtures';

useTempRoot('expect');

const PASSWORD = 'FAKE-judge-pw-"<&>-ü';

describe('the leak check', () => {
  it('finds the password inside auth (base64 of user:password) at each of the three alignments', () => {
    for (const user of ['u', 'us', 'usr', 'user']) {
      const auth = Buffer.from(`${user}:${PASSWORD}`, 'utf8').toString('base64');
      expect(leaksIn(`auth is ${auth}`, [PASSWORD]).length, user).toBeGreaterThan(0);
    }
  });

  it('finds the base64 of the password alone, padded or not', () => {
    const encoded = Buffer.from(PASSWORD, 'utf8').toString('base64');
    expect(leaksIn(encoded, [PASSWORD])).not.toEqual([]);
    expect(leaksIn(encoded.replace(/=+$/, ''), [PASSWORD])).not.toEqual([]);
  });

  it('finds the JSON-escaped and the Go-JSON-escaped password', () => {
    expect(leaksIn(JSON.stringify(PASSWORD), [PASSWORD]).join()).toMatch(/json/);
    const goEscaped = JSON.stringify(PASSWORD).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
    expect(leaksIn(goEscaped, [PASSWORD]).join()).toMatch(/go-json/);
  });

  it('finds nothing in a message that names the field only', () => {
    expect(leaksIn('\'password\' must not be empty; pass the registry password', [PASSWORD])).toEqual([]);
  });

  it('leaves out forms too short to tell apart from ordinary text', () => {
    expect(secretForms('ab').map((f) => f.text)).toEqual([]);
  });

  it('redacts every form', () => {
    const auth = Buffer.from(`robot:${PASSWORD}`, 'utf8').toString('base64');
    expect(leaksIn(redact(`${PASSWORD} ${auth} ${JSON.stringify(PASSWORD)}`, [PASSWORD]), [PASSWORD])).toEqual([]);
  });
});

describe('judgeRefusal', () => {
  const names = /'password'/;
  const judge = (run: () => unknown, extra: Record<string, unknown> = {}): string[] => judgeRefusal(run, { names, secrets: [PASSWORD], ...extra });

  it('passes a clear one-line error of ours', () => {
    expect(judge(() => { throw new Error('\'password\' must be a string, got a number'); })).toEqual([]);
  });

  it('calls a missing error a silent wrong acceptance', () => {
    expect(judge(() => undefined)).toEqual(['[silent wrong acceptance] no error was thrown']);
  });

  it('calls a TypeError, a JavaScript message or an error with a code a raw crash', () => {
    expect(judge(() => { throw new TypeError('\'password\' x'); }).join()).toMatch(/^\[raw crash\]/);
    expect(judge(() => { throw new Error('\'password\': x.trim is not a function'); }).join()).toMatch(/\[raw crash\]/);
    expect(judge(() => { throw Object.assign(new Error('\'password\' x'), { code: 'ERR_OSSL_X' }); }).join()).toMatch(/\[raw crash\]/);
  });

  it('calls a second line multi-line, a quoted secret a leak, and a message without the field unclear', () => {
    expect(judge(() => { throw new Error('\'password\' x\ny'); }).join()).toMatch(/\[multi-line\]/);
    expect(judge(() => { throw new Error(`'password' got ${PASSWORD}`); }).join()).toMatch(/\[leak\]/);
    expect(judge(() => { throw new Error('something is wrong'); }).join()).toMatch(/\[unclear message\] does not name/);
  });

  it('never prints the secret it found', () => {
    expect(judge(() => { throw new Error(`'password' got ${PASSWORD}`); }).join()).not.toContain(PASSWORD);
  });

  it('calls a construct left in the scope half-written', () => {
    const chart: Chart = newChart();
    expect(judge(() => {
      new Construct(chart, 'left-behind');
      throw new Error('\'password\' x');
    }, { scope: chart }).join()).toMatch(/\[half-written\] .*left-behind/);
  });

  it('judges each line of a synth-time error under the cdk8s header, and catches a path written twice', () => {
    const synth = (line: string) => (): never => { throw new Error(`${CDK8S_VALIDATION_HEADER}\n  ${line}`); };
    expect(judgeRefusal(() => undefined, { names, synth: synth('[app/pod] container \'a\': \'password\' x') })).toEqual([]);
    expect(judgeRefusal(() => undefined, { names, synth: synth('[app/pod] app/pod: \'password\' x') }).join()).toMatch(/appears twice/);
  });
});
