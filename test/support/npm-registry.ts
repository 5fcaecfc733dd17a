/**
 * A minimal npm registry on 127.0.0.1 for tests: it serves the packuments and tarballs of a fixed set of packages, so
 * that the real npm client (run by the cdk8s CLI to install a validation plugin by name and version) installs from it,
 * offline. Only what `npm install NAME@VERSION` asks for is answered: `GET /NAME` and `GET /NAME/-/FILE.tgz`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/** One package version to serve: its tarball, and its package.json (read from the tarball's source). */
export interface ServedPackage {
  readonly tarball: string;
  readonly manifest: { readonly name: string; readonly version: string; readonly [key: string]: unknown };
}

/** A running registry. */
export interface NpmRegistry {
  /** `http://127.0.0.1:PORT/`, for npm_config_registry. */
  readonly url: string;
  /** Every request path it was asked for, in order. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export async function startNpmRegistry(packages: readonly ServedPackage[]): Promise<NpmRegistry> {
  const requests: string[] = [];
  const files = new Map<string, Buffer>();
  let url = '';
  const packuments = new Map<string, unknown>();
  const server = http.createServer((req, res) => {
    const reqPath = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(reqPath);
    const tarball = files.get(reqPath);
    if (tarball) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
      res.end(tarball);
      return;
    }
    const packument = packuments.get(reqPath.slice(1));
    if (packument) {
      const body = JSON.stringify(packument);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  for (const p of packages) {
    const data = fs.readFileSync(p.tarball);
    const file = `/${p.manifest.name}/-/${path.basename(p.tarball)}`;
    files.set(file, data);
    const version = {
      ...p.manifest,
      dist: {
        tarball: `${url.slice(0, -1)}${file}`,
        shasum: createHash('sha1').update(data).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
      },
    };
    packuments.set(p.manifest.name, { 'name': p.manifest.name, 'dist-tags': { latest: p.manifest.version },
      'versions': { [p.manifest.version]: version } });
  }
  return {
    url,
    requests,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
