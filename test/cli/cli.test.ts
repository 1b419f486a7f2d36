import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';

const BIN = new URL('../../bin/observatoire.js', import.meta.url).pathname;
const CATALOGUE = new URL('../../fixtures/catalogue.csv', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'observatoire-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `observatoire` command; never throws, returns its exit code and output. */
async function run(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function dump(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('select id, title, administration_id, retired_at, updated_at from procedures order by id').all();
  } finally {
    db.close();
  }
}

describe('observatoire --help', () => {
  it.concurrent.each([[[]], [['db']], [['db', 'migrate']], [['catalogue']], [['catalogue', 'validate']], [['catalogue', 'import']], [['serve']]])(
    'documents %j',
    async (command) => {
      const { code, stdout } = await run([...command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: observatoire/);
      expect(stdout).toContain("-h, --help");
      expect(stdout).toContain("affiche l'aide");
    },
  );

  it('refuses an unknown command with its help', async () => {
    const { code, stderr } = await run(['frobnicate']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('observatoire catalogue', () => {
  it('validates the demo catalogue', async () => {
    const { code, stdout } = await run(['catalogue', 'validate', CATALOGUE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/est valide : 250 démarches, 17 ministères, 65 administrations/);
  });

  it('lists every broken row with its line number, exits non-zero, and an import of that file changes nothing', async () => {
    const db = join(dir, 'broken.sqlite');
    expect((await run(['catalogue', 'import', CATALOGUE], { OBSERVATOIRE_DB: db })).code).toBe(0);
    const before = dump(db);

    const lines = (await import('node:fs')).readFileSync(CATALOGUE, 'utf8').trimEnd().split('\n');
    lines[1] = lines[1]!.replace('Déclaration de succession', 'Succession (renommée)'); // a valid change
    lines[4] = lines[4]!.replace(',particuliers,', ',touristes,');
    lines[9] = lines[9]!.replace(/http:\/\/[^,]+/, 'not-a-url');
    lines[20] = lines[20]!.replace(/^\d+/, '101'); // id of line 2
    lines.splice(30, 1); // a procedure missing from the file would be retired
    const file = join(dir, 'broken.csv');
    writeFileSync(file, lines.join('\n') + '\n');

    const validate = await run(['catalogue', 'validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(`${file}:5: public inconnu : touristes`);
    expect(validate.stderr).toMatch(new RegExp(`${file}:10: URL de départ « not-a-url » invalide`));
    expect(validate.stderr).toContain(`${file}:21: identifiant 101 déjà utilisé ligne 2`);
    expect(validate.stderr).toMatch(/3 erreurs sur 3 lignes : le fichier est refusé en entier/);

    const imported = await run(['catalogue', 'import', file], { OBSERVATOIRE_DB: db });
    expect(imported.code).toBe(1);
    expect(dump(db)).toEqual(before);
  });

  it('imports, then reports a re-import as unchanged', async () => {
    const db = join(dir, 'twice.sqlite');
    const first = await run(['catalogue', 'import', CATALOGUE], { OBSERVATOIRE_DB: db });
    expect(first.stdout).toMatch(/250 ajoutées/);
    const second = await run(['catalogue', 'import', CATALOGUE], { OBSERVATOIRE_DB: db });
    expect(second.stdout).toMatch(/0 ajoutée, 0 modifiée, 0 rétablie, 0 retirée, 250 inchangées/);
  });

  it('refuses a file of another format', async () => {
    const file = join(dir, 'catalogue.xlsx');
    writeFileSync(file, 'x');
    const { code, stderr } = await run(['catalogue', 'validate', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/format inconnu « \.xlsx »/);
  });
});

describe('observatoire db migrate', () => {
  it('creates the database file', async () => {
    const db = join(dir, 'new', 'observatoire.sqlite');
    const { code, stdout } = await run(['db', 'migrate'], { OBSERVATOIRE_DB: db });
    expect(code).toBe(0);
    expect(stdout).toContain(`Base à jour : ${db}`);
    expect(dump(db)).toEqual([]);
  });

  it('stops with a clear message on a bad configuration', async () => {
    const { code, stderr } = await run(['db', 'migrate'], { PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration:\n\s+PORT: must be integer \(got "abc"\)/);
  });
});

describe('observatoire user', () => {
  it('creates a team account with a generated password shown once, lists it, refuses an unknown ministry', async () => {
    const db = join(dir, 'users.sqlite');
    expect((await run(['catalogue', 'import', CATALOGUE], { OBSERVATOIRE_DB: db })).code).toBe(0);
    const added = await run(['user', 'add', 'Agent@Interieur.Gouv.fr', '--name', 'Équipe ANTS', '--ministry', 'interieur'], { OBSERVATOIRE_DB: db });
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Compte équipe créé : agent@interieur.gouv.fr (périmètre : interieur)');
    const password = /Mot de passe \(affiché une seule fois\) : (\S+)/.exec(added.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    const row = new Database(db, { readonly: true }).prepare('select password_hash from users').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(password);
    const listed = await run(['user', 'list'], { OBSERVATOIRE_DB: db });
    expect(listed.stdout).toMatch(/agent@interieur\.gouv\.fr\tteam\tinterieur\tactif/);
    const unknown = await run(['user', 'add', 'x@y.fr', '--name', 'X', '--ministry', 'atlantide'], { OBSERVATOIRE_DB: db });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ministry "atlantide"');
  }, 60_000);
});
