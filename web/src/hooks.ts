import { useEffect, useRef, useState } from "react";
import { getBlob, type ApiError } from "./api";
import { liveEvents, type LiveEvent } from "./events";

// Re-renders every `ms` (countdowns, times in state).
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

// Calls `reload` at once, then after live events that `matters` — at most
// once per `coalesceMs`, so that a burst of events costs one reload.
export function useLiveReload(
  reload: () => void,
  matters: (event: LiveEvent) => boolean,
  coalesceMs = 250,
): void {
  const reloadRef = useRef(reload);
  const mattersRef = useRef(matters);
  reloadRef.current = reload;
  mattersRef.current = matters;
  useEffect(() => {
    reloadRef.current();
    let timer: number | undefined;
    const unsubscribe = liveEvents.subscribe((event) => {
      if (event.type !== "reset" && !mattersRef.current(event)) return;
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        reloadRef.current();
      }, coalesceMs);
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [coalesceMs]);
}

// Whether the live connection is up.
export function useLiveStatus(): boolean {
  const [connected, setConnected] = useState(liveEvents.connected);
  useEffect(() => {
    liveEvents.onStatus = setConnected;
    return () => {
      liveEvents.onStatus = () => {};
    };
  }, []);
  return connected;
}

// A recording's or voicemail's audio (see getBlob) as an object URL for an
// <audio>, fetched with the session: null while it loads, or the reason it
// could not. The URL is revoked, and a download in flight stopped, when the
// audio changes or the reader goes away.
export type BlobUrl = { url: string } | { error: ApiError };

export function useBlobUrl(of: "prompt" | "interaction", id: number): BlobUrl | null {
  const key = `${of} ${id}`;
  const [loaded, setLoaded] = useState<{ key: string; blob: BlobUrl } | null>(null);
  useEffect(() => {
    const stop = new AbortController();
    let url: string | null = null;
    const audio = of === "prompt" ? { prompt: id } : { interaction: id };
    void getBlob(audio, stop.signal).then((result) => {
      if (stop.signal.aborted) return;
      if (!result.ok) {
        setLoaded({ key, blob: { error: result.error } });
        return;
      }
      url = URL.createObjectURL(result.value);
      setLoaded({ key, blob: { url } });
    });
    return () => {
      stop.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [of, id, key]);
  // What was loaded for an earlier audio is gone (its URL revoked).
  return loaded?.key === key ? loaded.blob : null;
}
