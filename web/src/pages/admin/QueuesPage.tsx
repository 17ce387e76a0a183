// Queues: the table of them and an editor with every setting (queues/). A
// PUT replaces the whole queue, so the editor sends every setting it keeps;
// the engine applies the change at once, to what waits too.
import { useCallback, useState } from "react";
import { client, settle, type Queue, type Schemas } from "../../api";
import { AdminTable, RowActions } from "../../components/AdminTable";
import { EditorOrAdd, ListPageHead, byName, useListPage } from "../../components/listPage";
import { formatPercent, formatSpan } from "../../i18n";
import { QueueForm } from "./queues/QueueForm";
import { channelLabel, strategyLabel } from "./queues/queueSettings";
import { fill, useAdminT } from "./texts";

export function QueuesPage() {
  const t = useAdminT();
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [skills, setSkills] = useState<Schemas["Skill"][]>([]);
  const [calendars, setCalendars] = useState<Schemas["Calendar"][]>([]);

  const load = useCallback(async () => {
    const [q, s, c] = await Promise.all([
      settle(client.GET("/api/v1/queues")),
      settle(client.GET("/api/v1/skills")),
      settle(client.GET("/api/v1/calendars")),
    ]);
    if (s.ok) setSkills(byName(s.value));
    if (c.ok) setCalendars(byName(c.value));
    if (q.ok) setQueues(byName(q.value));
    return [q, s, c];
  }, []);

  // The queue in the editor (null: a new one).
  const page = useListPage<Queue | null>({
    load,
    openerId: (queue) => (queue ? `queue-${queue.id}-edit` : "queue-add"),
    path: "/api/v1/queues",
  });
  const { editor, open, remove } = page;

  const opening = (q: Queue) => {
    if (q.calendar_id) {
      const calendar = calendars.find((c) => c.id === q.calendar_id);
      return fill(t("queues.calendarCell"), { name: calendar?.name ?? `#${q.calendar_id}` });
    }
    return q.hours || t("queues.alwaysOpen");
  };

  return (
    <>
      <ListPageHead page={page} heading={t("admin.queues")} intro={t("queues.intro")} />

      <EditorOrAdd
        editing={editor.editing}
        id="queue-editor"
        title={(queue) => (queue ? `${t("queues.edit")} — ${queue.name}` : t("queues.new"))}
        add={{ id: "queue-add", label: t("queues.add"), onClick: () => open(null) }}
      >
        {(queue) => (
          <QueueForm
            queue={queue}
            queues={queues ?? []}
            skills={skills}
            calendars={calendars}
            onSaved={editor.saved}
            onClose={editor.close}
          />
        )}
      </EditorOrAdd>

      <AdminTable
        caption={t("queues.caption")}
        columns={[
          t("common.name"),
          t("queues.channel"),
          t("queues.strategy"),
          t("queues.sl"),
          t("queues.hours"),
          t("common.actions"),
        ]}
        items={queues}
        row={(q) => (
          <tr>
            <th scope="row">{q.name}</th>
            <td>
              {channelLabel(t, q.channel)}
              {q.channel === "voice" && q.record_calls && ` — ${t("queues.recordedCell")}`}
            </td>
            <td>{strategyLabel(t, q.strategy)}</td>
            <td>
              {fill(t("queues.slCell"), {
                target: formatPercent(q.sl_target),
                threshold: formatSpan(q.sl_threshold_s),
              })}
            </td>
            <td>{opening(q)}</td>
            <td>
              <RowActions
                idPrefix={`queue-${q.id}`}
                name={q.name}
                onEdit={() => open(q)}
                onDelete={() => remove(q)}
              />
            </td>
          </tr>
        )}
      />
    </>
  );
}
