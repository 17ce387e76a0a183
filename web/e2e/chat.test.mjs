// End to end, the web chat as a citizen lives it on a town hall's website
// (another origin — localhost where Guichet is 127.0.0.1 — allowed by the queue) and as the agent who answers: the
// page loads one small script and stores nothing; the chat opens, says its
// hours and wait, and still stores nothing until the citizen starts; the
// bot answers with an article, hears « Non », hands over on « Parler à un
// conseiller »; the agent reads the bot's part, types (the citizen sees
// it), answers; the citizen's message is delivered then read; a reload
// and a network cut lose and duplicate nothing; the citizen ends and
// downloads the conversation. A website the queue does not list is
// refused. axe in every state of the widget.
//
//   node web/e2e/chat.test.mjs --guichet build/src/cli/guichet --out build/web-e2e-chat
//
// Prints one JSON line of figures and exits 0 when every check passed.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { checker, flags, launchChromium, startGuichet } from "./support.mjs";

const args = flags();
if (!args.guichet) {
  console.error("usage: chat.test.mjs --guichet PATH [--out DIR]");
  process.exit(2);
}
const out = args.out ?? "web-e2e-chat";
const { failures, check, audit, until, report } = checker(out);
const axeSource = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const figures = {};
const users = {
  admin: ["admin", "admin-password-1234"],
  superviseur: ["supervisor", "superviseur-password-1"],
  agent1: ["agent", "agent1-password-123"],
};
const { base, server, api } = await startGuichet(args.guichet, users);
// The town hall's website: another origin than Guichet's, served on
// loopback too (Chromium refuses a public site's requests to a loopback
// address), its page naming the chat service in ?service=.
const siteServer = createServer((request, response) => {
  const service = new URL(request.url, "http://x").searchParams.get("service") ?? "";
  response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  response.end(sitePage(service));
});
await new Promise((resolve) => siteServer.listen(0, "127.0.0.1", resolve));
const site = `http://localhost:${siteServer.address().port}`;
const ids = Object.fromEntries(
  (await api("admin", "GET", "/api/v1/users")).users.map((u) => [u.username, u.id]),
);
const chat = await api("superviseur", "POST", "/api/v1/queues",
  { name: "chat-mairie", channel: "chat", chat_origins: [site] });
const elsewhere = await api("superviseur", "POST", "/api/v1/queues",
  { name: "chat-autre", channel: "chat", chat_origins: ["https://autre.example"] });
// Closed but for a minute a week, its messages kept as tasks.
const keeper = await api("superviseur", "POST", "/api/v1/queues", { name: "messages-du-chat", channel: "task" });
const closed = await api("superviseur", "POST", "/api/v1/queues",
  { name: "chat-nuit", channel: "chat", hours: "sun 03:00-03:01", chat_origins: [site],
    chat_message_queue_id: keeper.id });
await api("superviseur", "PUT", `/api/v1/agents/${ids.agent1}`, { capacity: { chat: 2 } });
await api("admin", "PUT", "/api/v1/identity", { name: "Mairie de Saint-Exemple", state_service: false });
const article = await api("superviseur", "POST", "/api/v1/articles", {
  title: "Passeport : demande et renouvellement",
  body: "Le passeport se demande sur rendez-vous, avec une pré-demande en ligne sur le site de l'ANTS.",
  tags: ["passeport perdu", "passeport volé"],
  links: [{ title: "ANTS", url: "https://ants.gouv.fr/" }],
});
await api("superviseur", "POST", `/api/v1/articles/${article.id}/publish`);

// Its page, with the one tag.
function sitePage(service) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Mairie de Saint-Exemple</title></head><body><main><h1>Mairie de Saint-Exemple</h1>
<p>Nos horaires, nos démarches.</p></main>
<script async src="${base}/chat/widget.js" data-service="${service}"></script></body></html>`;
}

const browser = await launchChromium(chromium);

// axe inside the chat's frame (WCAG 2.1 A and AA), and a picture of the page.
async function auditFrame(page, name) {
  const frame = page.frames().find((f) => f.url().includes("/chat/frame.html"));
  await frame.evaluate(axeSource);
  const result = await frame.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  for (const v of result.violations) {
    check(false, `axe in the chat (${name}): ${v.id} (${v.nodes.length}): ${v.help} — ${
      v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  await audit(page, name);
}

