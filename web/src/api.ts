// The Guichet REST API (/api/v1) as the pages use it, typed from
// docs/openapi.json: api/schema.d.ts is generated from it at each build
// (web/tools/openapi), and every call goes through openapi-fetch's client,
// which checks its path, parameters, body and answer against those types —
// a page that drifts from the document fails `tsc`. The session cookie is
// set at login, the CSRF token sent on every change, errors are values.
import createClient, { createQuerySerializer } from "openapi-fetch";
import type { components, paths } from "./api/schema";

export type Schemas = components["schemas"];
export type Role = Schemas["User"]["role"];
export type User = Schemas["User"];

export interface ApiError {
  status: number;
  code: string;
  message: string;
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const CSRF_KEY = "guichet.csrf";

export function csrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

// The API, typed: `settle(client.GET("/api/v1/agents/{id}", { params: { path: { id } } }))`.
// Its answers are read as JSON (a report also given as CSV is a JSON one
// here: the CSV is a download link, see trafficCsvHref; audio, see getBlob).
export const client = createClient<paths, `${string}/json`>({ credentials: "same-origin" });
client.use({
  onRequest({ request }) {
    request.headers.set("Accept", "application/json");
    const csrf = csrfToken();
    if (request.method !== "GET" && csrf) request.headers.set("X-CSRF-Token", csrf);
    return request;
  },
});

const NETWORK: ApiError = { status: 0, code: "network", message: "network" };

// An answer of the client as a Result: its body, or the API's error
// ({"error":{"code","message","field"}}), or the HTTP status, or "network".
export async function settle<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Result<T>> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await pending;
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    return { ok: false, error: NETWORK };
  }
  const { data, error, response } = answer;
  if (response.ok) return { ok: true, value: data as T };
  const body = (error as { error?: Partial<ApiError> } | null | undefined)?.error ?? {};
  return {
    ok: false,
    error: {
      status: response.status,
      code: body.code ?? "http_" + response.status,
      message: body.message ?? response.statusText,
      field: body.field,
    },
  };
}

// An uploaded recording: the audio file is the request's body itself.
export function uploadRecording(name: string, file: Blob, type: string) {
  return settle(
    client.POST("/api/v1/prompts", {
      params: { query: { name } },
      body: file,
      bodySerializer: (body) => body, // as it is, not as JSON
      headers: { "Content-Type": type },
    }),
  );
}

// The operator's logo: the image is the request's body itself.
export function uploadLogo(file: Blob) {
  return settle(
    client.PUT("/api/v1/identity/logo", {
      body: file as never,
      bodySerializer: (body) => body, // as it is, not as JSON
      headers: { "Content-Type": file.type || "application/octet-stream" },
    }),
  );
}

// A file the agent sends with an email reply: the file is the body itself.
export function uploadReplyFile(interaction: number, file: File) {
  return settle(
    client.POST("/api/v1/interactions/{id}/attachments", {
      params: { path: { id: interaction }, query: { name: file.name } },
      body: file as never,
      bodySerializer: (body) => body, // as it is, not as JSON
      headers: { "Content-Type": "application/octet-stream" },
    }),
  );
}

// A recording's or voicemail's audio, with the session cookie; `signal`
// stops the download when its reader goes away.
export async function getBlob(
  audio: { prompt: number } | { interaction: number },
  signal?: AbortSignal,
): Promise<Result<Blob>> {
  try {
    return await settle<Blob>(
      "prompt" in audio
        ? client.GET("/api/v1/prompts/{id}/audio", {
            params: { path: { id: audio.prompt } },
            parseAs: "blob",
            signal,
          })
        : client.GET("/api/v1/interactions/{id}/recording", {
            params: { path: { id: audio.interaction } },
            parseAs: "blob",
            signal,
          }),
    );
  } catch {
    return { ok: false, error: NETWORK }; // stopped
  }
}

// The documents kept as lists with an editor, each at `${path}/{id}`.
export type DocumentPath =
  | "/api/v1/skills"
  | "/api/v1/queues"
  | "/api/v1/wrapup-codes"
  | "/api/v1/pause-reasons"
  | "/api/v1/calendars"
  | "/api/v1/canned-responses"
  | "/api/v1/ivr-flows"
  | "/api/v1/prompts"
  | "/api/v1/articles"
  | "/api/v1/mailboxes";

export function removeDocument(path: DocumentPath, id: number): Promise<Result<undefined>> {
  return settle(client.DELETE(`${path}/{id}`, { params: { path: { id } } }));
}

// The traffic report as a CSV file, for a download link (the browser sends
// the cookie): its query serialised as the client serialises it.
export type TrafficQuery = NonNullable<
  paths["/api/v1/reports/traffic"]["get"]["parameters"]["query"]
>;

// "csv-fr": for a French spreadsheet (semicolons, BOM, French headers);
// "csv": for machines.
export function trafficCsvHref(
  query: Omit<TrafficQuery, "format">,
  format: "csv" | "csv-fr",
): string {
  const path = "/api/v1/reports/traffic" satisfies keyof paths;
  return `${path}?${createQuerySerializer<TrafficQuery>()({ ...query, format })}`;
}

export async function login(username: string, password: string): Promise<Result<User>> {
  const result = await settle(client.POST("/api/v1/session", { body: { username, password } }));
  if (!result.ok) return result;
  sessionStorage.setItem(CSRF_KEY, result.value.csrf_token);
  return { ok: true, value: result.value.user };
}

export async function logout(): Promise<void> {
  await settle(client.DELETE("/api/v1/session"));
  sessionStorage.removeItem(CSRF_KEY);
}

// Who is logged in (the cookie may outlive the page), or null.
export async function whoami(): Promise<User | null> {
  if (!csrfToken()) return null; // the CSRF token is per tab: log in again
  const result = await settle(client.GET("/api/v1/session"));
  return result.ok ? result.value.user : null;
}

// ---- the resources the pages show (the document's schemas) ------------------

// An interaction's channel ("callback": a call turned into one, kept in its
// place); CHANNELS, those an agent has a capacity for in the editor.
export type Channel = Schemas["Interaction"]["channel"];
export const CHANNELS: Channel[] = ["voice", "chat", "email", "sms", "social", "task"];

export interface Named {
  id: number;
  name: string;
}
export type SkillLevel = NonNullable<Schemas["AgentInput"]["skills"]>[number];
export type AgentProfile = Schemas["Agent"];
export type Queue = Schemas["Queue"];
export type Offer = Schemas["Offer"];
export type TimelineEvent = Schemas["TimelineEvent"];
export type Interaction = Schemas["Interaction"];
export type InteractionRecord = Schemas["InteractionRecord"];
export type TrafficReport = Schemas["TrafficReport"];
export type TrafficRow = Schemas["TrafficRow"];
export type AgentTrafficRow = Schemas["AgentTrafficRow"];
// A row of a report by queue or channel (a report by agent has others).
export const isTrafficRow = (row: TrafficRow | AgentTrafficRow): row is TrafficRow =>
  "offered" in row;
export type QueueFigures = Schemas["QueueFigures"];
export type AgentFigures = Schemas["AgentFigures"];
export type Contact = Schemas["Contact"];
export type Citizen = Schemas["Citizen"];
export type Identity = Schemas["Identity"];
export type CitizenView = Schemas["CitizenView"];
export type CitizenInteraction = Schemas["CitizenInteraction"];
