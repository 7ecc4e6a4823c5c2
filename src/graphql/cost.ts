// A per-request work budget that counts page sizes however they are given: literal, variable or
// default. GraphQL Armor's static cost rule sees only literals, so `first: $n` escaped it.
import { GraphQLError, Kind, getNamedType, getOperationAST, isObjectType, isInterfaceType, type DocumentNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLSchema, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** the operation's variable defaults that are integer literals */
  variableDefaults: Map<string, number>;
  /** set when a page size came from a variable: then the cost holds for these variables only */
  readVariable: boolean;
}

function pageSizeOf(value: ValueNode | undefined, field: GraphQLField<unknown, unknown>, w: Walk): number {
  const arg = field.args.find((a) => a.name === 'first');
  if (!arg) return 1;
  let n: unknown = arg.defaultValue;
  if (value?.kind === Kind.INT) n = Number(value.value);
  else if (value?.kind === Kind.VARIABLE) {
    w.readVariable = true;
    // Left out of the request, a variable takes its own default (GraphQL runs with it), then the field's.
    n = w.variables[value.name.value] ?? w.variableDefaults.get(value.name.value) ?? arg.defaultValue;
  }
  return typeof n === 'number' && Number.isFinite(n) && n > 1 ? n : 1;
}

/** Fields resolved at most, if every list is as long as its page size: Σ over fields of the product of page sizes above. */
function selectionCost(w: Walk, typeName: string, set: SelectionSetNode, multiplier: number, seen: Set<string>): number {
  const type = w.schema.getType(typeName);
  if (!type || !(isObjectType(type) || isInterfaceType(type))) return 0;
  let cost = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      const field = type.getFields()[s.name.value];
      if (!field) continue;
      cost += multiplier;
      if (s.selectionSet) {
        const n = pageSizeOf(s.arguments?.find((a) => a.name.value === 'first')?.value, field, w);
        cost += selectionCost(w, getNamedType(field.type).name, s.selectionSet, multiplier * n, seen);
      }
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      cost += selectionCost(w, s.typeCondition?.name.value ?? typeName, s.selectionSet, multiplier, seen);
    } else {
      const f = w.fragments.get(s.name.value);
      if (!f || seen.has(f.name.value)) continue;
      cost += selectionCost(w, f.typeCondition.name.value, f.selectionSet, multiplier, new Set([...seen, f.name.value]));
    }
  }
  return cost;
}

/** Costs that do not depend on variables, by document and operation (the same few documents come again and again). */
const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();

export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number {
  const known = fixedCosts.get(document)?.get(operationName ?? '');
  if (known !== undefined) return known;
  const op = getOperationAST(document, operationName);
  if (!op) return 0;
  const root = op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const variableDefaults = new Map<string, number>();
  for (const v of op.variableDefinitions ?? []) if (v.defaultValue?.kind === Kind.INT) variableDefaults.set(v.variable.name.value, Number(v.defaultValue.value));
  const w: Walk = { schema, fragments, variables, variableDefaults, readVariable: false };
  const cost = selectionCost(w, root.name, op.selectionSet, 1, new Set());
  if (!w.readVariable) {
    let byOperation = fixedCosts.get(document);
    if (!byOperation) fixedCosts.set(document, (byOperation = new Map()));
    byOperation.set(operationName ?? '', cost);
  }
  return cost;
}

/** Refuses, before execution, an operation whose page sizes (variables included) exceed the budget. */
export function useWorkBudget(maxCost: number): Plugin {
  return {
    onExecute({ args }) {
      const cost = operationCost(args.schema, args.document, args.operationName ?? undefined, (args.variableValues ?? {}) as Record<string, unknown>);
      if (cost > maxCost) {
        throw new GraphQLError(`Query Cost limit of ${maxCost} exceeded, found ${cost} (page sizes from variables count)`, {
          extensions: { code: 'QUERY_LIMIT_EXCEEDED', http: { status: 400 } },
        });
      }
    },
  };
}
