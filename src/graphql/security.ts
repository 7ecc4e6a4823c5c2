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
import { operationDuration, operationLabel } from '../http/metrics.js';
import { requestContext } from '../http/request-context.js';

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

export function securityPlugins(limits: HttpLimits): Plugin[] {
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
    operationMetrics(),
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
      const ctx = requestContext.getStore();
      if (ctx) ctx.operation = label;
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

export const databaseUnavailable = () =>
  new GraphQLError('The database is not reachable at the moment; nothing was changed. Try again shortly.', {
    extensions: { code: 'DATABASE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': '5' } } },
  });

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
    const extensions: Record<string, unknown> = { code: 'INTERNAL_SERVER_ERROR', requestId: requestContext.getStore()?.requestId };
    if (isDev && original instanceof Error) extensions.originalError = { message: original.message, stack: original.stack };
    const path = error instanceof GraphQLError ? error.path : undefined;
    const nodes = error instanceof GraphQLError ? error.nodes : undefined;
    return new GraphQLError(message, { nodes, path, extensions });
  };
}
