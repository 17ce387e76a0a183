// Where the focus goes after an action: an element once React has rendered
// it, or the field a refused save names.
import type { Problem } from "./feedback";

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
