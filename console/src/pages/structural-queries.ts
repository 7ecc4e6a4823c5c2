// GraphQL documents of the structural change pages.
import { gql } from 'urql';

const FIELDS = `
  id kind status effectiveDate predecessors version sourceReference createdBy createdAt appliedAt appliedBy result
  successors { ags name associationArs newAssociation { ars name } }
  policies { task mode predecessorAgs authorityKey }
  transfers { postcode street toAgs }
  proposal { confidence reasons edition }
`;

export const STRUCTURAL_CHANGES = gql`
  query ConsoleStructuralChanges($status: StructuralChangeStatus, $first: Int, $after: String) {
    structuralChanges(status: $status, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ${FIELDS} }
    }
  }
`;

export const STRUCTURAL_CHANGE = gql`
  query ConsoleStructuralChange($id: ID!) {
    structuralChange(id: $id) { ${FIELDS} }
  }
`;

export const MUNICIPALITY_NAME = gql`
  query ConsoleMunicipalityName($ags: String!, $at: Date) {
    municipality(ags: $ags, at: $at) { ags ars name }
  }
`;

export const CONFIRM = gql`
  mutation ConsoleConfirmStructuralChange($id: ID!, $expectedVersion: Int!, $edits: StructuralChangeEdits) {
    confirmStructuralChange(id: $id, expectedVersion: $expectedVersion, edits: $edits) { id status effectiveDate version }
  }
`;

export const REJECT = gql`
  mutation ConsoleRejectStructuralChange($id: ID!, $expectedVersion: Int!) {
    rejectStructuralChange(id: $id, expectedVersion: $expectedVersion) { id status version }
  }
`;

export const EDIT = gql`
  mutation ConsoleEditStructuralChange($id: ID!, $expectedVersion: Int!, $edits: StructuralChangeEdits!) {
    editStructuralChange(id: $id, expectedVersion: $expectedVersion, edits: $edits) { id status effectiveDate version }
  }
`;

export const CANCEL = gql`
  mutation ConsoleCancelStructuralChange($id: ID!, $expectedVersion: Int!) {
    cancelStructuralChange(id: $id, expectedVersion: $expectedVersion) { id status version }
  }
`;

export interface StructuralChange {
  id: string;
  kind: string;
  status: string;
  effectiveDate: string;
  predecessors: string[];
  version: number;
  sourceReference: string | null;
  createdBy: string;
  createdAt: string;
  appliedAt: string | null;
  appliedBy: string | null;
  result: Record<string, unknown> | null;
  successors: { ags: string; name: string; associationArs: string | null; newAssociation: { ars: string; name: string } | null }[];
  policies: { task: string; mode: string; predecessorAgs: string | null; authorityKey: string | null }[];
  transfers: { postcode: string; street: string | null; toAgs: string }[];
  proposal: { confidence: number; reasons: string[]; edition: string } | null;
}
