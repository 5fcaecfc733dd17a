// A test server on 127.0.0.1: a free port, and a close() that also ends the connections still open (keep-alive, or a
// client that never finishes), so that it never waits for them.
import * as net from 'node:net';

export interface LoopbackServer {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly port: number;
  /** Stops listening and destroys every open connection; resolves once the server is closed. */
  close(): Promise<void>;
}

/** Listens with `server` (HTTP or plain TCP) on a free port of 127.0.0.1. */
export async function listenOnLoopback(server: net.Server): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
