// token: a development token signed with the local key, for trying the API.
import { signDevToken } from '../../modules/auth/dev-keys.js';
import { ROLES, SCOPED_ROLES, type Role } from '../../modules/auth/principal.js';
import type { Args } from '../args.js';
import type { Command } from '../commands.js';

function roleOf(args: Args): Role {
  const role = args.string('role');
  if (!role || !(ROLES as readonly string[]).includes(role)) args.fail(`--role must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

function ttlOf(args: Args): number | undefined {
  const text = args.string('ttl');
  const ttl = text === undefined ? undefined : Number(text);
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) args.fail('--ttl must be a positive number of seconds');
  return ttl;
}

export const token: Command = {
  name: 'token',
  synopsis: '--role ROLE [--scope SCOPE] [--subject SUB] [--ttl SECONDS]',
  summary: [
    'Development only: print a token signed with the local key in DATA_DIR (last line).',
    `Roles: ${ROLES.join(', ')}; TENANT_MANAGER, DATA_CENTER and CLIENT need --scope.`,
  ],
  options: ['role', 'scope', 'subject', 'ttl'],
  async run({ config, args }) {
    if (config.env === 'production' || config.auth.jwks) {
      args.fail('token signs with the development key only; in production tokens come from your identity provider');
    }
    const role = roleOf(args);
    const scope = args.string('scope');
    if (SCOPED_ROLES[role] && !scope) args.fail(`role ${role} needs --scope (${SCOPED_ROLES[role]})`);
    const ttl = ttlOf(args);
    const signed = await signDevToken(config.dataDir, { role, scope, subject: args.string('subject'), ttl });
    console.error(`# ${role}${scope ? ` (${scope})` : ''}, valid ${ttl ?? 8 * 3600} s; use as: Authorization: Bearer <token>`);
    console.log(signed);
    return 0;
  },
};
