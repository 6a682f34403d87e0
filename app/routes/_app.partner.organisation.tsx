import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors, Notice, SubmitButton, TextField } from '~/components/forms';
import { CodeCheckboxes } from '~/components/municipality-picker';
import { MouTable, PartnerSummary } from '~/components/partner-summary';
import { db } from '~/lib/db.server';
import { TiesSection } from '~/components/ties-section';
import { listTies } from '~/modules/dispatch/parties.server';
import { requireRole } from '~/modules/auth/auth.server';
import { LANGUAGES, SPECIALTIES } from '~/modules/partners/codes';
import { contactSchema } from '~/modules/partners/partner-schema';
import {
  getPartnerForViewer,
  listMous,
  listShelters,
  updateOwnContact,
} from '~/modules/partners/partners.server';
import { submitInTransaction } from '~/lib/submit.server';

export const meta: MetaFunction = () => [{ title: '所属団体 / Organisation' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const partner = await getPartnerForViewer(db, me.partnerId!, me);
  if (!partner) throw new Response('Not Found', { status: 404 });
  const [mous, shelters, ties] = await Promise.all([
    listMous(db, partner.id),
    listShelters(db, partner.id, me),
    listTies(db, partner.id),
  ]);
  return { partner, mous, shelters, ties };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const submission = parseWithZod(await request.formData(), { schema: contactSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'contactName', (tx) =>
    updateOwnContact(tx, me.partnerId!, submission.value, {
      userId: me.id,
      ip: context.clientIp,
    }),
  );
  if (!saved.ok) return saved.response;
  const { changed } = saved.value;
  // Redirect: the page reloads at the top, where the notice is.
  return redirect(`/partner/organisation?${changed ? 'saved' : 'unchanged'}=1`);
}

export default function OwnOrganisation() {
  const { partner, mous, shelters, ties } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    id: 'own-contact',
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: contactSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: {
      contactName: partner.contact_name,
      contactEmail: partner.contact_email,
      contactPhone: partner.contact_phone,
    },
  });
  return (
    <>
      <h1>{partner.name}</h1>
      <p className="hint">{t('partners.ownIntro')}</p>
      {params.get('saved') ? <Notice kind="success">{t('partners.saved')}</Notice> : null}
      {params.get('unchanged') ? <Notice kind="info">{t('partners.noChanges')}</Notice> : null}
      <PartnerSummary p={partner} />
      <section className="section" aria-labelledby="own-mous">
        <h2 id="own-mous">{t('partners.mousTitle')}</h2>
        <MouTable mous={mous} locale={i18n.language === 'en' ? 'en' : 'ja'} />
      </section>
      {shelters.length ? (
        <section className="section" aria-labelledby="own-shelters">
          <h2 id="own-shelters">{t('partners.sheltersTitle')}</h2>
          <ul className="history">
            {shelters.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong> — {s.municipalityName} {s.address} ·{' '}
                {t('shelter.free', { free: s.freeBeds, capacity: s.capacity })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <TiesSection partnerId={partner.id} ties={ties} />
      <section className="form-section section" aria-labelledby="own-edit">
        <h2 id="own-edit">{t('partners.contactTitle')}</h2>
        <Form method="post" {...getFormProps(form)}>
          <div className="form-grid">
            <TextField field={fields.contactName} label={t('partners.contactName')} />
            <TextField
              field={fields.contactEmail}
              label={t('partners.contactEmail')}
              type="email"
            />
            <TextField field={fields.contactPhone} label={t('partners.contactPhone')} type="tel" />
          </div>
          <div className="field">
            <label htmlFor={fields.availability.id}>{t('partners.availability')}</label>
            <textarea
              id={fields.availability.id}
              name={fields.availability.name}
              defaultValue={partner.availability}
              rows={3}
            />
            <FieldErrors id={fields.availability.errorId} errors={fields.availability.errors} />
          </div>
          <CodeCheckboxes
            name="languages"
            legend={t('partners.languagesTitle')}
            codes={LANGUAGES}
            labelPrefix="languages"
            checked={partner.languages}
          />
          <CodeCheckboxes
            name="specialties"
            legend={t('partners.specialtiesTitle')}
            codes={SPECIALTIES}
            labelPrefix="specialties"
            checked={partner.specialties}
          />
          <SubmitButton>{t('partners.save')}</SubmitButton>
        </Form>
      </section>
    </>
  );
}
