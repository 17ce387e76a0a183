// The table of a list page, and the actions of one of its rows ("Modifier",
// "Supprimer" with an inline confirmation).
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Fragment, useState, type ReactNode } from "react";
import { useAdminT } from "../pages/admin/texts";
import { focusLater } from "./focus";

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

// "Modifier" (without `onEdit`: items that are replaced, not changed) and
// "Supprimer" for one row; "Supprimer" asks for a second click on "Confirmer
// la suppression" (or "Annuler") in place, focus moving along. `onDelete`
// tells whether the item went, or why not: said under the buttons, where
// the user clicked (the focus goes back to "Supprimer", which it describes).
export function RowActions({
  idPrefix,
  name,
  onEdit,
  onDelete,
}: {
  idPrefix: string;
  name: string;
  onEdit?: () => void;
  onDelete: () => Promise<true | string>;
}) {
  const t = useAdminT();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);

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
    setRefused(null);
    const gone = await onDelete();
    setBusy(false);
    if (gone !== true) {
      setRefused(gone);
      cancel();
    }
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
          nativeButtonProps={{
            "aria-label": `${t("common.delete")} — ${name}`,
            "aria-describedby": refused ? `${idPrefix}-refused` : undefined,
          }}
        >
          {t("common.delete")}
        </Button>
      )}
      {refused && (
        <p id={`${idPrefix}-refused`} className="fr-error-text fr-mt-0 fr-mb-1w guichet-refused">
          {refused}
        </p>
      )}
    </div>
  );
}
