// Starting the real server and CLI as child processes, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Environment for children: no inherited database or auth settings. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(DATABASE_URL|DATA_DIR|AUTH_|SEED_DEMO|PORT|HOST|NODE_ENV|TEST_DATABASE_URL)/.test(k)) delete env[k];
  }
  return { ...env, NODE_ENV: 'development', ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  lastLine: string;
}

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout.trimEnd().split('\n');
      resolve({ code, stdout, stderr, lastLine: lines[lines.length - 1] ?? '' });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  logs: () => string;
  /** SIGTERM and wait; resolves with the exit code */
  stop(): Promise<number | null>;
}

export function startServer(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      // No drain unless a test asks for one: every test server would take a second longer to stop.
      env: childEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_DRAIN_MS: '0', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let settled = false;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`server did not become ready in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (settled) return;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'ready' && entry.url) {
            settled = true;
            clearTimeout(timer);
            resolve({
              child,
              url: String(entry.url).replace(/\/graphql$/, ''),
              logs: () => out,
              stop: async () => {
                if (child.exitCode === null) child.kill('SIGTERM');
                return exited;
              },
            });
          }
        } catch {
          /* partial line */
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${out}`));
    });
  });
}

export async function postGraphQL(baseUrl: string, query: string, bearer?: string) {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
}

export interface ReceiverProcess {
  child: ChildProcess;
  /** where hand-offs are POSTed */
  url: string;
  /** every line it printed (one JSON object per request) */
  lines: () => Record<string, unknown>[];
  stop(): Promise<number | null>;
}

/** `npm run cli -- receive …` as its own process; resolves once it listens. */
export function startReceiver(args: string[], timeoutMs = 60_000): Promise<ReceiverProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'receive', '--port', '0', ...args], {
      cwd: ROOT,
      env: childEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Complete lines only: the last one may still be arriving.
    const lines = () => out.split('\n').slice(0, -1).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`receiver did not start in ${timeoutMs} ms:\n${out}${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const ready = lines().find((l) => l.msg === 'receiving');
      if (!ready) return;
      clearTimeout(timer);
      resolve({ child, url: String(ready.url), lines, stop: async () => (child.exitCode === null && child.kill('SIGTERM'), exited) });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`receiver exited with ${code}:\n${out}${err}`));
    });
  });
}
