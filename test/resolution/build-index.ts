// A DirectoryIndex built by hand for unit tests of the lookup: no database, the same maps and
// keys loadDirectoryIndex fills (through the index's own add… methods).
import type { RegionLevel, ScopeLevel, StructuralChangeKind } from '../../src/db/schema.js';
import { streetKey } from '../../src/modules/addresses/normalize.js';
import { DirectoryIndex, type AuthorityRow, type CertificateFact, type DataCenterFact, type JurisdictionRow, type Validity } from '../../src/modules/directory/directory-index.js';
import { SPECIFICITY, STREET_RANGE_SPECIFICITY } from '../../src/modules/directory/specificity.js';
import { resolveJurisdiction, type LookupInput, type LookupResult } from '../../src/modules/jurisdictions/resolution/index.js';

export const TASK = 'VOLLSTRECKUNGSHILFE';
/** The date lookups are made on unless a test says otherwise. */
export const AT = '2026-01-01';

const ALWAYS: Validity = { validFrom: null, validTo: null };
const EPOCH = new Date('2020-01-01T00:00:00Z');

export interface StreetScope {
  postcode: string;
  street: string;
  from?: number;
  to?: number;
  parity?: 'ALL' | 'ODD' | 'EVEN';
}

export interface RuleOptions extends Partial<Validity> {
  task?: string;
  street?: StreetScope;
}

export class IndexBuilder {
  readonly ix = new DirectoryIndex(1, EPOCH);
  private ids = 0;

  constructor(tasks: string[] = [TASK]) {
    for (const t of tasks) this.ix.taskCodes.add(t);
  }

  /** A region above municipality level: STATE 2 digits, GOVERNMENT_DISTRICT 3, DISTRICT 5, ASSOCIATION 9. */
  region(level: Exclude<RegionLevel, 'MUNICIPALITY'>, ars: string, name: string, validity: Partial<Validity> = {}): this {
    this.ix.addRegion({ level, ars, ags: null, name, ...ALWAYS, ...validity });
    return this;
  }

  /** A municipality version; its ARS defaults to the AGS with association 0000 ("05766" + "0000" + "020"). */
  municipality(ags: string, name: string, options: Partial<Validity> & { ars?: string } = {}): this {
    const { ars = `${ags.slice(0, 5)}0000${ags.slice(5)}`, ...validity } = options;
    this.ix.addRegion({ level: 'MUNICIPALITY', ars, ags, name, ...ALWAYS, ...validity });
    return this;
  }

  postcode(postcode: string, ags: string, locality: string, options: Partial<Validity> & { predecessorAgs?: string } = {}): this {
    const { predecessorAgs = null, ...validity } = options;
    this.ix.addPostcode({ postcode, ags, locality, predecessorAgs, ...ALWAYS, ...validity });
    return this;
  }

  street(postcode: string, ags: string, name: string, validity: Partial<Validity> = {}): this {
    this.ix.addStreet({ postcode, ags, name, streetKey: streetKey(name), ...ALWAYS, ...validity });
    return this;
  }

  succession(oldAgs: string, newAgs: string, effectiveDate: string, kind: StructuralChangeKind, changeId = 1): this {
    this.ix.addSuccession({ oldAgs, newAgs, effectiveDate, kind, changeId });
    return this;
  }

  /** A PLANNED (confirmed, not applied) change; predecessors and successors as [AGS, name]. */
  planned(changeId: number, kind: StructuralChangeKind, effectiveDate: string, predecessors: [string, string][], successors: [string, string][]): this {
    const named = ([ags, name]: [string, string]) => ({ ags, name });
    this.ix.addPlannedChange({ changeId, kind, status: 'PLANNED', effectiveDate, predecessors: predecessors.map(named), successors: successors.map(named) });
    return this;
  }

