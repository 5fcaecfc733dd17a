/**
 * A real `docker-registry` with `auth: token`, trusting the signing certificate of a token server started next to it
 * (token-server.ts), optionally over HTTPS. A hidden pusher user may pull and push everywhere, so that tests can
 * fill the registry with skopeo. Test support only: 127.0.0.1, stopped by PID, files removed on stop.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryTls, startRegistryProcess } from './registry';
import { pushTinyImageAsync, SkopeoTls } from './skopeo';
import { RunningTokenServer, startTokenServer, TokenServerOptions } from './token-server';

/** What {@link startTokenRegistry} sets up. */
export interface TokenRegistryOptions extends TokenServerOptions {
  /**
   * Serve the registry over HTTPS with these files (the token server stays plain HTTP on 127.0.0.1).
   *
   * @default - plain HTTP
   */
  readonly tls?: RegistryTls;
}

/** A registry with token auth and its token server. */
export interface RunningTokenRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly pid: number;
  readonly tokenServer: RunningTokenServer;
  /** Pushes the tiny image of registry.ts as `REPO:TAG` with the pusher user; gives the manifest digest. */
  push(repo: string, tag: string, tls?: SkopeoTls): Promise<string>;
  /** A Bearer token of the pusher user for `scope`, for tests that write to the registry API directly. */
  pusherToken(scope: string): Promise<string>;
  /** Stops the registry by its PID and the token server, and removes their files. */
  stop(): Promise<void>;
}

/** Starts the token server, then the registry that trusts it, on free ports of 127.0.0.1. */
export async function startTokenRegistry(options: TokenRegistryOptions): Promise<RunningTokenRegistry> {
  const pusher = { username: 'ci-pusher', password: `FAKE-${randomBytes(12).toString('base64url')}` };
  const tokenServer = await startTokenServer({
    ...options,
    users: [...options.users, { ...pusher, grants: [{ repository: '*', actions: ['pull', 'push'] }] }],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-registry-'));
  try {
    const registry = await startRegistryProcess(dir, {
      auth: [
        '  token:',
        `    realm: ${JSON.stringify(tokenServer.realm)}`,
        `    service: ${JSON.stringify(tokenServer.service)}`,
        `    issuer: ${JSON.stringify(tokenServer.issuer)}`,
        `    rootcertbundle: ${JSON.stringify(tokenServer.rootCertBundle)}`,
      ],
      tls: options.tls,
    });
    const host = `127.0.0.1:${registry.port}`;
    return {
      host,
      pid: registry.pid,
      tokenServer,
      push: (repo, tag, tls) => pushTinyImageAsync(host, pusher.username, pusher.password, repo, tag, tls),
      pusherToken: async (scope) => {
        const url = new URL(tokenServer.realm);
        url.searchParams.set('service', tokenServer.service);
        url.searchParams.set('scope', scope);
        const basic = Buffer.from(`${pusher.username}:${pusher.password}`).toString('base64');
        const response = await fetch(url, { headers: { Authorization: `Basic ${basic}` }, signal: AbortSignal.timeout(10_000) });
        if (response.status !== 200) throw new Error(`the token server answered ${response.status} to the pusher`);
        return ((await response.json()) as { token: string }).token;
      },
      stop: async () => {
        try {
          await registry.stop();
        } finally {
          await tokenServer.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await tokenServer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Gives the manifest of `REPO:FROM` more tags through the registry API (GET it, PUT it under each tag): a cheap way to
 * fill a registry with many images for a benchmark, each a real manifest the registry serves.
 */
export async function addTags(base: string, repo: string, from: string, tags: readonly string[], authorization: string): Promise<void> {
  const accept = 'application/vnd.oci.image.manifest.v1+json';
  const got = await fetch(`${base}/v2/${repo}/manifests/${from}`, {
    headers: { Authorization: authorization, Accept: accept }, signal: AbortSignal.timeout(10_000),
  });
  if (got.status !== 200) throw new Error(`GET ${repo}:${from} answered ${got.status}`);
  const manifest = Buffer.from(await got.arrayBuffer());
  const contentType = got.headers.get('content-type') ?? accept;
  for (const tag of tags) {
    const put = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT', body: manifest, headers: { 'Authorization': authorization, 'Content-Type': contentType }, signal: AbortSignal.timeout(10_000),
    });
    await put.arrayBuffer();
    if (put.status !== 201) throw new Error(`PUT ${repo}:${tag} answered ${put.status}`);
  }
}
