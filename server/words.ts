/** "1 minute", "7 minutes": a wait told in whole minutes, rounded up, never "minute(s)". */
export function minutesWords(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes > 1 ? 's' : ''}`;
}

/** "1 édition publiée", "6 éditions publiées", "0 erreur": French agrees the words with the count (0 and 1 singular). */
export function count(n: number, singular: string, plural = singular.split(' ').map((w) => `${w}s`).join(' ')): string {
  return `${n.toLocaleString('fr-FR')} ${n >= 2 ? plural : singular}`;
}
