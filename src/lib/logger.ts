// Structured JSON logs. Never log tokens or personal data (addresses, payloads); log keys and counts.
// Every line written while a request is handled carries its request id.
import { pino, type Logger } from 'pino';
import { requestContext } from '../http/request-context.js';

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
      mixin() {
        const ctx = requestContext.getStore();
        return ctx ? { requestId: ctx.requestId } : {};
      },
    },
    destination,
  );
}
