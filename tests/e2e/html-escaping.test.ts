import { describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, baseUrl } from './support';

// "HTML in any text is escaped": a partner name typed into the registry form comes back from the
// production server's HTML (the page and the loader data inlined for hydration) only as text.

const PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(1)>';

async function post(path: string, form: Record<string, string>, cookie?: string) {
  return fetch(`${baseUrl()}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(form),
  });
}

describe('server-rendered HTML', () => {
  test('a hostile partner name is escaped on its page', async () => {
    const login = await post('/login', {
      email: 'secretariat@demo.example',
      password: DEMO_PASSWORD,
      redirectTo: '/secretariat',
    });
    expect(login.status).toBe(302);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const name = `${PAYLOAD} ${Date.now()}`;
    const created = await post(
      '/partners/new',
      {
        name,
        nameKana: 'えっくすえすえす',
        kind: 'npo',
        status: 'active',
        municipalityCode: '011002',
        serviceRadiusKm: '10',
        lat: '43.06',
        lng: '141.35',
        availability: PAYLOAD,
      },
      cookie,
    );
    expect(created.status).toBe(302);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/partners\/[0-9a-f-]{36}/);

    const page = await fetch(`${baseUrl()}${location}`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    // Shown, as text …
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    // … and never as markup, neither in the page nor in the inlined data.
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toContain('</script><img');
  });
});
