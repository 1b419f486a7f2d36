import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/observatoire.js', import.meta.url).pathname;
const run = (args: string[]) => promisify(execFile)(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, OBSERVATOIRE_DEMO: 'auto' } });

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="fr"><head><title>Carte grise</title><meta name="viewport" content="width=device-width"></head>
<body><main><h1>Carte grise</h1><p>FAQ : la connexion avec FranceConnect arrive bientôt. Service 100 % en ligne.</p>
<a href="/demarche">Faire ma demande en ligne</a></main><footer>Accessibilité : non conforme</footer></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => server.close());

describe('observatoire check', () => {
  it('prints the JSON of docs/check-json.md for a demo site', async () => {
    const { stdout } = await run(['check', '--json', 'http://declaration-revenus.demarches.test/']);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      url: 'http://declaration-revenus.demarches.test/',
      finalUrl: 'http://declaration-revenus.demarches.test/',
      httpStatus: 200,
      fetchedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(Object.keys(result.checks).sort()).toEqual(['a11y_auto', 'auth', 'dlnuf', 'handicap', 'mobile', 'online', 'performance']);
    expect(result.checks.online).toEqual({ status: 'measured', value: expect.stringMatching(/^(Oui|Partiel|Non)$/) });
    expect(result.checks.performance).toEqual({ status: 'measured', value: expect.any(Number) });
    expect(result.checks.handicap).toEqual(expect.objectContaining({ status: 'measured', value: expect.any(Number), state: expect.any(String), statementUrl: expect.any(String) }));
    expect(result.checks.dlnuf).toEqual(expect.objectContaining({ status: 'measured', fields: expect.any(Array) }));
  }, 60_000);

  it('refuses a loopback address unless --allow-private, then is not fooled by a mention in an FAQ', async () => {
    const blocked = JSON.parse((await run(['check', '--json', base])).stdout);
    expect(blocked.checks.online).toMatchObject({ status: 'unmeasurable', reason: 'blocked' });
    expect(blocked.httpStatus).toBeNull();

    const allowed = JSON.parse((await run(['check', '--json', '--allow-private', base])).stdout);
    expect(allowed.httpStatus).toBe(200);
    expect(allowed.checks.online).toEqual({ status: 'measured', value: 'Oui' });
    // No statement: no rate invented (value null), the state from the footer, the flag says why.
    expect(allowed.checks.handicap).toMatchObject({ status: 'measured', value: null, reason: 'no_statement', statement: 'missing', state: 'non conforme', statementUrl: null });
    expect(allowed.checks.mobile).toEqual({ status: 'measured', value: 'Oui' });
  }, 60_000);

  it('checks several URLs in one run, one JSON object per line in the order given', async () => {
    const { stdout } = await run(['check', '--json', '--allow-private', base, `${base}autre`]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.url)).toEqual([base, `${base}autre`]);
    expect(lines[0].checks.online).toEqual({ status: 'measured', value: 'Oui' });
  }, 60_000);

  it('refuses a malformed URL with a clear message', async () => {
    await expect(run(['check', 'pas-une-url'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/URL invalide : pas-une-url/) });
  });
});
