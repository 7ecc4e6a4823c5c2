// Planned structural changes in answers: a lookup dated on or after a confirmed change that is not
// applied yet answers from the register as it stands, and says so: one warning per change, and the
// changes themselves for machines. One map lookup by AGS.
import type { ChangeMunicipality, DirectoryIndex, PlannedChange, RegionEntry } from '../../directory/directory-index.js';
import { label } from './describe.js';
import type { Explanation } from './explanation.js';

const list = (ms: ChangeMunicipality[]) => ms.map((m) => `${m.name} (${m.ags})`).join(', ');

/** What is to happen to the municipality, from "is to …". */
function whatHappens(m: RegionEntry, c: PlannedChange): string {
  const others = c.successors.filter((s) => s.ags !== m.ags);
  switch (c.kind) {
    case 'MERGER':
      return `be merged into ${list(c.successors)}`;
    case 'INCORPORATION':
      return `be incorporated into ${list(c.successors)}`;
    case 'SPLIT':
      return `be split into ${list(c.successors)}`;
    case 'PARTIAL_TRANSFER':
      return `cede territory to ${list(others)}`;
    case 'RENAME':
      return `be renamed "${c.successors[0]?.name ?? m.name}"`;
    case 'REKEY':
      return others.length ? `get the new key ${list(others)}` : 'move to another Gemeindeverband';
  }
}

export function plannedWarning(m: RegionEntry, c: PlannedChange): string {
  return `Municipality ${label(m)} is to ${whatHappens(m, c)} on ${c.effectiveDate} by structural change #${c.changeId} (${c.kind}, planned); this answer is the register as it stands now.`;
}

/** The planned changes affecting the matched municipality on the lookup's date, each also a warning. */
export function plannedChanges(ix: DirectoryIndex, m: RegionEntry | undefined, at: string, ex: Explanation): PlannedChange[] {
  if (!m?.ags) return [];
  const planned = ix.plannedFor(m.ags, at);
  for (const c of planned) ex.warn(plannedWarning(m, c));
  return planned;
}
