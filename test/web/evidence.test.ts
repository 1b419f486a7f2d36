import { describe, expect, it } from 'vitest';
import { evidenceSummary } from '../../web/src/lib/evidence.ts';

const base = { url: 'https://demarche.example/', tool: 'observatoire', toolVersion: '1' };
const measured = (criterion: string, value: number | string, answers: number | null = null) => ({ criterion, status: 'measured' as const, value, reason: null, answers });

describe('evidence in plain French', () => {
  it('says what was found, where, and what it means', () => {
    expect(evidenceSummary(measured('auth', 'FranceConnect'), { ...base, foundOn: 'https://demarche.example/connexion' })).toBe('Bouton FranceConnect trouvé sur la page de connexion.');
    expect(evidenceSummary(measured('auth', 'FranceConnect+'), { ...base, foundOn: base.url })).toBe('Bouton FranceConnect+ trouvé sur la page de la démarche.');
    expect(evidenceSummary(measured('online', 'Oui'), { ...base, callToAction: { text: 'Faire ma demande' } })).toBe('Bouton « Faire ma demande » trouvé : la démarche se fait entièrement en ligne.');
    expect(evidenceSummary(measured('handicap', 74), { ...base, statement: 'found', statementDate: '2021-03-12', rate: 74, expired: true })).toBe('Déclaration d’accessibilité du 12 mars 2021 : taux 74\u00a0%, plus de 3 ans → Non.');
    expect(evidenceSummary(measured('handicap', 'Non'), { ...base, statement: 'missing' })).toBe('Aucune déclaration d’accessibilité trouvée → Non.');
    expect(evidenceSummary(measured('dlnuf', 2), { ...base, fields: [{ label: 'Nom' }, { label: 'Adresse' }] })).toBe('Le formulaire redemande 2 informations que l’administration détient déjà : Nom, Adresse.');
    expect(evidenceSummary(measured('dlnuf', 1), base)).toBe('Le formulaire redemande 1 information que l’administration détient déjà.');
    expect(evidenceSummary(measured('mobile', 'Non'), { ...base, viewport: 'width=device-width', scrollWidth: 1024, innerWidth: 375 })).toBe(
      'Page non adaptée au téléphone : son contenu dépasse l’écran (1\u202f024\u00a0px pour 375\u00a0px), il faut faire défiler de côté.',
    );
    expect(evidenceSummary(measured('a11y_auto', 3), base)).toBe('Le contrôle automatique (axe-core) a relevé 3 types de défauts d’accessibilité critiques ou graves sur la page.');
    expect(evidenceSummary({ criterion: 'online', status: 'unmeasurable', value: null, reason: 'timeout', answers: null }, base)).toMatch(/^Les robots n'ont pas pu mesurer ce critère : .+\.$/);
  });
});
