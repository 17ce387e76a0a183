// The figures a chart draws, as a table folded under "see as a table": a
// chart alone (a canvas) says nothing to a screen reader nor to someone who
// wants the exact numbers, so every chart of the reports and the simulation
// is followed by this one table, built the same way. The columns are always
// the interval then the traffic figures; a caller may add columns after them.
import type { ReactNode } from "react";
import { useT } from "../i18n";

export interface FiguresRow {
  key: string | number;
  // The row header (the interval), then one cell per remaining column.
  head: ReactNode;
  cells: ReactNode[];
}

export function FiguresTable({
  caption,
  moreColumns = [],
  rows,
}: {
  // Read by screen readers only: the chart's title above already shows it.
  caption: string;
  moreColumns?: string[];
  rows: FiguresRow[];
}) {
  const { t } = useT();
  const columns = [
    t("reports.interval"),
    t("wall.offered"),
    t("wall.answered"),
    t("wall.abandoned"),
    t("wall.sl"),
    ...moreColumns,
  ];
  return (
    <details className="fr-mt-2w">
      <summary>{t("reports.asTable")}</summary>
      <div className="fr-table fr-table--bordered">
        <table>
          <caption className="fr-sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column, i) => (
                <th key={i} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.head}</th>
                {row.cells.map((cell, i) => (
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
