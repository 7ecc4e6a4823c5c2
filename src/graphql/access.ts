// Who may call what, in one place. Every root field needs an entry (the schema does not build
// otherwise), and the check runs before the resolver. Scope checks that depend on data (which tenant,
// which data centre, which sender) stay in the services; nested fields that expose more than the
// directory's public face have guards of their own, so they cannot be reached around the root; and
// fields every caller reads, but only insiders in full, give the others their public wording.
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { defaultFieldResolver, isObjectType } from 'graphql';
import { forbidden, unauthenticated } from '../lib/errors.js';
import type { Principal, Role } from '../modules/auth/principal.js';
import type { GraphQLContext } from './context.js';

/** PUBLIC: no token; ANY: any valid token; otherwise the roles that may call it. */
export type Access = 'PUBLIC' | 'ANY' | Role[];

const ADMIN: Role[] = ['ADMIN'];
const AUTHORITY_MANAGERS: Role[] = ['ADMIN', 'TENANT_MANAGER'];
const DATA_CENTER_MANAGERS: Role[] = ['ADMIN', 'DATA_CENTER'];
const SENDERS: Role[] = ['ADMIN', 'CLIENT'];
const OPERATORS: Role[] = ['ADMIN', 'TENANT_MANAGER', 'DATA_CENTER'];
/** the recipient of a delivery: its authority's CLIENT or its data centre (checked in the service) */
const RECIPIENTS: Role[] = ['CLIENT', 'DATA_CENTER'];

export const ROOT_ACCESS: Record<string, Access> = {
  // The Gebietsregister is public data.
  'Query.municipality': 'PUBLIC',
  'Query.region': 'PUBLIC',
  'Query.regions': 'PUBLIC',
  'Query.postalCode': 'PUBLIC',
  // The authority directory and lookups serve every participant.
  'Query.me': 'ANY',
  'Query.responsibleAuthority': 'ANY',
  'Query.responsibleAuthorities': 'ANY',
  'Query.authority': 'ANY',
  'Query.authorities': 'ANY',
  'Query.tasks': 'ANY',
  'Query.route': 'ANY',
  'Query.structuralChanges': 'ANY',
  'Query.structuralChange': 'ANY',
  'Query.upcomingStructuralChanges': 'ANY',
  'Query.municipalityHistory': 'ANY',
  'Query.directoryChanges': 'ANY',
  // Operations data.
  'Query.auditLog': ADMIN,
  'Query.registerImports': ADMIN,
  'Query.deliveryStatistics': ADMIN,
  'Query.dataCenters': OPERATORS,
  'Query.dataCenter': OPERATORS,
  'Query.tenant': OPERATORS,
  'Query.certificateWarnings': DATA_CENTER_MANAGERS,
  // Scope (a DATA_CENTER: its own data centre only) is checked in the services.
  'Query.endpointHealth': DATA_CENTER_MANAGERS,
  'Mutation.testDataCenterEndpoint': DATA_CENTER_MANAGERS,
  'Query.delivery': SENDERS,
  'Query.deliveries': SENDERS,
  'Mutation.createAuthority': AUTHORITY_MANAGERS,
  'Mutation.updateAuthority': AUTHORITY_MANAGERS,
  'Mutation.deactivateAuthority': AUTHORITY_MANAGERS,
  'Mutation.createJurisdiction': AUTHORITY_MANAGERS,
  'Mutation.endJurisdiction': AUTHORITY_MANAGERS,
  'Mutation.deleteJurisdiction': AUTHORITY_MANAGERS,
  // Coverage is about registering jurisdictions, which is ADMIN's and the tenant managers' work (a
  // TENANT_MANAGER sees its territory, checked in the service); data centres and clients register none.
  'Query.coverage': AUTHORITY_MANAGERS,
  'Mutation.createTask': ADMIN,
  'Query.exportAuthorities': AUTHORITY_MANAGERS,
  'Mutation.importAuthorities': AUTHORITY_MANAGERS,
  'Mutation.deleteAuthority': AUTHORITY_MANAGERS,
  'Mutation.deleteTask': ADMIN,
  'Mutation.createDataCenter': ADMIN,
  'Mutation.updateDataCenter': DATA_CENTER_MANAGERS,
  'Mutation.createTenant': ADMIN,
  'Mutation.updateTenant': ADMIN,
  'Mutation.requestCertificateChallenge': DATA_CENTER_MANAGERS,
  'Mutation.uploadCertificate': DATA_CENTER_MANAGERS,
  'Mutation.revokeCertificate': DATA_CENTER_MANAGERS,
  'Mutation.dispatch': SENDERS,
  'Mutation.acknowledgeDelivery': RECIPIENTS,
  'Mutation.planStructuralChange': ADMIN,
  'Mutation.cancelStructuralChange': ADMIN,
  'Mutation.confirmStructuralChange': ADMIN,
  'Mutation.rejectStructuralChange': ADMIN,
  'Mutation.editStructuralChange': ADMIN,
  'Mutation.applyDueStructuralChanges': ADMIN,
};

