// The citizen's 360° view: contacts, and every interaction on every
// channel with its outcome. Not identified (or not the right one), the
// agent handling it identifies them here.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import { client, settle, type CitizenView, type Interaction } from "../../api";
import { useT, type TextKey } from "../../i18n";
import { IdentifyCitizen } from "./IdentifyCitizen";

export function CitizenPanel({
  item,
  onIdentified,
}: {
  item: Interaction;
  onIdentified: (name: string) => void;
}) {
  const { t } = useT();
  const citizenId = item.citizen_id;
  const [citizen, setCitizen] = useState<CitizenView | null>(null);
  const [identifying, setIdentifying] = useState(false);
  const held = item.phase === "active" || item.phase === "wrapup";
  useEffect(() => {
    setIdentifying(false);
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
            <strong>{citizen.name}</strong>{" "}
            {held && !identifying && (
              <Button size="small" priority="tertiary no outline" onClick={() => setIdentifying(true)}>
                {t("identify.change")}
              </Button>
            )}
          </p>
          <p className="fr-text--sm">
            {t("citizen.contacts")} : {citizen.contacts.map((c) => `${t(`citizen.kind.${c.kind}` as TextKey)} ${c.value}`).join(", ")}
          </p>
          <h5 className="fr-text--md fr-mb-1w">{t("citizen.history")}</h5>
          {/* A list, not a table: beside the conversation the column is
              narrow, and a table scrolled sideways. */}
          <ul className="guichet-found" aria-label={t("citizen.history")}>
            {citizen.interactions.map((i) => (
              <li key={i.id}>
                <strong>{t(`channel.${i.channel}` as TextKey)}</strong> #{i.id} —{" "}
                {new Date(i.enqueued_at).toLocaleString([], { dateStyle: "short", timeStyle: "short" })} —{" "}
                {t(`status.${i.status}` as TextKey)}
                {i.wrapup_code ? ` (${i.wrapup_code})` : ""}
                {i.notes.some((n) => n.note) && (
                  <p className="fr-text--sm fr-mb-0">
                    {i.notes
                      .map((n) => n.note)
                      .filter(Boolean)
                      .join(" · ")}
                  </p>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {held && (!citizenId || identifying) && (
        <IdentifyCitizen
          item={item}
          onIdentified={(c) => {
            setIdentifying(false);
            onIdentified(c.name);
          }}
        />
      )}
    </section>
  );
}
