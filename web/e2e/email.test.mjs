// End to end, email as an administrator, an agent and a supervisor live it,
// against a real Dovecot and Postfix on loopback
// (tests/channels/email/mailservers.sh): the administrator adds the town
// hall's mailbox in the form, the connection test names a wrong password in
// French, then signs in; a citizen's mail with a PDF reaches the agent's
// desk with its subject and file; the agent answers from the desk, keyboard
// only, and the citizen's mailbox gets the reply; the supervisor's
// wallboard shows the mailbox reading and the mail set aside. axe on each.
//
//   node web/e2e/email.test.mjs --guichet build/src/cli/guichet --out build/web-e2e-email
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { startMailServers } from "../../tests/channels/email/mailservers.mjs";
import { checker, flags, launchChromium, startGuichet } from "./support.mjs";

const args = flags();
if (!args.guichet) {
  console.error("usage: email.test.mjs --guichet PATH [--out DIR]");
  process.exit(2);
}
const { check, audit, until, report } = checker(args.out ?? "web-e2e-email");
const figures = {};
const servers = startMailServers();
const { ports, sendMail, inbox, subjectOf, citizenMail, htmlMail } = servers;
const users = {
  admin: ["admin", "admin-password-1234"],
  superviseur: ["supervisor", "superviseur-password-1"],
  agent1: ["agent", "agent1-password-123"],
};
const { base, api } = await startGuichet(args.guichet, users, ["--mail-ca", ports.ca]);
const ids = Object.fromEntries((await api("admin", "GET", "/api/v1/users")).users.map((u) => [u.username, u.id]));
// Answers promised the same day: the request is at risk on the wallboard.
await api("superviseur", "POST", "/api/v1/queues", { name: "courriels", channel: "email", answer_within_days: 0 });
await api("superviseur", "PUT", `/api/v1/agents/${ids.agent1}`, { capacity: { email: 2 } });

const browser = await launchChromium(chromium);
async function logIn(user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel("Identifiant").fill(user);
  await page.getByLabel("Mot de passe").fill(users[user][1]);
  await page.getByRole("button", { name: "Se connecter" }).click();
  return page;
}

