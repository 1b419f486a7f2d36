import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { administrations, ministries, observations, procedures } from '../../db/schema/index.ts';
import { catalogueRow, createTestDb } from '../helpers/db.ts';
import { first } from '../../db/client.ts';

describe('importCatalogue', () => {
  it('adds procedures with their ministry and administration', async () => {
    const db = await createTestDb();
    const summary = await importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2, administration: 'Préfectures' })]);
    expect(summary).toMatchObject({ added: [1, 2], updated: [], retired: [], unchanged: 0, ministriesAdded: 1, administrationsAdded: 2 });
    expect(await db.select().from(ministries)).toEqual([{ id: 1, slug: 'interieur', name: "Ministère de l'Intérieur" }]);
    expect((await db.select({ slug: administrations.slug }).from(administrations).orderBy(administrations.id)).map((a) => a.slug)).toEqual(['ants', 'prefectures']);
  });

  it('changes nothing when the same file is imported again', async () => {
    const db = await createTestDb();
    const rows = [catalogueRow({ id: 1 }), catalogueRow({ id: 2 })];
    await importCatalogue(db, rows, { now: new Date('2026-01-01') });
    const before = await db.select().from(procedures).orderBy(procedures.id);
    const summary = await importCatalogue(db, rows, { now: new Date('2026-02-01') });
    expect(summary).toMatchObject({ added: [], updated: [], retired: [], restored: [], unchanged: 2, ministriesAdded: 0, administrationsAdded: 0 });
    expect(await db.select().from(procedures).orderBy(procedures.id)).toEqual(before);
  });

  it('keeps the id and the history of a renamed procedure', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 7, title: 'Carte grise' })]);
    await db.insert(observations)
      .values({ procedureId: 7, criterion: 'online', observedAt: new Date(), status: 'measured', valueText: 'Oui', evidence: { url: 'http://x.test/', tool: 'test', toolVersion: '1' } });
    const summary = await importCatalogue(db, [catalogueRow({ id: 7, title: "Certificat d'immatriculation" })]);
    expect(summary.updated).toEqual([7]);
    expect((await first(db.select().from(procedures).where(eq(procedures.id, 7))))?.title).toBe("Certificat d'immatriculation");
    expect(await db.select().from(observations).where(eq(observations.procedureId, 7))).toHaveLength(1);
  });

  it('retires a procedure absent from the new file, and restores it when it comes back', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2 })]);
    const retiredAt = new Date('2026-03-01T00:00:00Z');
    expect((await importCatalogue(db, [catalogueRow({ id: 1 })], { now: retiredAt })).retired).toEqual([2]);
    expect((await first(db.select().from(procedures).where(eq(procedures.id, 2))))?.retiredAt).toEqual(retiredAt);
    expect((await importCatalogue(db, [catalogueRow({ id: 1 })])).retired).toEqual([]);
    const back = await importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2 })]);
    expect(back.restored).toEqual([2]);
    expect((await first(db.select().from(procedures).where(eq(procedures.id, 2))))?.retiredAt).toBeNull();
  });

  it('moves an administration to the ministry the new file gives it', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 1, administration: 'Agence X (AX)', ministry: "Ministère de l'Intérieur" })]);
    const summary = await importCatalogue(db, [catalogueRow({ id: 1, administration: 'Agence X (AX)', ministry: 'Ministère de la Justice' })]);
    expect(summary.updated).toEqual([]);
    expect(summary.unchanged).toBe(1);
    const justice = await first(db.select().from(ministries).where(eq(ministries.slug, 'justice')));
    expect((await first(db.select().from(administrations).where(eq(administrations.slug, 'ax'))))?.ministryId).toBe(justice?.id);
  });

  it('writes nothing on a dry run but reports what would change', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 1 })]);
    const summary = await importCatalogue(db, [catalogueRow({ id: 1, title: 'Nouveau titre' }), catalogueRow({ id: 2 })], { dryRun: true });
    expect(summary).toMatchObject({ added: [2], updated: [1] });
    expect((await db.select().from(procedures)).map((p) => [p.id, p.title])).toEqual([[1, 'Démarche de test 1']]);
  });

  it('leaves the database as it was when a row cannot be written', async () => {
    const db = await createTestDb();
    await importCatalogue(db, [catalogueRow({ id: 1 })]);
    const bad = { ...catalogueRow({ id: 3 }), title: null as unknown as string };
    await expect(importCatalogue(db, [catalogueRow({ id: 1, title: 'Renommée' }), catalogueRow({ id: 2 }), bad])).rejects.toThrow();
    expect((await db.select().from(procedures)).map((p) => [p.id, p.title])).toEqual([[1, 'Démarche de test 1']]);
  });
});
