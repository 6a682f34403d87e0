import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/** One error page for every route: 403, 404 and a catch-all that never shows a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  let title = t('errors.unexpectedTitle');
  let body = t('errors.unexpected');
  let status = 500;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (error.status === 403) {
      title = t('errors.forbiddenTitle');
      body = t('errors.forbidden');
    } else if (error.status === 404) {
      title = t('errors.notFoundTitle');
      body = t('errors.notFoundBody');
    } else if (error.status === 400) {
      title = t('errors.badRequest');
      body = '';
    }
  }
  return (
    <div className="error-page" role="alert">
      <p className="error-status">{status}</p>
      <h1>{title}</h1>
      {body ? <p>{body}</p> : null}
      <p>
        <Link to="/">{t('errors.goHome')}</Link>
      </p>
    </div>
  );
}
