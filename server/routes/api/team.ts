import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createWebhook, deleteWebhook, listWebhooks } from '../../services/webhooks.ts';
import { noStore, requireUser } from '../../auth/plugin.ts';
import { Declaration, Id, RecheckRequested, Recheck, TrackedDetail, TrackedList, Webhook, WebhookList, authErrors, DeclarationInput, DomainError, OneOf, WebhookInput } from '../../../contracts/index.ts';
import { assertProcedureAccess } from '../../services/team/access.ts';
import { trackedProcedures } from '../../services/team/tracked.ts';
import { setWatched } from '../../services/team/watchlist.ts';
import { DECLARABLE, declarationHistory, declare, withdrawDeclaration } from '../../services/team/declarations.ts';
import { RateLimited, findRecheck, nextRecheckAt, procedureRechecks, recheckView, requestRecheck } from '../../services/team/rechecks.ts';

// The ministry teams' space (operators see every procedure): /api/me/…

const ProcedureId = Id('The procedure id.');

const teamRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', requireUser);
  fastify.addHook('onSend', noStore);

  fastify.get(
    '/me/procedures',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'Your procedures: each criterion as last measured (probes: their last 30 days) against the edition it follows, regressions first',
        description:
          'The edition compared with is the latest published edition of a quarter that ended before the latest measurement: measurements of a quarter already published are compared with the edition before (as the regression alerts compare each measurement with the one before). `latestEdition` names a newer published edition, `measuredUntil` dates the latest measurement.',
        querystring: Type.Object({ watched: Type.Optional(Type.Boolean({ description: 'Only the procedures on your watchlist.' })) }, { additionalProperties: false }),
        response: { 200: TrackedList, ...authErrors },
      },
    },
    async (request) => {
      const tracked = await trackedProcedures(fastify.db, request.user!);
      return request.query.watched ? { ...tracked, items: tracked.items.filter((p) => p.watched) } : tracked;
    },
  );

  fastify.get(
    '/me/procedures/:id',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'One of your procedures: current values against the edition, declarations with their history, re-checks',
        params: ProcedureId,
        response: { 200: TrackedDetail, ...authErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      await assertProcedureAccess(fastify.db, request.user!, id);
      const tracked = await trackedProcedures(fastify.db, request.user!, { ids: [id] });
      if (!tracked.items[0]) throw new DomainError('procedure.retired', `Procedure ${id} left the catalogue: its history stays on its public page.`, { id });
      return {
        procedure: tracked.items[0],
        edition: tracked.edition,
        latestEdition: tracked.latestEdition,
        measuredUntil: tracked.measuredUntil,
        declarations: await declarationHistory(fastify.db, id),
        rechecks: (await procedureRechecks(fastify.db, id)).map(recheckView),
        nextRecheckAt: (await nextRecheckAt(fastify.db, id))?.toISOString() ?? null,
        declarable: DECLARABLE,
      };
    },
  );

  fastify.post(
    '/me/procedures/:id/declarations',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'Declare what a crawler cannot see (dlnuf behind a login, usage, Démarche proactive, own-survey satisfaction); the next edition uses it with source "declared"',
        params: ProcedureId,
        // The contract's body, its criterion narrowed to what can be declared.
        body: Type.Object({ ...DeclarationInput.properties, criterion: OneOf(DECLARABLE.map((d) => d.criterion)) }, { additionalProperties: false }),
        response: { 201: Declaration, ...authErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await declare(fastify.db, request.user!, request.params.id, request.body)),
  );

  fastify.delete(
    '/me/procedures/:id/declarations/:criterion',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'Withdraw the declaration in force for a criterion (it stays in the history)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), criterion: Type.String({ pattern: '^[a-z_0-9]{1,40}$' }) }),
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      if (!(await withdrawDeclaration(fastify.db, request.user!, request.params.id, request.params.criterion))) throw new DomainError('declaration.none_in_force', 'No declaration in force for this criterion.', { criterion: request.params.criterion });
      return reply.code(204).send(null);
    },
  );

  for (const [method, watched] of [['put', true], ['delete', false]] as const) {
    fastify[method](
      '/me/watchlist/:id',
      {
        schema: {
          tags: ['ministry teams'],
          summary: watched ? 'Add a procedure to your watchlist' : 'Remove a procedure from your watchlist',
          params: ProcedureId,
          response: { 204: Type.Null(), ...authErrors },
        },
      },
      async (request, reply) => {
        await setWatched(fastify.db, request.user!, request.params.id, watched);
        return reply.code(204).send(null);
      },
    );
  }

  fastify.post(
    '/me/procedures/:id/rechecks',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'Ask for the procedure to be measured again now (queued; one per procedure every 10 minutes, 20 an hour per account)',
        params: ProcedureId,
        response: { 202: RecheckRequested, ...authErrors },
      },
    },
    async (request, reply) => {
      try {
        const { recheck, created } = await requestRecheck(fastify.db, request.user!, request.params.id);
        void fastify.rechecks?.kick();
        return reply.code(202).send({ recheck: recheckView(recheck), created, nextRecheckAt: (await nextRecheckAt(fastify.db, request.params.id))?.toISOString() ?? null });
      } catch (err) {
        if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
        throw err;
      }
    },
  );

  fastify.get(
    '/me/rechecks/:id',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'A re-check: its progress (queued, running, done, failed) and what it measured',
        params: Id('The re-check id.'),
        response: { 200: Recheck, ...authErrors },
      },
    },
    async (request) => {
      const recheck = await findRecheck(fastify.db, request.params.id);
      if (!recheck) throw new DomainError('recheck.not_found', `No re-check ${request.params.id}.`, { id: request.params.id });
      await assertProcedureAccess(fastify.db, request.user!, recheck.procedureId);
      return recheckView(recheck);
    },
  );

  fastify.get(
    '/me/webhooks',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'The webhooks of your ministries and administrations, and how their deliveries are going',
        response: { 200: WebhookList, ...authErrors },
      },
    },
    async (request) => ({ items: await listWebhooks(fastify.db, request.user!) }),
  );

  fastify.post(
    '/me/webhooks',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'Add a webhook: alerts of the group (regressions, publications) are POSTed to it as JSON, signed with HMAC-SHA256',
        body: WebhookInput,
        response: { 201: Webhook, ...authErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await createWebhook(fastify.db, request.user!, request.body, { allowPrivate: fastify.authOptions.allowPrivateWebhooks })),
  );

  fastify.delete(
    '/me/webhooks/:id',
    {
      schema: {
        tags: ['ministry teams'],
        summary: 'Remove a webhook (its pending deliveries are dropped)',
        params: Id('The webhook id.'),
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await deleteWebhook(fastify.db, request.user!, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default teamRoutes;
