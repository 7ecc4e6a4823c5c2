// Benchmark: cold start to ready on an existing PGlite data folder.
// Measures wall time from spawning `npm start` (what a user runs) until GET /readyz answers 200,
// and the same for `node --import tsx src/main.ts` without npm. Results: bench/results/startup.json.
//   npm run bench:startup -- [runs]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const runs = Number(process.argv[2] ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startOnce(cmd: string, args: string[], dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (let i = 0; i < 600; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return performance.now() - t0;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('server did not become ready in 15 s');
  } finally {
    process.kill(-child.pid!, 'SIGTERM'); // the process group: npm and the server under it
    await new Promise((r) => child.on('exit', r));
    // wait until the lock is released before the next start
    for (let i = 0; i < 200 && fs.existsSync(path.join(dataDir, 'db.lock')); i++) await new Promise((r) => setTimeout(r, 25));
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-startup-'));
try {
  const first = await startOnce('npm', ['start'], dataDir); // creates, migrates, seeds
  console.log(`first start (initdb + migrate + seed): ${(first / 1000).toFixed(2)} s`);
  const npmStart: number[] = [];
  const nodeStart: number[] = [];
  // The compiled server under plain node, as a service unit would run it (needs `npm run build`).
  const built = fs.existsSync(path.join(root, 'build/.built'));
  const compiledStart: number[] = [];
  for (let i = 0; i < runs; i++) {
    npmStart.push(await startOnce('npm', ['start'], dataDir));
    nodeStart.push(await startOnce(process.execPath, ['--import', 'tsx', 'src/main.ts'], dataDir));
    if (built) compiledStart.push(await startOnce(process.execPath, ['build/src/main.js'], dataDir));
    console.log(`run ${i + 1}: npm start ${(npmStart.at(-1)! / 1000).toFixed(2)} s, node + tsx ${(nodeStart.at(-1)! / 1000).toFixed(2)} s${built ? `, node build/ ${(compiledStart.at(-1)! / 1000).toFixed(2)} s` : ''}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! / 1000;
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    firstStartSeconds: first / 1000,
    coldStartToReady: {
      npmStart: { medianSeconds: median(npmStart), maxSeconds: Math.max(...npmStart) / 1000, runs: npmStart.map((x) => x / 1000) },
      nodeTsx: { medianSeconds: median(nodeStart), maxSeconds: Math.max(...nodeStart) / 1000, runs: nodeStart.map((x) => x / 1000) },
      ...(built ? { nodeCompiled: { medianSeconds: median(compiledStart), maxSeconds: Math.max(...compiledStart) / 1000, runs: compiledStart.map((x) => x / 1000) } } : {}),
    },
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'startup.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out.coldStartToReady, null, 2));
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
