// The agent's notes while handling an interaction, apart from the wrap-up
// note: what the citizen said on the phone, what to check, kept in the
// timeline and the citizen's 360° view, sent to nobody.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";
import { client, settle, type Interaction, type TimelineEvent } from "../../api";
import { sayError } from "../../errors";
import { currentLang, useT } from "../../i18n";

export function Notes({
  item,
  notes,
  onAdded,
}: {
  item: Interaction;
  notes: TimelineEvent[];
  onAdded: () => void;
}) {
  const { t } = useT();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false); // a second click posts nothing twice

  const add = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    const note = text.trim();
    if (!note || sending) return;
    setSending(true);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/notes", {
        params: { path: { id: item.id } },
        body: { note },
      }),
    );
    setSending(false);
    if (!result.ok) {
      setError(sayError(result.error, currentLang()));
      return;
    }
    setText("");
    onAdded(); // durable once answered: the timeline read again has it
  };

  return (
    <section className="fr-mt-2w" aria-labelledby={`notes-${item.id}`}>
      <h4 id={`notes-${item.id}`} className="fr-h6">
        {t("notes.title")}
      </h4>
      {notes.length === 0 ? (
        <p className="fr-text--sm">{t("notes.empty")}</p>
      ) : (
        <ul className="guichet-notes">
          {notes.map((n) => (
            <li key={n.sequence}>
              <span className="fr-text--xs">
                {new Date(n.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
              </span>{" "}
              {String(n.data.note ?? "")}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)} aria-labelledby={`notes-${item.id}`}>
        {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
        <Input
          label={t("notes.label")}
          hintText={t("notes.hint")}
          textArea
          nativeTextAreaProps={{
            value: text,
            rows: 2,
            maxLength: 4000,
            onChange: (e) => setText(e.target.value),
          }}
        />
        <Button type="submit" priority="secondary" iconId="fr-icon-edit-line" iconPosition="left">
          {t("notes.add")}
        </Button>
      </form>
    </section>
  );
}