/** Nested fields with a role rule of their own (beyond the rule of the root field that reached them). */
export const NESTED_ACCESS: Record<string, Access> = {
  'Authority.jurisdictions': 'ANY',
};

export function checkAccess(access: Access, principal: Principal | null, field: string): void {
  if (access === 'PUBLIC') return;
  if (!principal) throw unauthenticated();
  if (access === 'ANY' || access.includes(principal.role)) return;
  throw forbidden(`Role ${principal.role} may not use ${field}; it needs ${access.join(' or ')}`);
}

type Guard = (parent: any, ctx: GraphQLContext) => boolean | Promise<boolean>;

/** The data centre hosting a TENANT_MANAGER's tenant, from the in-memory directory (no database read). */
async function hostingDataCenter(ctx: GraphQLContext): Promise<number | undefined> {
  return (await ctx.deps.directory.get()).tenants.get(ctx.principal!.scope!)?.dataCenterId;
}

/** A data centre's inner details: ADMIN, the data centre itself, the manager of a tenant it hosts. */
const dataCenterInsider: Guard = async (dc: { id: number; code: string }, ctx) => {
  const p = ctx.principal;
  if (!p) return false;
  if (p.role === 'ADMIN') return true;
  if (p.role === 'DATA_CENTER') return p.scope === dc.code;
  if (p.role === 'TENANT_MANAGER') return (await hostingDataCenter(ctx)) === dc.id;
  return false;
};

/** An authority's own settings: ADMIN, its tenant's manager, the authority itself. */
const authorityInsider: Guard = (a: { key: string; tenantCode: string | null }, ctx) => {
  const p = ctx.principal;
  if (!p) return false;
  return p.role === 'ADMIN' || (p.role === 'TENANT_MANAGER' && !!a.tenantCode && p.scope === a.tenantCode) || (p.role === 'CLIENT' && p.scope === a.key);
};

/** Where a message would go (route's transport): insiders of that data centre. */
const transportInsider: Guard = (t: { dataCenter: { id: number; code: string } }, ctx) => dataCenterInsider(t.dataCenter, ctx);

/** Insider of the data centre a decision names; a decision without one names no internals. */
const decisionInsider: Guard = (d: { dataCenter: { id: number; code: string } | null }, ctx) => !!d.dataCenter && dataCenterInsider(d.dataCenter, ctx);

const adminOnly: Guard = (_, ctx) => ctx.principal?.role === 'ADMIN';

const DATA_CENTER_INSIDERS = 'ADMIN, the data centre itself or a tenant manager it hosts';

export const FIELD_GUARDS: Record<string, { guard: Guard; who: string }> = {
  'Transport.endpointUrl': { guard: transportInsider, who: DATA_CENTER_INSIDERS },
  'Transport.certificate': { guard: transportInsider, who: DATA_CENTER_INSIDERS },
  'DataCenter.activeCertificate': { guard: dataCenterInsider, who: DATA_CENTER_INSIDERS },
  'DataCenter.contact': { guard: dataCenterInsider, who: 'ADMIN, the data centre itself or a tenant manager it hosts' },
  'DataCenter.endpoints': { guard: dataCenterInsider, who: 'ADMIN, the data centre itself or a tenant manager it hosts' },
  'DataCenter.status': { guard: dataCenterInsider, who: 'ADMIN, the data centre itself or a tenant manager it hosts' },
  'DataCenter.tenants': { guard: dataCenterInsider, who: 'ADMIN, the data centre itself or a tenant manager it hosts' },
  'DataCenter.certificates': { guard: dataCenterInsider, who: 'ADMIN, the data centre itself or a tenant manager it hosts' },
  'Authority.webhookUrl': { guard: authorityInsider, who: 'ADMIN, its tenant manager or the authority itself' },
  // Who received it and the signed token (the certificate's thumbprint): a data centre's internals.
  'DeliveryReceipt.receiver': { guard: adminOnly, who: 'ADMIN' },
  'DeliveryReceipt.token': { guard: adminOnly, who: 'ADMIN' },
};

