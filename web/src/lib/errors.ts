import type { AnswerCode, ErrorCode, ErrorKind, ErrorParams } from '../../../contracts/errors.ts';
import { minutesWords } from './format.ts';

// What the dashboard says when the API refuses: its own French words for each code the API
// answers with (contracts/errors.ts). The API's messages are English, for programs and logs.

type Words = (p: ErrorParams) => string;

const text = (p: ErrorParams, key: string): string => String(p[key] ?? '');
const quoted = (p: ErrorParams, key: string): string => `« ${text(p, key)} »`;
const unknownGroups = (p: ErrorParams): string => {
  const names = [
    ...text(p, 'ministries').split(', ').filter(Boolean).map((s) => `ministère « ${s} »`),
    ...text(p, 'administrations').split(', ').filter(Boolean).map((s) => `administration « ${s} »`),
  ];
  return `${names.length > 1 ? 'Inconnus' : 'Inconnu'} : ${names.join(', ')}.`;
};

/** Every code has its words: a code added to the contracts without French words does not compile. */
const WORDS: Record<ErrorCode, Words> = {
  'edition.not_published': (p) => `Aucune édition publiée ${quoted(p, 'slug')}`,
  'group.unknown': (p) => `${p['kind'] === 'administration' ? 'Administration inconnue' : 'Ministère inconnu'} : ${quoted(p, 'slug')}`,
  'procedure.not_found': (p) => `Aucune démarche n° ${text(p, 'id')}`,
  'route.not_found': () => 'Adresse inconnue',
  'session.login_refused': (p) => `Adresse électronique ou mot de passe incorrect. Après ${text(p, 'attempts')} essais erronés de suite, un compte est bloqué ${text(p, 'minutes')} minutes.`,
  'session.required': () => 'Connexion requise.',
  'session.operators_only': () => 'Réservé aux opérateurs de l’observatoire.',
  'session.csrf': () => 'Jeton CSRF absent ou invalide : rechargez la page.',
  'session.login_csrf': () => 'Jeton CSRF absent ou invalide : rechargez la page de connexion.',
  'session.cross_origin': () => 'Requête d’une autre origine refusée.',
  'password.too_short': (p) => `Le mot de passe doit compter au moins ${text(p, 'min')} caractères.`,
  'password.too_long': (p) => `Le mot de passe doit compter au plus ${text(p, 'max')} caractères.`,
  'password.repetitive': () => 'Le mot de passe est trop répétitif.',
  'password.contains_login': () => 'Le mot de passe ne doit pas contenir l’identifiant.',
  'password.current_wrong': () => 'Le mot de passe actuel est incorrect.',
  'password.unchanged': () => 'Le nouveau mot de passe doit être différent de l’actuel.',
  'account.invalid_email': (p) => `Adresse électronique invalide : ${quoted(p, 'email')}.`,
  'account.name_required': () => 'Le nom est obligatoire.',
  'account.unknown_groups': unknownGroups,
  'account.team_without_scope': () => 'Un membre d’équipe doit être rattaché à au moins un ministère ou une administration.',
  'account.exists': (p) => `Un compte existe déjà pour ${text(p, 'email')}.`,
  'account.not_found': (p) => `Aucun compte n° ${text(p, 'id')}.`,
  'account.disable_self': () => 'Vous ne pouvez pas désactiver votre propre compte.',
  'procedure.out_of_scope': (p) => `La démarche n° ${text(p, 'id')} ne relève pas de votre périmètre.`,
  'procedure.retired': (p) => `La démarche n° ${text(p, 'id')} a quitté le catalogue : son historique reste sur sa fiche publique.`,
  'declaration.not_declarable': (p) => `Le critère ${quoted(p, 'criterion')} ne se déclare pas (déclarables : ${text(p, 'declarable')}).`,
  'declaration.justification_too_short': (p) => `La justification doit compter au moins ${text(p, 'min')} caractères : dites d’où vient la valeur.`,
  'declaration.justification_too_long': (p) => `La justification doit compter au plus ${text(p, 'max')} caractères.`,
  'declaration.proactive_only': (p) => `Pour « ${text(p, 'label')} », la seule valeur déclarable est ${quoted(p, 'value')}.`,
  'declaration.value_empty': (p) => `La valeur de ${quoted(p, 'label')} est vide.`,
  'declaration.value_not_number': (p) => `La valeur de ${quoted(p, 'label')} doit être un nombre (${quoted(p, 'value')} n’en est pas un).`,
  'declaration.value_out_of_range': (p) => `La valeur de ${quoted(p, 'label')} doit être un nombre entre ${text(p, 'min')} et ${text(p, 'max')}.`,
  'declaration.value_not_integer': (p) => `La valeur de ${quoted(p, 'label')} est un nombre entier de données.`,
  'declaration.answers_required': () => 'Indiquez le nombre de réponses à votre enquête (un entier positif).',
  'declaration.none_in_force': () => 'Aucune déclaration en vigueur pour ce critère.',
  'recheck.too_soon': (p) => `Cette démarche a été revérifiée il y a moins de ${text(p, 'minutes')} minutes : nouvelle demande possible dans ${minutesWords(Number(p['retryAfterSeconds'] ?? 60))}.`,
  'recheck.hourly_limit': (p) => `Vous avez demandé ${text(p, 'limit')} vérifications en une heure : nouvelle demande possible dans ${minutesWords(Number(p['retryAfterSeconds'] ?? 60))}.`,
  'recheck.not_found': (p) => `Aucune vérification n° ${text(p, 'id')}.`,
  'webhook.invalid_url': (p) => `Adresse invalide : ${quoted(p, 'url')}.`,
  'webhook.not_http': () => 'Le webhook doit être une adresse http(s).',
  'webhook.credentials': () => 'L’adresse ne doit pas contenir d’identifiants : la signature HMAC authentifie les envois.',
  'webhook.not_https': () => 'Le webhook doit être en https.',
  'webhook.private_address': () => 'Adresse privée ou locale refusée.',
  'webhook.group_out_of_scope': () => 'Ce groupe ne relève pas de votre périmètre.',
  'webhook.limit': (p) => `${text(p, 'max')} webhooks actifs au plus par compte : supprimez-en un avant d’en ajouter un autre.`,
  'webhook.not_found': (p) => `Aucun webhook n° ${text(p, 'id')}.`,
  'webhook.out_of_scope': () => 'Ce webhook ne relève pas de votre périmètre.',
  'edition.not_a_quarter': (p) => `${quoted(p, 'slug')} n’est pas un trimestre (attendu : AAAA-Tn, par exemple 2026-T3).`,
  'edition.not_started': (p) => `Le trimestre ${text(p, 'slug')} n’a pas commencé.`,
  'edition.empty_quarter': (p) => `${text(p, 'slug')} : rien n’a été mesuré pendant ce trimestre (ni observation, ni sonde). Vérifiez le trimestre.`,
  'edition.published': (p) => `L’édition ${text(p, 'slug')} est publiée : une édition publiée ne change plus.`,
  'edition.no_draft': (p) => `Aucun brouillon ${text(p, 'slug')} : clôturez d’abord le trimestre.`,
  'edition.not_found': (p) => `Aucune édition ${text(p, 'slug')} : clôturez d’abord le trimestre.`,
};

/** A refusal without a specific code (a malformed request, a body too large…): words by kind. */
const KIND_WORDS: Record<ErrorKind, string> = {
  invalid: 'La demande est invalide',
  unauthorised: 'Connexion requise.',
  forbidden: 'Accès refusé.',
  not_found: 'Introuvable',
  conflict: 'L’opération est impossible dans l’état actuel',
  too_large: 'La demande est trop volumineuse',
  unsupported: 'Format de demande non pris en charge',
  rate_limited: 'Trop de demandes : réessayez dans une minute',
  internal: 'Erreur interne du serveur',
};

/** The French words for an API refusal: its code's, else its kind's, else the HTTP status's. */
export function frenchMessage(status: number, answer: { code?: AnswerCode; params?: ErrorParams } | null): string {
  const code = answer?.code;
  if (code && code in WORDS) return WORDS[code as ErrorCode](answer?.params ?? {});
  if (code && code in KIND_WORDS) return KIND_WORDS[code as ErrorKind];
  return status >= 500 ? KIND_WORDS.internal : `Erreur HTTP ${status}`;
}
