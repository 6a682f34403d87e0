import { Form, Link, useLocation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, PARTNER_KINDS, PARTNER_STATUSES, SPECIALTIES } from '~/modules/partners/codes';

export interface FilterValues {
  q?: string;
  kind?: string;
  status?: string;
  prefecture?: number;
  language?: string;
  specialty?: string;
  mou?: string;
  trained?: string;
}

/** The registry filters, shared by the list and the map (GET form: links stay shareable). */
export function PartnerFilterForm({
  filters,
  prefectures,
  clearTo,
  summary,
  children,
}: {
  filters: FilterValues;
  prefectures: { code: number; name: string; name_en: string }[];
  clearTo: string;
  summary: string;
  /** extra controls (e.g. sort order on the list) */
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  // Uncontrolled inputs: a new key on every navigation shows what the URL says (e.g. after clearing).
  const { search } = useLocation();
  const select = (
    name: keyof FilterValues,
    label: string,
    options: { value: string | number; label: string }[],
  ) => (
    <label>
      <span>{label}</span>
      <select name={name} defaultValue={filters[name] ?? ''}>
        <option value="">{t('common.all')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <Form
      key={search}
      method="get"
      className="filters"
      role="search"
      aria-label={t('common.filter')}
    >
      <div className="filter-grid">
        <label>
          <span>{t('partners.search')}</span>
          <input type="search" name="q" defaultValue={filters.q ?? ''} />
        </label>
        {select(
          'kind',
          t('partners.kind'),
          PARTNER_KINDS.map((k) => ({ value: k, label: t(`partnerKinds.${k}`) })),
        )}
        {select(
          'prefecture',
          t('partners.prefecture'),
          prefectures.map((p) => ({
            value: p.code,
            label: i18n.language === 'en' ? p.name_en : p.name,
          })),
        )}
        {select(
          'language',
          t('partners.language'),
          LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) })),
        )}
        {select(
          'specialty',
          t('partners.specialty'),
          SPECIALTIES.map((s) => ({ value: s, label: t(`specialties.${s}`) })),
        )}
        {select(
          'status',
          t('partners.status'),
          PARTNER_STATUSES.map((s) => ({ value: s, label: t(`partnerStatuses.${s}`) })),
        )}
        {select('mou', t('partners.mouState'), [
          { value: 'active', label: t('partners.mouActive') },
          { value: 'none', label: t('partners.mouNone') },
          { value: 'expiring', label: t('partners.mouExpiring') },
        ])}
        {select('trained', t('training.trainedState'), [
          { value: 'yes', label: t('training.trained') },
          { value: 'no', label: t('training.untrained') },
        ])}
        {children}
      </div>
      <div className="filter-actions">
        <button type="submit" className="button primary">
          {t('partners.apply')}
        </button>
        <Link to={clearTo}>{t('partners.clear')}</Link>
        <span className="muted" aria-live="polite">
          {summary}
        </span>
      </div>
    </Form>
  );
}
