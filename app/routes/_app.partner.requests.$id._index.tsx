import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors, Notice, SubmitButton } from '~/components/forms';
import { VisitTable } from '~/components/visit-table';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { tokyoToday } from '~/modules/partners/partners.server';
import { listAdverseParties } from '~/modules/dispatch/parties.server';
import { getCheckin, tapCheckin } from '~/modules/visits/checkin.server';
import { completeSchema, stayEndSchema, stayStartSchema } from '~/modules/visits/visit-schema';
import {
  completeRequest,
  endStay,
  getCaseForPartner,
  listStays,
  listVisits,
  ownShelters,
  startStay,
} from '~/modules/visits/visits.server';
import { WORKING_STATUSES } from '~/modules/visits/codes';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.request.reference ?? '伴走の記録 / Accompaniment record' },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const r = await getCaseForPartner(db, params.id ?? '', me.partnerId!);
  // Not this partner's request: not found, never a hint that it exists.
  if (!r) throw new Response('Not Found', { status: 404 });
  await audit(db, {
    actorId: me.id,
    action: 'request.read_details',
    subjectType: 'request',
    subjectId: r.id,
    ip: context.clientIp,
  });
  const [visits, stays, shelters, checkin, parties] = await Promise.all([
    listVisits(db, r.id),
    listStays(db, r.id),
    ownShelters(db, me.partnerId!),
    getCheckin(db, r.id),
    // Adverse parties only when the worker's consent covers them.
    r.adverse_parties_shared ? listAdverseParties(db, r.id) : Promise.resolve([]),
  ]);
  return {
    request: r,
    visits,
    stays,
    shelters,
    checkin: checkin && { arrived_at: checkin.arrived_at, finished_at: checkin.finished_at },
    parties: parties.map((p) => ({ id: p.id, kind: p.kind, name: p.name })),
    today: tokyoToday(),
  };
}

type Reply = { intent: string; errors: Record<string, string[]>; done?: boolean };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const id = params.id ?? '';
  // Another partner's request is "not found" whatever the form says.
  if (!(await getCaseForPartner(db, id, me.partnerId!)))
    throw new Response('Not Found', { status: 404 });
  const actor = { userId: me.id, partnerId: me.partnerId!, ip: context.clientIp };
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const fail = (errors: Record<string, string[] | null>, status = 400) =>
    data<Reply>(
      {
        intent,
        errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v ?? []])),
      },
      status,
    );
  const run = async (fn: () => Promise<unknown>, field: string) => {
    try {
      await fn();
      return data<Reply>({ intent, errors: {}, done: true });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      if (e.code === 'errors.notFound') throw new Response('Not Found', { status: 404 });
      return fail({ [e.field ?? field]: [e.code] }, 400);
    }
  };
  if (intent === 'arrived' || intent === 'finished') {
    return run(
      () => db.transaction().execute((tx) => tapCheckin(tx, id, intent, actor)),
      'checkin',
    );
  }
  if (intent === 'startStay') {
    const s = parseWithZod(form, { schema: stayStartSchema });
    if (s.status !== 'success') return fail(s.error ?? {});
    return run(() => db.transaction().execute((tx) => startStay(tx, id, s.value, actor)), 'beds');
  }
  if (intent === 'endStay') {
    const s = parseWithZod(form, { schema: stayEndSchema });
    if (s.status !== 'success') return fail(s.error ?? {});
    return run(
      () =>
        db.transaction().execute((tx) => endStay(tx, id, s.value.stayId, s.value.checkOut, actor)),
      'checkOut',
    );
  }
  if (intent === 'complete') {
    const s = parseWithZod(form, { schema: completeSchema });
    if (s.status !== 'success') return fail(s.error ?? {});
    return run(
      () => db.transaction().execute((tx) => completeRequest(tx, id, s.value.report, actor)),
      'report',
    );
  }
  return fail({ form: ['errors.badRequest'] });
}

