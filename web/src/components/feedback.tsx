// Errors as the user reads them: a problem (from the server or from a check
// before sending), the feedback after an action, its alert, and the props
// that mark a field in error.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import type { ReactNode } from "react";
import type { ApiError } from "../api";
import { fill, useAdminT, type AdminT } from "../pages/admin/texts";
import { sayError } from "../errors";
import { currentLang } from "../i18n";

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
  return {
    field: keepField ? error.field || undefined : undefined,
    message: sayError(error, currentLang()),
  };
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
// spread as they are on a field to mark it in error.
export type ErrorState = { state?: "error"; stateRelatedMessage?: ReactNode };
