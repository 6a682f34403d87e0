// iCalendar (RFC 5545/5546) for trainings and liaison meetings: invitations, updates and
// cancellations that calendar programs understand, and subscription feeds. Times are written in
// Asia/Tokyo with its VTIMEZONE.

export interface IcsEvent {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  organizer: { name: string; email: string };
  attendee?: { name: string; email: string };
  now?: Date;
}

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Asia/Tokyo',
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0900',
  'TZOFFSETTO:+0900',
  'TZNAME:JST',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** TEXT values: backslash, semicolon, comma and newlines escaped. */
export function escapeText(v: string): string {
  return v
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n');
}

/** Parameter values (CN) may not hold quotes; quoted when they hold : ; or ,. */
function param(v: string): string {
  const clean = v.replace(/["\r\n]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const tokyoLocal = (d: Date) =>
  new Date(d.getTime() + 9 * 3_600_000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, '');
const utcStamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

/** One VEVENT; its status follows the method unless given (a feed lists cancelled events too). */
function vevent(e: IcsEvent, stamp: Date, status?: 'CONFIRMED' | 'CANCELLED'): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utcStamp(stamp)}`,
    `DTSTART;TZID=Asia/Tokyo:${tokyoLocal(e.start)}`,
    `DTEND;TZID=Asia/Tokyo:${tokyoLocal(e.end)}`,
    `SUMMARY:${escapeText(e.summary)}`,
    ...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []),
    ...(e.location ? [`LOCATION:${escapeText(e.location)}`] : []),
    ...(e.url ? [`URL:${e.url}`] : []),
    `ORGANIZER;CN=${param(e.organizer.name)}:mailto:${e.organizer.email}`,
    ...(e.attendee
      ? [
          `ATTENDEE;CN=${param(e.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${e.attendee.email}`,
        ]
      : []),
    `STATUS:${status ?? (e.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED')}`,
    'END:VEVENT',
  ];
}

function calendar(method: IcsEvent['method'], body: string[], name?: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Banso Network//Calendar//JA',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    ...(name ? [`X-WR-CALNAME:${escapeText(name)}`, 'X-WR-TIMEZONE:Asia/Tokyo'] : []),
    ...VTIMEZONE,
    ...body,
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** An invitation, update or cancellation of one event (iTIP: METHOD REQUEST or CANCEL). */
export function buildIcs(e: IcsEvent): string {
  return calendar(e.method, vevent(e, e.now ?? new Date()));
}

/** A subscription feed (METHOD:PUBLISH): every event with its own status. */
export function buildFeed(
  name: string,
  events: (Omit<IcsEvent, 'method'> & { cancelled: boolean })[],
  now = new Date(),
): string {
  return calendar(
    'PUBLISH',
    events.flatMap((e) =>
      vevent({ ...e, method: 'PUBLISH' }, now, e.cancelled ? 'CANCELLED' : 'CONFIRMED'),
    ),
    name,
  );
}

/** An event as the .ics attachment of an invitation, update or cancellation email. */
export function icsAttachment(
  e: Omit<IcsEvent, 'method'>,
  method: 'REQUEST' | 'CANCEL',
): { filename: string; contentType: string; content: string } {
  return {
    filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: Buffer.from(buildIcs({ ...e, method }), 'utf8').toString('base64'),
  };
}

/** The organiser of every event: the platform's sender address. */
export function organizer(mailFrom: string): { name: string; email: string } {
  const email = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const name = mailFrom.replace(/<[^>]*>/, '').trim() || email;
  return { name, email };
}
