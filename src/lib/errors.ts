// Exceptional outcomes as GraphQLErrors with a stable extensions.code; anything else is masked by Yoga.
import { GraphQLError } from 'graphql';

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

export const badInput = (argument: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError('BAD_USER_INPUT', `${argument}: ${message}`, { argument, ...details });
export const unauthenticated = (message = 'Authentication required: send a Bearer token') =>
  new AppError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('CONFLICT', message, details);

/** An expected failure of a command (a refusal, an unreadable file, an unreachable server): exit 1 with its message alone. */
export class CommandFailure extends Error {}

/** A problem in an input file, with the line it was found on (1-based). */
export class InputFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly line: number,
    public readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'InputFileError';
  }
}
