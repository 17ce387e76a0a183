import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";
import { login, type User } from "../api";
import { useT } from "../i18n";

export function Login({ onLoggedIn }: { onLoggedIn: (user: User) => void }) {
  const { t } = useT();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await login(username.trim(), password);
    setBusy(false);
    if (result.ok) {
      onLoggedIn(result.value);
      return;
    }
    setError(result.error.status === 429 ? t("login.limited") : t("login.failed"));
  };

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-6 fr-col-lg-5">
        <h1>{t("login.title")}</h1>
        <p>{t("login.intro")}</p>
        {error && (
          <Alert severity="error" small description={error} className="fr-mb-3w" role="alert" />
        )}
        <form onSubmit={submit} aria-label={t("login.title")}>
          <Input
            label={t("login.username")}
            nativeInputProps={{
              name: "username",
              autoComplete: "username",
              required: true,
              value: username,
              onChange: (e) => setUsername(e.target.value),
            }}
          />
          <Input
            label={t("login.password")}
            nativeInputProps={{
              name: "password",
              type: "password",
              autoComplete: "current-password",
              required: true,
              value: password,
              onChange: (e) => setPassword(e.target.value),
            }}
          />
          <Button type="submit" disabled={busy} iconId="fr-icon-account-circle-line">
            {t("login.submit")}
          </Button>
        </form>
      </div>
    </div>
  );
}
