// The protective Yoga/envelop plugins: document limits (GraphQL Armor), CSRF, introspection,
// field suggestions, error masking, and per-operation metrics.
import { getOperationAST, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { HttpLimits } from '../config.js';
import { isDatabaseUnavailable } from '../db/availability.js';
import { EXCLUSION_VIOLATION, pgErrorCode, UNIQUE_VIOLATION } from '../db/errors.js';
import { operationDuration, operationLabel } from '../http/metrics.js';
import type { RequestContext } from '../http/request-context.js';
import type { Logger } from '../lib/logger.js';
import { useWorkBudget } from './cost.js';
import { loggableError } from '../lib/logger.js';

/** Armor's own errors read "Syntax Error: …" and come back as 200; ours name the limit and are 400. */
const reject = {
  exposeLimits: true,
  flattenFragments: true,
  onReject: [
    (_ctx: unknown, error: GraphQLError) => {
      throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: 'QUERY_LIMIT_EXCEEDED', http: { status: 400 } },
      });
    },
  ],
};

export function securityPlugins(limits: HttpLimits, log?: Logger, isDev = false): Plugin[] {
  const plugins: Plugin[] = [
    // Browsers send "simple" cross-site requests without a preflight; we require something they cannot
    // add without one: a JSON content type, an Authorization header or an explicit CSRF header.
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization', 'x-requested-with'] }),
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, ...reject },
      maxAliases: { n: limits.maxAliases, ...reject },
      maxTokens: { n: limits.maxTokens, ...reject },
      // Counts a literal first/last argument as the list's size.
      costLimit: { maxCost: limits.maxCost, ...reject },
      maxDirectives: { n: limits.maxDirectives, ...reject },
      // Handled below, depending on the environment.
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
    useWorkBudget(limits.maxCost),
    operationMetrics(),
    errorsWithRequestId(log),
    requestErrorsAsDocumented(isDev),
  ];
  if (!limits.introspection) plugins.push(useDisableIntrospection() as Plugin);
  if (!limits.suggestions) plugins.push(blockFieldSuggestionsPlugin({ mask: '' }) as Plugin);
  return plugins;
}

function operationMetrics(): Plugin {
  return {
    onExecute({ args }) {
      const op = getOperationAST(args.document, args.operationName ?? undefined);
      const label = operationLabel(op?.operation ?? 'unknown', op?.name?.value ?? args.operationName ?? undefined);
      const rc = (args.contextValue as { rc?: RequestContext }).rc;
      if (rc) rc.operation = label;
      const end = operationDuration.startTimer({ operation: label });
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result && result.errors?.length;
          end({ outcome: errors ? 'error' : 'ok' });
        },
      };
    },
  };
}

/** The unexpected errors behind masked ones, so they can be logged with the request they belong to. */
const maskedOriginals = new WeakMap<GraphQLError, unknown>();

/**
 * Once per response: masked errors get the request id (the caller quotes it, operations find the log
 * line), and their originals are logged with it. The request id travels in Yoga's server context.
 */
function errorsWithRequestId(log?: Logger): Plugin<{ rc?: RequestContext }> {
  const fix = (result: any, requestId: string | undefined) => {
    if (!result?.errors?.length) return result;
    let changed = false;
    const errors = result.errors.map((e: unknown) => {
      if (!(e instanceof GraphQLError)) return e;
      const code = e.extensions?.code;
      if (code === 'DATABASE_UNAVAILABLE') log?.warn({ requestId, code }, 'database unavailable');
      if (code !== 'INTERNAL_SERVER_ERROR') return e;
      if (maskedOriginals.has(e)) log?.error({ requestId, err: loggableError(maskedOriginals.get(e)) }, 'unexpected error');
      changed = true;
      return new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions: { ...e.extensions, requestId } });
    });
    return changed ? { ...result, errors } : result;
  };
  return {
    onResultProcess({ result, setResult, serverContext }) {
      const requestId = (serverContext as { rc?: RequestContext } | undefined)?.rc?.requestId;
      if (Array.isArray(result)) setResult(result.map((r) => fix(r, requestId)));
      else if (result && !(Symbol.asyncIterator in (result as object))) setResult(fix(result, requestId));
    },
  };
}

