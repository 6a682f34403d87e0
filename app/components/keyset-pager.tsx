import { Link, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/**
 * "Previous" / "next" links of a keyset-paginated list (see app/lib/keyset.server.ts). Filters and
 * sort in the URL are kept; only `after` / `before` change. `param` names the pair when a page
 * has more than one list.
 */
export function KeysetPager({
  next,
  prev,
  param = '',
}: {
  next: string | null;
  prev: string | null;
  param?: string;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const after = `${param}after`;
  const before = `${param}before`;
  if (!next && !prev) return null;
  const href = (name: string | null, cursor: string | null) => {
    const p = new URLSearchParams(params);
    p.delete(after);
    p.delete(before);
    if (name && cursor) p.set(name, cursor);
    const s = p.toString();
    return s ? `?${s}` : '?';
  };
  return (
    <nav className="pagination" aria-label={t('common.pages')}>
      {prev ? (
        <span>
          <Link to={href(null, null)}>{t('common.firstPage')}</Link>
          {' · '}
          <Link to={href(before, prev)} rel="prev">
            {t('common.previous')}
          </Link>
        </span>
      ) : (
        <span />
      )}
      {next ? (
        <Link to={href(after, next)} rel="next">
          {t('common.next')}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
