// selects(): whether the field being resolved reads a field of its result, by the document.
import { describe, expect, it } from 'vitest';
import { parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { selects } from '../src/graphql/selection.js';

/** The info a resolver of the operation's first root field gets. */
function infoOf(doc: string) {
  const d = parse(doc);
  const op = d.definitions.find((x): x is OperationDefinitionNode => x.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(d.definitions.filter((x): x is FragmentDefinitionNode => x.kind === 'FragmentDefinition').map((f) => [f.name.value, f]));
  return { fieldNodes: [op.selectionSet.selections[0] as FieldNode], fragments };
}

describe('selects', () => {
  it('finds a field selected directly, in an inline fragment and in (nested) named fragments', () => {
    expect(selects(infoOf('{ r { status explanation } }'), 'explanation')).toBe(true);
    expect(selects(infoOf('{ r { status ... on R { explanation } } }'), 'explanation')).toBe(true);
    expect(selects(infoOf('{ r { ...A } } fragment A on R { ...B } fragment B on R { explanation }'), 'explanation')).toBe(true);
    expect(selects(infoOf('{ r { why: explanation } }'), 'explanation')).toBe(true);
    expect(selects(infoOf('{ r { explanation @skip(if: true) } }'), 'explanation')).toBe(true);
  });

  it('does not find a field only deeper down or absent, and ends on cyclic fragments', () => {
    expect(selects(infoOf('{ r { status } }'), 'explanation')).toBe(false);
    expect(selects(infoOf('{ r { authority { explanation } } }'), 'explanation')).toBe(false);
    expect(selects(infoOf('{ r { ...A } } fragment A on R { ...B } fragment B on R { ...A status }'), 'explanation')).toBe(false);
    expect(selects(infoOf('{ r { ...Missing } }'), 'explanation')).toBe(false);
  });

  it('answers per field node: each alias of a query on its own', () => {
    const d = parse('{ a: r { status } b: r { explanation } }');
    const [a, b] = (d.definitions[0] as OperationDefinitionNode).selectionSet.selections as FieldNode[];
    for (let i = 0; i < 2; i++) {
      expect(selects({ fieldNodes: [a!], fragments: {} }, 'explanation')).toBe(false);
      expect(selects({ fieldNodes: [b!], fragments: {} }, 'explanation')).toBe(true);
      expect(selects({ fieldNodes: [a!, b!], fragments: {} }, 'explanation')).toBe(true);
    }
  });
});

describe('selects, one node in several operations', () => {
  it('a fragment field resolved alone in one operation and merged in another is answered for each', () => {
    const d = parse('query A { ...F } query B { ...F r { explanation } } fragment F on Q { r { status } }');
    const f = d.definitions[2] as FragmentDefinitionNode;
    const b = d.definitions[1] as OperationDefinitionNode;
    const fromFragment = f.selectionSet.selections[0] as FieldNode;
    const own = b.selectionSet.selections[1] as FieldNode;
    expect(selects({ fieldNodes: [fromFragment], fragments: {} }, 'explanation')).toBe(false);
    expect(selects({ fieldNodes: [fromFragment, own], fragments: {} }, 'explanation')).toBe(true);
    expect(selects({ fieldNodes: [fromFragment], fragments: {} }, 'explanation')).toBe(false);
  });
});
