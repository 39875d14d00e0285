import { startTestApp, type TestApp } from '../support/test-app.js';

/** How the app serves the web UI beside the API (no browser needed for these). */
describe('serving the web UI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['/', 'Order pizza'],
    ['/track/0b7f3c1e-8a52-4d3e-9a35-6f1c2d4e5a6b', 'Your order'],
    ['/kitchen', 'Kitchen board'],
    ['/dashboard', 'Dashboard'],
  ])('serves %s as an HTML page that revalidates', async (path, title) => {
    const res = await t.http().get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain(`<title>${title}`);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves the scripts and styles as files, and leaves every other path to the API', async () => {
    const script = await t.http().get('/js/api.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await t.http().get('/css/app.css')).headers['content-type']).toMatch(/^text\/css/);

    const missing = await t.http().get('/js/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    const menu = await t.http().get('/menu');
    expect(menu.status).toBe(200);
    expect(menu.body.pizzas.length).toBeGreaterThan(0);
    expect((await t.http().post('/').send({})).status).toBe(404);
  });
});
