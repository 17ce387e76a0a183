// The citizen's 360° view: contacts, and every interaction on every
// channel with its outcome.
import { useEffect, useState } from "react";
import { client, settle, type CitizenView } from "../../api";
import { useT, type TextKey } from "../../i18n";

export function CitizenPanel({ citizenId }: { citizenId: number }) {
  const { t } = useT();
  const [citizen, setCitizen] = useState<CitizenView | null>(null);
  useEffect(() => {
    if (!citizenId) return;
    const request = client.GET("/api/v1/citizens/{id}", { params: { path: { id: citizenId } } });
    void settle(request).then((result) => {
      if (result.ok) setCitizen(result.value);
    });
  }, [citizenId]);

  return (
    <section className="fr-mt-3w" aria-labelledby="citizen-title">
      <h4 id="citizen-title" className="fr-h6">
        {t("citizen.title")}
      </h4>
      {!citizenId || !citizen ? (
        <p className="fr-text--sm">{t("citizen.none")}</p>
      ) : (
        <>
          <p>
            <strong>{citizen.name}</strong>
          </p>
          <p className="fr-text--sm">
            {t("citizen.contacts")} : {citizen.contacts.map((c) => `${c.kind} ${c.value}`).join(", ")}
          </p>
          <h5 className="fr-text--md fr-mb-1w">{t("citizen.history")}</h5>
          <div className="fr-table fr-table--bordered">
            <table>
              <caption className="fr-sr-only">{t("citizen.history")}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t("work.enqueued")}</th>
                  <th scope="col">{t("citizen.channel")}</th>
                  <th scope="col">{t("citizen.outcome")}</th>
                  <th scope="col">{t("work.note")}</th>
                </tr>
              </thead>
              <tbody>
                {citizen.interactions.map((i) => (
                  <tr key={i.id}>
                    <td>{i.id}</td>
                    <td>{new Date(i.enqueued_at).toLocaleString()}</td>
                    <td>{t(`channel.${i.channel}` as TextKey)}</td>
                    <td>
                      {t(`status.${i.status}` as TextKey)}
                      {i.wrapup_code ? ` — ${i.wrapup_code}` : ""}
                    </td>
                    <td>{i.notes.map((n) => n.note).filter(Boolean).join(" · ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
