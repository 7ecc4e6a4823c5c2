// GraphQL documents and types of the bulk import page.
import { gql } from 'urql';

/** importAuthorities takes at most this many characters (schema.graphql, @limit on csv). */
export const MAX_CSV_CHARS = 8_388_608;

/** The import takes at most this many rows (REGISTRATION_LIMITS in src/modules/jurisdictions/registration-csv.ts). */
export const MAX_CSV_ROWS = 50_000;

export const IMPORT = gql`
  mutation ConsoleImportAuthorities($csv: String!, $dryRun: Boolean!) {
    importAuthorities(csv: $csv, dryRun: $dryRun) {
      applied dryRun endDate
      counts { authoritiesCreated authoritiesUpdated authoritiesUnchanged jurisdictionsCreated jurisdictionsEnded jurisdictionsUnchanged errors }
      authorities {
        created { line key change fields }
        updated { line key change fields }
        unchanged { line key change fields }
      }
      jurisdictions {
        created { ...PlanRule }
        ended { ...PlanRule }
        unchanged { ...PlanRule }
      }
      errors { line column message }
    }
  }
  fragment PlanRule on JurisdictionPlanItem {
    line id authorityKey change task level areaKey postalCode street houseNumberFrom houseNumberTo parity validFrom validTo endsOn deleted
  }
`;

export const EXPORT = gql`
  query ConsoleExportAuthorities($tenantCode: String) {
    exportAuthorities(tenantCode: $tenantCode)
  }
`;

export interface AuthorityItem { line: number; key: string; change: string; fields: string[] }
export interface RuleItem {
  line: number | null; id: string | null; authorityKey: string; change: string; task: string; level: string; areaKey: string;
  postalCode: string | null; street: string | null; houseNumberFrom: number | null; houseNumberTo: number | null; parity: string;
  validFrom: string | null; validTo: string | null; endsOn: string | null; deleted: boolean;
}
export interface ImportPlan {
  applied: boolean;
  dryRun: boolean;
  endDate: string;
  counts: Record<'authoritiesCreated' | 'authoritiesUpdated' | 'authoritiesUnchanged' | 'jurisdictionsCreated' | 'jurisdictionsEnded' | 'jurisdictionsUnchanged' | 'errors', number>;
  authorities: { created: AuthorityItem[]; updated: AuthorityItem[]; unchanged: AuthorityItem[] };
  jurisdictions: { created: RuleItem[]; ended: RuleItem[]; unchanged: RuleItem[] };
  errors: { line: number; column: string | null; message: string }[];
}
