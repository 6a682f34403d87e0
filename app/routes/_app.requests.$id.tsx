import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useRouteLoaderData,
  useSearchParams,
} from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ClientOnly } from '~/components/client-only';
import { FieldErrors, Notice, SubmitButton } from '~/components/forms';
import DispatchMap from '~/components/map/dispatch-map.client';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime, formatNumber } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { explainExclusions, findCandidates } from '~/modules/dispatch/matching.server';
import {
  cancelRequest,
  getMatchCriteria,
  getRequestForViewer,
  recordConsent,
  requestOffers,
  requestTimeline,
  sendOffers,
  setRequireTrained,
} from '~/modules/dispatch/requests.server';
import { trainingsExist } from '~/modules/training/training.server';
import { VisitTable } from '~/components/visit-table';
import { getCascade, setCascadeStatus, startCascade } from '~/modules/dispatch/cascade.server';
import { ADVERSE_KINDS, adversePartySchema } from '~/modules/dispatch/parties';
import {
  CONSENT_CATEGORIES,
  CONSENT_METHODS,
  CONSENT_RECIPIENTS,
  grantSchema,
  revokeSchema,
} from '~/modules/dispatch/consent';
import { grantConsent, listConsent, revokeConsent } from '~/modules/dispatch/consent.server';
import { LANGUAGES } from '~/modules/partners/codes';
import { getEnv } from '~/lib/env.server';
import {
  addAdverseParty,
  listAdverseParties,
  removeAdverseParty,
} from '~/modules/dispatch/parties.server';
import { getCheckin } from '~/modules/visits/checkin.server';
import { closeSchema } from '~/modules/visits/visit-schema';
import { closeBlockers, closeRequest, listStays, listVisits } from '~/modules/visits/visits.server';
import type { loader as rootLoader } from '~/root';
import { isUuid } from '~/modules/partners/partners.server';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.request.reference ?? 'Request' },
];

