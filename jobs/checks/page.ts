import { load, type CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { FetchError } from '../http/errors.ts';
import type { FetchedPage } from '../http/fetch.ts';

export interface ParsedPage extends FetchedPage {
  $: CheerioAPI;
  /** Visible text, white space folded. */
  text: string;
}

export function parsePage(page: FetchedPage): ParsedPage {
  const $ = load(page.body);
  $('script, style, noscript, template').remove();
  return { ...page, $, text: foldSpace($('body').text() || $.root().text()) };
}

export function foldSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The pages of one procedure's site, fetched at most once each during a visit: the checks of a
 * crawl share the start page, the login page, the form and the accessibility statement.
 */
export class Visit {
  private readonly pages = new Map<string, Promise<ParsedPage>>();

  constructor(
    readonly startUrl: string,
    private readonly fetcher: (url: string) => Promise<FetchedPage>,
  ) {}

  start(): Promise<ParsedPage> {
    return this.page(this.startUrl);
  }

  /** The start page, failing with a typed error unless it answered 2xx. */
  async startOk(): Promise<ParsedPage> {
    const page = await this.start();
    if (page.status < 200 || page.status >= 300) {
      throw new FetchError('http', `start page answered HTTP ${page.status}`, { url: page.finalUrl, status: page.status });
    }
    return page;
  }

  page(url: string): Promise<ParsedPage> {
    let entry = this.pages.get(url);
    if (!entry) {
      entry = this.fetcher(url).then(parsePage);
      this.pages.set(url, entry);
    }
    return entry;
  }
}

// What a "start the procedure" call to action says on French public sites.
const CTA = /^(je (fais|commence|dépose|remplis)|commencer|faire (la|ma|une|sa) (démarche|demande|déclaration)|effectuer (la|ma) (démarche|demande)|accéder (à|au|aux) (la démarche|mon espace|mon compte|service|formulaire|téléservice|la téléprocédure)|déposer (ma|une|un|mon)|demander en ligne|(se|me) connecter|remplir (le|mon) formulaire|faire une demande en ligne|démarrer)/i;

export interface CallToAction {
  text: string;
  href: string;
}

/** The link or button that starts the procedure online, if the page has one. */
export function findCallToAction(page: ParsedPage): CallToAction | null {
  const { $ } = page;
  for (const el of $('a[href], button').toArray()) {
    const text = foldSpace($(el).text());
    if (!CTA.test(text)) continue;
    const href = $(el).attr('href') ?? $(el).closest('form').attr('action') ?? page.finalUrl;
    return { text, href: absolute(href, page.finalUrl) };
  }
  return null;
}

/** Forms a user fills in to carry out the procedure: not site search, not newsletters. */
export function procedureForms(page: ParsedPage): Element[] {
  const { $ } = page;
  return $('form')
    .toArray()
    .filter((form) => {
      const f = $(form);
      if (f.attr('role') === 'search' || f.closest('[role=search], header, footer').length > 0) return false;
      if (/recherche|search/i.test(f.attr('action') ?? '')) return false;
      return f.find('input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=search]), select, textarea').length > 0;
    });
}

export function absolute(href: string, base: string): string {
  try {
    return new URL(href, base).href;
  } catch {
    return base;
  }
}

/** A short excerpt of the page around what was found, kept as evidence. */
export function snippet(text: string, max = 200): string {
  const t = foldSpace(text);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
