import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { TiesSection } from '~/components/ties-section';
import { listTies } from '~/modules/dispatch/parties.server';
import { useTranslation } from 'react-i18next';
import { Notice } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { MouTable, PartnerSummary } from '~/components/partner-summary';
import { db } from '~/lib/db.server';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { auditShelterLocationRead } from '~/modules/partners/shelters.server';
import {
  getPartnerForViewer,
  listMous,
  listShelters,
  partnerHistory,
} from '~/modules/partners/partners.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.partner.name ?? 'Partner' },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat', 'counselor']);
  const partner = await getPartnerForViewer(db, params.id ?? '', me);
  if (!partner) throw new Response('Not Found', { status: 404 });
  const isSecretariat = me.role === 'secretariat';
  const [mous, shelters, history, ties] = await Promise.all([
    listMous(db, partner.id),
    listShelters(db, partner.id, me),
    isSecretariat ? partnerHistory(db, partner.id) : Promise.resolve([]),
    isSecretariat ? listTies(db, partner.id) : Promise.resolve([]),
  ]);
  // Exact shelter addresses (secretariat only) are confidential: their reading is recorded.
  const located = shelters.filter((s) => s.address !== null || s.lat !== null);
  await auditShelterLocationRead(
    db,
    me,
    located.map((s) => ({ id: s.id, partnerId: partner.id })),
    context.clientIp,
  );
  return { partner, mous, shelters, history, ties, canEdit: isSecretariat };
}

export default function PartnerPage() {
  const { partner, mous, shelters, history, ties, canEdit } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/partners">← {t('partners.title')}</Link>
      </p>
      <div className="page-head">
        <h1>{partner.name}</h1>
        {canEdit ? (
          <Link to={`/partners/${partner.id}/edit`} className="button">
            {t('partners.editPartner')}
          </Link>
        ) : null}
      </div>
      {params.get('created') ? <Notice kind="success">{t('partners.created')}</Notice> : null}
      {params.get('saved') ? <Notice kind="success">{t('partners.saved')}</Notice> : null}
      <PartnerSummary p={partner} />

      <section aria-labelledby="mous" className="section">
        <div className="page-head">
          <h2 id="mous">{t('partners.mousTitle')}</h2>
          {canEdit ? (
            <Link to={`/partners/${partner.id}/mous/new`} className="button">
              {t('mou.add')}
            </Link>
          ) : null}
        </div>
        <MouTable
          mous={canEdit ? mous : mous.map((m) => ({ ...m, signed_file_id: null }))}
          locale={locale}
          editBase={canEdit ? `/partners/${partner.id}/mous` : undefined}
        />
      </section>

      <section aria-labelledby="shelters" className="section">
        <div className="page-head">
          <h2 id="shelters">{t('partners.sheltersTitle')}</h2>
          {canEdit ? (
            <Link to={`/partners/${partner.id}/shelters/new`} className="button">
              {t('shelter.add')}
            </Link>
          ) : null}
        </div>
        {shelters.length === 0 ? (
          <p className="empty">{t('common.none')}</p>
        ) : (
          <ul className="history">
            {shelters.map((s) => (
              <li key={s.id}>
                {canEdit ? (
                  <Link to={`/partners/${partner.id}/shelters/${s.id}`}>
                    <strong>{s.name}</strong>
                  </Link>
                ) : (
                  <strong>{s.name}</strong>
                )}{' '}
                — {s.municipalityName}
                {s.address ? ` ${s.address}` : ''} ·{' '}
                {t('shelter.free', { free: s.freeBeds, capacity: s.capacity })} ·{' '}
                {s.accepts
                  .map((a) => t(`shelter.acceptsOptions.${a}` as 'shelter.acceptsOptions.women'))
                  .join('・')}
                {s.active ? '' : ` · ${t('shelter.inactive')}`}
              </li>
            ))}
          </ul>
        )}
      </section>

      {canEdit ? <TiesSection partnerId={partner.id} ties={ties} /> : null}

      {canEdit ? (
        <section aria-labelledby="history" className="section card">
          <h2 id="history">{t('partners.history')}</h2>
          {history.length === 0 ? (
            <p className="empty">{t('partners.historyEmpty')}</p>
          ) : (
            <ol className="history">
              {history.map((h) => (
                <li key={h.id}>
                  <strong>{t(`partners.actions.${h.action}` as 'partners.actions.update')}</strong>{' '}
                  <span className="muted">
                    {formatDateTime(h.at, locale)} · {h.actor_name ?? t('partners.historySystem')}
                  </span>
                  <dl>
                    {Object.entries(h.changes).map(([field, [from, to]]) => (
                      <div key={field} style={{ display: 'contents' }}>
                        <dt>{FIELD_LABELS[field] ? tKey(t, FIELD_LABELS[field]) : field}</dt>
                        <dd>
                          {show(t, field, from)} → {show(t, field, to)}
                        </dd>
                      </div>
                    ))}
                  </dl>
                </li>
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </>
  );
}

// History rows name database columns; show the form's label where there is one.
const FIELD_LABELS: Record<string, string> = {
  name: 'partners.name',
  name_kana: 'partners.nameKana',
  kind: 'partners.kind',
  status: 'partners.status',
  network_member: 'partners.networkMember',
  public_listing: 'partners.publicListing',
  municipality_code: 'partners.municipality',
  prefecture_code: 'partners.prefecture',
  postal_code: 'partners.postalCode',
  address: 'partners.address',
  lat: 'partners.lat',
  lng: 'partners.lng',
  service_radius_km: 'partners.serviceRadius',
  languages: 'partners.languagesTitle',
  specialties: 'partners.specialtiesTitle',
  contact_name: 'partners.contactName',
  contact_email: 'partners.contactEmail',
  contact_phone: 'partners.contactPhone',
  availability: 'partners.availability',
  invoice_number: 'partners.invoiceNumber',
  bank_code: 'partners.bankCode',
  branch_code: 'partners.branchCode',
  account_type: 'partners.accountType',
  account_number: 'partners.accountNumber',
  account_holder_kana: 'partners.accountHolder',
  withholding_tax: 'partners.withholdingTax',
};

const VALUE_LABELS: Record<string, string> = {
  kind: 'partnerKinds',
  status: 'partnerStatuses',
  languages: 'languages',
  specialties: 'specialties',
  account_type: 'accountTypes',
};

function show(t: Parameters<typeof tKey>[0], field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '✓' : '—';
  const ns = VALUE_LABELS[field];
  const label = (x: unknown) => (ns ? tKey(t, `${ns}.${String(x)}`) : String(x));
  if (Array.isArray(v)) return v.map(label).join('、') || '—';
  return label(v);
}
