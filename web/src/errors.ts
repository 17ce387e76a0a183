// The API's errors in the user's language. The API answers
// {"error":{"code","message","field"}}: `code` is stable (invalid_argument,
// not_found, already_exists, failed_precondition, …) and `message` is an
// English sentence for developers. French users were shown those sentences
// ("skill already exists", "step 'fermee' cannot be reached from the start",
// "network"): here each known sentence has its French form, with its
// numbers and names kept; one not known yet is said by its code, in French,
// never in English.
import type { ApiError } from "./api";
import type { Lang } from "./i18n";

type Say = (m: RegExpExecArray) => string;

// Kinds of documents and resources as the API names them.
const THINGS: Record<string, string> = {
  skill: "cette compétence",
  queue: "cette file",
  agent: "cet agent",
  user: "cet utilisateur",
  wrapup_code: "ce code de qualification",
  pause_reason: "ce motif de pause",
  calendar: "ce calendrier",
  canned_response: "cette réponse type",
  ivr_flow: "ce scénario",
  prompt: "cet enregistrement",
  citizen: "cet usager",
  interaction: "cette sollicitation",
  "interaction in progress": "cette sollicitation en cours",
  offer: "cette sollicitation proposée",
  "offer for you": "cette sollicitation proposée",
  session: "cette session",
  resource: "cette ressource",
  document: "ce document",
};
const thing = (name: string) => THINGS[name.trim()] ?? `« ${name} »`;
const n = (text: string) => text.replace(/,/g, " ").replace(/\./g, ","); // 200,000 → 200 000; 0.5 → 0,5
const range = (a: string, b: string) => `entre ${n(a)} et ${n(b)}`;