async function citizenPage(context, service = chat.id) {
  const page = await context.newPage();
  page.siteUrl = `${site}/?service=${service}`;
  return page;
}

// Bytes from Guichet, as they came over the wire (compressed).
function countBytes(page) {
  const counted = { bytes: 0, requests: [] };
  page.on("requestfinished", async (request) => {
    if (!request.url().startsWith(base)) return;
    const sizes = await request.sizes().catch(() => null);
    counted.bytes += sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0;
    counted.requests.push(new URL(request.url()).pathname);
  });
  return counted;
}

// What a page or frame stores (0 where the browser refuses it storage).
const stored = (where) =>
  where.evaluate(() => {
    try {
      return localStorage.length + sessionStorage.length + document.cookie.length;
    } catch {
      return 0;
    }
  });

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR",
    acceptDownloads: true });
  const citizen = await citizenPage(context);
  const errors = [];
  citizen.on("pageerror", (e) => errors.push(String(e)));
  let counted = countBytes(citizen);
  await citizen.goto(citizen.siteUrl);
  const open = citizen.getByRole("button", { name: "Discuter avec nous" });
  await open.waitFor();
  await citizen.waitForLoadState("networkidle");
  figures.page_loads_from_guichet_bytes = counted.bytes;
  check(counted.requests.length === 1 && counted.requests[0] === "/chat/widget.js",
    `before opening, the page loads only the loader: ${counted.requests.join(", ")}`);
  check(counted.bytes < 3 * 1024, `the loader weighs ${counted.bytes} bytes (budget 3 KB)`);
  check((await stored(citizen)) === 0, "nothing stored by the website's page");

  counted = countBytes(citizen);
  // Keyboard only: Tab reaches the button, Enter opens the chat.
  await citizen.keyboard.press("Tab");
  check(await open.evaluate((button) => button === document.activeElement),
    "Tab reaches « Discuter avec nous » first");
  await citizen.keyboard.press("Enter");
  const frame = citizen.frameLocator("iframe[title='Discuter avec nous']");
  const start = frame.getByRole("button", { name: "Démarrer la discussion" });
  await start.waitFor();
  await citizen.waitForLoadState("networkidle");
  figures.open_widget_bytes = counted.bytes;
  // DSFR's stylesheet (51 KB brotli) and two Marianne faces (83 KB) weigh
  // most of it; the frame's own script and page, 5 KB.
  check(counted.bytes < 200 * 1024, `the open widget loads ${counted.bytes} bytes (budget 200 KB)`);
  const chatFrame = () => citizen.frames().find((f) => f.url().includes("/chat/frame.html"));
  check((await stored(chatFrame())) === 0, "opened, still nothing stored before starting");
  check(await frame.getByText(/Attente estimée/).isVisible(), "the expected wait is said before starting");
  check(await frame.getByText(/assistant automatique répond d'abord/).isVisible(),
    "the bot is announced before starting");
  await auditFrame(citizen, "chat-avant");

  await frame.getByLabel(/Votre nom/).fill("Lucie Martin");
  await start.click();
  await frame.getByText(/je ne suis pas une personne/).waitFor();
  await until("started: what resuming needs is kept, in this tab's session only", async () =>
    (await stored(chatFrame())) + (await stored(citizen)) === 1);
  const message = frame.getByLabel("Votre message");
  await message.fill("j'ai perdu mon pasport");
  await message.press("Enter");
  await frame.getByRole("link", { name: /Passeport : demande et renouvellement/ }).waitFor();
  await frame.getByText("remis").first().waitFor();
  await auditFrame(citizen, "chat-robot-repond");
  await frame.getByRole("button", { name: "Non" }).click();
  await frame.getByText(/reformuler/).waitFor();

  // A person: the agent is offered it, and reads the bot's part.
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
  const agent = await agentContext.newPage();
  await agent.goto(`${base}/`);
  await agent.getByLabel("Identifiant").fill("agent1");
  await agent.getByLabel("Mot de passe").fill(users.agent1[1]);
  await agent.getByRole("button", { name: "Se connecter" }).click();
  await agent.getByRole("button", { name: "Disponible", exact: true }).click();
  const asked = Date.now();
  await frame.getByRole("button", { name: "Parler à un conseiller" }).click();
  await frame.getByText(/En attente d'un conseiller : position 1/).waitFor();
  await auditFrame(citizen, "chat-en-attente");
  await agent.locator(".guichet-offer").waitFor();
  figures.handover_to_offer_ms = Date.now() - asked;
  await agent.getByRole("button", { name: "Accepter" }).click();
  await frame.getByText("Un conseiller vous répond.").waitFor();
  await agent.locator(".guichet-thread__bot", { hasText: "je ne suis pas une personne" }).waitFor();
  await agent.locator(".guichet-thread__citizen", { hasText: "pasport" }).waitFor();

  // The agent types: the citizen sees it; the answer comes.
  const reply = agent.getByRole("textbox", { name: "Votre réponse" });
  await reply.click();
  await agent.keyboard.type("Bonjour Lucie, ");
  await frame.getByText("Le conseiller écrit…").waitFor();
  await agent.keyboard.type("avez-vous déclaré la perte ?");
  const sent = Date.now();
  await agent.keyboard.press("Enter");
  await frame.getByText("Bonjour Lucie, avez-vous déclaré la perte ?").waitFor();
  figures.agent_reply_to_citizen_ms = Date.now() - sent;
  await message.fill("Oui, au commissariat hier.");
  await message.press("Enter");
  await agent.locator(".guichet-thread__citizen", { hasText: "au commissariat" }).waitFor();
  await frame.getByText(/ · lu$/).first().waitFor({ timeout: 5000 });
  check(!(await frame.getByRole("button", { name: "Parler à un conseiller" }).isVisible()),
    "with an advisor, « Parler à un conseiller » is gone");
  check(!(await frame.getByRole("button", { name: "Nouvelle discussion" }).isVisible()),
    "and « Nouvelle discussion » waits for the end");
  await auditFrame(citizen, "chat-avec-conseiller");

  // Files: a Word document refused for its type, then one that says it is
  // a PDF but is not (the service reads the content), then a photo the
  // agent downloads.
  const attach = frame.locator("#chat-file");
  await attach.setInputFiles({ name: "lettre.docx", buffer: Buffer.from("504b0304", "hex"),
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
  await frame.getByText("Vous · non envoyé : type de fichier refusé : PDF, JPEG ou PNG seulement").waitFor();
  await attach.setInputFiles({ name: "faux.pdf", buffer: Buffer.from("<html>pas un PDF</html>"),
    mimeType: "application/pdf" });
  await until("a file that lies about its type is refused by the service", async () =>
    (await frame.getByText(/non envoyé : type de fichier refusé/).count()) === 2);
  const photo = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(40_000, 7)]);
  await attach.setInputFiles({ name: "carte grise.png", buffer: photo, mimeType: "image/png" });
  await frame.getByRole("button", { name: "Télécharger carte grise.png" }).waitFor();
  const agentFile = agent.getByRole("button", { name: "Télécharger carte grise.png" });
  await agentFile.waitFor();
  const [agentDownload] = await Promise.all([agent.waitForEvent("download"), agentFile.click()]);
  check(readFileSync(await agentDownload.path()).equals(photo), "the agent downloads the file as sent");
  await auditFrame(citizen, "chat-piece-jointe");

  // A reload: the conversation comes back, nothing twice.
  await citizen.reload();
  await citizen.getByRole("button", { name: "Discuter avec nous" }).click();
  await frame.getByText("Oui, au commissariat hier.").waitFor();
  check(await frame.getByText("Oui, au commissariat hier.").count() === 1, "after a reload: once");
  check(await frame.getByText(/je ne suis pas une personne/).count() === 1, "the greeting once");

  // The network drops while the citizen writes: sent once it is back.
  await context.setOffline(true);
  await frame.getByText(/Connexion perdue/).waitFor({ timeout: 5000 });
  await message.fill("Je joins la déclaration ?");
  await message.press("Enter");
  await frame.getByText("envoi…").waitFor();
  await context.setOffline(false);
  await frame.getByText("Je joins la déclaration ?").waitFor();
  await agent.locator(".guichet-thread__citizen", { hasText: "Je joins la déclaration" }).waitFor({ timeout: 15000 });
  await until("delivered after the network came back", async () =>
    (await frame.getByText("envoi…").count()) === 0, 15000);
  check(await agent.locator(".guichet-thread__citizen", { hasText: "Je joins la déclaration" }).count() === 1,
    "the agent got it once");

  // The citizen ends, and keeps the conversation.
  await frame.getByRole("button", { name: "Terminer la discussion" }).click();
  await frame.getByText("La discussion est terminée.").waitFor();
  await auditFrame(citizen, "chat-terminee");
  const [download] = await Promise.all([
    citizen.waitForEvent("download"),
    frame.getByRole("button", { name: "Télécharger la conversation" }).click(),
  ]);
  const text = readFileSync(await download.path(), "utf8");
  check(/Vous :\nj'ai perdu mon pasport/.test(text) && /Conseiller :\nBonjour Lucie/.test(text),
    "the transcript holds both sides");
  check(errors.length === 0, `no script error on the website: ${errors.join(" | ")}`);

  // Outside the advisors' hours: the bot still answers; asked for a person,
  // it says so, and a message is left for the service instead.
  const night = await citizenPage(context, closed.id);
  await night.goto(night.siteUrl);
  await night.getByRole("button", { name: "Discuter avec nous" }).click();
  const nightFrame = night.frameLocator("iframe[title='Discuter avec nous']");
  await nightFrame.getByText(/La discussion en direct est fermée/).waitFor();
  await nightFrame.getByRole("button", { name: "Démarrer la discussion" }).click();
  await nightFrame.getByRole("button", { name: "Parler à un conseiller" }).click();
  await nightFrame.getByText(/le service est fermé/).waitFor();
  await nightFrame.getByRole("heading", { name: "Laisser un message" }).waitFor();
  await auditFrame(night, "chat-ferme-message");
  await nightFrame.getByRole("button", { name: "Envoyer le message" }).click();
  await nightFrame.getByText("Ce champ est obligatoire.").waitFor();
  await nightFrame.getByLabel(/Votre adresse électronique ou votre numéro/).fill("06 98 76 54 32");
  await nightFrame.locator("textarea[id^=chat-leave-text-]").fill("Pouvez-vous me rappeler demain matin ?");
  await nightFrame.getByRole("button", { name: "Envoyer le message" }).click();
  await nightFrame.getByText(/Message transmis au service/).waitFor();
  await nightFrame.getByText("La discussion est terminée.").waitFor();
  const kept = await api("superviseur", "GET", `/api/v1/interactions?queue_id=${keeper.id}`);
  check(kept.interactions.length === 1 && kept.interactions[0].attributes.contact === "+33698765432",
    `the message is a written request in its queue, its contact kept: ${JSON.stringify(kept.interactions)}`);

  // Another website than the queue lists: the chat is refused there.
  const other = await citizenPage(context, elsewhere.id);
  await other.goto(other.siteUrl);
  const refused = await other.evaluate(async (url) => (await fetch(url)).status,
    `${base}/chat/v1/services/${elsewhere.id}`).catch(() => "blocked");
  check(refused === 403 || refused === "blocked", `a website not listed is refused: ${refused}`);
} catch (e) {
  check(false, `the scenario stopped: ${e.stack ?? e}`);
} finally {
  await browser.close();
  siteServer.close();
  server.kill("SIGTERM");
}
report("web_e2e_chat", figures);
