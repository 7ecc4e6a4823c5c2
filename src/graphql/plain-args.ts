// graphql-js builds input objects written inline in a query (`dispatch(input: { recipient: { … } })`)
// without a prototype, whereas from variables they are ordinary objects. Code that stores such an
// object as JSON (drizzle's jsonb) or asks it for its constructor fails on the first kind, so every
// field taking an input object gets its arguments as ordinary objects, the same whichever way they came.
import { defaultFieldResolver, getNamedType, isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';

/** A deep copy with ordinary objects; arrays and scalars as they are. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

export function plainArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((a) => isInputObjectType(getNamedType(a.type)))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx, info) => resolve(parent, plain(args) as Record<string, unknown>, ctx, info);
    }
  }
  return schema;
}
