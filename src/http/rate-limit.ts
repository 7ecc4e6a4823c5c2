// Token buckets per principal: each role has a quota of requests per minute, refilled continuously.
// In memory and per instance: with N instances behind a balancer a principal gets up to N quotas.

export interface RateDecision {
  allowed: boolean;
  /** whole seconds until one request is allowed again */
  retryAfterSeconds: number;
  limit: number;
  remaining: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** requests per minute by role; ANONYMOUS for callers without a token */
    private readonly quotas: Record<string, number>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A role without a quota of its own is treated like an anonymous caller. */
  private quotaOf(role: string): number {
    return this.quotas[role] ?? this.quotas.ANONYMOUS ?? 60;
  }

  take(role: string, key: string): RateDecision {
    const limit = this.quotaOf(role);
    const perMs = limit / 60_000;
    const t = this.now();
    const id = `${role}:${key}`;
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(t);
      b = { tokens: limit, at: t };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(limit, b.tokens + (t - b.at) * perMs);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, limit, remaining: Math.floor(b.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)), limit, remaining: 0 };
  }

  /** Drops full buckets (idle callers), then the oldest, so the map stays bounded. */
  private sweep(t: number) {
    for (const [id, b] of this.buckets) {
      const limit = this.quotaOf(id.slice(0, id.indexOf(':')));
      if (b.tokens + (t - b.at) * (limit / 60_000) >= limit) this.buckets.delete(id);
    }
    while (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
