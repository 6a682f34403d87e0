import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ClientOnly } from '~/components/client-only';
import { FieldErrors, SelectField, SubmitButton, TextField } from '~/components/forms';
import { MunicipalityPicker } from '~/components/municipality-picker';
import LocationPicker from '~/components/map/location-picker.client';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { CATEGORIES, SHELTER_GUESTS, URGENCIES } from '~/modules/dispatch/codes';
import { requestSchema } from '~/modules/dispatch/request-schema';
import { createRequest } from '~/modules/dispatch/requests.server';
import { LANGUAGES } from '~/modules/partners/codes';
import { listPrefectures } from '~/modules/partners/partners.server';
import type { loader as rootLoader } from '~/root';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];
export const meta: MetaFunction = () => [{ title: '伴走依頼の作成 / New request' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['counselor', 'secretariat']);
  return { prefectures: await listPrefectures(db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['counselor', 'secretariat']);
  const submission = parseWithZod(await request.formData(), { schema: requestSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'municipalityCode', (tx) =>
    createRequest(tx, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/requests/${saved.value.id}?created=1`);
}

export default function NewRequest() {
  const { prefectures } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: 'request',
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: requestSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { urgency: 'normal', shelterBeds: '0' },
  });
  const [municipality, setMunicipality] = useState('');
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const num = (s: string) => (s === '' || Number.isNaN(Number(s)) ? null : Number(s));

  return (
    <>
      <h1>{t('dispatch.newRequest')}</h1>
      <Form method="post" {...getFormProps(form)}>
        <section className="form-section">
          <div className="form-grid">
            <TextField
              field={fields.caseCode}
              label={t('dispatch.caseCode')}
              hint={t('dispatch.caseCodeHint')}
              required
            />
            <SelectField
              field={fields.category}
              label={t('dispatch.category')}
              placeholder=""
              required
              options={CATEGORIES.map((c) => ({ value: c, label: t(`dispatch.categories.${c}`) }))}
            />
            <SelectField
              field={fields.urgency}
              label={t('dispatch.urgency')}
              options={URGENCIES.map((u) => ({ value: u, label: t(`dispatch.urgencies.${u}`) }))}
            />
            <SelectField
              field={fields.workerLanguage}
              label={t('dispatch.workerLanguage')}
              placeholder=""
              required
              options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
            />
            <TextField
              field={fields.windowStart}
              label={t('dispatch.windowStart')}
              type={'datetime-local' as 'date'}
              required
            />
            <TextField
              field={fields.windowEnd}
              label={t('dispatch.windowEnd')}
              type={'datetime-local' as 'date'}
              required
            />
            <TextField field={fields.shelterBeds} label={t('dispatch.shelterBeds')} type="number" />
            <SelectField
              field={fields.shelterGuest}
              label={t('dispatch.shelterGuest')}
              placeholder=""
              options={SHELTER_GUESTS.map((g) => ({ value: g, label: t(`dispatch.guests.${g}`) }))}
            />
          </div>
          <label className="check">
            <input
              {...getInputProps(fields.interpreterNeeded, { type: 'checkbox' })}
              key={fields.interpreterNeeded.key}
            />
            {t('dispatch.interpreterNeeded')}
          </label>
        </section>

        <section className="form-section" aria-labelledby="req-place">
          <h2 id="req-place">{t('dispatch.place')}</h2>
          <p className="hint">{t('dispatch.placeHint')}</p>
          <div className="form-grid">
            <MunicipalityPicker
              field={fields.municipalityCode}
              prefectures={prefectures}
              value={municipality}
              onChange={(code, m) => {
                setMunicipality(code);
                // The place starts at the municipal office; a click on the map refines it.
                if (m) {
                  setLat(String(m.lat));
                  setLng(String(m.lng));
                }
              }}
            />
          </div>
          <input type="hidden" name={fields.lat.name} value={lat} />
          <input type="hidden" name={fields.lng.name} value={lng} />
          <div className="map-box">
            <ClientOnly fallback={<div className="map-fallback">{t('partners.mapLoading')}</div>}>
              {() => (
                <LocationPicker
                  lat={num(lat)}
                  lng={num(lng)}
                  tileUrl={root?.mapTileUrl ?? ''}
                  label={t('dispatch.place')}
                  onChange={(a, b) => {
                    setLat(String(a));
                    setLng(String(b));
                  }}
                />
              )}
            </ClientOnly>
          </div>
        </section>

        <section className="form-section">
          <div className="field">
            <label htmlFor={fields.summary.id}>
              {t('dispatch.summary')}
              <span className="req"> ({t('common.required')})</span>
            </label>
            <textarea
              id={fields.summary.id}
              name={fields.summary.name}
              rows={2}
              maxLength={500}
              aria-describedby={`${fields.summary.id}-hint`}
            />
            <p id={`${fields.summary.id}-hint`} className="hint">
              {t('dispatch.summaryHint')}
            </p>
            <FieldErrors id={fields.summary.errorId} errors={fields.summary.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.details.id}>{t('dispatch.details')}</label>
            <textarea id={fields.details.id} name={fields.details.name} rows={4} />
            <FieldErrors id={fields.details.errorId} errors={fields.details.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.healthDetails.id}>{t('dispatch.healthDetails')}</label>
            <textarea id={fields.healthDetails.id} name={fields.healthDetails.name} rows={2} />
            <FieldErrors id={fields.healthDetails.errorId} errors={fields.healthDetails.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.residenceDetails.id}>{t('dispatch.residenceDetails')}</label>
            <textarea
              id={fields.residenceDetails.id}
              name={fields.residenceDetails.name}
              rows={2}
            />
            <FieldErrors
              id={fields.residenceDetails.errorId}
              errors={fields.residenceDetails.errors}
            />
          </div>
          <label className="check">
            <input
              {...getInputProps(fields.consent, { type: 'checkbox' })}
              key={fields.consent.key}
            />
            {t('dispatch.consent')}
          </label>
          <p className="hint">{t('dispatch.consentHint')}</p>
        </section>
        <SubmitButton>{t('dispatch.create')}</SubmitButton>
      </Form>
    </>
  );
}
