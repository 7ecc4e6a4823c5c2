// Validation of official keys given by callers.
import { badInput } from '../../lib/errors.js';

export function checkAgs(argument: string, value: string): string {
  const v = value.trim();
  if (!/^\d{8}$/.test(v)) {
    throw badInput(argument, `"${value}" is not an AGS: expected 8 digits (Land 2, Regierungsbezirk 1, Kreis 2, Gemeinde 3)`);
  }
  return v;
}

export function checkArs(argument: string, value: string): string {
  const v = value.trim();
  if (!/^\d+$/.test(v) || ![2, 3, 4, 5, 9, 12].includes(v.length)) {
    throw badInput(argument, `"${value}" is not an ARS: expected 2, 3, 4, 5, 9 or 12 digits`);
  }
  return v;
}

export function checkPostcode(argument: string, value: string): string {
  const v = value.trim();
  if (!/^\d{5}$/.test(v)) throw badInput(argument, `"${value}" is not a postcode: expected 5 digits`);
  return v;
}
