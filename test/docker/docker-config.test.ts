import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerConfig, PrivateRegistrySecret } from '../../lib';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function configDir(config: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const auth = (u: string, p: string): string => Buffer.from(`${u}:${p}`).toString('base64');

function payload(chart: any): any {
  return JSON.parse(Buffer.from(Testing.synth(chart)[0].data['.dockerconfigjson'], 'base64').toString());
}

describe('PrivateRegistrySecret with dockerConfig', () => {
  it('takes every registry of a config.json found through DOCKER_CONFIG, always with username, password and padded auth', () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: auth('jane', 'FAKE-1').replace(/=+$/, '') }, 'quay.io': { auth: auth('q', 'FAKE:2'), email: 'q@example.com' } } });
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { dockerConfig: DockerConfig.fromFile({ env: { DOCKER_CONFIG: dir } }) });
    expect(secret.servers).toEqual(['ghcr.io', 'quay.io']);
    expect(payload(chart).auths).toEqual({
      'ghcr.io': { username: 'jane', password: 'FAKE-1', auth: auth('jane', 'FAKE-1') },
      'quay.io': { username: 'q', password: 'FAKE:2', email: 'q@example.com', auth: auth('q', 'FAKE:2') },
    });
  });

  it('takes a chosen subset, and adds username/password as one more registry', () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: auth('jane', 'FAKE-1') }, 'quay.io': { auth: auth('q', 'FAKE-2') } } });
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', {
      dockerConfig: DockerConfig.fromFile({ path: path.join(dir, 'config.json'), servers: ['quay.io'] }),
      server: 'registry.example.com', username: 'r', password: 'FAKE-3',
    });
    expect(secret.servers).toEqual(['quay.io', 'registry.example.com']);
  });

  it('takes a .dockerconfigjson text and a legacy .dockercfg text', () => {
    const json = DockerConfig.fromDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': { username: 'a', password: 'FAKE' } } }));
    const cfg = DockerConfig.fromDockerCfg(JSON.stringify({ 'https://quay.io': { auth: auth('b', 'FAKE') } }));
    expect(json.servers).toEqual(['ghcr.io']);
    expect(cfg.servers).toEqual(['https://quay.io']);
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'a', { dockerConfig: cfg });
    expect(Object.keys(payload(chart).auths)).toEqual(['https://quay.io']);
  });

  it('fails when neither dockerConfig nor username and password are given', () => {
    expect(() => new PrivateRegistrySecret(Testing.chart(), 'regcred', {})).toThrow(/'username' must be a string, got undefined/);
  });

  it('fails when a server asked for is not in the file, naming the file and the servers it has', () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: auth('jane', 'FAKE-1') } } });
    expect(() => DockerConfig.fromFile({ env: { DOCKER_CONFIG: dir }, servers: ['quay.io'] })).toThrow(new RegExp(`${dir}.*quay\\.io.*ghcr\\.io`));
  });

  it('adds server, username, password and email as one more registry, email included', () => {
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'regcred', {
      dockerConfig: DockerConfig.fromDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': { auth: auth('jane', 'FAKE-1') } } })),
      server: 'quay.io', username: 'q', password: 'FAKE-2', email: 'q@example.com',
    });
    expect(payload(chart).auths['quay.io']).toEqual({ username: 'q', password: 'FAKE-2', email: 'q@example.com', auth: auth('q', 'FAKE-2') });
  });

  it.each([
    ['server and email', { server: 'quay.io', email: 'x@example.com' }, /'server' and 'email' are given with 'dockerConfig' but 'username' and 'password' are not/],
    ['server', { server: 'quay.io' }, /'server' is given with 'dockerConfig' but 'username' and 'password' are not/],
    ['email', { email: 'x@example.com' }, /'email' is given with 'dockerConfig' but 'username' and 'password' are not/],
  ])('fails when %s come with dockerConfig but no username or password, instead of dropping them', (_name, extra, error) => {
    const chart = Testing.chart();
    const dockerConfig = DockerConfig.fromDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': { auth: auth('jane', 'FAKE-1') } } }));
    expect(() => new PrivateRegistrySecret(chart, 'regcred', { dockerConfig, ...extra })).toThrow(error);
    expect(() => new PrivateRegistrySecret(chart, 'regcred', { dockerConfig, ...extra }))
      .toThrow(/give 'username' and 'password' too \(one more registry besides the docker config's\), or remove /);
  });

  it('fails when the same server comes from the file and from username/password', () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: auth('jane', 'FAKE-1') } } });
    expect(() => new PrivateRegistrySecret(Testing.chart(), 'regcred', {
      dockerConfig: DockerConfig.fromFile({ env: { DOCKER_CONFIG: dir } }), server: 'ghcr.io', username: 'x', password: 'FAKE-9',
    })).toThrow(new RegExp("^PrivateRegistrySecret 'regcred': server 'ghcr.io' was added twice \\(first by 'dockerConfig', then by " +
      "'server'/'username'/'password'\\); a Secret holds one entry per server: remove 'server', 'username' and 'password', or leave " +
      "'ghcr.io' out of the docker config with its 'servers' option$"));
  });
});
