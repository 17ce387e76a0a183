// French first, English second: every text of the interface, in both.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

export type Lang = "fr" | "en";

const fr = {
  "app.tagline": "Centre de contacts du service public",
  "app.home": "Accueil — Guichet",
  "nav.agent": "Espace agent",
  "nav.wallboard": "Supervision",
  "nav.admin": "Administration",
  "nav.logout": "Se déconnecter",
  "nav.language": "English",
  "nav.languageTitle": "Switch to English",
  "nav.main": "Menu principal",
  "skip.content": "Aller au contenu",
  "common.save": "Enregistrer",
  "common.cancel": "Annuler",
  "common.add": "Ajouter",
  "common.delete": "Supprimer",
  "common.edit": "Modifier",
  "common.close": "Fermer",
  "common.none": "Aucun",
  "common.loading": "Chargement…",
  "common.error": "Erreur",
  "common.seconds": "s",
  "common.live": "En direct",
  "common.offline": "Connexion perdue — reconnexion…",
  "login.title": "Connexion",
  "login.intro": "Connectez-vous avec le compte que votre administrateur vous a remis.",
  "login.username": "Identifiant",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",
  "login.failed": "Identifiant ou mot de passe incorrect.",
  "login.limited": "Trop d'essais : réessayez dans quelques minutes.",
  "state.available": "Disponible",
  "state.paused": "En pause",
  "state.offline": "Hors ligne",
  "state.busy": "Occupé",
  "state.wrapup": "Post-traitement",
  "state.title": "Mon état",
  "state.pause": "Pause",
  "state.choose": "Choisir un état",
  "channel.voice": "Téléphone",
  "channel.chat": "Chat",
  "channel.email": "Courriel",
  "channel.sms": "SMS",
  "channel.social": "Réseaux sociaux",
  "channel.task": "Tâche",
  "offer.title": "Nouvelle sollicitation",
  "offer.queue": "File",
  "offer.citizen": "Usager",
  "offer.anonymous": "Non identifié",
  "offer.remaining": "Temps restant",
  "offer.accept": "Accepter",
  "offer.decline": "Refuser",
  "offer.expired": "L'offre a expiré.",
  "work.title": "Mes sollicitations",
  "work.empty": "Aucune sollicitation en cours. Passez « Disponible » pour en recevoir.",
  "work.enqueued": "Arrivée",
  "work.attributes": "Informations",
  "work.timeline": "Historique",
  "work.complete": "Terminer",
  "work.wrapupCode": "Code de qualification",
  "work.note": "Note",
  "work.transfer": "Transférer",
  "work.transferQueue": "Vers une file",
  "work.transferAgent": "Vers un collègue",
  "work.transferred": "Transférée.",
  "work.completed": "Terminée.",
  "work.chooseQueue": "Choisir une file",
  "work.chooseAgent": "Choisir un collègue",
  "work.phase.offered": "Proposée",
  "work.phase.active": "En cours",
  "work.phase.wrapup": "Post-traitement",
  "work.wrapupTimer": "Post-traitement depuis",
  "citizen.title": "Vue usager",
  "citizen.contacts": "Coordonnées",
  "citizen.history": "Historique sur tous les canaux",
  "citizen.none": "Usager non identifié.",
  "citizen.outcome": "Issue",
  "citizen.channel": "Canal",
  "status.waiting": "En cours",
  "status.completed": "Traitée",
  "status.abandoned": "Abandonnée",
  "status.closed": "Fermé (hors horaires)",
  "phone.title": "Mon numéro de téléphone",
  "phone.hint": "Le numéro où sonnent vos appels : poste fixe, softphone ou mobile en télétravail. Format international (+33…) ou adresse SIP.",
  "phone.saved": "Numéro enregistré : les prochains appels sonneront sur ce numéro.",
  "wall.title": "Supervision en direct",
  "wall.queues": "Files d'attente",
  "wall.agents": "Agents",
  "wall.queue": "File",
  "wall.waiting": "En attente",
  "wall.longest": "Attente max.",
  "wall.ready": "Agents prêts",
  "wall.offered": "Reçues",
  "wall.answered": "Traitées",
  "wall.abandoned": "Abandons",
  "wall.sl": "Qualité de service",
  "wall.target": "Objectif",
  "wall.asa": "Délai moyen de réponse",
  "wall.agent": "Agent",
  "wall.state": "État",
  "wall.since": "Depuis",
  "wall.inHand": "En cours",
  "wall.handled": "Traitées",
  "wall.missed": "Manquées",
  "wall.byState": "Agents par état",
  "wall.setState": "Changer l'état",
  "wall.updated": "Mis à jour",
  "editor.title": "Compétences et capacités",
  "editor.skills": "Compétences et niveaux",
  "editor.noSkill": "Non",
  "editor.level": "Niveau",
  "editor.capacity": "Sollicitations simultanées par canal",
  "editor.saved": "Enregistré : appliqué aux prochaines offres.",
} as const;

export type TextKey = keyof typeof fr;

