import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference', 'japan');

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(path.join(dir, file)), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  });
}

/**
 * Loads the shipped prefectures and 1,916 municipalities (idempotent; does nothing when already
 * complete). Runs after migrations on every start, so a fresh database always has them.
 */
export async function loadReferenceData(db: Kysely<Database>): Promise<void> {
  const municipalities = readCsv('municipalities.csv');
  const have = await db
    .selectFrom('municipality')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(have.n) === municipalities.length) return;

  const prefectures = readCsv('prefectures.csv');
  await db.transaction().execute(async (tx) => {
    for (const p of prefectures) {
      const row = {
        code: Number(p.pid),
        name: p.pref,
        name_en: p.pref_en,
        lat: Number(p.lat),
        lng: Number(p.lng),
      };
      await tx
        .insertInto('prefecture')
        .values(row)
        .onConflict((oc) => oc.column('code').doUpdateSet(row))
        .execute();
    }
    const rows = municipalities.map((m) => ({
      code: m.lgcode,
      prefecture_code: Number(m.pid),
      // "札幌市 中央区" → "札幌市中央区": the form people write on an address.
      name: m.city.replace(/\s+/g, ''),
      name_kana: m.citykana.replace(/\s+/g, ''),
      lat: Number(m.lat),
      lng: Number(m.lng),
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insertInto('municipality')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({
            prefecture_code: eb.ref('excluded.prefecture_code'),
            name: eb.ref('excluded.name'),
            name_kana: eb.ref('excluded.name_kana'),
            lat: eb.ref('excluded.lat'),
            lng: eb.ref('excluded.lng'),
          })),
        )
        .execute();
    }
  });
}
