// The rules of src/'s layout (issue #12), checked on every run: no folder imports another that imports
// it back (directly or around a circle), domain code stays free of the GraphQL and HTTP layers, and no
// function is longer than a screen and a half.
import { describe, expect, it } from 'vitest';
import { MAX_FUNCTION_LINES, checkArchitecture } from '../scripts/architecture.js';

describe('architecture of src/', () => {
  const report = checkArchitecture('src');

  it('sees the whole tree', () => {
    expect(report.edges.get('main.ts')?.size ?? 0).toBeGreaterThan(5);
    expect(report.edges.get('modules/jurisdictions')).toContain('modules/directory');
  });

  it('has no import cycle between folders', () => {
    expect(report.cycles).toEqual([]);
  });

  it('keeps domain code free of the GraphQL and HTTP layers', () => {
    expect(report.domainToEdge).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(report.longFunctions.map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`)).toEqual([]);
  });
});

describe('the architecture check itself', () => {
  it('finds a cycle, a domain file importing the GraphQL layer and a long function', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-arch-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('modules/a/a.service.ts', "import { b } from '../b/b.js';\nimport { ctx } from '../../graphql/context.js';\nexport const a = b + ctx;\n");
    write('modules/b/b.ts', "import { a } from '../a/a.service.js';\nexport const b = 1;\nexport const c = a;\n");
    write('modules/b/types.ts', "import type { a } from '../c/c.js';\nexport type T = typeof a;\n");
    write('modules/c/c.ts', "import { b } from '../b/b.js';\nexport const a = b;\n");
    write('graphql/context.ts', 'export const ctx = 1;\n');
    write('lib/long.ts', `export function long() {\n${'  console.log(1);\n'.repeat(MAX_FUNCTION_LINES)}}\n`);
    try {
      const r = checkArchitecture(root);
      expect(r.cycles).toEqual([['modules/a', 'modules/b']]);
      expect(r.domainToEdge).toEqual(['modules/a/a.service.ts -> ../../graphql/context.js']);
      expect(r.longFunctions).toEqual([{ file: 'lib/long.ts', name: 'long', line: 1, lines: MAX_FUNCTION_LINES + 2 }]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
