import { describe, expect, it } from 'vitest';
import { db, type Tx } from '~/lib/db.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { mouSchema } from '~/modules/partners/mou-schema';
import {
  createMou,
  expiringMous,
  getMou,
  mouFileForViewer,
  sendMouExpiryReminders,
  updateMou,
} from '~/modules/partners/mous.server';
import { shelterSchema } from '~/modules/partners/shelter-schema';
import { createShelter, getShelter, updateShelter } from '~/modules/partners/shelters.server';
import { loader as fileLoader } from '~/routes/files.$fileId';
import { login } from '~/modules/auth/users.server';
import { ctx, requestWithSession, settle } from '../support/requests';

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
let seq = 0;
const mou = (over: Record<string, unknown> = {}) =>
  mouSchema.parse({
    referenceNo: `MOU-T-${++seq}`,
    status: 'active',
    validFrom: '2026-04-01',
    validUntil: '2027-03-31',
    visitBaseFee: 5000,
    baseHours: 2,
    hourlyFee: 2000,
    travelMode: 'per_km',
    travelPerKm: 30,
    travelCap: 5000,
    maxConcurrentRequests: 3,
    ...over,
  });
const tx = <T>(fn: (t: Tx) => Promise<T>) => db.transaction().execute(fn);

describe('MOUs', () => {
  it('stores fees and the signed PDF; refuses a second active MOU on overlapping dates', async () => {
    const p = await makePartner(db);
    const id = await tx((t) =>
      createMou(t, p.id, mou(), { name: '覚書（署名済）.pdf', bytes: PDF }, { userId: null }),
    );
    const row = await getMou(db, id, { id: 's', role: 'secretariat', partnerId: null });
    expect(row).toMatchObject({
      visit_base_fee: 5000,
      travel_mode: 'per_km',
      travel_cap: 5000,
      pdf_name: '覚書（署名済）.pdf',
    });
    await expect(
      tx((t) =>
        createMou(t, p.id, mou({ validFrom: '2027-01-01', validUntil: '2028-03-31' }), null, {
          userId: null,
        }),
      ),
    ).rejects.toMatchObject({ code: 'errors.mouOverlap', field: 'validFrom' });
    // A draft may overlap; activating it later is refused the same way.
    const draft = await tx((t) =>
      createMou(
        t,
        p.id,
        mou({ status: 'draft', validFrom: '2027-01-01', validUntil: '2028-03-31' }),
        null,
        { userId: null },
      ),
    );
    await expect(
      tx((t) =>
        updateMou(
          t,
          draft,
          mou({ status: 'active', validFrom: '2027-01-01', validUntil: '2028-03-31' }),
          null,
          { userId: null },
        ),
      ),
    ).rejects.toMatchObject({ code: 'errors.mouOverlap' });
    // Nothing of the failed attempts was stored (one transaction per action).
    expect(
      await db.selectFrom('mou').select('id').where('partner_id', '=', p.id).execute(),
    ).toHaveLength(2);
    expect(await db.selectFrom('stored_file').select('id').execute()).toHaveLength(1);
  });

  it('accepts only real PDFs, by content', async () => {
    const p = await makePartner(db);
    const fake = new TextEncoder().encode('<html>not a pdf</html>');
    await expect(
      tx((t) => createMou(t, p.id, mou(), { name: 'evil.pdf', bytes: fake }, { userId: null })),
    ).rejects.toMatchObject({ code: 'errors.pdfOnly', field: 'signedPdf' });
    await expect(
      tx((t) =>
        createMou(
          t,
          p.id,
          mou(),
          { name: 'big.pdf', bytes: new Uint8Array(10 * 1024 * 1024 + 1).fill(37) },
          { userId: null },
        ),
      ),
    ).rejects.toMatchObject({ code: 'errors.fileTooLarge' });
  });

  it('validates the form: dates in order, whole yen, per-km rate when paid per km', () => {
    const issues = (over: Record<string, unknown>) =>
      Object.fromEntries(
        (mouSchema.safeParse({ ...mou(), ...over }).error?.issues ?? []).map((i) => [
          i.path.join('.'),
          i.message,
        ]),
      );
    expect(issues({ validUntil: '2026-03-31' })).toEqual({ validUntil: 'errors.untilBeforeFrom' });
    expect(issues({ visitBaseFee: 100.5 })).toEqual({ visitBaseFee: 'errors.wholeYen' });
    expect(issues({ hourlyFee: -1 })).toEqual({ hourlyFee: 'errors.notNegative' });
    expect(issues({ travelPerKm: 0 })).toEqual({ travelPerKm: 'errors.required' });
    expect(issues({ maxConcurrentRequests: 0 })).toEqual({
      maxConcurrentRequests: 'errors.concurrentRange',
    });
    expect(issues({ validFrom: '2026-02-30x' })).toEqual({ validFrom: 'errors.invalidDate' });
  });

  it('the signed PDF downloads for the secretariat and the owning partner only', async () => {
    const p = await makePartner(db);
    const other = await makePartner(db);
    const id = await tx((t) =>
      createMou(t, p.id, mou(), { name: 'signed.pdf', bytes: PDF }, { userId: null }),
    );
    const fileId = (await getMou(db, id, { id: 's', role: 'secretariat', partnerId: null }))!
      .signed_file_id!;
    const session = async (role: 'secretariat' | 'counselor' | 'partner', partnerId?: string) => {
      const u = (await makeUser(db, { role, partnerId }))!;
      const r = await login(u.email, u.password, ctx.clientIp);
      return r.ok ? r.cookie : null;
    };
    const get = async (cookie: string | null) =>
      settle(() =>
        fileLoader({
          request: requestWithSession(`/files/${fileId}`, cookie),
          params: { fileId },
          context: ctx,
        }),
      );
    const ok = (await get(await session('secretariat'))) as Response;
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Content-Type')).toBe('application/pdf');
    expect(ok.headers.get('Content-Disposition')).toMatch(/^attachment; filename="signed.pdf"/);
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(PDF);
    expect(((await get(await session('partner', p.id))) as Response).status).toBe(200);
    expect(((await get(await session('partner', other.id))) as Response).status).toBe(404);
    expect(((await get(await session('counselor'))) as Response).status).toBe(404);
    expect(((await get(null)) as Response).status).toBe(302);
    expect(
      await mouFileForViewer(db, 'not-a-uuid', { id: 's', role: 'secretariat', partnerId: null }),
    ).toBeNull();
  });

  it('reminds the secretariat and the partner once, 30 days before the end', async () => {
    const p = await makePartner(db);
    await makeUser(db, { role: 'secretariat', email: 'sec-reminder@example.org' });
    await makeUser(db, { role: 'partner', partnerId: p.id, email: 'partner-reminder@example.org' });
    await tx((t) =>
      createMou(t, p.id, mou({ validFrom: '2026-04-01', validUntil: '2026-12-20' }), null, {
        userId: null,
      }),
    );
    expect(await sendMouExpiryReminders('2026-11-01')).toBe(0); // 49 days before: too early
    expect((await expiringMous(db, '2026-11-01')).map((m) => m.partner_name)).toContain(p.name);
    expect(await sendMouExpiryReminders('2026-11-23')).toBe(1);
    expect(await sendMouExpiryReminders('2026-11-24')).toBe(0);
    const mails = await db
      .selectFrom('outgoing_mail')
      .select(['to_address', 'subject'])
      .where('template', '=', 'mou_expiry')
      .where('to_address', 'in', ['sec-reminder@example.org', 'partner-reminder@example.org'])
      .execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual([
      'partner-reminder@example.org',
      'sec-reminder@example.org',
    ]);
    expect(mails[0].subject).toContain(p.name);
    // After the end date the daily job marks it expired.
    await sendMouExpiryReminders('2026-12-21');
    const statuses = await db
      .selectFrom('mou')
      .select('status')
      .where('partner_id', '=', p.id)
      .execute();
    expect(statuses).toEqual([{ status: 'expired' }]);
  });
});

