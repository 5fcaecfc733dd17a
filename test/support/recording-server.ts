/**
 * An HTTP or HTTPS server on 127.0.0.1 whose answers a test scripts, and which records every request it got: method,
 * path and the scheme of its Authorization header, never the value. Test support only.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { listenOnLoopback } from './loopback';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** `Basic`, `Bearer`, ...; undefined when no Authorization came. */
  readonly authorization?: string;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

export interface RecordingServer {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` (or https). */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** The answers; replace it between cases. */
  handler: Handler;
  close(): Promise<void>;
}

/** Starts a server answering 404 until `handler` is set; with `tls` (PEM file paths) it speaks HTTPS. */
export async function startRecordingServer(tls?: { readonly certificate: string; readonly key: string }): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const state: { handler: Handler } = { handler: (_request, response) => response.writeHead(404).end() };
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const authorization = request.headers.authorization?.split(' ')[0];
    requests.push({ method: request.method ?? '', path: request.url ?? '', ...(authorization !== undefined && { authorization }) });
    response.on('error', () => undefined);
    state.handler(request, response);
  };
  const server = tls
    ? https.createServer({ cert: fs.readFileSync(tls.certificate), key: fs.readFileSync(tls.key) }, listener)
    : http.createServer(listener);
  const { host, close } = await listenOnLoopback(server);
  return {
    host,
    origin: `${tls ? 'https' : 'http'}://${host}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(handler: Handler) {
      state.handler = handler;
    },
    close,
  };
}

/**
 * Writes up to `bytes` bytes of `fill` in 64 KiB chunks, waiting for the client to take each one, and stops as soon as
 * the connection closes; resolves with the number of bytes the socket accepted.
 */
export async function streamBody(response: http.ServerResponse, bytes: number, fill = 'x'): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  let written = 0;
  while (written < bytes && !response.destroyed) {
    const ok = response.write(chunk);
    written += chunk.length;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
  }
  if (!response.destroyed) response.end();
  return written;
}
