import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form, useRouteLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { loader as rootLoader } from '~/root';
import {
  ACCOUNT_TYPES,
  LANGUAGES,
  PARTNER_KINDS,
  PARTNER_STATUSES,
  SPECIALTIES,
} from '~/modules/partners/codes';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { ClientOnly } from './client-only';
import { CodeCheckboxes, type Municipality, MunicipalityPicker } from './municipality-picker';
import { FieldErrors, Notice, SelectField, SubmitButton, TextField } from './forms';
import LocationPicker from './map/location-picker.client';

export type { Municipality } from './municipality-picker';

export interface PartnerFormDefaults {
  name?: string;
  nameKana?: string;
  kind?: string;
  status?: string;
  networkMember?: boolean;
  publicListing?: boolean;
  publicPhone?: string;
  website?: string;
  prefectureCode?: number | null;
  municipalityCode?: string | null;
  postalCode?: string | null;
  address?: string;
  lat?: number | null;
  lng?: number | null;
  serviceRadiusKm?: number | string;
  languages?: string[];
  specialties?: string[];
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
  availability?: string;
  invoiceNumber?: string | null;
  bankCode?: string | null;
  branchCode?: string | null;
  accountType?: string | null;
  accountNumber?: string | null;
  accountHolderKana?: string | null;
  withholdingTax?: boolean;
  version?: number;
}

