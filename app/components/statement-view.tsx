import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { yen, formatNumber } from '~/lib/format';

export interface StatementLineRow {
  id: string;
  kind: string;
  work_date: string | null;
  quantity: string;
  unit: string;
  unit_price: number;
  amount: number;
  taxable: boolean;
  note: string;
  reason: string | null;
  live: boolean;
  mou_reference: string | null;
  request_reference: string | null;
}

export interface StatementTotalsRow {
  subtotal: number;
  taxable_base: number;
  consumption_tax: number;
  withholding_tax: number;
  total: number;
  transfer: number;
}

/** A statement's lines (what each amount came from) and its totals. */
export function StatementView({
  lines,
  totals,
}: {
  lines: StatementLineRow[];
  totals: StatementTotalsRow;
}) {
  const { t } = useTranslation();
  const live = lines.filter((l) => l.live);
  return (
    <>
      {live.length === 0 ? (
        <p className="empty">{t('payments.noLines')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone statement-lines">
            <thead>
              <tr>
                <th scope="col">{t('payments.workDate')}</th>
                <th scope="col">{t('payments.item')}</th>
                <th scope="col">{t('payments.source')}</th>
                <th scope="col" className="num">
                  {t('payments.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('payments.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('payments.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {live.map((l) => (
                <tr key={l.id}>
                  <td data-label={t('payments.workDate')}>{l.work_date ?? '—'}</td>
                  <td data-label={t('payments.item')}>
                    {tKey(t, `payments.kinds.${l.kind}`)}
                    {l.taxable ? null : <span className="tag"> {t('payments.untaxed')}</span>}
                    {l.reason ? <div className="hint">{l.reason}</div> : null}
                    {l.note ? <div className="hint">{l.note}</div> : null}
                  </td>
                  <td data-label={t('payments.source')}>
                    {[l.request_reference, l.mou_reference].filter(Boolean).join(' · ') || '—'}
                  </td>
                  <td data-label={t('payments.quantity')} className="num">
                    {formatNumber(Number(l.quantity))} {tKey(t, `payments.units.${l.unit}`)}
                  </td>
                  <td data-label={t('payments.unitPrice')} className="num">
                    {l.unit === 'yen' ? '—' : yen(l.unit_price)}
                  </td>
                  <td data-label={t('payments.amount')} className="num">
                    {yen(l.amount)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <dl className="meta-list card totals">
        <dt>{t('payments.subtotal')}</dt>
        <dd className="num">{yen(totals.subtotal)}</dd>
        <dt>{t('payments.consumptionTax', { base: yen(totals.taxable_base) })}</dt>
        <dd className="num">{yen(totals.consumption_tax)}</dd>
        <dt>{t('payments.total')}</dt>
        <dd className="num">{yen(totals.total)}</dd>
        <dt>{t('payments.withholding')}</dt>
        <dd className="num">{yen(-totals.withholding_tax)}</dd>
        <dt>
          <strong>{t('payments.transfer')}</strong>
        </dt>
        <dd className="num">
          <strong>{yen(totals.transfer)}</strong>
        </dd>
      </dl>
    </>
  );
}
