import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createUser, listUsers, publicUser, updateUser } from '../../auth/accounts.ts';
import { generatePassword } from '../../auth/passwords.ts';
import { noStore, requireOperator } from '../../auth/plugin.ts';
import { CloseSummary, CreatedUser, CrawlRuns, DomainError, DraftPreview, EditionEntries, Id, Published, Quarter as QuarterSlug, UpdatedUser, UserInput, UserList, UserUpdate, authErrors } from '../../../contracts/index.ts';
import { closeEdition, publishEdition } from '../../../jobs/editions/close.ts';
import { listAllEditions, previewDraft, recentCrawlRuns } from '../../services/operator.ts';

// The operator's space: /api/admin/…

const Quarter = Type.Object({ slug: QuarterSlug });

const adminRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', requireOperator);
  fastify.addHook('onSend', noStore);

  fastify.get(
    '/admin/users',
    { schema: { tags: ['operators'], summary: 'Every account', response: { 200: UserList, ...authErrors } } },
    async () => ({ items: (await listUsers(fastify.db)).map(publicUser) }),
  );

  fastify.post(
    '/admin/users',
    {
      schema: {
        tags: ['operators'],
        summary: 'Create an account; without a password one is generated and returned once',
        body: UserInput,
        response: { 201: CreatedUser, ...authErrors },
      },
    },
    async (request, reply) => {
      const generated = request.body.password ? undefined : generatePassword();
      const user = await createUser(fastify.db, { ...request.body, password: request.body.password ?? generated! });
      return reply.code(201).send({ user: publicUser(user), ...(generated ? { password: generated } : {}) });
    },
  );

  fastify.patch(
    '/admin/users/:id',
    {
      schema: {
        tags: ['operators'],
        summary: 'Change an account: name, scope, disable or enable, unlock, reset the password (its sessions end)',
        params: Id('The account id.'),
        body: UserUpdate,
        response: { 200: UpdatedUser, ...authErrors },
      },
    },
    async (request) => {
      if (request.params.id === request.user!.id && request.body.disabled) throw new DomainError('account.disable_self', 'You cannot disable your own account.');
      const { resetPassword, ...changes } = request.body;
      const generated = resetPassword ? generatePassword() : undefined;
      const user = await updateUser(fastify.db, request.params.id, generated ? { ...changes, password: generated } : changes);
      return { ...publicUser(user), ...(generated ? { password: generated } : {}) };
    },
  );

  fastify.get(
    '/admin/editions',
    { schema: { tags: ['operators'], summary: 'Every edition, drafts included', response: { 200: EditionEntries, ...authErrors } } },
    async () => ({ items: await listAllEditions(fastify.db) }),
  );

  fastify.post(
    '/admin/editions/:slug/close',
    {
      schema: {
        tags: ['operators'],
        summary: "Build (or rebuild) a quarter's draft from its observations, probes, survey figures and declarations; a quarter without any measurement is refused (409) unless `empty=true`",
        params: Quarter,
        querystring: Type.Object({ empty: Type.Optional(Type.Boolean({ description: 'Close a quarter in which nothing was measured, on purpose.' })) }, { additionalProperties: false }),
        response: { 200: CloseSummary, ...authErrors },
      },
    },
    async (request) => closeEdition(fastify.db, request.params.slug, { allowEmpty: request.query.empty === true }),
  );

  fastify.get(
    '/admin/editions/:slug/preview',
    {
      schema: {
        tags: ['operators'],
        summary: 'A draft (or any edition) against the previous published one: shares, counts of changes, every level that moved',
        params: Quarter,
        response: { 200: DraftPreview, ...authErrors },
      },
    },
    async (request) => previewDraft(fastify.db, request.params.slug),
  );

  fastify.post(
    '/admin/editions/:slug/publish',
    {
      schema: { tags: ['operators'], summary: 'Publish a draft: it is frozen for good, and the alert goes to every feed and webhook', params: Quarter, response: { 200: Published, ...authErrors } },
    },
    async (request) => {
      const result = await publishEdition(fastify.db, request.params.slug);
      void fastify.outbox?.kick();
      return { slug: request.params.slug, ...result };
    },
  );

  fastify.get(
    '/admin/crawl-runs',
    {
      schema: {
        tags: ['operators'],
        summary: 'The latest crawl runs with their failures by type, and the webhook outbox',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 30 })) }, { additionalProperties: false }),
        response: { 200: CrawlRuns, ...authErrors },
      },
    },
    async (request) => recentCrawlRuns(fastify.db, request.query.limit),
  );
};

export default adminRoutes;
