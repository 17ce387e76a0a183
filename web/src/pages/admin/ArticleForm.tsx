// An article of the knowledge base as its editor writes it: title, text,
// keywords, links. Saving keeps a draft (knowledge_base.h); publishing is
// the list's.
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import { client, settle, type Result, type Schemas } from "../../api";
import {
  FeedbackAlert,
  errorProps,
  problemFromApi,
  type Feedback,
} from "../../components/feedback";
import { focusField, focusLater } from "../../components/focus";
import { FieldGroup, FormButtons, RemoveRowButton } from "../../components/formFields";
import { useAdminT } from "./texts";
import { useKnowledgeT } from "./knowledgeTexts";

export type Article = Schemas["Article"];
type Content = Schemas["ArticleContent"];

// The keywords as typed: "CNI, papiers d'identité" (commas or semicolons).
export function tagsOf(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

export function ArticleForm({
  prefix,
  initial,
  submitLabel,
  onSaved,
  onClose,
  resetAfter = false,
}: {
  prefix: string;
  initial: Article | null; // null: a new one
  submitLabel: string;
  onSaved: (article: Article) => string; // the success text
  onClose?: () => void;
  resetAfter?: boolean;
}) {
  const t = useAdminT();
  const k = useKnowledgeT();
  const [title, setTitle] = useState(initial?.title ?? "");
  const [body, setBody] = useState(initial?.body ?? "");
  const [tags, setTags] = useState((initial?.tags ?? []).join(", "));
  const [links, setLinks] = useState<Content["links"] & object>(initial?.links ?? []);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const changed = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setDirty(true);
  };

  const labels: Record<string, string> = {
    title: k("kb.articleTitle"),
    body: k("kb.body"),
    tags: k("kb.tags"),
    links: k("kb.links"),
    "links.title": k("kb.linkTitle"),
    "links.url": k("kb.linkUrl"),
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFeedback(null);
    const missing = !title.trim() ? "title" : !body.trim() ? "body" : "";
    if (missing) {
      const problem = { field: missing, message: t("error.required") };
      setFeedback({ kind: "error", problem });
      focusField(prefix, problem);
      return;
    }
    const content: Content = {
      title: title.trim(),
      body: body.trim(),
      tags: tagsOf(tags),
      links: links.map((l) => ({ title: l.title.trim(), url: l.url.trim() })),
    };
    setBusy(true);
    const result: Result<Article> = initial
      ? await settle(
          client.PUT("/api/v1/articles/{id}", { params: { path: { id: initial.id } }, body: content }),
        )
      : await settle(client.POST("/api/v1/articles", { body: content }));
    setBusy(false);
    if (!result.ok) {
      const problem = problemFromApi(result.error, t);
      setFeedback({ kind: "error", problem });
      // "links[1].url" → the second link's address field.
      const row = /^links\[(\d+)\]\.(title|url)$/.exec(problem.field ?? "");
      if (row) focusLater(`${prefix}-link-${row[1]}-${row[2]}`);
      else focusField(prefix, problem);
      return;
    }
    setDirty(false);
    setFeedback({ kind: "success", text: onSaved(result.value) });
    if (resetAfter) {
      setTitle("");
      setBody("");
      setTags("");
      setLinks([]);
      focusLater(`${prefix}-title`);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <FeedbackAlert feedback={feedback} labels={labels} />
      <Input
        label={k("kb.articleTitle")}
        hintText={k("kb.titleHint")}
        {...errorProps(feedback, "title")}
        nativeInputProps={{
          id: `${prefix}-title`,
          required: true,
          maxLength: 150,
          autoComplete: "off",
          value: title,
          onChange: (e) => changed(setTitle)(e.target.value),
        }}
      />
      <Input
        label={k("kb.body")}
        hintText={k("kb.bodyHint")}
        textArea
        {...errorProps(feedback, "body")}
        nativeTextAreaProps={{
          id: `${prefix}-body`,
          required: true,
          rows: 10,
          maxLength: 20000,
          value: body,
          onChange: (e) => changed(setBody)(e.target.value),
        }}
      />
      <Input
        label={k("kb.tags")}
        hintText={k("kb.tagsHint")}
        {...errorProps(feedback, "tags")}
        nativeInputProps={{
          id: `${prefix}-tags`,
          autoComplete: "off",
          value: tags,
          onChange: (e) => changed(setTags)(e.target.value),
        }}
      />
      <FieldGroup id={`${prefix}-links`} legend={k("kb.links")} hint={k("kb.linksHint")}>
        {links.map((link, i) => {
          const legend = k("kb.link", { n: i + 1 });
          const set = (patch: Partial<typeof link>) =>
            changed(setLinks)(links.map((l, j) => (j === i ? { ...l, ...patch } : l)));
          return (
            <fieldset key={i} className="fr-fieldset" aria-label={legend}>
              <legend className="fr-fieldset__legend fr-text--md">
                {legend}
                <RemoveRowButton
                  legend={legend}
                  onClick={() => {
                    changed(setLinks)(links.filter((_, j) => j !== i));
                    focusLater(`${prefix}-links`);
                  }}
                />
              </legend>
              <Input
                label={k("kb.linkTitle")}
                {...errorProps(feedback, `links[${i}].title`)}
                nativeInputProps={{
                  id: `${prefix}-link-${i}-title`,
                  maxLength: 150,
                  value: link.title,
                  onChange: (e) => set({ title: e.target.value }),
                }}
              />
              <Input
                label={k("kb.linkUrl")}
                {...errorProps(feedback, `links[${i}].url`)}
                nativeInputProps={{
                  id: `${prefix}-link-${i}-url`,
                  type: "url",
                  maxLength: 500,
                  value: link.url,
                  onChange: (e) => set({ url: e.target.value }),
                }}
              />
            </fieldset>
          );
        })}
        {links.length < 10 && (
          <Button
            type="button"
            priority="secondary"
            size="small"
            iconId="fr-icon-add-line"
            onClick={() => {
              changed(setLinks)([...links, { title: "", url: "https://" }]);
              focusLater(`${prefix}-link-${links.length}-title`);
            }}
          >
            {k("kb.addLink")}
          </Button>
        )}
      </FieldGroup>
      <FormButtons submitLabel={submitLabel} onClose={onClose} dirty={dirty} />
    </form>
  );
}