// ---- the administrator adds the mailbox -------------------------------------
const admin = await logIn("admin");
await admin.getByRole("link", { name: "Administration" }).first().click();
await admin.getByRole("link", { name: "Boîtes aux lettres", exact: true }).click();
await admin.getByRole("button", { name: "Ajouter une boîte" }).click();
await admin.getByLabel("Nom", { exact: true }).fill("Accueil");
await admin.getByLabel(/Adresse du service/).fill("accueil@mairie.test");
await admin.getByLabel(/Nom de l'expéditeur/).fill("Mairie de Saint-Exemple");
await admin.getByLabel(/File des demandes/).selectOption({ label: "courriels" });
await admin.getByLabel(/Adresse du serveur IMAP/).fill(`imaps://127.0.0.1:${ports.imaps}/INBOX`);
await admin.getByLabel("Identifiant").first().fill("accueil@mairie.test");
await admin.getByLabel(/Mot de passe/).first().fill("pas-le-bon");
await admin.getByLabel(/Adresse du serveur SMTP/).fill(`smtp://127.0.0.1:${ports.submission}`);
await admin.getByLabel("Identifiant").nth(1).fill("accueil@mairie.test");
await admin.getByLabel(/Mot de passe/).nth(1).fill("secret");
await admin.getByLabel(/Signature/).fill("Accueil de la mairie – 01 23 45 67 89");
await admin.getByRole("button", { name: "Tester la connexion" }).click();
await admin.getByText("Le serveur refuse cet identifiant ou ce mot de passe.").waitFor();
check(await admin.getByText("Connexion réussie.").count() === 1, "the SMTP server signs in, the IMAP one is said refused");
await audit(admin, "admin-boite-test-refuse");
await admin.getByLabel(/Mot de passe/).first().fill("secret");
await admin.getByRole("button", { name: "Tester la connexion" }).click();
await until("both servers sign in", async () => (await admin.getByText("Connexion réussie.").count()) === 2, 15000);
await admin.getByRole("button", { name: "Enregistrer" }).click();
await admin.getByText("Reçoit").first().waitFor({ timeout: 20000 });
await audit(admin, "admin-boites");
const kept = await api("admin", "GET", "/api/v1/mailboxes");
check(kept.length === 1 && kept[0].imap_password_set && !JSON.stringify(kept).includes("secret\""),
  "the mailbox is kept, its passwords written only");

// ---- a citizen writes; the agent answers from the desk ------------------------
const agent = await logIn("agent1");
await agent.getByRole("button", { name: "Disponible", exact: true }).click();
const pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const sentAt = Date.now();
sendMail("lucie.martin@exemple.fr", "accueil@mairie.test", citizenMail({
  from: "lucie.martin@exemple.fr", name: "Lucie Martin", subject: "Demande d'acte de naissance",
  text: "Bonjour,\nje voudrais une copie intégrale de mon acte de naissance.", id: "lucie-ui@exemple.fr",
  parts: [{ name: "livret de famille.pdf", type: "application/pdf", content: pdf }] }));
await agent.getByText("Demande d'acte de naissance").first().waitFor({ timeout: 20000 });
figures.mail_to_desk_ms = Date.now() - sentAt;
await agent.locator(".guichet-thread__citizen", { hasText: "copie intégrale" }).waitFor();
check(await agent.getByRole("button", { name: /livret de famille\.pdf/ }).count() === 1, "the PDF is offered on the desk");
const tab = await agent.locator("[data-interaction]", { hasText: "Courriel" }).first().textContent();
check(/réponse promise le \S+ \d\d\/\d\d \(reste (\d+ min|\d+ h \d\d)\)/.test(tab),
  `the desk shows the date promised and the time left (${tab})`);
await audit(agent, "bureau-courriel");
// A form joined to the reply, chosen as in any file dialog.
await agent.getByLabel(/Joindre des fichiers à la réponse/).setInputFiles({ name: "formulaire cerfa.pdf",
  mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% formulaire\n%%EOF\n") });
await agent.getByRole("button", { name: /Retirer formulaire cerfa\.pdf/ }).waitFor();
const reply = agent.getByRole("textbox", { name: "Votre réponse" });
await reply.focus();
await agent.keyboard.type("Bonjour Madame Martin, votre acte part aujourd'hui par courrier.");
const replyAt = Date.now();
await agent.keyboard.press("Enter");
await until("the reply in the citizen's mailbox", () =>
  inbox("lucie.martin@exemple.fr").some((m) => subjectOf(m).startsWith("Re: Demande d'acte")), 15000);
figures.desk_reply_to_mailbox_ms = Date.now() - replyAt;
const received = inbox("lucie.martin@exemple.fr").find((m) => subjectOf(m).startsWith("Re: Demande d'acte"));
check(received?.headers["in-reply-to"] === "<lucie-ui@exemple.fr>" && received.body.includes("part aujourd'hui"),
  "the reply is threaded and says what the agent typed");
check(/filename\*?=[^\n]*formulaire/.test(received?.raw ?? "") &&
  (received?.raw ?? "").includes(Buffer.from("%PDF-1.4\n% formulaire\n%%EOF\n").toString("base64").slice(0, 30)),
  "the file the agent joined goes with it");
check(await agent.getByRole("button", { name: /Retirer formulaire/ }).count() === 0, "sent, the reply's files are cleared");
check(inbox("lucie.martin@exemple.fr").some((m) => subjectOf(m).startsWith("Accusé de réception")),
  "the request was acknowledged");

// ---- the supervisor's wallboard --------------------------------------------------
sendMail("robot@liste.exemple.fr", "accueil@mairie.test", citizenMail({
  from: "robot@liste.exemple.fr", name: "Lettre", subject: "Lettre n° 12", text: "Nouvelles",
  id: "liste-ui@liste.exemple.fr", extra: "List-Id: <infos.liste.exemple.fr>" }));
const supervisor = await logIn("superviseur");
await supervisor.getByRole("link", { name: "Supervision" }).click();
await supervisor.getByRole("heading", { name: "Courriels" }).waitFor({ timeout: 15000 });
await supervisor.getByText("Reçoit").first().waitFor();
await until("the list mail set aside on the wallboard", async () =>
  (await supervisor.getByText(/Courriers mis de côté/).count()) > 0, 20000);
await supervisor.locator("summary", { hasText: /Courriers mis de côté/ }).click();
await supervisor.getByText("envoi automatique (liste de diffusion)").waitFor();
const risk = supervisor.locator("section", { has: supervisor.getByRole("heading", { name: "Demandes écrites à échéance proche" }) });
await risk.waitFor({ timeout: 35000 });
const riskRow = await risk.locator("tbody tr").first().textContent();
check(/GU-\d+Demande d'acte de naissancecourriels.*reste/.test(riskRow),
  `the request due today is on the supervisor's list, with whom and the time left (${riskRow})`);
await audit(supervisor, "tableau-courriels");

// ---- Lucie writes from her work address: the agent checks and joins it ------------
const lucieId = (await api("admin", "GET", "/api/v1/interactions?limit=50")).interactions
  .find((i) => i.attributes.subject === "Demande d'acte de naissance").id;
sendMail("l.martin@travail.fr", "accueil@mairie.test", citizenMail({
  from: "l.martin@travail.fr", name: "Lucie Martin", subject: `Re: Demande d'acte de naissance [GU-${lucieId}]`,
  text: "Je vous écris du travail : c'est bien pour mon mariage.", id: "lucie-work@travail.fr" }));
const workTab = agent.locator("[data-interaction]", { hasText: "Courriel" }).nth(1);
await workTab.waitFor({ timeout: 20000 });
await workTab.click();
const joinButton = agent.getByRole("button", { name: `Rattacher à la demande GU-${lucieId}` });
await joinButton.waitFor();
await agent.getByText(/La demande GU-\d+ est celle de Lucie Martin <lucie\.martin@exemple\.fr>/).waitFor();
const explained = await agent.locator(".fr-callout").textContent();
check(explained.includes("depuis une autre adresse") && !explained.includes("{"), `the agent is told what joining does and whose request it is (${explained})`);
await audit(agent, "bureau-rattacher");
await joinButton.focus();
await agent.keyboard.press("Enter");
await agent.getByText(`Rattaché à la demande GU-${lucieId}`).waitFor({ timeout: 10000 });
const lucieNow = await api("admin", "GET", `/api/v1/interactions/${lucieId}`);
check(lucieNow.timeline.some((e) => e.type === "message" && e.data.text.includes("bien pour mon mariage")),
  "joined from the desk, with the keyboard: her text is in her request");

// ---- an HTML mail: shown formatted, its remote images only when asked -----------
// A tracker on loopback counts who opens the mail.
let trackerHits = 0;
const tracker = createServer((request, response) => {
  trackerHits++;
  response.writeHead(200, { "Content-Type": "image/gif" });
  response.end(Buffer.from("R0lGODlhAQABAAAAACw=", "base64"));
});
await new Promise((resolve) => tracker.listen(0, "127.0.0.1", resolve));
const trackerUrl = `http://127.0.0.1:${tracker.address().port}/open.gif`;
// The joined mail completed from the desk, its wrap-up ended: room for the next.
await agent.getByRole("button", { name: "Terminer" }).click();
const ready = agent.getByRole("button", { name: "Je suis prêt·e" });
if (await ready.isVisible().catch(() => false)) await ready.click();
let dialogs = 0;
agent.on("dialog", (dialog) => { dialogs++; void dialog.dismiss(); });
sendMail("nadia@exemple.fr", "accueil@mairie.test", htmlMail({
  from: "nadia@exemple.fr", name: "Nadia", subject: "Carte d'identité", id: "nadia-ui@exemple.fr",
  html: `<p>Bonjour,</p><p><b>Voici</b> ma demande.</p><img src="${trackerUrl}" alt="suivi">` +
    "<script>alert('lu')</script><img src=x onerror=\"alert(1)\">" }));
await until("the HTML mail on the desk", async () =>
  (await agent.locator("[data-interaction]", { hasText: "Courriel" }).count()) === 2, 20000);
await agent.locator("[data-interaction]", { hasText: "Courriel" }).nth(1).click();
await agent.getByText("Carte d'identité").first().waitFor();
await agent.getByText("Voir le courriel mis en forme").click();
const frame = agent.frameLocator("iframe[title='Voir le courriel mis en forme']");
await frame.locator("b", { hasText: "Voici" }).waitFor({ timeout: 10000 });
await new Promise((r) => setTimeout(r, 500));
check(trackerHits === 0 && dialogs === 0, `shown formatted, nothing run, the tracker not called (${trackerHits}, ${dialogs})`);
await audit(agent, "bureau-courriel-html");
await agent.getByRole("button", { name: "Afficher les images distantes" }).click();
await until("the remote image loaded when asked", async () => trackerHits > 0, 10000);
check(dialogs === 0, "remote images shown on the agent's word, still nothing run");
tracker.close();

await browser.close();
report("email", figures);
