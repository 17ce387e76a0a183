// A mail quoting another sender's request (attribute claims_thread): the
// agent checks it is the same person and the same case — whose request it
// is and what about, as the server says — then joins it there: its text
// and files go to that request, the sender's later mails too. Until then
// it is a request of its own: nothing is joined by itself.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import { client, settle, type Interaction, type TimelineEvent } from "../../api";
import { sayError } from "../../errors";
import { currentLang, useT } from "../../i18n";

type Claimed = { thread_id: number; name: string; address: string; subject: string; joined: boolean };

export function JoinThread({
  item,
  timeline,
  onJoined,
}: {
  item: Interaction;
  timeline: TimelineEvent[];
  onJoined: () => void;
}) {
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [claimed, setClaimed] = useState<Claimed | null>(null);
  const claims = item.attributes.claims_thread;
  const shown = item.channel === "email" && !!claims && item.phase === "active";
  useEffect(() => {
    if (!shown) return;
    void settle(
      client.GET("/api/v1/interactions/{id}/join-thread", { params: { path: { id: item.id } } }),
    ).then((result) => result.ok && setClaimed(result.value));
  }, [shown, item.id]);
  if (!shown) return null;
  const joined = timeline.some((e) => e.type === "joined_thread");
  const reference = `GU-${claims}`;
  if (joined) {
    return (
      <Alert
        severity="success"
        small
        className="fr-mb-2w"
        description={t("join.done").replaceAll("{ref}", reference)}
      />
    );
  }
  const join = async () => {
    setBusy(true);
    setError(null);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/join-thread", { params: { path: { id: item.id } } }),
    );
    setBusy(false);
    if (!result.ok) {
      setError(sayError(result.error, currentLang()));
      return;
    }
    onJoined();
  };
  return (
    <div className="fr-callout fr-mb-2w">
      <p className="fr-callout__text">{t("join.explain").replaceAll("{ref}", reference)}</p>
      {claimed && (
        <p className="fr-text--sm">
          {t("join.whose")
            .replace("{ref}", reference)
            .replace("{who}", claimed.name ? `${claimed.name} <${claimed.address}>` : claimed.address)
            .replace("{subject}", claimed.subject || "—")}
        </p>
      )}
      {error && <Alert severity="error" small description={error} className="fr-mb-1w" />}
      <Button
        priority="secondary"
        iconId="fr-icon-links-line"
        iconPosition="left"
        disabled={busy}
        onClick={() => void join()}
      >
        {t("join.button").replaceAll("{ref}", reference)}
      </Button>
    </div>
  );
}
