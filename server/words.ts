/** "1 édition publiée", "6 éditions publiées", "0 erreur": French agrees the words with the count (0 and 1 singular). */
export function count(n: number, singular: string, plural = singular.split(' ').map((w) => `${w}s`).join(' ')): string {
  return `${n.toLocaleString('fr-FR')} ${n >= 2 ? plural : singular}`;
}
