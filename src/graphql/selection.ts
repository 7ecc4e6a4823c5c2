// Whether a query reads a field of a resolver's result, so the resolver can skip work no one reads
// (a lookup's explanation). Answered once per field of a parsed document: documents are cached.
import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

const answers = new WeakMap<FieldNode, Map<string, boolean>>();

/**
 * True when the field being resolved selects `name` directly on its result (through fragments too,
 * @skip and @include regardless: reading too much is only slower, never wrong).
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const nodes = info.fieldNodes;
  // A field merged from several nodes (the same response key twice) is rare: not cached, since a
  // node of it may be resolved alone in another operation of the document.
  if (nodes.length !== 1) return nodes.some((f) => reads(f, name, info.fragments));
  let known = answers.get(nodes[0]!);
  if (!known) answers.set(nodes[0]!, (known = new Map()));
  let answer = known.get(name);
  if (answer === undefined) known.set(name, (answer = reads(nodes[0]!, name, info.fragments)));
  return answer;
}

const reads = (f: FieldNode, name: string, fragments: Record<string, FragmentDefinitionNode>) =>
  !!f.selectionSet && inSet(f.selectionSet, name, fragments, new Set());

function inSet(set: SelectionSetNode, name: string, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): boolean {
  for (const s of set.selections) {
    if (s.kind === 'Field') {
      if (s.name.value === name) return true;
    } else if (s.kind === 'InlineFragment') {
      if (inSet(s.selectionSet, name, fragments, seen)) return true;
    } else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const f = fragments[s.name.value];
      if (f && inSet(f.selectionSet, name, fragments, seen)) return true;
    }
  }
  return false;
}
