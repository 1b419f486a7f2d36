import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { desc, eq, isNull, or } from 'drizzle-orm';
import { Feed } from 'feed';
import type { FastifyReply } from 'fastify';
import { alerts, ministries } from '../../../db/schema/index.ts';
import { first } from '../../../db/client.ts';
import { DomainError, errorResponses } from '../../../contracts/index.ts';

export const FEED_ENTRIES = 50;

// Public Atom feeds: one for all ministries, one per ministry (its procedures' regressions), each with every publication.

const feedsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const base = () => fastify.authOptions.publicUrl.replace(/\/+$/, '');

  fastify.get(
    '/alerts.atom',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Every alert as an Atom feed: regressions the crawler measured on any procedure, editions published',
        produces: ['application/atom+xml'],
        response: { 200: Type.String({ description: 'Atom 1.0' }), ...errorResponses },
      },
    },
    async (_request, reply) => {
      const rows = await fastify.db.select().from(alerts).orderBy(desc(alerts.createdAt), desc(alerts.id)).limit(FEED_ENTRIES);
      const self = `${base()}/api/alerts.atom`;
      return sendFeed(reply, base(), rows, {
        title: 'Observatoire des démarches en ligne — alertes, tous ministères',
        description: 'Reculs mesurés sur les démarches de tous les ministères ; éditions publiées.',
        self,
        link: `${base()}/syntheses`,
      }, { name: fastify.site.publisher, email: fastify.site.contactEmail });
    },
  );

  fastify.get(
    '/ministries/:slug/alerts.atom',
    {
      schema: {
        tags: ['alerts'],
        summary: "A ministry's alerts as an Atom feed: regressions the crawler measured on its procedures, editions published",
        params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,80}$', description: 'A ministry slug.' }) }),
        produces: ['application/atom+xml'],
        response: { 200: Type.String({ description: 'Atom 1.0' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const ministry = await first(fastify.db.select().from(ministries).where(eq(ministries.slug, request.params.slug)));
      if (!ministry) throw new DomainError('group.unknown', `unknown ministry "${request.params.slug}"`, { kind: 'ministry', slug: request.params.slug });
      const rows = await fastify.db
        .select()
        .from(alerts)
        .where(or(eq(alerts.ministryId, ministry.id), isNull(alerts.ministryId)))
        .orderBy(desc(alerts.createdAt), desc(alerts.id))
        .limit(FEED_ENTRIES);
      return sendFeed(reply, base(), rows, {
        title: `Observatoire des démarches en ligne — alertes : ${ministry.name}`,
        description: `Reculs mesurés sur les démarches relevant de : ${ministry.name} ; éditions publiées.`,
        self: `${base()}/api/ministries/${ministry.slug}/alerts.atom`,
        link: `${base()}/syntheses/ministere/${ministry.slug}`,
      }, { name: fastify.site.publisher, email: fastify.site.contactEmail });
    },
  );
};

type Alert = typeof alerts.$inferSelect;

function sendFeed(reply: FastifyReply, base: string, rows: Alert[], about: { title: string; description: string; self: string; link: string }, publisher: { name: string; email: string }) {
  const feed = new Feed({
    title: about.title,
    description: about.description,
    id: about.self,
    link: about.link,
    language: 'fr',
    updated: rows[0]?.createdAt ?? new Date(0),
    feedLinks: { atom: about.self },
    copyright: 'Licence Ouverte 2.0',
    generator: 'Observatoire',
    // RFC 4287: a feed names its author (or every entry does).
    author: { name: publisher.name, email: publisher.email, link: base },
  });
  for (const a of rows) {
    // Titles and summaries are type="html": a procedure's title is text, so it is escaped to stay text
    // ("<img onerror…>" in a catalogue title shows as written in a feed reader, never runs).
    feed.addItem({
      title: escapeXml(a.payload.title),
      id: `${base}/alerts/${a.id}`,
      link: base + a.payload.url,
      description: escapeXml(a.payload.summary),
      content: a.payload.regressions
        ? `<ul>${a.payload.regressions.map((r) => `<li>${escapeXml(r.label)} : ${escapeXml(r.before ?? '—')} → ${escapeXml(r.after ?? '—')}</li>`).join('')}</ul>`
        : escapeXml(a.payload.summary),
      date: a.createdAt,
      category: [a.kind === 'regression' ? { term: 'regression', name: 'Recul mesuré' } : { term: 'edition_published', name: 'Édition publiée' }],
    });
  }
  reply.header('cache-control', 'public, max-age=300');
  return reply.type('application/atom+xml; charset=utf-8').send(feed.atom1());
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export default feedsRoutes;
