import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type { Check } from './types.ts';
import { findCallToAction, foldSpace, procedureForms, type ParsedPage } from './page.ts';

// Data the State already holds about a person or a company: asking for it again is what
// "Dites-le-nous une fois" forbids, unless the form arrives pre-filled.
const STATE_HELD: [string, RegExp][] = [
  ['prénom', /pr[ée]nom|given-name/i],
  ['nom', /(?<![\p{L}])nom(?![\p{L}])(?! (de l'entreprise|commercial|de la soci))|family-name|lastname|last-name/iu],
  ['date de naissance', /date de naissance|bday|birth-?date|date_naissance|datenaissance/i],
  ['lieu de naissance', /(lieu|commune|ville|pays|d[ée]partement) de naissance|lieu_naissance|birthplace/i],
  ['adresse', /(?<![\p{L}-])adresse(?! (e-?mail|électronique|courriel|mail))(?!-email)|street-address|address-line/iu],
  ['code postal', /code postal|postal-code|code_postal|codepostal/i],
  ['commune', /(?<![\p{L}])(commune|ville)(?![\p{L}])(?! de naissance)|address-level2/iu],
  ['numéro fiscal', /num[ée]ro fiscal|identifiant fiscal|\bspi\b|numero_fiscal/i],
  ['numéro de sécurité sociale', /s[ée]curit[ée] sociale|\bnir\b/i],
  ['revenu', /revenu/i],
  ['situation familiale', /situation (familiale|matrimoniale)|nombre d'enfants/i],
  ['SIREN / SIRET', /\bsir[ee]n\b|\bsiret\b|siren|siret/i],
  ['numéro allocataire', /allocataire/i],
  ['nationalité', /nationalit/i],
];

function fieldLabel($: CheerioAPI, field: Cheerio<Element>): string {
  const id = field.attr('id');
  const byFor = id ? $(`label[for="${id.replace(/"/g, '\\"')}"]`).first().text() : '';
  const wrapping = field.closest('label').text();
  const labelledBy = (field.attr('aria-labelledby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((ref) => $(`#${ref}`).text())
    .join(' ');
  return foldSpace(byFor || wrapping || labelledBy || field.attr('aria-label') || field.attr('title') || '');
}

function isPrefilled($: CheerioAPI, field: Cheerio<Element>): boolean {
  const tag = field.prop('tagName')?.toLowerCase();
  if (tag === 'select') {
    const selected = field.find('option[selected]').first();
    return selected.length > 0 && (selected.attr('value') ?? selected.text()).trim() !== '';
  }
  if (tag === 'textarea') return field.text().trim() !== '';
  // A placeholder or a format hint is not a value.
  return (field.attr('value') ?? '').trim() !== '';
}

export interface AskedField {
  label: string;
  category: string;
}

/** The fields of a form that ask for State-held data and are not pre-filled. */
export function stateHeldFields(page: ParsedPage, form: Element): AskedField[] {
  const { $ } = page;
  const asked: AskedField[] = [];
  for (const el of $(form).find('input, select, textarea').toArray()) {
    const field = $(el) as Cheerio<Element>;
    const type = (field.attr('type') ?? 'text').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'password', 'file', 'image', 'search', 'checkbox', 'radio', 'email', 'tel'].includes(type)) continue;
    const label = fieldLabel($, field);
    const haystack = `${label} ${field.attr('name') ?? ''} ${field.attr('id') ?? ''} ${field.attr('autocomplete') ?? ''}`;
    const match = STATE_HELD.find(([, pattern]) => pattern.test(haystack));
    if (!match || isPrefilled($, field)) continue;
    asked.push({ label: label || field.attr('name') || match[0], category: match[0] });
  }
  return asked;
}

export const dlnufCheck: Check = {
  name: 'dlnuf',
  criterion: 'dlnuf',
  kind: 'http',
  async run({ visit }) {
    const start = await visit.startOk();
    const base = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status };
    let page: ParsedPage = start;
    let form = procedureForms(start)[0];
    if (!form) {
      const cta = findCallToAction(start);
      if (!cta) return { status: 'not_applicable', reason: 'no_online_form', evidence: { ...base, snippet: 'aucun formulaire ni lien vers un formulaire' } };
      page = await visit.page(cta.href);
      if (page.status < 200 || page.status >= 300) {
        return { status: 'unmeasurable', reason: 'form_unreachable', evidence: { ...base, snippet: `${cta.href} → HTTP ${page.status}` } };
      }
      form = procedureForms(page)[0];
    }
    if (!form) return { status: 'unmeasurable', reason: 'form_not_found', evidence: { ...base, formUrl: page.finalUrl } };
    if (page.$(form).find('input[type=password]').length > 0) {
      return { status: 'unmeasurable', reason: 'form_behind_login', evidence: { ...base, formUrl: page.finalUrl, snippet: 'formulaire de connexion : le formulaire de la démarche est derrière un compte' } };
    }
    const fields = stateHeldFields(page, form);
    return {
      status: 'measured',
      value: fields.length,
      details: { fields: fields.map((f) => f.label), formUrl: page.finalUrl },
      evidence: { ...base, formUrl: page.finalUrl, fields, snippet: fields.map((f) => f.label).join(', ') || 'aucune donnée déjà détenue demandée' },
    };
  },
};
