import { describe, expect, it } from 'vitest';
import { render, templates } from '../../emails';

describe('email templates', () => {
  it('every template renders in Japanese and English with subject, text and HTML', () => {
    for (const name of Object.keys(templates) as (keyof typeof templates)[]) {
      for (const locale of ['ja', 'en'] as const) {
        const out = render(name, locale, {
          name: 'Test',
          inviterName: 'Sec',
          roleLabel: { ja: '相談員', en: 'Counselor' },
          url: 'http://localhost:3000/x',
          expiresAt: { ja: 'j', en: 'e' },
          at: { ja: 'j', en: 'e' },
          partnerName: 'P',
          referenceNo: 'MOU-1',
          validUntil: { ja: 'j', en: 'e' },
          reference: 'REQ-2026-000001',
          summary: 'S',
          place: '天草市',
          window: { ja: 'j', en: 'e' },
          respondBy: { ja: 'j', en: 'e' },
          urgency: { ja: '緊急', en: 'Emergency' },
          outcome: { ja: 'j', en: 'e' },
          needsDispatch: true,
          why: { ja: 'j', en: 'e' },
          reason: 'R',
          visitDate: { ja: 'j', en: 'e' },
          deadline: false,
          title: 'T',
          registerBy: { ja: 'j', en: 'e' },
          when: { ja: 'j', en: 'e' },
          categories: ['health'],
          escalated: false,
          arrival: true,
          partnerPhone: '096-000-0000',
          planned: { ja: '10:00', en: '10:00' },
          agenda: '1. 報告',
          rsvpUrl: 'http://localhost:3000/rsvp/x',
          month: '2026-10',
          transfer: 12345,
        } as never);
        expect(out.subject.length, `${name}/${locale}`).toBeGreaterThan(5);
        expect(out.text.length).toBeGreaterThan(20);
        expect(out.html).toContain(`<html lang="${locale}">`);
      }
    }
  });

  it('escapes what people typed, in HTML', () => {
    const out = render('invitation', 'ja', {
      name: '<script>alert(1)</script>',
      inviterName: 'A & B',
      roleLabel: { ja: '相談員', en: 'Counselor' },
      url: 'http://localhost:3000/invite/t"><img src=x>',
      expiresAt: { ja: 'j', en: 'e' },
    });
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;');
    expect(out.html).toContain('A &amp; B');
    expect(out.html).not.toContain('"><img');
    expect(out.text).toContain('<script>alert(1)</script> 様');
  });
});
