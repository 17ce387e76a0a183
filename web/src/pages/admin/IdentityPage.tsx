// Who runs this Guichet (admins): its name in the brand block, whether it
// is a State service (the "République française" block is theirs alone),
// its logo, and the footer's links.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useState } from "react";
import { client, settle, uploadLogo, type Identity } from "../../api";
import { sayError } from "../../errors";
import { currentLang } from "../../i18n";
import { useIdentity } from "../../identity";
import { FormButtons } from "../../components/formFields";
import { useAdminT, type AdminKey } from "./texts";

const LEVELS = ["non compliant", "partially compliant", "fully compliant"] as const;
const LINKS = [
  ["accessibility_url", "identity.accessibilityUrl"],
  ["legal_notice_url", "identity.legalNoticeUrl"],
  ["personal_data_url", "identity.personalDataUrl"],
] as const;

const FIELD_LABELS: Record<string, AdminKey> = {
  name: "identity.name",
  accessibility: "identity.accessibility",
  accessibility_url: "identity.accessibilityUrl",
  legal_notice_url: "identity.legalNoticeUrl",
  personal_data_url: "identity.personalDataUrl",
};

export function IdentityPage() {
  const t = useAdminT();
  const { identity, reload } = useIdentity();
  const [form, setForm] = useState<Identity>(identity);
  const [dirty, setDirty] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [picker, setPicker] = useState(0); // a new file input after each upload
  useEffect(() => {
    if (!dirty) setForm(identity);
  }, [identity, dirty]);
  const change = (patch: Partial<Identity>) => {
    setForm((current) => ({ ...current, ...patch }));
    setDirty(true);
  };

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaid(null);
    const result = await settle(
      client.PUT("/api/v1/identity", {
        body: {
          name: form.name.trim(),
          state_service: form.state_service,
          accessibility: form.accessibility,
          accessibility_url: form.accessibility_url.trim(),
          legal_notice_url: form.legal_notice_url.trim(),
          personal_data_url: form.personal_data_url.trim(),
        },
      }),
    );
    if (!result.ok) {
      // Said with the field it is about.
      const field = FIELD_LABELS[result.error.field ?? ""];
      const text = sayError(result.error, currentLang());
      setSaid({ ok: false, text: field ? `${t(field)} : ${text}` : text });
      return;
    }
    setDirty(false);
    setSaid({ ok: true, text: t("identity.saved") });
    reload();
  };

  const upload = async () => {
    if (!file) return;
    setSaid(null);
    const result = await uploadLogo(file);
    if (!result.ok) {
      setSaid({ ok: false, text: sayError(result.error, currentLang()) });
      return;
    }
    setFile(null);
    setPicker((n) => n + 1);
    setSaid({ ok: true, text: t("identity.logoSaved") });
    reload();
  };
  const remove = async () => {
    setSaid(null);
    const result = await settle(client.DELETE("/api/v1/identity/logo"));
    if (!result.ok) setSaid({ ok: false, text: sayError(result.error, currentLang()) });
    else {
      setSaid({ ok: true, text: t("identity.logoRemoved") });
      reload();
    }
  };

  return (
    <section aria-labelledby="identity-title">
      <h2 id="identity-title">{t("admin.identity")}</h2>
      <p>{t("identity.intro")}</p>
      {said && (
        <Alert
          severity={said.ok ? "success" : "error"}
          small
          description={said.text}
          className="fr-mb-2w"
        />
      )}
      <form onSubmit={(e) => void save(e)}>
        <Input
          label={t("identity.name")}
          hintText={t("identity.nameHint")}
          nativeInputProps={{
            value: form.name,
            required: true,
            maxLength: 100,
            onChange: (e) => change({ name: e.target.value }),
          }}
        />
        <Checkbox
          options={[
            {
              label: t("identity.state"),
              hintText: t("identity.stateHint"),
              nativeInputProps: {
                name: "state_service",
                checked: form.state_service,
                onChange: (e) => change({ state_service: e.target.checked }),
              },
            },
          ]}
        />
        <Select
          label={t("identity.accessibility")}
          nativeSelectProps={{
            value: form.accessibility,
            onChange: (e) => change({ accessibility: e.target.value as Identity["accessibility"] }),
          }}
        >
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {t(`identity.accessibility.${level}` as AdminKey)}
            </option>
          ))}
        </Select>
        {LINKS.map(([field, label]) => (
          <Input
            key={field}
            label={t(label)}
            hintText={t("identity.urlHint")}
            nativeInputProps={{
              value: form[field],
              maxLength: 500,
              inputMode: "url",
              onChange: (e) => change({ [field]: e.target.value }),
            }}
          />
        ))}
        <FormButtons dirty={dirty} />
      </form>

      <h3 className="fr-h5 fr-mt-4w">{t("identity.logo")}</h3>
      {identity.logo_url && (
        <figure className="fr-mb-2w">
          <img src={identity.logo_url} alt={identity.name} className="guichet-logo-preview" />
          <figcaption className="fr-text--xs">{t("identity.logoCurrent")}</figcaption>
        </figure>
      )}
      <div className="fr-upload-group fr-mb-2w">
        <label className="fr-label" htmlFor="identity-logo">
          {t("identity.logo")}
          <span className="fr-hint-text">{t("identity.logoHint")}</span>
        </label>
        <input
          key={picker}
          id="identity-logo"
          className="fr-upload"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <div className="fr-btns-group fr-btns-group--inline-sm">
        <Button priority="secondary" disabled={!file} onClick={() => void upload()}>
          {t("identity.logoUpload")}
        </Button>
        {identity.logo_url && (
          <Button priority="tertiary" onClick={() => void remove()}>
            {t("identity.logoRemove")}
          </Button>
        )}
      </div>
    </section>
  );
}