/** The secretariat's partner form: create and edit. */
export function PartnerForm({
  defaults,
  prefectures,
  initialMunicipalities,
  lastResult,
  submitLabel,
}: {
  defaults: PartnerFormDefaults;
  prefectures: { code: number; name: string; name_en: string }[];
  initialMunicipalities: Municipality[];
  lastResult?: SubmissionResult<string[]>;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const tileUrl = root?.mapTileUrl ?? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
  const [form, fields] = useForm({
    id: 'partner',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: partnerSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: {
      ...defaults,
      serviceRadiusKm: defaults.serviceRadiusKm ?? 20,
      status: defaults.status ?? 'prospective',
      kind: defaults.kind ?? '',
    } as never,
  });

  const [municipalities, setMunicipalities] = useState<Municipality[]>(initialMunicipalities);
  const [municipality, setMunicipality] = useState(defaults.municipalityCode ?? '');
  const [lat, setLat] = useState(defaults.lat?.toString() ?? '');
  const [lng, setLng] = useState(defaults.lng?.toString() ?? '');

  const useOffice = () => {
    const m = municipalities.find((x) => x.code === municipality);
    if (m) {
      setLat(String(m.lat));
      setLng(String(m.lng));
    }
  };
  const numOrNull = (s: string) => (s.trim() === '' || Number.isNaN(Number(s)) ? null : Number(s));

  return (
    <Form method="post" {...getFormProps(form)}>
      {form.errors?.length ? (
        <Notice kind="error">
          {form.errors.map((e) => t(e as 'errors.badRequest')).join(' ')}
        </Notice>
      ) : null}
      <input type="hidden" name="version" value={defaults.version ?? ''} />

      <section className="form-section" aria-labelledby="sec-basics">
        <h2 id="sec-basics">{t('partners.basicsTitle')}</h2>
        <div className="form-grid">
          <TextField field={fields.name} label={t('partners.name')} required />
          <TextField field={fields.nameKana} label={t('partners.nameKana')} required />
          <SelectField
            field={fields.kind}
            label={t('partners.kind')}
            placeholder=""
            required
            options={PARTNER_KINDS.map((k) => ({ value: k, label: t(`partnerKinds.${k}`) }))}
          />
          <SelectField
            field={fields.status}
            label={t('partners.status')}
            options={PARTNER_STATUSES.map((s) => ({ value: s, label: t(`partnerStatuses.${s}`) }))}
          />
        </div>
        <label className="check">
          <input
            {...getInputProps(fields.networkMember, { type: 'checkbox' })}
            key={fields.networkMember.key}
          />
          {t('partners.networkMember')}
        </label>
        <label className="check">
          <input
            {...getInputProps(fields.publicListing, { type: 'checkbox' })}
            key={fields.publicListing.key}
          />
          {t('partners.publicListing')}
        </label>
        <div className="form-grid">
          <TextField
            field={fields.publicPhone}
            label={t('partners.publicPhone')}
            type="tel"
            hint={t('partners.publicPhoneHint')}
          />
          <TextField field={fields.website} label={t('partners.website')} type="url" />
        </div>
      </section>

      <section className="form-section" aria-labelledby="sec-place">
        <h2 id="sec-place">{t('partners.location')}</h2>
        <div className="form-grid">
          <MunicipalityPicker
            field={fields.municipalityCode}
            prefectures={prefectures}
            initialPrefecture={defaults.prefectureCode ?? null}
            initialMunicipalities={initialMunicipalities}
            value={municipality}
            onChange={(code, _m, list) => {
              setMunicipality(code);
              if (list.length) setMunicipalities(list);
            }}
          />
          <TextField
            field={fields.postalCode}
            label={t('partners.postalCode')}
            autoComplete="postal-code"
          />
          <TextField
            field={fields.address}
            label={t('partners.address')}
            autoComplete="street-address"
          />
        </div>
        <p className="hint">{t('partners.locationHint')}</p>
        <div className="map-box">
          <ClientOnly fallback={<div className="map-fallback">{t('partners.mapLoading')}</div>}>
            {() => (
              <LocationPicker
                lat={numOrNull(lat)}
                lng={numOrNull(lng)}
                tileUrl={tileUrl}
                label={t('partners.location')}
                onChange={(a, b) => {
                  setLat(String(a));
                  setLng(String(b));
                }}
              />
            )}
          </ClientOnly>
        </div>
        <div className="form-grid" style={{ marginTop: '0.75rem' }}>
          <div className="field">
            <label htmlFor={fields.lat.id}>{t('partners.lat')}</label>
            <input
              id={fields.lat.id}
              name={fields.lat.name}
              type="text"
              inputMode="decimal"
              value={lat}
              onChange={(e) => setLat(e.target.value)}
              aria-invalid={fields.lat.errors ? true : undefined}
              aria-describedby={fields.lat.errors ? fields.lat.errorId : undefined}
            />
            <FieldErrors id={fields.lat.errorId} errors={fields.lat.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.lng.id}>{t('partners.lng')}</label>
            <input
              id={fields.lng.id}
              name={fields.lng.name}
              type="text"
              inputMode="decimal"
              value={lng}
              onChange={(e) => setLng(e.target.value)}
              aria-invalid={fields.lng.errors ? true : undefined}
              aria-describedby={fields.lng.errors ? fields.lng.errorId : undefined}
            />
            <FieldErrors id={fields.lng.errorId} errors={fields.lng.errors} />
          </div>
          <div className="field">
            <span className="label-spacer" aria-hidden="true">
              &nbsp;
            </span>
            <button type="button" className="button" onClick={useOffice} disabled={!municipality}>
              {t('partners.useMunicipality')}
            </button>
          </div>
          <TextField
            field={fields.serviceRadiusKm}
            label={t('partners.serviceRadius')}
            type="number"
            required
          />
        </div>
      </section>

      <section className="form-section" aria-labelledby="sec-lang">
        <h2 id="sec-lang">{t('partners.languagesTitle')}</h2>
        <CodeCheckboxes
          name="languages"
          legend={t('partners.languagesTitle')}
          legendHidden
          codes={LANGUAGES}
          labelPrefix="languages"
          checked={defaults.languages ?? []}
        />
        <FieldErrors id={fields.languages.errorId} errors={fields.languages.errors} />
        <h2 id="sec-spec">{t('partners.specialtiesTitle')}</h2>
        <CodeCheckboxes
          name="specialties"
          legend={t('partners.specialtiesTitle')}
          legendHidden
          codes={SPECIALTIES}
          labelPrefix="specialties"
          checked={defaults.specialties ?? []}
        />
      </section>

      <section className="form-section" aria-labelledby="sec-contact">
        <h2 id="sec-contact">{t('partners.contactTitle')}</h2>
        <div className="form-grid">
          <TextField field={fields.contactName} label={t('partners.contactName')} />
          <TextField field={fields.contactEmail} label={t('partners.contactEmail')} type="email" />
          <TextField field={fields.contactPhone} label={t('partners.contactPhone')} type="tel" />
        </div>
        <div className="field">
          <label htmlFor={fields.availability.id}>{t('partners.availability')}</label>
          <textarea
            id={fields.availability.id}
            name={fields.availability.name}
            defaultValue={defaults.availability ?? ''}
            rows={3}
          />
          <FieldErrors id={fields.availability.errorId} errors={fields.availability.errors} />
        </div>
      </section>

      <section className="form-section" aria-labelledby="sec-money">
        <h2 id="sec-money">{t('partners.moneyTitle')}</h2>
        <div className="form-grid">
          <TextField
            field={fields.invoiceNumber}
            label={t('partners.invoiceNumber')}
            hint={t('partners.invoiceHint')}
          />
          <TextField field={fields.bankCode} label={t('partners.bankCode')} />
          <TextField field={fields.branchCode} label={t('partners.branchCode')} />
          <SelectField
            field={fields.accountType}
            label={t('partners.accountType')}
            placeholder=""
            options={ACCOUNT_TYPES.map((a) => ({ value: a, label: t(`accountTypes.${a}`) }))}
          />
          <TextField field={fields.accountNumber} label={t('partners.accountNumber')} />
          <TextField
            field={fields.accountHolderKana}
            label={t('partners.accountHolder')}
            hint={t('partners.accountHolderHint')}
          />
        </div>
        <label className="check">
          <input
            {...getInputProps(fields.withholdingTax, { type: 'checkbox' })}
            key={fields.withholdingTax.key}
          />
          {t('partners.withholdingTax')}
        </label>
      </section>

      <div className="sticky-actions">
        <SubmitButton>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}
