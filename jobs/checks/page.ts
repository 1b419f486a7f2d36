import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { FetchError } from '../http/errors.ts';
import type { FetchedPage } from '../http/fetch.ts';

export interface ParsedPage extends FetchedPage {
  $: CheerioAPI;
  /** Visible text, white space folded. */
  text: string;
  /** Where relative links point: the final URL, or the page's `<base href>`. */
  baseUrl: string;
  /** The server sent an application shell: the content is built by script in the browser. */
  appShell: boolean;
  /** This is the DOM Chromium rendered after the page's scripts ran, not the server's HTML. */
  rendered: boolean;
}

export function parsePage(page: FetchedPage, options: { rendered?: boolean } = {}): ParsedPage {
  const $ = load(page.body);
  const scripts = $('script[src], script:not([type]), script[type=module], script[type="text/javascript"]').length;
  $('script, style, template').remove();
  // A line break separates words for a reader: "établie le 06.10.2022<br>Technologies".
  $('br').replaceWith(' ');
  const noscript = foldSpace($('noscript').text());
  $('noscript').remove();
  const text = foldSpace($('body').text() || $.root().text());
  let baseUrl = page.finalUrl;
  const base = $('base[href]').attr('href');
  if (base) baseUrl = absolute(base, page.finalUrl);
  // An application shell: scripts, next to nothing to read without them (often a <noscript>
  // asking to enable JavaScript, an empty #root / <app-root>).
  const appShell = !options.rendered && scripts > 0 && text.length < 200 && (noscript.length > 0 || $('#root, #app, #__next, #__nuxt, app-root, [ng-app], [ng-version], [data-reactroot]').length > 0 || text.length < 40);
  return { ...page, $, text, baseUrl, appShell, rendered: options.rendered ?? false };
}

export function foldSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Renders a URL in the browser and returns the DOM it built (for application shells). */
export type Renderer = (url: string) => Promise<{ html: string; finalUrl: string; status: number }>;

/**
 * The pages of one procedure's site, fetched at most once each during a visit: the checks of a
 * crawl share the start page, the login page, the form and the accessibility statement. A page
 * the server sends as an empty application shell is read as the browser renders it.
 */
export class Visit {
  private readonly pages = new Map<string, Promise<ParsedPage>>();

  constructor(
    readonly startUrl: string,
    private readonly fetcher: (url: string) => Promise<FetchedPage>,
    private readonly renderer?: Renderer,
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
      entry = this.fetcher(url).then((fetched) => this.read(fetched, url));
      this.pages.set(url, entry);
    }
    return entry;
  }

  private async read(fetched: FetchedPage, requested: string): Promise<ParsedPage> {
    const parsed = parsePage(fetched);
    if (!parsed.appShell || parsed.status < 200 || parsed.status >= 300) return parsed;
    if (!this.renderer) {
      throw new FetchError('parse', `${fetched.finalUrl} is built by script and no browser is available to render it`, { url: fetched.finalUrl });
    }
    // A "#/route" of a single-page application is a page of its own: the browser gets the route.
    const hash = new URL(requested).hash;
    const seen = await this.renderer(hash && !new URL(fetched.finalUrl).hash ? `${fetched.finalUrl.split('#')[0]}${hash}` : fetched.finalUrl);
    return parsePage({ ...fetched, body: seen.html, finalUrl: seen.finalUrl }, { rendered: true });
  }
}

/** Evidence fields that say how a page was read. */
export function readWith(page: ParsedPage): { renderedBy?: 'chromium' } {
  return page.rendered ? { renderedBy: 'chromium' } : {};
}

// The site's chrome: what every page of the site shows around the procedure's own content.
const CHROME = [
  'header', 'nav', 'footer', 'aside',
  '[role=banner]', '[role=navigation]', '[role=contentinfo]', '[role=search]', '[role=complementary]', '[role=dialog]',
  '.fr-header', '.fr-footer', '.fr-breadcrumb', '.fr-skiplinks', '.fr-consent-banner', '.fr-follow', '.fr-share',
  '#header', '#footer', '#menu', '#nav', '#navigation', '[role=menubar]', '[role=tablist]', '.fr-sidemenu', '.fr-tabs__list', '.header', '.footer', '.menu', '.navbar', '.breadcrumb', '.ariane', '.skip-links', '.skiplinks',
  '[id*=cookie]', '[class*=cookie]', '[id*=tarteaucitron]', '[class*=newsletter]', '[id*=newsletter]', '[class*=feedback]', '[id*=feedback]',
].join(', ');

