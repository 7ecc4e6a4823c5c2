// graphql-js builds input objects written inline in a query (`dispatch(input: { recipient: { … } })`)
// without a prototype, whereas from variables they are ordinary objects. Code that stores such an
// object as JSON (drizzle's jsonb) or asks it for its constructor fails on the first kind, so every
// field taking an input object gets its arguments as ordinary objects, the same whichever way they came.
import { defaultFieldResolver, getNamedType, isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';

/**
 * The value with every prototype-less object replaced by an ordinary copy; what is already ordinary is
 * kept as it is (arguments from variables, a bulk request's thousand inputs: copying them all cost
 * 5 µs of a single lookup, #17 profile).
 */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = plain(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const source = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined = Object.getPrototypeOf(value) === null ? { ...source } : undefined;
  for (const k in source) {
    const v = plain(source[k]);
    if (v !== source[k]) (out ??= { ...source })[k] = v;
  }
  return out ?? value;
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
