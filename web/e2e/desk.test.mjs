// End to end, the agent's desk through a conversation as a working day has
// it: a chat from someone nobody knows yet, answered with Enter, noted,
// identified from the desk (searched, then created), its tab and 360° view
// naming her; then handed to a colleague with a note (warm transfer), who
// is rung again and again and notified on the desktop while the tab is
// hidden, declines, and the agent who sent it is told. axe on each step.
//
//   node web/e2e/desk.test.mjs --guichet build/src/cli/guichet --out build/web-e2e-desk
//
// Prints one JSON line of figures and exits 0 when every check passed.
import { chromium } from "playwright-core";
import { checker, flags, launchChromium, startGuichet } from "./support.mjs";

const args = flags();
if (!args.guichet) {
  console.error("usage: desk.test.mjs --guichet PATH [--out DIR]");
  process.exit(2);
}
const out = args.out ?? "web-e2e-desk";
const { failures, check, audit, until, report } = checker(out);
const figures = {};
const users = {
  admin: ["admin", "admin-password-1234"],
  superviseur: ["supervisor", "superviseur-password-1"],
  agent1: ["agent", "agent1-password-123"],
  agent2: ["agent", "agent2-password-123"],
  agent3: ["agent", "agent3-password-123"],
};
const { base, server, api } = await startGuichet(args.guichet, users);
const ids = Object.fromEntries(
  (await api("admin", "GET", "/api/v1/users")).users.map((u) => [u.username, u.id]),
);
const chat = await api("superviseur", "POST", "/api/v1/queues", { name: "chat-mairie", channel: "chat" });
for (const agent of ["agent1", "agent2", "agent3"]) {
  await api("superviseur", "PUT", `/api/v1/agents/${ids[agent]}`, { capacity: { chat: 2 } });
}

const found0 = (list) => (list.length === 1 ? list[0].id : -1);

// Presses Tab until the focused element is the one `name` names (its
// aria-label, text or label), as a keyboard user moves; false after `max`.
async function tabTo(page, name, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const here = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return "";
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : "";
      return [el.getAttribute("aria-label"), el.textContent, label].filter(Boolean).join(" | ");
    });
    if (here.includes(name)) return true;
  }
  check(false, `${name}: not reached with Tab`);
  return false;
}
const browser = await launchChromium(chromium);
const viewport = { width: 1280, height: 800 };

// A desk page, logged in. `hidden`: the tab is not in view (another tab,
// a minimised window), so an offer is notified on the desktop. The page
// counts its chimes (oscillators: two a chime) and its notifications.
async function desk(user, { hidden = false } = {}) {
  const context = await browser.newContext({ viewport, locale: "fr-FR" });
  await context.grantPermissions(["notifications"], { origin: base });
  await context.addInitScript((isHidden) => {
    window.__oscillators = 0;
    window.__notified = [];
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      window.__oscillators += 1;
      return create.call(this);
    };
    window.Notification = class {
      static permission = "granted";
      static requestPermission = async () => "granted";
      constructor(title, options) {
        window.__notified.push({ title, body: options?.body });
      }
      close() {}
    };
    if (isHidden) Object.defineProperty(document, "hidden", { get: () => true });
  }, hidden);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.getByLabel("Identifiant").fill(user);
  await page.getByLabel("Mot de passe").fill(users[user][1]);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("heading", { name: "Espace agent" }).waitFor();
  await page.getByRole("button", { name: "Disponible", exact: true }).click();
  await until(`${user} is available`, async () =>
    (await page.getByRole("button", { name: "Disponible", exact: true }).getAttribute("aria-pressed")) === "true");
  return { page, errors };
}