const DISPATCHABLE = ['draft', 'offered', 'needs_dispatch'];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['counselor', 'secretariat']);
  const r = await getRequestForViewer(db, params.id ?? '', me);
  if (!r) throw new Response('Not Found', { status: 404 });
  // Reading a case's confidential details is recorded.
  await audit(db, {
    actorId: me.id,
    action: 'request.read_details',
    subjectType: 'request',
    subjectId: r.id,
    ip: context.clientIp,
  });
  const dispatchable = DISPATCHABLE.includes(r.status);
  const criteria = dispatchable ? await getMatchCriteria(db, r.id) : null;
  const [
    candidates,
    excluded,
    offers,
    timeline,
    visits,
    stays,
    blockers,
    parties,
    cascade,
    checkin,
    consent,
    anyTrained,
  ] = await Promise.all([
    criteria ? findCandidates(db, criteria, 20) : Promise.resolve([]),
    criteria ? explainExclusions(db, criteria, { withinKm: 80, limit: 30 }) : Promise.resolve([]),
    requestOffers(db, r.id),
    requestTimeline(db, r.id),
    listVisits(db, r.id),
    listStays(db, r.id),
    closeBlockers(db, r.id),
    listAdverseParties(db, r.id),
    getCascade(db, r.id),
    getCheckin(db, r.id),
    listConsent(db, r.id),
    trainingsExist(db),
  ]);
  return {
    request: r,
    candidates,
    excluded,
    offers,
    timeline,
    dispatchable,
    visits,
    stays,
    blockers,
    parties,
    cascade,
    checkin,
    consent,
    anyTrained,
    defaultK: getEnv().CASCADE_K,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['counselor', 'secretariat']);
  const id = params.id ?? '';
  // Not every module function checks the id's form before it reaches PostgreSQL.
  if (!isUuid(id)) throw new Response('Not Found', { status: 404 });
  const form = await request.formData();
  const intent = form.get('intent');
  const actor = { userId: me.id, ip: context.clientIp };
  try {
    if (intent === 'consent') {
      await db.transaction().execute((tx) => recordConsent(tx, id, actor));
      return { intent, message: null, error: null };
    }
    if (intent === 'offer') {
      const partnerIds = z.array(z.string().uuid()).max(50).safeParse(form.getAll('partnerIds'));
      if (!partnerIds.success)
        return data({ intent, message: null, error: 'dispatch.choosePartner' }, 400);
      const { respondBy } = await db
        .transaction()
        .execute((tx) => sendOffers(tx, id, partnerIds.data, actor));
      return {
        intent,
        message: { n: partnerIds.data.length, respondBy: respondBy.toISOString() },
        error: null,
      };
    }
    if (intent === 'grantConsent' || intent === 'revokeConsent') {
      const parsed = parseWithZod(form, {
        schema: intent === 'grantConsent' ? grantSchema : revokeSchema,
      });
      if (parsed.status !== 'success') {
        const first = Object.values(parsed.error ?? {}).find((v) => v?.length)?.[0];
        return data({ intent, message: null, error: first ?? 'errors.badRequest' }, 400);
      }
      await db
        .transaction()
        .execute((tx) =>
          intent === 'grantConsent'
            ? grantConsent(tx, id, parsed.value as never, actor)
            : revokeConsent(tx, id, (parsed.value as { categories: never[] }).categories, actor),
        );
      return { intent, message: null, error: null };
    }
    if (intent === 'setTrained') {
      await db
        .transaction()
        .execute((tx) => setRequireTrained(tx, id, form.get('requireTrained') === 'on', actor));
      return { intent, message: null, error: null };
    }
    if (intent === 'cascadeStart') {
      const k = z.coerce.number().int().min(1).max(10).safeParse(form.get('k'));
      if (!k.success) return data({ intent, message: null, error: 'dispatch.cascadeKRange' }, 400);
      await db.transaction().execute((tx) => startCascade(tx, id, k.data, actor));
      return { intent, message: null, error: null };
    }
    if (intent === 'cascadePause' || intent === 'cascadeStop') {
      await db
        .transaction()
        .execute((tx) =>
          setCascadeStatus(tx, id, intent === 'cascadePause' ? 'paused' : 'stopped', actor),
        );
      return { intent, message: null, error: null };
    }
    if (intent === 'addParty') {
      const parsed = parseWithZod(form, { schema: adversePartySchema });
      if (parsed.status !== 'success') {
        // Shown next to the field it belongs to.
        const [field, errors] = Object.entries(parsed.error ?? {}).find(([, v]) => v?.length) ?? [];
        return data(
          {
            intent,
            message: null,
            error: errors?.[0] ?? 'errors.badRequest',
            field: field ?? null,
          },
          400,
        );
      }
      const r = await db
        .transaction()
        .execute((tx) => addAdverseParty(tx, id, parsed.value, actor));
      return {
        intent,
        message: null,
        error: null,
        warning: r.acceptedPartnerConflicted ? 'parties.acceptedConflict' : null,
      };
    }
    if (intent === 'removeParty') {
      await db
        .transaction()
        .execute((tx) => removeAdverseParty(tx, id, String(form.get('partyId') ?? ''), actor));
      return { intent, message: null, error: null };
    }
    if (intent === 'close') {
      const parsed = parseWithZod(form, { schema: closeSchema });
      if (parsed.status !== 'success')
        return data({ intent, message: null, error: 'errors.required' }, 400);
      await db.transaction().execute((tx) => closeRequest(tx, id, parsed.value, actor));
      return { intent, message: null, error: null };
    }
    if (intent === 'cancel') {
      const reason = z.string().trim().min(1).max(500).safeParse(form.get('reason'));
      if (!reason.success) return data({ intent, message: null, error: 'errors.required' }, 400);
      await db.transaction().execute((tx) => cancelRequest(tx, id, reason.data, actor));
      return { intent, message: null, error: null };
    }
  } catch (e) {
    if (e instanceof DomainError) {
      if (e.code === 'errors.notFound') throw new Response('Not Found', { status: 404 });
      return data({ intent, message: null, error: e.code }, 400);
    }
    throw e;
  }
  return data({ intent, message: null, error: 'errors.badRequest' }, 400);
}

