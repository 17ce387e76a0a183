// End to end, accessible reception (décret 2017-875) as a deaf citizen
// lives it: from the link beside the phone number, the real-time text page
// on its own, used with the keyboard only and at 200 % zoom (a 640 px wide
// window); the website's chat offers the same service. The conversation is
// routed to the agent trained for it (the accessibility skill), not to a
// colleague without it. Each side sees the other's words letter by letter,
// corrections included, before they are sent. axe in each state.
//
//   node web/e2e/rtt.test.mjs --guichet build/src/cli/guichet --out build/web-e2e-rtt
//
// Prints one JSON line of figures and exits 0 when every check passed.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { checker, flags, launchChromium, startGuichet } from "./support.mjs";

const args = flags();
if (!args.guichet) {
  console.error("usage: rtt.test.mjs --guichet PATH [--out DIR]");
  process.exit(2);
}
const out = args.out ?? "web-e2e-rtt";
const { check, audit, until, report } = checker(out);
const axeSource = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const figures = {};
const users = {
  admin: ["admin", "admin-password-1234"],
  superviseur: ["supervisor", "superviseur-password-1"],
  agent1: ["agent", "agent1-password-123"],
  agent2: ["agent", "agent2-password-123"],
};
const { base, server, api } = await startGuichet(args.guichet, users);
const ids = Object.fromEntries(
  (await api("admin", "GET", "/api/v1/users")).users.map((u) => [u.username, u.id]),
);
const skill = await api("superviseur", "POST", "/api/v1/skills", { name: "accessibilite" });
const phone = await api("superviseur", "POST", "/api/v1/queues",
  { name: "accueil-telephonique", channel: "voice", hours: "mon-sun 00:00-23:59" });
const rtt = await api("superviseur", "POST", "/api/v1/queues", {
  name: "texte-temps-reel", channel: "chat", chat_rtt: true, chat_hours_queue_id: phone.id,
  skills: [{ skill_id: skill.id, min_level: 1 }], sl_threshold_s: 60,
});
const website = await api("superviseur", "POST", "/api/v1/queues",
  { name: "chat-site", channel: "chat", chat_rtt_queue_id: rtt.id });
// agent1 is trained for it; agent2, available too, is not.
await api("superviseur", "PUT", `/api/v1/agents/${ids.agent1}`,
  { capacity: { chat: 2 }, skills: [{ skill_id: skill.id, level: 3 }] });
await api("superviseur", "PUT", `/api/v1/agents/${ids.agent2}`, { capacity: { chat: 2 } });
await api("admin", "PUT", "/api/v1/identity", { name: "Mairie de Saint-Exemple", state_service: false });

const browser = await launchChromium(chromium);

