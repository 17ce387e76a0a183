// The service's mailboxes (administrators): where their mail is read and
// sent from, the queue it feeds, the acknowledgement; a connection test
// that says what failed. Passwords are written, never read back.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useCallback, useEffect, useState } from "react";
import { client, settle, type Schemas } from "../../api";
import { AdminTable, RowActions } from "../../components/AdminTable";
import { FeedbackAlert, errorProps, problemFromApi, type Feedback, type Problem } from "../../components/feedback";
import { focusField } from "../../components/focus";
import { FieldGroup, FormButtons, IdSelect, NameInput } from "../../components/formFields";
import { EditorOrAdd, ListPageHead, byName, useListPage } from "../../components/listPage";
import { failureText, useMailT, type MailT } from "./mailboxTexts";
import { useAdminT } from "./texts";

type Mailbox = Schemas["Mailbox"];
type Queue = Schemas["Queue"];
type Stats = Schemas["EmailStats"];
type ServerTest = Schemas["ServerTest"];

const labelsOf = (t: MailT, name: string): Record<string, string> => ({
  name,
  address: t("mail.address"),
  display_name: t("mail.displayName"),
  queue_id: t("mail.queue"),
  imap_url: t("mail.imapUrl"),
  imap_user: t("mail.user"),
  imap_password: t("mail.password"),
  smtp_url: t("mail.smtpUrl"),
  smtp_user: t("mail.user"),
  smtp_password: t("mail.password"),
  signature: t("mail.signature"),
});

// A mailbox's state as the email channel sees it now.
export function MailboxState({ id, enabled, stats }: { id: number; enabled: boolean; stats: Stats | null }) {
  const t = useMailT();
  if (!enabled) return <Badge small>{t("mail.stateOff")}</Badge>;
  const box = stats?.mailboxes.find((m) => m.id === id);
  if (!box?.imap || (!box.imap.up && !box.imap.error)) return <Badge small>{t("mail.stateWaiting")}</Badge>;
  return (
    <>
      {box.imap.up ? (
        <Badge severity="success" small>
          {t("mail.stateUp")}
        </Badge>
      ) : (
        <Badge severity="error" small>
          {t("mail.stateDown")}
        </Badge>
      )}
      {!box.imap.up && <span className="fr-text--xs"> {failureText(box.imap.field, t)}</span>}
      {!box.smtp.up && <span className="fr-text--xs"> · {t("mail.sendingDown")}</span>}
    </>
  );
}

export function MailboxesPage() {
  const t = useMailT();
  const [mailboxes, setMailboxes] = useState<Mailbox[] | null>(null);
  const [queues, setQueues] = useState<Queue[]>([]);
  const [stats, setStats] = useState<Stats | null>(null);

  const load = useCallback(async () => {
    const [boxes, queueList, figures] = await Promise.all([
      settle(client.GET("/api/v1/mailboxes")),
      settle(client.GET("/api/v1/queues")),
      settle(client.GET("/api/v1/stats/email")),
    ]);
    if (boxes.ok) setMailboxes(byName(boxes.value));
    if (queueList.ok) setQueues(byName(queueList.value.filter((q) => q.channel === "email")));
    if (figures.ok) setStats(figures.value);
    return [boxes, queueList];
  }, []);
  // The state moves without the page: read again every 10 s.
  useEffect(() => {
    const timer = window.setInterval(
      () => void settle(client.GET("/api/v1/stats/email")).then((r) => r.ok && setStats(r.value)),
      10_000,
    );
    return () => window.clearInterval(timer);
  }, []);

  const page = useListPage<Mailbox | null>({
    load,
    openerId: (box) => (box ? `mailbox-${box.id}-edit` : "mailbox-add"),
    path: "/api/v1/mailboxes",
  });
  const { editor, open, remove } = page;
  const queueName = (id: number) => queues.find((q) => q.id === id)?.name ?? `#${id}`;

  return (
    <>
      <ListPageHead page={page} heading={t("mail.title")} intro={t("mail.intro")} />
      <EditorOrAdd
        editing={editor.editing}
        id="mailbox-editor"
        title={(box) => (box ? `${t("mail.edit")} — ${box.name}` : t("mail.add"))}
        add={{ id: "mailbox-add", label: t("mail.add"), onClick: () => open(null) }}
      >
        {(box) => <MailboxForm mailbox={box} queues={queues} onSaved={editor.saved} onClose={editor.close} />}
      </EditorOrAdd>
      <AdminTable
        caption={t("mail.caption")}
        columns={[useAdminT()("common.name"), t("mail.address"), t("mail.queue"), t("mail.state"), useAdminT()("common.actions")]}
        items={mailboxes}
        row={(box) => (
          <tr>
            <th scope="row">{box.name}</th>
            <td>{box.address}</td>
            <td>{queueName(box.queue_id)}</td>
            <td>
              <MailboxState id={box.id} enabled={box.enabled !== false} stats={stats} />
            </td>
            <td>
              <RowActions
                idPrefix={`mailbox-${box.id}`}
                name={box.name}
                onEdit={() => open(box)}
                onDelete={() => remove(box)}
              />
            </td>
          </tr>
        )}
      />
    </>
  );
}

