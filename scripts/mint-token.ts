/**
 * Prints an access token for the HTTP APIs, signed with the configured key (AUTH_JWT_SECRET,
 * AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE; the development defaults when unset):
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/mint-token.ts \
 *     --role store_manager --sub manager-7 --stores S001,S002 [--ttl 3600]
 *
 * The token goes to stdout alone, so it can be captured: TOKEN=$(npm run -s token -- --role ops --sub ops-1)
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@app/config';
import {
  DEFAULT_TOKEN_TTL_SECONDS,
  InvalidTokenRequestError,
  isRole,
  MAX_TOKEN_TTL_SECONDS,
  ROLES,
  TokenService,
  type MintRequest,
} from '@app/auth';

export const USAGE = [
  'Usage: mint-token --role <role> --sub <subject> [--stores <id,id,...>] [--ttl <seconds>]',
  '',
  `  --role    one of ${ROLES.join(', ')}`,
  '  --sub     the subject: the id of the agent, manager or operator',
  '  --stores  comma-separated store ids; required for store_manager, not allowed for other roles',
  `  --ttl     lifetime in seconds, 1 to ${MAX_TOKEN_TTL_SECONDS} (default ${DEFAULT_TOKEN_TTL_SECONDS})`,
].join('\n');

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type MintTokenCommand = { readonly kind: 'help' } | { readonly kind: 'mint'; readonly request: MintRequest };

const OPTIONS = {
  role: { type: 'string' },
  sub: { type: 'string' },
  stores: { type: 'string' },
  ttl: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readOptions(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs names the unknown option or stray argument; keep its words, give them our exit code.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Turns the command line into a mint request; throws UsageError naming the first bad argument. */
export function parseMintTokenArgs(args: readonly string[]): MintTokenCommand {
  const values = readOptions(args);
  if (values.help === true) return { kind: 'help' };

  const { role, sub, stores, ttl } = values;
  if (role === undefined) throw new UsageError('--role is required');
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}; got "${role}"`);
  if (sub === undefined || sub.trim() === '') throw new UsageError('--sub is required and must not be empty');

  const storeIds = stores === undefined ? [] : stores.split(',').map((id) => id.trim());
  if (storeIds.some((id) => id === '')) throw new UsageError('--stores must be a comma-separated list of store ids');
  if (new Set(storeIds).size !== storeIds.length) throw new UsageError('--stores names a store twice');
  if (role === 'store_manager' && storeIds.length === 0) throw new UsageError('--stores is required for store_manager');
  if (role !== 'store_manager' && stores !== undefined) {
    throw new UsageError(`--stores is only for store_manager; ${role} sees every store`);
  }

  let ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS;
  if (ttl !== undefined) {
    ttlSeconds = /^[0-9]+$/.test(ttl) ? Number(ttl) : NaN;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}; got "${ttl}"`);
    }
  }

  return { kind: 'mint', request: { subject: sub, role, storeIds, ttlSeconds } };
}

function main(): number {
  let command: MintTokenCommand;
  try {
    command = parseMintTokenArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mint-token: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  try {
    // The auth settings are the same for every service; the service name only selects unrelated defaults.
    const config = loadConfig('intake');
    const token = new TokenService(config.auth).mint(command.request);
    if (config.auth.usingDevelopmentSecret) {
      process.stderr.write(
        'mint-token: warning: signed with the development default AUTH_JWT_SECRET; ' +
          'only services running with that default will accept this token\n',
      );
    }
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InvalidTokenRequestError) {
      process.stderr.write(`mint-token: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = main();
}
