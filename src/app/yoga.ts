// The Yoga server: schema, limits and security plugins, compiled execution, and the per-request
// GraphQL context (caller, request id, batched loaders). Knows nothing of Node's HTTP objects.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { HttpLimits } from '../config.js';
import type { AppDeps, GraphQLContext } from '../graphql/context.js';
import { boundedDocumentCache } from '../graphql/document-cache.js';
import { requestLoaders } from '../graphql/loaders.js';
import { maskError, securityPlugins } from '../graphql/security.js';
import { renderGraphiQLPage, useGraphiQLPolicy } from '../http/graphiql.js';
import { requestIdFrom, type RequestContext } from '../http/request-context.js';
import type { Logger } from '../lib/logger.js';
import type { Verifier } from '../modules/auth/jwt.js';
import { postcodeLoaders } from '../modules/postcodes/postcodes.resolvers.js';
import { regionLoaders } from '../modules/regions/regions.service.js';
import { buildSchema } from './schema.js';

export type Yoga = YogaServerInstance<{ rc?: RequestContext }, GraphQLContext>;

export interface YogaOptions {
  deps: AppDeps;
  verifier: Verifier;
  graphiql: boolean;
  limits: HttpLimits;
  /** graphql-jit compiled execution (default on) */
  jit?: boolean;
  log?: Logger;
  /** development: masked errors carry the original message and stack */
  isDev?: boolean;
}

/** Masked errors are logged with their request id by securityPlugins; Yoga's own log line would lack it. */
function yogaLogging(log: Logger | undefined) {
  if (!log) return false as const;
  const quiet = () => {};
  return { debug: quiet, info: quiet, error: quiet, warn: (...a: unknown[]) => log.warn({ detail: a.map(String) }, 'graphql warning') };
}

/** Characters of document text each parse cache holds at most (some 80 bytes of parsed document each). */
const DOCUMENT_CACHE_CHARS = 500_000;

/** Executions of one document before it is compiled. */
const COMPILE_AFTER = 10;

/**
 * Compiling a document costs far more than running it once (a large document within the limits held
 * the event loop for hundreds of ms), so only documents that come again are compiled: clients send
 * the same few documents over and over, while a caller sending a fresh document every time would
 * otherwise make the server compile for each request. Counted per parsed document, which Yoga's
 * parser cache shares between requests with the same text.
 */
function compileWhenRepeated(enabled: boolean): (args: { document: DocumentNode; operationName?: string | null }) => boolean {
  const runs = new WeakMap<DocumentNode, number>();
  return ({ document, operationName }) => {
    if (!enabled || !compilable(document, operationName)) return false;
    const n = (runs.get(document) ?? 0) + 1;
    runs.set(document, n);
    return n >= COMPILE_AFTER;
  };
}

/**
 * graphql-jit's plugin caches one compiled query per document, whatever operation the request names:
 * a document with two operations ran the first one compiled for every later request (a GET naming
 * the query ran the mutation), and a name no operation has cached its error for everyone sending that
 * text. Only a document with one operation, asked for without a name or by its own, is compiled.
 */
function compilable(document: DocumentNode, operationName: string | null | undefined): boolean {
  let operation: OperationDefinitionNode | undefined;
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operation) return false;
    operation = d;
  }
  return !!operation && (!operationName || operation.name?.value === operationName);
}

export function createYogaServer(opts: YogaOptions): Yoga {
  const { deps, limits } = opts;
  return createYoga<{ rc?: RequestContext }, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: opts.graphiql,
    // From the server's own assets (/graphiql/…), not Yoga's CDN.
    renderGraphiQL: renderGraphiQLPage,
    landingPage: false,
    healthCheckEndpoint: '/yoga-health',
    logging: yogaLogging(opts.log),
    maskedErrors: { maskError: maskError(opts.isDev ?? false) },
    batching: { limit: limits.maxBatch },
    // The handler enforces the body limit (413) before Yoga sees a request: a Content-Length is checked
    // and Node's parser delivers exactly that many bytes; a chunked body is read and counted. Yoga's
    // second check piped every body through a stream pipeline whose AbortController and DOMException
    // cost ≈ 9 % of a trivial request's CPU (profiled for #17).
    maxRequestBodySize: false,
    // Parsed documents and parse errors, bounded by the characters of their texts (about 40 MB at most).
    parserAndValidationCache: { documentCache: boundedDocumentCache(DOCUMENT_CACHE_CHARS), errorCache: boundedDocumentCache(DOCUMENT_CACHE_CHARS) },
    plugins: [
      ...securityPlugins(limits, opts.log, opts.isDev ?? false),
      // Compiled execution: repeated queries are turned into JavaScript once and cached per document.
      useGraphQlJit({}, { enableIf: compileWhenRepeated(opts.jit ?? true) }),
      ...(opts.graphiql ? [useGraphiQLPolicy()] : []),
    ],
    context: async ({ request, rc }) => {
      const principal = await opts.verifier(request.headers.get('authorization'));
      if (rc && principal) rc.role = principal.role;
      return {
        deps,
        principal,
        requestId: rc?.requestId ?? requestIdFrom(request.headers.get('x-request-id')),
        regions: regionLoaders(deps.directory),
        postcodes: postcodeLoaders(deps.directory),
        load: requestLoaders(),
      };
    },
  });
}
