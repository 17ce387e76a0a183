// The problems the server finds in a flow as it is typed, beside the
// editor: a count announced politely, then each problem as a link to its
// field.
import { fill } from "../texts";
import { useIvrT } from "./ivrTexts";
import { PREFIX, focusProblem, type Located } from "./flowProblems";

export function ProblemList({
  checking,
  error,
  located,
}: {
  checking: boolean;
  error: string | null;
  located: Located[];
}) {
  const t = useIvrT();
  const summary = error
    ? `${t("ivr.checkFailed")} ${error}`
    : checking
      ? t("ivr.problemsChecking")
      : located.length === 0
        ? t("ivr.problemsNone")
        : fill(t("ivr.problemsCount"), { n: located.length });
  return (
    <section
      className="guichet-problems fr-p-2w"
      aria-labelledby={`${PREFIX}-problems-title`}
      data-testid="ivr-problems"
    >
      <h4 id={`${PREFIX}-problems-title`} className="fr-h6 fr-mb-1w">
        {t("ivr.problems")}
      </h4>
      <p className="fr-hint-text">{t("ivr.problemsHint")}</p>
      <p role="status" className="fr-text--sm fr-mb-1w">
        {located.length === 0 && !checking && !error ? (
          <span className="fr-icon-success-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
        ) : (
          located.length > 0 && (
            <span className="fr-icon-warning-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
          )
        )}
        {summary}
      </p>
      {located.length > 0 && (
        <ul className="fr-text--sm">
          {located.map((l, i) => (
            <li key={`${i} ${l.text}`}>
              <a
                className="fr-link fr-link--sm"
                href={`#${l.target}`}
                onClick={(event) => {
                  event.preventDefault();
                  focusProblem(l);
                }}
              >
                {l.text}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