/** Feedback, newsletter and share blocks that sit inside the content on many sites. */
const CHROME_TEXT = /cette page vous a-t-elle été utile|cette page vous a été utile|votre avis nous intéresse|donnez votre avis sur cette page|abonnez-vous à (la|notre) (lettre|newsletter)|inscrivez-vous à (la|notre) (lettre|newsletter)|partager (cette|la) page|partager sur/i;

/**
 * The procedure's own content, without the site's chrome (header, navigation, footer, cookie
 * banner, breadcrumb, feedback and newsletter blocks). A page without landmarks keeps its body,
 * less whatever is recognisably chrome.
 */
export function contentOf(page: ParsedPage): Cheerio<Element> {
  const { $ } = page;
  const cached = contentCache.get(page);
  if (cached) return cached;
  const main = $('main, [role=main]').first();
  const candidates = ['#contenu', '#content', '#main', '#main-content', '.main-content', '#contenu-principal', '.contenu', 'article'];
  let root: Cheerio<Element> = main.length > 0 ? main : $('body');
  if (main.length === 0) {
    for (const selector of candidates) {
      const found = $(selector).first() as Cheerio<Element>;
      if (found.length > 0 && foldSpace(found.text()).length > 80) {
        root = found;
        break;
      }
    }
  }
  const clone = root.clone();
  clone.find(CHROME).remove();
  // Menus inside the content: tab bars, sub-menus, a list of links one of which is "this page".
  clone.find('ul, ol').each((_, el) => {
    const list = $(el);
    if (list.find('[aria-current]').length > 0 || /\b(tabs?|menu|nav|onglets?|sommaire|toc)\b/i.test(`${list.attr('class') ?? ''} ${list.attr('id') ?? ''} ${list.attr('role') ?? ''}`)) list.remove();
  });
  clone.find('section, div, form, p, aside').each((_, el) => {
    const block = $(el);
    const text = foldSpace(block.text());
    if (text.length < 400 && CHROME_TEXT.test(text)) block.remove();
  });
  contentCache.set(page, clone);
  return clone;
}
const contentCache = new WeakMap<ParsedPage, Cheerio<Element>>();

export function contentText(page: ParsedPage): string {
  return foldSpace(contentOf(page).text());
}

/** The label a person reads on a link or button: its text, else its accessible name (leading arrows and bullets dropped). */
export function controlLabel($: CheerioAPI, el: Element): string {
  const node = $(el);
  const text = foldSpace(node.text());
  const parts = [text, node.attr('value'), node.attr('alt'), node.attr('aria-label'), text ? '' : node.attr('title'), node.find('img').attr('alt')];
  return foldSpace(parts.filter(Boolean).join(' ')).replace(/^[^\p{L}\p{N}]+/u, '');
}

// What a "start the procedure online" call to action says on French public sites.
const CTA_VERBS =
  'fais|faire|commence|commencer|d[ée]marre|d[ée]marrer|d[ée]pose|d[ée]poser|remplis|remplir|effectue|effectuer|r[ée]alise|r[ée]aliser|acc[èe]de|acc[ée]der|demande|demander|formule|formuler|d[ée]clare|d[ée]clarer|(pr[ée]-?)?inscri[st]|(pr[ée]-?)?inscrire|(pr[ée]-?)?inscrivez|signale|signaler|souscri[st]|souscrire|saisi[st]|saisir|cr[ée]e|cr[ée]er|envoie|envoyer|transmets|transmettre|compl[èe]te|compl[ée]ter|renouvelle|renouveler|modifie|modifier|r[ée]serve|r[ée]server|candidate|candidater|postule|postuler|paie|payer|r[ée]gle|r[ée]gler|obtiens|obtenir|commande|commander|monte|monter|constitue|constituer|mets à jour|mettre à jour|actualise|actualiser|change|changer|r[ée]silie|r[ée]silier|prolonge|prolonger|te?l[ée]d[ée]clare|te?l[ée]d[ée]clarer|identifie|identifier|connecte|connecter|connectez-vous|identifiez-vous|sollicite|solliciter|ouvre|ouvrir|active|activer|enregistre|enregistrer|soumets|soumettre|continue|continuer';
