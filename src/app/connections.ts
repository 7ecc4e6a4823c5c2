// The server's open connections and the requests under way on each, so that a stop can close the
// quiet ones: Node's closeIdleConnections() leaves a connection that has sent nothing yet, or only
// part of its headers, open until its headers timeout (60 s); and a request whose body stopped
// arriving would hold the stop until its timeout, while one whose body is still arriving is in flight.
import type http from 'node:http';
import type net from 'node:net';

/** A request body that brought no byte for this long during a stop, while the server waited for it, is given up. */
export const BODY_STALL_MS = 1000;
const CHECK_MS = 250;

interface Watch {
  bytes: number;
  /** when the client last sent a byte, or the server last kept it waiting */
  since: number;
}

const anyComplete = (requests: Set<http.IncomingMessage>) => [...requests].some((r) => r.complete);

/**
 * Whether the server is waiting for the client's bytes: not when it has not read what arrived (the
 * socket is paused once the request's buffer is full, e.g. while the caller's token is verified).
 */
function waitingForClient(socket: net.Socket, requests: Set<http.IncomingMessage>): boolean {
  if (socket.isPaused()) return false;
  for (const r of requests) if (r.readableLength > 0) return false;
  return true;
}

export class Connections {
  /** open connection → requests on it whose response has not ended */
  private readonly open = new Map<net.Socket, Set<http.IncomingMessage>>();
  /** during a stop: connections whose only requests are still receiving their body */
  private readonly receiving = new Map<net.Socket, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private lastCheck = 0;
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
   * bytes come; once none came for BODY_STALL_MS while the server waited for them, it is closed.
   */
  closeQuiet(): void {
    this.stopping = true;
    for (const [socket, requests] of this.open) {
      if (requests.size === 0) socket.destroy();
      else if (!anyComplete(requests)) this.watch(socket);
    }
  }

  private watch(socket: net.Socket): void {
    this.receiving.set(socket, { bytes: socket.bytesRead, since: Date.now() });
    if (this.timer) return;
    this.lastCheck = Date.now();
    this.timer = setInterval(() => this.check(), CHECK_MS).unref();
  }

  /** A body counts as stalled only over checks that ran on time while the server waited for its bytes. */
  private check(): void {
    const now = Date.now();
    // After a busy event loop the bytes that came meanwhile are not read yet: such a check proves nothing.
    const late = now - this.lastCheck > 2 * CHECK_MS;
    this.lastCheck = now;
    for (const [socket, w] of this.receiving) {
      const requests = this.open.get(socket);
      if (!requests || anyComplete(requests)) this.receiving.delete(socket); // answered as usual
      else if (late || socket.bytesRead !== w.bytes || !waitingForClient(socket, requests)) this.receiving.set(socket, { bytes: socket.bytesRead, since: now });
      else if (now - w.since >= BODY_STALL_MS) socket.destroy();
    }
    if (this.receiving.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private responded(req: http.IncomingMessage): void {
    const requests = this.open.get(req.socket);
    if (!requests) return; // closed already
    requests.delete(req);
    if (!this.stopping) return;
    // destroySoon: the response's last bytes are flushed first
    if (requests.size === 0) req.socket.destroySoon();
    else if (!anyComplete(requests)) this.watch(req.socket); // a pipelined request still receiving its body
  }
}

const tracked = new WeakMap<http.Server, Connections>();

/** The server's tracker, made on the first call: call it before the server listens. */
export function connectionsOf(server: http.Server): Connections {
  let c = tracked.get(server);
  if (!c) tracked.set(server, (c = new Connections(server)));
  return c;
}
