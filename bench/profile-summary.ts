// Text summaries of V8 profiles for bench/profile.ts: self time by function and by package from a
// .cpuprofile, self size by constructor from a .heapsnapshot.
import fs from 'node:fs';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
  startTime: number;
}

const pct = (part: number, total: number) => ((100 * part) / total).toFixed(1).padStart(5) + ' %';
const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/(build\/)?src\//, 'src/');

/** Where a frame's code lives: an npm package, a source folder, node itself or V8 (GC, idle, program). */
function owner(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node';
  const src = /\/src\/(.*)\/[^/]+$/.exec(url);
  return src ? `src/${src[1]}` : shortUrl(url);
}

/** Top functions by self time within the profile's last `windowSeconds`, and the same by owner. */
export function summariseCpuProfile(file: string, windowSeconds: number, top: number): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const from = p.endTime - windowSeconds * 1e6;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const d = p.timeDeltas[i] ?? 0;
    t += d;
    if (t < from) continue;
    const f = nodes.get(p.samples[i]!)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + d);
    const o = owner(f.url, f.functionName);
    byOwner.set(o, (byOwner.get(o) ?? 0) + d);
    total += d;
  }
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v, total)}  ${k}`)
      .join('\n');
  return `self time by owner (${(total / 1e6).toFixed(1)} s sampled):\n${list(byOwner, 15)}\nself time by function:\n${list(self, top)}`;
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size by node type and constructor name. */
export function summariseHeapSnapshot(file: string, top: number): string {
  const h = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = h.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = h.snapshot.meta.node_types[0];
  const sizes = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let i = 0; i < h.nodes.length; i += width) {
    const type = types[h.nodes[i + typeAt]!]!;
    // Strings and code are grouped by type; objects and closures by constructor or function name.
    const name = type === 'object' || type === 'closure' ? h.strings[h.nodes[i + nameAt]!]!.slice(0, 60) : '';
    const key = `${type}${name ? ' ' + name : ''}`;
    const s = sizes.get(key) ?? { bytes: 0, count: 0 };
    s.bytes += h.nodes[i + sizeAt]!;
    s.count++;
    sizes.set(key, s);
    total += h.nodes[i + sizeAt]!;
  }
  const rows = [...sizes]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(([k, s]) => `  ${(s.bytes / 2 ** 20).toFixed(1).padStart(7)} MB ${pct(s.bytes, total)} ${String(s.count).padStart(9)} × ${k}`);
  return `heap ${(total / 2 ** 20).toFixed(1)} MB by self size:\n${rows.join('\n')}`;
}