async function axeIn(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  for (const v of result.violations) {
    check(false, `axe (${name}): ${v.id} (${v.nodes.length}): ${v.help} — ${
      v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  await audit(page, name);
}

// Nothing cut at 200 % zoom: no scrolling sideways.
const fitsWidth = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

// Tab (at most 12 times) until the focus is on what `selector` finds.
async function tabTo(page, selector) {
  const target = page.locator(selector).first();
  for (let i = 0; i < 12; ++i) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((node) => node === document.activeElement).catch(() => false)) return true;
  }
  return false;
}

async function signIn(context, who) {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel("Identifiant").fill(who);
  await page.getByLabel("Mot de passe").fill(users[who][1]);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("button", { name: "Disponible", exact: true }).click();
  return page;
}

try {
  // The website's chat offers the real-time text service.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
  const widget = await context.newPage();
  await widget.goto(`${base}/chat/frame.html?service=${website.id}`);
  const offered = widget.getByRole("link", { name: /sourd, malentendant ou aphasique/ });
  await offered.waitFor();
  check((await offered.getAttribute("href")).includes(`service=${rtt.id}`),
    "the website's chat links to the real-time text service");
  await widget.close();

  const trained = await signIn(await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" }), "agent1");
  const untrained = await signIn(await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" }), "agent2");

  // The link beside a phone number: the page on its own, at 200 % zoom
  // (1280 × 900 seen at 200 %), keyboard only.
  const zoomed = await browser.newContext({ viewport: { width: 640, height: 450 }, locale: "fr-FR" });
  const citizen = await zoomed.newPage();
  const errors = [];
  citizen.on("pageerror", (e) => errors.push(String(e)));
  await citizen.goto(`${base}/chat/frame.html?service=${rtt.id}`);
  await citizen.getByText(/Texte en temps réel : le conseiller voit/).waitFor();
  check(!(await citizen.getByRole("button", { name: "Fermer" }).isVisible()),
    "a page of its own: no « Fermer » (nothing to close)");
  check(await fitsWidth(citizen), "at 200 % zoom, nothing scrolls sideways (before)");
  await axeIn(citizen, "ttr-avant");
  // Keyboard only: from the heading, Tab reaches the name, then the start
  // button.
  check(await tabTo(citizen, "#chat-name"), "Tab reaches the name");
  await citizen.keyboard.type("Nadia Benali");
  check(await tabTo(citizen, "button[type=submit]"), "Tab reaches « Démarrer la discussion »");
  await citizen.keyboard.press("Enter");
  await citizen.getByText(/En attente d'un conseiller/).waitFor();
  check(await citizen.evaluate(() => document.activeElement?.id === "chat-message"),
    "started, the focus is in the message box");

  // Only the trained agent is offered it.
  await trained.locator(".guichet-offer").waitFor();
  await trained.waitForTimeout(300);
  check((await untrained.locator(".guichet-offer").count()) === 0, "the agent without the skill is not offered it");
  await trained.getByRole("button", { name: "Accepter" }).click();
  await citizen.getByText("Un conseiller vous répond.").waitFor();
  await trained.getByText(/Texte en temps réel : l'usager voit ce que vous tapez/).waitFor();

  // The citizen types: the agent sees each letter, and the correction.
  const draftOnDesk = trained.locator(".guichet-thread__draft p");
  const typed = Date.now();
  await citizen.keyboard.type("B");
  await draftOnDesk.filter({ hasText: /^B$/ }).waitFor();
  figures.citizen_letter_to_agent_ms = Date.now() - typed;
  await citizen.keyboard.type("onjour, je suis sourt");
  await draftOnDesk.filter({ hasText: /je suis sourt$/ }).waitFor();
  await citizen.keyboard.press("Backspace");
  await citizen.keyboard.type("de");
  await draftOnDesk.filter({ hasText: /je suis sourde$/ }).waitFor();
  check(true, "the correction reached the agent before anything was sent");
  await citizen.keyboard.press("Enter");
  await trained.locator(".guichet-thread__citizen:not(.guichet-thread__draft)", { hasText: "Bonjour, je suis sourde" }).waitFor();
  await until("sent, the draft is gone from the desk", async () => (await draftOnDesk.count()) === 0);

  // The agent types: the citizen sees it as it comes, then the message.
  const reply = trained.getByRole("textbox", { name: "Votre réponse" });
  await reply.click();
  const draftOnPage = citizen.locator(".chat-draft .chat-text");
  const answered = Date.now();
  await trained.keyboard.type("B");
  await draftOnPage.filter({ hasText: /^B$/ }).waitFor();
  figures.agent_letter_to_citizen_ms = Date.now() - answered;
  await trained.keyboard.type("onjour Madame, quelle est vptre");
  await draftOnPage.filter({ hasText: /vptre$/ }).waitFor();
  for (let i = 0; i < 5; ++i) await trained.keyboard.press("Backspace");
  await trained.keyboard.type("votre demande ?");
  await draftOnPage.filter({ hasText: /votre demande \?$/ }).waitFor();
  check(await fitsWidth(citizen), "at 200 % zoom, nothing scrolls sideways (during)");
  await axeIn(citizen, "ttr-en-cours");
  await trained.keyboard.press("Enter");
  await citizen.locator(".chat-message--agent:not(.chat-draft)", { hasText: "Bonjour Madame, quelle est votre demande ?" }).waitFor();
  check(await citizen.locator(".chat-draft").isHidden(), "sent, the advisor's draft is gone");

  // A reload mid-sentence: the advisor's draft comes back.
  await reply.click();
  await trained.keyboard.type("Je regarde votre dossier");
  await draftOnPage.filter({ hasText: /votre dossier$/ }).waitFor();
  await citizen.reload();
  await citizen.locator(".chat-draft .chat-text", { hasText: "Je regarde votre dossier" }).waitFor();
  check(true, "after a reload the advisor's draft is there again");

  // The citizen ends it, keyboard only.
  await citizen.getByLabel("Votre message").focus();
  check(await tabTo(citizen, "button:text-is('Terminer la discussion')"),
    "Tab reaches « Terminer la discussion »");
  await citizen.keyboard.press("Enter");
  await citizen.getByText("La discussion est terminée.").waitFor();
  await axeIn(citizen, "ttr-terminee");
  check(errors.length === 0, `no script error: ${errors.join(" | ")}`);

  // The supervisor sees the real-time text hours against the phone line's,
  // and today's coverage by trained agents.
  const supervision = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" })).newPage();
  await supervision.goto(`${base}/`);
  await supervision.getByLabel("Identifiant").fill("superviseur");
  await supervision.getByLabel("Mot de passe").fill(users.superviseur[1]);
  await supervision.getByRole("button", { name: "Se connecter" }).click();
  await supervision.getByRole("link", { name: "Supervision" }).click();
  await supervision.getByRole("heading", { name: "Accueil accessible — texte-temps-reel" }).waitFor();
  const week = supervision.getByRole("table", { name: /Horaires de la semaine/ });
  check((await week.getByRole("row").count()) === 8, "the week's seven days, and the header");
  check((await week.getByRole("cell", { name: "00:00–23:59", exact: true }).count()) === 14,
    "both channels' hours each day, in the service's time zone");
  check(await supervision.getByText("Conseillers formés connectés : 1 sur 1.").isVisible(),
    "the trained agents signed in, of those holding the skill");
  await axeIn(supervision, "supervision-accueil-accessible");

  // Counted apart: its own queue, its own service level.
  const report = await api("superviseur", "GET", "/api/v1/reports/traffic?by=channel");
  const row = report.rows?.find((r) => r.key === "chat:rtt" || r.channel === "chat:rtt");
  check(row && row.offered === 1, `the traffic report counts real-time text apart: ${JSON.stringify(report.rows)}`);
} catch (e) {
  check(false, `the scenario stopped: ${e.stack ?? e}`);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
report("web_e2e_rtt", figures);
