// User accounts (administrators only): the list, a change of display name,
// role or password (which ends the user's sessions), and the form to add one.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type Dispatch,
  type SetStateAction,
} from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { client, settle, type Role, type User } from "../../api";
import { AdminTable } from "../../components/AdminTable";
import {
  FeedbackAlert,
  errorProps,
  problemFromApi,
  type Feedback,
  type Problem,
} from "../../components/feedback";
import { focusField, focusLater } from "../../components/focus";
import { FormButtons } from "../../components/formFields";
import { fill, useAdminT, type AdminT } from "./texts";
import { sayError } from "../../errors";
import { currentLang } from "../../i18n";

const ROLES: Role[] = ["agent", "supervisor", "admin"];
const PREFIX = "user-add";
const MIN_PASSWORD = 12;

const labelsOf = (t: AdminT): Record<string, string> => ({
  username: t("users.username"),
  display_name: t("users.displayName"),
  role: t("users.role"),
  password: t("users.password"),
});

export function UsersPage() {
  const t = useAdminT();
  const [users, setUsers] = useState<User[] | null>(null);
  const [loadFeedback, setLoadFeedback] = useState<Feedback>(null);
  const [editing, setEditing] = useState<User | null>(null);

  const reload = useCallback(async () => {
    const result = await settle(client.GET("/api/v1/users"));
    if (result.ok) {
      setUsers(
        [...result.value.users].sort((a, b) => a.username.localeCompare(b.username, "fr")),
      );
    } else {
      setLoadFeedback({ kind: "error", problem: problemFromApi(result.error, t, false) });
    }
  }, [t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <>
      <h2 className="fr-h3">{t("admin.users")}</h2>
      <p>{t("users.intro")}</p>
      <FeedbackAlert feedback={loadFeedback} />
      <AdminTable
        caption={t("users.caption")}
        columns={[
          t("users.username"),
          t("users.displayName"),
          t("users.role"),
          t("common.actions"),
        ]}
        items={users}
        row={(u) => (
          <tr>
            <th scope="row">{u.username}</th>
            <td>{u.display_name}</td>
            <td>{ROLES.includes(u.role) ? t(`role.${u.role}`) : u.role}</td>
            <td>
              <Button
                size="small"
                priority="secondary"
                type="button"
                onClick={() => setEditing(u)}
                nativeButtonProps={{ "aria-label": `${t("common.edit")} — ${u.username}` }}
              >
                {t("common.edit")}
              </Button>
            </td>
          </tr>
        )}
      />

      {editing && (
        <EditUserForm
          key={editing.id}
          user={editing}
          onClose={() => setEditing(null)}
          onSaved={() => void reload()}
        />
      )}

      <section aria-labelledby="user-add-title" className="fr-mt-4w">
        <h3 id="user-add-title" className="fr-h5">
          {t("users.add")}
        </h3>
        <AddUserForm onAdded={() => void reload()} />
      </section>
    </>
  );
}

function AddUserForm({ onAdded }: { onAdded: () => void }) {
  const t = useAdminT();
  const [username, setUsername] = useState("");
  const [fields, setFields] = useState<UserFieldValues>(EMPTY_FIELDS);
  const { displayName, role, password } = fields;
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);

  const refuse = (problem: Problem) => {
    setFeedback({ kind: "error", problem });
    focusField(PREFIX, problem);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    if (!username.trim()) return refuse({ field: "username", message: t("error.required") });
    if (password.length < MIN_PASSWORD) {
      return refuse({ field: "password", message: t("error.passwordShort") });
    }
    setBusy(true);
    const result = await settle(
      client.POST("/api/v1/users", {
        body: {
          username: username.trim(),
          ...(displayName.trim() ? { display_name: displayName.trim() } : {}),
          role,
          password,
        },
      }),
    );
    setBusy(false);
    if (!result.ok) return refuse(problemFromApi(result.error, t));
    setFeedback({
      kind: "success",
      text: fill(t("common.added"), { name: result.value.username }),
    });
    setUsername("");
    setFields(EMPTY_FIELDS);
    focusLater(`${PREFIX}-username`);
    onAdded();
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labelsOf(t)} />
      <div className="guichet-grid fr-px-0">
        <Input
          label={t("users.username")}
          hintText={t("users.usernameHint")}
          {...errorProps(feedback, "username")}
          nativeInputProps={{
            id: `${PREFIX}-username`,
            name: "username",
            required: true,
            maxLength: 64,
            // As the server checks it (valid_username): said before sending.
            pattern: "[a-z0-9._\\-]{1,64}",
            autoComplete: "off",
            autoCapitalize: "none",
            spellCheck: false,
            value: username,
            onChange: (e) => setUsername(e.target.value),
          }}
        />
        <UserFields
          idPrefix={PREFIX}
          feedback={feedback}
          displayNameHint={t("common.optional")}
          passwordLabel={t("users.password")}
          passwordHint={t("users.passwordHint")}
          passwordRequired
          values={fields}
          onChange={setFields}
        />
      </div>
      <Button type="submit">{t("users.add")}</Button>
    </form>
  );
}

