import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form, useRouteLoaderData } from '@remix-run/react';
import { useEffect, useState } from 'react';
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
import { FieldErrors, Notice, SelectField, SubmitButton, TextField } from './forms';
import LocationPicker from './map/location-picker.client';

export interface Municipality {
  code: string;
  name: string;
  lat: number;
  lng: number;
}

export interface PartnerFormDefaults {
  name?: string;
  nameKana?: string;
  kind?: string;
  status?: string;
  networkMember?: boolean;
  publicListing?: boolean;
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
  const { t, i18n } = useTranslation();
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

  const [prefecture, setPrefecture] = useState<number | null>(defaults.prefectureCode ?? null);
  const [municipalities, setMunicipalities] = useState<Municipality[]>(initialMunicipalities);
  const [municipality, setMunicipality] = useState(defaults.municipalityCode ?? '');
  const [lat, setLat] = useState(defaults.lat?.toString() ?? '');
  const [lng, setLng] = useState(defaults.lng?.toString() ?? '');

  useEffect(() => {
    if (!prefecture) return setMunicipalities([]);
    if (
      municipalities.length &&
      initialMunicipalities === municipalities &&
      prefecture === defaults.prefectureCode
    ) {
      return;
    }
    let live = true;
    fetch(`/resources/municipalities?prefecture=${prefecture}`)
      .then((r) => (r.ok ? (r.json() as Promise<Municipality[]>) : []))
      .then((list) => live && setMunicipalities(list))
      .catch(() => live && setMunicipalities([]));
    return () => {
      live = false;
    };
    // Only the prefecture drives the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prefecture]);

  const useOffice = () => {
    const m = municipalities.find((x) => x.code === municipality);
    if (m) {
      setLat(String(m.lat));
      setLng(String(m.lng));
    }
  };
  const numOrNull = (s: string) => (s.trim() === '' || Number.isNaN(Number(s)) ? null : Number(s));
  const check = (name: 'languages' | 'specialties', value: string) =>
    (defaults[name] ?? []).includes(value);

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
      </section>

      <section className="form-section" aria-labelledby="sec-place">
        <h2 id="sec-place">{t('partners.location')}</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="prefecture">{t('partners.prefecture')}</label>
            <select
              id="prefecture"
              value={prefecture ?? ''}
              onChange={(e) => {
                setPrefecture(e.target.value ? Number(e.target.value) : null);
                setMunicipality('');
              }}
            >
              <option value="">{t('partners.selectPrefecture')}</option>
              {prefectures.map((p) => (
                <option key={p.code} value={p.code}>
                  {i18n.language === 'en' ? p.name_en : p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={fields.municipalityCode.id}>
              {t('partners.municipality')}
              <span className="req"> ({t('common.required')})</span>
            </label>
            <select
              id={fields.municipalityCode.id}
              name={fields.municipalityCode.name}
              value={municipality}
              onChange={(e) => setMunicipality(e.target.value)}
              aria-invalid={fields.municipalityCode.errors ? true : undefined}
              aria-describedby={
                fields.municipalityCode.errors ? fields.municipalityCode.errorId : undefined
              }
              required
            >
              <option value="">{t('partners.selectMunicipality')}</option>
              {municipalities.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name}
                </option>
              ))}
            </select>
            <FieldErrors
              id={fields.municipalityCode.errorId}
              errors={fields.municipalityCode.errors}
            />
          </div>
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
        <fieldset className="check-grid">
          <legend className="visually-hidden">{t('partners.languagesTitle')}</legend>
          {LANGUAGES.map((l) => (
            <label key={l} className="check">
              <input
                type="checkbox"
                name="languages"
                value={l}
                defaultChecked={check('languages', l)}
              />
              {t(`languages.${l}`)}
            </label>
          ))}
        </fieldset>
        <FieldErrors id={fields.languages.errorId} errors={fields.languages.errors} />
        <h2 id="sec-spec">{t('partners.specialtiesTitle')}</h2>
        <fieldset className="check-grid">
          <legend className="visually-hidden">{t('partners.specialtiesTitle')}</legend>
          {SPECIALTIES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                name="specialties"
                value={s}
                defaultChecked={check('specialties', s)}
              />
              {t(`specialties.${s}`)}
            </label>
          ))}
        </fieldset>
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
