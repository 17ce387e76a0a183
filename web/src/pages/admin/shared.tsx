// What the administration pages share: errors as the user reads them, the
// editor panel and what is open in it, the wiring and the head of a list
// page, its table, the actions of a table row (with an inline confirmation)
// and the deletion they lead to; and the fields and buttons their forms
// repeat (an item's name, a choice of an item by id, "Retirer" on a row,
// save and close).
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import {
  Fragment,
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from "react";
import { del, type ApiError, type Result } from "../../api";
import { fill, useAdminT, type AdminT } from "./texts";

// An error to show: from the server or from a check before sending. `field`
// names the setting as the API does ("hours", "skills[0].min_level").
export interface Problem {
  field?: string;
  message: string;
}

// Feedback after an action: a success or a problem.
export type Feedback = { kind: "success"; text: string } | { kind: "error"; problem: Problem } | null;

// The server's error as a problem. Without `keepField` (deletions), the field
// is dropped: it names the resource, not something the user typed.
export function problemFromApi(error: ApiError, t: AdminT, keepField = true): Problem {
  if (error.status === 0) return { message: t("error.network") };
  if (error.status === 401) return { message: t("error.session") };
  if (error.status === 403) return { message: t("error.forbidden") };
  return { field: keepField ? error.field || undefined : undefined, message: error.message };
}

// The visible label of an API field: "skills[1].min_level" → "Compétences
// requises n° 2, Niveau minimal". Unknown fields stay as the API names them.
export function fieldLabel(field: string, labels: Record<string, string>, t: AdminT): string {
  if (field in labels) return labels[field];
  const row = /^(\w+)\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (!row) return field;
  const [, base, index, sub] = row;
  const where = `${labels[base] ?? base} ${fill(t("common.row"), { n: Number(index) + 1 })}`;
  return sub ? `${where}, ${labels[`${base}.${sub}`] ?? sub}` : where;
}

export function problemText(problem: Problem, labels: Record<string, string>, t: AdminT): string {
  if (!problem.field) return problem.message;
  return `${t("error.field")} ${fieldLabel(problem.field, labels, t)} — ${problem.message}`;
}

// The alert of a feedback, if any.
export function FeedbackAlert({
  feedback,
  labels = {},
}: {
  feedback: Feedback;
  labels?: Record<string, string>;
}) {
  const t = useAdminT();
  if (!feedback) return null;
  if (feedback.kind === "success") {
    return <Alert severity="success" small description={feedback.text} className="fr-mb-2w" />;
  }
  return (
    <Alert
      severity="error"
      small
      description={problemText(feedback.problem, labels, t)}
      className="fr-mb-2w"
    />
  );
}

// Props marking an Input or a Select in error when the problem names its field.
export function errorProps(feedback: Feedback, field: string) {
  if (feedback?.kind === "error" && feedback.problem.field === field) {
    return { state: "error" as const, stateRelatedMessage: feedback.problem.message };
  }
  return {};
}

// The props errorProps gives (or a page's own check, like the IVR editor's),
// spread as they are on the fields below to mark them in error.
type ErrorState = { state?: "error"; stateRelatedMessage?: ReactNode };

// Focus an element once React has rendered what was just set. A fieldset
// that cannot take the focus itself (DSFR's checkboxes and radio buttons put
// their id on theirs, in error) gives it to its first box.
export function focusLater(id: string): void {
  window.setTimeout(() => {
    const element = document.getElementById(id);
    if (element instanceof HTMLFieldSetElement && !element.hasAttribute("tabindex")) {
      element.querySelector("input")?.focus();
    } else {
      element?.focus();
    }
  }, 0);
}

// After a refused save: the field at fault, when the form has it.
export function focusField(prefix: string, problem: Problem): void {
  if (problem.field) focusLater(`${prefix}-${problem.field}`);
}

// An editor panel: its heading (h3) takes the focus when it opens. Give the
// panel a new `key` to open it again (another item).
function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="fr-card fr-card--no-arrow fr-p-3w fr-mb-3w" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="fr-h5" tabIndex={-1} ref={heading}>
        {title}
      </h3>
      {children}
    </section>
  );
}

// What a list page's editor panel holds: the item (null, where the page can
// add: a new one) and the number of this opening, the panel's key.
export interface Editing<T> {
  item: T;
  session: number;
}

// The editor panel's state of a list page. `openerId` names the button that
// opens the panel on an item (its row's "Modifier", or the page's "add"):
// the focus goes back there on close. `reload` refreshes the page's list.
export function useEditing<T extends { id: number } | null>(
  openerId: (item: T) => string,
  reload: () => Promise<void>,
) {
  const [editing, setEditing] = useState<Editing<T> | null>(null);
  return {
    editing,
    // A new session remounts the panel: its heading takes the focus and its
    // form starts from `item`, even when the same item is opened again.
    open: (item: T) => setEditing({ item, session: (editing?.session ?? 0) + 1 }),
    close: () => {
      if (editing) focusLater(openerId(editing.item));
      setEditing(null);
    },
    // The same session: the form stays as typed, its "saved" message shown,
    // now editing what the server kept (a new item has its id from now on).
    saved: (item: T) => {
      if (editing) setEditing({ item, session: editing.session });
      void reload();
    },
    // An item deleted: its editor, if open, goes with it.
    deleted: async (item: NonNullable<T>) => {
      if (editing?.item?.id === item.id) setEditing(null);
      await reload();
    },
  };
}

