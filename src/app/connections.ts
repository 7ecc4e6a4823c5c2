// The server's open connections and how many responses each has under way, so that a stop can close
// the quiet ones: Node's closeIdleConnections() leaves a connection that has sent nothing yet, or only
// part of its headers, open until its headers timeout (60 s).
import type http from 'node:http';
import type net from 'node:net';

export class Connections {
  /** open connection → responses under way on it */
  private readonly busy = new Map<net.Socket, number>();
  private stopping = false;

  constructor(server: http.Server) {
    server.on('connection', (socket: net.Socket) => {
      this.busy.set(socket, 0);
      socket.once('close', () => this.busy.delete(socket));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      if (this.busy.has(socket)) this.busy.set(socket, this.busy.get(socket)! + 1);
      res.once('close', () => this.responded(socket));
    });
  }

  /** Closes every connection without a response under way now, and each other one once its responses have ended. */
  closeQuiet(): void {
    this.stopping = true;
    for (const [socket, n] of this.busy) if (n === 0) socket.destroy();
  }

  private responded(socket: net.Socket): void {
    const n = this.busy.get(socket);
    if (n === undefined) return; // closed already
    this.busy.set(socket, n - 1);
    // destroySoon: the response's last bytes are flushed first
    if (this.stopping && n === 1) socket.destroySoon();
  }
}

const tracked = new WeakMap<http.Server, Connections>();

/** The server's tracker, made on the first call: call it before the server listens. */
export function connectionsOf(server: http.Server): Connections {
  let c = tracked.get(server);
  if (!c) tracked.set(server, (c = new Connections(server)));
  return c;
}
