/** Lower-case ASCII words joined by dashes: "Ministère de l'Intérieur" → "ministere-de-l-interieur". */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const MINISTRY_STOPWORDS = new Set(['de', 'des', 'du', 'la', 'le', 'l', 'et']);
const MINISTRY_PREFIX = /^minist[eè]re\s+(de la|de l'|de l’|des|du|de)\s*/i;

/** "Ministère de l'Intérieur" → "interieur": the ministry's name without its prefix. */
export function ministrySlug(name: string): string {
  return slugify(name.replace(MINISTRY_PREFIX, ''))
    .split('-')
    .filter((w) => !MINISTRY_STOPWORDS.has(w))
    .join('-');
}

const ACRONYM = /\(([\p{L}'’-]{2,16})\)\s*$/u;

/** An administration is known by its acronym when its name ends with one: "… (DGFiP)" → "dgfip". */
export function administrationSlug(name: string): string {
  const acronym = ACRONYM.exec(name);
  return slugify(acronym?.[1] ?? name);
}
