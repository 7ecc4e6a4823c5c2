// demo authorities: a nationwide demo directory generated from the imported register.
import { systemClock, today } from '../../lib/clock.js';
import { generateDemoAuthorities } from '../../modules/authorities/demo-authorities.js';
import type { Command } from '../commands.js';

export const demoAuthorities: Command = {
  name: 'demo authorities',
  synopsis: '[--json] [--at YYYY-MM-DD] [--task CODE]',
  summary: [
    'From the imported register, generate one demo enforcement authority per Gemeindeverband with',
    'jurisdiction over its municipalities (marked as demo data; keys demo:<ARS>).',
  ],
  options: ['json', 'at', 'task'],
  async run({ args, say, actor, withDatabase }) {
    const at = args.isoDate('at', today(systemClock));
    const r = await withDatabase((d) => generateDemoAuthorities(d.db, systemClock, { at, task: args.string('task'), actor: actor() }));
    say(`Demo directory for ${at}: ${r.associations} Gemeindeverbände → ${r.created} demo authorities created, ${r.updated} updated, ${r.deactivated} deactivated`);
    say(`  ${r.electronic} take part electronically; ${r.jurisdictionsCreated} jurisdictions created, ${r.skippedAreas} areas already had one`);
    if (args.json) console.log(JSON.stringify(r));
    return 0;
  },
};
