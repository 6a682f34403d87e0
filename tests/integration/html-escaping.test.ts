import { afterEach, describe, expect, it } from 'vitest';
import { render, templates } from '../../emails';
import { db } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { makeUser } from '~/modules/demo/factories.server';
import { acceptOffer, sendOffers } from '~/modules/dispatch/requests.server';
import { deliverMail } from '~/modules/mail/mail.server';
import { completeRequest, logVisit } from '~/modules/visits/visits.server';
import { visitSchema } from '~/modules/visits/visit-schema';
import { tokyoToday } from '~/modules/partners/partners.server';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { startSmtpPeer } from '../support/smtp';

// "HTML in any text is escaped; emails too": whatever a person typed (a partner's name, a
// request summary, a visit note) reaches an email's HTML part only as text.

const PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(1)>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;';
/** A live tag from the payload (its escaped form is text, harmless). */
const LIVE = /<(script|img)\b/i;

afterEach(() => {
  delete process.env.SMTP_URL;
  resetEnvCache();
});

/** Every string a template may show, set to the payload (dates and labels in both languages). */
const hostileData = () => {
  const both = { ja: PAYLOAD, en: PAYLOAD };
  return {
    name: PAYLOAD,
    inviterName: PAYLOAD,
    roleLabel: both,
    url: `http://localhost:3000/x?${PAYLOAD}`,
    expiresAt: both,
    at: both,
    partnerName: PAYLOAD,
    referenceNo: PAYLOAD,
    validUntil: both,
    reference: PAYLOAD,
    summary: PAYLOAD,
    place: PAYLOAD,
    window: both,
    respondBy: both,
    urgency: both,
    outcome: both,
    needsDispatch: true,
    why: both,
    reason: PAYLOAD,
    visitDate: both,
    deadline: false,
    title: PAYLOAD,
    registerBy: both,
    when: both,
    categories: ['health'],
    escalated: false,
    arrival: true,
    partnerPhone: PAYLOAD,
    planned: both,
    agenda: PAYLOAD,
    rsvpUrl: `http://localhost:3000/rsvp/${PAYLOAD}`,
    month: PAYLOAD,
    transfer: 12345,
  };
};

describe('HTML in emails', () => {
  it('every template escapes every text it shows, in both languages', () => {
    let rendered = 0;
    let showingPayload = 0;
    for (const name of Object.keys(templates) as (keyof typeof templates)[]) {
      for (const locale of ['ja', 'en'] as const) {
        const out = render(name, locale, hostileData() as never);
        rendered++;
        expect(out.html, `${name}/${locale}`).not.toMatch(LIVE);
        if (out.html.includes('alert(1)')) {
          showingPayload++;
          expect(out.html, `${name}/${locale}`).toContain(ESCAPED);
        }
      }
    }
    // Most templates show something typed; if none did, this test would prove nothing.
    expect(showingPayload).toBeGreaterThan(rendered / 2);
  });

  it('a partner name, a request summary and a completion report arrive escaped through SMTP', async () => {
    const peer = await startSmtpPeer();
    try {
      process.env.SMTP_URL = peer.url;
      resetEnvCache();
      const counselor = (await makeUser(db, { role: 'counselor', name: PAYLOAD }))!;
      const partner = await makeDispatchablePartner('XSS');
      await db.updateTable('partner').set({ name: PAYLOAD }).where('id', '=', partner.id).execute();
      await db
        .updateTable('app_user')
        .set({ name: PAYLOAD })
        .where('id', '=', partner.userId)
        .execute();
      const req = await makeRequest(counselor.id, { summary: PAYLOAD, details: PAYLOAD });
      await db
        .transaction()
        .execute((tx) => sendOffers(tx, req.id, [partner.id], { userId: counselor.id }));
      const offer = await db
        .selectFrom('offer')
        .select('id')
        .where('request_id', '=', req.id)
        .executeTakeFirstOrThrow();
      expect((await acceptOffer(offer.id, { id: partner.userId, partnerId: partner.id })).ok).toBe(
        true,
      );
      const actor = { userId: partner.userId, partnerId: partner.id };
      await db.transaction().execute((tx) =>
        logVisit(
          tx,
          req.id,
          visitSchema.parse({
            visitDate: tokyoToday(),
            startTime: '09:00',
            endTime: '10:00',
            place: PAYLOAD,
            activities: PAYLOAD,
            confidentialNote: PAYLOAD,
          }),
          null,
          actor,
        ),
      );
      await db.transaction().execute((tx) => completeRequest(tx, req.id, PAYLOAD, actor));

      const mails = await db
        .selectFrom('outgoing_mail')
        .select(['id', 'to_address'])
        .orderBy('created_at')
        .execute();
      for (const m of mails) await deliverMail(m.id, { attempt: 1, maxAttempts: 10 });
      expect(peer.messages.length).toBe(mails.length);
      const subjects = new Set<string>();
      for (const m of peer.messages) {
        const html = String(m.html || '');
        expect(html, m.subject).not.toMatch(LIVE);
        if (html.includes('alert(1)')) {
          subjects.add(m.subject ?? '');
          expect(html).toContain(ESCAPED);
        }
        // The plain-text part carries the words as they were typed.
        if (m.text?.includes('alert(1)')) expect(m.text).toContain(PAYLOAD);
      }
      // The offer (summary), the acceptance and the completion (partner name) showed the payload.
      expect(subjects.size).toBeGreaterThanOrEqual(3);
    } finally {
      await peer.close();
    }
  });
});