const en: Record<TextKey, string> = {
  "app.tagline": "Public service contact center",
  "app.home": "Home — Guichet",
  "nav.agent": "Agent workspace",
  "nav.wallboard": "Supervision",
  "nav.admin": "Administration",
  "nav.logout": "Log out",
  "nav.language": "Français",
  "nav.languageTitle": "Passer en français",
  "nav.main": "Main menu",
  "skip.content": "Skip to content",
  "common.save": "Save",
  "common.cancel": "Cancel",
  "common.add": "Add",
  "common.delete": "Delete",
  "common.edit": "Edit",
  "common.close": "Close",
  "common.none": "None",
  "common.loading": "Loading…",
  "common.error": "Error",
  "common.seconds": "s",
  "common.live": "Live",
  "common.offline": "Connection lost — reconnecting…",
  "login.title": "Log in",
  "login.intro": "Log in with the account your administrator gave you.",
  "login.username": "User name",
  "login.password": "Password",
  "login.submit": "Log in",
  "login.failed": "Wrong user name or password.",
  "login.limited": "Too many attempts: try again in a few minutes.",
  "state.available": "Available",
  "state.paused": "Paused",
  "state.offline": "Offline",
  "state.busy": "Busy",
  "state.wrapup": "Wrap-up",
  "state.title": "My state",
  "state.pause": "Pause",
  "state.choose": "Choose a state",
  "channel.voice": "Phone",
  "channel.chat": "Chat",
  "channel.email": "Email",
  "channel.sms": "SMS",
  "channel.social": "Social media",
  "channel.task": "Task",
  "offer.title": "New interaction",
  "offer.queue": "Queue",
  "offer.citizen": "Citizen",
  "offer.anonymous": "Not identified",
  "offer.remaining": "Time left",
  "offer.accept": "Accept",
  "offer.decline": "Decline",
  "offer.expired": "The offer expired.",
  "work.title": "My interactions",
  "work.empty": "No interaction in hand. Go \"Available\" to receive some.",
  "work.enqueued": "Arrived",
  "work.attributes": "Details",
  "work.timeline": "History",
  "work.complete": "Complete",
  "work.wrapupCode": "Wrap-up code",
  "work.note": "Note",
  "work.transfer": "Transfer",
  "work.transferQueue": "To a queue",
  "work.transferAgent": "To a colleague",
  "work.transferred": "Transferred.",
  "work.completed": "Completed.",
  "work.chooseQueue": "Choose a queue",
  "work.chooseAgent": "Choose a colleague",
  "work.phase.offered": "Offered",
  "work.phase.active": "Active",
  "work.phase.wrapup": "Wrap-up",
  "work.wrapupTimer": "In wrap-up for",
  "citizen.title": "Citizen view",
  "citizen.contacts": "Contacts",
  "citizen.history": "History on every channel",
  "citizen.none": "Citizen not identified.",
  "citizen.outcome": "Outcome",
  "citizen.channel": "Channel",
  "status.waiting": "Open",
  "status.completed": "Handled",
  "status.abandoned": "Abandoned",
  "status.closed": "Closed (out of hours)",
  "phone.title": "My phone number",
  "phone.hint": "The number your calls ring on: desk phone, softphone or mobile when working from home. International format (+33…) or a SIP address.",
  "phone.saved": "Number saved: the next calls will ring there.",
  "wall.title": "Live supervision",
  "wall.queues": "Queues",
  "wall.agents": "Agents",
  "wall.queue": "Queue",
  "wall.waiting": "Waiting",
  "wall.longest": "Longest wait",
  "wall.ready": "Ready agents",
  "wall.offered": "Received",
  "wall.answered": "Answered",
  "wall.abandoned": "Abandoned",
  "wall.sl": "Service level",
  "wall.target": "Target",
  "wall.asa": "Average speed of answer",
  "wall.agent": "Agent",
  "wall.state": "State",
  "wall.since": "Since",
  "wall.inHand": "In hand",
  "wall.handled": "Handled",
  "wall.missed": "Missed",
  "wall.byState": "Agents by state",
  "wall.setState": "Change state",
  "wall.updated": "Updated",
  "editor.title": "Skills and capacities",
  "editor.skills": "Skills and levels",
  "editor.noSkill": "No",
  "editor.level": "Level",
  "editor.capacity": "Simultaneous interactions per channel",
  "editor.saved": "Saved: applies to the next offers.",
};

const texts: Record<Lang, Record<TextKey, string>> = { fr, en };

interface LangContextValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: TextKey) => string;
}

const LangContext = createContext<LangContextValue>({
  lang: "fr",
  setLang: () => {},
  t: (key) => fr[key],
});

const STORAGE_KEY = "guichet.lang";

export function initialLang(): Lang {
  return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "fr";
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = (next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  };
  const t = (key: TextKey) => texts[lang][key];
  return <LangContext.Provider value={{ lang, setLang, t }}>{children}</LangContext.Provider>;
}

export function useT() {
  return useContext(LangContext);
}

// "12 s", "3 min 05 s", "1 h 02 min"
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}