// The API's English sentences, and what they say in French.
const FRENCH: [RegExp, Say][] = [
  [/^no such (.+?)(?:, or it expired)?$/, (m) => `${cap(thing(m[1]))} n'existe pas ou plus.`],
  [/^(.+) already exists$/, () => "Ce nom est déjà utilisé : choisissez-en un autre."],
  [/^an interaction with this id exists$/, () => "Cette sollicitation existe déjà."],
  [/^(\d+) to (\d+) characters$/, (m) => `De ${m[1]} à ${n(m[2])} caractères.`],
  [/^(\d+) to (\d+) printable characters.*$/, (m) => `De ${m[1]} à ${m[2]} caractères imprimables.`],
  [/^names of (\d+) to (\d+) characters$/, (m) => `Des noms de ${m[1]} à ${m[2]} caractères.`],
  [/^at most ([\d,]+) characters$/, (m) => `${n(m[1])} caractères au plus.`],
  [/^at least (\d+) characters$/, (m) => `${m[1]} caractères au moins.`],
  [/^at least (\d+) different characters$/, (m) => `Au moins ${m[1]} caractères différents.`],
  [
    /^at least (\d+) characters besides the user name$/,
    (m) => `Au moins ${m[1]} caractères en plus de l'identifiant.`,
  ],
  [/^1 to 64 of a-z, 0-9.*$/, () => "De 1 à 64 caractères : lettres minuscules sans accent, chiffres, « . », « _ », « - »."],
  [/^0 \(never\) to (\d+) seconds$/, (m) => `De 0 (jamais) à ${m[1]} secondes.`],
  [/^(\d+) to (\d+) days$/, (m) => `De ${m[1]} à ${m[2]} jours.`],
  [/^(\d+) to (\d+) seconds$/, (m) => `De ${spanFr(Number(m[1]))} à ${spanFr(Number(m[2]))}.`],
  [/^must be within (-?[\d.]+)\.\.(-?[\d.]+)$/, (m) => `Doit être ${range(m[1], m[2])}.`],
  [/^must be an integer (?:in )?(-?[\d.]+)\.\.(-?[\d.]+)$/, (m) => `Un nombre entier ${range(m[1], m[2])}.`],
  [/^(?:.* )?out of (-?[\d.]+)\.\.(-?[\d.]+)$/, (m) => `Doit être ${range(m[1], m[2])}.`],
  [/^(?:.* )?must be (?:an integer )?(-?[\d.]+)\.\.(-?[\d.]+)$/, (m) => `Doit être ${range(m[1], m[2])}.`],
  [/^must be (?:a finite number )?>= 0$|^.* must not be negative$|^wrap-up is negative$/, () => "Ne peut pas être négatif."],
  [/^must be positive$|^.* must be positive$|^must be a positive id$/, () => "Doit être un nombre positif."],
  [/^must be a number$/, () => "Doit être un nombre."],
  [/^must be a string$/, () => "Doit être un texte."],
  [/^true or false$/, () => "Oui ou non."],
  [/^missing$|^a name is required$|^a (?:flow|citizen|user) needs a (?:name|username)$/, () => "À renseigner."],
  [/^not spaces alone$/, () => "Pas seulement des espaces."],
  [/^not a phone number$/, () => "Ce n'est pas un numéro de téléphone (par exemple 06 12 34 56 78 ou +33 6 12 34 56 78)."],
  [/^not an email address$/, () => "Ce n'est pas une adresse électronique."],
  [/^not a weekday$/, () => "Ce n'est pas un jour de la semaine."],
  [/^a time as HH:MM$|^expected a time like 08:30$/, () => "Une heure comme 08:30."],
  [/^a date as YYYY-MM-DD$|^dates as YYYY-MM-DD.*$/, () => "Une date comme 2026-12-24."],
  [/^ends before it starts$|^before from$/, () => "La fin est avant le début."],
  [/^the range is empty$/, () => "La période est vide."],
  [/^at most 366 days$/, () => "366 jours au plus."],
  [/^at most 31 days in intervals$/, () => "31 jours au plus par intervalles."],
  [/^unknown time zone$/, () => "Fuseau horaire inconnu (par exemple Europe/Paris)."],
  [/^give hours or calendar_id, not both$/, () => "Des horaires ou un calendrier, pas les deux."],
  [/^a skill is listed twice$/, () => "Une compétence figure deux fois."],
  [/^skill level out of 1\.\.5$|^level must be an integer 1\.\.5$|^minimum level out of 1\.\.5$/, () => "Un niveau de 1 à 5."],
  [/^capacity out of 0\.\.255$|^slots must be (?:an integer )?0\.\.255$/, () => "De 0 à 255 à la fois."],
  [/^the queue serves another channel$|^the target queue serves another channel$/, () => "Cette file sert un autre canal."],
  [/^a queue's channel cannot change$/, () => "Le canal d'une file ne change pas : créez une autre file."],
  [/^a queue cannot target itself$/, () => "Une file ne peut pas se renvoyer à elle-même."],
  [/^interactions are waiting in this queue$/, () => "Des sollicitations attendent dans cette file : elle ne peut pas être supprimée."],
  [/^another queue sends interactions to this one$/, () => "Une autre file renvoie vers celle-ci : modifiez-la d'abord."],
  [/^another queue keeps this queue's messages$/, () => "Une autre file garde les messages de celle-ci : modifiez-la d'abord."],
  [/^the last admin keeps the role$/, () => "Le dernier administrateur garde son rôle."],
  [/^agent, supervisor or admin$/, () => "Agent, superviseur ou administrateur."],
  [/^available, paused or offline$/, () => "Disponible, en pause ou hors ligne."],
  [/^you are not handling this (?:interaction|call)$/, () => "Vous ne traitez pas cette sollicitation."],
  [/^the interaction has ended$/, () => "Cette sollicitation est terminée."],
  [/^the interaction is not in (?:your )?wrap-up$/, () => "Cette sollicitation n'est plus en post-traitement."],
  [/^a completed interaction cannot be transferred$/, () => "Une sollicitation terminée ne se transfère pas."],
  [/^the colleague is offline$/, () => "Ce collègue est hors ligne : choisissez-en un autre, ou une file."],
  [/^the colleague is paused$/, () => "Ce collègue est en pause : choisissez-en un autre, ou une file."],
  [/^give queue_id or agent_id$/, () => "Choisissez une file ou un collègue."],
  [/^the agent already has this interaction$/, () => "Ce collègue a déjà cette sollicitation."],
  [/^only an active interaction can be completed$/, () => "Seule une sollicitation en cours peut être terminée."],
  [/^only a waiting call can ask for a callback$/, () => "Seul un appel en attente peut demander à être rappelé."],
  [/^this queue offers no callback$|^only a voice queue offers callbacks$/, () => "Cette file ne propose pas de rappel."],
  [/^no call in progress for this interaction$|^the call is not connected$/, () => "Aucun appel en cours pour cette sollicitation."],
  [/^the citizen's messages come from an integration$/, () => "Les messages de l'usager viennent de son canal, pas de cette page."],
  [/^a call carries no written replies$/, () => "Un appel ne porte pas de réponse écrite."],
  [/^no agent profile for this user$/, () => "Ce compte n'a pas de profil d'agent."],
  [/^a citizen cannot be merged into itself$/, () => "Un usager ne peut pas être fusionné avec lui-même."],
  [/^phone, email, social or web$/, () => "Téléphone, courriel, réseau social ou web."],
  [/^unknown channel$|^voice, callback, chat, email, sms, social or task$/, () => "Canal inconnu."],
  [/^the engine is stopping$|^the store is closing$/, () => "Le serveur s'arrête : réessayez dans un instant."],
  [/^the IVR flow (.+) uses it$/, (m) => `Le scénario « ${m[1]} » s'en sert : modifiez-le d'abord.`],
  [/^queue (.+) leaves its messages here$/, (m) => `La file « ${m[1]} » y laisse ses messages : modifiez-la d'abord.`],
  [/^queue (.+) keeps its hours$/, (m) => `La file « ${m[1]} » suit ses horaires : modifiez-la d'abord.`],
  [/^queue (.+) offers it from its chat$/, (m) => `La file « ${m[1]} » la propose depuis son chat : modifiez-la d'abord.`],
  [/^not a real-time text conversation$/, () => "Cette conversation n'est pas en texte en temps réel."],
  [/^a phone queue \(the line whose hours it keeps\)$/, () => "Une file téléphonique : la ligne dont ce chat suit les horaires."],
  [/^a real-time text chat queue$/, () => "Une file de chat en texte en temps réel."],
  [/^queue (.+) follows this calendar$/, (m) => `La file « ${m[1]} » suit ce calendrier : modifiez-la d'abord.`],
  [/^an? (\w+) uses this skill: (.+)$/, (m) => `« ${m[2]} » exige cette compétence : modifiez-le d'abord.`],
  [/^this (\w+) belongs to another citizen$/, () => "Cette coordonnée appartient déjà à un autre usager."],
  [/^not an audio file.*$/, () => "Ce n'est pas un fichier audio lisible (WAV attendu)."],
  [/^no audio$/, () => "Aucun son : choisissez un fichier."],
  [/^no (?:recording for this interaction|such recording)$/, () => "Aucun enregistrement."],
  [/^at most 10 minutes$/, () => "10 minutes au plus."],
  [/^a search of 1 to 100 characters$/, () => "Une recherche de 1 à 100 caractères."],
  [/^not your interaction$|^not an interaction or citizen of yours$/, () => "Cette sollicitation ne vous est pas confiée."],
  [/^your role does not allow this$/, () => "Votre rôle ne permet pas cette action."],
  [/^wrong user name or password$/, () => "Identifiant ou mot de passe incorrect."],
  [/^too many failed logins; try again later$/, () => "Trop d'essais manqués : réessayez plus tard."],
  [/^the request is too large$/, () => "C'est trop volumineux."],
  [/^voice is off.*$/, () => "Le téléphone n'est pas activé sur ce serveur."],
  [/^messages are off$/, () => "Les messages ne sont pas activés sur ce serveur."],
  // The IVR flow's check.
  [/^step '([^']*)' cannot be reached from the start$/, (m) => `L'étape « ${m[1]} » n'est jamais atteinte depuis le début.`],
  [/^two steps are named '([^']*)'$/, (m) => `Deux étapes s'appellent « ${m[1]} ».`],
  [/^the start '([^']*)' is not a step$/, (m) => `Le début « ${m[1]} » n'est pas une étape.`],
  [/^the relay's start '([^']*)' is not a step$/, (m) => `Le début des appels du relais « ${m[1]} » n'est pas une étape.`],
  [/^the relay provider's name: 1 to 100 characters$/, () => "Le nom du relais : de 1 à 100 caractères."],
  [/^the relay provider's page: an http\(s\) address$/, () => "La page du relais : une adresse commençant par https:// ou http://."],
  [/^the numbers the relay calls from: 1 to 50$/, () => "Les numéros d'appel du relais : de 1 à 50."],
  [/^a phone number$/, () => "Un numéro de téléphone (par exemple 01 99 00 00 99)."],
  [/^the relay provider: \{name, url, callers, start\}$/, () => "Le relais : un nom, une page et des numéros."],
  [/^a flow needs steps$/, () => "Un scénario a besoin d'étapes."],
  [/^at most 200 steps$/, () => "200 étapes au plus."],
  [/^the service number: digits, 1 to 32$/, () => "Le numéro du service : de 1 à 32 chiffres."],
  [
    /^step '([^']*)' is in a loop without exit.*$/,
    (m) => `L'étape « ${m[1]} » tourne en boucle sans issue (jamais une file, une messagerie ou une fin d'appel).`,
  ],
  [/^(\w+) '([^']*)' is not a step$/, (m) => `« ${m[2]} » n'est pas une étape.`],
  [/^a whole number from (-?\d+) to (-?\d+)$/, (m) => `Un nombre entier de ${m[1]} à ${m[2]}.`],
  [/^a menu needs at least one key$/, () => "Un menu a besoin d'au moins une touche."],
  [/^one key: 0-9, \* or #$/, () => "Une touche : 0 à 9, * ou #."],
  [/^keys are one of 0-9 \* #, values step ids$/, () => "Des touches 0 à 9, * ou #, chacune vers une étape."],
  [/^more than max_digits$/, () => "Plus que le nombre maximal de chiffres."],
  [/^no attribute to keep the digits in$/, () => "Aucune information où garder les chiffres."],
  [/^no calendar$/, () => "Aucun calendrier choisi."],
  [/^no prompt to play$/, () => "Rien à dire : un texte ou un enregistrement."],
  [/^no queue for the messages$/, () => "Aucune file pour les messages."],
  [/^no queue$/, () => "Aucune file choisie."],
  [/^must be text$/, () => "Doit être un texte."],
  [/^one of prompt, menu, collect, hours, queue, voicemail, hangup$/, () => "Un type d'étape connu."],
  [/^a flow is a JSON object$/, () => "Un scénario mal formé."],
  [/^a web address \(https:\/\/…\) or a path \(\/…\)$/, () => "Une adresse web (https://…) ou un chemin sur ce serveur (/…)."],
  [/^non compliant, partially compliant or fully compliant$/, () => "Non conforme, partiellement ou totalement conforme."],
  [/^an image of 1 byte to 100 KB$/, () => "Une image de 100 Ko au plus."],
  [/^PNG, JPEG or WebP expected$/, () => "Une image PNG, JPEG ou WebP est attendue."],
  [/^a note goes to a colleague, not a queue$/, () => "Une note accompagne un transfert à un collègue, pas à une file."],
];

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// 2592000 → "30 jours", 3600 → "1 h", 90 → "90 s": as a person says a span.
function spanFr(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds / 86400} jour${seconds === 86400 ? "" : "s"}`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 600 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

// One of the API's sentences in `lang` (English: as the API wrote it).
export function sayMessage(message: string, lang: Lang): string | null {
  if (lang === "en") return message;
  for (const [pattern, say] of FRENCH) {
    const found = pattern.exec(message);
    if (found) return say(found);
  }
  return null;
}

// By the code alone, when the sentence is not known yet.
const BY_CODE: Record<string, { fr: string; en: string }> = {
  invalid_argument: { fr: "Valeur refusée.", en: "Value refused." },
  not_found: { fr: "Introuvable : peut-être supprimé entre-temps.", en: "Not found: perhaps deleted meanwhile." },
  already_exists: { fr: "Existe déjà.", en: "Already exists." },
  failed_precondition: { fr: "Impossible dans l'état actuel : rechargez la page.", en: "Not possible now: reload the page." },
  permission_denied: { fr: "Vous n'avez pas le droit de faire cela.", en: "You may not do this." },
  unauthenticated: { fr: "Votre session a pris fin : reconnectez-vous.", en: "Your session ended: log in again." },
  resource_exhausted: { fr: "Trop de demandes : réessayez dans un instant.", en: "Too many requests: try again in a moment." },
  network: {
    fr: "Le serveur ne répond pas : vérifiez la connexion, puis réessayez.",
    en: "The server does not answer: check the connection, then try again.",
  },
};

// An error of the API as the user reads it, in their language.
export function sayError(error: ApiError, lang: Lang): string {
  if (error.status === 0) return BY_CODE.network[lang];
  if (error.status === 401) return BY_CODE.unauthenticated[lang];
  if (error.status === 403) return BY_CODE.permission_denied[lang];
  if (error.status === 429) return BY_CODE.resource_exhausted[lang];
  const said = sayMessage(error.message, lang);
  if (said) return said;
  if (error.status >= 500) {
    return lang === "fr"
      ? "Erreur du serveur : réessayez ; si elle revient, prévenez l'administrateur."
      : "Server error: try again; if it comes back, tell the administrator.";
  }
  return (BY_CODE[error.code] ?? BY_CODE.invalid_argument)[lang];
}
