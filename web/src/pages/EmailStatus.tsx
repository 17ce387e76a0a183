// The email channel on the supervisor's wallboard: each mailbox's reading
// and sending, up or down and why, the mail waiting to be sent, and the
// mail set aside (a loop, a flood, a machine's, too large, unreadable).
// Nothing shown where no mailbox is set up.
import { useEffect, useState } from "react";
import { client, settle, type Schemas } from "../api";
import { currentLang } from "../i18n";
import { MailboxState } from "./admin/MailboxesPage";
import { useMailT } from "./admin/mailboxTexts";

type Stats = Schemas["EmailStats"];

const RELOAD_MS = 10_000;

// The server's reasons (English, for logs) as a supervisor reads them.
function reasonText(reason: string): string {
  if (currentLang() !== "fr") return reason;
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^automatic mail \(list\)$/, () => "envoi automatique (liste de diffusion)"],
    [/^automatic mail \(auto_reply\)$/, () => "réponse automatique (absence…)"],
    [/^automatic mail/, () => "envoi automatique"],
    [/^a loop/, () => "boucle : envoyé par une boîte que Guichet lit"],
    [/^a flood: more than (\d+)/, (m) => `afflux : plus de ${m[1]} courriers en une heure de cet expéditeur`],
    [/^too large(?:: (.*))?$/, (m) => `trop volumineux${m[1] ? ` (${m[1]})` : ""}`],
    [/^no sender/, () => "sans expéditeur"],
    [/^unreadable/, () => "illisible"],
  ];
  for (const [pattern, say] of rules) {
    const m = pattern.exec(reason);
    if (m) return say(m);
  }
  return reason;
}

export function EmailStatus() {
  const t = useMailT();
  const [stats, setStats] = useState<Stats | null>(null);
  useEffect(() => {
    const load = () =>
      void settle(client.GET("/api/v1/stats/email")).then((result) => result.ok && setStats(result.value));
    load();
    const timer = window.setInterval(load, RELOAD_MS);
    return () => window.clearInterval(timer);
  }, []);
  if (!stats || stats.mailboxes.length === 0) return null;
  const time = (iso: string) =>
    new Date(iso).toLocaleString(currentLang() === "fr" ? "fr-FR" : "en-GB", {
      day: "2-digit",
      month: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
  return (
    <section className="fr-mt-4w" aria-labelledby="email-status">
      <h2 id="email-status" className="fr-h4">
        {t("wall.title")}
      </h2>
      <div className="fr-table fr-table--no-caption">
        <table>
          <caption>{t("wall.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("wall.mailbox")}</th>
              <th scope="col">{t("mail.state")}</th>
              <th scope="col">{t("wall.received")}</th>
              <th scope="col">{t("wall.quarantined")}</th>
            </tr>
          </thead>
          <tbody>
            {stats.mailboxes.map((box) => (
              <tr key={box.id}>
                <th scope="row">
                  {box.name} <span className="fr-text--xs">{box.address}</span>
                </th>
                <td>
                  <MailboxState id={box.id} enabled={box.enabled} stats={stats} />
                  {box.imap && !box.imap.idle && <span className="fr-text--xs"> · {t("wall.polled")}</span>}
                </td>
                <td>{box.imap?.received ?? 0}</td>
                <td>{box.imap?.quarantined ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        {t("wall.outbox")} : <strong>{stats.outbox}</strong>
      </p>
      {stats.quarantine.length > 0 && (
        <details>
          <summary>
            {t("wall.quarantine")} ({stats.quarantine.length})
          </summary>
          <div className="fr-table">
            <table>
              <caption>{t("wall.quarantine")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("wall.at")}</th>
                  <th scope="col">{t("wall.from")}</th>
                  <th scope="col">{t("wall.subject")}</th>
                  <th scope="col">{t("wall.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {stats.quarantine.map((q, i) => (
                  <tr key={`${q.at}-${i}`}>
                    <td>{time(q.at)}</td>
                    <td>{q.from ?? "—"}</td>
                    <td>{q.subject ?? "—"}</td>
                    <td>{reasonText(q.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
