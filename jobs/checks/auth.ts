import type { Check, CheckResult } from './types.ts';
import { absolute, controlLabel, foldSpace, readWith, type ParsedPage, type Visit } from './page.ts';
import { readOnline } from './online.ts';

// A FranceConnect button is a control whose own label names FranceConnect ("S'identifier avec
// FranceConnect", an image whose alt says so, DSFR's fr-connect button). The DSFR markup is shared
// by other identity providers (ProConnect, AgentConnect, MonComptePro): the brand decides, not
// the class. A sentence or an "what is FranceConnect?" link is not a button.

const FC = /france\s*-?\s*connect/i;
const FC_PLUS = /france\s*-?\s*connect\s*(\+|plus\b)/i;
const OTHER_PROVIDER = /pro\s*connect|agent\s*connect|mon\s*compte\s*pro|educonnect|impots\.gouv|ameli/i;
const INFO_LINK = /qu['’]est[- ]ce que|en savoir plus|c['’]est quoi|d[ée]couvrir|comment (ça|cela) marche|plus d['’]info|nouvelle fen[êe]tre|\?$/i;

export function findFranceConnect(page: ParsedPage): { plus: boolean; html: string } | null {
  const { $ } = page;
  const found: { plus: boolean; html: string }[] = [];
  for (const el of $('button, a[href], input[type=submit], input[type=image], input[type=button], [role=button]').toArray()) {
    const node = $(el);
    const cls = node.attr('class') ?? '';
    const label = controlLabel($, el);
    const full = foldSpace(`${label} ${node.attr('title') ?? ''}`);
    if (!FC.test(full)) continue;
    if (INFO_LINK.test(label) || (/franceconnect\.gouv\.fr\/?(\?|#|$)|franceconnect\.gouv\.fr\/(faq|aide|en-savoir|a-propos)/i.test(node.attr('href') ?? '') && !/fr-connect|franceconnect-button/i.test(cls))) continue;
    // Long labels are sentences or paragraphs wrapped in a link, not a login button.
    if (label.length > 80) continue;
    const brand = foldSpace(node.find('.fr-connect__brand').text());
    if (OTHER_PROVIDER.test(brand) || (OTHER_PROVIDER.test(label) && !FC.test(label.replace(OTHER_PROVIDER, '')))) continue;
    const plus = /fr-connect--plus|franceconnect-plus|fc-plus/i.test(cls) || FC_PLUS.test(full);
    found.push({ plus, html: $.html(el).slice(0, 300) });
  }
  if (found.length === 0) return null;
  // FranceConnect+ offered next to the classic button: the stronger level is what the site offers.
  return found.find((f) => f.plus) ?? found[0]!;
}

/** A page of the site that answered 2xx, or null. */
async function okPage(visit: Visit, url: string): Promise<ParsedPage | null> {
  const page = await visit.page(url).catch(() => null);
  return page && page.status >= 200 && page.status < 300 ? page : null;
}

/** A start page that is gone (404, 410): the procedure is not online, so there is nothing to log in to or fill in. */
export async function goneStart(visit: Visit): Promise<CheckResult | null> {
  const start = await visit.start();
  if (start.status !== 404 && start.status !== 410) return null;
  return { status: 'not_applicable', reason: 'start_page_gone', evidence: { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status, snippet: `HTTP ${start.status}` } };
}

const LOGIN_LINK = /^(se connecter|connexion|s['’]identifier|identifiez-vous|connectez-vous|mon compte|mon espace( personnel| particulier| usager)?|espace (personnel|usager|particulier)|se connecter \/ s['’]inscrire|connexion \/ inscription)$/i;

/** The site's own login link (header or navigation), on the same site. */
function siteLoginLink(page: ParsedPage): string | null {
  const { $ } = page;
  const origin = new URL(page.finalUrl).origin;
  for (const el of $('a[href]').toArray()) {
    const text = controlLabel($, el);
    if (!LOGIN_LINK.test(text)) continue;
    const href = absolute($(el).attr('href')!, page.baseUrl);
    if (new URL(href).origin === origin && href !== page.finalUrl) return href;
  }
  return null;
}

export const authCheck: Check = {
  name: 'auth',
  criterion: 'auth',
  kind: 'http',
  async run({ visit }) {
    const gone = await goneStart(visit);
    if (gone) return gone;
    const start = await visit.startOk();
    const evidence = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status, ...readWith(start) };
    const online = readOnline(start);
    // Where a person looks, in order: the start page, the page its call to action leads to, the
    // site's own login ("Se connecter" in its header). Each is fetched only if the previous had no button.
    const cta = online.callToAction?.href;
    const next = [cta && cta !== start.finalUrl && /^https?:/.test(cta) ? cta : null, siteLoginLink(start)];
    const pages: ParsedPage[] = [];
    for (const page of [start, ...next]) {
      const seen = typeof page === 'string' ? await okPage(visit, page) : page;
      if (!seen || pages.some((p) => p.finalUrl === seen.finalUrl)) continue;
      pages.push(seen);
      const button = findFranceConnect(seen);
      if (button) {
        return {
          status: 'measured',
          value: button.plus ? 'FranceConnect+' : 'FranceConnect',
          details: { foundOn: seen.finalUrl },
          evidence: { ...evidence, snippet: button.html, foundOn: seen.finalUrl },
        };
      }
    }
    if (online.value === 'Non') {
      return { status: 'not_applicable', reason: 'no_online_procedure', evidence: { ...evidence, snippet: 'aucune démarche en ligne sur la page' } };
    }
    return { status: 'measured', value: 'Non', evidence: { ...evidence, snippet: `pages vues : ${pages.map((p) => p.finalUrl).join(', ')}` } };
  },
};
