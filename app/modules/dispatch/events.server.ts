import type { Tx } from '~/lib/db.server';

/** Every transition writes one event, in the transition's own transaction. */
export async function recordEvent(
  tx: Tx,
  requestId: string,
  type: string,
  actor: { userId: string | null; partnerId?: string | null },
  detail: Record<string, unknown> = {},
) {
  await tx
    .insertInto('request_event')
    .values({
      request_id: requestId,
      type,
      actor_user_id: actor.userId,
      partner_id: actor.partnerId ?? null,
      detail: JSON.stringify(detail),
    })
    .execute();
}
