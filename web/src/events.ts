// The real-time events of /api/v1/events: one WebSocket per tab, reconnected
// with the last id seen so that nothing is missed; a "reset" (too far behind)
// tells the pages to reload their data.

export interface LiveEvent {
  id: number;
  type: string;
  at: string;
  interaction_id?: number;
  channel?: string;
  citizen_id?: number;
  agent_id?: number;
  queue_id?: number;
  offer_id?: number;
  deadline?: string;
  state?: string;
  reason?: string;
  colleague_id?: number; // transfer_bounced: the colleague who did not take it
  [field: string]: unknown;
}

type Listener = (event: LiveEvent) => void;

export class LiveEvents {
  private socket: WebSocket | null = null;
  private lastId = 0;
  private listeners = new Set<Listener>();
  private retryMs = 500;
  private closed = false;
  private timer: number | undefined;
  connected = false;
  onStatus: (connected: boolean) => void = () => {};

  start(): void {
    this.closed = false;
    this.open();
  }

  stop(): void {
    this.closed = true;
    window.clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = this.lastId > 0 ? `?last_event_id=${this.lastId}` : "";
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/events${query}`);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 500;
      this.setConnected(true);
    };
    socket.onmessage = (message) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(String(message.data)) as LiveEvent;
      } catch {
        return;
      }
      if (typeof event.id === "number" && event.id > this.lastId) this.lastId = event.id;
      if (event.type === "reset") this.lastId = 0;
      for (const listener of this.listeners) listener(event);
    };
    socket.onclose = () => {
      this.setConnected(false);
      if (this.closed || this.socket !== socket) return;
      this.timer = window.setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    this.onStatus(connected);
  }
}

export const liveEvents = new LiveEvents();
