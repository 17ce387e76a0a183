// Skills, wrap-up codes, pause reasons and canned responses: a name and a
// text each (a description; for canned responses, the response itself).
// A table with Modifier / Supprimer per row, an edit panel, an add form.
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useCallback, useState } from "react";
import { client, settle, type DocumentPath, type Result, type Schemas } from "../../api";
import { AdminTable, RowActions } from "../../components/AdminTable";
import {
  FeedbackAlert,
  errorProps,
  problemFromApi,
  type Feedback,
} from "../../components/feedback";
import { focusField, focusLater } from "../../components/focus";
import { FormButtons, NameInput } from "../../components/formFields";
import { EditorOrAdd, ListPageHead, byName, useListPage } from "../../components/listPage";
import { fill, useAdminT, type AdminKey, type AdminT } from "./texts";

// A row of the table, as the form edits it: the document's name and its
// second field — a description, or a canned response's text.
interface SimpleItem {
  id: number;
  name: string;
  description?: string;
}
type SimpleDocument =
  | Schemas["Skill"]
  | Schemas["WrapupCode"]
  | Schemas["PauseReason"]
  | Schemas["CannedResponse"];

function itemOf(document: SimpleDocument): SimpleItem {
  const { id, name } = document;
  return { id, name, description: "text" in document ? document.text : document.description };
}

// An answer of the API about a document, as the page shows it.
async function asItem(pending: Promise<Result<SimpleDocument>>): Promise<Result<SimpleItem>> {
  const result = await pending;
  return result.ok ? { ok: true, value: itemOf(result.value) } : result;
}

const KINDS = {
  skills: {
    path: "/api/v1/skills",
    title: "admin.skills",
    intro: "skills.intro",
    add: "skills.add",
    edit: "skills.edit",
    caption: "skills.caption",
    field: "description",
    fieldLabel: "common.description",
  },
  "wrapup-codes": {
    path: "/api/v1/wrapup-codes",
    title: "admin.wrapupCodes",
    intro: "wrapup.intro",
    add: "wrapup.add",
    edit: "wrapup.edit",
    caption: "wrapup.caption",
    field: "description",
    fieldLabel: "common.description",
  },
  "pause-reasons": {
    path: "/api/v1/pause-reasons",
    title: "admin.pauseReasons",
    intro: "pause.intro",
    add: "pause.add",
    edit: "pause.edit",
    caption: "pause.caption",
    field: "description",
    fieldLabel: "common.description",
  },
  "canned-responses": {
    path: "/api/v1/canned-responses",
    title: "admin.canned",
    intro: "canned.intro",
    add: "canned.add",
    edit: "canned.edit",
    caption: "canned.caption",
    field: "text",
    fieldLabel: "canned.text",
  },
} as const satisfies Record<
  string,
  {
    path: DocumentPath;
    title: AdminKey;
    intro: AdminKey;
    add: AdminKey;
    edit: AdminKey;
    caption: AdminKey;
    field: "description" | "text";
    fieldLabel: AdminKey;
  }
>;

export type SimpleKind = keyof typeof KINDS;

const labelsOf = (t: AdminT) => ({ name: t("common.name"), description: t("common.description") });

