import type { Check } from './types.ts';
import { blocksOf, sentencesOf } from './statement.ts';
import { contentOf, contentText, findCallToAction, loginForms, procedureForms, readWith, snippet, type CallToAction, type ParsedPage } from './page.ts';

// Reading "can this procedure be done online?" as a person does: only the procedure's own
// content counts (not the site's header, menu or footer), a call to action or a form starts it
// online, and the text says whether some step still happens on paper, at a counter or in person.

/** A place a person goes to. */
const PLACE = `(en|à la|au|à l[’']|dans (la|une|un|votre|le|n[’']importe quel(le)?)|aupr[èe]s (de la|du|d[’']une?)) ?(mairie|h[ôo]tel de ville|guichet|pr[ée]fecture|sous-pr[ée]fecture|secr[ée]tariat|accueil|agence|consulat|bureau|commissariat|gendarmerie|brigade|tribunal|centre|service|antenne)`;

/** "Il faut … en mairie": the words that say where something must be done in person. */
const MUST_DO = `vous devez|il faut|doit|doivent|se fait|se font|s[’']effectue|s[’']effectuent`;
const IN_PERSON_PLACE = `(à l[’']h[ôo]tel de ville|en mairie|dans (les|la|une) mairies?|au guichet|sur place|en personne|à l[’']accueil)`;

