// The server's open connections and the requests under way on each, so that a stop can close the
// quiet ones: Node's closeIdleConnections() leaves a connection that has sent nothing yet, or only
// part of its headers, open until its headers timeout (60 s); and a request whose body stopped
// arriving would hold the stop until its timeout, while one whose body is still arriving is in flight.
import type http from 'node:http';
import type net from 'node:net';

/** A request body that brought no byte for this long during a stop is given up. */
export const BODY_STALL_MS = 1000;
const CHECK_MS = 250;

export class Connections {
  /** open connection → requests on it whose response has not ended */
  private readonly open = new Map<net.Socket, Set<http.IncomingMessage>>();
  /** during a stop: connections whose only requests are still receiving their body → bytes read, when that last grew */
  private readonly receiving = new Map<net.Socket, { bytes: number; at: number }>();
  private stopping = false;

  constructor(server: http.Server) {
    server.on('connection', (socket: net.Socket) => {
      this.open.set(socket, new Set());
      socket.once('close', () => {
        this.open.delete(socket);
        this.receiving.delete(socket);
      });
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.open.get(req.socket)?.add(req);
      res.once('close', () => this.responded(req));
    });
  }

  /**
   * Closes every connection without a request now, and each one whose requests are answered as
   * their responses end. A connection whose request body is still arriving keeps its place while
   * bytes come; once none came for BODY_STALL_MS it is closed.
   */
  closeQuiet(): void {
    this.stopping = true;
    for (const [socket, requests] of this.open) {
      if (requests.size === 0) socket.destroy();
      else if (![...requests].some((r) => r.complete)) this.receiving.set(socket, { bytes: socket.bytesRead, at: Date.now() });
    }
    if (this.receiving.size > 0) this.watchBodies();
  }

  private watchBodies(): void {
    const timer = setInterval(() => {
      const now = Date.now();
      for (const [socket, seen] of this.receiving) {
        if ([...(this.open.get(socket) ?? [])].some((r) => r.complete)) this.receiving.delete(socket); // answered as usual
        else if (socket.bytesRead !== seen.bytes) this.receiving.set(socket, { bytes: socket.bytesRead, at: now });
        else if (now - seen.at >= BODY_STALL_MS) socket.destroy();
      }
      if (this.receiving.size === 0) clearInterval(timer);
    }, CHECK_MS).unref();
  }

  private responded(req: http.IncomingMessage): void {
    const requests = this.open.get(req.socket);
    if (!requests) return; // closed already
    requests.delete(req);
    // destroySoon: the response's last bytes are flushed first
    if (this.stopping && requests.size === 0) req.socket.destroySoon();
  }
}

const tracked = new WeakMap<http.Server, Connections>();

/** The server's tracker, made on the first call: call it before the server listens. */
export function connectionsOf(server: http.Server): Connections {
  let c = tracked.get(server);
  if (!c) tracked.set(server, (c = new Connections(server)));
  return c;
}
