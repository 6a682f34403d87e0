import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { SHELTER_ACCEPTS, shelterSchema } from '~/modules/partners/shelter-schema';
import { FieldErrors, SelectField, SubmitButton, TextField } from './forms';

export function ShelterForm({
  defaults,
  municipalities,
  lastResult,
}: {
  defaults: Record<string, unknown> & { accepts?: string[] };
  municipalities: { code: string; name: string }[];
  lastResult?: SubmissionResult<string[]>;
}) {
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: 'shelter',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: shelterSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: defaults as never,
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <section className="form-section">
        <p className="hint">{t('shelter.addressHidden')}</p>
        <div className="form-grid">
          <TextField field={fields.name} label={t('shelter.name')} required />
          <TextField field={fields.capacity} label={t('shelter.capacity')} type="number" required />
          <SelectField
            field={fields.municipalityCode}
            label={t('partners.municipality')}
            required
            options={municipalities.map((m) => ({ value: m.code, label: m.name }))}
          />
          <TextField field={fields.address} label={t('shelter.address')} />
          <TextField field={fields.lat} label={t('partners.lat')} />
          <TextField field={fields.lng} label={t('partners.lng')} />
        </div>
        <fieldset className="check-grid" aria-describedby={fields.accepts.errorId}>
          <legend>{t('shelter.accepts')}</legend>
          {SHELTER_ACCEPTS.map((a) => (
            <label key={a} className="check">
              <input
                type="checkbox"
                name="accepts"
                value={a}
                defaultChecked={(defaults.accepts ?? []).includes(a)}
              />
              {t(`shelter.acceptsOptions.${a}`)}
            </label>
          ))}
        </fieldset>
        <FieldErrors id={fields.accepts.errorId} errors={fields.accepts.errors} />
        <label className="check">
          <input {...getInputProps(fields.active, { type: 'checkbox' })} key={fields.active.key} />
          {t('shelter.active')}
        </label>
        <div className="field">
          <label htmlFor={fields.notes.id}>{t('shelter.notes')}</label>
          <textarea
            id={fields.notes.id}
            name={fields.notes.name}
            defaultValue={(defaults.notes as string) ?? ''}
            rows={3}
          />
        </div>
      </section>
      <SubmitButton>{t('partners.save')}</SubmitButton>
    </Form>
  );
}
