// The email channel's texts (the mailboxes' administration page and the
// wallboard's mail section), French first, English second; beside texts.ts,
// which is long enough. A key missing in English is a compile error.
import { useCallback } from "react";
import { useT } from "../../i18n";

const fr = {
  "mail.title": "Boîtes aux lettres",
  "mail.intro":
    "Les adresses électroniques du service : Guichet lit leur courrier (IMAP), en fait des demandes dans la file choisie, accuse réception de chaque nouvelle demande avec sa référence et la date limite de réponse, et envoie les réponses des agents (SMTP) depuis l'adresse du service. Les mots de passe ne sont jamais réaffichés.",
  "mail.add": "Ajouter une boîte",
  "mail.edit": "Modifier la boîte",
  "mail.caption": "Boîtes aux lettres du service",
  "mail.address": "Adresse du service",
  "mail.addressHint": "Le courrier y arrive, les réponses en partent (par exemple accueil@ville.fr).",
  "mail.displayName": "Nom de l'expéditeur",
  "mail.displayNameHint": "Ce que les usagers voient (par exemple Mairie de Saint-Exemple).",
  "mail.queue": "File des demandes",
  "mail.queueHint": "Une file de courriels ; si elle a des horaires, elle doit garder le courrier reçu en dehors.",
  "mail.queuePick": "Choisir une file de courriels",
  "mail.imap": "Lecture (IMAP)",
  "mail.imapUrl": "Adresse du serveur IMAP",
  "mail.imapUrlHint": "imaps://serveur/DOSSIER (INBOX si aucun) ; imap:// exige STARTTLS.",
  "mail.smtp": "Envoi (SMTP)",
  "mail.smtpUrl": "Adresse du serveur SMTP",
  "mail.smtpUrlHint": "smtps://serveur (port 465) ou smtp://serveur:587 (STARTTLS exigé).",
  "mail.user": "Identifiant",
  "mail.password": "Mot de passe (ou mot de passe d'application)",
  "mail.passwordKept": "Un mot de passe est enregistré : laissez vide pour le garder.",
  "mail.passwordNone": "Aucun mot de passe enregistré.",
  "mail.signature": "Signature",
  "mail.signatureHint": "Sous chaque réponse et accusé de réception : adresse, téléphone, horaires du service.",
  "mail.options": "Fonctionnement",
  "mail.acknowledge": "Accuser réception de chaque nouvelle demande",
  "mail.acknowledgeHint": "Avec sa référence, la date de réception et la date limite de réponse (Code des relations entre le public et l'administration).",
  "mail.importExisting": "À la première connexion, reprendre tout le courrier du dossier",
  "mail.importExistingHint": "Sinon, seul le courrier non lu est repris.",
  "mail.enabled": "Boîte active (lue et utilisée pour l'envoi)",
  "mail.test": "Tester la connexion",
  "mail.testing": "Connexion en cours…",
  "mail.testOk": "Connexion réussie.",
  "mail.state": "État",
  "mail.stateUp": "Reçoit",
  "mail.stateDown": "En panne",
  "mail.stateOff": "Désactivée",
  "mail.stateWaiting": "Pas encore connectée",
  "mail.sendingDown": "envoi en attente",
  "fail.server": "Le serveur ne répond pas : vérifiez l'adresse, le port et le pare-feu.",
  "fail.tls": "La connexion chiffrée (TLS) a échoué : le serveur n'en propose pas, ou son certificat n'est pas reconnu.",
  "fail.password": "Le serveur refuse cet identifiant ou ce mot de passe.",
  "fail.mailbox": "Ce dossier n'existe pas sur le serveur.",
  "fail.url": "Cette adresse de serveur n'est pas valable.",
  "fail.other": "La connexion a échoué.",
  "wall.title": "Courriels",
  "wall.caption": "Boîtes aux lettres : lecture, envoi, courrier mis de côté",
  "wall.mailbox": "Boîte",
  "wall.reading": "Lecture",
  "wall.sending": "Envoi",
  "wall.outbox": "En attente d'envoi",
  "wall.received": "Reçus",
  "wall.quarantined": "Mis de côté",
  "wall.quarantine": "Courriers mis de côté (les plus récents)",
  "wall.reason": "Motif",
  "wall.from": "Expéditeur",
  "wall.subject": "Objet",
  "wall.at": "Reçu à",
  "wall.polled": "relevée toutes les 30 s (IDLE indisponible)",
  "risk.title": "Demandes écrites à échéance proche",
  "risk.caption": "Demandes dont la réponse promise est due dans les 24 heures ou dépassée, la plus urgente d'abord",
  "risk.count": "demande(s) à échéance dans les 24 h",
  "risk.overdue_count": "en retard",
  "risk.reference": "Référence",
  "risk.queue": "File",
  "risk.where": "Traitée par",
  "risk.waiting": "en attente d'un agent",
  "risk.due": "Réponse promise avant",
  "risk.late": "dépassée",
  "risk.left": "reste",
} as const;

