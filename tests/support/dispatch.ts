import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { requestSchema } from '~/modules/dispatch/request-schema';
import { createRequest } from '~/modules/dispatch/requests.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner } from '~/modules/partners/partners.server';

/** "2026-12-03T10:00" in Tokyo time, as the request form sends it. */
export const tokyoLocal = (d: Date) =>
  new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);

/**
 * An active partner with an MOU and one partner user, in Amakusa (432156) speaking ja and vi
 * with the hospital specialty; `offsetKm` places it that far north of the city office.
 */
export async function makeDispatchablePartner(key: string, offsetKm = 0, maxConcurrent = 20) {
  const id = await db.transaction().execute((tx) =>
    createPartner(
      tx,
      partnerSchema.parse({
        name: `テスト団体 ${key}`,
        nameKana: 'てすとだんたい',
        kind: 'npo',
        status: 'active',
        municipalityCode: '432156',
        lat: 32.4586 + offsetKm / 111,
        lng: 130.1934,
        serviceRadiusKm: 100,
        languages: ['ja', 'vi'],
        specialties: ['hospital'],
      }),
      { userId: null },
    ),
  );
  await db
    .insertInto('mou')
    .values({
      partner_id: id,
      reference_no: `MOU-${key}`,
      status: 'active',
      valid_from: '2026-01-01',
      max_concurrent_requests: maxConcurrent,
    })
    .execute();
  const user = (await makeUser(db, {
    role: 'partner',
    partnerId: id,
    email: `${key.toLowerCase()}@partner.example.org`,
  }))!;
  return { id, userId: user.id, email: user.email, password: user.password };
}

/** A hospital request in Amakusa in Vietnamese, with consent, starting in `hours`. */
export async function makeRequest(
  counselorId: string,
  over: Record<string, unknown> = {},
  hours = 48,
) {
  const start = new Date(Date.now() + hours * 3_600_000);
  return db.transaction().execute((tx) =>
    createRequest(
      tx,
      requestSchema.parse({
        caseCode: 'CASE-TEST-01',
        category: 'hospital',
        workerLanguage: 'vi',
        interpreterNeeded: true,
        municipalityCode: '432156',
        windowStart: tokyoLocal(start),
        windowEnd: tokyoLocal(new Date(start.getTime() + 2 * 3_600_000)),
        summary: '通院同行',
        details: '詳細',
        consent: true,
        ...over,
      }),
      { userId: counselorId },
    ),
  );
}
