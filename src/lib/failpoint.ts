// Named points where crash tests stop the process on purpose ("failpoints"). FAILPOINTS lists
// names, optionally with the pass to stop on ("dispatch.afterHandOff@3"); the process announces it on
// stderr and waits there, so a test can kill -9 it at that exact moment. Read from the environment
// here (not via Config) because it is a test hook; config.ts refuses it in production.
const active = new Map<string, number>();
for (const item of (process.env.FAILPOINTS ?? '').split(',').filter(Boolean)) {
  const [name, nth] = item.split('@');
  active.set(name!, Number(nth ?? 1));
}
const passes = new Map<string, number>();

export async function failpoint(name: string): Promise<void> {
  const nth = active.get(name);
  if (nth === undefined) return;
  const pass = (passes.get(name) ?? 0) + 1;
  passes.set(name, pass);
  if (pass !== nth) return;
  process.stderr.write(`FAILPOINT ${name}\n`);
  await new Promise(() => {}); // until killed
}