// The wiring of a list page with an editor, the same on every such page:
// its feedback, its title (where the focus goes after a deletion, see
// deleteItem), its lists loaded at once and on `reload`, its editor (see
// useEditing), opening it — which clears the previous action's message, no
// longer about what is shown — and deleting a row at `path`. `load` fetches
// the page's lists, keeps those that came and gives back every answer: the
// first refusal becomes the page's feedback. Give a stable `load`
// (useCallback): a new one loads again.
export function useListPage<T extends { id: number; name: string } | null>({
  load,
  openerId,
  path,
}: {
  load: () => Promise<Result<unknown>[]>;
  openerId: (item: T) => string;
  path: (item: NonNullable<T>) => string;
}) {
  const t = useAdminT();
  const [feedback, setFeedback] = useState<Feedback>(null);
  const title = useRef<HTMLHeadingElement>(null);

  const reload = useCallback(async () => {
    const failed = (await load()).find((result) => !result.ok);
    if (failed && !failed.ok) {
      setFeedback({ kind: "error", problem: problemFromApi(failed.error, t, false) });
    }
  }, [load, t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const editor = useEditing<T>(openerId, reload);
  return {
    feedback,
    setFeedback,
    title,
    reload,
    editor,
    open: (item: T) => {
      setFeedback(null);
      editor.open(item);
    },
    remove: (item: NonNullable<T>) =>
      deleteItem(path(item), item, { t, setFeedback, editor, title }),
  };
}

// The head of a list page (see useListPage): its title, which takes the
// focus when a deleted row takes its buttons away, its introduction, and
// the feedback of the last action.
export function ListPageHead({
  page,
  heading,
  intro,
}: {
  page: { title: RefObject<HTMLHeadingElement | null>; feedback: Feedback };
  heading: string;
  intro: string;
}) {
  return (
    <>
      <h2 className="fr-h3" tabIndex={-1} ref={page.title}>
        {heading}
      </h2>
      <p>{intro}</p>
      <FeedbackAlert feedback={page.feedback} />
    </>
  );
}

// A list page's editor: while an item is open (see useEditing), the panel
// with the form `children` gives for it; otherwise, on the pages that add
// from there, the button that opens the panel on a new item.
export function EditorOrAdd<T>({
  editing,
  id,
  title,
  add,
  children,
}: {
  editing: Editing<T> | null;
  id: string;
  title: (item: T) => string;
  add?: { id: string; label: string; onClick: () => void };
  children: (item: T) => ReactNode;
}) {
  if (editing) {
    return (
      <Panel key={editing.session} id={id} title={title(editing.item)}>
        {children(editing.item)}
      </Panel>
    );
  }
  if (!add) return null;
  return (
    <Button id={add.id} type="button" className="fr-mb-3w" onClick={add.onClick}>
      {add.label}
    </Button>
  );
}

// A list page's table: "loading" until the list comes, "empty" when it has
// nothing, else a bordered table whose caption only screen readers need (the
// page's heading shows above). `row` gives an item's <tr>: its name as the
// row header (<th scope="row">), its actions last.
export function AdminTable<T extends { id: number }>({
  caption,
  columns,
  items,
  row,
}: {
  caption: string;
  columns: string[];
  items: T[] | null;
  row: (item: T) => ReactNode;
}) {
  const t = useAdminT();
  if (items === null) return <p>{t("common.loading")}</p>;
  if (items.length === 0) return <p>{t("common.empty")}</p>;
  return (
    <div className="fr-table fr-table--bordered">
      <table>
        <caption className="fr-sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <Fragment key={item.id}>{row(item)}</Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Deletes an item of a list page, once its RowActions had it confirmed, and
// tells RowActions whether it went. Refused: the reason in the page's
// feedback. Deleted: the page says so and reloads, and the focus moves to its
// title, since the row and its buttons are gone.
export async function deleteItem<T extends { id: number; name: string }>(
  path: string,
  item: T,
  page: {
    t: AdminT;
    setFeedback: (feedback: Feedback) => void;
    editor: { deleted: (item: T) => Promise<void> };
    title: RefObject<HTMLHeadingElement | null>;
  },
): Promise<boolean> {
  const result = await del(path);
  if (!result.ok) {
    page.setFeedback({ kind: "error", problem: problemFromApi(result.error, page.t, false) });
    return false;
  }
  page.setFeedback({ kind: "success", text: fill(page.t("common.deleted"), { name: item.name }) });
  await page.editor.deleted(item);
  page.title.current?.focus();
  return true;
}

// "Modifier" (without `onEdit`: items that are replaced, not changed) and
// "Supprimer" for one row; "Supprimer" asks for a second click on "Confirmer
// la suppression" (or "Annuler") in place, focus moving along. `onDelete`
// tells whether the item went (when not, focus goes back).
export function RowActions({
  idPrefix,
  name,
  onEdit,
  onDelete,
}: {
  idPrefix: string;
  name: string;
  onEdit?: () => void;
  onDelete: () => Promise<boolean>;
}) {
  const t = useAdminT();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const ask = () => {
    setConfirming(true);
    focusLater(`${idPrefix}-confirm`);
  };
  const cancel = () => {
    setConfirming(false);
    focusLater(`${idPrefix}-delete`);
  };
  const confirm = async () => {
    if (busy) return; // (not disabled: the button keeps the focus)
    setBusy(true);
    const gone = await onDelete();
    setBusy(false);
    if (!gone) cancel();
  };

  return (
    <div className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
      {onEdit && (
        <Button
          id={`${idPrefix}-edit`}
          size="small"
          priority="secondary"
          type="button"
          onClick={onEdit}
          nativeButtonProps={{ "aria-label": `${t("common.edit")} — ${name}` }}
        >
          {t("common.edit")}
        </Button>
      )}
      {confirming ? (
        <>
          <Button
            id={`${idPrefix}-confirm`}
            size="small"
            type="button"
            onClick={() => void confirm()}
            nativeButtonProps={{ "aria-label": `${t("common.confirmDelete")} — ${name}` }}
          >
            {t("common.confirmDelete")}
          </Button>
          <Button
            size="small"
            priority="tertiary"
            type="button"
            onClick={cancel}
            nativeButtonProps={{ "aria-label": `${t("common.cancelDelete")} — ${name}` }}
          >
            {t("common.cancel")}
          </Button>
        </>
      ) : (
        <Button
          id={`${idPrefix}-delete`}
          size="small"
          priority="tertiary"
          type="button"
          onClick={ask}
          nativeButtonProps={{ "aria-label": `${t("common.delete")} — ${name}` }}
        >
          {t("common.delete")}
        </Button>
      )}
    </div>
  );
}

export function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name, "fr"));
}

// The name of what a form edits or adds: required, 1 to 100 characters as
// the server takes them, never filled in by the browser. Its `id` is the
// form's prefix then "-name", where focusField looks for it.
export function NameInput({
  id,
  label,
  value,
  onChange,
  ...error
}: {
  id: string;
  label?: string; // "Nom" unless told
  value: string;
  onChange: (value: string) => void;
} & ErrorState) {
  const t = useAdminT();
  return (
    <Input
      label={label ?? t("common.name")}
      {...error}
      nativeInputProps={{
        id,
        name: "name",
        required: true,
        maxLength: 100,
        autoComplete: "off",
        value,
        onChange: (e) => onChange(e.target.value),
      }}
    />
  );
}

// One of `items` chosen by id, the value as a form holds it (a string, ""
// for none). Required, the empty option only asks to choose (`placeholder`)
// and cannot be chosen back; optional, it stands for none. An id that none
// of the items has (one deleted since) stays chosen, shown as "#id": without
// its option the browser would show the first one while the form still
// sends that id.
export function IdSelect<T extends { id: number; name: string }>({
  id,
  name,
  label,
  hint,
  required = true,
  placeholder,
  items,
  itemLabel = (item) => item.name,
  value,
  onChange,
  ...error
}: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  placeholder: string;
  items: T[];
  itemLabel?: (item: T) => string;
  value: string;
  onChange: (value: string) => void;
} & ErrorState) {
  return (
    <Select
      label={label}
      hint={hint}
      {...error}
      nativeSelectProps={{
        id,
        name,
        required,
        value,
        onChange: (e) => onChange(e.target.value),
      }}
    >
      <option value="" disabled={required}>
        {placeholder}
      </option>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {itemLabel(item)}
        </option>
      ))}
      {value && !items.some((item) => String(item.id) === value) && (
        <option value={value}>#{value}</option>
      )}
    </Select>
  );
}

// The foot of an editor's form: its submit button ("Enregistrer" unless
// told) and, where the form can be closed, "Fermer".
export function FormButtons({
  submitLabel,
  onClose,
}: {
  submitLabel?: string;
  onClose?: () => void;
}) {
  const t = useAdminT();
  return (
    <div className="fr-btns-group fr-btns-group--inline">
      <Button type="submit">{submitLabel ?? t("common.save")}</Button>
      {onClose && (
        <Button type="button" priority="secondary" onClick={onClose}>
          {t("common.close")}
        </Button>
      )}
    </div>
  );
}

// "Retirer" for one row of a form's repeated rows (a menu's choice, a skill
// required, an escalation step), each a fieldset named by its `legend`. Its
// accessible name adds that legend: otherwise every row's button would be
// just "Retirer".
export function RemoveRowButton({ legend, onClick }: { legend: string; onClick: () => void }) {
  const t = useAdminT();
  return (
    <Button
      type="button"
      size="small"
      priority="tertiary"
      className="fr-ml-3v"
      onClick={onClick}
      nativeButtonProps={{ "aria-label": `${t("common.remove")} — ${legend}` }}
    >
      {t("common.remove")}
    </Button>
  );
}
