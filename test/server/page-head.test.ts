import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildCheckedServer } from '../helpers/server.ts';
import { createDemoDb } from '../helpers/db.ts';

// Each page's HTML carries its own title, description and Open Graph tags, before any script runs.

let app: FastifyInstance;
const webRoot = mkdtempSync(join(tmpdir(), 'observatoire-head-'));

beforeAll(async () => {
  copyFileSync(new URL('../../web/index.html', import.meta.url), join(webRoot, 'index.html'));
  app = await buildCheckedServer({ db: await createDemoDb(), appInfo: { version: 'test', demo: true }, logLevel: 'silent', webRoot });
});
afterAll(async () => {
  await app.close();
  rmSync(webRoot, { recursive: true, force: true });
});

const head = async (path: string) => {
  const res = await app.inject(path);
  const html = res.body;
  const meta = (name: string) => new RegExp(`<meta (?:name|property)="${name}" content="([^"]*)" />`).exec(html)?.[1];
  return { status: res.statusCode, title: /<title>([^<]*)<\/title>/.exec(html)?.[1], description: meta('description'), ogTitle: meta('og:title'), ogUrl: meta('og:url'), ogCount: html.match(/property="og:title"/g)?.length ?? 0 };
};

describe('page heads', () => {
  it('name the procedure, the ministry or the page, once each, with Open Graph tags', async () => {
    expect(await head('/demarches/102')).toEqual({
      status: 200,
      title: 'Déclaration des revenus — Fiche démarche — Observatoire de la qualité des démarches en ligne',
      description: expect.stringMatching(/^Déclaration des revenus \(Direction générale des Finances publiques \(DGFiP\)\) : ses résultats/),
      ogTitle: 'Déclaration des revenus — Fiche démarche — Observatoire de la qualité des démarches en ligne',
      ogUrl: 'http://127.0.0.1:3000/demarches/102',
      ogCount: 1,
    });
    expect(await head('/syntheses/ministere/interieur')).toMatchObject({ status: 200, title: expect.stringMatching(/^Ministère de l(’|'|&#39;)Intérieur — Synthèse — /), ogCount: 1 });
    expect(await head('/methodologie')).toMatchObject({ title: 'Méthodologie — Observatoire de la qualité des démarches en ligne', description: expect.stringContaining('Ce que mesure chaque critère'), ogCount: 1 });
  });

  it('leave an unknown procedure and a private page with the site’s own head (the app says 404 or asks to log in)', async () => {
    for (const path of ['/demarches/999999', '/espace', '/syntheses/ministere/inconnu']) {
      expect(await head(path)).toMatchObject({ status: 200, title: 'Observatoire de la qualité des démarches en ligne', ogCount: 1 });
    }
  });
});
