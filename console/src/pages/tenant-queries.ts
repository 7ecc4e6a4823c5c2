// GraphQL documents of the data centre and tenant pages.
import { gql } from 'urql';

const CERTIFICATE_FIELDS = 'thumbprintSha256 subject usage notBefore notAfter activationAt status revokedAt revocationReason';

/** What every operator may read of the data centres it sees (the API filters them by role). */
export const DATA_CENTERS = gql`
  query ConsoleDataCenters {
    dataCenters {
      code name status endpoints version
      certificates { ${CERTIFICATE_FIELDS} }
      tenants { code name areas authorityCount }
    }
  }
`;

/** ADMIN and the data centre itself only (endpointHealth, certificateWarnings). */
export const DATA_CENTER_OPERATIONS = gql`
  query ConsoleDataCenterOperations($days: Int) {
    endpointHealth { dataCenterCode consecutiveFailures lastSuccessAt lastFailureAt lastFailureReason deliveriesWaiting nextAttemptAt }
    certificateWarnings(days: $days) { expiring { thumbprintSha256 } dataCentersWithoutEncryption { dataCenterCode message } }
  }
`;

/** One data centre's endpoint health: ADMIN and the data centre itself. */
export const ENDPOINT_HEALTH = gql`
  query ConsoleEndpointHealth($code: String!) {
    endpointHealth(dataCenterCode: $code) { dataCenterCode consecutiveFailures lastSuccessAt lastFailureAt lastFailureReason deliveriesWaiting nextAttemptAt }
  }
`;

export const DATA_CENTER = gql`
  query ConsoleDataCenter($code: String!) {
    dataCenter(code: $code) {
      code name status endpoints version
      contact { name email phone fax website }
      certificates { ${CERTIFICATE_FIELDS} }
      tenants { code name areas authorityCount }
    }
  }
`;

export const TENANT = gql`
  query ConsoleTenant($code: String!) {
    tenant(code: $code) {
      code name areas authorityCount version
      dataCenter { code name }
      outsideTerritory { authorityKeys authorityCount jurisdictionCount }
    }
  }
`;

export const TEST_ENDPOINT = gql`
  mutation ConsoleTestEndpoint($code: String!) {
    testDataCenterEndpoint(dataCenterCode: $code) { ok endpointUrl certificateThumbprint httpStatus detail startedAt durationMs }
  }
`;

export const CREATE_DATA_CENTER = gql`
  mutation ConsoleCreateDataCenter($input: CreateDataCenterInput!) {
    createDataCenter(input: $input) { code version }
  }
`;

export const UPDATE_DATA_CENTER = gql`
  mutation ConsoleUpdateDataCenter($code: String!, $expectedVersion: Int!, $input: UpdateDataCenterInput!) {
    updateDataCenter(code: $code, expectedVersion: $expectedVersion, input: $input) { code name status endpoints version }
  }
`;

export const CREATE_TENANT = gql`
  mutation ConsoleCreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) { code version }
  }
`;

export const UPDATE_TENANT = gql`
  mutation ConsoleUpdateTenant($code: String!, $expectedVersion: Int!, $input: UpdateTenantInput!) {
    updateTenant(code: $code, expectedVersion: $expectedVersion, input: $input) { code name areas version }
  }
`;

export interface CertificateRow {
  thumbprintSha256: string;
  subject: string;
  usage: string;
  notBefore: string;
  notAfter: string;
  activationAt: string;
  status: string;
  revokedAt: string | null;
  revocationReason: string | null;
}

export interface TenantSummary {
  code: string;
  name: string;
  areas: string[];
  authorityCount: number;
}

export interface DataCenterSummary {
  code: string;
  name: string;
  status: string;
  endpoints: string[];
  version: number;
  certificates: CertificateRow[];
  tenants: TenantSummary[];
}

export interface DataCenterDetail extends DataCenterSummary {
  contact: { name: string | null; email: string | null; phone: string | null; fax: string | null; website: string | null };
}

export interface TenantDetail extends TenantSummary {
  version: number;
  dataCenter: { code: string; name: string };
  outsideTerritory: { authorityKeys: string[]; authorityCount: number; jurisdictionCount: number };
}

export interface EndpointHealth {
  dataCenterCode: string;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailureReason: string | null;
  deliveriesWaiting: number;
  nextAttemptAt: string | null;
}

export interface Operations {
  endpointHealth: EndpointHealth[];
  certificateWarnings: { expiring: { thumbprintSha256: string }[]; dataCentersWithoutEncryption: { dataCenterCode: string; message: string }[] };
}

export interface EndpointTestResult {
  ok: boolean;
  endpointUrl: string | null;
  certificateThumbprint: string | null;
  httpStatus: number | null;
  detail: string;
  startedAt: string;
  durationMs: number;
}

/** The warning window for certificates (days), as certificateWarnings' default. */
export const WARNING_DAYS = 30;