  authority(key: string, options: Partial<AuthorityRow> = {}): AuthorityRow {
    const a: AuthorityRow = {
      id: ++this.ids,
      key,
      kind: 'ENFORCEMENT',
      name: `Authority ${key}`,
      street: 'Marktplatz',
      houseNumber: '1',
      poBox: null,
      postcode: '32756',
      city: 'Detmold',
      contact: {},
      status: 'ACTIVE',
      messageTypes: ['100', '101'],
      standardVersion: '1.1.0',
      tenantCode: null,
      isDemo: false,
      webhookUrl: null,
      webhookSecret: null,
      version: 1,
      createdAt: EPOCH,
      updatedAt: EPOCH,
      ...options,
    };
    this.ix.addAuthority(a);
    return a;
  }

  /** A data centre (ACTIVE, one endpoint unless said otherwise); returns its id. */
  dataCenter(code: string, options: Partial<Omit<DataCenterFact, 'id' | 'code' | 'encryption'>> = {}): number {
    const id = ++this.ids;
    this.ix.addDataCenter({ id, code, status: 'ACTIVE', endpoints: [`https://xta.${code}.example/osci`], ...options });
    return id;
  }

  tenant(code: string, dataCenterId: number): this {
    this.ix.addTenant({ code, dataCenterId });
    return this;
  }

  /** An encryption certificate of the data centre, active from EPOCH for ten years unless said otherwise. */
  certificate(dataCenterId: number, options: Partial<Omit<CertificateFact, 'id'>> = {}): CertificateFact {
    const id = ++this.ids;
    const c: CertificateFact = {
      id,
      thumbprintSha256: id.toString(16).padStart(64, 'a'),
      activationAt: EPOCH,
      notAfter: new Date(EPOCH.getTime() + 10 * 365 * 86_400_000),
      revokedAt: null,
      revocationReason: null,
      ...options,
    };
    this.ix.addEncryptionCertificate(dataCenterId, c);
    return c;
  }

  /** A rule for the authority; for STREET the area key is the AGS and `street` the scope. */
  rule(authority: AuthorityRow, level: ScopeLevel, areaKey: string, options: RuleOptions = {}): JurisdictionRow {
    const { task = TASK, street, ...validity } = options;
    const ranged = street?.from !== undefined;
    const r: JurisdictionRow = {
      id: ++this.ids,
      authorityId: authority.id,
      taskCode: task,
      level,
      areaKey,
      postcode: street?.postcode ?? null,
      streetKey: street ? streetKey(street.street) : null,
      streetName: street?.street ?? null,
      houseFrom: street?.from ?? null,
      houseTo: street?.to ?? null,
      parity: street?.parity ?? 'ALL',
      specificity: ranged ? STREET_RANGE_SPECIFICITY : SPECIFICITY[level],
      ...ALWAYS,
      ...validity,
      version: 1,
      createdAt: EPOCH,
    };
    this.ix.addRule(r);
    return r;
  }
}

/** Lippe in Nordrhein-Westfalen: the chain of regions, Detmold and Lemgo with a postcode each; no rules. */
export function lippe(b = new IndexBuilder()): IndexBuilder {
  return b
    .region('STATE', '05', 'Nordrhein-Westfalen')
    .region('GOVERNMENT_DISTRICT', '057', 'Detmold')
    .region('DISTRICT', '05766', 'Lippe')
    .region('ASSOCIATION', '057660000', 'Lippe, verbandsfreie Gemeinden')
    .municipality('05766020', 'Detmold, Stadt')
    .municipality('05766044', 'Lemgo, Alte Hansestadt')
    .postcode('32756', '05766020', 'Detmold')
    .postcode('32657', '05766044', 'Lemgo');
}

/** 22113, shared across the state border by Oststeinbek and Hamburg; a street of the directory tells them apart. */
export function sharedPostcode22113(b: IndexBuilder): IndexBuilder {
  return b
    .municipality('01062053', 'Oststeinbek')
    .municipality('02000000', 'Hamburg, Freie und Hansestadt')
    .postcode('22113', '01062053', 'Oststeinbek')
    .postcode('22113', '02000000', 'Hamburg')
    .street('22113', '01062053', 'Möllner Landstraße')
    .street('22113', '02000000', 'Moorfleeter Deich');
}

/** A lookup of the default task on AT unless the input says otherwise. */
export function lookup(b: IndexBuilder, input: Partial<LookupInput>): LookupResult {
  return resolveJurisdiction(b.ix, { task: TASK, at: AT, ...input });
}
