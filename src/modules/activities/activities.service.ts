import type { Tx } from '../../db/client.js'
import { notFound, unprocessable } from '../../http/errors.js'
import { DEFAULT_SOURCE } from '../assessments/assessments.service.js'
import type { StoredResponse } from '../sync/idempotency.js'
import { recordEvent } from '../sync/outbox.js'
import {
  findActivity,
  findActivityForUpdate,
  softDeleteActivity,
  updateActivity,
  upsertActivity,
} from './activities.repository.js'
import type { Activity, CreateActivityBody, PatchActivityBody } from './activities.schemas.js'
import { type ActivityInput, type NormalizedActivity, normalizeActivity } from './activities.validation.js'

function normalizedOrThrow(input: ActivityInput, now: Date): NormalizedActivity {
  const result = normalizeActivity(input, now)
  if (!result.ok)
    throw unprocessable(
      'activity.inconsistent',
      result.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      result.errors,
    )
  return result.activity
}

const eventPayload = (
  studentId: string,
  activityId: string,
  a: { source: string; externalId: string | null; type: string; date: string },
) => ({ studentId, activityId, source: a.source, externalId: a.externalId, type: a.type, date: a.date })

async function reload(tx: Tx, studentId: string, activityId: string): Promise<Activity> {
  const activity = await findActivity(tx, { studentId, activityId })
  if (!activity) throw new Error(`activity ${activityId} vanished inside its own transaction`)
  return activity
}

/** POST /activities: 201 for a new activity, 200 when (source, externalId) named an existing one. */
export async function logActivity(
  tx: Tx,
  studentId: string,
  body: CreateActivityBody,
  now: Date,
): Promise<StoredResponse> {
  const activity = normalizedOrThrow({ ...body, source: body.source ?? DEFAULT_SOURCE }, now)
  const { activityId, created } = await upsertActivity(tx, studentId, activity)
  await recordEvent(tx, {
    type: created ? 'activity.created' : 'activity.updated',
    studentId,
    resourceId: activityId,
    payload: eventPayload(studentId, activityId, activity),
  })
  return { status: created ? 201 : 200, body: await reload(tx, studentId, activityId) }
}

export async function changeActivity(
  tx: Tx,
  studentId: string,
  activityId: string,
  patch: PatchActivityBody,
  now: Date,
): Promise<StoredResponse> {
  const current = await findActivityForUpdate(tx, { studentId, activityId })
  if (!current) throw notFound('activity', activityId)
  const merged = normalizedOrThrow(
    {
      source: current.source,
      externalId: current.externalId,
      type: patch.type ?? current.type,
      date: patch.date ?? current.date,
      minutes: patch.minutes ?? current.minutes,
      systems: patch.systems ?? current.systems,
      blocks: patch.blocks === undefined ? current.blocks : patch.blocks,
      note: patch.note === undefined ? current.note : patch.note,
    },
    now,
  )
  await updateActivity(tx, studentId, activityId, merged)
  await recordEvent(tx, {
    type: 'activity.updated',
    studentId,
    resourceId: activityId,
    payload: eventPayload(studentId, activityId, merged),
  })
  return { status: 200, body: await reload(tx, studentId, activityId) }
}

export async function deleteActivity(tx: Tx, studentId: string, activityId: string): Promise<StoredResponse> {
  const deleted = await softDeleteActivity(tx, studentId, activityId)
  if (!deleted) throw notFound('activity', activityId)
  await recordEvent(tx, {
    type: 'activity.deleted',
    studentId,
    resourceId: activityId,
    payload: eventPayload(studentId, activityId, deleted),
  })
  return { status: 204, body: null }
}
