import { CSV_COLUMNS, IMPORT_MAX_BYTES } from '~/modules/partners/csv-columns';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  type MetaFunction,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { createI18n, tKey } from '~/i18n/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { type ImportSummary, importPartnersCsv } from '~/modules/partners/csv.server';

export const meta: MetaFunction = () => [{ title: 'CSV 取込 / Import CSV' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  return { columns: CSV_COLUMNS };
}

type ActionData = { summary: ImportSummary | null; fileError: string | null; errorCount: number };

// A broken file can have an error in every cell: the page shows the first ones and the total.
const SHOWN_ERRORS = 500;

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const locale = await resolveLocale(request);
  const refuse = (key: string) =>
    data<ActionData>(
      {
        summary: null,
        fileError: tKey(createI18n(locale).t, key, { mb: IMPORT_MAX_BYTES / 1_000_000 }),
        errorCount: 0,
      },
      400,
    );
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({
        maxPartSize: IMPORT_MAX_BYTES,
        filter: ({ name }) => name === 'file' || name === 'intent',
      }),
    );
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return refuse('partnerImport.errors.tooLarge');
    // Not multipart, or a broken upload.
    return refuse('partnerImport.errors.badRequest');
  }
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return refuse('partnerImport.errors.noFile');
  const summary = await importPartnersCsv(db, new Uint8Array(await file.arrayBuffer()), {
    commit: form.get('intent') === 'import',
    actor: { userId: me.id, ip: context.clientIp },
    locale,
    filename: file.name,
  });
  const failed = Boolean(summary.fileError) || summary.errors.length > 0;
  return data<ActionData>(
    {
      summary: { ...summary, errors: summary.errors.slice(0, SHOWN_ERRORS) },
      fileError: summary.fileError,
      errorCount: summary.errors.length,
    },
    failed ? 400 : 200,
  );
}

export default function PartnerImport() {
  const { columns } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting';
  const summary = result?.summary;
  const counts = summary
    ? { created: summary.created, updated: summary.updated, unchanged: summary.unchanged }
    : null;

  return (
    <>
      <div className="page-head">
        <h1>{t('partnerImport.title')}</h1>
        <Link to="/partners">{t('partnerImport.back')}</Link>
      </div>
      <p>{t('partnerImport.intro')}</p>

      <section className="card" aria-labelledby="import-form">
        <h2 id="import-form" className="visually-hidden">
          {t('partnerImport.file')}
        </h2>
        <Form method="post" encType="multipart/form-data">
          <div className="field">
            <label htmlFor="file">{t('partnerImport.file')}</label>
            <input
              id="file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              required
              aria-describedby="file-hint"
            />
            <p id="file-hint" className="hint">
              {t('partnerImport.fileHint')}
            </p>
          </div>
          <div className="filter-actions">
            <SubmitButton intent="dry-run">{t('partnerImport.dryRun')}</SubmitButton>
            <SubmitButton intent="import" className="button">
              {t('partnerImport.commit')}
            </SubmitButton>
            <span className="muted" aria-live="polite">
              {busy ? t('partnerImport.working') : ''}
            </span>
          </div>
        </Form>
      </section>

      {!busy && result ? (
        <section aria-labelledby="import-result" className="section">
          <h2 id="import-result" className="visually-hidden">
            {t('partnerImport.errorsTitle')}
          </h2>
          {result.fileError ? <Notice kind="error">{result.fileError}</Notice> : null}
          {summary && !summary.fileError ? (
            <>
              <p className="muted">
                {t('partnerImport.readRows', {
                  rows: summary.rows,
                  encoding: summary.encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8',
                })}
              </p>
              {result.errorCount ? (
                <Notice kind="error">
                  {t('partnerImport.hasErrors', { errors: result.errorCount })}
                </Notice>
              ) : summary.committed ? (
                <Notice kind="success">{t('partnerImport.committed', counts!)}</Notice>
              ) : (
                <Notice kind="info">{t('partnerImport.dryRunClean', counts!)}</Notice>
              )}
            </>
          ) : null}
          {summary?.errors.length ? (
            <div className="table-wrap">
              <table>
                <caption>
                  {t('partnerImport.errorsTitle')}
                  {result.errorCount > summary.errors.length
                    ? ` ${t('partnerImport.errorsShown', { shown: summary.errors.length })}`
                    : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('partnerImport.row')}</th>
                    <th scope="col">{t('partnerImport.field')}</th>
                    <th scope="col">{t('partnerImport.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.errors.map((e, i) => (
                    <tr key={i}>
                      <td>{e.row}</td>
                      <td>{e.field ? <code>{e.field}</code> : t('partnerImport.wholeRow')}</td>
                      <td>{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="import-key" className="section">
        <h2 id="import-key">{t('partnerImport.keyTitle')}</h2>
        <p>{t('partnerImport.keyBody')}</p>
        <p>{t('partnerImport.keepNote')}</p>
        <p>
          <a href="/partners.csv" download>
            {t('partnerImport.exportAll')}
          </a>{' '}
          <span className="muted">{t('partnerImport.exportHint')}</span>
        </p>
      </section>

      <section aria-labelledby="import-columns" className="section">
        <h2 id="import-columns">{t('partnerImport.columnsTitle')}</h2>
        <p className="hint">{t('partnerImport.fileHint')}</p>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('partnerImport.column')}</th>
                <th scope="col">{t('partnerImport.columnMeaning')}</th>
              </tr>
            </thead>
            <tbody>
              {columns.map((c) => (
                <tr key={c}>
                  <td>
                    <code>{c}</code>
                  </td>
                  <td>{t(`partnerImport.columns.${c}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
