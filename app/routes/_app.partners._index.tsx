import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { KeysetPager } from '~/components/keyset-pager';
import { PartnerFilterForm } from '~/components/partner-filter-form';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { formatDate } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePartnerFilters } from '~/modules/partners/filters';
import { listPartners, listPrefectures, tokyoToday } from '~/modules/partners/partners.server';

export const meta: MetaFunction = () => [{ title: 'パートナー / Partners' }];

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['secretariat', 'counselor']);
  const url = new URL(request.url);
  const f = parsePartnerFilters(url.searchParams);
  const [list, prefectures] = await Promise.all([
    listPartners(db, { filters: f, sort: f.sort, dir: f.dir, page: pageRequest(url, PAGE_SIZE) }),
    listPrefectures(db),
  ]);
  return {
    ...list,
    filters: f,
    prefectures,
    canEdit: user.role === 'secretariat',
    today: tokyoToday(),
  };
}

export default function PartnerList() {
  const { rows, total, next, prev, filters, prefectures, canEdit, today } =
    useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const navigation = useNavigation();
  const { search } = useLocation();
  const busy = navigation.state === 'loading' && navigation.location?.pathname === '/partners';
  return (
    <>
      <div className="page-head">
        <h1>{t('partners.title')}</h1>
        <Link to={`/partners/map${search}`} className="button">
          {t('partners.mapView')}
        </Link>
        <a href={`/partners.csv${search}`} className="button" download>
          {t('partnerImport.exportCsv')}
        </a>
        {canEdit ? (
          <Link to="/partners/import" className="button">
            {t('partnerImport.importCsv')}
          </Link>
        ) : null}
        {canEdit ? (
          <Link to="/partners/new" className="button primary">
            {t('partners.newPartner')}
          </Link>
        ) : null}
      </div>
      <PartnerFilterForm
        filters={filters}
        prefectures={prefectures}
        clearTo="/partners"
        summary={busy ? t('common.loading') : t('partners.count', { total })}
      >
        <label>
          <span>{t('partners.sort')}</span>
          <select name="sort" defaultValue={filters.sort}>
            <option value="name">{t('partners.sortName')}</option>
            <option value="updated">{t('partners.sortUpdated')}</option>
            <option value="prefecture">{t('partners.sortPrefecture')}</option>
            <option value="status">{t('partners.sortStatus')}</option>
          </select>
        </label>
      </PartnerFilterForm>
      {rows.length === 0 ? (
        <p className="empty">{t('partners.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('partners.name')}</th>
                <th scope="col">{t('partners.kind')}</th>
                <th scope="col">{t('partners.municipality')}</th>
                <th scope="col">{t('partners.language')}</th>
                <th scope="col">{t('partners.mouState')}</th>
                <th scope="col">{t('partners.status')}</th>
                <th scope="col">{t('partners.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/partners/${p.id}`}>{p.name}</Link>
                    <div className="muted">{p.name_kana}</div>
                  </td>
                  <td>{t(`partnerKinds.${p.kind}`)}</td>
                  <td>
                    {p.prefecture_name ?? ''}
                    {p.municipality_name ?? ''}
                  </td>
                  <td>
                    {p.languages.map((l) => t(`languages.${l}` as 'languages.ja')).join('・')}
                  </td>
                  <td>
                    {p.mou_active
                      ? p.mou_until
                        ? t('partners.mouUntil', { date: formatDate(p.mou_until, locale) })
                        : t('partners.mouOpenEnded')
                      : t('partners.noMou')}
                    {p.trained_until && p.trained_until >= today ? (
                      <div className="muted">
                        {t('training.trainedUntil', { date: formatDate(p.trained_until, locale) })}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <span className={`status status-${p.status}`}>
                      {t(`partnerStatuses.${p.status}`)}
                    </span>
                  </td>
                  <td>{formatDate(p.updated_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <KeysetPager next={next} prev={prev} />
    </>
  );
}
