import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { foldSpace } from './page.ts';

// Reading an accessibility statement (déclaration d'accessibilité, RGAA) the way a careful person
// does: by its structure ("État de conformité", "Résultats des tests", "Établissement de cette
// déclaration"), weighing each figure by what its sentence says of it — the overall rate of the
// current audit, not an average, an objective or a previous audit; the date the statement was
// made or updated, not the dates of laws, plans or news.

export type ComplianceState = 'totalement conforme' | 'partiellement conforme' | 'non conforme';

/** The compliance state a phrase gives, in any of the ways statements write it. */
export function stateOf(phrase: string): ComplianceState | null {
  const t = phrase.toLowerCase().replace(/\s+/g, ' ');
  if (/mise en conformit/.test(t)) return null;
  if (/partiellement (conforme|en conformit)|conformit[ée] partielle|conforme partiellement|partiellement respect/.test(t)) return 'partiellement conforme';
  if (/non[- ]?conform|n['’]est (actuellement |toujours |donc )?pas (encore |actuellement |toujours )?(conforme|en conformit)|ne (sont|est) (actuellement |toujours )?pas (encore )?conformes?|aucune conformit|pas encore conforme/.test(t)) return 'non conforme';
  if (/totalement (conforme|en conformit)|conformit[ée] (totale|compl[èe]te|pleine|int[ée]grale)|(totale|pleine|parfaite|compl[èe]te) conformit|enti[èe]rement conforme|pleinement conforme|int[ée]gralement conforme|conforme à 100/.test(t)) return 'totalement conforme';
  return null;
}

const MENTION = /accessibilit[ée]\s*(?:num[ée]rique\s*)?[:：-]\s*((?:totalement|partiellement|enti[èe]rement|non)[- ]?conforme|conformit[ée] (?:partielle|totale)|non[- ]conformit[ée]|conforme)/i;

/** The footer's "Accessibilité : partiellement conforme" mention. */
export function readMention(text: string): ComplianceState | null {
  const m = MENTION.exec(text);
  if (!m) return null;
  return stateOf(m[1]!) ?? (/^conforme$/i.test(m[1]!) ? 'totalement conforme' : null);
}

export interface StatementReading {
  state: ComplianceState | null;
  /** The overall conformity rate of the current audit, null when the statement gives none. */
  rate: number | null;
  /** The date the statement was made or last updated, else the audit's date. */
  date: string | null;
  auditDate: string | null;
  rgaaVersion: string | null;
  /** The sentences the state, rate and date were read from (evidence). */
  said: { state?: string; rate?: string; date?: string };
}

export interface Block {
  text: string;
  section: string;
  /** For a table row: the first cell (what the row is about) and the table's header row. */
  rowLabel?: string;
  header?: string;
  order: number;
}

const BLOCK_TAGS = new Set(['p', 'li', 'dd', 'dt', 'caption', 'blockquote', 'figcaption', 'address', 'pre', 'td', 'th']);
const HEADING = /^h[1-6]$/;

/** The page as a list of text blocks, each with the heading of the section it sits in. */
export function blocksOf($: CheerioAPI, root: AnyNode[]): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let order = 0;
  const walk = (nodes: AnyNode[]) => {
    for (const node of nodes) {
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') {
        if (node.type === 'text') {
          const text = foldSpace((node as unknown as { data: string }).data);
          // Loose text straight inside a <div> or <body>: a block of its own.
          if (text.length > 2) blocks.push({ text, section, order: order++ });
        }
        continue;
      }
      const el = node as Element;
      const tag = el.tagName.toLowerCase();
      if (['script', 'style', 'nav', 'header', 'template', 'noscript'].includes(tag)) continue;
      if (HEADING.test(tag) || el.attribs['role'] === 'heading') {
        section = foldSpace($(el).text());
        blocks.push({ text: section, section, order: order++ });
        continue;
      }
      if (tag === 'tr') {
        const cells = $(el).children('td, th').toArray().map((c) => foldSpace($(c).text()));
        const table = $(el).closest('table');
        const headerRow = table.find('tr').first();
        const header = headerRow[0] === el ? '' : headerRow.children().toArray().map((c) => foldSpace($(c).text())).join(' | ');
        const caption = foldSpace(table.find('caption').first().text());
        blocks.push({ text: cells.join(' | '), section: caption ? `${section} ${caption}` : section, rowLabel: cells[0] ?? '', header, order: order++ });
        continue;
      }
      if (tag === 'table') {
        walk($(el).find('tr').toArray().filter((tr) => $(tr).closest('table')[0] === el));
        continue;
      }
      if (BLOCK_TAGS.has(tag) && !$(el).find('p, li, table, ul, ol, div, h1, h2, h3, h4, h5, h6').length) {
        const text = foldSpace($(el).text());
        if (text) blocks.push({ text, section, order: order++ });
        continue;
      }
      if ((tag === 'strong' || tag === 'b') && el.parent && (el.parent as Element).tagName?.match(/^(div|section|article|main|body)$/)) {
        // A bold line used as a heading by hand-written pages.
        const text = foldSpace($(el).text());
        if (text.length < 80) section = text;
      }
      walk(el.children);
    }
  };
  walk(root);
  return blocks;
}