export default function PartnerCase() {
  const {
    request: r,
    visits,
    stays,
    shelters,
    checkin,
    parties,
    today,
  } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const tr = (k: string) => tKey(t, k);
  const working = (WORKING_STATUSES as readonly string[]).includes(r.status);
  const canStay = r.status === 'accepted' || r.status === 'in_progress';
  const errs = (intent: string, field: string) =>
    reply?.intent === intent ? reply.errors[field] : undefined;
  const done = (intent: string) => reply?.intent === intent && reply.done;

  return (
    <>
      <p>
        <Link to="/partner">← {t('dispatch.inboxTitle')}</Link>
      </p>
      <h1>
        {r.reference}{' '}
        <span className={`status req-${r.status}`}>{tr(`dispatch.statuses.${r.status}`)}</span>
      </h1>
      {params.get('saved') ? <Notice kind="success">{t('visits.saved')}</Notice> : null}
      {params.get('withdrawn') ? <Notice kind="success">{t('visits.withdrawn')}</Notice> : null}
      {done('startStay') ? <Notice kind="success">{t('visits.stayStarted')}</Notice> : null}
      {done('endStay') ? <Notice kind="success">{t('visits.stayEnded')}</Notice> : null}
      {done('complete') ? <Notice kind="success">{t('visits.completed')}</Notice> : null}
      {reply?.errors.form ? <Notice kind="error">{tr(reply.errors.form[0])}</Notice> : null}
      {!working ? <Notice kind="info">{t('visits.readOnly')}</Notice> : null}

      {canStay ? (
        <section className="card checkin" aria-labelledby="checkin-h">
          <h2 id="checkin-h">{t('visits.checkinTitle')}</h2>
          {checkin?.arrived_at ? (
            <p>
              {t('visits.arrivedAt', { time: formatDateTime(checkin.arrived_at, locale) })}
              {checkin.finished_at
                ? ` · ${t('visits.finishedAt', { time: formatDateTime(checkin.finished_at, locale) })}`
                : ''}
            </p>
          ) : (
            <p className="hint">{t('visits.checkinHint')}</p>
          )}
          {reply?.intent === 'arrived' || reply?.intent === 'finished' ? (
            <FieldErrors id="checkin-error" errors={reply.errors.checkin} />
          ) : null}
          {!checkin?.finished_at ? (
            <Form method="post">
              <SubmitButton
                intent={checkin?.arrived_at ? 'finished' : 'arrived'}
                className="button primary big"
              >
                {checkin?.arrived_at ? t('visits.tapFinished') : t('visits.tapArrived')}
              </SubmitButton>
            </Form>
          ) : (
            <p>
              <Link to={`/partner/requests/${r.id}/visits/new`} className="button primary">
                {t('visits.logVisit')}
              </Link>
            </p>
          )}
        </section>
      ) : null}

      <section className="card" aria-labelledby="case-info">
        <h2 id="case-info">
          {tr(`dispatch.categories.${r.category}`)} · {r.municipality_name}
        </h2>
        <dl className="meta-list">
          <dt>{t('dispatch.windowStart')}</dt>
          <dd>
            {formatDateTime(r.window_start, locale)} – {formatDateTime(r.window_end, locale)}
          </dd>
          <dt>{t('dispatch.workerLanguage')}</dt>
          <dd>
            {tr(`languages.${r.worker_language}`)}
            {r.interpreter_needed ? ` · ${t('dispatch.interpreterNeeded')}` : ''}
          </dd>
          <dt>{t('dispatch.summary')}</dt>
          <dd className="pre-line">{r.summary ?? t('consent.notShared')}</dd>
          <dt>{t('dispatch.details')}</dt>
          <dd className="pre-line">
            {r.details === null ? t('consent.notShared') : r.details || '—'}
          </dd>
          <dt>{t('dispatch.healthDetails')}</dt>
          <dd className="pre-line">
            {r.health_details === null ? t('consent.notShared') : r.health_details || '—'}
          </dd>
          <dt>{t('dispatch.residenceDetails')}</dt>
          <dd className="pre-line">
            {r.residence_details === null ? t('consent.notShared') : r.residence_details || '—'}
          </dd>
          {parties.length ? (
            <>
              <dt>{t('parties.adverseTitle')}</dt>
              <dd>
                {parties.map((p) => (
                  <div key={p.id}>
                    {tr(`parties.kinds.${p.kind}`)}: {p.name}
                  </div>
                ))}
              </dd>
            </>
          ) : null}
          <dt>{t('visits.counselor')}</dt>
          <dd>
            {r.counselor_name} · <a href={`mailto:${r.counselor_email}`}>{r.counselor_email}</a>
          </dd>
          {r.completion_report ? (
            <>
              <dt>{t('visits.completionReport')}</dt>
              <dd className="pre-line">{r.completion_report}</dd>
            </>
          ) : null}
        </dl>
        {r.purged_at ? <p className="hint">{t('visits.purged')}</p> : null}
      </section>

      <section className="section" aria-labelledby="visits">
        <div className="page-head">
          <h2 id="visits">{t('visits.sectionTitle')}</h2>
          {working ? (
            <Link to={`/partner/requests/${r.id}/visits/new`} className="button primary">
              {t('visits.logVisit')}
            </Link>
          ) : null}
        </div>
        <VisitTable visits={visits} linkBase="/partner/visits" />
      </section>

      <section className="section" aria-labelledby="stays">
        <h2 id="stays">{t('visits.stays')}</h2>
        {stays.length === 0 ? (
          <p className="empty">{t('visits.staysNone')}</p>
        ) : (
          <ul className="stay-list">
            {stays.map((s) => (
              <li key={s.id} className="card">
                <strong>{s.shelter_name}</strong> · {t('visits.beds')} {s.beds}
                <br />
                {t('visits.checkIn')} {s.check_in}
                {s.check_out
                  ? ` → ${t('visits.checkOut')} ${s.check_out} (${t('visits.nights', { n: s.nights })})`
                  : ` · ${t('visits.staying')}`}
                {!s.check_out && (working || r.status === 'cancelled') ? (
                  <Form method="post" className="action-row">
                    <input type="hidden" name="stayId" value={s.id} />
                    <div className="field">
                      <label htmlFor={`checkOut-${s.id}`}>{t('visits.checkOut')}</label>
                      <input
                        id={`checkOut-${s.id}`}
                        name="checkOut"
                        type="date"
                        defaultValue={today}
                        max={today}
                        required
                      />
                    </div>
                    <SubmitButton intent="endStay" className="button">
                      {t('visits.endStay')}
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {reply?.intent === 'endStay' ? (
          <FieldErrors id="checkOut-error" errors={errs('endStay', 'checkOut')} />
        ) : null}
        {canStay ? (
          shelters.length === 0 ? (
            <p className="hint">{t('visits.noShelters')}</p>
          ) : (
            <Form method="post" className="form-section" aria-labelledby="start-stay">
              <h3 id="start-stay">{t('visits.startStay')}</h3>
              <div className="form-grid">
                <div className="field">
                  <label htmlFor="shelterId">{t('visits.shelter')}</label>
                  <select id="shelterId" name="shelterId" required>
                    {shelters.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name} —{' '}
                        {t('visits.freeBeds', {
                          free: s.capacity - s.beds_occupied,
                          capacity: s.capacity,
                        })}
                      </option>
                    ))}
                  </select>
                  <FieldErrors id="shelterId-error" errors={errs('startStay', 'shelterId')} />
                </div>
                <div className="field">
                  <label htmlFor="beds">{t('visits.beds')}</label>
                  <input
                    id="beds"
                    name="beds"
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={50}
                    defaultValue={r.shelter_beds || 1}
                    required
                    aria-describedby="beds-error"
                  />
                  <FieldErrors id="beds-error" errors={errs('startStay', 'beds')} />
                </div>
                <div className="field">
                  <label htmlFor="checkIn">{t('visits.checkIn')}</label>
                  <input
                    id="checkIn"
                    name="checkIn"
                    type="date"
                    defaultValue={today}
                    max={today}
                    required
                  />
                  <FieldErrors id="checkIn-error" errors={errs('startStay', 'checkIn')} />
                </div>
              </div>
              <SubmitButton intent="startStay" className="button">
                {t('visits.startStay')}
              </SubmitButton>
            </Form>
          )
        ) : null}
      </section>

      {canStay ? (
        <section className="section form-section" aria-labelledby="complete">
          <h2 id="complete">{t('visits.complete')}</h2>
          <p className="hint">{t('visits.completeHint')}</p>
          <Form method="post">
            <div className="field">
              <label htmlFor="report">{t('visits.completeReport')}</label>
              <textarea
                id="report"
                name="report"
                rows={3}
                maxLength={4000}
                required
                aria-describedby="report-error"
              />
              <FieldErrors id="report-error" errors={errs('complete', 'report')} />
            </div>
            <SubmitButton intent="complete">{t('visits.complete')}</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
