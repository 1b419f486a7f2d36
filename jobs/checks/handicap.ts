import type { Check, CheckResult } from './types.ts';
import { absolute, contentOf, foldSpace, readWith, snippet, type ParsedPage } from './page.ts';
import { readMention, readStatement, type ComplianceState, type StatementReading } from './statement.ts';

// The accessibility statement, read as a person does: the footer's mention and link, then the
// statement itself. The value is the rate read (none when the statement gives none); a missing
// or unreachable statement, or one over three years old, is a flag with its reason — the level
// rule ("Non" then) lives in the methodology, never a "0 %" the statement did not say.

export const STATEMENT_VALIDITY_YEARS = 3;

export type StatementPresence = 'found' | 'missing' | 'unreachable';

export interface StatementLink {
  text: string;
  href: string;
}

/** The link to the accessibility statement: the footer's first, by its text, else by its address. */
export function findStatementLink(page: ParsedPage): StatementLink | null {
  const { $ } = page;
  let best: { link: StatementLink; score: number } | null = null;
  for (const el of $('a[href]').toArray()) {
    const node = $(el);
    const href = (node.attr('href') ?? '').trim();
    // An in-page anchor is not a statement; a "#/accessibilite" route of an application is.
    if (!href || (href.startsWith('#') && !/^#!?\//.test(href)) || /^(mailto|tel|javascript):/i.test(href)) continue;
    const text = foldSpace(`${node.text()} ${node.attr('title') ?? ''} ${node.attr('aria-label') ?? ''}`);
    let score = 0;
    if (/d[ée]claration d['’ ]?accessibilit/i.test(text)) score += 10;
    else if (/^accessibilit[ée]( num[ée]rique| du site| rgaa)?\s*(:|-|–|$)/i.test(text)) score += 8;
    else if (/accessibilit/i.test(text)) score += 5;
    if (/accessibilit|a11y|rgaa/i.test(href)) score += 3;
    if (score === 0) continue;
    if (/b[âa]timents?|locaux|lieux|\berp\b|transports?|voirie|logement|handicap(?!.*num)|fiche pratique|aides?\b|scolari|emploi/i.test(text) && !/d[ée]claration/i.test(text)) score -= 10;
    if (node.closest('footer, [role=contentinfo], .fr-footer, #footer, .footer').length > 0) score += 2;
    if (/\.(pdf|docx?|odt)(\?|$)/i.test(href)) score -= 1;
    if (score >= 3 && (!best || score > best.score)) best = { link: { text: foldSpace(node.text()) || text, href }, score };
  }
  return best?.link ?? null;
}

const WORD = /[\p{L}\p{N}]{4,}/gu;
const words = (text: string) => new Set((text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(WORD) ?? []).filter((w) => !/^(accessibilite|declaration|conforme|partiellement|totalement|site|sites|internet|numerique|ville|commune)$/.test(w)));

/**
 * A page that lists the statements of several sites (an agglomeration's hub) is not a statement:
 * a reader follows the entry that names this site (its host or the words of its title).
 */
function statementForThisSite(page: ParsedPage, start: ParsedPage): string | null {
  const { $ } = page;
  const content = contentOf(page);
  if (/[ée]tat de conformit|r[ée]sultats des tests/i.test(foldSpace(content.find('h1, h2, h3, h4').text()))) return null;
  const entries = content
    .find('li, tr')
    .toArray()
    .map((el) => ({ el, link: $(el).find('a[href]').first() }))
    .filter(({ el, link }) => link.length > 0 && /conforme|conformit|d[ée]claration|accessibilit/i.test(foldSpace($(el).text())));
  if (entries.length < 2) return null;
  const host = new URL(start.finalUrl).hostname.replace(/^www\./, '');
  const mine = words(`${start.$('title').text()} ${start.$('h1').first().text()} ${host}`);
  let best: { href: string; score: number } | null = null;
  for (const { el, link } of entries) {
    const text = foldSpace($(el).text());
    const href = absolute(link.attr('href')!, page.baseUrl);
    let score = [...words(text)].filter((w) => mine.has(w)).length;
    if (text.toLowerCase().includes(host) || href.includes(host)) score += 5;
    if (score > 0 && (!best || score > best.score)) best = { href, score };
  }
  return best?.href ?? null;
}

function footerMention(page: ParsedPage): ComplianceState | null {
  const footer = foldSpace(page.$('footer, [role=contentinfo], .fr-footer, #footer, .footer').text());
  return readMention(footer) ?? readMention(page.text);
}

function olderThanYears(isoDate: string, now: Date, years: number): boolean {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() - years);
  return new Date(`${isoDate}T00:00:00Z`) < limit;
}

function read(page: ParsedPage): StatementReading {
  const content = contentOf(page);
  const root = content.length > 0 && foldSpace(content.text()).length > 200 ? content.toArray() : page.$('body').toArray();
  return readStatement(page.$, root);
}

export const handicapCheck: Check = {
  name: 'handicap',
  criterion: 'handicap',
  kind: 'http',
  async run({ visit, now }): Promise<CheckResult> {
    const start = await visit.startOk();
    const base = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status, ...readWith(start) };
    const mention = footerMention(start);
    const link = findStatementLink(start);
    const noValue = (statement: StatementPresence, reason: string, statementUrl: string | null, said: string, extra: Record<string, unknown> = {}): CheckResult => ({
      status: 'measured',
      label: mention ?? undefined,
      reason,
      details: { statement, state: mention, statementUrl, statementDate: null, rate: null, expired: false },
      evidence: { ...base, statement, mention, statementUrl, snippet: said, ...extra },
    });
    if (!link) return noValue('missing', 'no_statement', null, mention ? `Accessibilité : ${mention} (sans lien vers une déclaration)` : 'aucune mention ni lien « Accessibilité »');

    let statementUrl = absolute(link.href, start.baseUrl);
    let statement = await visit.page(statementUrl).catch(() => null);
    if (!statement || statement.status < 200 || statement.status >= 300) {
      return noValue('unreachable', 'statement_unreachable', statementUrl, `lien « ${link.text} » → ${statement ? `HTTP ${statement.status}` : 'injoignable'}`, { statementStatus: statement?.status ?? null });
    }
    // A hub listing the statements of several sites: the one for this site.
    const hubChoice = statementForThisSite(statement, start);
    if (hubChoice) {
      const page = await visit.page(hubChoice).catch(() => null);
      if (page && page.status >= 200 && page.status < 300) {
        statement = page;
        statementUrl = hubChoice;
      }
    }
    let reading = read(statement);
    // An "Accessibilité" page that only leads to the statement: follow it once.
    if (reading.state === null && reading.rate === null) {
      const onward = findStatementLink(statement);
      const next = onward ? absolute(onward.href, statement.baseUrl) : null;
      if (next && next !== statementUrl) {
        const page = await visit.page(next).catch(() => null);
        if (page && page.status >= 200 && page.status < 300) {
          statement = page;
          statementUrl = next;
          reading = read(page);
        }
      }
    }
    const state = reading.state ?? mention;
    const expired = reading.date !== null && olderThanYears(reading.date, now, STATEMENT_VALIDITY_YEARS);
    const details = { statement: 'found' as StatementPresence, state, statementUrl, statementDate: reading.date, auditDate: reading.auditDate, rate: reading.rate, rgaaVersion: reading.rgaaVersion, expired };
    const said = [reading.said.state, reading.said.rate, reading.said.date].filter(Boolean).map((s) => snippet(s!, 160)).join(' … ');
    const evidence = { ...base, ...readWith(statement), mention, ...details, snippet: said || snippet(statement.text.slice(0, 300)) };
    if (reading.rate === null && state === null) {
      return { status: 'unmeasurable', reason: 'statement_unreadable', details, evidence };
    }
    return {
      status: 'measured',
      value: reading.rate ?? undefined,
      label: state ?? undefined,
      reason: expired ? 'statement_expired' : undefined,
      details,
      evidence,
    };
  },
};