// Display name, role, and optionally a new password. A new role or password
// logs the user out everywhere (the server ends their sessions).
function EditUserForm({
  user,
  onClose,
  onSaved,
}: {
  user: User;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useAdminT();
  const [fields, setFields] = useState<UserFieldValues>({
    displayName: user.display_name,
    role: user.role,
    password: "",
  });
  const { displayName, role, password } = fields;
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    if (password && password.length < MIN_PASSWORD) {
      setError(t("error.passwordShort"));
      return;
    }
    const result = await settle(
      client.PUT("/api/v1/users/{id}", {
        params: { path: { id: user.id } },
        body: { display_name: displayName.trim(), role, ...(password ? { password } : {}) },
      }),
    );
    if (!result.ok) {
      const labels = labelsOf(t);
      const field = result.error.field ? labels[result.error.field] ?? result.error.field : "";
      setError(`${field ? `${field} : ` : ""}${sayError(result.error, currentLang())}`);
      return;
    }
    setSaved(true);
    setFields((f) => ({ ...f, password: "" }));
    onSaved();
  };

  return (
    <section
      className="fr-card fr-card--no-arrow fr-p-3w fr-mt-3w"
      aria-labelledby="user-edit-title"
    >
      <h3 id="user-edit-title" className="fr-h5" tabIndex={-1} ref={heading}>
        {t("users.edit")} — {user.username}
      </h3>
      {error && <Alert severity="error" small description={error} className="fr-mb-2w" />}
      {saved && <Alert severity="success" small description={t("users.saved")} className="fr-mb-2w" />}
      <form onSubmit={submit}>
        <UserFields
          passwordLabel={t("users.newPassword")}
          passwordHint={t("users.newPasswordHint")}
          values={fields}
          onChange={setFields}
        />
        <FormButtons onClose={onClose} />
      </form>
    </section>
  );
}

// What the shared fields hold; each form keeps it as one state.
interface UserFieldValues {
  displayName: string;
  role: Role;
  password: string;
}
const EMPTY_FIELDS: UserFieldValues = { displayName: "", role: "agent", password: "" };

// The fields the creation and the edit forms share: display name, role and
// password, kept as one piece so that both forms stay alike. What differs is
// passed in: the creation form names its fields (ids for focusing a field in
// error, names for the keyboard checks), marks them from its feedback, says
// the display name is optional and requires the password; the edit form's
// password is a new one, left empty to keep the current one.
function UserFields({
  idPrefix,
  feedback = null,
  displayNameHint,
  passwordLabel,
  passwordHint,
  passwordRequired = false,
  values,
  onChange,
}: {
  idPrefix?: string;
  feedback?: Feedback;
  displayNameHint?: string;
  passwordLabel: string;
  passwordHint: string;
  passwordRequired?: boolean;
  values: UserFieldValues;
  onChange: Dispatch<SetStateAction<UserFieldValues>>;
}) {
  const t = useAdminT();
  // One field changed, the others kept as they are at that moment.
  const set = (change: Partial<UserFieldValues>) => onChange((v) => ({ ...v, ...change }));
  // No id nor name at all without a prefix: DSFR then makes up the ids.
  const named = (field: string) => (idPrefix ? { id: `${idPrefix}-${field}`, name: field } : {});
  return (
    <>
      <Input
        label={t("users.displayName")}
        hintText={displayNameHint}
        {...errorProps(feedback, "display_name")}
        nativeInputProps={{
          ...named("display_name"),
          autoComplete: "off",
          value: values.displayName,
          onChange: (e) => set({ displayName: e.target.value }),
        }}
      />
      <Select
        label={t("users.role")}
        {...errorProps(feedback, "role")}
        nativeSelectProps={{
          ...named("role"),
          value: values.role,
          onChange: (e) => set({ role: e.target.value as Role }),
        }}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </Select>
      <Input
        label={passwordLabel}
        hintText={passwordHint}
        {...errorProps(feedback, "password")}
        nativeInputProps={{
          ...named("password"),
          type: "password",
          ...(passwordRequired ? { required: true, minLength: MIN_PASSWORD } : {}),
          // Someone else's password: the browser must neither fill nor offer ours.
          autoComplete: "new-password",
          value: values.password,
          onChange: (e) => set({ password: e.target.value }),
        }}
      />
    </>
  );
}
