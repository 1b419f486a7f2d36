#!/usr/bin/env node
// The crawler's browser checks and the browser tests drive Debian's Chromium (test tools cannot
// download their own browser here). Installs it when missing and we are root on Debian;
// otherwise says exactly what to do.
// `--optional` (npm start): a missing browser is not fatal — the product runs and reports the
// browser checks as "not measurable — no browser" — so this says so in one line and goes on.
// `--postgres` (npm test): PostgreSQL's server programs too, for the tests that run a second time
// on PostgreSQL (they start a throwaway cluster of their own; no service is started here).
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const optional = process.argv.includes('--optional');
const postgres = process.argv.includes('--postgres');
const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasPostgres = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));

const missing = [];
if (!existsSync(path)) missing.push('chromium');
if (postgres && !hasPostgres()) missing.push('postgresql');
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const give = (message) => {
  if (optional) {
    console.log(`${message} Sans lui, les contrôles « Adapté au mobile » et « Accessibilité (automatique) » seront « non mesurables — navigateur absent ».`);
    process.exit(0);
  }
  console.error(message);
  process.exit(1);
};
const what = missing.map((p) => (p === 'chromium' ? `Chromium (${path})` : "PostgreSQL's server programs (/usr/lib/postgresql/*/bin)")).join(' and ');
if ((missing.includes('chromium') && process.env.CHROMIUM_PATH) || !isRoot || !existsSync('/usr/bin/apt-get')) {
  give(`${what} missing. Install Debian's packages (sudo apt-get install -y ${missing.join(' ')})${missing.includes('chromium') ? ' or set CHROMIUM_PATH' : ''}.`);
}
console.log(`${what} missing: installing Debian's ${missing.join(' and ')} (apt-get)…`);
try {
  const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
} catch (err) {
  give(`apt-get could not install ${missing.join(' and ')} (${err.message.split('\n')[0]}).`);
}
if (!existsSync(path)) give(`apt-get finished but ${path} is still missing.`);
if (postgres && !hasPostgres()) give("apt-get finished but PostgreSQL's initdb is still missing.");
