import type { Cheerio } from 'cheerio';
import type { Element } from 'domhandler';
import type { Check } from './types.ts';
import { findCallToAction, foldSpace, procedureForms, type ParsedPage } from './page.ts';

const FC_TEXT = /s['’]identifier avec\s*franceconnect|se connecter avec\s*franceconnect|connexion avec\s*franceconnect/i;

/**
 * A FranceConnect login button: the official button markup (class fr-connect, or the older
 * franceconnect-button), or a button/link whose own label is the official wording. A sentence
 * that mentions FranceConnect in an FAQ is not a button.
 */
export function findFranceConnect(page: ParsedPage): { plus: boolean; html: string } | null {
  const { $ } = page;
  for (const el of $('button, a, input[type=submit], input[type=image]').toArray()) {
    const node = $(el) as Cheerio<Element>;
    const cls = node.attr('class') ?? '';
    const label = foldSpace(`${node.text()} ${node.attr('value') ?? ''} ${node.attr('alt') ?? ''} ${node.attr('aria-label') ?? ''} ${node.find('img').attr('alt') ?? ''}`);
    const official = /\bfr-connect\b|franceconnect-button/i.test(cls);
    if (!official && !FC_TEXT.test(label)) continue;
    const plus = /fr-connect--plus/.test(cls) || /franceconnect\s*\+|franceconnect\s*plus/i.test(label);
    return { plus, html: $.html(el).slice(0, 300) };
  }
  return null;
}

export const authCheck: Check = {
  name: 'auth',
  criterion: 'auth',
  kind: 'http',
  async run({ visit }) {
    const start = await visit.startOk();
    const evidence = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status };
    const cta = findCallToAction(start);
    const pages: ParsedPage[] = [start];
    if (cta && new URL(cta.href).origin === new URL(start.finalUrl).origin && cta.href !== start.finalUrl) {
      const next = await visit.page(cta.href);
      if (next.status >= 200 && next.status < 300) pages.push(next);
    }
    for (const page of pages) {
      const button = findFranceConnect(page);
      if (button) {
        return {
          status: 'measured',
          value: button.plus ? 'FranceConnect+' : 'FranceConnect',
          details: { foundOn: page.finalUrl },
          evidence: { ...evidence, snippet: button.html, foundOn: page.finalUrl },
        };
      }
    }
    if (!cta && procedureForms(start).length === 0) {
      return { status: 'not_applicable', reason: 'no_online_procedure', evidence: { ...evidence, snippet: 'aucune démarche en ligne sur la page' } };
    }
    return { status: 'measured', value: 'Non', evidence: { ...evidence, snippet: `pages vues : ${pages.map((p) => p.finalUrl).join(', ')}` } };
  },
};
