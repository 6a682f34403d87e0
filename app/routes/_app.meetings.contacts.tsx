import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SelectField, SubmitButton, TextField } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { contactSchema } from '~/modules/meetings/meeting-schema';
import { createContact, listContacts, setContactActive } from '~/modules/meetings/meetings.server';

export const meta: MetaFunction = () => [{ title: '外部の連絡先 / External contacts' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  return { contacts: await listContacts(db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const form = await request.formData();
  const intent = form.get('intent');
  const actor = { userId: me.id, ip: context.clientIp };
  if (intent === 'add') {
    const submission = parseWithZod(form, { schema: contactSchema });
    if (submission.status !== 'success')
      return data({ intent, result: submission.reply(), error: null }, 400);
    const saved = await submitInTransaction(submission, 'email', (tx) =>
      createContact(tx, submission.value, actor),
    );
    if (!saved.ok) return saved.response;
    return { intent, result: submission.reply({ resetForm: true }), error: null, added: true };
  }
  if (intent === 'activate' || intent === 'deactivate') {
    try {
      await db
        .transaction()
        .execute((tx) =>
          setContactActive(tx, String(form.get('id') ?? ''), intent === 'activate', actor),
        );
      return { intent, result: undefined, error: null };
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return data({ intent, result: undefined, error: e.code }, 400);
    }
  }
  return data({ intent, result: undefined, error: 'errors.badRequest' }, 400);
}

export default function Contacts() {
  const { contacts } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: 'contact',
    lastResult: reply && 'result' in reply ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: contactSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { locale: 'ja' },
  });
  return (
    <>
      <p>
        <Link to="/meetings">← {t('meetings.title')}</Link>
      </p>
      <h1>{t('meetings.contactsTitle')}</h1>
      <p>{t('meetings.contactsIntro')}</p>
      {reply && 'added' in reply ? (
        <Notice kind="success">{t('meetings.contactAdded')}</Notice>
      ) : null}
      {reply && 'error' in reply && reply.error ? (
        <Notice kind="error">{tKey(t, reply.error)}</Notice>
      ) : null}
      {contacts.length === 0 ? (
        <p className="empty">{t('meetings.contactsNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('meetings.organisation')}</th>
                <th scope="col">{t('meetings.person')}</th>
                <th scope="col">{t('meetings.email')}</th>
                <th scope="col">{t('meetings.status')}</th>
              </tr>
            </thead>
            <tbody>
              {contacts.map((c) => (
                <tr key={c.id} className={c.active ? undefined : 'muted'}>
                  <td data-label={t('meetings.organisation')}>{c.organisation}</td>
                  <td data-label={t('meetings.person')}>{c.person_name}</td>
                  <td data-label={t('meetings.email')}>{c.email}</td>
                  <td data-label={t('meetings.status')}>
                    <Form method="post" className="inline">
                      <input type="hidden" name="id" value={c.id} />
                      {c.active ? t('meetings.contactActive') : t('meetings.contactInactive')}{' '}
                      <SubmitButton
                        intent={c.active ? 'deactivate' : 'activate'}
                        className="button small"
                        ariaLabel={`${c.active ? t('meetings.deactivate') : t('meetings.activate')}: ${c.organisation} ${c.person_name}`}
                        confirm={
                          c.active
                            ? t('meetings.deactivateConfirm', { name: c.person_name })
                            : undefined
                        }
                      >
                        {c.active ? t('meetings.deactivate') : t('meetings.activate')}
                      </SubmitButton>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="section" aria-labelledby="add-contact">
        <h2 id="add-contact">{t('meetings.addContact')}</h2>
        <Form method="post" className="form-section" {...getFormProps(form)}>
          <div className="form-grid">
            <TextField field={fields.organisation} label={t('meetings.organisation')} required />
            <TextField field={fields.personName} label={t('meetings.person')} required />
            <TextField field={fields.email} label={t('meetings.email')} type="email" required />
            <SelectField
              field={fields.locale}
              label={t('meetings.mailLanguage')}
              options={[
                { value: 'ja', label: '日本語' },
                { value: 'en', label: 'English' },
              ]}
            />
          </div>
          <SubmitButton intent="add">{t('meetings.addContact')}</SubmitButton>
        </Form>
      </section>
    </>
  );
}
