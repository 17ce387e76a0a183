// End to end, the knowledge base as a service keeps it and an agent uses
// it: a supervisor writes an article (a wrong link refused at its field),
// finds it is not searched as a draft, publishes it, tries a question as a
// citizen types it and reads what the bot would do, changes it (the
// published version stays online until published again), unpublishes it;
// an agent in a chat searches it from the desk and inserts it into a reply.
// axe on each step.
//
//   node web/e2e/knowledge.test.mjs --guichet build/src/cli/guichet --out build/web-e2e-knowledge
//
// Prints one JSON line of figures and exits 0 when every check passed.
import { chromium } from "playwright-core";
import { checker, flags, launchChromium, startGuichet } from "./support.mjs";

const args = flags();
if (!args.guichet) {
  console.error("usage: knowledge.test.mjs --guichet PATH [--out DIR]");
  process.exit(2);
}
const out = args.out ?? "web-e2e-knowledge";
const { failures, check, audit, until, report } = checker(out);
const figures = {};
const users = {
  admin: ["admin", "admin-password-1234"],
  superviseur: ["supervisor", "superviseur-password-1"],
  agent1: ["agent", "agent1-password-123"],
};
const { base, server, api } = await startGuichet(args.guichet, users);
const ids = Object.fromEntries(
  (await api("admin", "GET", "/api/v1/users")).users.map((u) => [u.username, u.id]),
);
const chat = await api("superviseur", "POST", "/api/v1/queues", { name: "chat-mairie", channel: "chat" });
await api("superviseur", "PUT", `/api/v1/agents/${ids.agent1}`, { capacity: { chat: 2 } });

const browser = await launchChromium(chromium);
const viewport = { width: 1280, height: 900 };

