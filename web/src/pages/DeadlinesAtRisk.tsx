// Written requests whose announced answer is due within a day, or overdue,
// on the supervisor's wallboard: which one, where it is (waiting, or with
// whom) and the time left — the ones to hand to someone free. Nothing shown
// when none is at risk.
import { useEffect, useState } from "react";
import { client, settle, type Schemas } from "../api";
import { currentLang } from "../i18n";
import { useMailT } from "./admin/mailboxTexts";

type Interaction = Schemas["Interaction"];

const RELOAD_MS = 30_000;

// "3 h 20", "45 min": the time left as a wallboard reads it at a glance.
export function timeLeft(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")}`;
  return `${Math.floor(hours / 24)} j`;
}

export function DeadlinesAtRisk({
  queueName,
  agentName,
}: {
  queueName: (id: number) => string;
  agentName: (id: number) => string;
}) {
  const t = useMailT();
  const [items, setItems] = useState<Interaction[] | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const load = () =>
      void settle(client.GET("/api/v1/stats/deadlines")).then((result) => {
        if (result.ok) setItems(result.value.interactions);
        setNow(Date.now());
      });
    load();
    const timer = window.setInterval(load, RELOAD_MS);
    return () => window.clearInterval(timer);
  }, []);
  if (!items || items.length === 0) return null;
  const fr = currentLang() === "fr";
  const when = (iso: string) =>
    new Date(iso).toLocaleString(fr ? "fr-FR" : "en-GB", {
      weekday: "short",
      day: "2-digit",
      month: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
  const overdue = items.filter((i) => i.answer_due && Date.parse(i.answer_due) <= now).length;
  return (
    <section className="fr-mt-4w" aria-labelledby="deadlines-at-risk">
      <h2 id="deadlines-at-risk" className="fr-h4">
        {t("risk.title")}
      </h2>
      <p>
        {items.length} {t("risk.count")}
        {overdue > 0 && (
          <>
            {" · "}
            <strong>
              {overdue} {t("risk.overdue_count")}
            </strong>
          </>
        )}
      </p>
      <div className="fr-table fr-table--no-caption">
        <table>
          <caption>{t("risk.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("risk.reference")}</th>
              <th scope="col">{t("wall.subject")}</th>
              <th scope="col">{t("risk.queue")}</th>
              <th scope="col">{t("risk.where")}</th>
              <th scope="col">{t("risk.due")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const due = i.answer_due ? Date.parse(i.answer_due) : now;
              const late = due <= now;
              return (
                <tr key={i.id} data-interaction={i.id}>
                  <th scope="row">GU-{i.id}</th>
                  <td>{i.attributes.subject ?? "—"}</td>
                  <td>{queueName(i.queue_id)}</td>
                  <td>{i.agent_id && i.phase !== "waiting" ? agentName(i.agent_id) : t("risk.waiting")}</td>
                  <td>
                    {i.answer_due ? when(i.answer_due) : "—"}{" "}
                    {late ? (
                      <p className="fr-badge fr-badge--error fr-badge--sm">{t("risk.late")}</p>
                    ) : (
                      <p className="fr-badge fr-badge--warning fr-badge--sm">
                        {t("risk.left")} {timeLeft(due - now)}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
