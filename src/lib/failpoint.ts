// Named points where crash tests stop the process on purpose ("failpoints"). FAILPOINTS lists
// names, optionally with the pass to stop on ("dispatch.afterHandOff@4"); at that pass the process
// announces it on stderr and waits there, so a test can kill -9 it at that exact moment. Armed from
// the Config at start-up (config.ts refuses FAILPOINTS in production); unarmed, a failpoint is a no-op.
const active = new Map<string, number>();
const passes = new Map<string, number>();

export function armFailpoints(spec: string | undefined): void {
  for (const item of (spec ?? '').split(',').filter(Boolean)) {
    const [name, nth] = item.split('@');
    active.set(name!, Number(nth ?? 1));
  }
}

export async function failpoint(name: string): Promise<void> {
  const nth = active.get(name);
  if (nth === undefined) return;
  const pass = (passes.get(name) ?? 0) + 1;
  passes.set(name, pass);
  if (pass !== nth) return;
  process.stderr.write(`FAILPOINT ${name}\n`);
  await new Promise(() => {}); // until killed
}
