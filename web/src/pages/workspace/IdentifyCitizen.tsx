// An unidentified citizen (a caller whose number is not known, a chat
// without a name) searched, created or linked from the desk: the 360° view
// and the next contacts follow. It was a dead end.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useId, useState } from "react";
import { client, settle, type Citizen, type Interaction } from "../../api";
import { sayError } from "../../errors";
import { currentLang, useT } from "../../i18n";

// A caller's number as the voice channel gives it ("+33612345678",
// "sip:0612345678@…"): a phone number to suggest, or nothing.
function callerNumber(item: Interaction): string {
  const caller = (item.attributes.caller ?? "").replace(/^sips?:/, "").split("@")[0];
  return /^\+?[0-9][0-9 .-]{5,}$/.test(caller) ? caller : "";
}

export function IdentifyCitizen({
  item,
  onIdentified,
}: {
  item: Interaction;
  onIdentified: (citizen: Citizen) => void;
}) {
  const { t } = useT();
  const id = useId();
  const [query, setQuery] = useState(callerNumber(item));
  const [found, setFound] = useState<Citizen[] | null>(null);
  const [name, setName] = useState(item.attributes.caller_name ?? "");
  const [phone, setPhone] = useState(callerNumber(item));
  const [email, setEmail] = useState(item.attributes.email ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Created, not yet linked (the link refused, a network cut): a second try
  // links this one instead of creating a duplicate.
  const [created, setCreated] = useState<Citizen | null>(null);

  const search = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    const q = query.trim();
    if (!q) return;
    const result = await settle(client.GET("/api/v1/citizens", { params: { query: { q } } }));
    if (result.ok) setFound(result.value);
    else setError(sayError(result.error, currentLang()));
  };

  const link = async (citizen: Citizen) => {
    setError(null);
    setBusy(true);
    const result = await settle(
      client.POST("/api/v1/interactions/{id}/citizen", {
        params: { path: { id: item.id } },
        body: { citizen_id: citizen.id },
      }),
    );
    setBusy(false);
    if (result.ok) onIdentified(citizen);
    else setError(sayError(result.error, currentLang()));
  };

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    const contacts = [
      ...(phone.trim() ? [{ kind: "phone" as const, value: phone.trim() }] : []),
      ...(email.trim() ? [{ kind: "email" as const, value: email.trim() }] : []),
    ];
    if (created) return link(created);
    setBusy(true);
    const made = await settle(
      client.POST("/api/v1/citizens", { body: { name: name.trim(), contacts } }),
    );
    setBusy(false);
    if (!made.ok) {
      setError(sayError(made.error, currentLang()));
      return;
    }
    setCreated(made.value);
    await link(made.value);
  };

  return (
    <section className="fr-mt-2w" aria-labelledby={`${id}-title`}>
      <h5 id={`${id}-title`} className="fr-text--md fr-mb-1w">
        {t("identify.title")}
      </h5>
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      <form role="search" onSubmit={(e) => void search(e)} aria-label={t("identify.find")}>
        <Input
          label={t("identify.search")}
          hintText={t("identify.searchHint")}
          nativeInputProps={{
            type: "search",
            value: query,
            maxLength: 100,
            required: true,
            onChange: (e) => setQuery(e.target.value),
          }}
        />
        <Button type="submit" priority="secondary" iconId="fr-icon-search-line" iconPosition="left">
          {t("identify.find")}
        </Button>
      </form>
      {/* Always there (a live region that appears with its text is not
          read): says what the search found. */}
      <p role="status" className="fr-sr-only">
        {found === null ? "" : found.length === 0 ? t("identify.none") : `${t("identify.results")} : ${found.length}`}
      </p>
      {found !== null &&
        (found.length === 0 ? (
          <p className="fr-text--sm fr-mt-1w">{t("identify.none")}</p>
        ) : (
          <ul className="guichet-found fr-mt-1w" aria-label={t("identify.results")}>
            {found.map((c) => (
              <li key={c.id}>
                <span id={`${id}-c${c.id}`}>
                  <strong>{c.name}</strong>
                  {c.contacts.length > 0 && ` — ${c.contacts.map((x) => x.value).join(", ")}`}
                </span>{" "}
                <Button
                  size="small"
                  priority="tertiary"
                  disabled={busy}
                  nativeButtonProps={{ "aria-describedby": `${id}-c${c.id}` }}
                  onClick={() => void link(c)}
                >
                  {t("identify.link")}
                </Button>
              </li>
            ))}
          </ul>
        ))}
      <form className="fr-mt-2w" onSubmit={(e) => void create(e)} aria-labelledby={`${id}-new`}>
        <p id={`${id}-new`} className="fr-text--sm fr-text--bold fr-mb-1w">
          {t("identify.createTitle")}
        </p>
        <Input
          label={t("identify.name")}
          nativeInputProps={{
            value: name,
            required: true,
            maxLength: 200,
            autoComplete: "off",
            onChange: (e) => setName(e.target.value),
          }}
        />
        <Input
          label={t("identify.phone")}
          nativeInputProps={{
            type: "tel",
            value: phone,
            autoComplete: "off",
            onChange: (e) => setPhone(e.target.value),
          }}
        />
        <Input
          label={t("identify.email")}
          nativeInputProps={{
            type: "email",
            value: email,
            autoComplete: "off",
            onChange: (e) => setEmail(e.target.value),
          }}
        />
        <Button type="submit" priority="secondary" disabled={busy}>
          {t("identify.create")}
        </Button>
      </form>
    </section>
  );
}
