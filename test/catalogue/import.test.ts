import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { importCatalogue } from '../../server/catalogue/import.ts';
import { administrations, ministries, observations, procedures } from '../../db/schema/index.ts';
import { catalogueRow, createTestDb } from '../helpers/db.ts';

describe('importCatalogue', () => {
  it('adds procedures with their ministry and administration', () => {
    const db = createTestDb();
    const summary = importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2, administration: 'Préfectures' })]);
    expect(summary).toMatchObject({ added: [1, 2], updated: [], retired: [], unchanged: 0, ministriesAdded: 1, administrationsAdded: 2 });
    expect(db.select().from(ministries).all()).toEqual([{ id: 1, slug: 'interieur', name: "Ministère de l'Intérieur" }]);
    expect(db.select({ slug: administrations.slug }).from(administrations).all().map((a) => a.slug)).toEqual(['ants', 'prefectures']);
  });

  it('changes nothing when the same file is imported again', () => {
    const db = createTestDb();
    const rows = [catalogueRow({ id: 1 }), catalogueRow({ id: 2 })];
    importCatalogue(db, rows, { now: new Date('2026-01-01') });
    const before = db.select().from(procedures).all();
    const summary = importCatalogue(db, rows, { now: new Date('2026-02-01') });
    expect(summary).toMatchObject({ added: [], updated: [], retired: [], restored: [], unchanged: 2, ministriesAdded: 0, administrationsAdded: 0 });
    expect(db.select().from(procedures).all()).toEqual(before);
  });

  it('keeps the id and the history of a renamed procedure', () => {
    const db = createTestDb();
    importCatalogue(db, [catalogueRow({ id: 7, title: 'Carte grise' })]);
    db.insert(observations)
      .values({ procedureId: 7, criterion: 'online', observedAt: new Date(), status: 'measured', valueText: 'Oui', evidence: { url: 'http://x.test/', tool: 'test', toolVersion: '1' } })
      .run();
    const summary = importCatalogue(db, [catalogueRow({ id: 7, title: "Certificat d'immatriculation" })]);
    expect(summary.updated).toEqual([7]);
    expect(db.select().from(procedures).where(eq(procedures.id, 7)).get()?.title).toBe("Certificat d'immatriculation");
    expect(db.select().from(observations).where(eq(observations.procedureId, 7)).all()).toHaveLength(1);
  });

  it('retires a procedure absent from the new file, and restores it when it comes back', () => {
    const db = createTestDb();
    importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2 })]);
    const retiredAt = new Date('2026-03-01T00:00:00Z');
    expect(importCatalogue(db, [catalogueRow({ id: 1 })], { now: retiredAt }).retired).toEqual([2]);
    expect(db.select().from(procedures).where(eq(procedures.id, 2)).get()?.retiredAt).toEqual(retiredAt);
    expect(importCatalogue(db, [catalogueRow({ id: 1 })]).retired).toEqual([]);
    const back = importCatalogue(db, [catalogueRow({ id: 1 }), catalogueRow({ id: 2 })]);
    expect(back.restored).toEqual([2]);
    expect(db.select().from(procedures).where(eq(procedures.id, 2)).get()?.retiredAt).toBeNull();
  });

  it('moves an administration to the ministry the new file gives it', () => {
    const db = createTestDb();
    importCatalogue(db, [catalogueRow({ id: 1, administration: 'Agence X (AX)', ministry: "Ministère de l'Intérieur" })]);
    const summary = importCatalogue(db, [catalogueRow({ id: 1, administration: 'Agence X (AX)', ministry: 'Ministère de la Justice' })]);
    expect(summary.updated).toEqual([]);
    expect(summary.unchanged).toBe(1);
    const justice = db.select().from(ministries).where(eq(ministries.slug, 'justice')).get();
    expect(db.select().from(administrations).where(eq(administrations.slug, 'ax')).get()?.ministryId).toBe(justice?.id);
  });

  it('writes nothing on a dry run but reports what would change', () => {
    const db = createTestDb();
    importCatalogue(db, [catalogueRow({ id: 1 })]);
    const summary = importCatalogue(db, [catalogueRow({ id: 1, title: 'Nouveau titre' }), catalogueRow({ id: 2 })], { dryRun: true });
    expect(summary).toMatchObject({ added: [2], updated: [1] });
    expect(db.select().from(procedures).all().map((p) => [p.id, p.title])).toEqual([[1, 'Démarche de test 1']]);
  });

  it('leaves the database as it was when a row cannot be written', () => {
    const db = createTestDb();
    importCatalogue(db, [catalogueRow({ id: 1 })]);
    const bad = { ...catalogueRow({ id: 3 }), title: null as unknown as string };
    expect(() => importCatalogue(db, [catalogueRow({ id: 1, title: 'Renommée' }), catalogueRow({ id: 2 }), bad])).toThrow();
    expect(db.select().from(procedures).all().map((p) => [p.id, p.title])).toEqual([[1, 'Démarche de test 1']]);
  });
});