try {
  const { page: agent, errors } = await desk("agent1");
  check(await agent.getByRole("heading", { name: "Raccourcis clavier" }).isVisible(),
    "the desk lists its keyboard shortcuts");
  check(await agent.getByText("Notifications du bureau activées").isVisible(),
    "desktop notifications, once allowed, are said to be on");

  // A chat from someone nobody knows yet.
  const conversation = await api("superviseur", "POST", "/api/v1/interactions", {
    channel: "chat",
    queue_id: chat.id,
  });
  const messages = `/api/v1/interactions/${conversation.id}/messages`;
  await api("superviseur", "POST", messages, { from: "citizen", text: "Bonjour, je viens d'emménager." });
  await agent.locator(".guichet-offer").waitFor();
  await agent.getByRole("button", { name: "Accepter" }).click();
  await agent.getByText("Bonjour, je viens d'emménager.").waitFor();
  await until("today's figures count the offer", async () =>
    (await agent.locator('dd[data-field="offered_today"]').textContent()) === "1");

  // Enter sends; Shift+Enter breaks the line (it did neither: the reply box
  // took Enter as a new line and only the button sent).
  const reply = agent.getByRole("textbox", { name: "Votre réponse" });
  await reply.click();
  await agent.keyboard.type("Bienvenue dans la commune !");
  await agent.keyboard.press("Shift+Enter");
  await agent.keyboard.type("Que puis-je pour vous ?");
  check((await reply.inputValue()) === "Bienvenue dans la commune !\nQue puis-je pour vous ?",
    `Shift+Enter breaks the line: ${JSON.stringify(await reply.inputValue())}`);
  await agent.keyboard.press("Enter");
  await agent.locator(".guichet-thread__agent", { hasText: "Que puis-je pour vous ?" }).waitFor({ timeout: 3000 });
  check((await reply.inputValue()) === "", "Enter sent the message and emptied the box");
  check(await agent.evaluate(() => document.activeElement?.tagName === "TEXTAREA"),
    "the focus stays in the reply box, for the next message");

  // A note while handling it, for colleagues, not sent to the citizen.
  await agent.getByLabel("Nouvelle note").fill("Nouvelle habitante, inscription sur les listes électorales.");
  await agent.getByRole("button", { name: "Ajouter la note" }).click();
  await agent.locator(".guichet-notes", { hasText: "listes électorales" }).waitFor({ timeout: 3000 });
  const record = await api("superviseur", "GET", `/api/v1/interactions/${conversation.id}`);
  check(record.timeline.some((e) => e.type === "note" && /listes électorales/.test(e.data.note)),
    "the note is in the timeline");
  check(!record.timeline.some((e) => e.type === "message" && /listes électorales/.test(e.data.text)),
    "the note was not sent to the citizen");

  // Identified from the desk: not found by name, created with her number
  // as she says it, linked.
  await agent.getByLabel("Nom, téléphone ou adresse électronique").fill("Lefebvre");
  await agent.getByRole("button", { name: "Rechercher" }).click();
  await agent.locator("p:not(.fr-sr-only)", { hasText: "Aucun usager trouvé" }).waitFor();
  await audit(agent, "bureau-identifier");
  await agent.getByLabel("Prénom et nom").fill("Lucie Lefebvre");
  await agent.getByLabel("Téléphone (facultatif)").fill("06 12 34 56 78");
  await agent.getByRole("button", { name: "Créer l'usager et l'identifier" }).click();
  await agent.getByText("Usager identifié : Lucie Lefebvre").waitFor({ timeout: 3000 });
  const chatTab = agent.locator(`button[data-interaction="${conversation.id}"]`);
  await until("the tab names her", async () => /Lucie Lefebvre/.test(await chatTab.textContent()));
  const linked = await api("superviseur", "GET", `/api/v1/interactions/${conversation.id}`);
  check(linked.citizen_id === found0(await api("superviseur", "GET", "/api/v1/citizens?q=Lucie")),
    `the interaction names its citizen: ${linked.citizen_id}`);
  await agent.getByRole("heading", { name: "Vue usager" }).waitFor();
  await agent.locator("section", { hasText: "Vue usager" }).getByText("Lucie Lefebvre").first().waitFor();
  check(await agent.getByText("+33612345678").isVisible(), "her number, stored normalised, in her 360° view");
  // From the top: the side column is sticky, and a full-page picture taken
  // scrolled down shows it where the scroll left it.
  await agent.evaluate(() => window.scrollTo(0, 0));
  await audit(agent, "bureau-usager-identifie");
  // Found next time, by her number however typed (the search an agent makes
  // when she calls back).
  const found = await api("superviseur", "GET", "/api/v1/citizens?q=0612345678");
  check(found.length === 1 && found[0].name === "Lucie Lefebvre", "found again by her number");

  // Handed to a colleague with a note. The colleague's tab is hidden: the
  // offer rings again while it waits and comes as a desktop notification.
  const { page: colleague, errors: colleagueErrors } = await desk("agent2", { hidden: true });
  // Choosing reads the colleagues' states as they are now.
  const colleagues = agent.getByLabel(/^Vers un collègue/);
  await colleagues.focus();
  await until("agent2 shown available", async () =>
    /Disponible/.test((await colleagues.locator("option", { hasText: "agent2" }).textContent()) ?? ""));
  await colleagues.selectOption({ label: "agent2 — Disponible" });
  await agent.getByLabel("Note pour le collègue (facultatif)").fill("Elle demande aussi la carte de stationnement.");
  await agent.locator("fieldset", { hasText: "Vers un collègue" }).getByRole("button", { name: "Transférer" }).last().click();
  const offeredAt = Date.now();
  await colleague.locator(".guichet-offer").waitFor();
  figures.transfer_to_screen_ms = Date.now() - offeredAt;
  check(await colleague.getByText("Transférée par : agent1").isVisible(), "the offer says who transferred it");
  check(await colleague.getByText("« Elle demande aussi la carte de stationnement. »").isVisible(),
    "the colleague reads the note with the offer");
  await audit(colleague, "bureau-transfert-accompagne");
  const notified = await colleague.evaluate(() => window.__notified);
  check(notified.length === 1 && notified[0].title === "Nouvelle sollicitation" && /Chat/.test(notified[0].body),
    `a hidden desk is notified on the desktop: ${JSON.stringify(notified)}`);
  const rang = await colleague.evaluate(() => window.__oscillators);
  await colleague.waitForTimeout(8500);
  const rangAgain = await colleague.evaluate(() => window.__oscillators);
  figures.chimes_in_8_5_s = (rangAgain - rang) / 2;
  check(rangAgain - rang >= 4, `the ring repeats while the offer waits: ${(rangAgain - rang) / 2} more chimes`);

  // Silenced (an agent on the phone with someone): no more rings for it.
  await colleague.getByRole("button", { name: "Couper la sonnerie" }).click();
  await colleague.getByText("Sonnerie coupée pour ces sollicitations.").waitFor();
  const silenced = await colleague.evaluate(() => window.__oscillators);
  await colleague.waitForTimeout(4500);
  check((await colleague.evaluate(() => window.__oscillators)) === silenced, "the ring stops once silenced");

  // Declined: the agent who sent it is told, and by whom.
  await colleague.getByRole("button", { name: "Refuser" }).click();
  await agent.getByText(/Votre transfert n'a pas été pris .*refusé par agent2/).waitFor({ timeout: 3000 });
  check(!(await agent.getByText("Transférée.").isVisible()), "no longer said transferred");
  // Back in its queue, it is offered to the agent again: once the offer
  // has come in (its fade), the page is checked.
  await agent.locator(".guichet-offer").waitFor();
  await agent.waitForTimeout(500);
  await audit(agent, "bureau-transfert-refuse");

  // The supervisor's board. agent1 takes the chat back, then is set
  // offline with it in hand: the board shows what they hold, by name, and
  // puts it back in its queue. (Five interactions stayed "active" on an
  // agent set offline, and no screen showed or reassigned them.)
  await agent.getByRole("button", { name: "Accepter" }).click();
  await agent.locator(`button[data-interaction="${conversation.id}"]`).waitFor();
  await api("admin", "PUT", `/api/v1/users/${ids.agent1}`, { display_name: "Léa Martin" });
  await api("superviseur", "PUT", `/api/v1/agents/${ids.agent2}`, { capacity: { chat: 2 }, team: "Accueil" });
  await api("superviseur", "PUT", `/api/v1/agents/${ids.agent1}/state`, { state: "offline" });
  const boardContext = await browser.newContext({ viewport, locale: "fr-FR" });
  const board = await boardContext.newPage();
  await board.goto(`${base}/`);
  await board.getByLabel("Identifiant").fill("superviseur");
  await board.getByLabel("Mot de passe").fill(users.superviseur[1]);
  await board.getByRole("button", { name: "Se connecter" }).click();
  await board.getByRole("link", { name: "Supervision" }).click();
  const lea = board.locator('tr[data-agent="Léa Martin"]');
  await lea.waitFor();
  check((await lea.locator('td[data-field="state"]').textContent()) === "Hors ligne",
    "the board names the agent (not their login) and shows them offline");
  await lea.getByRole("button", { name: /1 — voir : Sollicitations en main — Léa Martin/ }).click();
  const held = board.locator(`li[data-held="${conversation.id}"]`);
  await held.waitFor();
  await audit(board, "supervision-en-main");
  await held.getByRole("button", { name: "Remettre en file" }).click();
  await board.getByText(`#${conversation.id} : remise dans sa file.`).waitFor({ timeout: 3000 });
  await until("agent1 holds nothing any more", async () =>
    (await api("superviseur", "GET", "/api/v1/stats/agents")).find((a) => a.agent_id === ids.agent1)
      ?.interactions_in_hand === 0);
  await until("the chat is offered to agent2", async () =>
    (await api("agent2", "GET", "/api/v1/offers")).some((o) => o.interaction_id === conversation.id));
  // A team leader follows their team.
  await board.getByLabel("Équipe").selectOption("Accueil");
  await until("only the team's agents", async () =>
    (await board.locator("tr[data-agent]").count()) === 1 &&
    (await board.locator('tr[data-agent="agent2"]').count()) === 1);
  await board.getByLabel("Équipe").selectOption("");
  await board.getByLabel("État des agents").selectOption("offline");
  const offline = (await api("superviseur", "GET", "/api/v1/stats/agents")).filter((a) => a.state === "offline");
  await until("only the agents offline", async () =>
    (await board.locator("tr[data-agent]").count()) === offline.length &&
    (await board.locator('tr[data-agent="Léa Martin"]').count()) === 1 &&
    (await board.locator('tr[data-agent="agent2"]').count()) === 0);
  await audit(board, "supervision-filtres");

  // A town hall is not the State: its own name and logo in the header
  // (not the "République française" block), its links in the footer, on
  // every page and on the login page too. Set in the administration.
  const adminContext = await browser.newContext({ viewport, locale: "fr-FR" });
  const admin = await adminContext.newPage();
  await admin.goto(`${base}/`);
  check(await admin.locator(".fr-header .fr-logo", { hasText: "République" }).isVisible(),
    "a State service by default: the République française block");
  await admin.getByLabel("Identifiant").fill("admin");
  await admin.getByLabel("Mot de passe").fill(users.admin[1]);
  await admin.getByRole("button", { name: "Se connecter" }).click();
  await admin.getByRole("link", { name: "Administration" }).click();
  await admin.getByRole("link", { name: "Identité du service" }).click();
  await admin.getByRole("textbox", { name: /^Nom du service/ }).fill("Mairie de Saint-Exemple");
  await admin.locator("label", { hasText: "Service de l'État" }).click();
  await admin.getByLabel("Mentions légales (adresse)").fill("javascript:alert(1)");
  await admin.getByRole("button", { name: "Enregistrer" }).click();
  await admin.getByText(/Mentions légales \(adresse\) : une adresse web/i).waitFor({ timeout: 3000 })
    .catch(() => check(false, "a link that is not one is refused, naming the field"));
  await admin.getByLabel("Mentions légales (adresse)").fill("https://www.saint-exemple.fr/mentions-legales");
  await admin.getByLabel("Données personnelles (adresse)").fill("/donnees-personnelles");
  await admin.getByRole("button", { name: "Enregistrer" }).click();
  await admin.getByText("Identité enregistrée").waitFor();
  const logo = await admin.screenshot({ clip: { x: 0, y: 0, width: 160, height: 90 } });
  await admin.getByLabel(/^Logo du service/).setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logo });
  await admin.getByRole("button", { name: "Envoyer le logo" }).click();
  await admin.getByText("Logo enregistré.").waitFor();
  await admin.locator('.fr-header img[alt="Mairie de Saint-Exemple"]').waitFor();
  check(await admin.locator(".fr-header .fr-logo", { hasText: "Mairie de Saint-Exemple" }).isVisible(),
    "the town hall's name in the brand block");
  check(!(await admin.locator(".fr-header", { hasText: "République" }).isVisible()),
    "no République française block for a town hall");
  check((await admin.locator(".fr-footer").getByRole("link", { name: "Mentions légales" }).getAttribute("href")) ===
    "https://www.saint-exemple.fr/mentions-legales", "the legal notice linked from the footer");
  check(await admin.locator(".fr-footer").getByRole("link", { name: "Données personnelles" }).isVisible(),
    "the personal-data page linked from the footer");
  await audit(admin, "administration-identite");
  const outside = await (await browser.newContext({ viewport, locale: "fr-FR" })).newPage();
  await outside.goto(`${base}/`);
  await outside.locator('.fr-header img[alt="Mairie de Saint-Exemple"]').waitFor();
  await audit(outside, "connexion-mairie");

  // A whole conversation with the keyboard alone: log in, go available,
  // take the offer, answer, note, complete, say ready, log out of the queue.
  await api("superviseur", "POST", `/api/v1/interactions/${conversation.id}/abandon`); // Lucie's chat ends
  await api("superviseur", "PUT", `/api/v1/agents/${ids.agent1}/state`, { state: "offline" });
  await api("superviseur", "PUT", `/api/v1/agents/${ids.agent2}/state`, { state: "offline" });
  const keyboardContext = await browser.newContext({ viewport, locale: "fr-FR" });
  const kb = await keyboardContext.newPage();
  await kb.goto(`${base}/`);
  await kb.getByRole("heading", { name: "Connexion" }).waitFor();
  await tabTo(kb, "Identifiant");
  await kb.keyboard.type("agent3");
  await kb.keyboard.press("Tab");
  await kb.keyboard.type(users.agent3[1]);
  await kb.keyboard.press("Enter");
  await kb.getByRole("heading", { name: "Espace agent" }).waitFor();
  const agent3 = async () =>
    (await api("superviseur", "GET", "/api/v1/stats/agents")).find((a) => a.agent_id === ids.agent3);
  await tabTo(kb, "Disponible");
  await kb.keyboard.press("Enter");
  await until("agent3 available with the keyboard", async () => (await agent3())?.state === "available");
  // A minute of wrap-up, said ready before it ends.
  await api("superviseur", "PUT", `/api/v1/queues/${chat.id}`, { name: "chat-mairie", channel: "chat", wrapup_s: 60 });
  const keyed = await api("superviseur", "POST", "/api/v1/interactions", { channel: "chat", queue_id: chat.id });
  await api("superviseur", "POST", `/api/v1/interactions/${keyed.id}/messages`,
    { from: "citizen", text: "Bonsoir, une question sur la cantine." });
  await kb.locator(".guichet-offer").waitFor();
  await kb.keyboard.press("Alt+Shift+A");
  await kb.keyboard.press("Tab");
  await kb.keyboard.press("Enter");
  await kb.getByText("Bonsoir, une question sur la cantine.").waitFor();
  await tabTo(kb, "Votre réponse");
  await kb.keyboard.type("Bonsoir, je vous écoute.");
  await kb.keyboard.press("Enter");
  await kb.locator(".guichet-thread__agent", { hasText: "Bonsoir, je vous écoute." }).waitFor({ timeout: 3000 });
  await tabTo(kb, "Nouvelle note");
  await kb.keyboard.type("Question sur les tarifs de la cantine.");
  await tabTo(kb, "Ajouter la note");
  await kb.keyboard.press("Enter");
  await kb.locator(".guichet-notes", { hasText: "tarifs de la cantine" }).waitFor({ timeout: 3000 });
  await tabTo(kb, "Terminer"); // on round the page: it is above the notes
  await kb.keyboard.press("Enter");
  await tabTo(kb, "Je suis prêt·e");
  await kb.keyboard.press("Enter");
  await kb.getByText("Post-traitement terminé").waitFor({ timeout: 3000 });
  await tabTo(kb, "Hors ligne");
  await kb.keyboard.press("Enter");
  await until("agent3 offline with the keyboard", async () => (await agent3())?.state === "offline");
  const day = await api("superviseur", "GET", `/api/v1/interactions/${keyed.id}`);
  check(day.status === "completed" && day.timeline.some((e) => e.type === "note"),
    `the keyboard's conversation is completed, noted: ${day.status}`);
  check((await agent3())?.handled_today === 1, "and counted in agent3's day");

  check(errors.length === 0 && colleagueErrors.length === 0,
    `no error in the pages: ${[...errors, ...colleagueErrors].join(" | ")}`);
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}

report("web e2e desk", figures);
