import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { eq } from 'drizzle-orm';
import { closeDatabase, databaseLocation, first, openMigratedDatabase, type Db } from '../../db/client.ts';
import { users, type Role } from '../../db/schema/index.ts';
import { createUser, listUsers, updateUser } from '../auth/accounts.ts';
import { generatePassword } from '../auth/passwords.ts';
import { loadConfig } from '../config.ts';

// `observatoire user …`: accounts for operators and ministry teams. A password is never an
// argument (it would stay in the shell's history): it is generated and shown once, or read
// from standard input with --password-stdin.

async function readStdinLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function withDb<T>(use: (db: Db) => Promise<T> | T): Promise<T> {
  const db = await openMigratedDatabase(databaseLocation(loadConfig()));
  try {
    return await use(db);
  } finally {
    await closeDatabase(db);
  }
}

async function findByEmail(db: Db, email: string) {
  const user = await first(db.select().from(users).where(eq(users.email, email.trim().toLowerCase())));
  if (!user) throw new Error(`aucun compte pour ${email}`);
  return user;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('comptes des opérateurs et des équipes ministérielles');
  user
    .command('add')
    .description('crée un compte ; le mot de passe est généré et affiché une fois (ou lu sur l’entrée standard)')
    .argument('<email>', 'adresse électronique (identifiant de connexion)')
    .requiredOption('--name <nom>', 'nom affiché (personne ou équipe)')
    .option('--role <rôle>', 'operator ou team', 'team')
    .option('--ministry <slug>', 'ministère suivi (répétable)', collect)
    .option('--administration <slug>', 'administration suivie (répétable)', collect)
    .option('--password-stdin', 'lit le mot de passe sur l’entrée standard')
    .action(async (email: string, options: { name: string; role: string; ministry?: string[]; administration?: string[]; passwordStdin?: boolean }) => {
      if (options.role !== 'operator' && options.role !== 'team') throw new Error(`rôle inconnu « ${options.role} » (operator ou team)`);
      const password = options.passwordStdin ? await readStdinLine() : generatePassword();
      await withDb(async (db) => {
        const created = await createUser(db, { email, name: options.name, role: options.role as Role, scope: { ministries: options.ministry, administrations: options.administration }, password });
        const scope = [...created.scope.ministries, ...created.scope.administrations].join(', ');
        console.log(`Compte ${created.role === 'operator' ? 'opérateur' : 'équipe'} créé : ${created.email}${scope ? ` (périmètre : ${scope})` : ''}.`);
        if (!options.passwordStdin) console.log(`Mot de passe (affiché une seule fois) : ${password}`);
      });
    });
  user
    .command('list')
    .description('liste les comptes')
    .action(() =>
      withDb(async (db) => {
        for (const u of await listUsers(db)) {
          const state = u.disabledAt ? 'désactivé' : u.lockedUntil && u.lockedUntil > new Date() ? `verrouillé jusqu’à ${u.lockedUntil.toISOString()}` : 'actif';
          console.log(`${u.email}\t${u.role}\t${[...u.scope.ministries, ...u.scope.administrations].join(',') || '—'}\t${state}`);
        }
      }),
    );
  user
    .command('unlock')
    .description('déverrouille un compte bloqué par des mots de passe erronés')
    .argument('<email>')
    .action((email: string) =>
      withDb(async (db) => {
        await updateUser(db, (await findByEmail(db, email)).id, { unlock: true });
        console.log(`${email} déverrouillé.`);
      }),
    );
  user
    .command('reset-password')
    .description('remplace le mot de passe (généré et affiché une fois) et ferme les sessions du compte')
    .argument('<email>')
    .action((email: string) =>
      withDb(async (db) => {
        const password = generatePassword();
        await updateUser(db, (await findByEmail(db, email)).id, { password });
        console.log(`Nouveau mot de passe de ${email} (affiché une seule fois) : ${password}`);
      }),
    );
}
