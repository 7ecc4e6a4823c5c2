// Structured JSON logs. Never log tokens or personal data (addresses, payloads); log keys and counts.
// Lines about a request carry its requestId (passed explicitly).
import { GraphQLError } from 'graphql';
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'behoerdenverzeichnis' },
      redact: {
        paths: ['req.headers.authorization', 'authorization', 'token', '*.token', 'variables', '*.variables', 'payload', '*.payload'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** An error as it may be logged: drizzle puts the query's parameters (addresses…) into the message. */
export function loggableError(e: unknown): Record<string, unknown> {
  const cause = e instanceof GraphQLError && e.originalError ? e.originalError : e;
  const strip = (s: string | undefined) => s?.replace(/\nparams: [^\n]*/g, '\nparams: [redacted]');
  if (!(cause instanceof Error)) return { message: String(cause) };
  return { type: cause.name, message: strip(cause.message), stack: strip(cause.stack), code: (cause as { code?: unknown }).code };
}
