// GraphQL documents of the authority pages.
import { gql } from 'urql';

export const AUTHORITY = gql`
  query ConsoleAuthority($key: String!) {
    authority(key: $key) {
      id key kind name status tenantCode isDemo version standardVersion acceptedMessageTypes
      postalAddress { street houseNumber poBox postalCode city }
      contact { name email phone fax website }
      jurisdictions(all: true) { id task level areaKey postalCode street houseNumberFrom houseNumberTo parity validFrom validTo version }
    }
  }
`;

export const DEACTIVATE = gql`
  mutation ConsoleDeactivateAuthority($key: String!, $expectedVersion: Int!) {
    deactivateAuthority(key: $key, expectedVersion: $expectedVersion) { id status version }
  }
`;

export const CREATE_JURISDICTION = gql`
  mutation ConsoleCreateJurisdiction($input: CreateJurisdictionInput!) {
    createJurisdiction(input: $input) { id task level areaKey validFrom validTo version authority { id } }
  }
`;

export const END_JURISDICTION = gql`
  mutation ConsoleEndJurisdiction($id: ID!, $validTo: Date!, $expectedVersion: Int!) {
    endJurisdiction(id: $id, validTo: $validTo, expectedVersion: $expectedVersion) { id validTo version }
  }
`;

export const CREATE_AUTHORITY = gql`
  mutation ConsoleCreateAuthority($input: CreateAuthorityInput!) {
    createAuthority(input: $input) { id key version }
  }
`;

export const UPDATE_AUTHORITY = gql`
  mutation ConsoleUpdateAuthority($key: String!, $expectedVersion: Int!, $input: UpdateAuthorityInput!) {
    updateAuthority(key: $key, expectedVersion: $expectedVersion, input: $input) { id key version name kind status }
  }
`;

export interface AuthorityDetail {
  id: string;
  key: string;
  kind: string;
  name: string;
  status: string;
  tenantCode: string | null;
  isDemo: boolean;
  version: number;
  standardVersion: string | null;
  acceptedMessageTypes: string[];
  postalAddress: { street: string | null; houseNumber: string | null; poBox: string | null; postalCode: string; city: string };
  contact: { name: string | null; email: string | null; phone: string | null; fax: string | null; website: string | null };
  jurisdictions: JurisdictionRow[];
}

export interface JurisdictionRow {
  id: string;
  task: string;
  level: string;
  areaKey: string;
  postalCode: string | null;
  street: string | null;
  houseNumberFrom: number | null;
  houseNumberTo: number | null;
  parity: string;
  validFrom: string | null;
  validTo: string | null;
  version: number;
}