describe('shelters', () => {
  const shelter = (over: Record<string, unknown> = {}) =>
    shelterSchema.parse({
      name: '女性のための一時シェルター',
      capacity: 4,
      accepts: ['women', 'children'],
      active: true,
      municipalityCode: '432156',
      address: '本町1-2-3',
      lat: 32.46,
      lng: 130.19,
      ...over,
    });

  it('shows the exact location only to the secretariat and the owning partner', async () => {
    const p = await makePartner(db);
    const other = await makePartner(db);
    const id = await tx((t) => createShelter(t, p.id, shelter(), { userId: null }));
    expect(
      await getShelter(db, id, { id: 's', role: 'secretariat', partnerId: null }),
    ).toMatchObject({ address: '本町1-2-3', lat: 32.46 });
    expect(await getShelter(db, id, { id: 'o', role: 'partner', partnerId: p.id })).toMatchObject({
      address: '本町1-2-3',
    });
    expect(await getShelter(db, id, { id: 'c', role: 'counselor', partnerId: null })).toMatchObject(
      {
        address: null,
        lat: null,
        lng: null,
        municipality_name: '天草市',
      },
    );
    expect(await getShelter(db, id, { id: 'x', role: 'partner', partnerId: other.id })).toBeNull();
  });

  it('capacity cannot drop below the beds in use', async () => {
    const p = await makePartner(db);
    const id = await tx((t) => createShelter(t, p.id, shelter(), { userId: null }));
    await db.updateTable('shelter').set({ beds_occupied: 3 }).where('id', '=', id).execute();
    await expect(
      tx((t) => updateShelter(t, id, shelter({ capacity: 2 }), { userId: null })),
    ).rejects.toMatchObject({
      code: 'shelter.capacityBelowOccupied',
      field: 'capacity',
    });
    await tx((t) => updateShelter(t, id, shelter({ capacity: 3 }), { userId: null }));
  });
});
