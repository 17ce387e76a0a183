// A queue's settings as the API takes them (the document's QueueInput; it
// reads them back as a Queue, the defaults filled in), and how its channel
// and its strategy read.
import type { Schemas } from "../../../api";
import type { AdminT } from "../texts";

export type QueueBody = Schemas["QueueInput"];
export type QueueChannel = QueueBody["channel"];
export type Strategy = NonNullable<QueueBody["strategy"]>;
export type EscalationStep = NonNullable<QueueBody["escalation"]>[number];

export const QUEUE_CHANNELS = [
  "voice",
  "callback",
  "chat",
  "email",
  "sms",
  "social",
  "task",
] as const satisfies readonly QueueChannel[];
export const STRATEGIES = [
  "longest_idle",
  "least_occupied",
  "most_skilled",
  "round_robin",
] as const satisfies readonly Strategy[];

export const MAX_PRIORITY = 1_000_000; // as the engine checks

export function channelLabel(t: AdminT, channel: string): string {
  return (QUEUE_CHANNELS as readonly string[]).includes(channel)
    ? t(`channel.${channel as QueueChannel}`)
    : channel;
}

export function strategyLabel(t: AdminT, strategy: string): string {
  return (STRATEGIES as readonly string[]).includes(strategy)
    ? t(`strategy.${strategy as Strategy}`)
    : strategy;
}
