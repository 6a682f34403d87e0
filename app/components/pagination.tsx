import { Link, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

export function Pagination({
  page,
  pageSize,
  total,
}: {
  page: number;
  pageSize: number;
  total: number;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    return `?${next.toString()}`;
  };
  return (
    <nav className="pagination" aria-label="pagination">
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          {t('common.previous')}
        </Link>
      ) : (
        <span />
      )}
      <span>{t('common.pageOf', { page, pages, total })}</span>
      {page < pages ? (
        <Link to={href(page + 1)} rel="next">
          {t('common.next')}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** `?page=` as a positive integer; anything else is page 1. */
export function pageParam(url: URL): number {
  const n = Number(url.searchParams.get('page'));
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}
