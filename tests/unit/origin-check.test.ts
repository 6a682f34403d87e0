import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originCheck } from '~/lib/http.server';

// A real HTTP server with the same middleware the app mounts before Remix.
let base = '';
let close: () => void = () => {};
beforeAll(async () => {
  const app = express();
  app.use(originCheck);
  app.all('*', (_req, res) => res.send('handled'));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  close = () => server.close();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => close());

describe('cross-origin state changes are refused', () => {
  it('refuses a POST whose Origin is another site', async () => {
    const res = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });
  it('refuses a POST whose Referer is another site when there is no Origin', async () => {
    const res = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { Referer: 'https://evil.example/page' },
    });
    expect(res.status).toBe(403);
  });
  it('accepts same-origin posts and any GET', async () => {
    const same = await fetch(`${base}/logout`, { method: 'POST', headers: { Origin: base } });
    expect(await same.text()).toBe('handled');
    const get = await fetch(`${base}/login`, { headers: { Origin: 'https://evil.example' } });
    expect(get.status).toBe(200);
  });
});