export function SimpleListPage({ kind }: { kind: SimpleKind }) {
  const t = useAdminT();
  const texts = KINDS[kind];
  const [items, setItems] = useState<SimpleItem[] | null>(null);

  const load = useCallback(async () => {
    const result = await settle(client.GET(texts.path));
    if (result.ok) {
      const documents: readonly SimpleDocument[] = result.value;
      setItems(byName(documents.map(itemOf)));
    }
    return [result];
  }, [texts.path]);

  // The item in the edit panel (new ones are added below the table).
  const page = useListPage<SimpleItem>({
    load,
    openerId: (item) => `${kind}-${item.id}-edit`,
    path: texts.path,
  });
  const { editor, open, remove, reload } = page;

  // The kind's body: its second field left out when empty — but a canned
  // response's text is required (the server refuses an empty one too).
  const asSent = ({ name, description }: { name: string; description?: string }) =>
    texts.field === "text"
      ? { name, text: description ?? "" }
      : { name, ...(description !== undefined ? { description } : {}) };

  return (
    <>
      <ListPageHead page={page} heading={t(texts.title)} intro={t(texts.intro)} />

      <EditorOrAdd
        editing={editor.editing}
        id={`${kind}-editor`}
        title={(item) => `${t(texts.edit)} — ${item.name}`}
      >
        {(item) => (
          <ItemForm
            prefix={`${kind}-editor`}
            fieldLabel={t(texts.fieldLabel)}
          fieldRequired={texts.field === "text"}
            initial={item}
            submitLabel={t("common.save")}
            send={(body) =>
              asItem(
                settle(
                  client.PUT(`${texts.path}/{id}`, {
                    params: { path: { id: item.id } },
                    body: asSent(body),
                  }),
                ),
              )
            }
            onSent={(saved) => {
              editor.saved(saved);
              return t("common.saved");
            }}
            onCancel={editor.close}
          />
        )}
      </EditorOrAdd>

      <AdminTable
        caption={t(texts.caption)}
        columns={[t("common.name"), t(texts.fieldLabel), t("common.actions")]}
        items={items}
        row={(item) => (
          <tr>
            <th scope="row">{item.name}</th>
            <td>{item.description ?? ""}</td>
            <td>
              <RowActions
                idPrefix={`${kind}-${item.id}`}
                name={item.name}
                onEdit={() => open(item)}
                onDelete={() => remove(item)}
              />
            </td>
          </tr>
        )}
      />

      <section aria-labelledby={`${kind}-add-title`} className="fr-mt-4w">
        <h3 id={`${kind}-add-title`} className="fr-h5">
          {t(texts.add)}
        </h3>
        <ItemForm
          prefix={`${kind}-add`}
          fieldLabel={t(texts.fieldLabel)}
          fieldRequired={texts.field === "text"}
          initial={{ name: "", description: "" }}
          submitLabel={t("common.add")}
          send={(body) => asItem(settle(client.POST(texts.path, { body: asSent(body) })))}
          onSent={(added) => {
            void reload();
            return fill(t("common.added"), { name: added.name });
          }}
          resetAfter
        />
      </section>
    </>
  );
}

// Name and description, sent by `send`; `onSent` gives the success text.
function ItemForm({
  prefix,
  initial,
  submitLabel,
  send,
  onSent,
  onCancel,
  resetAfter = false,
  fieldLabel,
  fieldRequired = false,
}: {
  fieldLabel?: string; // the second field's label (default: description)
  // A canned response's text is required: it was marked "Facultatif".
  fieldRequired?: boolean;
  prefix: string;
  initial: { name: string; description?: string };
  submitLabel: string;
  send: (body: { name: string; description?: string }) => Promise<Result<SimpleItem>>;
  onSent: (item: SimpleItem) => string;
  onCancel?: () => void;
  resetAfter?: boolean;
}) {
  const t = useAdminT();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description ?? "");
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    const missing = !name.trim() ? "name" : fieldRequired && !description.trim() ? "description" : "";
    if (missing) {
      const problem = { field: missing, message: t("error.required") };
      setFeedback({ kind: "error", problem });
      focusField(prefix, problem);
      return;
    }
    setBusy(true);
    const result = await send({
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      const problem = problemFromApi(result.error, t);
      setFeedback({ kind: "error", problem });
      focusField(prefix, problem);
      return;
    }
    setFeedback({ kind: "success", text: onSent(result.value) });
    if (resetAfter) {
      setName("");
      setDescription("");
      focusLater(`${prefix}-name`);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert
        feedback={feedback}
        labels={{ ...labelsOf(t), ...(fieldLabel ? { description: fieldLabel } : {}) }}
      />
      <NameInput
        id={`${prefix}-name`}
        {...errorProps(feedback, "name")}
        value={name}
        onChange={setName}
      />
      <Input
        label={fieldLabel ?? t("common.description")}
        hintText={fieldRequired ? t("common.required") : t("common.optional")}
        {...errorProps(feedback, "description")}
        nativeInputProps={{
          id: `${prefix}-description`,
          name: "description",
          required: fieldRequired,
          autoComplete: "off",
          value: description,
          onChange: (e) => setDescription(e.target.value),
        }}
      />
      <FormButtons submitLabel={submitLabel} onClose={onCancel} />
    </form>
  );
}
