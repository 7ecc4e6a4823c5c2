// Structured JSON logs. Never log tokens or personal data (addresses); log keys and counts.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'behoerdenverzeichnis' },
    redact: { paths: ['req.headers.authorization', 'authorization', 'token'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
