import type { Role } from '../../../db/schema';
import { db, type Tx } from '~/lib/db.server';
import { createNextFour } from '~/modules/meetings/meetings.server';
import { recomputeTrained } from '~/modules/training/training.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner, matchKey, tokyoToday } from '~/modules/partners/partners.server';
import { requestSchema } from '~/modules/dispatch/request-schema';
import { acceptOffer, createRequest, sendOffers } from '~/modules/dispatch/requests.server';
import { visitSchema } from '~/modules/visits/visit-schema';
import { logVisit } from '~/modules/visits/visits.server';
import { makeUser } from './factories.server';
import { fiscalYearOf, generatePartners } from './generator.server';

export const DEMO_PARTNER_COUNT = 300;

export const DEMO_PASSWORD = 'banso-demo-2026';

interface DemoPartner {
  key: string;
  input: Record<string, unknown>;
}

// The organisations the demo partner users belong to, placed at their real municipal offices.
const partners: DemoPartner[] = [
  {
    key: 'amakusa',
    input: {
      kind: 'municipality',
      name: '天草市 市民生活課',
      nameKana: 'あまくさし しみんせいかつか',
      status: 'active',
      municipalityCode: '432156',
      postalCode: '863-8631',
      address: '東浜町8-1',
      lat: 32.45862,
      lng: 130.19317,
      serviceRadiusKm: 40,
      languages: ['ja', 'easy_ja', 'vi', 'tl'],
      specialties: ['city_hall', 'hospital', 'school'],
      contactName: '松本 健一',
      contactEmail: 'amakusa@demo.example',
      contactPhone: '0969-23-1111',
      networkMember: true,
      publicListing: true,
      availability: '平日 8:30–17:15',
    },
  },
  {
    key: 'kumamoto-ia',
    input: {
      kind: 'international_association',
      name: '公益財団法人 熊本市国際交流振興事業団',
      nameKana: 'くまもとしこくさいこうりゅうしんこうじぎょうだん',
      status: 'active',
      municipalityCode: '431001',
      postalCode: '860-0806',
      address: '花畑町4-18',
      lat: 32.80275,
      lng: 130.70616,
      serviceRadiusKm: 80,
      languages: ['ja', 'easy_ja', 'en', 'zh', 'ko', 'vi', 'id', 'ne', 'my'],
      specialties: ['interpretation', 'city_hall', 'hospital', 'school', 'childcare'],
      networkMember: true,
      publicListing: true,
      contactEmail: 'kumamoto@demo.example',
      contactPhone: '096-359-2121',
    },
  },
  {
    key: 'npo-minato',
    input: {
      kind: 'npo',
      name: 'NPO法人 みなと多文化共生ネット',
      nameKana: 'みなとたぶんかきょうせいねっと',
      status: 'active',
      municipalityCode: '131032',
      postalCode: '105-0014',
      address: '芝3-1-1',
      lat: 35.6497,
      lng: 139.7486,
      serviceRadiusKm: 25,
      languages: ['ja', 'en', 'tl', 'es', 'pt'],
      specialties: ['labor', 'housing', 'dv', 'legal'],
      networkMember: true,
      publicListing: true,
      contactEmail: 'minato@demo.example',
      invoiceNumber: 'T7000012050002',
      bankCode: '0005',
      branchCode: '041',
      accountType: 'ordinary',
      accountNumber: '1234567',
      accountHolderKana: 'トクヒ）ミナトタブンカキョウセイネット',
    },
  },
  {
    key: 'lawyer-yamada',
    input: {
      kind: 'lawyer',
      name: '山田 花子 法律事務所',
      nameKana: 'やまだ はなこ ほうりつじむしょ',
      status: 'active',
      municipalityCode: '431001',
      postalCode: '860-0078',
      address: '京町2-1-1',
      lat: 32.8083,
      lng: 130.7045,
      serviceRadiusKm: 60,
      languages: ['ja', 'en'],
      specialties: ['legal', 'labor', 'immigration', 'dv'],
      withholdingTax: true,
      contactEmail: 'lawyer@demo.example',
      bankCode: '0177',
      branchCode: '101',
      accountType: 'ordinary',
      accountNumber: '7654321',
      accountHolderKana: 'ヤマダ ハナコ',
    },
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

/** Demo organisations, a few hundred generated partners and one account per role. Re-runnable. */
export async function seedDemo(
  log: (s: string) => void = () => {},
  generated = DEMO_PARTNER_COUNT,
) {
  const counts = await db.transaction().execute(async (tx) => {
    const ids = new Map<string, string>();
    for (const p of partners) {
      const input = partnerSchema.parse(p.input);
      const existing = await tx
        .selectFrom('partner')
        .select('id')
        .where('match_key', '=', matchKey(input.name, input.municipalityCode))
        .executeTakeFirst();
      const id = existing?.id ?? (await createPartner(tx, input, { userId: null }, 'seed'));
      ids.set(p.key, id);
      // Each named organisation has an MOU for the current fiscal year, so it can be dispatched.
      const fy = fiscalYearOf(tokyoToday());
      const paid = ['npo', 'lawyer'].includes(input.kind);
      await tx
        .insertInto('mou')
        .values({
          partner_id: id,
          reference_no: `MOU-${fy.slice(0, 4)}-DEMO-${p.key.toUpperCase()}`,
          status: 'active',
          valid_from: fy,
          valid_until: `${Number(fy.slice(0, 4)) + 1}-03-31`,
          signed_on: fy,
          visit_base_fee: paid ? 6000 : 0,
          hourly_fee: paid ? 2500 : 0,
          travel_mode: paid ? 'per_km' : 'none',
          travel_per_km: paid ? 30 : 0,
          travel_cap: paid ? 6000 : null,
          interpreter_hourly: paid ? 3000 : 0,
          max_concurrent_requests: 5,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
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
    // A shelter for the Tokyo NPO, so stays can be recorded in the demo.
    const minato = ids.get('npo-minato')!;
    const hasShelter = await tx
      .selectFrom('shelter')
      .select('id')
      .where('partner_id', '=', minato)
      .executeTakeFirst();
    if (!hasShelter) {
      await tx
        .insertInto('shelter')
        .values({
          partner_id: minato,
          name: 'みなと一時避難シェルター',
          capacity: 4,
          accepts: ['women', 'families', 'children'],
          municipality_code: '131032',
          address: '芝（所在地は事務局と運営団体のみ）',
          lat: 35.651,
          lng: 139.75,
        })
        .execute();
    }
    const counts = await generatePartners(tx, { count: generated });
    await seedDemoTraining(tx);
    await seedDemoMeetings(tx);
    return counts;
  });
  await seedDemoCases(log);
  log(
    `demo data loaded (${counts.partners} generated partners, ${counts.mous} MOUs, ${counts.shelters} shelters)`,
  );
}

/**
 * A basic training held two months ago, attended by the demo organisations' users: they are
 * trained, so dispatch applies the "trained only" rule as it would in real use.
 */
async function seedDemoTraining(tx: Tx) {
  if (await tx.selectFrom('training_session').select('id').limit(1).executeTakeFirst()) return;
  const day = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
  const modules = (
    await tx.selectFrom('curriculum_module').select('code').where('required', '=', true).execute()
  ).map((m) => m.code);
  const { id } = await tx
    .insertInto('training_session')
    .values({
      title: '伴走者研修（基礎）',
      starts_at: new Date(`${day}T10:00:00+09:00`),
      ends_at: new Date(`${day}T17:00:00+09:00`),
      venue: '熊本市国際交流会館',
      capacity: 40,
      instructor: '事務局',
      registration_deadline: new Date(`${day}T00:00:00+09:00`),
      status: 'held',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('training_session_module')
    .values(modules.map((m) => ({ session_id: id, module_code: m })))
    .execute();
  const people = await tx
    .selectFrom('app_user')
    .select(['id', 'partner_id'])
    .where('email', 'like', '%@demo.example')
    .where('partner_id', 'is not', null)
    .execute();
  if (people.length) {
    await tx
      .insertInto('training_registration')
      .values(
        people.map((u) => ({
          session_id: id,
          user_id: u.id,
          partner_id: u.partner_id!,
          status: 'registered' as const,
          attendance: 'attended' as const,
        })),
      )
      .execute();
  }
  await recomputeTrained(
    tx,
    people.map((u) => u.partner_id!),
  );
}

/**
 * Public agencies to invite, and the liaison meetings of the next four quarters (not yet
 * invited: the secretariat checks dates first, as in real use).
 */
async function seedDemoMeetings(tx: Tx) {
  if (!(await tx.selectFrom('external_contact').select('id').limit(1).executeTakeFirst())) {
    await tx
      .insertInto('external_contact')
      .values([
        {
          organisation: '外国人在留支援センター（FRESC）',
          person_name: '佐藤 一郎',
          email: 'fresc@agency.example',
        },
        {
          organisation: '外国人技能実習機構（OTIT）熊本事務所',
          person_name: '高橋 直子',
          email: 'otit-kumamoto@agency.example',
        },
        {
          organisation: '熊本労働局',
          person_name: 'Daniel Moore',
          email: 'labour-bureau@agency.example',
          locale: 'en',
        },
      ])
      .execute();
  }
  if (await tx.selectFrom('liaison_meeting').select('id').limit(1).executeTakeFirst()) return;
  const secretariat = await tx
    .selectFrom('app_user')
    .select('id')
    .where('role', '=', 'secretariat')
    .where('email', 'like', '%@demo.example')
    .executeTakeFirst();
  if (secretariat) await createNextFour(tx, { userId: secretariat.id });
}

const localIn = (hours: number) =>
  new Date(Date.now() + 9 * 3_600_000 + hours * 3_600_000).toISOString().slice(0, 16);

/**
 * A few requests so every role has something to see: one waiting for dispatch in Amakusa, one
 * accepted in Tokyo with a visit waiting for review. Each step is the real business action.
 */
async function seedDemoCases(log: (s: string) => void) {
  const exists = await db
    .selectFrom('accompaniment_request')
    .select('id')
    .where('case_code', 'like', 'DEMO-%')
    .executeTakeFirst();
  if (exists) return;
  const user = async (email: string) =>
    db
      .selectFrom('app_user')
      .select(['id', 'partner_id'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
  const counselor = await user('counselor1@demo.example');
  const minato = await user('minato@demo.example');
  const base = {
    interpreterNeeded: true,
    urgency: 'normal',
    consent: true,
    windowStart: localIn(26),
    windowEnd: localIn(28),
  };
  await db.transaction().execute((tx) =>
    createRequest(
      tx,
      requestSchema.parse({
        ...base,
        caseCode: 'DEMO-0001',
        category: 'hospital',
        workerLanguage: 'vi',
        municipalityCode: '432156',
        summary: '技能実習生（20代）。腹痛が続き、天草市内の病院で受診。ベトナム語の通訳が必要。',
        details: '待ち合わせ：病院の正面玄関。本人は職場に知られたくないと希望。',
      }),
      { userId: counselor.id },
    ),
  );
  const tokyo = await db.transaction().execute((tx) =>
    createRequest(
      tx,
      requestSchema.parse({
        ...base,
        urgency: 'urgent',
        caseCode: 'DEMO-0002',
        category: 'labor_office',
        workerLanguage: 'tl',
        municipalityCode: '131032',
        summary: '特定技能（介護）。三田労働基準監督署で未払い残業代の相談に同行。タガログ語。',
        details: '子ども 1 人同伴。勤務先の施設名は相談票を参照。給与明細 6 か月分を持参予定。',
      }),
      { userId: counselor.id },
    ),
  );
  await db
    .transaction()
    .execute((tx) => sendOffers(tx, tokyo.id, [minato.partner_id!], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', tokyo.id)
    .executeTakeFirstOrThrow();
  await acceptOffer(offer.id, { id: minato.id, partnerId: minato.partner_id! });
  await db.transaction().execute((tx) =>
    logVisit(
      tx,
      tokyo.id,
      visitSchema.parse({
        visitDate: tokyoToday(),
        startTime: '09:30',
        endTime: '11:45',
        place: '三田労働基準監督署 2 階 相談窓口',
        activities: '監督官への相談に同行し、給与明細と勤務記録をもとに説明を通訳した。',
        outcome: '申告書を提出。監督署から事業所へ連絡予定。',
        travelKm: 4.2,
        interpreterMinutes: 100,
        confidentialNote: '本人は雇用主からの連絡を不安に感じている。',
      }),
      null,
      { userId: minato.id, partnerId: minato.partner_id! },
    ),
  );
  log('demo requests loaded (one to dispatch, one accepted with a visit to review)');
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
