// Runs the server or the CLI (`npm start`, `npm run cli`): the compiled JavaScript under plain node
// when build/ is current (`npm run build`), else the TypeScript sources under tsx, so a fresh clone
// starts without a build and a stale build never runs. In this process either way (no second
// process, signals reach the program). Plain JavaScript, so it runs before anything is compiled.
//   node scripts/launch.mjs server|cli [args…]     node scripts/launch.mjs --mark-built
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = path.join(root, 'build', '.built');
const sources = ['src', 'seed', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => path.join(root, p));
const entries = { server: 'src/main', cli: 'src/cli/main' };

function newestMtime(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/** The build is current when it was finished after the last change to any source. */
function buildIsCurrent() {
  return fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= Math.max(...sources.filter((p) => fs.existsSync(p)).map(newestMtime));
}

const [what, ...rest] = process.argv.slice(2);
if (what === '--mark-built') {
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
} else if (!entries[what]) {
  process.stderr.write('usage: node scripts/launch.mjs server|cli [arguments]\n');
  process.exit(2);
} else {
  // The program reads its own arguments from process.argv.slice(2).
  process.argv.splice(2, 1);
  if (buildIsCurrent() && process.env.BV_RUN_SOURCES !== '1') {
    await import(pathToFileURL(path.join(root, 'build', `${entries[what]}.js`)).href);
  } else {
    if (fs.existsSync(stamp) && what === 'server') process.stderr.write('build/ is older than the sources: running them under tsx (npm run build compiles)\n');
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(path.join(root, `${entries[what]}.ts`)).href);
  }
}
