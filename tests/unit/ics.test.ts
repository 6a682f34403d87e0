import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs } from '~/modules/calendar/ics.server';

const base = {
  uid: 'training-0b6f@banso.example',
  start: new Date('2026-12-03T01:30:00Z'), // 10:30 in Tokyo
  end: new Date('2026-12-03T07:30:00Z'),
  summary: '伴走者研修（基礎）: 在留資格, 労働法; 医療',
  description: '持ち物：筆記用具\n会場 2 階',
  location: '熊本市国際交流会館 2 階ホール',
  organizer: { name: '伴走連携ネットワーク事務局', email: 'no-reply@banso.example' },
  attendee: { name: '田中 由美', email: 'tanaka@example.org' },
};

function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  const tz = new ICAL.Timezone(cal.getFirstSubcomponent('vtimezone')!);
  ICAL.TimezoneService.register(tz, 'Asia/Tokyo');
  const vevent = cal.getFirstSubcomponent('vevent')!;
  return { cal, vevent, event: new ICAL.Event(vevent) };
}

describe('iCalendar for training sessions', () => {
  it('an invitation parses with a real iCalendar parser, with the right time, text and method', () => {
    const text = buildIcs({ ...base, sequence: 0, method: 'REQUEST' });
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const { cal, vevent, event } = parse(text);
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe(base.uid);
    expect(event.sequence).toBe(0);
    expect(event.summary).toBe(base.summary);
    expect(event.description).toBe(base.description);
    expect(event.location).toBe(base.location);
    expect(event.startDate.toJSDate().toISOString()).toBe(base.start.toISOString());
    expect(event.endDate.toJSDate().toISOString()).toBe(base.end.toISOString());
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(String(vevent.getFirstPropertyValue('attendee'))).toBe('mailto:tanaka@example.org');
  });

  it('an update keeps the UID with a higher SEQUENCE; a cancellation says CANCEL / CANCELLED', () => {
    const update = parse(
      buildIcs({
        ...base,
        sequence: 1,
        method: 'REQUEST',
        start: new Date('2026-12-03T02:00:00Z'),
      }),
    );
    expect(update.event.uid).toBe(base.uid);
    expect(update.event.sequence).toBe(1);
    expect(update.event.startDate.toJSDate().toISOString()).toBe('2026-12-03T02:00:00.000Z');
    const cancel = parse(buildIcs({ ...base, sequence: 2, method: 'CANCEL' }));
    expect(cancel.cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancel.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancel.event.sequence).toBe(2);
    expect(cancel.event.uid).toBe(base.uid);
  });
});
