import type { Tx } from '../../db/client.js'
import { outboxEvents } from './sync.tables.js'

export const EVENT_TYPES = [
  'block.created',
  'block.updated',
  'block.deleted',
  'assessment.created',
  'assessment.updated',
  'assessment.deleted',
  'activity.created',
  'activity.updated',
  'activity.deleted',
  'checkin.created',
  'recommendations.changed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** Writes an event in the caller's transaction: it commits exactly when the change does. */
export async function recordEvent(
  tx: Tx,
  event: { type: EventType; studentId: string; resourceId: string; payload: Record<string, unknown> },
): Promise<void> {
  await tx.insert(outboxEvents).values(event)
}