/**
 * Two corrections to what Yoga answers before execution: a limit hit while parsing (the token limit)
 * is 400 like the other limits, also for legacy application/json clients; and outside development a
 * request error carries no `originalError` (Yoga echoes the JSON parser's message, with the body's text).
 */
function requestErrorsAsDocumented(isDev: boolean): Plugin {
  const fix = (result: any) => {
    if (!result?.errors?.length) return result;
    const limited = result.errors.some((e: any) => e?.extensions?.code === 'QUERY_LIMIT_EXCEEDED');
    const errors = isDev
      ? result.errors
      : result.errors.map((e: any) => {
          if (!(e instanceof GraphQLError) || !e.extensions?.originalError) return e;
          const { originalError: _, ...extensions } = e.extensions;
          return new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions });
        });
    if (!limited && errors === result.errors) return result;
    if ('data' in result) return { ...result, errors };
    // A request error (no execution): its status belongs to the whole response, for every client.
    let status = limited ? 400 : 0;
    for (const e of result.errors) status = Math.max(status, Number(e?.extensions?.http?.status ?? 0));
    return { ...result, errors, extensions: { ...result.extensions, http: { ...result.extensions?.http, status: status || 400 } } };
  };
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(fix));
      else if (result && !(Symbol.asyncIterator in (result as object))) setResult(fix(result));
    },
  };
}

export const databaseUnavailable = () =>
  new GraphQLError('The database is not reachable at the moment; nothing was changed. Try again shortly.', {
    extensions: { code: 'DATABASE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': '5' } } },
  });

/**
 * A unique or exclusion violation the service's own check could not see (two requests at once): the
 * database refused the second, which is a CONFLICT on both engines, not an unexpected error.
 */
function conflictOf(original: unknown): string | undefined {
  const code = pgErrorCode(original);
  if (code !== UNIQUE_VIOLATION && code !== EXCLUSION_VIOLATION) return undefined;
  const constraint = constraintOf(original);
  return `Conflicts with a concurrent change${constraint ? ` (${constraint})` : ''}: an entry with the same key or an overlapping one exists now. Reload and try again.`;
}

function constraintOf(e: unknown): string | undefined {
  for (let cur = e, i = 0; i < 4 && cur; i++, cur = (cur as { cause?: unknown }).cause) {
    const c = (cur as { constraint_name?: unknown; constraint?: unknown }).constraint_name ?? (cur as { constraint?: unknown }).constraint;
    if (typeof c === 'string' && /^[a-z0-9_]{1,63}$/.test(c)) return c;
  }
  return undefined;
}

/**
 * Masks unexpected errors ("Unexpected error.", no stack, no message) except in development, and turns
 * a lost database connection into a clear 503 instead.
 */
export function maskError(isDev: boolean) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (isDatabaseUnavailable(original)) {
      const e = databaseUnavailable();
      return error instanceof GraphQLError ? new GraphQLError(e.message, { nodes: error.nodes, path: error.path, extensions: e.extensions }) : e;
    }
    if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
      return error;
    }
    const conflict = conflictOf(original);
    if (conflict) return new GraphQLError(conflict, { nodes: error instanceof GraphQLError ? error.nodes : undefined, path: error instanceof GraphQLError ? error.path : undefined, extensions: { code: 'CONFLICT' } });
    const extensions: Record<string, unknown> = { code: 'INTERNAL_SERVER_ERROR' };
    if (isDev && original instanceof Error) extensions.originalError = { message: original.message, stack: original.stack };
    const path = error instanceof GraphQLError ? error.path : undefined;
    const nodes = error instanceof GraphQLError ? error.nodes : undefined;
    const masked = new GraphQLError(message, { nodes, path, extensions });
    maskedOriginals.set(masked, original);
    return masked;
  };
}
