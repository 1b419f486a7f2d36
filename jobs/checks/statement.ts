import { foldSpace } from './page.ts';

// Reading an accessibility statement (déclaration d'accessibilité, RGAA) as written by hand:
// rates as "63,5 %" or "78%", dates in French words or dd/mm/yyyy, the RGAA version.

export type ComplianceState = 'totalement conforme' | 'partiellement conforme' | 'non conforme';

const STATE = /(totalement|partiellement|non)\s+conforme/i;
const MENTION = /accessibilit[ée]\s*:\s*(totalement|partiellement|non)\s+conforme/i;
// A rate counts only next to the words that introduce it, never any "100 %" on the page.
const RATE = [
  /taux (?:global |moyen )?de conformit[ée](?: (?:globale?|au RGAA|de \S+))?[^0-9%]{0,60}?(\d{1,3}(?:[.,]\d{1,2})?)\s*%/i,
  /(\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*des crit[èe]res/i,
  /(?:r[ée]v[èe]le|indique|montre) que (?:le site |le service )?(?:est conforme [àa]|respecte|atteint)?\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%/i,
  /conforme [àa] (\d{1,3}(?:[.,]\d{1,2})?)\s*%/i,
];
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const DATE_CONTEXT = /(?:établie|mise à jour|actualisée|réalisée|publiée|date de (?:la )?(?:déclaration|publication|l'audit|mise à jour))[^0-9]{0,40}?(?:le\s+)?((?:\d{1,2}(?:er)?\s+(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre)\s+\d{4})|\d{1,2}\/\d{1,2}\/\d{4}|\d{4}-\d{2}-\d{2})/i;
const RGAA = /RGAA\s*(?:version\s*|v\s*)?(\d(?:\.\d){0,2})/i;

export function readMention(text: string): ComplianceState | null {
  const m = MENTION.exec(text);
  return m ? (`${m[1]!.toLowerCase()} conforme` as ComplianceState) : null;
}

export interface StatementReading {
  state: ComplianceState | null;
  rate: number | null;
  date: string | null;
  rgaaVersion: string | null;
}

export function readStatement(rawText: string): StatementReading {
  const text = foldSpace(rawText);
  const stateMatch = STATE.exec(text);
  let rate: number | null = null;
  for (const pattern of RATE) {
    const m = pattern.exec(text);
    if (m) {
      const n = Number(m[1]!.replace(',', '.'));
      if (n >= 0 && n <= 100) {
        rate = n;
        break;
      }
    }
  }
  const dateMatch = DATE_CONTEXT.exec(text);
  return {
    state: stateMatch ? (`${stateMatch[1]!.toLowerCase()} conforme` as ComplianceState) : null,
    rate,
    date: dateMatch ? parseFrenchDate(dateMatch[1]!) : null,
    rgaaVersion: RGAA.exec(text)?.[1] ?? null,
  };
}

/** "12 mars 2024", "1er août 2023", "12/03/2024", "2024-03-12" → "2024-03-12". */
export function parseFrenchDate(text: string): string | null {
  const t = text.trim().toLowerCase();
  let y: number, m: number, d: number;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})(?:er)?\s+(\S+)\s+(\d{4})$/.exec(t))) {
    const month = MONTHS.findIndex((name) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '') === match![2]!.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
    if (month < 0) return null;
    [d, m, y] = [Number(match[1]), month + 1, Number(match[3])];
  } else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