async function login(user) {
  const context = await browser.newContext({ viewport, locale: "fr-FR" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.getByLabel("Identifiant").fill(user);
  await page.getByLabel("Mot de passe").fill(users[user][1]);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Menu principal" }).waitFor();
  return { page, errors };
}

const search = (q) =>
  api("agent1", "GET", `/api/v1/knowledge/search?q=${encodeURIComponent(q)}&limit=3`);

try {
  const { page: sup, errors } = await login("superviseur");
  await sup.goto(`${base}/admin/knowledge`);
  await sup.getByRole("heading", { name: "Base de connaissances", level: 2 }).waitFor();
  await sup.getByRole("button", { name: "Écrire un article" }).click();
  const editor = sup.locator("section", { has: sup.getByRole("heading", { name: "Écrire un article" }) });
  check(await sup.evaluate(() => document.activeElement?.textContent === "Écrire un article"),
    "the editor's heading takes the focus");
  await sup.locator("#kb-form-title").fill("Obtenir un acte de naissance");
  await sup.locator("#kb-form-body").fill(
    "Demandez une copie intégrale ou un extrait à la mairie du lieu de naissance. C'est gratuit.\n\n" +
      "Sur place, présentez une pièce d'identité. Par courrier, joignez une enveloppe timbrée.",
  );
  await sup.locator("#kb-form-tags").fill("extrait, état civil ; copie intégrale");
  await editor.getByRole("button", { name: "Ajouter un lien" }).click();
  await until("a new link's first field takes the focus", () =>
    sup.evaluate(() => document.activeElement?.id === "kb-form-link-0-title"));
  await sup.locator("#kb-form-link-0-title").fill("Service-Public.fr");
  await sup.locator("#kb-form-link-0-url").fill("javascript:alert(1)");
  await editor.getByRole("button", { name: "Enregistrer" }).click();
  await editor.getByText(/Adresse \(https:\/\/…\)/).first().waitFor();
  // The focus moves once React has drawn the error (focusLater).
  await until("a refused link: the focus on its address", () =>
    sup.evaluate(() => document.activeElement?.id === "kb-form-link-0-url"));
  await audit(sup, "base-lien-refuse");
  await sup.locator("#kb-form-link-0-url").fill("https://www.service-public.fr/particuliers/vosdroits/F1427");
  await editor.getByRole("button", { name: "Enregistrer" }).click();
  await sup.getByText("Brouillon enregistré").waitFor();
  await sup.getByRole("heading", { name: "Modifier l'article — Obtenir un acte de naissance" }).waitFor();
  const [draft] = await api("superviseur", "GET", "/api/v1/articles");
  check(draft?.state === "draft" && draft.tags.join("|") === "extrait|état civil|copie intégrale",
    `saved as a draft, keywords split at commas and semicolons: ${JSON.stringify(draft?.tags)}`);
  check((await search("acte de naissance")).length === 0, "a draft is not searched");

  // Published from its row; then found as a citizen types it.
  await sup.getByRole("button", { name: "Fermer" }).click();
  const row = sup.locator("tr", { hasText: "Obtenir un acte de naissance" });
  await row.getByRole("button", { name: "Publier" }).click();
  await sup.getByText(/Publié : « Obtenir un acte de naissance », version 1/).waitFor();
  await row.getByText("Publié (version 1)").waitFor();
  const hits = await search("extrait de naisance pour mon fils");
  check(hits[0]?.title === "Obtenir un acte de naissance" && hits[0].answers,
    `found with a typo, the bot would answer: ${JSON.stringify(hits[0]?.title)}`);
  await sup.locator("#kb-try-question").fill("copie integrale acte naissance");
  await sup.getByRole("button", { name: "Chercher" }).click();
  await sup.getByText("Le robot répondrait avec cet article").waitFor();
  await sup.locator("#kb-try-question").fill("ma box internet ne marche plus");
  await sup.getByRole("button", { name: "Chercher" }).click();
  await sup.getByText(/Aucun article publié ne contient les mots de cette question/).waitFor();
  await audit(sup, "base-essai");

  // Changed: a draft beside the published version, which stays searched.
  await row.getByRole("button", { name: "Modifier" }).click();
  await sup.locator("#kb-form-body").fill("Par courrier seulement désormais, avec une enveloppe timbrée.");
  await sup.getByRole("button", { name: "Enregistrer" }).click();
  await sup.getByText(/La version 1 reste en ligne/).waitFor();
  await sup.getByRole("button", { name: "Fermer" }).click();
  await row.getByText("Modifications à publier (version 1 en ligne)").waitFor();
  check((await search("gratuit"))[0]?.title === "Obtenir un acte de naissance",
    "the published version is still what is searched");
  check((await search("desormais")).length === 0, "the draft's words are not, yet");
  await audit(sup, "base-modifications-a-publier");
  await row.getByRole("button", { name: "Publier les modifications" }).click();
  await sup.getByText(/version 2/).first().waitFor();
  check((await search("desormais")).length === 1, "published again: its new words are searched");

  // Unpublished: off the search, its draft kept.
  await row.getByRole("button", { name: "Retirer de la publication" }).click();
  await sup.getByText(/Retiré de la publication/).waitFor();
  check((await search("desormais")).length === 0, "unpublished: not searched");
  await row.getByRole("button", { name: "Publier" }).click();
  await row.getByText("Publié (version 3)").waitFor();
  check(errors.length === 0, `no script error on the supervisor's page: ${errors.join(" | ")}`);

  // The agent, in a chat, searches the base and inserts the article.
  const { page: agent, errors: agentErrors } = await login("agent1");
  await agent.getByRole("button", { name: "Disponible", exact: true }).click();
  const conversation = await api("superviseur", "POST", "/api/v1/interactions", { channel: "chat", queue_id: chat.id });
  await api("superviseur", "POST", `/api/v1/interactions/${conversation.id}/messages`,
    { from: "citizen", text: "Bonjour, comment avoir un acte de naissance ?" });
  await agent.locator(".guichet-offer").waitFor();
  await agent.getByRole("button", { name: "Accepter" }).click();
  await agent.getByText("Bonjour, comment avoir un acte de naissance ?").waitFor();
  await agent.getByText("Chercher dans la base de connaissances").click();
  const started = Date.now();
  await agent.getByRole("search", { name: "Chercher dans la base de connaissances" }).getByLabel("Question").fill("acte de naissance");
  await agent.getByRole("search", { name: "Chercher dans la base de connaissances" }).getByRole("button", { name: "Chercher", exact: true }).click();
  await agent.getByRole("button", { name: /Insérer dans la réponse/ }).waitFor();
  figures.agent_search_to_screen_ms = Date.now() - started;
  await audit(agent, "bureau-base-de-connaissances");
  await agent.getByRole("button", { name: /Insérer dans la réponse/ }).first().click();
  const reply = agent.getByRole("textbox", { name: "Votre réponse" });
  const inserted = await reply.inputValue();
  check(/Par courrier seulement désormais/.test(inserted) && /Service-Public\.fr : https:\/\/www\.service-public\.fr/.test(inserted),
    `the article's lead and link are in the reply: ${JSON.stringify(inserted)}`);
  check(await agent.evaluate(() => document.activeElement?.tagName === "TEXTAREA"),
    "the focus is back in the reply, to read it over and send");
  await agent.keyboard.press("Enter");
  await agent.locator(".guichet-thread__agent", { hasText: "Par courrier" }).waitFor({ timeout: 3000 });
  check(agentErrors.length === 0, `no script error on the agent's page: ${agentErrors.join(" | ")}`);
} catch (e) {
  check(false, `the scenario stopped: ${e.stack ?? e}`);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
report("web_e2e_knowledge", figures);
