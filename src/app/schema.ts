// The executable schema: schema.graphql, every domain's resolvers, and the access rules in front.
import fs from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import type { GraphQLContext } from '../graphql/context.js';
import { enforceAccess } from '../graphql/access.js';
import { enforceLimits } from '../graphql/limits.js';
import { fromRoot } from '../lib/project-root.js';
import { plainArguments } from '../graphql/plain-args.js';
import { DateScalar, DateTimeScalar, JSONScalar } from '../graphql/scalars.js';
import { auditResolvers } from '../modules/audit/audit.resolvers.js';
import { authResolvers } from '../modules/auth/auth.resolvers.js';
import { authorityResolvers } from '../modules/authorities/authorities.resolvers.js';
import { certificateResolvers } from '../modules/certificates/certificates.resolvers.js';
import { coverageResolvers } from '../modules/coverage/coverage.resolvers.js';
import { jurisdictionResolvers } from '../modules/jurisdictions/jurisdictions.resolvers.js';
import { postcodeResolvers } from '../modules/postcodes/postcodes.resolvers.js';
import { regionResolvers } from '../modules/regions/regions.resolvers.js';
import { dispatchResolvers } from '../modules/delivery/delivery.resolvers.js';
import { endpointResolvers } from '../modules/delivery/endpoint.resolvers.js';
import { routeResolvers } from '../modules/routing/route.resolvers.js';
import { structuralResolvers } from '../modules/structural/structural.resolvers.js';
import { tenantResolvers } from '../modules/tenants/tenants.resolvers.js';

export const SCHEMA_FILE = fromRoot('schema.graphql');

type ResolverMap = Record<string, Record<string, unknown>>;

/** Several domains add fields to one type (Municipality: register and postcodes): merge per type. */
function mergeResolvers(...maps: object[]): ResolverMap {
  const out: ResolverMap = {};
  for (const m of maps as ResolverMap[]) for (const [type, fields] of Object.entries(m)) out[type] = { ...out[type], ...fields };
  return out;
}

export function buildSchema(): GraphQLSchema {
  // Limits inside access: the caller's role is checked first, then its input, then the resolver runs.
  const schema = createSchema<GraphQLContext>({
      typeDefs: fs.readFileSync(SCHEMA_FILE, 'utf8'),
      resolvers: mergeResolvers(
        { Date: DateScalar, DateTime: DateTimeScalar, JSON: JSONScalar },
        regionResolvers,
        postcodeResolvers,
        authResolvers,
        auditResolvers,
        authorityResolvers,
        jurisdictionResolvers,
        tenantResolvers,
        certificateResolvers,
        routeResolvers,
        dispatchResolvers,
        endpointResolvers,
        structuralResolvers,
        coverageResolvers,
      ),
  });
  return enforceAccess(enforceLimits(plainArguments(schema)));
}
