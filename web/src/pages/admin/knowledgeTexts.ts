// The knowledge base's texts (its administration page and the agents'
// search), French first, English second; beside texts.ts, which is long
// enough. A key missing in English is a compile error.
import { useCallback } from "react";
import { useT } from "../../i18n";

const fr = {
  "kb.title": "Base de connaissances",
  "kb.intro":
    "Les articles qui répondent aux questions des usagers : le robot conversationnel du chat répond avec les articles publiés, et les agents les cherchent depuis leur espace. Un article s'écrit en brouillon, puis se publie ; une modification reste un brouillon jusqu'à la publication suivante.",
  "kb.add": "Écrire un article",
  "kb.edit": "Modifier l'article",
  "kb.caption": "Articles de la base de connaissances",
  "kb.filter": "Filtrer les articles par titre",
  "kb.articleTitle": "Titre",
  "kb.titleHint": "La question à laquelle il répond, comme un usager la chercherait. 150 caractères au plus.",
  "kb.body": "Texte",
  "kb.bodyHint": "Texte simple ; une ligne vide sépare deux paragraphes. Le premier paragraphe s'affiche sous le titre dans les réponses.",
  "kb.tags": "Mots-clés",
  "kb.tagsHint":
    "Séparés par des virgules : les mots des usagers que le titre et le texte n'emploient pas (synonymes, sigles). Par exemple : CNI, papiers d'identité.",
  "kb.links": "Liens",
  "kb.linksHint": "Jusqu'à 10 pages utiles (https://…), montrées avec l'article.",
  "kb.link": "Lien {n}",
  "kb.linkTitle": "Intitulé du lien",
  "kb.linkUrl": "Adresse (https://…)",
  "kb.addLink": "Ajouter un lien",
  "kb.state": "État",
  "kb.updated": "Modifié",
  "kb.state.draft": "Brouillon",
  "kb.state.published": "Publié (version {version})",
  "kb.state.changed": "Modifications à publier (version {version} en ligne)",
  "kb.updatedBy": "le {at} par {name}",
  "kb.publish": "Publier",
  "kb.publishChanges": "Publier les modifications",
  "kb.withdraw": "Retirer de la publication",
  "kb.published": "Publié : « {title} », version {version}. Le robot et les agents le trouvent dès maintenant.",
  "kb.withdrawn": "Retiré de la publication : « {title} ». Son brouillon est conservé.",
  "kb.saved": "Brouillon enregistré. Publiez-le pour que le robot et les agents le trouvent.",
  "kb.savedChanged": "Brouillon enregistré. La version {version} reste en ligne jusqu'à la prochaine publication.",
  "kb.try": "Essayer une question",
  "kb.tryIntro":
    "Tapez une question comme un usager l'écrirait : les articles publiés qui y répondent le mieux, et ce que ferait le robot.",
  "kb.question": "Question",
  "kb.search": "Chercher",
  "kb.noHit": "Aucun article publié ne contient les mots de cette question : le robot passerait la main à un agent.",
  "kb.answers": "Le robot répondrait avec cet article",
  "kb.handsOver": "Trop peu sûr : le robot passerait la main à un agent",
  "kb.results": "{n} article(s) trouvé(s)",
  // the agents' search, in a conversation
  "kb.agentSearch": "Chercher dans la base de connaissances",
  "kb.agentSearchHint": "Les articles publiés ; « Insérer » ajoute leur premier paragraphe et leurs liens à votre réponse.",
  "kb.insert": "Insérer dans la réponse",
  "kb.read": "Lire l'article",
};

type KnowledgeKey = keyof typeof fr;

const en: Record<KnowledgeKey, string> = {
  "kb.title": "Knowledge base",
  "kb.intro":
    "The articles that answer citizens' questions: the chat's bot answers with the published ones, and agents search them from their desk. An article is written as a draft, then published; a change stays a draft until the next publication.",
  "kb.add": "Write an article",
  "kb.edit": "Edit the article",
  "kb.caption": "Knowledge base articles",
  "kb.filter": "Filter the articles by title",
  "kb.articleTitle": "Title",
  "kb.titleHint": "The question it answers, as a citizen would search for it. At most 150 characters.",
  "kb.body": "Text",
  "kb.bodyHint": "Plain text; a blank line separates two paragraphs. The first paragraph shows under the title in answers.",
  "kb.tags": "Keywords",
  "kb.tagsHint":
    "Separated by commas: the words citizens use that the title and text do not (synonyms, acronyms). For example: ID card, papers.",
  "kb.links": "Links",
  "kb.linksHint": "Up to 10 useful pages (https://…), shown with the article.",
  "kb.link": "Link {n}",
  "kb.linkTitle": "Link text",
  "kb.linkUrl": "Address (https://…)",
  "kb.addLink": "Add a link",
  "kb.state": "State",
  "kb.updated": "Changed",
  "kb.state.draft": "Draft",
  "kb.state.published": "Published (version {version})",
  "kb.state.changed": "Changes to publish (version {version} online)",
  "kb.updatedBy": "on {at} by {name}",
  "kb.publish": "Publish",
  "kb.publishChanges": "Publish the changes",
  "kb.withdraw": "Unpublish",
  "kb.published": "Published: “{title}”, version {version}. The bot and agents find it from now on.",
  "kb.withdrawn": "Unpublished: “{title}”. Its draft is kept.",
  "kb.saved": "Draft saved. Publish it for the bot and agents to find it.",
  "kb.savedChanged": "Draft saved. Version {version} stays online until the next publication.",
  "kb.try": "Try a question",
  "kb.tryIntro":
    "Type a question as a citizen would write it: the published articles that answer it best, and what the bot would do.",
  "kb.question": "Question",
  "kb.search": "Search",
  "kb.noHit": "No published article holds the words of this question: the bot would hand over to an agent.",
  "kb.answers": "The bot would answer with this article",
  "kb.handsOver": "Not sure enough: the bot would hand over to an agent",
  "kb.results": "{n} article(s) found",
  "kb.agentSearch": "Search the knowledge base",
  "kb.agentSearchHint": "Published articles; “Insert” adds their first paragraph and links to your reply.",
  "kb.insert": "Insert in the reply",
  "kb.read": "Read the article",
};

const texts: Record<"fr" | "en", Record<KnowledgeKey, string>> = { fr, en };
export type KnowledgeT = (key: KnowledgeKey, values?: Record<string, string | number>) => string;

// The knowledge base's texts in the interface's language, {values} filled.
export function useKnowledgeT(): KnowledgeT {
  const { lang } = useT();
  return useCallback(
    (key: KnowledgeKey, values?: Record<string, string | number>) =>
      texts[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
        values && name in values ? String(values[name]) : whole,
      ),
    [lang],
  );
}
