// The API's error messages, placed where they belong: a BAD_USER_INPUT error names its field
// (extensions.argument, e.g. "input.postalAddress.postalCode"), and the form shows it there.
import type { CombinedError } from 'urql';

export interface FormErrors {
  /** by field path, e.g. "input.name" */
  fields: Record<string, string>;
  /** errors that belong to no field of the form */
  general: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, general: [] };

const GENERAL_CODES: Record<string, string> = {
  FORBIDDEN: 'Keine Berechtigung',
  CONFLICT: 'Konflikt',
  NOT_FOUND: 'Nicht gefunden',
};

/** Splits a failed request's errors into field errors (for the paths the form has) and the rest. */
export function formErrors(error: CombinedError | undefined, knownFields: readonly string[]): FormErrors {
  if (!error) return NO_ERRORS;
  const out: FormErrors = { fields: {}, general: [] };
  if (error.networkError) out.general.push(`Der Server ist nicht erreichbar: ${error.networkError.message}`);
  for (const e of error.graphQLErrors) {
    const argument = typeof e.extensions?.argument === 'string' ? e.extensions.argument : undefined;
    // A list item's error ("input.areas[2]") belongs to the list's field.
    const field = argument && knownFields.find((f) => f === argument || argument.startsWith(`${f}[`));
    // At its field the message drops the path it starts with ("input.name: must not be empty").
    if (argument && field && !out.fields[field]) out.fields[field] = e.message.startsWith(`${argument}: `) ? e.message.slice(argument.length + 2) : e.message;
    else {
      const code = typeof e.extensions?.code === 'string' ? GENERAL_CODES[e.extensions.code] : undefined;
      out.general.push(code ? `${code}: ${e.message}` : e.message);
    }
  }
  return out;
}

/** One line for a failed query. */
export function errorText(error: CombinedError): string {
  if (error.networkError) return `Der Server ist nicht erreichbar: ${error.networkError.message}`;
  return error.graphQLErrors.map((e) => e.message).join('; ');
}

/**
 * A CONFLICT because someone else changed the record since it was loaded (the API names the current
 * version): the page says so and offers a reload instead of a bare error.
 */
export function isStale(error: CombinedError | undefined): boolean {
  return !!error?.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT' && e.extensions.currentVersion !== undefined);
}