export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ«"0-9])/).filter(Boolean);
}

const SECTION_STATE = /[ée]tat de (la )?conformit|niveau de conformit|conformit[ée]/i;
const SECTION_RESULTS = /r[ée]sultats?|audit|tests?|[ée]valuation/i;
const SECTION_PLAN = /sch[ée]ma|feuille de route|plan d['’]action|plan annuel|actualit|historique|versions? pr[ée]c[ée]dentes?|am[ée]lioration et contact|voies? de recours|d[ée]fenseur/i;

// --- The rate ----------------------------------------------------------------------------------

const NUMBER = String.raw`(\d{1,3}(?:[.,]\d{1,3})?)`;
const PERCENT = new RegExp(`${NUMBER}\\s*(?:%|pour\\s?cents?\\b|pourcents?\\b)`, 'gi');
const RATE_CONTEXT = /taux|conformit[ée]|conforme|respect|crit[èe]res|r[ée]v[èe]le|atteint|niveau|score|rgaa|accessibilit/i;
const OBJECTIVE = /objectif|vis(e|er|ons|ent)\b|viser|atteindre|d['’]ici|cible|ambition|pr[ée]vision|pr[ée]voi|esp[ée]r|souhait|devrait|devra|à terme|horizon|s['’]engage/i;
const PREVIOUS = /pr[ée]c[ée]dent|ancien|initial|premier audit|avant (la |les )?(refonte|corrections?|mise)|[ée]tait de|[ée]taient|auparavant|historique|l['’]an dernier|l['’]ann[ée]e derni[èe]re/i;
const AVERAGE = /moyen|moyenne/i;
const GLOBAL = /global|total|g[ée]n[ée]ral|ensemble|synth[èe]se|site|service|conformit[ée] au rgaa|taux de conformit[ée]\s*$/i;
const NOT_A_RATE_AFTER = /^\s*(?:des |de )?(?:crit[èe]res )?(?:sont |est )?(?:non[- ](?:conformes?|respect[ée]s?|applicables?)|d['’]erreurs?|des (?:pages|contenus|documents|d[ée]marches|usagers|utilisateurs|agents|sites)|de (?:la population|pages|handicap|personnes))/i;

interface Candidate {
  value: number;
  score: number;
  order: number;
  said: string;
}

/** The figure is today's: after corrections, a counter-audit, "à ce jour". */
const CURRENT = /apr[èe]s (la |les )?(correction|mise à jour|refonte|contre-audit|nouvel audit)|d[ée]sormais|à ce jour|actuellement|aujourd['’]hui|nouvel audit|contre-audit|dernier audit|audit le plus r[ée]cent/i;

function scoreRate(before: string, after: string, block: Block): number {
  let score = 0;
  const near = before.slice(-90);
  const average = AVERAGE.test(near.slice(-60)) && !/global/i.test(near.slice(-60));
  if (average) score += 3;
  else if (/taux (global |g[ée]n[ée]ral )?de conformit|conformit[ée] (globale?|au rgaa|g[ée]n[ée]rale)|taux global|niveau de conformit/i.test(near)) score += 6;
  else if (/conforme (à|a|au rgaa à)\s*$|respect(e|ent)\s*$|atteint\s*$|r[ée]v[èe]le que|indique que|montre que|conformit[ée]\s*:?\s*(de\s*)?$|taux\s*:?\s*(de\s*)?$/i.test(near)) score += 5;
  else if (RATE_CONTEXT.test(sentenceStart(before))) score += 2;
  if (/^\s*(des|de) (\d+ )?crit[èe]res( du rgaa| rgaa| applicables| test[ée]s| [ée]valu[ée]s)?( version [\d.]+)?( sont| est)? (respect|conformes|valid|satisfait)/i.test(after) || /^\s*de conformit/i.test(after)) score += 5;
  else if (/^\s*(des|de) (\d+ )?crit[èe]res/i.test(after)) score += 2;
  if (NOT_A_RATE_AFTER.test(after)) score -= 20;
  // "100 % des dossiers", "30 % de réduction": a share of something other than the criteria.
  else if (/^\s*(?:(?:des|de)\s+|d['’])(?!crit[èe]res|conformit|l['’]ensemble des crit|tests?\b|r[ée]ussite)\p{L}/iu.test(after)) score -= 10;
  if (SECTION_STATE.test(block.section) || SECTION_RESULTS.test(block.section)) score += 2;
  if (SECTION_PLAN.test(block.section)) score -= 6;
  const sentence = `${sentenceStart(before)}${after.slice(0, 60)}`;
  if (OBJECTIVE.test(sentenceStart(before)) || /^\s*(d['’]ici|à atteindre|vis[ée]|en 20\d\d$)/i.test(after)) score -= 20;
  if (PREVIOUS.test(sentence) || (/pass[ée]e? de\s*$|de\s*$/i.test(before.slice(-12)) && /^\s*(%\s*)?à\s/i.test(after))) score -= 12;
  if (CURRENT.test(sentence)) score += 4;
  // The definitions of the states ("partiellement conforme si au moins 50 % des critères…").
  if (/\bsi\b[^.;]{0,30}$|au moins\s*$|moins de\s*$|plus de\s*$|sup[ée]rieur (à|a)\s*$|inf[ée]rieur (à|a)\s*$|entre\s*$|lorsque[^.;]{0,30}$/i.test(before.slice(-45))) score -= 15;
  if (block.rowLabel !== undefined) {
    const row = block.rowLabel;
    const header = block.header ?? '';
    if (GLOBAL.test(row) && !AVERAGE.test(row)) score += 5;
    else if (AVERAGE.test(row)) score -= 3;
    else if (row && !/conformit|taux/i.test(row)) score -= 3;
    if (/conformit|taux|respect/i.test(header) || /conformit|taux|respect/i.test(row)) score += 3;
    if (/pr[ée]c[ée]dent|20\d\d/.test(header) && PREVIOUS.test(header)) score -= 8;
  }
  return score;
}

/** The sentence a figure sits in, up to the figure. */
function sentenceStart(before: string): string {
  const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf('! '), before.lastIndexOf('? '), before.lastIndexOf(' :: '));
  return before.slice(cut + 1).slice(-160);
}

/** "N critères respectés sur M", "sur M critères applicables, N sont respectés": N / M. */
const FRACTIONS: RegExp[] = [
  /(\d{1,3})\s*crit[èe]res?\s*(?:du rgaa\s*(?:version\s*)?(?:\d(?:\.\d){0,2}\s*)?)?(?:sont\s*|ont été\s*)?(?:respect[ée]s|conformes|valid[ée]s|satisfaits)\s*(?:sur|parmi|\/)\s*(?:les\s*)?(\d{1,3})/i,
  /(\d{1,3})\s*(?:sur|\/)\s*(\d{1,3})\s*crit[èe]res?\s*(?:applicables\s*|du rgaa\s*)?(?:sont\s*|ont été\s*)?(?:respect[ée]s|conformes|valid[ée]s|satisfaits)/i,
  /sur\s*(?:les\s*)?(\d{1,3})\s*crit[èe]res?\s*(?:applicables|[ée]valu[ée]s|test[ée]s)?[^.]{0,20}?,\s*(\d{1,3})\s*(?:sont|ont été)\s*(?:respect[ée]s|conformes|valid[ée]s)/i,
  /(\d{1,3})\s*crit[èe]res?\s*(?:respect[ée]s|conformes)\s*(?:sur|parmi)\s*(\d{1,3})\s*crit[èe]res?\s*applicables/i,
];

function fractionRates(text: string): { value: number; said: string }[] {
  const out: { value: number; said: string }[] = [];
  FRACTIONS.forEach((pattern, i) => {
    const m = pattern.exec(text);
    if (!m) return;
    let [n, total] = [Number(m[1]), Number(m[2])];
    if (i === 2) [n, total] = [total, n];
    if (total > 0 && n <= total) out.push({ value: Math.round((1000 * n) / total) / 10, said: m[0] });
  });
  return out;
}

/** "Critères conformes : 45", "Critères non conformes : 12" (a results table or list): 45 / 57. */
function countsRate(text: string): { value: number; said: string } | null {
  const ok = /(?:crit[èe]res?\s*(?:respect[ée]s|conformes)|nombre de crit[èe]res conformes)\s*[:|]?\s*(\d{1,3})\b|(\d{1,3})\s*crit[èe]res?\s*(?:respect[ée]s|conformes)(?!\s*(?:sur|parmi|\/))/i.exec(text);
  const ko = /(?:crit[èe]res?\s*non[- ](?:respect[ée]s|conformes)|nombre de crit[èe]res non conformes)\s*[:|]?\s*(\d{1,3})\b|(\d{1,3})\s*crit[èe]res?\s*non[- ](?:respect[ée]s|conformes)/i.exec(text);
  if (!ok || !ko) return null;
  const n = Number(ok[1] ?? ok[2]);
  const k = Number(ko[1] ?? ko[2]);
  if (n + k === 0) return null;
  return { value: Math.round((1000 * n) / (n + k)) / 10, said: `${ok[0]} ; ${ko[0]}` };
}

function readRate(blocks: Block[]): { value: number; said: string } | null {
  const candidates: Candidate[] = [];
  for (const block of blocks) {
    const text = block.rowLabel !== undefined && block.header ? `${block.header} :: ${block.text}` : block.text;
    for (const m of text.matchAll(PERCENT)) {
      const value = Number(m[1]!.replace(',', '.'));
      if (!(value >= 0 && value <= 100)) continue;
      const before = text.slice(0, m.index);
      const after = text.slice(m.index! + m[0].length);
      const score = scoreRate(before, after, block);
      if (score > 0) candidates.push({ value, score, order: block.order, said: text.slice(Math.max(0, m.index! - 100), m.index! + m[0].length + 40) });
    }
    for (const f of fractionRates(text)) {
      const sentence = text;
      let score = 7;
      if (OBJECTIVE.test(sentence)) score -= 20;
      if (PREVIOUS.test(sentence)) score -= 12;
      if (SECTION_PLAN.test(block.section)) score -= 6;
      candidates.push({ value: f.value, score, order: block.order, said: f.said });
    }
  }
  // Counts of criteria: "conformes : 45 / non conformes : 12" (a table or a list).
  const counted = countsRate(blocks.filter((b) => !SECTION_PLAN.test(b.section)).map((b) => b.text).join(' · '));
  if (counted) candidates.push({ value: counted.value, score: 6, order: Number.MAX_SAFE_INTEGER, said: counted.said });
  if (candidates.length === 0) return null;
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  const best = candidates[0]!;
  return { value: best.value, said: best.said };
}

// --- The state ---------------------------------------------------------------------------------

const STATE_PHRASE = /((?:mise en )?(?:(?:totalement|partiellement|enti[èe]rement|pleinement|int[ée]gralement)\s+(?:conforme|en conformit[ée])|non[- ]?conformes?|non[- ]conformit[ée]s?|conformit[ée]\s+(?:partielle|totale|compl[èe]te|pleine)|(?:totale|pleine|parfaite|compl[èe]te) conformit[ée]|n['’]est (?:actuellement |toujours |donc )?pas (?:encore |actuellement |toujours )?(?:conforme|en conformit[ée])|ne (?:sont|est) (?:actuellement )?pas (?:encore )?conformes?|en conformit[ée] partielle))/gi;
const DEFINITION = /\bsi\b[^.]{0,80}crit[èe]res|lorsque|s['’]il n['’]existe|signifie|correspond|au moins 50|moins de 50|tous les crit[èe]res|trois (niveaux|[ée]tats)|peut [êe]tre|peuvent|doit (indiquer|pr[ée]ciser|mentionner)|obligation/i;

function readState(blocks: Block[], mentionInPage: ComplianceState | null): { state: ComplianceState | null; said?: string } {
  let best: { state: ComplianceState; score: number; order: number; said: string } | null = null;
  for (const block of blocks) {
    for (const sentence of sentencesOf(block.text)) {
      const matches = [...sentence.matchAll(STATE_PHRASE)].map((m) => m[1]!);
      // "Non-conformités" names a list of defects, "mise en conformité" a plan: neither is a state.
      const phrases = matches.filter((m) => !/non[- ]conformit[ée]s$/i.test(m)).map(stateOf).filter((s): s is ComplianceState => s !== null);
      // A heading names a section ("Non-conformité", "Contenus non conformes") unless it states ("État de conformité : …").
      const heading = block.text === block.section && !/[ée]tat de conformit[ée]\s*:|accessibilit[ée]\s*:/i.test(sentence);
      if (heading) continue;
      let state = phrases[0] ?? null;
      // "… est conforme au RGAA" with neither "partiellement" nor "non": total.
      if (!state && /(est|sont)\s+conformes?\s+(au|avec le|à la|aux|au r[ée]f[ée]rentiel)\b/i.test(sentence) && !/conformes? (à|a) \d/i.test(sentence)) state = 'totalement conforme';
      if (!state) continue;
      let score = 1;
      if (new Set(phrases).size > 1) score -= 6; // lists the possible states: a definition
      if (DEFINITION.test(sentence)) score -= 6;
      if (SECTION_STATE.test(block.section)) score += 4;
      if (SECTION_PLAN.test(block.section)) score -= 4;
      if (/\b(est|sont|demeure|reste|[ée]tait|se trouve)\b|\bà ce jour\b|[ée]tat de conformit[ée]\s*:/i.test(sentence)) score += 3;
      if (/^accessibilit[ée]\s*:/i.test(sentence)) score += 2;
      if (PREVIOUS.test(sentence)) score -= 3;
      if (!best || score > best.score) best = { state, score, order: block.order, said: sentence };
    }
  }
  if (best && best.score > 0) return { state: best.state, said: best.said };
  return { state: mentionInPage };
}

// --- The date ----------------------------------------------------------------------------------

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const MONTH = String.raw`(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre|janv\.?|f[ée]vr?\.?|avr\.?|juil\.?|sept?\.?|oct\.?|nov\.?|d[ée]c\.?)`;
const DATE = new RegExp(String.raw`\b(\d{1,2})(?:er)?\s+(${MONTH})\s+(\d{4})\b|\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b|\b(${MONTH})\s+(\d{4})\b`, 'gi');
const STATEMENT_DATE = /(d[ée]claration|page|document)[^.]{0,60}(établie|etablie|mise? à jour|actualis[ée]e|publi[ée]e|r[ée]dig[ée]e|modifi[ée]e|r[ée]vis[ée]e|renouvel[ée]e|r[ée]alis[ée]e|mise en ligne)|[ée]tablie (le|en)|mise? à jour (le|en)?|derni[èe]re (mise à jour|actualisation|modification|r[ée]vision)|date de (la )?(d[ée]claration|publication|mise à jour|derni[èe]re)|actualis[ée]e (le|en)|r[ée]dig[ée]e (le|en)|modifi[ée]e (le|en)|mis en ligne|en date du|v[ée]rifi[ée]e? le|dat[ée]e? du/i;
const AUDIT_DATE = /audit|[ée]valuation|tests? (ont|a) été|contr[ôo]le|v[ée]rification|analys[ée]|test[ée]/i;
const LEGAL = /\bloi\b|feuille de route|sch[ée]ma|plan d['’]action|rapport|d[ée]cret|arr[êe]t[ée]|article|ordonnance|directive|circulaire|code |n°\s?\d|journal officiel|du\s*$/i;

function monthIndex(word: string): number {
  const w = word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\.$/, '');
  return MONTHS.findIndex((name) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').startsWith(w.slice(0, Math.max(3, w.length))));
}

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 2000 || y > 2100) return null;
  return date.toISOString().slice(0, 10);
}

interface DateCandidate {
  iso: string;
  kind: 'statement' | 'audit';
  precise: boolean;
  said: string;
}

function readDates(blocks: Block[]): { date: string | null; auditDate: string | null; said?: string } {
  const found: DateCandidate[] = [];
  for (const block of blocks) {
    const establishing = /[ée]tablissement|date|mise à jour|publication|r[ée]daction/i.test(block.section) && !SECTION_PLAN.test(block.section);
    for (const sentence of sentencesOf(block.text)) {
      for (const m of sentence.matchAll(DATE)) {
        let iso: string | null = null;
        let precise = true;
        if (m[1]) iso = isoDate(Number(m[3]), monthIndex(m[2]!) + 1, Number(m[1]));
        else if (m[4]) iso = isoDate(Number(m[6]), Number(m[5]), Number(m[4]));
        else if (m[7]) iso = isoDate(Number(m[7]), Number(m[8]), Number(m[9]));
        else if (m[10]) {
          iso = isoDate(Number(m[11]), monthIndex(m[10]) + 1, 1);
          precise = false;
        }
        if (!iso) continue;
        const before = sentence.slice(0, m.index);
        const near = before.slice(-90);
        if (LEGAL.test(before.slice(-40)) && !STATEMENT_DATE.test(near.slice(-40))) continue;
        if (SECTION_PLAN.test(block.section) && !STATEMENT_DATE.test(near)) continue;
        // The last thing named before the date is what it dates.
        const statementAt = lastIndex(near, STATEMENT_DATE);
        const auditAt = lastIndex(near, AUDIT_DATE);
        let kind: DateCandidate['kind'] | null = null;
        if (statementAt >= 0 && statementAt >= auditAt) kind = 'statement';
        else if (auditAt >= 0) kind = 'audit';
        else if (establishing) kind = 'statement';
        // A lone date line in the establishment section ("12 mars 2024").
        if (!kind && establishing) kind = 'statement';
        if (!kind) continue;
        found.push({ iso, kind, precise, said: sentence.slice(0, 200) });
      }
    }
  }
  const latest = (kind: DateCandidate['kind']) => {
    const of = found.filter((f) => f.kind === kind);
    const precise = of.filter((f) => f.precise);
    const pool = precise.length > 0 ? precise : of;
    return pool.sort((a, b) => b.iso.localeCompare(a.iso))[0] ?? null;
  };
  const statement = latest('statement');
  const audit = latest('audit');
  const chosen = statement ?? audit;
  return { date: chosen?.iso ?? null, auditDate: audit?.iso ?? null, said: chosen?.said };
}

function lastIndex(text: string, pattern: RegExp): number {
  const global = new RegExp(pattern.source, 'gi');
  let at = -1;
  for (const m of text.matchAll(global)) at = m.index!;
  return at;
}

const RGAA = /RGAA\s*(?:version\s*|v\s*)?(\d(?:\.\d){0,2})/i;

/** Reads a statement page: its state, its overall rate, its date. */
export function readStatement($: CheerioAPI, root: AnyNode[]): StatementReading {
  const blocks = blocksOf($, root);
  const text = blocks.map((b) => b.text).join(' ');
  const rate = readRate(blocks);
  const state = readState(blocks, readMention(text));
  const dates = readDates(blocks);
  return {
    state: state.state,
    rate: rate?.value ?? null,
    date: dates.date,
    auditDate: dates.auditDate,
    rgaaVersion: RGAA.exec(text)?.[1] ?? null,
    said: { state: state.said, rate: rate?.said, date: dates.said },
  };
}

/** "12 mars 2024", "1er août 2023", "12/03/2024", "2024-03-12" → "2024-03-12". */
export function parseFrenchDate(text: string): string | null {
  const m = new RegExp(`^${DATE.source}$`, 'i').exec(text.trim());
  if (!m) return null;
  if (m[1]) return isoDate(Number(m[3]), monthIndex(m[2]!) + 1, Number(m[1]));
  if (m[4]) return isoDate(Number(m[6]), Number(m[5]), Number(m[4]));
  if (m[7]) return isoDate(Number(m[7]), Number(m[8]), Number(m[9]));
  return null;
}
