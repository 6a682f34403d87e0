import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors, SubmitButton, TextField } from '~/components/forms';
import { sessionSchema } from '~/modules/training/training-schema';

export type SessionDefaults = Record<string, string | string[] | number>;

/** A training session's form, to schedule one or to change it. */
export function TrainingForm({
  modules,
  defaultValue,
  lastResult,
  submitLabel,
}: {
  modules: { code: string; name_ja: string; name_en: string; required: boolean }[];
  defaultValue: SessionDefaults;
  lastResult?: SubmissionResult<string[]>;
  submitLabel: string;
}) {
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    id: 'training',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: sessionSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue,
  });
  return (
    <Form method="post" className="form-section" {...getFormProps(form)}>
      <TextField field={fields.title} label={t('training.sessionTitle')} required />
      <fieldset className="fieldset">
        <legend>{t('training.modules')}</legend>
        {modules.map((m) => (
          <label key={m.code} className="check">
            <input
              type="checkbox"
              name="modules"
              value={m.code}
              defaultChecked={(
                (fields.modules.initialValue as string[] | undefined) ?? []
              ).includes(m.code)}
              aria-invalid={fields.modules.errors ? true : undefined}
              aria-describedby={fields.modules.errors ? fields.modules.errorId : undefined}
            />
            {i18n.language === 'en' ? m.name_en : m.name_ja}
            {m.required ? ` (${t('training.required')})` : ''}
          </label>
        ))}
        <FieldErrors id={fields.modules.errorId} errors={fields.modules.errors} />
      </fieldset>
      <div className="form-grid">
        <TextField field={fields.date} label={t('training.date')} type="date" required />
        <TextField field={fields.startTime} label={t('training.startTime')} type="time" required />
        <TextField field={fields.endTime} label={t('training.endTime')} type="time" required />
        <TextField field={fields.deadline} label={t('training.deadline')} type="date" required />
        <TextField field={fields.capacity} label={t('training.capacity')} type="number" required />
        <TextField field={fields.instructor} label={t('training.instructor')} />
      </div>
      <TextField field={fields.venue} label={t('training.venue')} />
      <TextField field={fields.onlineUrl} label={t('training.onlineUrl')} type="url" />
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