const CTA_IMPERATIVES =
  'faites|commencez|d[ée]marrez|d[ée]posez|remplissez|effectuez|r[ée]alisez|acc[ée]dez|demandez|formulez|d[ée]clarez|inscrivez-vous|pr[ée]-?inscrivez-vous|signalez|souscrivez|saisissez|cr[ée]ez|envoyez|transmettez|compl[ée]tez|renouvelez|modifiez|r[ée]servez|candidatez|postulez|payez|r[ée]glez|obtenez|commandez|connectez-vous|identifiez-vous|sollicitez|activez|enregistrez|soumettez|continuez|t[ée]l[ée]d[ée]clarez';
const CTA = new RegExp(
  [
    `^(je |j[’']|nous )?(souhaite |veux |voudrais |peux )?(me |m[’']|s[’']|se )?(${CTA_VERBS})\\b`,
    `^(${CTA_IMPERATIVES})\\b`,
    '^(acc[èe]s|acc[ée]der|accéder directement) (au|à|aux) (service|t[ée]l[ée]service|t[ée]l[ée]proc[ée]dure|formulaire|d[ée]marche|espace|portail|plateforme|site de la d[ée]marche)',
    '^(d[ée]marche|demande|formulaire|service|t[ée]l[ée]service|d[ée]claration|inscription|pr[ée]-?demande|pr[ée]-?inscription|candidature) en ligne\\b',
    '^(le |un |au )?formulaire (en ligne|de (demande|d[ée]claration|candidature|pr[ée]-?inscription|inscription|signalement|r[ée]servation|saisine|contact [^ ]+ d[ée]marche)|d[’\']habilitation|d[’\']inscription)',
    '^(mon|votre) (espace|compte) (personnel|particulier|professionnel|usager|citoyen|allocataire|assur[ée]|priv[ée]|en ligne|famille|candidat|[ée]tudiant)',
    '^espace (personnel|particulier|professionnel|usager|citoyen|allocataire|assur[ée]|famille|d[ée]marches|candidat)',
    '^connexion$',
    '^(vers le|lien vers le) (service en ligne|t[ée]l[ée]service)',
    '\\b(demande|inscription|d[ée]claration|d[ée]marche|service|formulaire|proc[ée]dure|op[ée]ration|dossier|r[ée]servation|candidature|signalement|pr[ée]-?demande|pr[ée]-?inscription)\\b.{0,60}\\ben ligne$',
  ].join('|'),
  'i',
);
// Links that look like a call to action but are not the procedure online.
const NOT_CTA = /simulat|simuler|cerfa|estim(er|ation)|calcul(er|ette)|t[ée]l[ée]charg|imprim|en savoir plus|voir (aussi|la|le|les)|lire la suite|qu['’]est-ce|rendez-vous|prendre rdv|plus d['’]informations|faq|aide|tutoriel|guide|vid[ée]o|notice|brochure|mentions l[ée]gales|contact|nous contacter|r[ée]clamation|newsletter|lettre d'information|\.pdf\b|pdf\)|\bpdf\b|carte (des|interactive)|trouver (un|une|votre|mon)|annuaire|localiser/i;

export interface CallToAction {
  text: string;
  href: string;
}

