import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { NonceProvider } from '~/components/nonce';
import { createI18n, type Locale, isLocale } from '~/i18n/i18n';
import { resolveLocale } from '~/i18n/locale.server';

export const streamTimeout = 5_000;

// One i18next instance per language for the whole process: rendering only reads it (the
// language is never changed on the server), and building one per request cost a few
// milliseconds of every page.
const instances = new Map<Locale, ReturnType<typeof createI18n>>();
function i18nFor(locale: Locale) {
  let i = instances.get(locale);
  if (!i) instances.set(locale, (i = createI18n(locale)));
  return i;
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  const rootData = remixContext.staticHandlerContext.loaderData?.root as
    { locale?: string } | undefined;
  const locale = isLocale(rootData?.locale) ? rootData.locale : await resolveLocale(request);
  const i18n = i18nFor(locale);
  const waitForAll = isbot(request.headers.get('user-agent') ?? '');

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce ?? ''}>
        <I18nextProvider i18n={i18n}>
          <RemixServer
            context={remixContext}
            url={request.url}
            abortDelay={streamTimeout}
            nonce={nonce}
          />
        </I18nextProvider>
      </NonceProvider>,
      {
        // React's own streaming scripts (Suspense boundaries) need it as much as Remix's.
        nonce,
        [waitForAll ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error('[banso] unhandled error', request.method, new URL(request.url).pathname, error);
}
