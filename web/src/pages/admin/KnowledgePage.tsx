// The knowledge base (supervisors and admins): its articles with their
// state (draft, published, changes to publish), written and changed in an
// editor, published and unpublished from their row, and a question tried
// as a citizen would type it, with what the chat's bot would do.
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useCallback, useState } from "react";
import { client, settle } from "../../api";
import { AdminTable, RowActions } from "../../components/AdminTable";
import { problemFromApi } from "../../components/feedback";
import { EditorOrAdd, ListPageHead, useListPage } from "../../components/listPage";
import { useKnowledgeSearch } from "../workspace/KnowledgeSearch";
import { ArticleForm, type Article } from "./ArticleForm";
import { useKnowledgeT } from "./knowledgeTexts";
import { useAdminT } from "./texts";

// A row: the article, with the name the list page's wiring needs.
type Row = Article & { name: string };

function when(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

export function KnowledgePage() {
  const t = useAdminT();
  const k = useKnowledgeT();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [filter, setFilter] = useState("");

  const load = useCallback(async () => {
    const result = await settle(client.GET("/api/v1/articles"));
    if (result.ok) {
      setRows(
        result.value
          .map((a) => ({ ...a, name: a.title }))
          .sort((a, b) => a.title.localeCompare(b.title, "fr")),
      );
    }
    return [result];
  }, []);
  const page = useListPage<Row | null>({
    load,
    openerId: (row) => (row ? `kb-${row.id}-edit` : "kb-add"),
    path: "/api/v1/articles",
  });
  const { editor, open, remove, reload, setFeedback } = page;

  const act = async (row: Row, action: "publish" | "withdraw") => {
    setFeedback(null);
    const result = await settle(
      client.POST(`/api/v1/articles/{id}/${action}`, { params: { path: { id: row.id } } }),
    );
    if (!result.ok) {
      setFeedback({ kind: "error", problem: problemFromApi(result.error, t, false) });
      return;
    }
    const article = result.value;
    setFeedback({
      kind: "success",
      text:
        action === "publish"
          ? k("kb.published", { title: article.title, version: article.published?.version ?? 1 })
          : k("kb.withdrawn", { title: article.title }),
    });
    page.title.current?.focus();
    await reload();
  };

  const stateBadge = (row: Row) => {
    const version = row.published?.version ?? 0;
    if (row.state === "published")
      return <Badge severity="success" small noIcon>{k("kb.state.published", { version })}</Badge>;
    if (row.state === "changed")
      return <Badge severity="warning" small noIcon>{k("kb.state.changed", { version })}</Badge>;
    return <Badge small noIcon>{k("kb.state.draft")}</Badge>;
  };

  const shown =
    rows && filter.trim()
      ? rows.filter((r) =>
          r.title.toLocaleLowerCase("fr").includes(filter.trim().toLocaleLowerCase("fr")),
        )
      : rows;

  return (
    <>
      <ListPageHead page={page} heading={k("kb.title")} intro={k("kb.intro")} />

      <EditorOrAdd
        editing={editor.editing}
        id="kb-editor"
        title={(row) => (row ? `${k("kb.edit")} — ${row.title}` : k("kb.add"))}
        add={{ id: "kb-add", label: k("kb.add"), onClick: () => open(null) }}
      >
        {(row) => (
          <ArticleForm
            prefix="kb-form"
            initial={row}
            submitLabel={t("common.save")}
            onSaved={(article) => {
              editor.saved({ ...article, name: article.title });
              return article.published
                ? k("kb.savedChanged", { version: article.published.version })
                : k("kb.saved");
            }}
            onClose={editor.close}
          />
        )}
      </EditorOrAdd>

      <Input
        label={k("kb.filter")}
        className="fr-mb-2w"
        nativeInputProps={{
          type: "search",
          value: filter,
          autoComplete: "off",
          onChange: (e) => setFilter(e.target.value),
        }}
      />
      <AdminTable
        caption={k("kb.caption")}
        columns={[k("kb.articleTitle"), k("kb.state"), k("kb.updated"), t("common.actions")]}
        items={shown}
        row={(row) => (
          <tr>
            <th scope="row">{row.title}</th>
            <td>{stateBadge(row)}</td>
            <td>{k("kb.updatedBy", { at: when(row.updated_at), name: row.updated_by_name })}</td>
            <td>
              <div className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-mb-1w">
                {row.state !== "published" && (
                  <Button
                    id={`kb-${row.id}-publish`}
                    type="button"
                    size="small"
                    onClick={() => void act(row, "publish")}
                  >
                    {row.state === "changed" ? k("kb.publishChanges") : k("kb.publish")}
                    <span className="fr-sr-only"> — {row.title}</span>
                  </Button>
                )}
                {row.published && (
                  <Button
                    id={`kb-${row.id}-withdraw`}
                    type="button"
                    size="small"
                    priority="tertiary"
                    onClick={() => void act(row, "withdraw")}
                  >
                    {k("kb.withdraw")}
                    <span className="fr-sr-only"> — {row.title}</span>
                  </Button>
                )}
              </div>
              <RowActions
                idPrefix={`kb-${row.id}`}
                name={row.title}
                onEdit={() => open(row)}
                onDelete={() => remove(row)}
              />
            </td>
          </tr>
        )}
      />

      <TryAQuestion />
    </>
  );
}

// A question typed as a citizen would, and what the search and the bot make of it.
function TryAQuestion() {
  const k = useKnowledgeT();
  const { question, setQuestion, hits, error, search } = useKnowledgeSearch(3);
  return (
    <section aria-labelledby="kb-try-title" className="fr-mt-6w">
      <h3 id="kb-try-title" className="fr-h5">
        {k("kb.try")}
      </h3>
      <p>{k("kb.tryIntro")}</p>
      <form onSubmit={(e) => void search(e)} role="search" aria-labelledby="kb-try-title">
        <Input
          label={k("kb.question")}
          state={error ? "error" : undefined}
          stateRelatedMessage={error ?? undefined}
          nativeInputProps={{
            id: "kb-try-question",
            type: "search",
            maxLength: 500,
            value: question,
            onChange: (e) => setQuestion(e.target.value),
          }}
        />
        <Button type="submit" iconId="fr-icon-search-line">
          {k("kb.search")}
        </Button>
      </form>
      <div aria-live="polite" className="fr-mt-2w">
        {hits && hits.length === 0 && <p>{k("kb.noHit")}</p>}
        {hits && hits.length > 0 && (
          <>
            <p className="fr-sr-only">{k("kb.results", { n: hits.length })}</p>
            <ol>
              {hits.map((hit, i) => (
                <li key={hit.id} className="fr-mb-2w">
                  <p className="fr-mb-1v">
                    <strong>{hit.title}</strong>
                  </p>
                  <p className="fr-text--sm fr-mb-1v">{hit.excerpt}</p>
                  {i === 0 && (
                    <Badge severity={hit.answers ? "success" : "warning"} small>
                      {hit.answers ? k("kb.answers") : k("kb.handsOver")}
                    </Badge>
                  )}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </section>
  );
}
