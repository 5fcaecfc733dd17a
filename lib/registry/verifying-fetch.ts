// The login check's HTTP client: fetch's shape over node:http and node:https. Node's built-in fetch cannot be told to
// verify certificates: it follows NODE_TLS_REJECT_UNAUTHORIZED=0 from the environment, which docker and containerd
// ignore, and it would then hand the credential to any server. Here every TLS connection verifies the certificate
// against the process's trust store (tls.ts sets that up for `--ca-file`), whatever that variable says.
// It never follows a redirect (login.ts follows them, deciding what each hop may carry) and hands the body over as a
// stream that the caller reads as far as it wants; cancelling the stream, or the signal, closes the connection.
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';

/** A `fetch` that always verifies certificates and never follows redirects (`redirect` is ignored: always manual). */
export function verifyingFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init.method ?? 'GET';
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      reject(fetchFailed(Object.assign(new Error(`unsupported protocol ${url.protocol}`), { code: 'ERR_INVALID_PROTOCOL' })));
      return;
    }
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    let response: http.IncomingMessage | undefined;
    const onAbort = (): void => {
      request.destroy();
      response?.destroy(signal!.reason as Error);
      if (!settled) {
        settled = true;
        reject(signal!.reason);
      }
    };
    const options: https.RequestOptions = {
      method,
      headers: Object.fromEntries(new Headers(init.headers)),
      // given explicitly, so that tls.connect never falls back to NODE_TLS_REJECT_UNAUTHORIZED
      rejectUnauthorized: true,
    };
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (incoming) => {
      response = incoming;
      incoming.once('close', () => signal?.removeEventListener('abort', onAbort));
      const status = incoming.statusCode ?? 0;
      if (status < 200 || status > 599) {
        incoming.destroy();
        settled = true;
        reject(fetchFailed(Object.assign(new Error(`the server answered with HTTP status ${status}`), { code: 'ERR_HTTP_STATUS' })));
        return;
      }
      const headers = new Headers();
      for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
        try {
          headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1]);
        } catch {
          // a header fetch would refuse as well
        }
      }
      const empty = method === 'HEAD' || status === 204 || status === 205 || status === 304;
      if (empty) incoming.resume();
      const body = empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
      settled = true;
      resolve(new Response(body, { status, headers }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.once('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(fetchFailed(e));
      }
    });
    request.end();
  });
}

/**
 * The error fetch throws: a TypeError whose cause is the network error (its `code` tells what happened). A TLS record
 * error that node:https reports as a bare `EPROTO` gets the code the built-in fetch gives it, `ERR_SSL_` and OpenSSL's
 * reason (`ERR_SSL_WRONG_VERSION_NUMBER` for a server that answered in plain HTTP).
 */
function fetchFailed(cause: Error & { code?: string }): TypeError {
  const reason = cause.code === 'EPROTO' ? /SSL routines:[^:]*:([^:]+)/.exec(cause.message)?.[1] : undefined;
  if (reason) cause.code = `ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
  return new TypeError('fetch failed', { cause });
}
