import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { visitSchema } from '~/modules/visits/visit-schema';
import { FieldErrors, Notice, SubmitButton, TextField } from './forms';

/** The visit log, laid out for a phone: one column, big targets, camera for the receipt. */
export function VisitForm({
  defaults,
  lastResult,
  currentReceipt,
  submitLabel,
}: {
  defaults: Record<string, unknown>;
  lastResult?: SubmissionResult<string[]>;
  currentReceipt?: string | null;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: 'visit',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: visitSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: defaults as never,
  });
  const receiptErrors = (form.allErrors?.receipt ?? []) as string[];
  const area = (name: 'activities' | 'outcome' | 'followUp' | 'confidentialNote', rows = 3) => {
    const f = fields[name];
    return (
      <textarea
        id={f.id}
        name={f.name}
        defaultValue={(defaults[name] as string) ?? ''}
        rows={rows}
        maxLength={4000}
        aria-invalid={f.errors ? true : undefined}
        aria-describedby={f.errors ? f.errorId : undefined}
      />
    );
  };
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="visit-form"
      {...getFormProps(form)}
    >
      {form.errors?.length ? (
        <Notice kind="error">{form.errors.map((e) => tKey(t, e)).join(' ')}</Notice>
      ) : null}
      {defaults.version !== undefined ? (
        <input type="hidden" name="version" value={String(defaults.version)} />
      ) : null}
      <div className="form-grid">
        <TextField field={fields.visitDate} label={t('visits.visitDate')} type="date" required />
        <TextField field={fields.startTime} label={t('visits.startTime')} type="time" required />
        <TextField field={fields.endTime} label={t('visits.endTime')} type="time" required />
      </div>
      <TextField
        field={fields.place}
        label={t('visits.place')}
        hint={t('visits.placeHint')}
        required
      />
      <div className="field">
        <label htmlFor={fields.activities.id}>
          {t('visits.activities')}
          <span className="req"> ({t('common.required')})</span>
        </label>
        {area('activities', 4)}
        <FieldErrors id={fields.activities.errorId} errors={fields.activities.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.outcome.id}>{t('visits.outcome')}</label>
        {area('outcome')}
        <FieldErrors id={fields.outcome.errorId} errors={fields.outcome.errors} />
      </div>
      <label className="check">
        <input
          {...getInputProps(fields.followUpNeeded, { type: 'checkbox' })}
          key={fields.followUpNeeded.key}
        />
        {t('visits.followUpNeeded')}
      </label>
      <div className="field">
        <label htmlFor={fields.followUp.id}>{t('visits.followUp')}</label>
        {area('followUp', 2)}
        <FieldErrors id={fields.followUp.errorId} errors={fields.followUp.errors} />
      </div>
      <fieldset className="fieldset">
        <legend>
          {t('visits.travelKm')} / {t('visits.travelCost')}
        </legend>
        <p className="hint">{t('visits.travelHint')}</p>
        <div className="form-grid">
          <TextField
            field={fields.travelKm}
            label={t('visits.travelKm')}
            type="number"
            step="0.1"
            inputMode="decimal"
          />
          <TextField
            field={fields.travelCost}
            label={t('visits.travelCost')}
            type="number"
            inputMode="numeric"
          />
        </div>
        <div className="field">
          <label htmlFor="receipt">{t('visits.receipt')}</label>
          <input
            id="receipt"
            name="receipt"
            type="file"
            accept="image/*,application/pdf,.pdf,.heic"
            aria-describedby={receiptErrors.length ? 'receipt-hint receipt-error' : 'receipt-hint'}
            aria-invalid={receiptErrors.length ? true : undefined}
          />
          <p id="receipt-hint" className="hint">
            {currentReceipt
              ? t('visits.receiptCurrent', { name: currentReceipt })
              : t('visits.receiptHint')}
          </p>
          <FieldErrors id="receipt-error" errors={receiptErrors} />
        </div>
      </fieldset>
      <TextField
        field={fields.interpreterMinutes}
        label={t('visits.interpreterMinutes')}
        type="number"
        inputMode="numeric"
      />
      <div className="field">
        <label htmlFor={fields.confidentialNote.id}>{t('visits.confidentialNote')}</label>
        {area('confidentialNote')}
        <p className="hint">{t('visits.confidentialHint')}</p>
        <FieldErrors id={fields.confidentialNote.errorId} errors={fields.confidentialNote.errors} />
      </div>
      <div className="sticky-actions">
        <SubmitButton intent="save">{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}
