// The resolver types are generated from schema.graphql; the committed file must be what the generator
// makes of the schema now, or the type check would be checking an old contract.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const generated = path.join(root, 'src/graphql/generated/resolvers-types.ts');

it('src/graphql/generated/resolvers-types.ts is current (npm run codegen)', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--check'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  const text = fs.readFileSync(generated, 'utf8');
  expect(text).toMatch(/export type Resolvers<ContextType = GraphQLContext>/);
  expect(text).toMatch(/Authority\?: AuthorityResolvers/);
});
