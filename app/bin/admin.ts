import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createI18n, tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { inviteSchema } from '~/modules/auth/schemas';
import { inviteUser } from '~/modules/auth/users.server';
import { DomainError } from '~/modules/errors';
import { printDemoLogins, seedDemo } from '~/modules/demo/seed.server';
import { log, prepareDatabase } from './bootstrap';

const USAGE = `Usage: npm run admin -- <verb> [options]

Verbs:
  create-user --email E --role secretariat|counselor|partner [--partner ID] --name N [--locale ja|en]
              Creates an invited account, emails the invitation and prints its link (valid 72 h).
  migrate     Applies database migrations (the app also does this on start).
  seed-demo   Loads the demo organisations and accounts (safe to run again).
  help        Shows this text.

Exit codes: 0 done, 64 wrong usage, 65 invalid data, 1 unexpected failure.
The database is DATABASE_URL, or the embedded PostgreSQL under .data/ when unset.`;

class UsageError extends Error {}
class DataError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === 'help' || verb === '--help' || verb === '-h') {
    console.log(USAGE);
    return verb ? 0 : 64;
  }
  if (!['create-user', 'migrate', 'seed-demo'].includes(verb)) {
    throw new UsageError(`unknown verb "${verb}"`);
  }
  const input = verb === 'create-user' ? parseCreateUser(rest) : null;
  const { shutdown } = await prepareDatabase({ migrate: true });
  try {
    if (verb === 'migrate') {
      log('database is up to date');
    } else if (verb === 'seed-demo') {
      await seedDemo(log);
      printDemoLogins(log);
    } else if (input) {
      await createUser(input);
    }
    return 0;
  } finally {
    await shutdown();
  }
}

function parseCreateUser(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        partner: { type: 'string' },
        name: { type: 'string' },
        locale: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const k of ['email', 'role', 'name'] as const) {
    if (!values[k]) throw new UsageError(`--${k} is required`);
  }
  const parsed = inviteSchema.safeParse({
    email: values.email,
    role: values.role,
    name: values.name,
    partnerId: values.partner,
    locale: values.locale ?? 'ja',
  });
  if (!parsed.success) throw new DataError(describe(parsed.error));
  return parsed.data;
}

async function createUser(input: z.infer<typeof inviteSchema>) {
  try {
    const { userId, url } = await db
      .transaction()
      .execute((tx) => inviteUser(tx, input, { userId: null, name: 'Operator', ip: null }));
    console.log(`created user ${userId} (${input.email}, ${input.role})`);
    console.log(`invitation link (single use, valid 72 h):\n${url}`);
  } catch (e) {
    if (e instanceof DomainError) throw new DataError(`${e.field ?? 'input'}: ${tKey(t, e.code)}`);
    throw e;
  }
}

const t = createI18n('en').t;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `--${i.path.join('.')}: ${tKey(t, i.message)}`).join('\n');
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      process.exit(64);
    }
    if (e instanceof DataError) {
      console.error(`error: ${e.message}`);
      process.exit(65);
    }
    console.error('error:', e);
    process.exit(1);
  });
