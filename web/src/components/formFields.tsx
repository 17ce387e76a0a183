// What the forms repeat: a group of fields under a legend, an item's name, a
// choice of an item by id, "Retirer" on a repeated row, save and close.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useAdminT } from "../pages/admin/texts";
import type { ErrorState } from "./feedback";

// A group of a form's fields under a legend and its hint. With an `id`, the
// group itself takes the focus (focusLater): where a problem names it, or
// after one of its rows is removed.
export function FieldGroup({
  id,
  legend,
  hint,
  children,
}: {
  id?: string;
  legend: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <fieldset className="fr-fieldset" id={id} tabIndex={id === undefined ? undefined : -1}>
      <legend className="fr-fieldset__legend">
        {legend}
        {hint !== undefined && <span className="fr-hint-text">{hint}</span>}
      </legend>
      {children}
    </fieldset>
  );
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
// Save, and close. With `dirty` (changes not saved), closing asks first:
// "Fermer" on the IVR editor dropped an hour's work without a word. Leaving
// the page (reload, another address) asks too, through the browser.
export function FormButtons({
  submitLabel,
  onClose,
  dirty = false,
}: {
  submitLabel?: string;
  onClose?: () => void;
  dirty?: boolean;
}) {
  const t = useAdminT();
  const [asking, setAsking] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) keep.current?.focus();
  }, [asking]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  return (
    <>
      <div className="fr-btns-group fr-btns-group--inline">
        <Button type="submit">{submitLabel ?? t("common.save")}</Button>
        {onClose && (
          <Button
            type="button"
            priority="secondary"
            onClick={() => (dirty ? setAsking(true) : onClose())}
          >
            {t("common.close")}
          </Button>
        )}
      </div>
      {asking && dirty && onClose && (
        <div role="alertdialog" aria-labelledby="unsaved-title" className="fr-alert fr-alert--warning fr-mb-2w">
          <h3 id="unsaved-title" className="fr-alert__title">
            {t("common.unsaved")}
          </h3>
          <div className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-mt-1w">
            <Button type="button" priority="secondary" ref={keep} onClick={() => setAsking(false)}>
              {t("common.keepEditing")}
            </Button>
            <Button type="button" priority="tertiary" onClick={onClose}>
              {t("common.closeUnsaved")}
            </Button>
          </div>
        </div>
      )}
    </>
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