/**
 * Fields every caller may read, in full only when the guard passes; everyone else gets the public
 * wording the field's resolver carries (see withPublicWording): a data centre's status, endpoints,
 * certificates and revocation reasons, server paths and dispatcher names stay with the insiders.
 */
export const FIELD_WORDINGS: Record<string, { guard: Guard; who: string }> = {
  'RoutingDecision.reasons': { guard: decisionInsider, who: DATA_CENTER_INSIDERS },
  'ElectronicDelivery.reasons': { guard: decisionInsider, who: DATA_CENTER_INSIDERS },
  'JurisdictionResult.explanation': { guard: (r: { electronicDelivery: { dataCenter: { id: number; code: string } | null } | null }, ctx) => !!r.electronicDelivery && decisionInsider(r.electronicDelivery, ctx), who: DATA_CENTER_INSIDERS },
  'Delivery.reasons': { guard: adminOnly, who: 'ADMIN' },
  'DeliveryAttempt.detail': { guard: adminOnly, who: 'ADMIN' },
};

type Resolver = GraphQLFieldResolver<any, GraphQLContext>;

/** A field's resolver and, in the field's extensions, its public wording (from the same parent), for FIELD_WORDINGS. */
export function withPublicWording<P, T>(full: (parent: P) => T, publicWording: (parent: P) => T) {
  return { resolve: full, extensions: { publicWording } };
}

function fieldOf(schema: GraphQLSchema, name: string) {
  const [typeName, fieldName] = name.split('.') as [string, string];
  const type = schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  if (!field) throw new Error(`Guarded field ${name} is not in the schema`);
  return field;
}

/** Wraps root resolvers with their access rule and guarded fields with their guard. */
export function enforceAccess(schema: GraphQLSchema): GraphQLSchema {
  const missing: string[] = [];
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const name = `${type.name}.${field.name}`;
      const access = ROOT_ACCESS[name];
      if (!access) {
        missing.push(name);
        continue;
      }
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx: GraphQLContext, info) => {
        checkAccess(access, ctx.principal, name);
        return resolve(parent, args, ctx, info);
      };
    }
  }
  if (missing.length) throw new Error(`No access rule for ${missing.join(', ')} (src/graphql/access.ts)`);
  for (const [name, access] of Object.entries(NESTED_ACCESS)) {
    const field = fieldOf(schema, name);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx: GraphQLContext, info) => {
      checkAccess(access, ctx.principal, name);
      return resolve(parent, args, ctx, info);
    };
  }
  for (const name of Object.keys(FIELD_WORDINGS)) wordField(schema, name);
  for (const [name, { guard, who }] of Object.entries(FIELD_GUARDS)) {
    const field = fieldOf(schema, name);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (parent, args, ctx: GraphQLContext, info) => {
      if (!(await guard(parent, ctx))) throw forbidden(`${name} is only visible to ${who}`);
      return resolve(parent, args, ctx, info);
    };
  }
  return schema;
}

/** Insiders get the full resolver, everyone else its public wording; a field without one fails the build. */
function wordField(schema: GraphQLSchema, name: string): void {
  const field = fieldOf(schema, name);
  const full = field.resolve as Resolver | undefined;
  const publicWording = field.extensions?.publicWording as Resolver | undefined;
  if (!full || !publicWording) throw new Error(`${name} is in FIELD_WORDINGS but its resolver has no public wording (withPublicWording)`);
  const { guard } = FIELD_WORDINGS[name]!;
  field.resolve = async (parent, args, ctx: GraphQLContext, info) =>
    (await guard(parent, ctx)) ? full(parent, args, ctx, info) : publicWording(parent, args, ctx, info);
}
