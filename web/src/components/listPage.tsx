// A list page with an editor, the same on every such page: its wiring
// (feedback, lists loaded, the editor and what is open in it, deletions),
// its head, and the editor panel or the button that opens it on a new item.
import { Button } from "@codegouvfr/react-dsfr/Button";
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from "react";
import { removeDocument, type DocumentPath, type Result } from "../api";
import { fill, useAdminT, type AdminT } from "../pages/admin/texts";
import { FeedbackAlert, problemFromApi, type Feedback } from "./feedback";
import { focusLater } from "./focus";

export function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name, "fr"));
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
// longer about what is shown — and deleting a row of the list at `path`.
// `load` fetches the page's lists, keeps those that came and gives back
// every answer: the first refusal becomes the page's feedback. Give a
// stable `load` (useCallback): a new one loads again.
export function useListPage<T extends { id: number; name: string } | null>({
  load,
  openerId,
  path,
}: {
  load: () => Promise<Result<unknown>[]>;
  openerId: (item: T) => string;
  path: DocumentPath;
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
    remove: (item: NonNullable<T>) => deleteItem(path, item, { t, setFeedback, editor, title }),
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

// Deletes an item of the list at `path`, once its RowActions had it
// confirmed, and tells RowActions whether it went: true, or the reason it
// was refused, which RowActions shows where the user clicked (and the
// page's feedback too). Deleted: the page says so and reloads, and the
// focus moves to its title, since the row and its buttons are gone.
export async function deleteItem<T extends { id: number; name: string }>(
  path: DocumentPath,
  item: T,
  page: {
    t: AdminT;
    setFeedback: (feedback: Feedback) => void;
    editor: { deleted: (item: T) => Promise<void> };
    title: RefObject<HTMLHeadingElement | null>;
  },
): Promise<true | string> {
  const result = await removeDocument(path, item.id);
  if (!result.ok) {
    const problem = problemFromApi(result.error, page.t, false);
    page.setFeedback({ kind: "error", problem });
    return problem.message;
  }
  page.setFeedback({ kind: "success", text: fill(page.t("common.deleted"), { name: item.name }) });
  await page.editor.deleted(item);
  page.title.current?.focus();
  return true;
}
