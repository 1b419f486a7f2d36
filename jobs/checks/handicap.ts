import type { Check } from './types.ts';
import { absolute, foldSpace, snippet } from './page.ts';
import { readMention, readStatement } from './statement.ts';

const STATEMENT_VALIDITY_YEARS = 3;

export const handicapCheck: Check = {
  name: 'handicap',
  criterion: 'handicap',
  kind: 'http',
  async run({ visit, now }) {
    const start = await visit.startOk();
    const { $ } = start;
    const base = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status };
    const footerText = foldSpace($('footer').text()) || start.text;
    const mention = readMention(footerText) ?? readMention(start.text);
    const link = $('a[href]')
      .toArray()
      .map((a) => ({ text: foldSpace($(a).text()), href: $(a).attr('href')! }))
      .find((a) => /accessibilit/i.test(a.text) && (/accessibilit/i.test(a.href) || /conforme|déclaration/i.test(a.text)));

    if (!link) {
      return {
        status: 'measured',
        value: 0,
        reason: 'no_statement',
        details: { state: mention, statementUrl: null, statementDate: null },
        evidence: { ...base, snippet: mention ? `Accessibilité : ${mention} (sans lien vers une déclaration)` : 'aucune mention « Accessibilité : … »', mention },
      };
    }
    const statementUrl = absolute(link.href, start.finalUrl);
    const statement = await visit.page(statementUrl);
    if (statement.status < 200 || statement.status >= 300) {
      return {
        status: 'measured',
        value: 0,
        reason: 'statement_unreachable',
        details: { state: mention, statementUrl, statementDate: null },
        evidence: { ...base, snippet: `lien « ${link.text} » → HTTP ${statement.status}`, mention, statementUrl, statementStatus: statement.status },
      };
    }
    const reading = readStatement(statement.text);
    const state = reading.state ?? mention;
    const rate = reading.rate ?? (state === 'totalement conforme' ? 100 : state === 'non conforme' ? 0 : null);
    const details = { state, statementUrl, statementDate: reading.date, rate, rgaaVersion: reading.rgaaVersion };
    const evidence = { ...base, mention, ...details, snippet: snippet(statement.text.slice(0, 400)) };
    if (rate === null) {
      return { status: 'unmeasurable', reason: 'rate_not_found', details, evidence };
    }
    if (reading.date && isOlderThanYears(reading.date, now, STATEMENT_VALIDITY_YEARS)) {
      return { status: 'measured', value: 0, reason: 'statement_expired', details: { ...details, expired: true }, evidence: { ...evidence, expired: true } };
    }
    return { status: 'measured', value: rate, details, evidence };
  },
};

function isOlderThanYears(isoDate: string, now: Date, years: number): boolean {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() - years);
  return new Date(`${isoDate}T00:00:00Z`) < limit;
}
