import type { FieldMetadata } from '@conform-to/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldErrors } from './forms';

export interface Municipality {
  code: string;
  name: string;
  lat: number;
  lng: number;
}

/**
 * Prefecture → municipality, the municipality list loaded per prefecture from
 * /resources/municipalities (reference data shipped with the app). `onChange` also gets the
 * municipality's office location, for forms that place a pin from it.
 */
export function MunicipalityPicker({
  field,
  prefectures,
  initialPrefecture = null,
  initialMunicipalities = [],
  value,
  onChange,
}: {
  field: FieldMetadata<any>;
  prefectures: { code: number; name: string; name_en: string }[];
  initialPrefecture?: number | null;
  initialMunicipalities?: Municipality[];
  value: string;
  onChange: (code: string, municipality: Municipality | undefined, all: Municipality[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const [prefecture, setPrefecture] = useState<number | null>(initialPrefecture);
  const [list, setList] = useState<Municipality[]>(initialMunicipalities);

  useEffect(() => {
    if (!prefecture) return setList([]);
    // The server already sent the list for the initial prefecture.
    if (prefecture === initialPrefecture && initialMunicipalities.length)
      return setList(initialMunicipalities);
    let live = true;
    fetch(`/resources/municipalities?prefecture=${prefecture}`)
      .then((r) => (r.ok ? (r.json() as Promise<Municipality[]>) : []))
      .then((l) => live && setList(l))
      .catch(() => live && setList([]));
    return () => {
      live = false;
    };
    // Only the prefecture drives the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prefecture]);

  return (
    <>
      <div className="field">
        <label htmlFor={`${field.id}-prefecture`}>{t('partners.prefecture')}</label>
        <select
          id={`${field.id}-prefecture`}
          value={prefecture ?? ''}
          onChange={(e) => {
            setPrefecture(e.target.value ? Number(e.target.value) : null);
            onChange('', undefined, []);
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
        <label htmlFor={field.id}>
          {t('partners.municipality')}
          <span className="req"> ({t('common.required')})</span>
        </label>
        <select
          id={field.id}
          name={field.name}
          value={value}
          required
          onChange={(e) =>
            onChange(
              e.target.value,
              list.find((m) => m.code === e.target.value),
              list,
            )
          }
          aria-invalid={field.errors ? true : undefined}
          aria-describedby={field.errors ? field.errorId : undefined}
        >
          <option value="">{t('partners.selectMunicipality')}</option>
          {list.map((m) => (
            <option key={m.code} value={m.code}>
              {m.name}
            </option>
          ))}
        </select>
        <FieldErrors id={field.errorId} errors={field.errors} />
      </div>
    </>
  );
}

/** Checkboxes for a list of codes (languages, specialties), labelled from the catalog. */
export function CodeCheckboxes({
  name,
  legend,
  codes,
  labelPrefix,
  checked,
  legendHidden = false,
}: {
  name: string;
  legend: string;
  codes: readonly string[];
  labelPrefix: string;
  checked: readonly string[];
  legendHidden?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="check-grid">
      <legend className={legendHidden ? 'visually-hidden' : undefined}>{legend}</legend>
      {codes.map((c) => (
        <label key={c} className="check">
          <input type="checkbox" name={name} value={c} defaultChecked={checked.includes(c)} />
          {(t as unknown as (k: string) => string)(`${labelPrefix}.${c}`)}
        </label>
      ))}
    </fieldset>
  );
}
