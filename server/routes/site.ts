import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isNull } from 'drizzle-orm';
import { administrations, ministries, procedures } from '../../db/schema/index.ts';
import { byteOrder, listPublishedEditions } from '../services/editions.ts';
import { SiteInfo as SiteInfoAnswer, errorResponses } from '../../contracts/index.ts';

// What every public French site has, for the dashboard itself: who publishes it and how to reach
// them (/api/site, read by the legal pages), a sitemap of its public pages and a robots.txt that
// keeps crawlers out of the private spaces and the API's exports.

/** The public pages without parameters, as the dashboard routes them. */
export const STATIC_PAGES = ['/', '/demarches', '/syntheses', '/editions', '/methodologie', '/donnees', '/accessibilite', '/mentions-legales', '/donnees-personnelles', '/contact'];

export interface SiteInfo {
  /** Who publishes this instance (mentions légales). */
  publisher: string;
  /** Where visitors, teams and site owners write. */
  contactEmail: string;
}

const siteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const base = () => fastify.authOptions.publicUrl.replace(/\/+$/, '');

  fastify.get(
    '/api/site',
    {
      schema: {
        tags: ['site'],
        summary: 'Who publishes this observatory and how to reach them',
        response: { 200: SiteInfoAnswer, 429: errorResponses[429], 500: errorResponses[500] },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return { ...fastify.site, publicUrl: base() };
    },
  );

  fastify.get('/sitemap.xml', { schema: { hide: true } }, async (_request, reply) => {
    const latest = (await listPublishedEditions(fastify.db))[0];
    const lastmod = latest?.publishedAt ? `<lastmod>${latest.publishedAt.toISOString().slice(0, 10)}</lastmod>` : '';
    const paths = [
      ...STATIC_PAGES,
      ...(await fastify.db.select({ id: procedures.id }).from(procedures).where(isNull(procedures.retiredAt)).orderBy(procedures.id)).map((p) => `/demarches/${p.id}`),
      ...(await fastify.db.select({ slug: ministries.slug }).from(ministries).orderBy(byteOrder(fastify.db, ministries.slug))).map((m) => `/syntheses/ministere/${m.slug}`),
      ...(await fastify.db.select({ slug: administrations.slug }).from(administrations).orderBy(byteOrder(fastify.db, administrations.slug))).map((a) => `/syntheses/administration/${a.slug}`),
    ];
    const urls = paths.map((p) => `<url><loc>${base()}${p}</loc>${lastmod}</url>`).join('\n');
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type('application/xml; charset=utf-8').send(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`);
  });

  fastify.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type('text/plain; charset=utf-8').send(
      [
        'User-agent: *',
        // Private spaces, and the heavy exports (the data is on /donnees, for people and programs alike).
        'Disallow: /espace',
        'Disallow: /operateur',
        'Disallow: /connexion',
        'Disallow: /api/',
        '',
        `Sitemap: ${base()}/sitemap.xml`,
        '',
      ].join('\n'),
    );
  });
};

export default siteRoutes;
