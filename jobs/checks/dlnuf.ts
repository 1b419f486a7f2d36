import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type { Check } from './types.ts';
import { foldSpace, loginForms, procedureForms, readWith, type ParsedPage } from './page.ts';
import { findFranceConnect, goneStart } from './auth.ts';
import { readOnline } from './online.ts';

// Data the State already holds about a person or a company: asking for it again is what
// "Dites-le-nous une fois" forbids, unless the form arrives pre-filled. Each pattern reads the
// field's label as a person sees it; autocomplete tokens say the same to machines.
const STATE_HELD: [string, RegExp, RegExp?][] = [
  ['prénom', /pr[ée]noms?(?![\p{L}])/iu, /given-name/],
  ['nom', /(?<![\p{L}])(nom|patronyme)(?![\p{L}])(?!\s*(de l['’]entreprise|de la soci[ée]t[ée]|commercial|de l['’]association|de la structure|de l['’]organisme|de la commune|de la voie|de la rue|du (projet|fichier|document|contact|responsable|r[ée]f[ée]rent|service|[ée]tablissement)|d['’]utilisateur|de domaine))|family-name|last-?name/iu, /family-name/],
  ['date de naissance', /date de naissance|(?<![\p{L}])n[ée]e? le(?![\p{L}])|birth-?date|date_?naissance/iu, /bday/],
  ['lieu de naissance', /(lieu|commune|ville|pays|d[ée]partement) de naissance|(?<![\p{L}])n[ée]e? (à|a)(?![\p{L}])|lieu_?naissance|birthplace/iu],
  ['nationalité', /nationalit/i],
  ['adresse', /(?<![\p{L}-])adresse(?!\s*(e-?mail|électronique|electronique|courriel|mail|de messagerie|IP|web|du site))(?!-email)|(?<![\p{L}])(voie|rue|libell[ée] de (la )?voie|num[ée]ro de (la )?voie|n° de voie|domicile)(?![\p{L}])|street-address|address-line/iu, /street-address|address-line/],
  ['code postal', /code postal|postal-?code|code_?postal|codepostal|\bcp\b/i, /postal-code/],
  ['commune', /(?<![\p{L}])(commune|ville|localit[ée])(?![\p{L}])(?! de naissance)/iu, /address-level2/],
  ['numéro fiscal', /num[ée]ro fiscal|identifiant fiscal|num[ée]ro d['’]identification fiscale|\bspi\b|numero_?fiscal|r[ée]f[ée]rence de l['’]avis d['’]imp[ôo]t/i],
  ['numéro de sécurité sociale', /s[ée]curit[ée] sociale|\bnir\b|num[ée]ro d['’]inscription au r[ée]pertoire|num[ée]ro d['’]assur[ée]/i],
  ['revenus', /revenus?(?![\p{L}])(?! (minimum|de solidarit))|ressources (annuelles|mensuelles|du foyer)|salaires? (annuel|mensuel|net)/iu],
  ['situation familiale', /situation (familiale|matrimoniale|de famille)|nombre d['’]enfants|[ée]tat matrimonial/i],
  ['SIREN / SIRET', /\bsir[ée]n\b|\bsiret\b|siren|siret/i],
  ['numéro allocataire', /allocataire/i],
];

/** Inputs a person types State-held data into (e-mail, phone, files, passwords are not). */
const SKIPPED_TYPES = new Set(['hidden', 'submit', 'button', 'reset', 'password', 'file', 'image', 'checkbox', 'email', 'tel', 'url', 'color', 'range']);
/** Labels of the parts of a split field: the datum is named by the group around them. */
const PART_LABEL = /^(jour|mois|ann[ée]e|jj|mm|aaaa|aa|day|month|year|n°|num[ée]ro|compl[ée]ment|ligne \d|suite)$/i;

function textOf(node: Cheerio<Element>): string {
  const clone = node.clone();
  clone.find('input, select, textarea, .fr-hint-text, .fr-error-text, .fr-messages-group').remove();
  return foldSpace(clone.text());
}

/** The label of a field, found every way HTML allows a label to be associated. */
export function fieldLabel($: CheerioAPI, field: Cheerio<Element>): string {
  const id = field.attr('id');
  const labelledBy = (field.attr('aria-labelledby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((ref) => foldSpace($(`[id="${ref.replace(/"/g, '\\"')}"]`).text()))
    .join(' ');
  if (labelledBy) return labelledBy;
  const aria = field.attr('aria-label');
  if (aria) return foldSpace(aria);
  const byFor = id ? $(`label[for="${id.replace(/"/g, '\\"')}"]`).first() : null;
  if (byFor && byFor.length > 0) return textOf(byFor);
  const wrapping = field.closest('label');
  if (wrapping.length > 0) return textOf(wrapping as Cheerio<Element>);
  // A table layout: the label is the cell before the field's cell, or the column's header.
  const cell = field.closest('td, th');
  if (cell.length > 0) {
    const before = foldSpace(cell.prevAll('td, th').first().text());
    if (before) return before;
    const index = cell.index();
    const header = foldSpace(cell.closest('table').find('tr').first().children().eq(index).text());
    if (header && header !== foldSpace(cell.text())) return header;
  }
  // Text just before the field in the same block ("Nom : <input>").
  let prev = field[0]!.prev;
  let text = '';
  while (prev && text.length < 60) {
    if (prev.type === 'text') text = `${prev.data ?? ''} ${text}`;
    else if (prev.type === 'tag') {
      const tag = (prev as Element).tagName.toLowerCase();
      if (['input', 'select', 'textarea', 'br'].includes(tag) && foldSpace(text)) break;
      if (!['input', 'select', 'textarea', 'br'].includes(tag)) text = `${$(prev).text()} ${text}`;
    }
    prev = prev.prev;
  }
  const before = foldSpace(text);
  if (before) return before;
  return foldSpace(field.attr('title') ?? field.attr('placeholder') ?? '');
}

/** The name of the group a field belongs to: a fieldset's legend, a radio group's question. */
function groupLabel($: CheerioAPI, field: Cheerio<Element>): string {
  // A fieldset around a few inputs names them ("Date de naissance" over jour, mois, année);
  // one around a whole section ("Personne concernée") does not name each part.
  const fieldset = field.closest('fieldset');
  if (fieldset.length > 0 && (field.attr('type') === 'radio' || fieldset.find('input:not([type=hidden]), select, textarea').length <= 4)) return foldSpace(fieldset.children('legend').first().text());
  const group = field.closest('[role=group], [role=radiogroup]');
  if (group.length > 0) {
    const ref = group.attr('aria-labelledby');
    return foldSpace(ref ? $(`[id="${ref}"]`).text() : group.attr('aria-label') ?? '');
  }
  // A hand-made group: the container's own words around its parts ("<span>Date de naissance</span> <select>…").
  let container = field.parent();
  for (let depth = 0; depth < 3 && container.length > 0; depth++) {
    const clone = container.clone();
    clone.find('input, select, textarea, option').remove();
    clone.find('label').each((_, l) => {
      if (PART_LABEL.test(foldSpace(clone.find(l).text()))) clone.find(l).remove();
    });
    const words = foldSpace(clone.text());
    if (words && words.length < 80) return words;
    if (words.length >= 80) break;
    container = container.parent();
  }
  return '';
}

function isPrefilled($: CheerioAPI, field: Cheerio<Element>, type: string): boolean {
  const tag = field.prop('tagName')?.toLowerCase();
  if (tag === 'select') {
    const selected = field.find('option[selected]').first();
    return selected.length > 0 && (selected.attr('value') ?? selected.text()).trim() !== '' && !/^[-–—\s]*(choisi|s[ée]lectionn|veuillez|--)/i.test(selected.text().trim());
  }
  if (tag === 'textarea') return field.text().trim() !== '';
  if (type === 'radio') return field.attr('checked') !== undefined;
  // A placeholder or a format hint is not a value.
  return (field.attr('value') ?? '').trim() !== '';
}

export interface AskedField {
  label: string;
  category: string;
}

/**
 * The State-held data a form asks for and does not pre-fill, one per datum: a date of birth
 * split into day, month and year is one datum, so is an address over two lines.
 */
export function stateHeldFields(page: ParsedPage, form: Element): AskedField[] {
  const { $ } = page;
  const asked = new Map<string, AskedField>();
  for (const el of $(form).find('input, select, textarea').toArray()) {
    const field = $(el) as Cheerio<Element>;
    const type = (field.attr('type') ?? 'text').toLowerCase();
    if (SKIPPED_TYPES.has(type)) continue;
    if (field.attr('aria-hidden') === 'true' || /display:\s*none/i.test(field.attr('style') ?? '')) continue;
    const own = fieldLabel($, field);
    const group = groupLabel($, field);
    const label = type === 'radio' || !own || PART_LABEL.test(own) ? foldSpace(`${group} ${own}`) : own;
    const machine = `${field.attr('autocomplete') ?? ''}`;
    const byName = `${field.attr('name') ?? ''} ${field.attr('id') ?? ''}`.replace(/[_\-[\].]+/g, ' ');
    const match =
      STATE_HELD.find(([, , auto]) => auto?.test(machine)) ??
      (label ? STATE_HELD.find(([, pattern]) => pattern.test(label)) : undefined) ??
      (!label ? STATE_HELD.find(([, pattern]) => pattern.test(byName)) : undefined);
    if (!match) continue;
    const category = match[0];
    if (isPrefilled($, field, type)) continue;
    if (!asked.has(category)) asked.set(category, { label: label || field.attr('name') || category, category });
  }
  return [...asked.values()];
}

export const dlnufCheck: Check = {
  name: 'dlnuf',
  criterion: 'dlnuf',
  kind: 'http',
  async run({ visit }) {
    const gone = await goneStart(visit);
    if (gone) return gone;
    const start = await visit.startOk();
    const base = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status, ...readWith(start) };
    let page: ParsedPage = start;
    let form = procedureForms(start)[0];
    const online = readOnline(start);
    if (!form) {
      const cta = online.callToAction;
      if (online.value === 'Non') return { status: 'not_applicable', reason: 'no_online_form', evidence: { ...base, snippet: 'aucune démarche en ligne sur la page' } };
      if (!cta) {
        if (online.login) return { status: 'unmeasurable', reason: 'form_behind_login', evidence: { ...base, snippet: 'connexion sur la page : le formulaire de la démarche est derrière un compte' } };
        return { status: 'unmeasurable', reason: 'form_not_found', evidence: { ...base, snippet: 'aucun formulaire ni lien vers un formulaire' } };
      }
      page = await visit.page(cta.href);
      if (page.status < 200 || page.status >= 300) {
        return { status: 'unmeasurable', reason: 'form_unreachable', evidence: { ...base, snippet: `${cta.href} → HTTP ${page.status}` } };
      }
      form = procedureForms(page)[0];
      if (!form && (loginForms(page).length > 0 || findFranceConnect(page) || page.$('input[type=password]').length > 0)) {
        return { status: 'unmeasurable', reason: 'form_behind_login', evidence: { ...base, formUrl: page.finalUrl, snippet: 'page de connexion : le formulaire de la démarche est derrière un compte' } };
      }
    }
    if (!form) return { status: 'unmeasurable', reason: 'form_not_found', evidence: { ...base, formUrl: page.finalUrl } };
    const fields = stateHeldFields(page, form);
    return {
      status: 'measured',
      value: fields.length,
      details: { fields: fields.map((f) => f.label), formUrl: page.finalUrl },
      evidence: { ...base, formUrl: page.finalUrl, fields, snippet: fields.map((f) => f.label).join(', ') || 'aucune donnée déjà détenue demandée' },
    };
  },
};
