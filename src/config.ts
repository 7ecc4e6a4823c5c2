// The only module that reads process.env. Everything else receives a Config.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_HANDOFF_ISSUER } from './lib/handoff-contract.js';
import { parseTrustedProxies, type TrustedProxies } from './http/client-address.js';
import { formatDurationList, formatSpan, parseDurationList } from './lib/durations.js';
import { checkOutboundUrl, outboundPolicy, parseAllowlist, type OutboundPolicy } from './lib/url-policy.js';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A JWT claim name: printable, no spaces (namespaced names like https://example.org/tenant are fine). */
const claimName = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be a claim name: 1–200 printable characters without spaces');

const DAY_MS = 86_400_000;
const RETRY_RULES = { maxChars: 400, maxItems: 20, maxItemMs: 7 * DAY_MS };

/** Delays after the 1st, 2nd, … failed electronic attempt; after the last one: paper. About 44.6 h in all. */
export const DEFAULT_ELECTRONIC_RETRY = '1m,5m,30m,2h,6h,12h,24h';
/** The print centre being down for a long weekend should not fail a letter: about 3.9 days in all. */
export const DEFAULT_PRINT_RETRY = '1m,5m,30m,2h,6h,12h,24h,24h,24h';

/** A retry schedule: "1m,5m,30m" (units s, m, h, d), each step at most 7 days, at most 20 steps. */
const scheduleFromEnv = z.string().transform((s, ctx) => {
  try {
    return parseDurationList(s, RETRY_RULES);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/**
 * A whole number in decimal digits; spaces around it are ignored. No sign, hex, binary, octal,
 * exponent or fraction ("0x10", "1e3", "-0" slipped through z.coerce.number()): no variable here
 * takes a negative number.
 */
function intFromEnv(min: number, max: number) {
  return z
    .string()
    .transform((raw, ctx) => {
      const s = raw.trim();
      if (/^\d+$/.test(s)) return Number(s);
      ctx.addIssue({ code: 'custom', message: `must be a whole number in decimal digits, not ${quoted(raw)}` });
      return z.NEVER;
    })
    .pipe(z.number().min(min).max(max));
}

const quoted = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/**
 * An empty or blank number counts as unset, so its default applies: `FOO=` in a .env or compose file
 * commonly means "not set", while as 0 it turned the drain off or chose a random port.
 */
const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const intVar = (min: number, max: number, fallback: number) => blankAsUnset(intFromEnv(min, max).default(fallback));
const optionalIntVar = (min: number, max: number) => blankAsUnset(intFromEnv(min, max).optional());

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intVar(0, 65535, 4000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: intVar(1, 200, 10),
  PGLITE_SHARED_BUFFERS: z.string().regex(/^\d+(kB|MB|GB)$/, 'must be a size like 32MB').default('32MB'),
  AUTH_JWKS: z.string().min(1).optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_ALGORITHMS: z
    .string()
    .default('ES256,RS256')
    .transform((s) => s.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.enum(ALGORITHMS)).min(1)),
  AUTH_ROLE_CLAIM: claimName.default('role'),
  AUTH_SCOPE_CLAIM: claimName.default('scope'),
  SEED_DEMO: boolFromEnv.optional(),
  TRUST_ANCHORS_DIR: z.string().min(1).optional(),
  DIRECTORY_TOKEN: z.string().optional(),
  CERT_OVERLAP_DAYS: intVar(0, 365, 14),
  JOBS: boolFromEnv.default(true),
  DISPATCHER: boolFromEnv.default(true),
  DISPATCH_INTERVAL_MS: intVar(50, 600_000, 1000),
  MAX_PAYLOAD_BYTES: intVar(1024, 100 * 1024 * 1024, 10 * 1024 * 1024),
  TRANSPORT_TIMEOUT_MS: intVar(100, 300_000, 10_000),
  DISPATCH_LEASE_MS: intVar(1000, 3_600_000, 300_000),
  // Optional so that it is checked against the lease and the transport timeout only when set.
  HANDOFF_TIMEOUT_MS: optionalIntVar(100, 3_600_000),
  HANDOFF_MAX_CRASHES: intVar(1, 100, 3),
  FAILPOINTS: z.string().optional(),
  // Deprecated by DELIVERY_RETRY_SCHEDULE; still read so that old configurations start.
  MAX_TRANSPORT_ATTEMPTS: optionalIntVar(1, 100),
  DELIVERY_RETRY_SCHEDULE: scheduleFromEnv.optional(),
  PRINT_RETRY_SCHEDULE: scheduleFromEnv.optional(),
  HANDOFF_SIGNING_KEYS: z.string().max(10_000).optional(),
  HANDOFF_ISSUER: z.string().min(1).max(500).optional(),
  PRINT_SPOOL_DIR: z.string().min(1).optional(),
  PRINT_CENTER_URL: z.string().url().optional(),
  PRINT_CENTER_TOKEN: z.string().min(1).optional(),
  OUTBOUND_ALLOWLIST: z
    .string()
    .default('')
    .transform((s, ctx) => {
      try {
        return parseAllowlist(s.split(',').map((x) => x.trim()).filter(Boolean));
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${(e as Error).message}; expected host names, addresses or CIDRs, comma-separated` });
        return z.NEVER;
      }
    }),
  PAYLOAD_RETENTION_DAYS: intVar(1, 3650, 30),
  METADATA_RETENTION_DAYS: intVar(1, 36500, 365),
  BULK_MAX_INPUTS: intVar(1, 100_000, 1000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  GRAPHQL_MAX_DEPTH: intVar(2, 100, 12),
  GRAPHQL_MAX_ALIASES: intVar(0, 1000, 30),
  GRAPHQL_MAX_TOKENS: intVar(100, 1_000_000, 5000),
  GRAPHQL_MAX_COST: intVar(100, 10_000_000, 20_000),
  GRAPHQL_MAX_DIRECTIVES: intVar(0, 1000, 20),
  GRAPHQL_MAX_BATCH: intVar(1, 100, 10),
  GRAPHQL_INTROSPECTION: boolFromEnv.optional(),
  MAX_BODY_BYTES: optionalIntVar(1024, 512 * 1024 * 1024),
  RATE_LIMITS: z
    .string()
    .regex(/^(off|(ANONYMOUS|ADMIN|TENANT_MANAGER|DATA_CENTER|CLIENT)=\d+(,(ANONYMOUS|ADMIN|TENANT_MANAGER|DATA_CENTER|CLIENT)=\d+)*)$/, 'must be "off" or ROLE=requests per minute, comma-separated, e.g. CLIENT=1200,ANONYMOUS=120')
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUSTED_PROXIES: z.string().max(2000).optional(),
  SHUTDOWN_TIMEOUT_MS: intVar(0, 600_000, 25_000),
  SHUTDOWN_DRAIN_MS: intVar(0, 60_000, 1_000),
  HEAP_GROWING_PERCENT: intVar(0, 1_000, 50),
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).max(255).optional(),
  CONSOLE_OIDC_SCOPE: z.string().min(1).max(1000).default('openid'),
  CONSOLE_OIDC_RESOURCE: z.string().url().max(2048).optional(),
});

/** Requests per minute and principal, by role; ANONYMOUS is keyed by client address. */
export const DEFAULT_RATE_LIMITS: Record<string, number> = {
  ANONYMOUS: 300,
  CLIENT: 6000,
  ADMIN: 1200,
  TENANT_MANAGER: 600,
  DATA_CENTER: 600,
};

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  pgliteSharedBuffers: string;
  auth: {
    /** Path to a JWKS file or an https URL; undefined means the development key in DATA_DIR. */
    jwks: string | undefined;
    issuer: string;
    audience: string;
    algorithms: string[];
    roleClaim: string;
    scopeClaim: string;
  };
  seedDemo: boolean;
  /** most inputs per responsibleAuthorities request */
  bulkMax: number;
  /** folder of PEM trust anchors for data-centre certificates; none means no chain is required */
  trustAnchorsDir: string | undefined;
  /** how long a replaced certificate stays RETIRING */
  certOverlapDays: number;
  /** bearer token the CLI sends to a directory server (`cert upload`), kept out of the process list */
  directoryToken: string | undefined;
  /** run scheduled jobs in this process */
  jobs: boolean;
  dispatch: {
    enabled: boolean;
    intervalMs: number;
    maxPayloadBytes: number;
    transportTimeoutMs: number;
    /** delays (ms) after the 1st, 2nd, … failed attempt per channel; past the last: paper (electronic) or FAILED */
    retry: { ELECTRONIC: number[]; PRINT: number[] };
    /** how long a dispatcher owns claimed deliveries; after a crash they are handed off again then */
    leaseMs: number;
    /** time budget of one hand-off (letter, encryption, sending); over it, it is aborted as a crash */
    handOffTimeoutMs: number;
    /** crashes, time-outs and unfinished hand-offs in a row after which a delivery is FAILED */
    handOffMaxCrashes: number;
    printSpoolDir: string;
    /** when set, print jobs are POSTed here instead of written to the spool folder */
    printCenterUrl: string | undefined;
    printCenterToken: string | undefined;
  };
  handoff: {
    /** PEM private keys signing hand-offs, the active one first; empty: development's key in DATA_DIR */
    signingKeyFiles: string[];
    /** iss of every signed hand-off */
    issuer: string;
  };
  /** where outbound requests (endpoints, webhooks, print centre) may go; https-only and no local networks in production */
  outbound: OutboundPolicy;
  retention: { payloadDays: number; metadataDays: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  graphiql: boolean;
  http: HttpLimits;
  /** bearer token required by /metrics; undefined means open (bind to an internal interface) */
  metricsToken: string | undefined;
  /** how long SIGTERM waits for in-flight requests and hand-offs */
  shutdownTimeoutMs: number;
  /** after SIGTERM, how long the server still answers (readiness failing, connections closing) before it stops listening */
  shutdownDrainMs: number;
  /** V8's old-generation growth after a full collection, in percent; 0 leaves V8's own (up to 4×) */
  heapGrowingPercent: number;
  /** crash-test hook (src/lib/failpoint.ts); never set in production */
  failpoints: string | undefined;
  /** deprecated settings in use, and what they mean now: logged at startup */
  deprecations: string[];
  /** the web console's OpenID Connect sign-in (against AUTH_ISSUER); clientId undefined: not offered */
  console: { oidcClientId: string | undefined; oidcScope: string; oidcResource: string | undefined };
}

export interface HttpLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
  maxBatch: number;
  /** largest request body; larger ones get 413 */
  maxBodyBytes: number;
  introspection: boolean;
  /** field suggestions ("Did you mean …") in validation errors */
  suggestions: boolean;
  /** requests per minute by role (and ANONYMOUS); null disables rate limiting */
  rateLimits: Record<string, number> | null;
  /** reverse proxies whose X-Forwarded-For is believed (hop count or addresses); unset: none */
  trustedProxies?: TrustedProxies;
}

/** Defaults for tests and tools that build an app without a Config. */
export function defaultHttpLimits(production = false): HttpLimits {
  return {
    maxDepth: 12,
    maxAliases: 30,
    maxTokens: 5000,
    maxCost: 20_000,
    maxDirectives: 20,
    maxBatch: 10,
    maxBodyBytes: bodyLimitFor(10 * 1024 * 1024),
    introspection: !production,
    suggestions: !production,
    rateLimits: null,
  };
}

/** A dispatch carries its payload base64-encoded (4/3) plus the rest of the request. */
function bodyLimitFor(maxPayloadBytes: number): number {
  return Math.ceil((maxPayloadBytes * 4) / 3) + 1024 * 1024;
}

function parseRateLimits(v: string | undefined): Record<string, number> | null {
  if (v === 'off') return null;
  const out = { ...DEFAULT_RATE_LIMITS };
  for (const part of v ? v.split(',') : []) {
    const [role, n] = part.split('=');
    out[role!] = Number(n);
  }
  return out;
}

function trustedProxiesFrom(raw: string | undefined, problems: string[]): TrustedProxies | undefined {
  if (!raw) return undefined;
  try {
    return parseTrustedProxies(raw);
  } catch (err) {
    problems.push(`TRUSTED_PROXIES: ${(err as Error).message}`);
    return undefined;
  }
}

export const DEV_ISSUER = 'urn:behoerdenverzeichnis:dev';
export const DEFAULT_AUDIENCE = 'behoerdenverzeichnis';

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The print centre is an outbound URL like any other. */
function printCenterProblem(url: string, policy: OutboundPolicy): string | undefined {
  if (policy.httpsOnly && !url.startsWith('https://')) return 'must use https in production (print jobs carry personal data)';
  try {
    checkOutboundUrl(url, policy);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Rules that span several settings or depend on the environment (production). */
function crossFieldProblems(e: z.infer<typeof EnvSchema>): string[] {
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.AUTH_JWKS) problems.push('AUTH_JWKS: required in production (path to a JWKS file or an https URL)');
    if (!e.AUTH_ISSUER) problems.push('AUTH_ISSUER: required in production');
    if (!e.AUTH_AUDIENCE) problems.push('AUTH_AUDIENCE: required in production');
  }
  if (!e.AUTH_JWKS) {
    // development tokens (cli token, the console's development sign-in) carry "role" and "scope"
    for (const [name, value, plain] of [['AUTH_ROLE_CLAIM', e.AUTH_ROLE_CLAIM, 'role'], ['AUTH_SCOPE_CLAIM', e.AUTH_SCOPE_CLAIM, 'scope']]) {
      if (value !== plain) problems.push(`${name}: needs AUTH_JWKS (development tokens use the claim "${plain}")`);
    }
  }
  if (e.AUTH_JWKS && /^http:\/\//.test(e.AUTH_JWKS) && e.NODE_ENV === 'production') {
    problems.push('AUTH_JWKS: a JWKS URL must use https in production');
  }
  if (e.PRINT_CENTER_URL) {
    const problem = printCenterProblem(e.PRINT_CENTER_URL, outboundPolicy(e.NODE_ENV === 'production', e.OUTBOUND_ALLOWLIST));
    if (problem) problems.push(`PRINT_CENTER_URL: ${problem}`);
  }
  if (e.HANDOFF_TIMEOUT_MS !== undefined && e.HANDOFF_TIMEOUT_MS >= e.DISPATCH_LEASE_MS) {
    problems.push('HANDOFF_TIMEOUT_MS: must be shorter than DISPATCH_LEASE_MS (a hand-off is booked within its lease)');
  }
  if (e.HANDOFF_TIMEOUT_MS !== undefined && e.HANDOFF_TIMEOUT_MS <= e.TRANSPORT_TIMEOUT_MS) {
    problems.push('HANDOFF_TIMEOUT_MS: must be longer than TRANSPORT_TIMEOUT_MS (a slow receiver is a failed attempt, not a crash)');
  }
  if (e.NODE_ENV === 'production' && e.DISPATCHER && !signingKeyFiles(e).length) {
    problems.push('HANDOFF_SIGNING_KEYS: required in production when the dispatcher runs (DISPATCHER=true): comma-separated PEM PKCS#8 private key files (EC P-256 or RSA), the active one first');
  }
  problems.push(...consoleProblems(e));
  if (e.FAILPOINTS && e.NODE_ENV === 'production') problems.push('FAILPOINTS: a crash-test hook; not allowed in production');
  if (e.MAX_TRANSPORT_ATTEMPTS !== undefined && e.DELIVERY_RETRY_SCHEDULE) {
    problems.push('MAX_TRANSPORT_ATTEMPTS: deprecated and replaced by DELIVERY_RETRY_SCHEDULE; set only DELIVERY_RETRY_SCHEDULE');
  }
  return problems;
}

/** The console discovers the identity provider from AUTH_ISSUER, so that must be its URL. */
function consoleProblems(e: z.infer<typeof EnvSchema>): string[] {
  if (!e.CONSOLE_OIDC_CLIENT_ID) return [];
  if (!e.AUTH_ISSUER) return ['CONSOLE_OIDC_CLIENT_ID: needs AUTH_ISSUER, the identity provider the console signs in with'];
  const https = /^https:\/\//.test(e.AUTH_ISSUER);
  if (!https && !/^http:\/\//.test(e.AUTH_ISSUER)) return ['AUTH_ISSUER: must be the identity provider\'s URL when CONSOLE_OIDC_CLIENT_ID is set (OpenID Connect discovery)'];
  if (!https && e.NODE_ENV === 'production') return ['AUTH_ISSUER: must use https in production when CONSOLE_OIDC_CLIENT_ID is set'];
  return [];
}

const DEFAULT_STEPS = parseDurationList(DEFAULT_ELECTRONIC_RETRY, RETRY_RULES);

/**
 * The electronic schedule, and a note when the deprecated MAX_TRANSPORT_ATTEMPTS gives it: n attempts
 * keep their number (n − 1 retries, at most 20) but take the default's spacing, a day apart past its end.
 */
function electronicRetry(e: z.infer<typeof EnvSchema>): { steps: number[]; note?: string } {
  if (e.DELIVERY_RETRY_SCHEDULE || e.MAX_TRANSPORT_ATTEMPTS === undefined) return { steps: e.DELIVERY_RETRY_SCHEDULE ?? DEFAULT_STEPS };
  const n = e.MAX_TRANSPORT_ATTEMPTS;
  const steps = Array.from({ length: Math.min(n - 1, RETRY_RULES.maxItems) }, (_, i) => DEFAULT_STEPS[i] ?? DAY_MS);
  const written = steps.length ? `"${formatDurationList(steps)}"` : 'no retries';
  const span = formatSpan(steps.reduce((a, b) => a + b, 0));
  return { steps, note: `MAX_TRANSPORT_ATTEMPTS=${n} is deprecated: it now means the retry schedule ${written} (paper after ${span}); set DELIVERY_RETRY_SCHEDULE instead` };
}

const signingKeyFiles = (e: z.infer<typeof EnvSchema>) =>
  (e.HANDOFF_SIGNING_KEYS ?? '').split(',').map((f) => f.trim()).filter(Boolean).map((f) => path.resolve(f));

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems = crossFieldProblems(e);
  const outbound = outboundPolicy(e.NODE_ENV === 'production', e.OUTBOUND_ALLOWLIST);
  const trusted = trustedProxiesFrom(e.TRUSTED_PROXIES, problems);
  if (problems.length) throw new ConfigError(problems);
  const electronic = electronicRetry(e);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    pgliteSharedBuffers: e.PGLITE_SHARED_BUFFERS,
    auth: {
      jwks: e.AUTH_JWKS,
      issuer: e.AUTH_ISSUER ?? DEV_ISSUER,
      audience: e.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE,
      algorithms: e.AUTH_ALGORITHMS,
      roleClaim: e.AUTH_ROLE_CLAIM,
      scopeClaim: e.AUTH_SCOPE_CLAIM,
    },
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV !== 'production',
    bulkMax: e.BULK_MAX_INPUTS,
    trustAnchorsDir: e.TRUST_ANCHORS_DIR ? path.resolve(e.TRUST_ANCHORS_DIR) : undefined,
    certOverlapDays: e.CERT_OVERLAP_DAYS,
    directoryToken: e.DIRECTORY_TOKEN?.trim() || undefined,
    jobs: e.JOBS,
    dispatch: {
      enabled: e.DISPATCHER,
      intervalMs: e.DISPATCH_INTERVAL_MS,
      maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
      transportTimeoutMs: e.TRANSPORT_TIMEOUT_MS,
      retry: { ELECTRONIC: electronic.steps, PRINT: e.PRINT_RETRY_SCHEDULE ?? parseDurationList(DEFAULT_PRINT_RETRY, RETRY_RULES) },
      leaseMs: e.DISPATCH_LEASE_MS,
      handOffTimeoutMs: e.HANDOFF_TIMEOUT_MS ?? 30_000,
      handOffMaxCrashes: e.HANDOFF_MAX_CRASHES,
      printSpoolDir: path.resolve(e.PRINT_SPOOL_DIR ?? path.join(e.DATA_DIR, 'print-spool')),
      printCenterUrl: e.PRINT_CENTER_URL,
      printCenterToken: e.PRINT_CENTER_TOKEN,
    },
    handoff: { signingKeyFiles: signingKeyFiles(e), issuer: e.HANDOFF_ISSUER ?? DEFAULT_HANDOFF_ISSUER },
    outbound,
    retention: { payloadDays: e.PAYLOAD_RETENTION_DAYS, metadataDays: e.METADATA_RETENTION_DAYS },
    logLevel: e.LOG_LEVEL,
    graphiql: e.NODE_ENV !== 'production',
    http: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxBatch: e.GRAPHQL_MAX_BATCH,
      maxBodyBytes: e.MAX_BODY_BYTES ?? bodyLimitFor(e.MAX_PAYLOAD_BYTES),
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      suggestions: e.NODE_ENV !== 'production',
      rateLimits: parseRateLimits(e.RATE_LIMITS),
      trustedProxies: trusted,
    },
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    failpoints: e.FAILPOINTS,
    deprecations: electronic.note ? [electronic.note] : [],
    console: { oidcClientId: e.CONSOLE_OIDC_CLIENT_ID, oidcScope: e.CONSOLE_OIDC_SCOPE, oidcResource: e.CONSOLE_OIDC_RESOURCE },
  };
}
