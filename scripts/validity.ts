import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agreement, CORPUS_DIR, formatReport, loadCases, runValidity, THRESHOLD } from '../test/helpers/real-world.ts';

// `npm run validity`: every real-world case checked as a user would (observatoire check --json),
// the agreement per criterion with the careful reader's labels, and every disagreement with its why.

const only = process.argv.slice(2);
const unlabelled = (id: string) => !existsSync(join(CORPUS_DIR, id, 'label.json'));
const cases = loadCases(undefined, (id) => (only.length === 0 || only.some((prefix) => id.startsWith(prefix))) && !unlabelled(id));
console.error(`${cases.length} cas du corpus réel…`);
const started = Date.now();
const { verdicts } = await runValidity(cases);
const rows = agreement(verdicts);
console.log(formatReport(rows, verdicts));
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s ; seuil ${100 * THRESHOLD} % par critère)`);
const below = rows.filter((r) => !r.criterion.startsWith(' ') && r.criterion !== 'toutes lectures' && r.rate < THRESHOLD);
process.exitCode = below.length ? 1 : 0;
