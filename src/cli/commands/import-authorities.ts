// import authorities: a bulk registration CSV (the format of export authorities), all or nothing.
import fs from 'node:fs';
import path from 'node:path';
import { systemClock, today } from '../../lib/clock.js';
import { CommandFailure } from '../../lib/errors.js';
import { decodeText } from '../../lib/text-file.js';
import { Directory } from '../../modules/directory/directory.js';
import { makeServiceContext } from '../../modules/directory/context.js';
import { REGISTRATION_LIMITS } from '../../modules/jurisdictions/registration-csv.js';
import { importAuthorities as runImport } from '../../modules/jurisdictions/registration-import.js';
import { planCounts, type ImportPlan, type JurisdictionPlanItem } from '../../modules/jurisdictions/registration-plan.js';
import type { Command } from '../commands.js';

function describeRule(j: JurisdictionPlanItem): string {
  const range = j.houseNumberFrom !== null ? ` ${j.houseNumberFrom}-${j.houseNumberTo}${j.parity !== 'ALL' ? ` ${j.parity}` : ''}` : '';
  const street = j.level === 'STREET' ? ` ${j.postalCode} ${j.street}${range}` : '';
  return `${j.authorityKey} ${j.task} ${j.level} ${j.areaKey}${street}, valid ${j.validFrom ?? 'always'} to ${j.validTo ?? 'open'}`;
}

function report(p: ImportPlan, say: (line: string) => void): void {
  const c = planCounts(p);
  say(`${p.dryRun ? 'Dry run: ' : ''}authorities ${c.authoritiesCreated} created, ${c.authoritiesUpdated} updated, ${c.authoritiesUnchanged} unchanged; ` +
    `jurisdictions ${c.jurisdictionsCreated} created, ${c.jurisdictionsEnded} ended, ${c.jurisdictionsUnchanged} unchanged`);
  for (const a of p.authorities.created) say(`  create authority ${a.key} (line ${a.line})`);
  for (const a of p.authorities.updated) say(`  update authority ${a.key} (line ${a.line}): ${a.fields.join(', ')}`);
  for (const j of p.jurisdictions.created) say(`  create jurisdiction ${describeRule(j)} (line ${j.line})`);
  for (const j of p.jurisdictions.ended) {
    if (j.deleted) say(`  delete jurisdiction #${j.id} ${describeRule(j)}: not in the file, and it would only start on or after ${j.endsOn}`);
    else say(`  end jurisdiction #${j.id} ${describeRule(j)} on ${j.endsOn}: ${j.line === null ? 'not in the file any more' : `valid_to of line ${j.line}`}`);
  }
  if (p.dryRun) say('Nothing was written (dry run).');
}

export const importAuthorities: Command = {
  name: 'import authorities',
  synopsis: '<file> [--dry-run] [--json] [--valid-from YYYY-MM-DD]',
  summary: [
    'Register authorities with their jurisdictions from a CSV (the format of export authorities),',
    'all or nothing. For each authority in the file, its jurisdictions the file no longer lists end.',
  ],
  options: ['dry-run', 'json', 'valid-from'],
  optionHelp: { 'valid-from': "the import date: jurisdictions of the file's authorities that it no longer lists end on it (default today)" },
  async run({ args, say, actor, withDatabase }) {
    const file = args.existingFile();
    const fileName = path.basename(file);
    const size = fs.statSync(file).size;
    if (size > REGISTRATION_LIMITS.bytes) throw new CommandFailure(`${fileName}: ${size} bytes, at most ${REGISTRATION_LIMITS.bytes} are accepted: split the file`);
    const { text } = decodeText(fs.readFileSync(file), 'auto', fileName);
    const endDate = args.isoDate('valid-from', today(systemClock));
    const who = actor();
    const plan = await withDatabase((d) => {
      // Nothing in this process reads the index; servers hear the change (NOTIFY or their version check).
      const ctx = makeServiceContext({ db: d.db, clock: systemClock, principal: { subject: who.id, role: 'ADMIN', scope: null }, actor: who, directory: new Directory(d, { pollMs: 0 }), batched: true });
      return runImport(ctx, { text, fileName, dryRun: !!args.flag('dry-run'), endDate });
    });
    if (plan.errors.length) {
      for (const e of plan.errors) process.stderr.write(`${fileName}:${e.line}: ${e.column ? `${e.column}: ` : ''}${e.message}\n`);
      process.stderr.write(`${plan.errors.length} ${plan.errors.length === 1 ? 'row' : 'rows'} cannot be imported; nothing was written.\n`);
      if (args.json) console.log(JSON.stringify({ error: { message: `${plan.errors.length} rows cannot be imported`, file: fileName, errors: plan.errors } }));
      return 1;
    }
    report(plan, say);
    if (args.json) {
      const { authorities, jurisdictions } = plan;
      console.log(JSON.stringify({ applied: plan.applied, dryRun: plan.dryRun, endDate, counts: planCounts(plan), authorities: { created: authorities.created, updated: authorities.updated }, jurisdictions: { created: jurisdictions.created, ended: jurisdictions.ended } }));
    }
    return 0;
  },
};
