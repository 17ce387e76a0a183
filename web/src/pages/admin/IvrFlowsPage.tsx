// IVR flows (SVI): what the callers of a service number hear and choose
// before reaching a queue. The table of flows, and an editor of a flow's
// steps with, beside it, the problems the server finds in the flow as it is
// typed (ivr/). Below, the recordings a step may say instead of a
// synthesised text.
import { useCallback, useState } from "react";
import { client, settle, type Queue, type Schemas } from "../../api";
import { AdminTable, RowActions } from "../../components/AdminTable";
import { EditorOrAdd, ListPageHead, byName, useListPage } from "../../components/listPage";
import { FlowEditor } from "./ivr/FlowEditor";
import { PREFIX } from "./ivr/flowProblems";
import { RecordingsSection } from "./ivr/Recordings";
import { useIvrT } from "./ivr/ivrTexts";

export function IvrFlowsPage() {
  const t = useIvrT();
  const [flows, setFlows] = useState<Schemas["IvrFlow"][] | null>(null);
  const [queues, setQueues] = useState<Queue[]>([]);
  const [calendars, setCalendars] = useState<Schemas["Calendar"][]>([]);
  const [recordings, setRecordings] = useState<Schemas["Prompt"][] | null>(null);

  const load = useCallback(async () => {
    const [f, q, c, r] = await Promise.all([
      settle(client.GET("/api/v1/ivr-flows")),
      settle(client.GET("/api/v1/queues")),
      settle(client.GET("/api/v1/calendars")),
      settle(client.GET("/api/v1/prompts")),
    ]);
    if (q.ok) setQueues(byName(q.value));
    if (c.ok) setCalendars(byName(c.value));
    if (r.ok) setRecordings(byName(r.value));
    if (f.ok) setFlows(byName(f.value));
    return [f, q, c, r];
  }, []);

  // The flow in the editor (null: a new one).
  const page = useListPage<Schemas["IvrFlow"] | null>({
    load,
    openerId: (flow) => (flow ? `ivr-${flow.id}-edit` : "ivr-add"),
    path: "/api/v1/ivr-flows",
  });
  const { editor, open, remove, reload } = page;

  return (
    <>
      <ListPageHead page={page} heading={t("admin.ivr")} intro={t("ivr.intro")} />

      <EditorOrAdd
        editing={editor.editing}
        id={PREFIX}
        title={(flow) => (flow ? `${t("ivr.edit")} — ${flow.name}` : t("ivr.new"))}
        add={{ id: "ivr-add", label: t("ivr.add"), onClick: () => open(null) }}
      >
        {(flow) => (
          <FlowEditor
            flow={flow}
            queues={queues}
            calendars={calendars}
            recordings={recordings ?? []}
            onSaved={editor.saved}
            onClose={editor.close}
          />
        )}
      </EditorOrAdd>

      <AdminTable
        caption={t("ivr.caption")}
        columns={[
          t("common.name"),
          t("ivr.number"),
          t("ivr.version"),
          t("ivr.stepCount"),
          t("common.actions"),
        ]}
        items={flows}
        row={(f) => (
          <tr data-flow={f.name}>
            <th scope="row">{f.name}</th>
            <td>{f.number}</td>
            <td data-field="version">{f.version}</td>
            <td data-field="steps">{f.steps.length}</td>
            <td>
              <RowActions
                idPrefix={`ivr-${f.id}`}
                name={f.name}
                onEdit={() => open(f)}
                onDelete={() => remove(f)}
              />
            </td>
          </tr>
        )}
      />

      <RecordingsSection recordings={recordings} onChanged={reload} />
    </>
  );
}
