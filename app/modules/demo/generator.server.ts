import { sql } from 'kysely';
import type { PartnerKind, PartnerStatus } from '../../../db/schema';
import type { Queryable } from '~/lib/db.server';
import { SPECIALTIES } from '~/modules/partners/codes';
import { matchKey } from '~/modules/partners/partners.server';

// Deterministic demo partners at real municipalities: the same seed gives the same registry,
// so screenshots, benchmarks and bug reports can be reproduced.

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY: [string, string][] = [
  ['佐藤', 'さとう'],
  ['鈴木', 'すずき'],
  ['高橋', 'たかはし'],
  ['田中', 'たなか'],
  ['伊藤', 'いとう'],
  ['渡辺', 'わたなべ'],
  ['山本', 'やまもと'],
  ['中村', 'なかむら'],
  ['小林', 'こばやし'],
  ['加藤', 'かとう'],
  ['吉田', 'よしだ'],
  ['山田', 'やまだ'],
  ['松本', 'まつもと'],
  ['井上', 'いのうえ'],
  ['木村', 'きむら'],
  ['林', 'はやし'],
  ['清水', 'しみず'],
  ['森', 'もり'],
  ['池田', 'いけだ'],
  ['橋本', 'はしもと'],
];
const GIVEN: [string, string][] = [
  ['花子', 'はなこ'],
  ['太郎', 'たろう'],
  ['美咲', 'みさき'],
  ['健一', 'けんいち'],
  ['由美', 'ゆみ'],
  ['大輔', 'だいすけ'],
  ['直子', 'なおこ'],
  ['誠', 'まこと'],
  ['陽子', 'ようこ'],
  ['翔太', 'しょうた'],
];
const NPO_WORDS: [string, string][] = [
  ['多文化共生', 'たぶんかきょうせい'],
  ['ともに生きる', 'ともにいきる'],
  ['外国人支援', 'がいこくじんしえん'],
  ['にほんご', 'にほんご'],
  ['こども未来', 'こどもみらい'],
  ['地域つなぎ', 'ちいきつなぎ'],
  ['くらし応援', 'くらしおうえん'],
];
const NPO_SUFFIX: [string, string][] = [
  ['ネット', 'ねっと'],
  ['の会', 'のかい'],
  ['センター', 'せんたー'],
  ['ネットワーク', 'ねっとわーく'],
  ['サポート', 'さぽーと'],
];

// Languages weighted roughly like the desk's consultations.
const LANG_WEIGHTS: [string, number][] = [
  ['vi', 0.45],
  ['en', 0.5],
  ['zh', 0.35],
  ['tl', 0.25],
  ['pt', 0.2],
  ['id', 0.2],
  ['ne', 0.12],
  ['my', 0.12],
  ['es', 0.12],
  ['th', 0.08],
  ['ko', 0.08],
  ['easy_ja', 0.5],
  ['km', 0.03],
  ['mn', 0.03],
  ['si', 0.03],
];
const KINDS: [PartnerKind, number][] = [
  ['municipality', 0.18],
  ['international_association', 0.17],
  ['npo', 0.3],
  ['lawyer', 0.1],
  ['administrative_scrivener', 0.07],
  ['labor_consultant', 0.05],
  ['individual', 0.1],
  ['public_agency', 0.03],
];

function pickWeighted<T>(r: () => number, items: [T, number][]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let x = r() * total;
  for (const [v, w] of items) if ((x -= w) <= 0) return v;
  return items[items.length - 1][0];
}

export interface GeneratedCounts {
  partners: number;
  mous: number;
  shelters: number;
}

/**
 * Adds `count` partners (with MOUs for most active ones and shelters for some), each at a real
 * municipality. Idempotent for a given seed: names are unique per municipality and existing ones
 * are skipped.
 */
