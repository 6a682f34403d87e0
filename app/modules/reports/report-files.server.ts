import { stringify } from 'csv-stringify/sync';
import en from '~/i18n/en';
import { safeCell } from '~/lib/csv.server';
import ja from '~/i18n/ja';
import { BOLD, REGULAR, renderPdf } from '~/modules/pdf/pdf.server';
import type { PublicReport, Shown } from './reports.server';
import { formatNumber } from '~/lib/format';

// The report as it leaves the secretariat (CSV, PDF, meeting attachment): built from the
// suppressed form only, so no cell under 5 requests can appear.

const name = (group: 'categories' | 'urgencies' | 'languages' | 'kinds', key: string) => {
  const pick = (c: typeof ja) =>
    (group === 'categories'
      ? c.dispatch.categories
      : group === 'urgencies'
        ? c.dispatch.urgencies
        : group === 'languages'
          ? c.languages
          : c.partnerKinds) as Record<string, string>;
  return `${pick(ja)[key] ?? key} / ${pick(en)[key] ?? key}`;
};

function rows(r: PublicReport): [string, string, Shown | string | null][] {
  const out: [string, string, Shown | string | null][] = [
    ['period', r.period.label.en, r.period.key],
    ['requests', '依頼数 / requests', r.requests.total],
  ];
  for (const [k, v] of Object.entries(r.requests.outcomes)) out.push(['outcome', k, v]);
  out.push(
    ['timing', 'first offer median (min)', r.timing.toFirstOffer.medianMinutes],
    ['timing', 'first offer p90 (min)', r.timing.toFirstOffer.p90Minutes],
    ['timing', 'acceptance median (min)', r.timing.toAcceptance.medianMinutes],
    ['timing', 'acceptance p90 (min)', r.timing.toAcceptance.p90Minutes],
  );
  for (const c of r.requests.byCategory) out.push(['category', name('categories', c.key), c.n]);
  for (const c of r.requests.byLanguage) out.push(['language', name('languages', c.key), c.n]);
  for (const c of r.requests.byUrgency) out.push(['urgency', name('urgencies', c.key), c.n]);
  for (const c of r.requests.byPrefecture) out.push(['prefecture', c.key, c.n]);
  for (const [k, v] of Object.entries(r.offers)) out.push(['offers', k, v]);
  out.push(
    ['visits', 'approved', r.visits.approved],
    ['visits', 'hours', r.visits.hours],
    ['visits', 'shelter bed-nights', r.visits.shelterNights],
  );
  for (const p of r.paid) out.push(['paid', name('kinds', p.kind), p.amount]);
  out.push(
    ['partners', 'active', r.partners.active],
    ['partners', 'trained', r.partners.trained],
    ['training', 'sessions held', r.training.sessionsHeld],
    ['training', 'attendances', r.training.attended],
  );
  for (const m of r.monthly) out.push(['monthly requests', m.month, m.requests]);
  return out;
}

/** CSV (UTF-8 with BOM so Excel opens it). Suppressed cells read "<5"; withheld values are empty. */
export function reportCsv(r: PublicReport): string {
  return `\uFEFF${stringify([['section', 'item', 'value'], ...rows(r).map(([a, b, c]) => [a, safeCell(b), safeCell(c ?? '')])], { record_delimiter: '\r\n' })}`;
}