export type MailKey = keyof typeof fr;

const en: Record<MailKey, string> = {
  "mail.title": "Mailboxes",
  "mail.intro":
    "The service's email addresses: Guichet reads their mail (IMAP), makes requests of it in the queue chosen, acknowledges each new request with its reference and the deadline for an answer, and sends the agents' replies (SMTP) from the service's address. Passwords are never shown again.",
  "mail.add": "Add a mailbox",
  "mail.edit": "Edit the mailbox",
  "mail.caption": "The service's mailboxes",
  "mail.address": "Service address",
  "mail.addressHint": "Mail comes to it, replies leave from it (e.g. accueil@ville.fr).",
  "mail.displayName": "Sender's name",
  "mail.displayNameHint": "What citizens see (e.g. Mairie de Saint-Exemple).",
  "mail.queue": "Queue of the requests",
  "mail.queueHint": "An email queue; with hours, it must keep the mail that comes outside them.",
  "mail.queuePick": "Choose an email queue",
  "mail.imap": "Reading (IMAP)",
  "mail.imapUrl": "IMAP server address",
  "mail.imapUrlHint": "imaps://server/FOLDER (INBOX when none); imap:// requires STARTTLS.",
  "mail.smtp": "Sending (SMTP)",
  "mail.smtpUrl": "SMTP server address",
  "mail.smtpUrlHint": "smtps://server (port 465) or smtp://server:587 (STARTTLS required).",
  "mail.user": "User name",
  "mail.password": "Password (or application password)",
  "mail.passwordKept": "A password is kept: leave empty to keep it.",
  "mail.passwordNone": "No password kept.",
  "mail.signature": "Signature",
  "mail.signatureHint": "Under each reply and acknowledgement: the service's address, phone, hours.",
  "mail.options": "Behaviour",
  "mail.acknowledge": "Acknowledge each new request",
  "mail.acknowledgeHint": "With its reference, the date received and the deadline for an answer (Code des relations entre le public et l'administration).",
  "mail.importExisting": "On the first connection, take all the folder's mail",
  "mail.importExistingHint": "Otherwise only unread mail is taken.",
  "mail.enabled": "Mailbox in use (read, and sent from)",
  "mail.test": "Test the connection",
  "mail.testing": "Connecting…",
  "mail.testOk": "Connected.",
  "mail.state": "State",
  "mail.stateUp": "Receiving",
  "mail.stateDown": "Down",
  "mail.stateOff": "Turned off",
  "mail.stateWaiting": "Not connected yet",
  "mail.sendingDown": "sending on hold",
  "fail.server": "The server does not answer: check the address, the port and the firewall.",
  "fail.tls": "The encrypted connection (TLS) failed: the server offers none, or its certificate is not trusted.",
  "fail.password": "The server refuses this user name or password.",
  "fail.mailbox": "This folder does not exist on the server.",
  "fail.url": "This server address is not valid.",
  "fail.other": "The connection failed.",
  "wall.title": "Email",
  "wall.caption": "Mailboxes: reading, sending, mail set aside",
  "wall.mailbox": "Mailbox",
  "wall.reading": "Reading",
  "wall.sending": "Sending",
  "wall.outbox": "Waiting to be sent",
  "wall.received": "Received",
  "wall.quarantined": "Set aside",
  "wall.quarantine": "Mail set aside (newest first)",
  "wall.reason": "Reason",
  "wall.from": "Sender",
  "wall.subject": "Subject",
  "wall.at": "Received at",
  "wall.polled": "checked every 30 s (no IDLE)",
  "risk.title": "Written requests due soon",
  "risk.caption": "Requests whose promised answer is due within 24 hours or overdue, most urgent first",
  "risk.count": "request(s) due within 24 h",
  "risk.overdue_count": "overdue",
  "risk.reference": "Reference",
  "risk.queue": "Queue",
  "risk.where": "Handled by",
  "risk.waiting": "waiting for an agent",
  "risk.due": "Answer promised by",
  "risk.late": "overdue",
  "risk.left": "left",
};

const texts: Record<"fr" | "en", Record<MailKey, string>> = { fr, en };
export type MailT = (key: MailKey) => string;

export function useMailT(): MailT {
  const { lang } = useT();
  return useCallback((key: MailKey) => texts[lang][key], [lang]);
}

// What failed, in words: the field the server named.
export function failureText(field: string | undefined, t: MailT): string {
  switch (field) {
    case "server":
    case "tls":
    case "password":
    case "mailbox":
    case "url":
      return t(`fail.${field}`);
    default:
      return t("fail.other");
  }
}
