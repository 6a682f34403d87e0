import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { advanceCascade, startCascade } from '~/modules/dispatch/cascade.server';
import {
  acceptOffer,
  cancelRequest,
  declineOffer,
  listBoard,
  sendOffers,
} from '~/modules/dispatch/requests.server';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';

/**
 * The counselors' board reads its order from `board_rank`, a column kept by triggers on the
 * request and on its cascade. Whatever path changed a request, the board must show open requests
 * in the documented order: cascades that ran out first, then "needs dispatch", draft, offered,
 * the rest; within each, emergency, urgent, normal; then by start time.
 */
const OPEN = ['draft', 'offered', 'needs_dispatch', 'accepted', 'in_progress'];

function expectedRank(status: string, urgency: string, cascade: string | null) {
  const first =
    (cascade === 'exhausted' || cascade === 'deadline') &&
    ['draft', 'offered', 'needs_dispatch'].includes(status)
      ? 0
      : status === 'needs_dispatch'
        ? 1
        : status === 'draft'
          ? 2
          : status === 'offered'
            ? 3
            : 4;
  return first * 3 + (urgency === 'emergency' ? 0 : urgency === 'urgent' ? 1 : 2);
}

async function expectBoardInOrder() {
  const open = await db
    .selectFrom('accompaniment_request as r')
    .leftJoin('offer_cascade as c', 'c.request_id', 'r.id')
    .select(['r.id', 'r.status', 'r.urgency', 'r.window_start', 'r.board_rank'])
    .select('c.status as cascade')
    .where('r.status', 'in', OPEN as never)
    .execute();
  for (const r of open)
    expect({ id: r.id, rank: r.board_rank }).toEqual({
      id: r.id,
      rank: expectedRank(r.status, r.urgency, r.cascade),
    });
  const expected = [...open]
    .sort(
      (a, b) =>
        expectedRank(a.status, a.urgency, a.cascade) -
          expectedRank(b.status, b.urgency, b.cascade) ||
        a.window_start.getTime() - b.window_start.getTime() ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((r) => r.id);
  // Every page of the board, in turn, small pages so the keyset crosses rank boundaries.
  const shown: string[] = [];
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listBoard>> = await listBoard(db, { after, limit: 3 });
    shown.push(...page.rows.map((r) => r.id));
    after = page.next;
  } while (after);
  expect(shown).toEqual(expected);
}

let counselor: { id: string };
const ps: Awaited<ReturnType<typeof makeDispatchablePartner>>[] = [];

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor', email: 'board-order@example.org' }))!;
  for (let i = 0; i < 2; i++) ps.push(await makeDispatchablePartner(`BOARDORD${i}`, i * 3));
});

describe('counselors’ board order', () => {
  it('follows every state change: offers, declines, cascades running out, accepts, cancels, urgency', async () => {
    const normal = await makeRequest(counselor.id, {}, 30);
    const urgent = await makeRequest(counselor.id, { urgency: 'urgent' }, 40);
    const emergency = await makeRequest(counselor.id, { urgency: 'emergency' }, 50);
    const later = await makeRequest(counselor.id, {}, 60);
    const toCancel = await makeRequest(counselor.id, { urgency: 'emergency' }, 20);
    await expectBoardInOrder();

    // Offered by hand, then declined: needs dispatch.
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, normal.id, [ps[0].id], { userId: counselor.id }));
    await expectBoardInOrder();
    const offer = await db
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', normal.id)
      .executeTakeFirstOrThrow();
    await declineOffer(offer.id, { id: ps[0].userId, partnerId: ps[0].id }, '');
    expect(
      (
        await db
          .selectFrom('accompaniment_request')
          .select('status')
          .where('id', '=', normal.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('needs_dispatch');
    await expectBoardInOrder();

    // A cascade that runs out puts its request at the top, whatever its urgency.
    await db.transaction().execute((tx) => startCascade(tx, later.id, 2, { userId: counselor.id }));
    await expectBoardInOrder();
    for (const o of await db
      .selectFrom('offer')
      .select(['id', 'partner_id'])
      .where('request_id', '=', later.id)
      .where('status', '=', 'pending')
      .execute()) {
      const p = ps.find((x) => x.id === o.partner_id)!;
      await declineOffer(o.id, { id: p.userId, partnerId: p.id }, '');
    }
    expect(await advanceCascade(later.id)).toBe('exhausted');
    const top = await listBoard(db, { limit: 1 });
    expect(top.rows[0]?.id).toBe(later.id);
    await expectBoardInOrder();

    // Accepted goes below everything still to dispatch.
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, emergency.id, [ps[1].id], { userId: counselor.id }));
    const em = await db
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', emergency.id)
      .executeTakeFirstOrThrow();
    await acceptOffer(em.id, { id: ps[1].userId, partnerId: ps[1].id });
    await expectBoardInOrder();

    // Urgency raised after the fact; a cancelled request leaves the board.
    await db
      .updateTable('accompaniment_request')
      .set({ urgency: 'emergency' })
      .where('id', '=', urgent.id)
      .execute();
    await db
      .transaction()
      .execute((tx) => cancelRequest(tx, toCancel.id, '重複', { userId: counselor.id }));
    await expectBoardInOrder();
    const all: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listBoard>> = await listBoard(db, { after });
      all.push(...page.rows.map((r) => r.id));
      after = page.next;
    } while (after);
    expect(all).not.toContain(toCancel.id);
    expect(all).toContain(urgent.id);
  });
});
