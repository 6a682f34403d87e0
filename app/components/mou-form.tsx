import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { mouSchema } from '~/modules/partners/mou-schema';
import { FieldErrors, Notice, SelectField, SubmitButton, TextField } from './forms';

export function MouForm({
  defaults,
  lastResult,
  currentPdf,
}: {
  defaults: Record<string, unknown>;
  lastResult?: SubmissionResult<string[]>;
  currentPdf?: string | null;
}) {
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: 'mou',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: mouSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: defaults as never,
  });
  const pdfErrors = (form.allErrors?.signedPdf ?? []) as string[];
  return (
    <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
      {form.errors?.length ? (
        <Notice kind="error">{form.errors.map((e) => tKey(t, e)).join(' ')}</Notice>
      ) : null}
      <section className="form-section" aria-labelledby="mou-basics">
        <h2 id="mou-basics">{t('mou.basics')}</h2>
        <div className="form-grid">
          <TextField field={fields.referenceNo} label={t('mou.referenceNo')} required />
          <SelectField
            field={fields.status}
            label={t('mou.status')}
            options={(['draft', 'active', 'expired', 'terminated'] as const).map((s) => ({
              value: s,
              label: t(`mouStatuses.${s}`),
            }))}
          />
          <TextField field={fields.validFrom} label={t('mou.validFrom')} type="date" required />
          <TextField
            field={fields.validUntil}
            label={t('mou.validUntil')}
            type="date"
            hint={t('mou.validUntilHint')}
          />
          <TextField field={fields.signedOn} label={t('mou.signedOn')} type="date" />
          <TextField
            field={fields.maxConcurrentRequests}
            label={t('mou.maxConcurrent')}
            type="number"
            required
          />
        </div>
        <div className="field">
          <label htmlFor="signedPdf">{t('mou.signedPdf')}</label>
          <input
            id="signedPdf"
            name="signedPdf"
            type="file"
            accept="application/pdf,.pdf"
            aria-describedby="signedPdf-hint"
            aria-invalid={pdfErrors.length ? true : undefined}
          />
          <p id="signedPdf-hint" className="hint">
            {currentPdf ? t('mou.currentPdf', { name: currentPdf }) : t('mou.pdfHint')}
          </p>
          <FieldErrors id="signedPdf-error" errors={pdfErrors} />
        </div>
        <div className="field">
          <label htmlFor={fields.conditions.id}>{t('mou.conditions')}</label>
          <textarea
            id={fields.conditions.id}
            name={fields.conditions.name}
            defaultValue={(defaults.conditions as string) ?? ''}
            rows={4}
          />
          <FieldErrors id={fields.conditions.errorId} errors={fields.conditions.errors} />
        </div>
      </section>
      <section className="form-section" aria-labelledby="mou-fees">
        <h2 id="mou-fees">{t('mou.fees')}</h2>
        <p className="hint">{t('mou.feesHint')}</p>
        <div className="form-grid">
          <TextField
            field={fields.visitBaseFee}
            label={t('mou.visitBaseFee')}
            type="number"
            required
          />
          <TextField
            field={fields.baseHours}
            label={t('mou.baseHours')}
            type="number"
            step="0.25"
            required
          />
          <TextField field={fields.hourlyFee} label={t('mou.hourlyFee')} type="number" required />
          <SelectField
            field={fields.travelMode}
            label={t('mou.travelMode')}
            options={(['none', 'per_km', 'actual'] as const).map((m) => ({
              value: m,
              label: t(`mou.travelModes.${m}`),
            }))}
          />
          <TextField field={fields.travelPerKm} label={t('mou.travelPerKm')} type="number" />
          <TextField field={fields.travelCap} label={t('mou.travelCap')} type="number" />
          <TextField
            field={fields.interpreterHourly}
            label={t('mou.interpreterHourly')}
            type="number"
          />
          <TextField
            field={fields.shelterPerNight}
            label={t('mou.shelterPerNight')}
            type="number"
          />
          <TextField
            field={fields.phoneSupportFee}
            label={t('mou.phoneSupportFee')}
            type="number"
          />
        </div>
        <label className="check">
          <input
            {...getInputProps(fields.consumptionTax, { type: 'checkbox' })}
            key={fields.consumptionTax.key}
          />
          {t('mou.consumptionTax')}
        </label>
      </section>
      <div className="sticky-actions">
        <SubmitButton>{t('partners.save')}</SubmitButton>
      </div>
    </Form>
  );
}
