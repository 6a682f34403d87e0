import { type ReactNode, useEffect, useState } from 'react';

/** Renders children only in the browser, after hydration (Leaflet needs `window`). */
export function ClientOnly({
  children,
  fallback,
}: {
  children: () => ReactNode;
  fallback: ReactNode;
}) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return <>{hydrated ? children() : fallback}</>;
}
