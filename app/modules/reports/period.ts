// Reporting periods (client-safe): a month "2026-10", a fiscal quarter "FY2026-Q3" or a fiscal
// year "FY2026" (April–March). `from` is inclusive, `to` exclusive, both Tokyo dates.

export interface Period {
  kind: 'month' | 'quarter' | 'year';
  key: string;
  from: string;
  to: string;
  label: { ja: string; en: string };
}

const iso = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}-01`;
const addMonths = (y: number, m: number, n: number) => {
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return iso(d.getUTCFullYear(), d.getUTCMonth() + 1);
};

export function parsePeriod(key: string): Period | null {
  let m = /^(2\d{3})-(0[1-9]|1[0-2])$/.exec(key);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return {
      kind: 'month',
      key,
      from: iso(y, mo),
      to: addMonths(y, mo, 1),
      label: { ja: `${y}年${mo}月`, en: `${key}` },
    };
  }
  m = /^FY(2\d{3})-Q([1-4])$/.exec(key);
  if (m) {
    const fy = Number(m[1]);
    const q = Number(m[2]);
    const from = addMonths(fy, 4, (q - 1) * 3);
    return {
      kind: 'quarter',
      key,
      from,
      to: addMonths(fy, 4, q * 3),
      label: { ja: `${fy}年度 第${q}四半期`, en: `FY${fy} Q${q}` },
    };
  }
  m = /^FY(2\d{3})$/.exec(key);
  if (m) {
    const fy = Number(m[1]);
    return {
      kind: 'year',
      key,
      from: iso(fy, 4),
      to: iso(fy + 1, 4),
      label: { ja: `${fy}年度`, en: `FY${fy}` },
    };
  }
  return null;
}

/** The fiscal quarter containing a Tokyo date. */
export function quarterKeyOf(isoDate: string): string {
  const [y, mo] = isoDate.split('-').map(Number) as [number, number];
  const fy = mo < 4 ? y - 1 : y;
  return `FY${fy}-Q${Math.floor(((mo + 8) % 12) / 3) + 1}`;
}

/** ⚑ Small cells: any count of requests below this is shown as "<5" outside the secretariat. */
export const SMALL_CELL = 5;

/** Distance bands of the coverage map's colours (km); the last band is "further or none". */
export const BANDS = [10, 25, 50, 100] as const;

/** Colours of the bands, green (near) to red (far or none). */
export const BAND_COLOURS = ['#1a9850', '#91cf60', '#fee08b', '#fc8d59', '#d73027'] as const;
