import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors } from '~/components/forms';
import { KeysetPager } from '~/components/keyset-pager';
import { db } from '~/lib/db.server';
import { formatSeconds } from '~/lib/format';
import { pageRequest } from '~/lib/keyset.server';
import { listAuditLog, parseAuditFilters } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';

export const meta: MetaFunction = () => [{ title: '監査ログ / Audit log' }];

const PAGE_SIZE = 50;
const DETAIL_PREVIEW = 120;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const url = new URL(request.url);
  const { filters, errors } = parseAuditFilters(url.searchParams);
  const page = await listAuditLog(db, filters, pageRequest(url, PAGE_SIZE));
  return {
    filters,
    errors,
    next: page.next,
    prev: page.prev,
    // Only what the table shows; the detail as JSON text, which React renders escaped.
    rows: page.rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorName: r.actor_name,
      actorEmail: r.actor_email,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      detail: JSON.stringify(r.detail ?? {}),
      ip: r.ip,
    })),
  };
}

export default function AuditLogPage() {
  const { filters, errors, next, prev, rows } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const [params] = useSearchParams();
  const field = (name: 'action' | 'actor' | 'subject' | 'from' | 'to', type = 'text') => {
    const error = errors[name];
    return (
      <label>
        <span>{t(`audit.${name}`)}</span>
        <input
          type={type}
          name={name}
          defaultValue={filters[name] ?? params.get(name) ?? ''}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `audit-${name}-error` : undefined}
          autoComplete="off"
        />
        <FieldErrors id={`audit-${name}-error`} errors={error ? [error] : undefined} />
      </label>
    );
  };
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p className="hint">{t('audit.intro')}</p>
      <Form
        method="get"
        className="filters"
        role="search"
        aria-label={t('common.filter')}
        key={params.toString()}
      >
        <div className="filter-grid">
          {field('action')}
          {field('actor', 'email')}
          {field('subject')}
          {field('from', 'date')}
          {field('to', 'date')}
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            {t('audit.apply')}
          </button>
          <Link to="?">{t('audit.clear')}</Link>
        </div>
      </Form>
      {rows.length === 0 ? (
        <p className="empty">{t('audit.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <caption>{t('audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actorColumn')}</th>
                <th scope="col">{t('audit.actionColumn')}</th>
                <th scope="col">{t('audit.subjectColumn')}</th>
                <th scope="col">{t('audit.detail')}</th>
                <th scope="col">{t('audit.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td data-label={t('audit.at')}>
                    <time dateTime={new Date(r.at).toISOString()}>
                      {formatSeconds(r.at, locale)}
                    </time>
                  </td>
                  <td data-label={t('audit.actorColumn')}>
                    {r.actorEmail ? (
                      <>
                        {r.actorName}
                        <br />
                        <span className="muted">{r.actorEmail}</span>
                      </>
                    ) : (
                      <span className="muted">{t('audit.system')}</span>
                    )}
                  </td>
                  <td data-label={t('audit.actionColumn')}>
                    <code>{r.action}</code>
                  </td>
                  <td data-label={t('audit.subjectColumn')}>
                    {r.subjectType}
                    {r.subjectId ? (
                      <>
                        <br />
                        <code className="audit-detail">{r.subjectId}</code>
                      </>
                    ) : null}
                  </td>
                  <td data-label={t('audit.detail')}>
                    {r.detail.length > DETAIL_PREVIEW ? (
                      <details>
                        <summary>
                          <code className="audit-detail">{r.detail.slice(0, DETAIL_PREVIEW)}…</code>
                        </summary>
                        <code className="audit-detail">{r.detail}</code>
                      </details>
                    ) : (
                      <code className="audit-detail">{r.detail}</code>
                    )}
                  </td>
                  <td data-label={t('audit.ip')}>{r.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <KeysetPager next={next} prev={prev} />
    </>
  );
}
