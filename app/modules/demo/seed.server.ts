import type { PartnerKind, Role } from '../../../db/schema';
import { db } from '~/lib/db.server';
import { makePartner, makeUser } from './factories.server';

export const DEMO_PASSWORD = 'banso-demo-2026';

interface DemoPartner {
  key: string;
  kind: PartnerKind;
  name: string;
  nameKana: string;
}

const partners: DemoPartner[] = [
  {
    key: 'amakusa',
    kind: 'municipality',
    name: '天草市 市民生活課',
    nameKana: 'あまくさし しみんせいかつか',
  },
  {
    key: 'kumamoto-ia',
    kind: 'international_association',
    name: '公益財団法人 熊本市国際交流振興事業団',
    nameKana: 'くまもとしこくさいこうりゅうしんこうじぎょうだん',
  },
  {
    key: 'npo-minato',
    kind: 'npo',
    name: 'NPO法人 みなと多文化共生ネット',
    nameKana: 'みなとたぶんかきょうせいねっと',
  },
  {
    key: 'lawyer-yamada',
    kind: 'lawyer',
    name: '山田 花子 法律事務所',
    nameKana: 'やまだ はなこ ほうりつじむしょ',
  },
];

interface DemoUser {
  email: string;
  name: string;
  role: Role;
  partner?: string;
  locale?: 'ja' | 'en';
}

export const demoUsers: DemoUser[] = [
  { email: 'secretariat@demo.example', name: '佐藤 美咲', role: 'secretariat' },
  { email: 'counselor1@demo.example', name: 'グエン・ティ・ラン', role: 'counselor' },
  { email: 'counselor2@demo.example', name: 'Maria Santos', role: 'counselor', locale: 'en' },
  { email: 'amakusa@demo.example', name: '松本 健一', role: 'partner', partner: 'amakusa' },
  { email: 'kumamoto@demo.example', name: '田中 由美', role: 'partner', partner: 'kumamoto-ia' },
  {
    email: 'minato@demo.example',
    name: 'Juan Dela Cruz',
    role: 'partner',
    partner: 'npo-minato',
    locale: 'en',
  },
  { email: 'lawyer@demo.example', name: '山田 花子', role: 'partner', partner: 'lawyer-yamada' },
];

/** Demo organisations and one account per role, all with DEMO_PASSWORD. Re-runnable. */
export async function seedDemo(log: (s: string) => void = () => {}) {
  await db.transaction().execute(async (tx) => {
    const ids = new Map<string, string>();
    for (const p of partners) {
      const existing = await tx
        .selectFrom('partner')
        .select('id')
        .where('name', '=', p.name)
        .executeTakeFirst();
      const id =
        existing?.id ??
        (await makePartner(tx, { kind: p.kind, name: p.name, nameKana: p.nameKana })).id;
      ids.set(p.key, id);
    }
    for (const u of demoUsers) {
      await makeUser(tx, {
        email: u.email,
        name: u.name,
        role: u.role,
        partnerId: u.partner ? ids.get(u.partner) : null,
        locale: u.locale,
        password: DEMO_PASSWORD,
      });
    }
  });
  log('demo data loaded');
}

export async function seedDemoIfEmpty(log: (s: string) => void) {
  const any = await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
  if (any) return;
  await seedDemo(log);
  printDemoLogins(log);
}

export function printDemoLogins(log: (s: string) => void) {
  log(`demo logins (password for all: ${DEMO_PASSWORD}):`);
  for (const u of demoUsers) log(`  ${u.role.padEnd(11)} ${u.email}  (${u.name})`);
}
