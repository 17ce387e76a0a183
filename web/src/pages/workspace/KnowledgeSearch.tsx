// The knowledge base from the agent's desk: the published articles that
// answer a question, read in place, and inserted into the reply (their
// first paragraph and their links) — the same search the chat's bot uses.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useId, useState } from "react";
import { client, settle, type Schemas } from "../../api";
import { sayError } from "../../errors";
import { currentLang } from "../../i18n";
import { useKnowledgeT } from "../admin/knowledgeTexts";

type Hit = Schemas["KnowledgeHit"];

// What "Insérer" adds to the reply: the lead, then each link as
// "Intitulé : https://…" (a citizen's chat shows addresses as links).
export function insertion(hit: Hit): string {
  const links = hit.links.map((l) => `${l.title} : ${l.url}`);
  return [hit.excerpt, ...links].join("\n");
}

// A question typed, and the published articles that answer it (the agents'
// desk and the administration's « Essayer une question » share it).
export function useKnowledgeSearch(limit: number) {
  const [question, setQuestion] = useState("");
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!question.trim()) return;
    setError(null);
    const result = await settle(
      client.GET("/api/v1/knowledge/search", { params: { query: { q: question.trim(), limit } } }),
    );
    if (!result.ok) {
      setError(sayError(result.error, currentLang()));
      setHits(null);
      return;
    }
    setHits(result.value);
  };
  return { question, setQuestion, hits, error, search };
}

export function KnowledgeSearch({ onInsert }: { onInsert: (text: string) => void }) {
  const k = useKnowledgeT();
  const id = useId();
  const { question, setQuestion, hits, error, search } = useKnowledgeSearch(5);
  return (
    <details className="guichet-knowledge fr-mt-2w">
      <summary>{k("kb.agentSearch")}</summary>
      {/* A form of its own, not inside the reply's: Enter here searches. */}
      <form onSubmit={(e) => void search(e)} role="search" aria-label={k("kb.agentSearch")}>
        <Input
          label={k("kb.question")}
          hintText={k("kb.agentSearchHint")}
          state={error ? "error" : undefined}
          stateRelatedMessage={error ?? undefined}
          nativeInputProps={{
            id: `${id}-q`,
            type: "search",
            maxLength: 500,
            value: question,
            onChange: (e) => setQuestion(e.target.value),
          }}
        />
        <Button type="submit" size="small" iconId="fr-icon-search-line">
          {k("kb.search")}
        </Button>
      </form>
      <div aria-live="polite">
        {hits && hits.length === 0 && <p className="fr-mt-1w">{k("kb.noHit")}</p>}
        {hits && hits.length > 0 && (
          <ol className="fr-mt-2w">
            {hits.map((hit) => (
              <li key={hit.id} className="fr-mb-2w">
                <p className="fr-mb-1v">
                  <strong>{hit.title}</strong>
                </p>
                <p className="fr-text--sm fr-mb-1v">{hit.excerpt}</p>
                <details className="fr-mb-1v">
                  <summary className="fr-text--sm">{k("kb.read")}</summary>
                  <div className="fr-text--sm guichet-knowledge__body">{hit.body}</div>
                  {hit.links.length > 0 && (
                    <ul className="fr-text--sm">
                      {hit.links.map((l) => (
                        <li key={l.url}>
                          <a href={l.url} target="_blank" rel="noopener noreferrer">
                            {l.title}
                          </a>
                        </li>
                      ))}
                    </ul>
                  )}
                </details>
                <Button
                  type="button"
                  size="small"
                  priority="secondary"
                  onClick={() => onInsert(insertion(hit))}
                >
                  {k("kb.insert")}
                  <span className="fr-sr-only"> — {hit.title}</span>
                </Button>
              </li>
            ))}
          </ol>
        )}
      </div>
    </details>
  );
}
