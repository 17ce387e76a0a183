// A queue's settings as the API gives them, and how its channel and its
// strategy read.
import type { AdminT } from "../texts";

export const QUEUE_CHANNELS = ["voice", "callback", "chat", "email", "sms", "social", "task"] as const;
export type QueueChannel = (typeof QUEUE_CHANNELS)[number];
export const STRATEGIES = ["longest_idle", "least_occupied", "most_skilled", "round_robin"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface EscalationStep {
  after_s: number;
  relax_levels?: number;
  drop_skill_ids?: number[];
  raise_priority?: number;
}

export interface QueueSettings {
  id: number;
  name: string;
  channel: QueueChannel;
  skills?: { skill_id: number; min_level?: number }[];
  priority?: number;
  sl_threshold_s?: number;
  sl_target?: number;
  strategy?: Strategy;
  wrapup_s?: number;
  max_wait_s?: number;
  max_length?: number;
  overflow_queue_id?: number;
  closed_queue_id?: number;
  callback_queue_id?: number;
  escalation?: EscalationStep[];
  hours?: string;
  calendar_id?: number;
  accept_when_closed?: boolean;
  // Voice queues only (the voice channel reads them; GET gives their defaults).
  announce_every_s?: number;
  record_calls?: boolean;
  recording_retention_days?: number;
  voicemail_queue_id?: number;
  voicemail_text?: string;
  voicemail_max_s?: number;
}

export type QueueBody = Omit<QueueSettings, "id">;

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