/** The link or button of the page's own content that starts the procedure online, if any. */
export function findCallToAction(page: ParsedPage): CallToAction | null {
  const { $ } = page;
  const content = contentOf(page);
  const controls = content.find('a[href], button, input[type=submit], input[type=button], [role=button]').toArray();
  const usable = (el: Element): CallToAction | null => {
    const node = $(el);
    const rawHref = (node.attr('href') ?? '').trim();
    if (/^(mailto|tel|javascript):/i.test(rawHref) || /\.(pdf|docx?|odt|xlsx?|zip)(\?|#|$)/i.test(rawHref)) return null;
    // An in-page anchor is not a way in; a "#/route" of a single-page application is.
    if (rawHref.startsWith('#') && !/^#!?\//.test(rawHref)) return null;
    const href = rawHref ? absolute(rawHref, page.baseUrl) : page.finalUrl;
    // Only a web address is a way in (and only one ends up in the evidence): no data:, vbscript:, ….
    if (!isWebUrl(href)) return null;
    return { text: controlLabel($, el), href };
  };
  // A simulator is not the procedure, unless the page is about the simulator itself.
  const aboutSimulator = /simulat|simuler|estim|calcul|[ée]valu/i.test(foldSpace($('h1').first().text()));
  let identity: CallToAction | null = null;
  for (const el of controls) {
    // A submit button belongs to its form: the form itself is what procedureForms reads.
    if (el.tagName !== 'a' && $(el).closest('form').length > 0) continue;
    const text = controlLabel($, el);
    if (!text || text.length > 140 || !CTA.test(text)) continue;
    if (NOT_CTA.test(aboutSimulator ? text.replace(/simulat\w*|simuler/gi, '') : text)) continue;
    const cta = usable(el);
    if (!cta) continue;
    // A link to the page itself (the current tab of a menu) goes nowhere.
    if (cta.href.split('#')[0] === page.finalUrl.split('#')[0] && !/^#!?\//.test($(el).attr('href') ?? '') && el.tagName === 'a') continue;
    if ($(el).attr('aria-current') === 'page') continue;
    // "S'identifier avec FranceConnect" starts it too, but the procedure's own way in comes first.
    if (IDENTITY.test(text)) identity ??= cta;
    else return cta;
  }
  if (identity) return identity;
  let onlinePage: boolean | undefined;
  // A link inside a sentence that says the procedure is done online ("inscrivez-vous en ligne sur
  // <a>service-public.fr</a>"): the link is the way in, whatever its own words.
  for (const el of controls) {
    if (el.tagName !== 'a') continue;
    const text = controlLabel($, el);
    if (NOT_CTA.test(text) || text.length > 140) continue;
    const sentence = foldSpace($(el).closest('p, li, dd').text());
    if (!sentence || sentence.length > 400) continue;
    // A public service's address given as the link ("www.maprocuration.gouv.fr") on a page that
    // speaks of doing it online.
    const address = /^(https?:\/\/)?(www\.)?[\w-]+(\.[\w-]+)*\.gouv\.fr\/?$/i.test(text) && (onlinePage ??= ONLINE_PAGE.test(contentText(page)));
    if (!address && (!ONLINE_SENTENCE.test(sentence) || NOT_ONLINE_SENTENCE.test(sentence))) continue;
    const cta = usable(el);
    if (cta) return cta;
  }
  // Links whose address says they start the procedure (".../faire-un-signalement"), whatever
  // their words (a category to choose first, a picture).
  for (const el of controls) {
    if (el.tagName !== 'a' || NOT_CTA.test(controlLabel($, el))) continue;
    const cta = usable(el);
    if (cta && ACTION_PATH.test(new URL(cta.href).pathname)) return cta;
  }
  return null;
}

const ACTION_PATH = /\/(faire|deposer|effectuer|commencer|remplir|demarrer|creer)[-_](un|une|ma|mon|la|le|sa|son|votre)?[-_]?(demande|signalement|declaration|dossier|demarche|inscription|candidature|reservation)s?(\/|\.html?|$)/i;

/** An identity provider's button (FranceConnect, ProConnect…): a way to log in, not the procedure's form. */
const IDENTITY = /(?<!sans\s*)\b(avec|via|par)\s*(france|pro|agent)\s*connect|^(france|pro|agent)\s*connect|^mon\s?compte\s?pro/i;

/** A sentence saying the procedure itself can be done online, here. */
const ONLINE_SENTENCE = /((directement|enti[èe]rement|uniquement|100 ?%) en ligne|en ligne (sur|via|depuis|à partir|gr[âa]ce)|(par|sur|via) (le |un |ce )?(t[ée]l[ée]service|service en ligne|site|portail|formulaire en ligne)|t[ée]l[ée]proc[ée]dure)/i;
const ONLINE_PAGE = /en ligne|t[ée]l[ée]service|t[ée]l[ée]proc[ée]dure|d[ée]mat[ée]rialis|sur (le )?(site|portail) (internet|d[ée]di[ée])/i;
const NOT_ONLINE_SENTENCE = /t[ée]l[ée]charg|imprim|cerfa|simulat|rendez-vous|information|en savoir/i;

/** Names site searches give their box (Joomla's searchword, WordPress's s, …). */
const SEARCH_NAME = /^(q|s|query|keys|search|searchword|searchphrase|recherche|rechercher|mot|motcle|mots?[-_]?cles?|keywords?|terms?|text|texte)$/i;

const FIELD = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]):not([type=search]), select, textarea';

/** A form that asks for a password: a login, the procedure being behind an account. */
export function isLoginForm($: CheerioAPI, form: Element): boolean {
  return $(form).find('input[type=password]').length > 0;
}

/**
 * Forms a user fills in to carry out the procedure, in the page's own content: not the site's
 * search, newsletter, feedback or cookie forms, not a login form.
 */
export function procedureForms(page: ParsedPage): Element[] {
  const { $ } = page;
  const content = contentOf(page);
  const forms = realForms(page, content);
  if (forms.length > 0) return forms;
  // Applications often lay out a step's fields without a <form>: the fields and a button in the
  // content are the form.
  const loose = content.find(FIELD).toArray().filter((el) => $(el).closest('form').length === 0 && !SEARCH_NAME.test($(el).attr('name') ?? ''));
  const typed = loose.filter((el) => !['radio', 'checkbox'].includes(($(el).attr('type') ?? '').toLowerCase()));
  const next = content.find('button, input[type=submit], [role=button]').toArray().some((el) => /^(valider|continuer|suivant|[ée]tape suivante|envoyer|soumettre|v[ée]rifier|commencer|je valide|je continue|enregistrer)/i.test(controlLabel($, el)));
  if (typed.length > 0 && next) return [content[0]!];
  return [];
}

function realForms(page: ParsedPage, content: Cheerio<Element>): Element[] {
  const { $ } = page;
  return content
    .find('form')
    .toArray()
    .filter((form) => {
      const f = $(form);
      if (f.attr('role') === 'search') return false;
      // The site's search: its only text box is a search box, or it has one box and a "Rechercher" button.
      const boxes = f.find('input:not([type]), input[type=text], input[type=search]').toArray();
      const searchy = (el: Element) => ($(el).attr('type') ?? '').toLowerCase() === 'search' || SEARCH_NAME.test($(el).attr('name') ?? '');
      if (boxes.length > 0 && boxes.every(searchy) && f.find(FIELD).length <= boxes.length + 1) return false;
      if (boxes.length === 1 && f.find('select, textarea').length === 0 && /^(rechercher|recherche|chercher|ok|go|search|lancer la recherche)$/i.test(foldSpace(f.find('button, input[type=submit]').first().text() || f.find('input[type=submit]').attr('value') || ''))) return false;
      if (/recherche|search|newsletter|abonnement|subscribe/i.test(`${f.attr('action') ?? ''} ${f.attr('id') ?? ''} ${f.attr('class') ?? ''}`)) return false;
      if (isLoginForm($, form)) return false;
      const fields = f.find(FIELD).toArray();
      const named = fields.filter((el) => !SEARCH_NAME.test($(el).attr('name') ?? ''));
      if (named.length === 0) return false;
      const text = foldSpace(f.text());
      // One e-mail box to subscribe, or a "was this page useful" vote.
      if (fields.every((el) => ($(el).attr('type') ?? '').toLowerCase() === 'email')) return false;
      if (CHROME_TEXT.test(text) && text.length < 400) return false;
      // Choices of a single question only (a rating, "was this useful?"): a vote, not a procedure.
      const choices = fields.filter((el) => ['radio', 'checkbox'].includes(($(el).attr('type') ?? '').toLowerCase()));
      if (choices.length === fields.length && new Set(choices.map((el) => $(el).attr('name') ?? '')).size <= 1) return false;
      return true;
    });
}

/** Login forms (with a password) in the page's own content. */
export function loginForms(page: ParsedPage): Element[] {
  const { $ } = page;
  return contentOf(page)
    .find('form')
    .toArray()
    .filter((form) => isLoginForm($, form));
}

/** Whether a URL is an http(s) address: the only kind kept in evidence as a link. */
export function isWebUrl(url: string): boolean {
  try {
    return /^https?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function absolute(href: string, base: string): string {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return base;
  }
}

/** A short excerpt of the page around what was found, kept as evidence. */
export function snippet(text: string, max = 200): string {
  const t = foldSpace(text);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
