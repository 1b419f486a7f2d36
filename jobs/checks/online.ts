import type { Check } from './types.ts';
import { findCallToAction, procedureForms, snippet } from './page.ts';

// The page says only part of the procedure can be done online.
const PARTIAL = /(pré-?demande|pré-?inscription|(puis|ensuite),? (vous )?(présentez|rendez)-vous|présentez-vous (ensuite |ensuite )?(en|à la|au)|(à|a) (envoyer|renvoyer|adresser) par (courrier|voie postale)|dépôt (des pièces )?au guichet|sur rendez-vous en (mairie|préfecture|agence))/i;
// Information only, paper, or closed.
const OFFLINE = /(formulaire (cerfa |papier )?(n° ?\d+\S* )?à télécharger|télécharge[rz] le formulaire|campagne (est )?(close|fermée|terminée)|téléservice (est )?(fermé|indisponible))/i;

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
    const cta = findCallToAction(start);
    const form = procedureForms(start)[0];
    const offline = OFFLINE.exec(start.text);
    if (!cta && !form) {
      return {
        status: 'measured',
        value: 'Non',
        reason: offline ? 'offline_procedure' : 'no_call_to_action',
        evidence: { ...evidence, snippet: offline ? snippet(offline[0]) : snippet(start.text, 120) },
      };
    }
    const partial = PARTIAL.exec(start.text);
    const found = cta ? `${cta.text} → ${cta.href}` : 'formulaire sur la page';
    return {
      status: 'measured',
      value: partial ? 'Partiel' : 'Oui',
      details: { callToAction: cta },
      evidence: { ...evidence, snippet: partial ? `${found} ; « ${partial[0]} »` : found },
    };
  },
};
