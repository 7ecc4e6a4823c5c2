// Temporary: µs per lookupOne / lookupMany on the national index (not committed).
import { openDatabase } from '../src/db/client.js';
import { loadDirectoryIndex } from '../src/modules/directory/load-index.js';
import { lookupOne, lookupMany } from '../src/modules/jurisdictions/lookup.js';
import { addresses } from './national.js';
const db = await openDatabase({ dataDir: process.env.DATA ?? '/tmp/s4/data2', databasePoolSize: 1 } as any, 'micro');
const ix = await loadDirectoryIndex(db.db);
await db.close();
const addr = addresses(20000);
const raws = addr.map((a) => ({ address: a, messageType: '100' }));
const now = new Date();
for (let r = 0; r < Number(process.env.R ?? 6); r++) {
  let t = performance.now();
  for (const raw of raws) lookupOne(ix, raw as any, '2026-11-30', now);
  const one = ((performance.now() - t) * 1000) / raws.length;
  t = performance.now();
  for (let k = 0; k < 20; k++) lookupMany(ix, raws.slice(k * 1000, (k + 1) * 1000) as any, '2026-11-30', 1000, now);
  const many = ((performance.now() - t) * 1000) / raws.length;
  console.log(`lookupOne ${one.toFixed(2)} µs, lookupMany ${many.toFixed(2)} µs per address`);
}
const sizes = [...ix.postcodes.values()].map((l) => l.length).sort((a, b) => a - b);
console.log('postcodes', ix.postcodes.size, 'entries', sizes.reduce((a, b) => a + b, 0), 'median', sizes[sizes.length >> 1], 'p99', sizes[Math.floor(sizes.length * 0.99)], 'max', sizes.at(-1));
const mk = [...ix.regionsByKey.values()].map((l) => l.length).sort((a, b) => a - b);
console.log('regionsByKey', ix.regionsByKey.size, 'max versions', mk.at(-1));
