// Serving the web app: client routes answer index.html (never cached), hashed assets are
// cached for a year and read at request time (a rebuild needs no restart), /api paths keep
// their 404 problem+json, and without a build the client routes say how to build.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installProblemHandlers } from './problem.ts';
import { WEB_CSP, webApp } from './web.ts';

async function appWith(dist: string) {
  const app = Fastify({ logger: false });
  installProblemHandlers(app);
  await app.register(webApp(dist));
  return app;
}

function fakeBuild(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'beian-web-')) + path.sep;
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>备案</title><div id="root"></div>');
  writeFileSync(path.join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  return dist;
}

describe('web app serving', () => {
  it('answers client routes with index.html and assets with long caching', async () => {
    const dist = fakeBuild();
    const app = await appWith(dist);
    for (const url of ['/', '/record/%E7%B2%A4ICP%E5%A4%872024000001%E5%8F%B7-2A', '/host/applications/x/edit', '/bureau/dashboard', '/admin', '/login']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
    const js = await app.inject({ url: '/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // A rebuild adds files; they are served without a restart.
    writeFileSync(path.join(dist, 'assets', 'index-def.js'), 'console.log(2)');
    expect((await app.inject({ url: '/assets/index-def.js' })).statusCode).toBe(200);
    await app.close();
  });

  it('answers every route src/web/main.tsx declares, so reloading any page works (whatever the Accept header)', async () => {
    const main = readFileSync(fileURLToPath(new URL('../web/main.tsx', import.meta.url)), 'utf8');
    const routes = [...main.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => m[1]!).filter((r) => r !== '*');
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContain('/reset-password');
    const app = await appWith(fakeBuild());
    for (const route of routes) {
      const url = route.replace(/:(\w+)/g, 'x-$1');
      const res = await app.inject({ url, headers: { accept: 'application/json' } });
      expect(res.statusCode, route).toBe(200);
      expect(res.body, route).toContain('<div id="root">');
    }
    await app.close();
  });

  it('gives a browser the app (which says not found) for an unknown page, with status 404; API paths keep problem+json', async () => {
    const app = await appWith(fakeBuild());
    const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    for (const url of ['/no-such-page', '/host-typo/x', '/record']) {
      const res = await app.inject({ url, headers: { accept: html } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.headers['content-security-policy'], url).toBe(WEB_CSP);
      expect(res.body, url).toContain('<div id="root">');
    }
    for (const url of ['/api/nothing', '/api/public/v1/unknown', '/assets/missing.js', '/api']) {
      const res = await app.inject({ url, headers: { accept: html } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
    const script = await app.inject({ url: '/no-such-page', headers: { accept: 'application/json' } });
    expect(script.headers['content-type']).toContain('application/problem+json');
    expect(script.json()).toMatchObject({ code: 'not_found' });
    await app.close();
  });

  it('leaves unknown API paths and files to the 404 problem+json', async () => {
    const app = await appWith(fakeBuild());
    for (const url of ['/api/nothing', '/api/public/v1/unknown', '/assets/missing.js', '/.inputs-hash', '/index.html']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
    await app.close();
  });

  it('says how to build when there is no build', async () => {
    const app = await appWith(mkdtempSync(path.join(tmpdir(), 'beian-none-')) + path.sep);
    const res = await app.inject({ url: '/host' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await app.close();
  });

  it('sends a strict Content-Security-Policy with every page: scripts from this origin only, no framing', async () => {
    const app = await appWith(fakeBuild());
    const res = await app.inject({ url: '/host' });
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    const directives = new Map(WEB_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(WEB_CSP).not.toMatch(/unsafe-eval/);
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    const unbuilt = await appWith(mkdtempSync(path.join(tmpdir(), 'beian-none-')) + path.sep);
    expect((await unbuilt.inject({ url: '/' })).headers['content-security-policy']).toBe(WEB_CSP);
    await app.close();
    await unbuilt.close();
  });

  it('the web app needs no inline script under that policy (source index.html and, when built, the build)', () => {
    const pages = [fileURLToPath(new URL('../web/index.html', import.meta.url))];
    const built = fileURLToPath(new URL('../web/dist/index.html', import.meta.url));
    if (existsSync(built)) pages.push(built);
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length, file).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs, file).toMatch(/\bsrc=/);
        expect((body ?? '').trim(), file).toBe('');
      }
      expect(html, file).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
      expect(html, file).not.toMatch(/javascript:/i);
    }
  });
});
