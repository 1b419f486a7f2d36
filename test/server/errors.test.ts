import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DomainError, ERROR_CODES, ERROR_KINDS, kindOfStatus, type ErrorCode } from '../../contracts/errors.ts';
import { frenchMessage } from '../../web/src/lib/errors.ts';
import { createDemoDb, procedureIdsOf } from '../helpers/db.ts';
import { seedTwoEditions } from '../helpers/editions.ts';
import { buildTestApp } from '../helpers/server.ts';
import { createAccount, login, type Session } from '../helpers/accounts.ts';

// Refusals: a code, its kind, its HTTP status — in one place — and the dashboard's French words
// for what the API says in English.

let app: FastifyInstance;
let team: Session;
let interieur: number[];
let elsewhere: number;

beforeAll(async () => {
  const db = await createDemoDb();
  await seedTwoEditions(db);
  app = await buildTestApp(db);
  team = await login(app, (await createAccount(db, 'team', { ministries: ['interieur'] })).email);
  interieur = await procedureIdsOf(db, 'interieur');
  elsewhere = (await procedureIdsOf(db, 'justice'))[0]!;
});
afterAll(() => app.close());

describe('a refusal', () => {
  it('takes its HTTP status from its code’s kind, for every code', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const error = new DomainError(code, 'x');
      expect({ code, status: error.statusCode }).toEqual({ code, status: ERROR_KINDS[ERROR_CODES[code]] });
    }
    expect([400, 401, 403, 404, 409, 413, 415, 429, 500, 502, 418].map(kindOfStatus)).toEqual(['invalid', 'unauthorised', 'forbidden', 'not_found', 'conflict', 'too_large', 'unsupported', 'rate_limited', 'internal', 'internal', 'invalid']);
  });

  it('answers in English with its code and what the message names; the dashboard says it in French from them', async () => {
    const cases = [
      {
        res: await app.inject({ method: 'POST', url: `/api/me/procedures/${interieur[0]}/declarations`, headers: team.headers, payload: { criterion: 'usage', value: 140, justification: 'Bilan annuel de la direction' } }),
        status: 400,
        code: 'declaration.value_out_of_range',
        english: /is a number from 0 to 100/,
        french: 'La valeur de « Taux de recours au numérique » doit être un nombre entre 0 et 100.',
      },
      {
        res: await app.inject({ method: 'POST', url: `/api/me/procedures/${interieur[0]}/declarations`, headers: team.headers, payload: { criterion: 'dlnuf', value: '0x1F', justification: 'Relevé du formulaire en ligne' } }),
        status: 400,
        code: 'declaration.value_not_number',
        english: /is a number \("0x1F" is not\)/,
        french: 'La valeur de « Dites-le-nous une fois » doit être un nombre (« 0x1F » n’en est pas un).',
      },
      {
        res: await app.inject({ url: `/api/me/procedures/${elsewhere}`, headers: { cookie: team.cookie } }),
        status: 403,
        code: 'procedure.out_of_scope',
        english: /is outside your scope/,
        french: `La démarche n° ${elsewhere} ne relève pas de votre périmètre.`,
      },
      { res: await app.inject('/api/editions/2019-T4'), status: 404, code: 'edition.not_published', english: /no published edition "2019-T4"/, french: 'Aucune édition publiée « 2019-T4 »' },
      { res: await app.inject('/api/procedures?ministry=atlantide'), status: 404, code: 'group.unknown', english: /unknown ministry "atlantide"/, french: 'Ministère inconnu : « atlantide »' },
      { res: await app.inject('/api/me/procedures'), status: 401, code: 'session.required', english: /Log in first/, french: 'Connexion requise.' },
      // A refusal outside the domain (the schema's validation) has its kind as code.
      { res: await app.inject('/api/editions/2026-T3/procedures?limit=0'), status: 400, code: 'invalid', english: /limit/, french: 'La demande est invalide' },
    ];
    for (const { res, status, code, english, french } of cases) {
      const answer = res.json();
      expect({ code, status: res.statusCode, answered: answer.code }).toEqual({ code, status, answered: code });
      expect(answer.message).toMatch(english);
      expect(frenchMessage(res.statusCode, answer)).toBe(french);
    }
  });

  it('has French words for every code, with every value its message names', () => {
    const params = { id: 7, slug: '2026-T3', kind: 'ministry', email: 'a@b.fr', min: 1, max: 9, label: 'Libellé', criterion: 'usage', value: 'v', declarable: 'a, b', url: 'u', attempts: 10, minutes: 15, limit: 20, retryAfterSeconds: 90, ministries: 'm', administrations: '' };
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const words = frenchMessage(ERROR_KINDS[ERROR_CODES[code]], { code, params });
      expect({ code, words }).toEqual({ code, words: expect.stringMatching(/^[A-ZÀ-ÖØ-Ý«0-9]/) });
      expect({ code, words }).not.toEqual({ code, words: expect.stringMatching(/undefined|« »|\{|\bnull\b/) });
    }
    expect(frenchMessage(429, { code: 'rate_limited' })).toBe('Trop de demandes : réessayez dans une minute');
    expect(frenchMessage(502, null)).toBe('Erreur interne du serveur');
  });
});
