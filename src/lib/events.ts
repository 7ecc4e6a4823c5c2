// What the domain reports about itself, without knowing who listens: the metrics module subscribes,
// a CLI run or a unit test simply has no listener. Synchronous and allocation-free when unheard.

export interface DomainEvents {
  /** `count` jurisdiction lookups finished with this status (a bulk request reports each status once) */
  lookup: (status: string, count: number) => void;
  /** a delivery reached a status in this instance */
  delivery: (status: string, channel: string) => void;
  /** an electronic attempt to a data centre's endpoint was booked: ok or failed */
  endpoint: (dataCenter: string, outcome: 'ok' | 'failed') => void;
}

const listeners: { [K in keyof DomainEvents]: DomainEvents[K][] } = { lookup: [], delivery: [], endpoint: [] };

export function onDomainEvent<K extends keyof DomainEvents>(kind: K, listener: DomainEvents[K]): () => void {
  listeners[kind].push(listener);
  return () => {
    const i = listeners[kind].indexOf(listener);
    if (i >= 0) listeners[kind].splice(i, 1);
  };
}

export function emitDomainEvent<K extends keyof DomainEvents>(kind: K, ...args: Parameters<DomainEvents[K]>): void {
  for (const l of listeners[kind]) (l as (...a: Parameters<DomainEvents[K]>) => void)(...args);
}