/** The printable quarterly (or any period's) report as A4 PDF, Japanese and English. */
export function reportPdf(r: PublicReport): Promise<Buffer> {
  return renderPdf(
    (doc) => {
      const left = 56;
      const width = doc.page.width - 112;
      doc.font(BOLD).fontSize(18).text(`活動報告 ${r.period.label.ja}`, { align: 'center' });
      doc
        .font(REGULAR)
        .fontSize(11)
        .text(`Activity report ${r.period.label.en}`, { align: 'center' });
      doc.moveDown(0.5);
      doc
        .fontSize(8)
        .fillColor('#444')
        .text(
          '匿名の集計です。5 件未満の件数は「<5」と表示しています。 Anonymous figures; counts below 5 are shown as "<5".',
          { align: 'center' },
        )
        .fillColor('#000');
      doc.moveDown();
      const section = (title: string) => {
        if (doc.y > doc.page.height - 140) doc.addPage();
        doc.moveDown(0.6).font(BOLD).fontSize(12).text(title, left, doc.y, { width });
        doc.moveDown(0.2);
      };
      const line = (
        label: string,
        value: Shown | string | null,
        bar?: { n: number; max: number },
      ) => {
        if (doc.y > doc.page.height - 80) doc.addPage();
        const y = doc.y;
        doc.font(REGULAR).fontSize(9.5).text(label, left, y, { width: 230 });
        const after = doc.y;
        doc.text(value === null ? '—' : String(value), left + 235, y, {
          width: 60,
          align: 'right',
        });
        if (bar && bar.max > 0) {
          const w = Math.round((bar.n / bar.max) * (width - 310));
          doc
            .rect(left + 305, y + 2, Math.max(w, 1), 8)
            .fill('#2f6f9f')
            .fillColor('#000');
        }
        doc.y = Math.max(after, y + 13);
      };
      const numeric = (v: Shown) => (typeof v === 'number' ? v : 0);
      const cells = (
        title: string,
        list: { key: string; n: Shown }[],
        label: (k: string) => string,
      ) => {
        section(title);
        const max = Math.max(0, ...list.map((c) => numeric(c.n)));
        if (!list.length) line('—', null);
        for (const c of list) line(label(c.key), c.n, { n: numeric(c.n), max });
      };
      section('依頼 / Requests');
      line('依頼数 / requests', r.requests.total);
      line('打診あり / dispatched', r.requests.outcomes.dispatched);
      line('引受 / accepted', r.requests.outcomes.accepted);
      line('完了 / completed', r.requests.outcomes.completed);
      line('取消 / cancelled', r.requests.outcomes.cancelled);
      line(
        '最初の打診まで 中央値（分） / to first offer, median (min)',
        r.timing.toFirstOffer.medianMinutes,
      );
      line('最初の打診まで 90%（分） / p90 (min)', r.timing.toFirstOffer.p90Minutes);
      line(
        '引受まで 中央値（分） / to acceptance, median (min)',
        r.timing.toAcceptance.medianMinutes,
      );
      line('引受まで 90%（分） / p90 (min)', r.timing.toAcceptance.p90Minutes);
      cells('同行先 / Category', r.requests.byCategory, (k) => name('categories', k));
      cells('言語 / Language', r.requests.byLanguage, (k) => name('languages', k));
      cells('緊急度 / Urgency', r.requests.byUrgency, (k) => name('urgencies', k));
      cells('都道府県 / Prefecture', r.requests.byPrefecture, (k) => k);
      section('打診 / Offers');
      line('辞退 / declined', r.offers.declined);
      line('期限切れ / expired', r.offers.expired);
      line('取り下げ / withdrawn', r.offers.withdrawn);
      section('活動 / Work');
      line('承認済みの同行 / approved visits', r.visits.approved);
      line('同行時間 / hours', r.visits.hours);
      line('シェルター床泊 / shelter bed-nights', r.visits.shelterNights);
      for (const p of r.paid)
        line(
          `支払額 ${name('kinds', p.kind)}`,
          p.amount === null ? null : `¥${formatNumber(p.amount)}`,
        );
      section('パートナーと研修 / Partners and training');
      line('有効なパートナー / active partners', r.partners.active);
      line('研修修了 / trained', r.partners.trained);
      line('実施した研修 / sessions held', r.training.sessionsHeld);
      line('研修の出席 / attendances', r.training.attended);
      if (r.monthly.length > 1) {
        section('月別の依頼 / Requests by month');
        const max = Math.max(0, ...r.monthly.map((m) => numeric(m.requests)));
        for (const m of r.monthly) line(m.month, m.requests, { n: numeric(m.requests), max });
      }
      doc.moveDown(1.5);
      doc
        .font(REGULAR)
        .fontSize(8)
        .fillColor('#444')
        .text(
          '伴走連携ネットワーク 事務局 / Accompaniment Partner Network — Secretariat',
          left,
          doc.y,
          { width },
        );
    },
    { title: `活動報告 ${r.period.label.ja}`, author: '伴走連携ネットワーク' },
  );
}
