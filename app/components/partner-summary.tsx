import { useTranslation } from 'react-i18next';
import { formatDate, tokyoDate, formatNumber } from '~/lib/format';

export interface PartnerSummaryData {
  kind: string;
  name_kana: string;
  status: string;
  trained_until?: string | null;
  network_member: boolean;
  public_listing: boolean;
  prefecture_name: string | null;
  municipality_name: string | null;
  postal_code: string | null;
  address: string;
  lat: number | null;
  lng: number | null;
  service_radius_km: string;
  languages: string[];
  specialties: string[];
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  availability: string;
  money: null | {
    invoiceNumber: string | null;
    bankCode: string | null;
    branchCode: string | null;
    accountType: string | null;
    accountNumber: string | null;
    accountHolderKana: string | null;
    withholdingTax: boolean;
  };
}

type Tr = ReturnType<typeof useTranslation>['t'];
const label = (t: Tr, key: string) => (t as unknown as (k: string) => string)(key);

/** The partner's registry entry as read-only sections (money only when the loader sent it). */
export function PartnerSummary({ p }: { p: PartnerSummaryData }) {
  const { t, i18n } = useTranslation();
  const dash = t('partners.notSet');
  return (
    <div className="cards">
      <section className="card" aria-labelledby="sum-basics">
        <h2 id="sum-basics">{t('partners.basicsTitle')}</h2>
        <dl className="meta-list">
          <dt>{t('partners.nameKana')}</dt>
          <dd>{p.name_kana}</dd>
          <dt>{t('partners.kind')}</dt>
          <dd>{label(t, `partnerKinds.${p.kind}`)}</dd>
          <dt>{t('partners.status')}</dt>
          <dd>
            <span className={`status status-${p.status}`}>
              {label(t, `partnerStatuses.${p.status}`)}
            </span>
          </dd>
          <dt>{t('training.trainedState')}</dt>
          <dd>
            {p.trained_until && p.trained_until >= tokyoDate()
              ? t('training.trainedUntil', {
                  date: formatDate(p.trained_until, i18n.language === 'en' ? 'en' : 'ja'),
                })
              : t('training.notTrained')}
          </dd>
          <dt>{t('partners.municipality')}</dt>
          <dd>
            {p.postal_code ? `〒${p.postal_code} ` : ''}
            {p.prefecture_name}
            {p.municipality_name}
            {p.address}
          </dd>
          <dt>{t('partners.serviceRadius')}</dt>
          <dd>{t('partners.radiusKm', { km: Number(p.service_radius_km) })}</dd>
          <dt>
            {t('partners.lat')} / {t('partners.lng')}
          </dt>
          <dd>{p.lat !== null ? `${p.lat}, ${p.lng}` : dash}</dd>
          <dt>{t('partners.networkMember')}</dt>
          <dd>{p.network_member ? '✓' : '—'}</dd>
          <dt>{t('partners.publicListing')}</dt>
          <dd>{p.public_listing ? '✓' : '—'}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="sum-contact">
        <h2 id="sum-contact">{t('partners.contactTitle')}</h2>
        <dl className="meta-list">
          <dt>{t('partners.contactName')}</dt>
          <dd>{p.contact_name || dash}</dd>
          <dt>{t('partners.contactEmail')}</dt>
          <dd>
            {p.contact_email ? <a href={`mailto:${p.contact_email}`}>{p.contact_email}</a> : dash}
          </dd>
          <dt>{t('partners.contactPhone')}</dt>
          <dd>
            {p.contact_phone ? <a href={`tel:${p.contact_phone}`}>{p.contact_phone}</a> : dash}
          </dd>
          <dt>{t('partners.availability')}</dt>
          <dd className="pre-line">{p.availability || dash}</dd>
        </dl>
        <h3>{t('partners.languagesTitle')}</h3>
        <ul className="chips">
          {p.languages.length ? (
            p.languages.map((l) => <li key={l}>{label(t, `languages.${l}`)}</li>)
          ) : (
            <li>{dash}</li>
          )}
        </ul>
        <h3>{t('partners.specialtiesTitle')}</h3>
        <ul className="chips">
          {p.specialties.length ? (
            p.specialties.map((s) => <li key={s}>{label(t, `specialties.${s}`)}</li>)
          ) : (
            <li>{dash}</li>
          )}
        </ul>
      </section>
      {p.money ? (
        <section className="card" aria-labelledby="sum-money">
          <h2 id="sum-money">{t('partners.moneyTitle')}</h2>
          <dl className="meta-list">
            <dt>{t('partners.invoiceNumber')}</dt>
            <dd>{p.money.invoiceNumber ?? dash}</dd>
            <dt>{t('partners.bankCode')}</dt>
            <dd>
              {p.money.bankCode
                ? `${p.money.bankCode}-${p.money.branchCode} ${label(t, `accountTypes.${p.money.accountType}`)} ${p.money.accountNumber}`
                : dash}
            </dd>
            <dt>{t('partners.accountHolder')}</dt>
            <dd>{p.money.accountHolderKana ?? dash}</dd>
            <dt>{t('partners.withholdingTax')}</dt>
            <dd>{p.money.withholdingTax ? '✓' : '—'}</dd>
          </dl>
          <p className="hint">{t('partners.bankHidden')}</p>
        </section>
      ) : null}
    </div>
  );
}

export function MouTable({
  mous,
  locale,
  editBase,
}: {
  mous: {
    id: string;
    reference_no: string;
    status: string;
    valid_from: string;
    valid_until: string | null;
    visit_base_fee: number;
    max_concurrent_requests: number;
    signed_file_id: string | null;
  }[];
  locale: 'ja' | 'en';
  /** e.g. /partners/<id>/mous — shows edit links (secretariat) */
  editBase?: string;
}) {
  const { t } = useTranslation();
  if (!mous.length) return <p className="empty">{t('partners.noMou')}</p>;
  return (
    // One card per MOU on a phone: a table wider than the screen would scroll out of keyboard reach.
    <div className="table-wrap">
      <table className="stack-on-phone">
        <thead>
          <tr>
            <th scope="col">{t('mou.referenceNo')}</th>
            <th scope="col">{t('mou.status')}</th>
            <th scope="col">
              {t('mou.validFrom')} – {t('mou.validUntil')}
            </th>
            <th scope="col">{t('mou.visitBaseFee')}</th>
            <th scope="col">{t('mou.maxConcurrent')}</th>
            <th scope="col">PDF</th>
          </tr>
        </thead>
        <tbody>
          {mous.map((m) => (
            <tr key={m.id}>
              <td data-label={t('mou.referenceNo')}>
                {editBase ? <a href={`${editBase}/${m.id}`}>{m.reference_no}</a> : m.reference_no}
              </td>
              <td data-label={t('mou.status')}>{label(t, `mouStatuses.${m.status}`)}</td>
              <td data-label={`${t('mou.validFrom')} – ${t('mou.validUntil')}`}>
                {formatDate(m.valid_from, locale)} –{' '}
                {m.valid_until ? formatDate(m.valid_until, locale) : t('partners.mouOpenEnded')}
              </td>
              <td data-label={t('mou.visitBaseFee')}>¥{formatNumber(m.visit_base_fee)}</td>
              <td data-label={t('mou.maxConcurrent')}>{m.max_concurrent_requests}</td>
              <td data-label="PDF">
                {m.signed_file_id ? <a href={`/files/${m.signed_file_id}`}>PDF</a> : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