export default function RequestPage() {
  const {
    request: r,
    candidates,
    excluded,
    offers,
    timeline,
    dispatchable,
    visits,
    stays,
    blockers,
    parties,
    cascade,
    checkin,
    consent,
    anyTrained,
    defaultK,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const tr = (k: string) => tKey(t, k);
  const partyError = (field: string) =>
    actionData?.intent === 'addParty' &&
    actionData.error &&
    'field' in actionData &&
    actionData.field === field
      ? [actionData.error]
      : undefined;
  const open = !['completed', 'closed', 'cancelled'].includes(r.status);

  return (
    <>
      <p>
        <Link to="/requests">← {t('dispatch.boardTitle')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {r.reference}{' '}
          <span className={`status urgency-${r.urgency}`}>
            {tr(`dispatch.urgencies.${r.urgency}`)}
          </span>{' '}
          <span className={`status req-${r.status}`}>{tr(`dispatch.statuses.${r.status}`)}</span>
        </h1>
      </div>
      {params.get('created') ? (
        <Notice kind="success">{t('dispatch.created', { reference: r.reference })}</Notice>
      ) : null}
      {actionData?.error && !('field' in actionData && actionData.field) ? (
        <Notice kind="error">{tr(actionData.error)}</Notice>
      ) : null}
      {actionData?.intent === 'offer' && actionData.message ? (
        <Notice kind="success">
          {t('dispatch.offerSent', {
            n: actionData.message.n,
            time: formatDateTime(actionData.message.respondBy, locale),
          })}
        </Notice>
      ) : null}
      {actionData?.intent === 'cancel' && !actionData.error ? (
        <Notice kind="success">{t('dispatch.cancelled')}</Notice>
      ) : null}
      {actionData?.intent === 'grantConsent' && !actionData.error ? (
        <Notice kind="success">{t('consent.granted')}</Notice>
      ) : null}
      {actionData?.intent === 'revokeConsent' && !actionData.error ? (
        <Notice kind="success">{t('consent.revoked')}</Notice>
      ) : null}
      {actionData?.intent === 'addParty' && !actionData.error ? (
        <Notice kind="success">{t('parties.added')}</Notice>
      ) : null}
      {actionData && 'warning' in actionData && actionData.warning ? (
        <Notice kind="error">{tr(actionData.warning)}</Notice>
      ) : null}
      {actionData?.intent === 'close' && !actionData.error ? (
        <Notice kind="success">{t('visits.closed')}</Notice>
      ) : null}

      <div className="cards">
        <section className="card" aria-labelledby="req-info">
          <h2 id="req-info">
            {tr(`dispatch.categories.${r.category}`)} · {r.municipality_name}
          </h2>
          <dl className="meta-list">
            <dt>{t('dispatch.caseCode')}</dt>
            <dd>{r.case_code}</dd>
            <dt>{t('dispatch.windowStart')}</dt>
            <dd>
              {formatDateTime(r.window_start, locale)} – {formatDateTime(r.window_end, locale)}
            </dd>
            <dt>{t('dispatch.workerLanguage')}</dt>
            <dd>
              {tr(`languages.${r.worker_language}`)}
              {r.interpreter_needed ? ` · ${t('dispatch.interpreterNeeded')}` : ''}
            </dd>
            {r.shelter_beds ? (
              <>
                <dt>{t('dispatch.shelterBeds')}</dt>
                <dd>
                  {r.shelter_beds} · {tr(`dispatch.guests.${r.shelter_guest}`)}
                </dd>
              </>
            ) : null}
            <dt>{t('dispatch.summary')}</dt>
            <dd className="pre-line">{r.summary}</dd>
            <dt>{t('dispatch.details')}</dt>
            <dd className="pre-line">{r.details || '—'}</dd>
            {r.health_details ? (
              <>
                <dt>{t('dispatch.healthDetails')}</dt>
                <dd className="pre-line">{r.health_details}</dd>
              </>
            ) : null}
            {r.residence_details ? (
              <>
                <dt>{t('dispatch.residenceDetails')}</dt>
                <dd className="pre-line">{r.residence_details}</dd>
              </>
            ) : null}
            {r.accepted_partner_name ? (
              <>
                <dt>{t('dispatch.acceptedBy')}</dt>
                <dd>{r.accepted_partner_name}</dd>
              </>
            ) : null}
            {checkin?.arrived_at ? (
              <>
                <dt>{t('visits.checkinTitle')}</dt>
                <dd>
                  {t('visits.arrivedAt', { time: formatDateTime(checkin.arrived_at, locale) })}
                  {checkin.finished_at
                    ? ` · ${t('visits.finishedAt', { time: formatDateTime(checkin.finished_at, locale) })}`
                    : ''}
                </dd>
              </>
            ) : null}
            {r.completion_report ? (
              <>
                <dt>{t('visits.completionReport')}</dt>
                <dd className="pre-line">{r.completion_report}</dd>
              </>
            ) : null}
            {r.closing_note ? (
              <>
                <dt>{t('visits.closingNote')}</dt>
                <dd className="pre-line">
                  {r.closing_note}
                  {r.follow_up_needed ? ` (${t('visits.followUpFlag')})` : ''}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>

      <section className="section card" aria-labelledby="consent-h">
        <h2 id="consent-h">{t('consent.title')}</h2>
        <p className="hint">{t('consent.hint')}</p>
        {consent.length === 0 ? (
          <p className="empty">{t('consent.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="stack-on-phone">
              <thead>
                <tr>
                  <th scope="col">{t('consent.category')}</th>
                  <th scope="col">{t('consent.recipient')}</th>
                  <th scope="col">{t('consent.method')}</th>
                  <th scope="col">{t('consent.recordedAt')}</th>
                  <th scope="col">{t('consent.revokedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {consent.map((g) => (
                  <tr key={g.id} className={g.revoked_at ? 'muted' : undefined}>
                    <td data-label={t('consent.category')}>
                      {tr(`consent.categories.${g.category}`)}
                    </td>
                    <td data-label={t('consent.recipient')}>
                      {tr(`consent.recipients.${g.recipient}`)}
                    </td>
                    <td data-label={t('consent.method')}>
                      {tr(`consent.methods.${g.method}`)} · {tr(`languages.${g.language}`)}
                    </td>
                    <td data-label={t('consent.recordedAt')}>
                      {formatDateTime(g.recorded_at, locale)} · {g.recorded_by_name ?? ''}
                    </td>
                    <td data-label={t('consent.revokedAt')}>
                      {g.revoked_at ? formatDateTime(g.revoked_at, locale) : t('consent.active')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {open ? (
          <div className="cards">
            <Form method="post" className="form-section" aria-label={t('consent.grant')}>
              <fieldset className="fieldset">
                <legend>{t('consent.category')}</legend>
                {CONSENT_CATEGORIES.map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      name="categories"
                      value={c}
                      defaultChecked={c === 'summary' || c === 'contact'}
                    />
                    {tr(`consent.categories.${c}`)}
                  </label>
                ))}
              </fieldset>
              <fieldset className="fieldset">
                <legend>{t('consent.recipient')}</legend>
                {CONSENT_RECIPIENTS.map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      name="recipients"
                      value={c}
                      defaultChecked={c === 'accepting_partner'}
                    />
                    {tr(`consent.recipients.${c}`)}
                  </label>
                ))}
              </fieldset>
              <div className="form-grid">
                <div className="field">
                  <label htmlFor="consent-method">{t('consent.method')}</label>
                  <select id="consent-method" name="method" defaultValue="verbal">
                    {CONSENT_METHODS.map((m) => (
                      <option key={m} value={m}>
                        {tr(`consent.methods.${m}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="consent-language">{t('consent.language')}</label>
                  <select id="consent-language" name="language" defaultValue={r.worker_language}>
                    {LANGUAGES.map((l) => (
                      <option key={l} value={l}>
                        {tr(`languages.${l}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <SubmitButton intent="grantConsent" className="button primary">
                {t('consent.grant')}
              </SubmitButton>
            </Form>
            {consent.some((g) => !g.revoked_at) ? (
              <Form method="post" className="form-section" aria-label={t('consent.revoke')}>
                <fieldset className="fieldset">
                  <legend>{t('consent.category')}</legend>
                  {CONSENT_CATEGORIES.filter((c) =>
                    consent.some((g) => g.category === c && !g.revoked_at),
                  ).map((c) => (
                    <label key={c} className="check">
                      <input type="checkbox" name="categories" value={c} />
                      {tr(`consent.categories.${c}`)}
                    </label>
                  ))}
                </fieldset>
                <SubmitButton
                  intent="revokeConsent"
                  className="button danger"
                  confirm={t('consent.revokeConfirm')}
                >
                  {t('consent.revoke')}
                </SubmitButton>
              </Form>
            ) : null}
          </div>
        ) : null}
      </section>

      <section className="section card" aria-labelledby="parties">
        <h2 id="parties">{t('parties.adverseTitle')}</h2>
        <p className="hint">{t('parties.adverseHint')}</p>
        {parties.length === 0 ? (
          <p className="empty">{t('parties.adverseNone')}</p>
        ) : (
          <ul className="party-list">
            {parties.map((p) => (
              <li key={p.id}>
                <Form method="post" className="action-row">
                  <span>
                    {tr(`parties.kinds.${p.kind}`)}: <strong>{p.name}</strong>
                    {p.corporate_number ? ` (${p.corporate_number})` : ''}
                  </span>
                  <input type="hidden" name="partyId" value={p.id} />
                  {open ? (
                    <SubmitButton
                      intent="removeParty"
                      className="button small"
                      confirm={t('parties.removeConfirm')}
                    >
                      {t('parties.remove')}
                    </SubmitButton>
                  ) : null}
                </Form>
              </li>
            ))}
          </ul>
        )}
        {open ? (
          <Form method="post" className="form-grid party-form" key={`parties-${parties.length}`}>
            <div className="field">
              <label htmlFor="party-kind">{t('parties.kind')}</label>
              <select id="party-kind" name="kind" defaultValue="employer">
                {ADVERSE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {tr(`parties.kinds.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="party-name">{t('parties.name')}</label>
              <input
                id="party-name"
                name="name"
                type="text"
                required
                maxLength={200}
                aria-invalid={partyError('name') ? true : undefined}
                aria-describedby={partyError('name') ? 'party-name-error' : undefined}
              />
              <FieldErrors id="party-name-error" errors={partyError('name')} />
            </div>
            <div className="field">
              <label htmlFor="party-cn">{t('parties.corporateNumber')}</label>
              <input
                id="party-cn"
                name="corporateNumber"
                type="text"
                inputMode="numeric"
                maxLength={20}
                pattern="[0-9０-９ -]*"
                aria-invalid={partyError('corporateNumber') ? true : undefined}
                aria-describedby={partyError('corporateNumber') ? 'party-cn-error' : undefined}
              />
              <FieldErrors id="party-cn-error" errors={partyError('corporateNumber')} />
            </div>
            <div className="field">
              <SubmitButton intent="addParty" className="button">
                {t('parties.add')}
              </SubmitButton>
            </div>
          </Form>
        ) : null}
      </section>

      {dispatchable && r.consent_at ? (
        <section className="section" aria-labelledby="cands">
          <h2 id="cands">{t('dispatch.candidates')}</h2>
          {anyTrained ? (
            <Form method="post" className="action-row">
              <label className="check">
                <input
                  type="checkbox"
                  name="requireTrained"
                  value="on"
                  defaultChecked={r.require_trained}
                  key={String(r.require_trained)}
                />
                {t('training.requireTrained')}
              </label>
              <SubmitButton intent="setTrained" className="button small">
                {t('training.applyRule')}
              </SubmitButton>
              <span className="hint">{t('training.requireTrainedHint')}</span>
            </Form>
          ) : null}
          <div className="card cascade-box" aria-labelledby="cascade-h">
            <h3 id="cascade-h">{t('dispatch.cascadeTitle')}</h3>
            <p className="hint">{t('dispatch.cascadeHint')}</p>
            {cascade ? (
              <p>
                <span className={`status cascade-${cascade.status}`}>
                  {tr(`dispatch.cascadeStatuses.${cascade.status}`)}
                </span>{' '}
                {t('dispatch.cascadeK', { k: cascade.k })}
              </p>
            ) : null}
            <Form method="post" className="action-row">
              <div className="field">
                <label htmlFor="cascade-k">{t('dispatch.cascadeKLabel')}</label>
                <input
                  id="cascade-k"
                  name="k"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={10}
                  defaultValue={cascade?.k ?? defaultK}
                  required
                />
              </div>
              <SubmitButton intent="cascadeStart" className="button primary">
                {cascade?.status === 'running'
                  ? t('dispatch.cascadeUpdate')
                  : cascade?.status === 'paused'
                    ? t('dispatch.cascadeResume')
                    : t('dispatch.cascadeStart')}
              </SubmitButton>
              {cascade?.status === 'running' ? (
                <SubmitButton intent="cascadePause" className="button">
                  {t('dispatch.cascadePause')}
                </SubmitButton>
              ) : null}
              {cascade?.status === 'running' || cascade?.status === 'paused' ? (
                <SubmitButton intent="cascadeStop" className="button">
                  {t('dispatch.cascadeStop')}
                </SubmitButton>
              ) : null}
            </Form>
          </div>
          <p className="hint">{t('dispatch.selectHint')}</p>
          <div className="dispatch-grid">
            <div className="map-box tall">
              <ClientOnly fallback={<div className="map-fallback">{t('partners.mapLoading')}</div>}>
                {() => (
                  <DispatchMap
                    place={[r.lat!, r.lng!]}
                    partners={[
                      ...candidates.map((c) => ({ ...c, eligible: true })),
                      ...excluded.map((e) => ({ ...e, eligible: false })),
                    ]}
                    selected={selected}
                    highlighted={highlighted}
                    tileUrl={root?.mapTileUrl ?? ''}
                    label={t('dispatch.candidates')}
                    onPick={(id) => {
                      toggle(id);
                      setHighlighted(id);
                      document.getElementById(`cand-${id}`)?.scrollIntoView({ block: 'nearest' });
                    }}
                  />
                )}
              </ClientOnly>
            </div>
            <Form method="post">
              {candidates.length === 0 ? (
                <p className="empty">{t('dispatch.candidatesEmpty')}</p>
              ) : (
                <ol className="candidate-list" aria-label={t('dispatch.candidates')}>
                  {candidates.map((c) => (
                    <li
                      key={c.id}
                      id={`cand-${c.id}`}
                      className={highlighted === c.id ? 'highlight' : undefined}
                    >
                      <label
                        onMouseEnter={() => setHighlighted(c.id)}
                        onFocus={() => setHighlighted(c.id)}
                      >
                        <input
                          type="checkbox"
                          name="partnerIds"
                          value={c.id}
                          checked={selected.has(c.id)}
                          onChange={() => toggle(c.id)}
                        />
                        <span>
                          <strong>{c.name}</strong>
                          <br />
                          <span className="muted">
                            {t('dispatch.distance', { km: c.distanceKm })} ·{' '}
                            {c.estimatedFee !== null
                              ? t('dispatch.estimatedFee', {
                                  fee: formatNumber(c.estimatedFee),
                                })
                              : t('dispatch.feeActual')}{' '}
                            · {t('dispatch.load', { n: c.activeRequests, max: c.maxConcurrent })}
                          </span>
                        </span>
                      </label>
                    </li>
                  ))}
                </ol>
              )}
              <div className="sticky-actions">
                <SubmitButton intent="offer">{t('dispatch.offerSelected')}</SubmitButton>
              </div>
              {excluded.length ? (
                <details>
                  <summary>
                    {t('dispatch.excluded')} ({excluded.length})
                  </summary>
                  <ul className="excluded-list">
                    {excluded.map((e) => (
                      <li key={e.id}>
                        {e.name} · {e.distanceKm} km —{' '}
                        {e.reasons.map((x) => tr(`dispatch.reasons.${x}`)).join('、')}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </Form>
          </div>
        </section>
      ) : null}

      <section className="section" aria-labelledby="offers">
        <h2 id="offers">{t('dispatch.offers')}</h2>
        {offers.length === 0 ? (
          <p className="empty">{t('common.none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('dispatch.offerColumns.partner')}</th>
                  <th scope="col">{t('dispatch.offerColumns.status')}</th>
                  <th scope="col">{t('dispatch.offerColumns.distance')}</th>
                  <th scope="col">{t('dispatch.offerColumns.sentAt')}</th>
                  <th scope="col">{t('dispatch.offerColumns.respondBy')}</th>
                  <th scope="col">{t('dispatch.offerColumns.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {offers.map((o) => (
                  <tr key={o.id}>
                    <td>{o.partner_name}</td>
                    <td>{tr(`dispatch.offerStatuses.${o.status}`)}</td>
                    <td>{Number(o.distance_km)} km</td>
                    <td>{formatDateTime(o.sent_at, locale)}</td>
                    <td>
                      {t('dispatch.respondBy', { time: formatDateTime(o.respond_by, locale) })}
                    </td>
                    <td>
                      {o.reason &&
                      ['accepted_by_another', 'cancelled', 'withdrawn_by_counselor'].includes(
                        o.reason,
                      )
                        ? tr(`dispatch.withdrawReasons.${o.reason}`)
                        : (o.reason ?? '')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {r.accepted_partner_id ? (
        <section className="section" aria-labelledby="visits">
          <h2 id="visits">{t('visits.sectionTitle')}</h2>
          <VisitTable visits={visits} linkBase="/visits" />
          <h3>{t('visits.stays')}</h3>
          {stays.length === 0 ? (
            <p className="empty">{t('visits.staysNone')}</p>
          ) : (
            <ul className="stay-list">
              {stays.map((s) => (
                <li key={s.id}>
                  <strong>{s.shelter_name}</strong> ({s.municipality_name}) · {t('visits.beds')}{' '}
                  {s.beds} · {t('visits.checkIn')} {s.check_in}
                  {s.check_out
                    ? ` → ${t('visits.checkOut')} ${s.check_out} (${t('visits.nights', { n: s.nights })})`
                    : ` · ${t('visits.staying')}`}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {r.status === 'completed' ? (
        <section className="section form-section" aria-labelledby="close">
          <h2 id="close">{t('visits.closeTitle')}</h2>
          {blockers.unreviewed || blockers.openStays ? (
            <Notice kind="info">
              {t('visits.closeBlocked', { visits: blockers.unreviewed, stays: blockers.openStays })}
            </Notice>
          ) : null}
          <Form method="post">
            <div className="field">
              <label htmlFor="closingNote">{t('visits.closingNote')}</label>
              <textarea id="closingNote" name="closingNote" rows={3} maxLength={4000} required />
            </div>
            <label className="check">
              <input type="checkbox" name="followUpNeeded" value="on" />
              {t('visits.followUpFlag')}
            </label>
            <SubmitButton intent="close" confirm={t('visits.closeConfirm')}>
              {t('visits.close')}
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      <section className="section card" aria-labelledby="timeline">
        <h2 id="timeline">{t('dispatch.timeline')}</h2>
        <ol className="history">
          {timeline.map((e) => (
            <li key={e.id}>
              <strong>{tr(`dispatch.events.${e.type}`)}</strong>{' '}
              <span className="muted">
                {formatDateTime(e.at, locale)} · {e.actor_name ?? t('partners.historySystem')}
                {e.partner_name ? ` → ${e.partner_name}` : ''}
              </span>
            </li>
          ))}
        </ol>
      </section>

      {open ? (
        <section className="section form-section" aria-labelledby="cancel">
          <h2 id="cancel">{t('dispatch.cancel')}</h2>
          <Form method="post" className="action-row">
            <div className="field" style={{ flex: 1 }}>
              <label htmlFor="reason">{t('dispatch.cancelReason')}</label>
              <input id="reason" name="reason" type="text" required maxLength={500} />
            </div>
            <SubmitButton
              intent="cancel"
              className="button danger"
              confirm={t('dispatch.cancelConfirm')}
            >
              {t('dispatch.cancel')}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
