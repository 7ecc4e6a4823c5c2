// The project's root folder (the one holding package.json), found from this module's own place:
// the same whether it runs from src/ under tsx or compiled from build/src/ under plain node, so
// files beside the code (schema.graphql, drizzle/, dist/console) are found either way.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

export const fromRoot = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
