// Shared by the tests that walk the schema: a valid-looking value for any input type.
import { isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType } from 'graphql';

/** A value of the type: required fields filled, enums their first value, scalars a plausible literal. */
export function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return [placeholder(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = placeholder(f.type);
    return out;
  }
  if (isScalarType(type)) {
    return { Int: 1, Float: 1, Boolean: true, ID: '1', Date: '2026-11-22', DateTime: '2026-11-22T10:00:00Z' }[type.name] ?? 'x';
  }
  return null;
}
