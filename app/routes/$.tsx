import { GeneralErrorBoundary } from '~/components/error-boundary';

export async function loader() {
  throw new Response('Not Found', { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return (
    <main id="main" className="container narrow">
      <GeneralErrorBoundary />
    </main>
  );
}
