import { getInputProps, type FieldMetadata } from '@conform-to/react';
import { useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';

/** Translated field errors; messages in schemas are i18n keys. */
export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    // The alert role on a wrapper: on the <ul> itself it would take the list's role away.
    <div role="alert">
      <ul id={id} className="field-errors">
        {errors.map((e) => (
          <li key={e}>{tKey(t, e)}</li>
        ))}
      </ul>
    </div>
  );
}

export function TextField({
  field,
  label,
  type = 'text',
  hint,
  autoComplete,
  required,
  step,
  inputMode,
  min,
  max,
}: {
  field: FieldMetadata<any>;
  label: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'number' | 'date' | 'time';
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  /** For numbers with decimals (the browser otherwise accepts whole numbers only). */
  step?: string;
  inputMode?: 'numeric' | 'decimal';
  /** Bounds for dates and numbers (the server checks them too). */
  min?: string;
  max?: string;
}) {
  const { t } = useTranslation();
  const hintId = `${field.id}-hint`;
  const { key, ...inputProps } = getInputProps(field, { type });
  return (
    <div className="field">
      <label htmlFor={field.id}>
        {label}
        {required ? <span className="req"> ({t('common.required')})</span> : null}
      </label>
      <input
        key={key}
        {...inputProps}
        autoComplete={autoComplete}
        required={required}
        step={step}
        inputMode={inputMode}
        min={min}
        max={max}
        aria-describedby={
          [field.errors ? field.errorId : '', hint ? hintId : ''].join(' ').trim() || undefined
        }
      />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  options,
  placeholder,
  required,
}: {
  field: FieldMetadata<any>;
  label: string;
  options: { value: string; label: string }[];
  placeholder?: string;
  required?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={field.id}>
        {label}
        {required ? <span className="req"> ({t('common.required')})</span> : null}
      </label>
      <select
        id={field.id}
        name={field.name}
        defaultValue={(field.initialValue as string | undefined) ?? ''}
        aria-invalid={field.errors ? true : undefined}
        aria-describedby={field.errors ? field.errorId : undefined}
        required={required}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** Disabled with a progress label while its form is submitting, so nothing is sent twice. */
export function SubmitButton({
  children,
  intent,
  className = 'button primary',
  confirm,
  ariaLabel,
}: {
  children: ReactNode;
  intent?: string;
  className?: string;
  confirm?: string;
  /** When the visible label alone is ambiguous (one button per table row). */
  ariaLabel?: string;
}) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const pending =
    navigation.state === 'submitting' &&
    (intent === undefined || navigation.formData?.get('intent') === intent);
  return (
    <button
      type="submit"
      name={intent ? 'intent' : undefined}
      value={intent}
      className={className}
      disabled={pending}
      aria-busy={pending || undefined}
      aria-label={ariaLabel}
      onClick={
        confirm
          ? (e) => {
              if (!window.confirm(confirm)) e.preventDefault();
            }
          : undefined
      }
    >
      {pending ? t('common.loading') : children}
    </button>
  );
}

export function Notice({
  kind,
  children,
}: {
  kind: 'success' | 'error' | 'info';
  children: ReactNode;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