export async function generatePartners(
  q: Queryable,
  opts: {
    count: number;
    seed?: number;
    today?: string;
    /** benchmark sizes: number names so any count fits */ numbered?: boolean;
  },
): Promise<GeneratedCounts> {
  const r = prng(opts.seed ?? 20261123);
  const munis = await q
    .selectFrom('municipality')
    .select(['code', 'prefecture_code', 'name', 'name_kana', 'lat', 'lng'])
    .orderBy('code')
    .execute();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const fiscalYearStart = fiscalYearOf(opts.today ?? new Date().toISOString().slice(0, 10));
  const rows = [];
  const keys = new Set<string>();
  for (let i = 0; rows.length < opts.count && i < opts.count * 5; i++) {
    const m = pick(munis);
    const kind = pickWeighted(r, KINDS);
    const [fam, famKana] = pick(FAMILY);
    const [giv, givKana] = pick(GIVEN);
    let name: string;
    let kana: string;
    switch (kind) {
      case 'municipality':
        name = `${m.name} 多文化共生推進課`;
        kana = `${m.name_kana} たぶんかきょうせいすいしんか`;
        break;
      case 'international_association':
        name = `${m.name}国際交流協会`;
        kana = `${m.name_kana}こくさいこうりゅうきょうかい`;
        break;
      case 'public_agency':
        name = `${m.name} 外国人総合相談センター`;
        kana = `${m.name_kana} がいこくじんそうごうそうだんせんたー`;
        break;
      case 'npo': {
        const [w, wk] = pick(NPO_WORDS);
        const [s, sk] = pick(NPO_SUFFIX);
        name = `NPO法人 ${m.name.replace(/(市|町|村|区)$/, '')}${w}${s}`;
        kana = `${m.name_kana.replace(/(し|ちょう|まち|むら|そん|く)$/, '')}${wk}${sk}`;
        break;
      }
      case 'lawyer':
        name = `${fam}${giv}法律事務所`;
        kana = `${famKana}${givKana}ほうりつじむしょ`;
        break;
      case 'administrative_scrivener':
        name = `行政書士 ${fam} ${giv}事務所`;
        kana = `ぎょうせいしょし ${famKana} ${givKana}じむしょ`;
        break;
      case 'labor_consultant':
        name = `社会保険労務士 ${fam}${giv}`;
        kana = `しゃかいほけんろうむし ${famKana}${givKana}`;
        break;
      default:
        name = `${fam} ${giv}`;
        kana = `${famKana} ${givKana}`;
    }
    if (opts.numbered) {
      name = `${name} ${i + 1}`;
    }
    const key = matchKey(name, m.code);
    if (keys.has(key)) continue;
    keys.add(key);
    const languages = ['ja', ...LANG_WEIGHTS.filter(([, w]) => r() < w).map(([l]) => l)];
    const specialties = SPECIALTIES.filter(() => r() < 0.25);
    if (!specialties.length) specialties.push(pick(SPECIALTIES));
    const status: PartnerStatus =
      r() < 0.85 ? 'active' : pick(['prospective', 'suspended', 'retired'] as const);
    const jitter = () => (r() - 0.5) * 0.04;
    rows.push({
      kind,
      name,
      name_kana: kana,
      status,
      network_member: r() < 0.6,
      public_listing: kind !== 'individual' && r() < 0.7,
      municipality_code: m.code,
      prefecture_code: m.prefecture_code,
      address: `${1 + Math.floor(r() * 9)}-${1 + Math.floor(r() * 20)}-${1 + Math.floor(r() * 30)}`,
      lat: Math.round((m.lat + jitter()) * 1e6) / 1e6,
      lng: Math.round((m.lng + jitter()) * 1e6) / 1e6,
      service_radius_km: [10, 15, 20, 30, 40, 60][Math.floor(r() * 6)],
      languages,
      specialties,
      contact_name: `${fam} ${giv}`,
      contact_email: `contact${i}@partners.demo.example`,
      contact_phone: `0${1 + Math.floor(r() * 9)}-${1000 + Math.floor(r() * 8999)}-${1000 + Math.floor(r() * 8999)}`,
      withholding_tax: [
        'lawyer',
        'administrative_scrivener',
        'labor_consultant',
        'individual',
      ].includes(kind),
      match_key: key,
    });
  }

  let partners = 0;
  let mous = 0;
  let shelters = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await q
      .insertInto('partner')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('match_key').doNothing())
      .returning(['id', 'kind', 'status', 'municipality_code', 'lat', 'lng', 'name'])
      .execute();
    partners += inserted.length;
    const mouRows = [];
    const shelterRows = [];
    for (const p of inserted) {
      if (p.status === 'active' && r() < 0.9) {
        const isPublic = ['municipality', 'international_association', 'public_agency'].includes(
          p.kind,
        );
        const expiringSoon = r() < 0.06;
        mouRows.push({
          partner_id: p.id,
          reference_no: `MOU-${fiscalYearStart.slice(0, 4)}-${p.id.slice(0, 8).toUpperCase()}`,
          status: 'active' as const,
          valid_from: fiscalYearStart,
          valid_until: expiringSoon
            ? addDays(
                opts.today ?? new Date().toISOString().slice(0, 10),
                20 + Math.floor(r() * 35),
              )
            : `${Number(fiscalYearStart.slice(0, 4)) + 1}-03-31`,
          signed_on: fiscalYearStart,
          visit_base_fee: isPublic ? 0 : 5000,
          base_hours: 2,
          hourly_fee: isPublic ? 0 : 2000,
          travel_mode: isPublic ? ('none' as const) : ('per_km' as const),
          travel_per_km: isPublic ? 0 : 30,
          travel_cap: isPublic ? null : 5000,
          interpreter_hourly: isPublic ? 0 : 3000,
          shelter_per_night: isPublic ? 0 : 4000,
          phone_support_fee: isPublic ? 0 : 1000,
          consumption_tax: !isPublic && r() < 0.5,
          max_concurrent_requests: 2 + Math.floor(r() * 4),
        });
      }
      if (
        p.status === 'active' &&
        ['npo', 'municipality', 'international_association'].includes(p.kind) &&
        r() < 0.1
      ) {
        const accepts = (['women', 'men', 'families', 'children'] as const).filter(() => r() < 0.5);
        shelterRows.push({
          partner_id: p.id,
          name: `${p.name.replace(/^NPO法人 /, '')} シェルター`,
          capacity: 2 + Math.floor(r() * 11),
          accepts: accepts.length ? [...accepts] : ['women'],
          municipality_code: p.municipality_code!,
          address: '（非公開）',
          lat: p.lat,
          lng: p.lng,
        });
      }
    }
    if (mouRows.length) {
      mous += (
        await q
          .insertInto('mou')
          .values(mouRows)
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .execute()
      ).length;
    }
    if (shelterRows.length) {
      shelters += (await q.insertInto('shelter').values(shelterRows).returning('id').execute())
        .length;
    }
  }
  await sql`analyze partner`.execute(q);
  return { partners, mous, shelters };
}

/** 1 April of the fiscal year containing `date` (YYYY-MM-DD). */
export function fiscalYearOf(date: string): string {
  const [y, m] = date.split('-').map(Number);
  return `${m >= 4 ? y : y - 1}-04-01`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