function MailboxForm({
  mailbox,
  queues,
  onSaved,
  onClose,
}: {
  mailbox: Mailbox | null;
  queues: Queue[];
  onSaved: (saved: Mailbox) => void;
  onClose: () => void;
}) {
  const t = useMailT();
  const adminT = useAdminT();
  const prefix = "mailbox-editor";
  const [form, setForm] = useState({
    name: mailbox?.name ?? "",
    address: mailbox?.address ?? "",
    display_name: mailbox?.display_name ?? "",
    queue_id: mailbox ? String(mailbox.queue_id) : "",
    imap_url: mailbox?.imap_url ?? "imaps://",
    imap_user: mailbox?.imap_user ?? "",
    imap_password: "",
    smtp_url: mailbox?.smtp_url ?? "smtps://",
    smtp_user: mailbox?.smtp_user ?? "",
    smtp_password: "",
    signature: mailbox?.signature ?? "",
  });
  const [acknowledge, setAcknowledge] = useState(mailbox?.acknowledge ?? true);
  const [importExisting, setImportExisting] = useState(mailbox?.import_existing ?? false);
  const [enabled, setEnabled] = useState(mailbox?.enabled ?? true);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [tested, setTested] = useState<{ imap: ServerTest; smtp: ServerTest } | "testing" | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const refuse = (problem: Problem) => {
    setFeedback({ kind: "error", problem });
    focusField(prefix, problem);
  };
  const servers = () => ({
    imap_url: form.imap_url.trim(),
    imap_user: form.imap_user.trim(),
    smtp_url: form.smtp_url.trim(),
    smtp_user: form.smtp_user.trim(),
    ...(form.imap_password ? { imap_password: form.imap_password } : {}),
    ...(form.smtp_password ? { smtp_password: form.smtp_password } : {}),
  });

  const test = async () => {
    setTested("testing");
    const result = await settle(
      client.POST("/api/v1/mailboxes/test", { body: { ...servers(), ...(mailbox ? { id: mailbox.id } : {}) } }),
    );
    if (!result.ok) {
      setTested(null);
      return refuse(problemFromApi(result.error, adminT));
    }
    setTested(result.value);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    if (!form.name.trim()) return refuse({ field: "name", message: adminT("error.required") });
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.address.trim()))
      return refuse({ field: "address", message: t("mail.addressHint") });
    if (!form.queue_id) return refuse({ field: "queue_id", message: adminT("error.required") });
    const body: Schemas["MailboxInput"] = {
      name: form.name.trim(),
      address: form.address.trim(),
      ...(form.display_name.trim() ? { display_name: form.display_name.trim() } : {}),
      queue_id: Number(form.queue_id),
      ...servers(),
      ...(form.signature.trim() ? { signature: form.signature.trim() } : {}),
      acknowledge,
      import_existing: importExisting,
      enabled,
    };
    setBusy(true);
    const result = await settle(
      mailbox
        ? client.PUT("/api/v1/mailboxes/{id}", { params: { path: { id: mailbox.id } }, body })
        : client.POST("/api/v1/mailboxes", { body }),
    );
    setBusy(false);
    if (!result.ok) return refuse(problemFromApi(result.error, adminT));
    setForm((f) => ({ ...f, imap_password: "", smtp_password: "" }));
    setFeedback({ kind: "success", text: adminT("common.saved") });
    onSaved(result.value);
  };

  const text = (key: keyof typeof form, label: string, hint?: string, type = "text", autoComplete = "off") => (
    <Input
      label={label}
      hintText={hint}
      {...errorProps(feedback, key)}
      nativeInputProps={{
        id: `${prefix}-${key}`,
        name: key,
        type,
        autoComplete,
        spellCheck: false,
        value: form[key],
        onChange: (e) => set(key)(e.target.value),
      }}
    />
  );
  const passwordHint = (set: boolean | undefined) => (set ? t("mail.passwordKept") : t("mail.passwordNone"));
  const testResult = (label: string, result: ServerTest) => (
    <li>
      {label} :{" "}
      {result.ok ? (
        <Badge severity="success" small>
          {t("mail.testOk")}
        </Badge>
      ) : (
        <>
          <Badge severity="error" small>
            {t("mail.stateDown")}
          </Badge>{" "}
          {failureText(result.field, t)}
        </>
      )}
    </li>
  );

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labelsOf(t, adminT("common.name"))} />
      <NameInput id={`${prefix}-name`} {...errorProps(feedback, "name")} value={form.name} onChange={set("name")} />
      {text("address", t("mail.address"), t("mail.addressHint"), "email")}
      {text("display_name", t("mail.displayName"), t("mail.displayNameHint"))}
      <IdSelect
        id={`${prefix}-queue_id`}
        name="queue_id"
        label={t("mail.queue")}
        hint={t("mail.queueHint")}
        placeholder={t("mail.queuePick")}
        items={queues}
        value={form.queue_id}
        onChange={set("queue_id")}
        {...errorProps(feedback, "queue_id")}
      />
      <FieldGroup legend={t("mail.imap")}>
        {/* One field a line: a fieldset's bare children sit side by side. */}
        <div className="fr-fieldset__element">{text("imap_url", t("mail.imapUrl"), t("mail.imapUrlHint"), "url")}</div>
        <div className="fr-fieldset__element">{text("imap_user", t("mail.user"))}</div>
        <div className="fr-fieldset__element">
          {text("imap_password", t("mail.password"), passwordHint(mailbox?.imap_password_set), "password", "new-password")}
        </div>
      </FieldGroup>
      <FieldGroup legend={t("mail.smtp")}>
        <div className="fr-fieldset__element">{text("smtp_url", t("mail.smtpUrl"), t("mail.smtpUrlHint"), "url")}</div>
        <div className="fr-fieldset__element">{text("smtp_user", t("mail.user"))}</div>
        <div className="fr-fieldset__element">
          {text("smtp_password", t("mail.password"), passwordHint(mailbox?.smtp_password_set), "password", "new-password")}
        </div>
      </FieldGroup>
      <div className="fr-mb-3w">
        <Button type="button" priority="secondary" onClick={() => void test()} disabled={tested === "testing"}>
          {t("mail.test")}
        </Button>
        <div aria-live="polite">
          {tested === "testing" && <p className="fr-mt-1w">{t("mail.testing")}</p>}
          {tested && tested !== "testing" && (
            <ul className="fr-mt-1w">
              {testResult(t("mail.imap"), tested.imap)}
              {testResult(t("mail.smtp"), tested.smtp)}
            </ul>
          )}
        </div>
      </div>
      <Input
        textArea
        label={t("mail.signature")}
        hintText={t("mail.signatureHint")}
        {...errorProps(feedback, "signature")}
        nativeTextAreaProps={{
          id: `${prefix}-signature`,
          name: "signature",
          rows: 4,
          value: form.signature,
          onChange: (e) => set("signature")(e.target.value),
        }}
      />
      <Checkbox
        legend={t("mail.options")}
        options={[
          {
            label: t("mail.acknowledge"),
            hintText: t("mail.acknowledgeHint"),
            nativeInputProps: { name: "acknowledge", checked: acknowledge, onChange: (e) => setAcknowledge(e.target.checked) },
          },
          {
            label: t("mail.importExisting"),
            hintText: t("mail.importExistingHint"),
            nativeInputProps: {
              name: "import_existing",
              checked: importExisting,
              onChange: (e) => setImportExisting(e.target.checked),
            },
          },
          {
            label: t("mail.enabled"),
            nativeInputProps: { name: "enabled", checked: enabled, onChange: (e) => setEnabled(e.target.checked) },
          },
        ]}
      />
      {queues.length === 0 && <Alert severity="info" small description={t("mail.queueHint")} className="fr-mb-2w" />}
      <FormButtons onClose={onClose} />
    </form>
  );
}
