// The Guichet REST API (/api/v1) as the pages use it: the session cookie set
// at login, the CSRF token sent on every change, errors as values.

export type Role = "agent" | "supervisor" | "admin";
export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
}

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

export function call<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  if (body === undefined) return send<T>(method, path);
  return send<T>(method, path, { type: "application/json", data: JSON.stringify(body) });
}

// A file sent as the request's body itself, not wrapped in JSON (an uploaded
// recording: POST /api/v1/prompts?name=…), with the session and CSRF token
// as every change.
export function upload<T>(path: string, file: Blob, type: string): Promise<Result<T>> {
  return send<T>("POST", path, { type, data: file });
}

async function send<T>(
  method: string,
  path: string,
  body?: { type: string; data: string | Blob },
): Promise<Result<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body) headers["Content-Type"] = body.type;
  const csrf = csrfToken();
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body?.data,
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "network" } };
  }
  if (response.status === 204) return { ok: true, value: undefined as T };
  if (!response.ok) return { ok: false, error: await errorOf(response) };
  try {
    return { ok: true, value: (await response.json()) as T };
  } catch {
    return { ok: true, value: null as T };
  }
}

// A binary resource (a voicemail's audio) as a Blob, with the session cookie;
// `signal` stops the download when its reader goes away.
export async function getBlob(path: string, signal?: AbortSignal): Promise<Result<Blob>> {
  try {
    const response = await fetch(path, { credentials: "same-origin", signal });
    if (!response.ok) return { ok: false, error: await errorOf(response) };
    return { ok: true, value: await response.blob() };
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "network" } };
  }
}

// The API's error ({"error":{"code","message","field"}}), or the HTTP status.
async function errorOf(response: Response): Promise<ApiError> {
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  const error = (json as { error?: Partial<ApiError> } | null)?.error ?? {};
  return {
    status: response.status,
    code: error.code ?? "http_" + response.status,
    message: error.message ?? response.statusText,
    field: error.field,
  };
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => call<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown) => call<T>("PUT", path, body);
export const del = (path: string) => call<void>("DELETE", path);

export async function login(username: string, password: string): Promise<Result<User>> {
  const result = await call<{ csrf_token: string; user: User }>("POST", "/api/v1/session", {
    username,
    password,
  });
  if (!result.ok) return result;
  sessionStorage.setItem(CSRF_KEY, result.value.csrf_token);
  return { ok: true, value: result.value.user };
}

export async function logout(): Promise<void> {
  await call("DELETE", "/api/v1/session");
  sessionStorage.removeItem(CSRF_KEY);
}

// Who is logged in (the cookie may outlive the page), or null.
export async function whoami(): Promise<User | null> {
  if (!csrfToken()) return null; // the CSRF token is per tab: log in again
  const result = await get<{ user: User }>("/api/v1/session");
  return result.ok ? result.value.user : null;
}

// ---- the resources the pages show -------------------------------------------

// An interaction's channel ("callback": a call turned into one, kept in its
// place); CHANNELS, those an agent has a capacity for in the editor.
export type Channel = "voice" | "callback" | "chat" | "email" | "sms" | "social" | "task";
export const CHANNELS: Channel[] = ["voice", "chat", "email", "sms", "social", "task"];

export interface Named {
  id: number;
  name: string;
}
export interface SkillLevel {
  skill_id: number;
  level: number;
}
export interface AgentProfile {
  id: number;
  name: string;
  skills: SkillLevel[];
  capacity: Partial<Record<Channel, number>>;
  phone?: string;
}
export interface Queue {
  id: number;
  name: string;
  channel: Channel;
  [setting: string]: unknown;
}
export interface Offer {
  id: number;
  interaction_id: number;
  queue_id: number;
  channel: Channel;
  citizen_id: number;
  citizen_name?: string;
  deadline: string;
}
export interface TimelineEvent {
  sequence: number;
  at: string;
  type: string;
  data: Record<string, unknown>;
}
export interface Interaction {
  id: number;
  channel: Channel;
  queue_id: number;
  citizen_id: number;
  priority: number;
  attributes: Record<string, string>;
  enqueued_at: string;
  status: string;
  ended_at?: string;
  phase?: string;
  agent_id?: number;
  timeline?: TimelineEvent[];
  wrapup_code?: string; // in a citizen's view
  notes?: { at: string; agent_id: number; note: string }[];
}
// A row of GET /api/v1/reports/traffic (by queue or agent, per interval).
export interface TrafficRow {
  start: string;
  key: string;
  name: string;
  offered?: number;
  answered?: number;
  answered_in_threshold?: number;
  abandoned?: number;
  service_level?: number | null;
  asa_s?: number;
  offers?: number;
  accepted?: number;
  missed?: number;
  completed?: number;
}

export interface QueueFigures {
  queue_id: number;
  name: string;
  waiting: number;
  longest_wait_s: number;
  ready_agents: number;
  offered_today: number;
  answered_today: number;
  abandoned_today: number;
  service_level_today: number;
  service_level_target: number;
  asa_s: number;
}
export interface AgentFigures {
  agent_id: number;
  name: string;
  state: string;
  reason: string;
  state_since?: string;
  time_in_state_s: number;
  interactions_in_hand: number;
  offered_today: number;
  handled_today: number;
  missed_today: number;
}
export interface Contact {
  kind: string;
  value: string;
}
export interface CitizenView {
  id: number;
  name: string;
  contacts: Contact[];
  merged_into?: number;
  interactions?: Interaction[];
}
