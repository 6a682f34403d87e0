import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

export interface ChoiceFilters {
  prefecture?: number;
  untrained: boolean;
  name?: string;
}

/** GET form that narrows the partners offered for an invitation (kept in the URL). */
export function ChooserFilter({
  filters,
  prefectures,
}: {
  filters: ChoiceFilters;
  prefectures: { code: number; name: string; name_en: string }[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <Form method="get" className="filters chooser-filter" preventScrollReset>
      <label>
        {t('chooser.prefecture')}
        <select name="pref" defaultValue={filters.prefecture ?? ''}>
          <option value="">{t('chooser.allPrefectures')}</option>
          {prefectures.map((p) => (
            <option key={p.code} value={p.code}>
              {i18n.language === 'en' ? p.name_en : p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('chooser.name')}
        <input type="search" name="name" defaultValue={filters.name ?? ''} maxLength={100} />
      </label>
      <label className="check">
        <input type="checkbox" name="untrained" value="1" defaultChecked={filters.untrained} />
        {t('chooser.untrainedOnly')}
      </label>
      <button type="submit" className="button">
        {t('chooser.narrow')}
      </button>
    </Form>
  );
}

/** Checkboxes (name partnerIds) for the partners the filter found, all ticked to start with. */
export function PartnerCheckboxes({
  rows,
  total,
}: {
  rows: { id: string; name: string; prefecture: string | null; prefecture_en: string | null }[];
  total: number;
}) {
  const { t, i18n } = useTranslation();
  if (!rows.length) return <p className="empty">{t('chooser.none')}</p>;
  return (
    <fieldset className="fieldset chooser">
      <legend>{t('chooser.legend', { shown: rows.length, total })}</legend>
      <div className="chooser-list">
        {rows.map((p) => (
          <label key={p.id} className="check">
            <input type="checkbox" name="partnerIds" value={p.id} defaultChecked />
            {p.name}
            <span className="hint"> {i18n.language === 'en' ? p.prefecture_en : p.prefecture}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
