#!/usr/bin/env node
// The crawler's browser checks and the browser tests drive Debian's Chromium (test tools cannot
// download their own browser here). Installs it when missing and we are root on Debian;
// otherwise says exactly what to do.
// `--optional` (npm start): a missing browser is not fatal — the product runs and reports the
// browser checks as "not measurable — no browser" — so this says so in one line and goes on.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const optional = process.argv.includes('--optional');
const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const give = (message) => {
  if (optional) {
    console.log(`${message} Sans lui, les contrôles « Adapté au mobile » et « Accessibilité (automatique) » seront « non mesurables — navigateur absent ».`);
    process.exit(0);
  }
  console.error(message);
  process.exit(1);
};
if (process.env.CHROMIUM_PATH || !isRoot || !existsSync('/usr/bin/apt-get')) {
  give(`Chromium is missing at ${path}. Install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
}
console.log("Chromium is missing: installing Debian's chromium package (apt-get)…");
try {
  const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
} catch (err) {
  give(`apt-get could not install chromium (${err.message.split('\n')[0]}).`);
}
if (!existsSync(path)) give(`apt-get finished but ${path} is still missing.`);
