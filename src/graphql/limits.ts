// Input limits from the schema's @limit directives (schema.graphql documents each one), checked on the
// coerced arguments of every field before its resolver runs, so values passed as variables are checked
// too. Checks are linear in the input and run before any normalisation or parsing of the value.
import {
  getDirectiveValues,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  defaultFieldResolver,
  type GraphQLDirective,
  type GraphQLInputType,
  type GraphQLSchema,
  type InputValueDefinitionNode,
} from 'graphql';
import { badInput } from '../lib/errors.js';

interface Limit {
  max: number;
  items?: number;
  text: boolean;
}

type Check = (value: unknown, path: string) => void;

// One line: no control characters at all. Free text: line breaks and tabs allowed, NUL never.
const CONTROL_LINE = /[\u0000-\u001f\u007f]/;
const CONTROL_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checkString(limit: Limit): Check {
  const control = limit.text ? CONTROL_TEXT : CONTROL_LINE;
  return (value, path) => {
    if (typeof value !== 'string') return;
    if (value.length > limit.max) throw badInput(path, `at most ${limit.max} characters, got ${value.length}`, { limit: limit.max });
    const bad = control.exec(value);
    if (bad) {
      const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0');
      throw badInput(path, `control character U+${code} at position ${bad.index} is not allowed${limit.text ? '' : ' (one line of text)'}`);
    }
  };
}

class LimitCompiler {
  readonly missing: string[] = [];
  private readonly objects = new Map<string, Check | null>();

  constructor(private readonly directive: GraphQLDirective) {}

  limitOf(node: InputValueDefinitionNode | undefined | null): Limit | undefined {
    const v = node ? getDirectiveValues(this.directive, node) : undefined;
    return v ? { max: v.max as number, items: (v.items as number | null) ?? undefined, text: v.text === true } : undefined;
  }

  /** A check for a value of this type, or undefined when nothing in it needs checking. */
  compile(type: GraphQLInputType, limit: Limit | undefined, where: string): Check | undefined {
    const t = getNullableType(type) as GraphQLInputType;
    if (isListType(t)) return this.list(t.ofType as GraphQLInputType, limit, where);
    if (isScalarType(t)) {
      if (t.name !== 'String' && t.name !== 'ID') return undefined;
      if (!limit) this.missing.push(where);
      return limit && checkString(limit);
    }
    if (isInputObjectType(t)) return this.object(t.name, () => t.getFields());
    return undefined;
  }

  private list(of: GraphQLInputType, limit: Limit | undefined, where: string): Check | undefined {
    const item = this.compile(of, limit, where);
    const items = limit?.items;
    if (!item && items === undefined) return undefined;
    return (value, path) => {
      if (!Array.isArray(value)) return item?.(value, path);
      if (items !== undefined && value.length > items) throw badInput(path, `at most ${items} items, got ${value.length}`, { limit: items });
      if (item) for (let i = 0; i < value.length; i++) item(value[i], `${path}[${i}]`);
    };
  }

  private object(name: string, fields: () => Record<string, { name: string; type: GraphQLInputType; astNode?: InputValueDefinitionNode | null }>): Check | undefined {
    if (this.objects.has(name)) return (value, path) => this.objects.get(name)?.(value, path);
    this.objects.set(name, null); // recursion guard while compiling
    const checks = Object.values(fields()).flatMap((f) => {
      const c = this.compile(f.type, this.limitOf(f.astNode), `${name}.${f.name}`);
      return c ? [[f.name, c] as const] : [];
    });
    const check: Check | null = checks.length
      ? (value, path) => {
          if (value === null || typeof value !== 'object') return;
          for (const [field, c] of checks) c((value as Record<string, unknown>)[field], `${path}.${field}`);
        }
      : null;
    this.objects.set(name, check);
    return check ?? undefined;
  }
}

/** Wraps every field with limited arguments; refuses to build when a String input has no @limit. */
export function enforceLimits(schema: GraphQLSchema): GraphQLSchema {
  const directive = schema.getDirective('limit');
  if (!directive) throw new Error('schema.graphql lacks the @limit directive');
  const compiler = new LimitCompiler(directive);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const checks = field.args.flatMap((a) => {
        const c = compiler.compile(a.type, compiler.limitOf(a.astNode), `${type.name}.${field.name}(${a.name})`);
        return c ? [[a.name, c] as const] : [];
      });
      if (!checks.length) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx, info) => {
        for (const [name, check] of checks) check(args[name], name);
        return resolve(parent, args, ctx, info);
      };
    }
  }
  if (compiler.missing.length) throw new Error(`No @limit on ${compiler.missing.join(', ')} (schema.graphql)`);
  return schema;
}