/** A step that must happen offline: the procedure is only partly online. */
const OFFLINE_STEP = new RegExp(
  [
    'pr[ée]sente[rz]?(-vous)? (ensuite |ensuite, |personnellement |en personne )?(en|à la|au|à l[’\'])\\s?(mairie|pr[ée]fecture|guichet|accueil|agence|consulat|sous-pr[ée]fecture|commissariat|gendarmerie|service|bureau)',
    '(devez|devrez|faut|doit|doivent|il vous reste à|pensez à) [^.]{0,60}(pr[ée]senter|rendre|d[ée]placer) [^.]{0,40}(mairie|pr[ée]fecture|guichet|accueil|agence|consulat|bureau|en personne)',
    '(rendez-vous|d[ée]placement|présence) (est |sera )?(obligatoire|n[ée]cessaire|indispensable)',
    '(envoye[rz]|adresse[rz]|renvoye[rz]|transmet(tre|tez)|expédie[rz]|poste[rz]|retourne[rz]) [^.]{0,80}(par (courrier|voie postale|la poste|lettre)|en recommand[ée])',
    '(à|a) (envoyer|renvoyer|adresser|retourner|transmettre|poster) [^.]{0,40}par (courrier|voie postale|la poste)',
    'par (courrier|voie postale)[^.]{0,40}(l[’\']original|les originaux|les justificatifs|les pièces|le dossier|le formulaire sign[ée])',
    '(d[ée]p[ôo]t|remise) (des pièces |du dossier |de votre dossier |des justificatifs |des originaux )?(au|en) (guichet|mairie|pr[ée]fecture|agence)',
    'remett(re|ez) [^.]{0,40}(en main propre|au guichet|en mairie|à l[’\']accueil)',
    'prise d[’\']empreintes',
    'recueil (de vos |des )?empreintes',
    `(me rends|vous rendez|se rend|se rendent|se rendre|vous rendre|nous rendre|vous d[ée]placer|me d[ée]place|se pr[ée]sente|se pr[ée]senter|vous pr[ée]senter) [^.]{0,30}${PLACE}`,
    `(${MUST_DO}|à faire|à effectuer)[^.]{0,60}${IN_PERSON_PLACE}`,
    `prendre (un )?(rdv|rendez-vous) (avec|aupr[èe]s|à la|au|en (mairie|pr[ée]fecture|agence))`,
    'passage (au guichet|en mairie|en pr[ée]fecture|à l[’\']accueil)',
    '(retirer|r[ée]cup[ée]rer|chercher|retrait) [^.]{0,50}(en|à la|au|dans la|dans une|à l[’\']) ?(mairie|guichet|pr[ée]fecture|secr[ée]tariat|accueil|agence|consulat|bureau)',
    '(d[ée]pos[ée]e?s?|d[ée]poser|remis|remise|remettre|apporter|apportez|d[ée]posez) [^.]{0,60}(au|à la|en|à l[’\']) ?(secr[ée]tariat|guichet|mairie|accueil|pr[ée]fecture|agence)',
    'imprim(er|ez|é|ée)[^.]{0,40}sign(er|ez|é|ée)',
    '(convoqu[ée]e?s?|convocation) [^.]{0,60}(pr[ée]fecture|mairie|guichet|centre|agence|en personne)',
    'signature (manuscrite|originale) [^.]{0,40}(courrier|guichet|papier)',
    '(finalise[rz]|terminer|compl[ée]ter|achever) [^.]{0,60}(en mairie|au guichet|en pr[ée]fecture|en agence|sur place|en personne|par courrier)',
  ].join('|'),
  'i',
);
/** A sentence offering another channel, not requiring it. */
const ALTERNATIVE = /vous pouvez (aussi|également|toutefois|si vous le souhaitez)|vous pouvez [^.]{0,80}\bou (vous|bien|par|en|au|à)\b|au choix|\bsoit\b[^.]{0,80}\bsoit\b|possible (aussi|également)|[ée]galement possible|si vous (ne (pouvez|souhaitez|disposez) pas|n['’]avez pas|préférez|rencontrez)|à défaut|sinon,|ou bien|en cas de (difficult|problème)|si besoin|sans accès à internet|ne pouvez pas (faire|effectuer|utiliser)|si vous ne pouvez/i;
/** The online service is closed for now (a campaign over, a service shut). */
const CLOSED = new RegExp(
  [
    'campagne (\\d{4} )?(\\d{4} )?(est |a été )?(désormais |maintenant )?(close|ferm[ée]e|termin[ée]e|clôtur[ée]e|achev[ée]e)',
    '(inscriptions?|candidatures?|d[ée]p[ôo]ts?|demandes?|t[ée]l[ée]service|service en ligne|plateforme|saisie) (en ligne )?(sont |est |a été |ont été )?(désormais |maintenant )?(clos|close|closes|ferm[ée]e?s?|termin[ée]e?s?|clôtur[ée]e?s?)',
    '(t[ée]l[ée]service|service en ligne|plateforme) (est |sera )?(ferm[ée]|indisponible|suspendu|arr[êe]t[ée]|rouvrira)',
  ].join('|'),
  'i',
);
/** The procedure is done on paper or in person, not online. */
const NOT_ONLINE = new RegExp(
  [
    '(n[’\']est|ne sont) pas (encore |plus )?(possible|disponible|réalisable|accessible)s? en ligne',
    'ne (peut|peuvent) pas (être )?(se )?(faire|effectu[ée]e?s?|r[ée]alis[ée]e?s?|fait|faite) en ligne',
    "(aucune|pas de) (d[ée]marche|demande|t[ée]l[ée]service|t[ée]l[ée]proc[ée]dure|service) en ligne",
    'pas (encore )?(d[ée]mat[ée]rialis[ée]e|disponible en ligne)',
    'uniquement (par (courrier|voie postale)|au guichet|sur place|en mairie|sur rendez-vous|en personne)',
    'formulaire (cerfa |papier )?(n° ?\\S+ )?(est )?(à|a) (t[ée]l[ée]charger|imprimer|compl[ée]ter et (renvoyer|envoyer|retourner|d[ée]poser))',
    't[ée]l[ée]charge[rz] (et (imprime[rz]|remplisse[zr]) )?le formulaire',
    '(rempli[rs]|compl[ée]te[rz]) le formulaire (cerfa|papier)',
  ].join('|'),
  'i',
);

export interface OnlineReading {
  value: 'Oui' | 'Partiel' | 'Non';
  reason?: string;
  callToAction: CallToAction | null;
  /** A login form in the content: the procedure is done from an account. */
  login: boolean;
  form: boolean;
  said: string | null;
}

/** The sentence asks for an offline step, not negated ("sans vous déplacer", "n'avez pas à vous rendre") nor compared ("a la même valeur qu'une demande déposée au guichet"). */
function requiresOfflineStep(sentence: string): boolean {
  const m = OFFLINE_STEP.exec(sentence);
  if (!m) return false;
  const before = sentence.slice(Math.max(0, m.index - 50), m.index);
  if (/\b(sans|inutile|plus besoin|pas besoin|évite[rz]?|au lieu|plutôt que|même valeur|comme)\b[^.]{0,40}$|\(?\bsi vous [êe]tes\b[^.]{0,60}$|\b(pour les|dans certains cas|le cas [ée]ch[ée]ant|cas particulier|par exception)\b[^.]{0,40}$|\b(ne|n['’])\s?\S*\s(pas|plus|jamais)\b[^.]{0,30}$/i.test(before)) return false;
  return true;
}

/** The procedure (not one of its steps) is done in person. */
const IN_PERSON = new RegExp(`(${MUST_DO})[^.]{0,60}${IN_PERSON_PLACE}`, 'i');
/** A step after another ("ensuite", "dans les 15 jours"): part of an online procedure, not the whole of it. */
const SEQUENCE = /\b(ensuite|puis|apr[èe]s|une fois|dans un d[ée]lai|dans les \d+ jours|sous \d+ jours|pour (finaliser|valider|compl[ée]ter|terminer))\b/i;
const GENERIC_ACCOUNT = /^(acc[ée]der (à|a|au) )?(l['’]|mon |votre |le )?(espace|compte|portail)\b/i;

/** A block that presents another channel ("Sur place", "Par courrier") beside the online one. */
const CHANNEL = /^((demande|inscription|d[ée]p[ôo]t|d[ée]claration|d[ée]marche|dossier)s? )?(sur place|par courrier|par voie postale|par la poste|au guichet|en mairie|en gendarmerie|au commissariat|en pr[ée]fecture|à l['’]accueil|par t[ée]l[ée]phone|par mail|par e-?mail|autres? (moyens|modalit[ée]s|possibilit[ée]s)|sans (acc[èe]s à )?internet|si vous ne pouvez pas|vous n['’]avez pas (acc[èe]s à )?internet)\b/i;

/** Sentences of the page's own content, each with whether it describes another channel. */
function contentSentences(page: ParsedPage): { sentence: string; alternative: boolean }[] {
  const out: { sentence: string; alternative: boolean }[] = [];
  for (const block of blocksOf(page.$, contentOf(page).toArray())) {
    // A heading names (the procedure, a section); it does not ask for a step.
    if (block.text === block.section) continue;
    const alternativeBlock = CHANNEL.test(block.section) || CHANNEL.test(block.text);
    for (const sentence of sentencesOf(block.text)) out.push({ sentence, alternative: alternativeBlock || ALTERNATIVE.test(sentence) });
  }
  return out;
}

/** The start page read as a person does (also used by auth and pre-fill to know if there is an online procedure). */
export function readOnline(page: ParsedPage): OnlineReading {
  // Three checks read the same start page: read it once.
  let reading = readings.get(page);
  if (!reading) {
    reading = read(page);
    readings.set(page, reading);
  }
  return reading;
}
const readings = new WeakMap<ParsedPage, OnlineReading>();

function read(page: ParsedPage): OnlineReading {
  const callToAction = findCallToAction(page);
  const form = procedureForms(page).length > 0;
  const login = loginForms(page).length > 0;
  const all = contentSentences(page);
  const closed = all.find((s) => CLOSED.test(s.sentence) && !s.alternative)?.sentence;
  const offline = closed ?? all.find((s) => NOT_ONLINE.test(s.sentence) && !s.alternative)?.sentence;
  const online = callToAction !== null || form || login;
  if (!online) return { value: 'Non', reason: offline ? 'offline_procedure' : 'no_call_to_action', callToAction, login, form, said: offline ?? null };
  // A campaign that is closed is not online, whatever button is left on the page.
  if (closed) return { value: 'Non', reason: 'offline_procedure', callToAction, login, form, said: closed };
  // The page says the procedure is done in person, and its only link is the site's generic
  // account ("Accéder à l'Espace famille"): that account serves other procedures, not this one.
  const inPerson = all.find((s) => IN_PERSON.test(s.sentence) && !s.alternative)?.sentence;
  const saysOnline = all.some((s) => /(en partie |partiellement )?d[ée]mat[ée]rialis|\ben ligne\b|sur (le|ce) portail|sur internet|t[ée]l[ée]service/i.test(s.sentence) && !/paiement|payer|factur|r[ée]gler/i.test(s.sentence));
  if (inPerson && !saysOnline && !SEQUENCE.test(inPerson) && !form && callToAction && GENERIC_ACCOUNT.test(callToAction.text)) {
    return { value: 'Non', reason: 'offline_procedure', callToAction, login, form, said: inPerson };
  }
  const partial = all.find((s) => !s.alternative && requiresOfflineStep(s.sentence))?.sentence;
  return { value: partial ? 'Partiel' : 'Oui', callToAction, login, form, said: partial ?? null };
}

export const onlineCheck: Check = {
  name: 'online',
  criterion: 'online',
  kind: 'http',
  async run({ visit }) {
    const start = await visit.start();
    const evidence = { url: visit.startUrl, finalUrl: start.finalUrl, httpStatus: start.status };
    if (start.status === 404 || start.status === 410) {
      return { status: 'measured', value: 'Non', reason: 'start_page_gone', evidence: { ...evidence, snippet: `HTTP ${start.status}` } };
    }
    await visit.startOk(); // other non-2xx answers: not measurable, typed "http"
    const reading = readOnline(start);
    const found = reading.callToAction ? `${reading.callToAction.text} → ${reading.callToAction.href}` : reading.form ? 'formulaire sur la page' : reading.login ? 'connexion sur la page' : null;
    const said = reading.said ? `« ${snippet(reading.said, 160)} »` : null;
    return {
      status: 'measured',
      value: reading.value,
      reason: reading.reason,
      details: { callToAction: reading.callToAction },
      evidence: { ...evidence, ...readWith(start), snippet: [found, said].filter(Boolean).join(' ; ') || snippet(contentText(start), 120) },
    };
  },
};
