import { Form, useLocation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { TIE_RELATIONS } from '~/modules/dispatch/parties';
import { Notice, SubmitButton } from './forms';

export interface TieRow {
  id: string;
  relation: string;
  name: string;
  corporate_number: string | null;
  valid_from: string | null;
  valid_until: string | null;
  note: string;
}

/** A partner's declared ties (conflict-of-interest firewall): list, add, remove. */
export function TiesSection({ partnerId, ties }: { partnerId: string; ties: TieRow[] }) {
  const { t } = useTranslation();
  const tr = (k: string) => tKey(t, k);
  const [params] = useSearchParams();
  const location = useLocation();
  const redirectTo = location.pathname;
  const action = `/ties/${partnerId}`;
  return (
    <section className="section card" aria-labelledby="ties" id="ties-section">
      <h2 id="ties">{t('parties.tiesTitle')}</h2>
      <p className="hint">{t('parties.tiesHint')}</p>
      {params.get('tie') === 'added' ? (
        <Notice kind="success">{t('parties.tieAdded')}</Notice>
      ) : null}
      {params.get('tie') === 'removed' ? (
        <Notice kind="success">{t('parties.tieRemoved')}</Notice>
      ) : null}
      {params.get('tieError') ? (
        <Notice kind="error">{tKey(t, params.get('tieError'))}</Notice>
      ) : null}
      {ties.length === 0 ? (
        <p className="empty">{t('parties.tiesNone')}</p>
      ) : (
        <ul className="party-list">
          {ties.map((x) => (
            <li key={x.id}>
              <Form method="post" action={action} className="action-row">
                <span>
                  {tr(`parties.relations.${x.relation}`)}: <strong>{x.name}</strong>
                  {x.corporate_number ? ` (${x.corporate_number})` : ''}
                  {x.valid_from || x.valid_until
                    ? ` · ${x.valid_from ?? ''}〜${x.valid_until ?? ''}`
                    : ''}
                  {x.note ? ` · ${x.note}` : ''}
                </span>
                <input type="hidden" name="tieId" value={x.id} />
                <input type="hidden" name="redirectTo" value={redirectTo} />
                <SubmitButton
                  intent="removeTie"
                  className="button small"
                  confirm={t('parties.removeConfirm')}
                >
                  {t('parties.remove')}
                </SubmitButton>
              </Form>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" action={action} className="form-grid party-form">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <div className="field">
          <label htmlFor="tie-relation">{t('parties.relation')}</label>
          <select id="tie-relation" name="relation" defaultValue="funded_by">
            {TIE_RELATIONS.map((r) => (
              <option key={r} value={r}>
                {tr(`parties.relations.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tie-name">{t('parties.name')}</label>
          <input id="tie-name" name="name" type="text" required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="tie-cn">{t('parties.corporateNumber')}</label>
          <input
            id="tie-cn"
            name="corporateNumber"
            type="text"
            inputMode="numeric"
            maxLength={20}
          />
        </div>
        <div className="field">
          <label htmlFor="tie-from">{t('parties.validFrom')}</label>
          <input id="tie-from" name="validFrom" type="date" />
        </div>
        <div className="field">
          <label htmlFor="tie-until">{t('parties.validUntil')}</label>
          <input id="tie-until" name="validUntil" type="date" />
        </div>
        <div className="field">
          <label htmlFor="tie-note">{t('parties.note')}</label>
          <input id="tie-note" name="note" type="text" maxLength={500} />
        </div>
        <div className="field">
          <SubmitButton intent="addTie" className="button">
            {t('parties.add')}
          </SubmitButton>
        </div>
      </Form>
    </section>
  );
}
