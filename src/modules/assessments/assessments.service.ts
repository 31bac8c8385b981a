import type { Db, Tx } from '../../db/client.js'
import { badRequest, notFound, unprocessable } from '../../http/errors.js'
import { normalizeForm } from '../../reference/index.js'
import type { StoredResponse } from '../sync/idempotency.js'
import { recordEvent } from '../sync/outbox.js'
import type { ListQuery } from '../sync/pagination.js'
import {
  findAssessment,
  findAssessmentForUpdate,
  listAssessments,
  softDeleteAssessment,
  updateAssessment,
  upsertAssessment,
} from './assessments.repository.js'
import type { Assessment, CreateAssessmentBody, PatchAssessmentBody } from './assessments.schemas.js'
import {
  type AssessmentInput,
  type NormalizedAssessment,
  normalizeAssessment,
} from './assessments.validation.js'

/** Records a client sends without a source are typed in by hand. */
export const DEFAULT_SOURCE = 'manual'

function normalizedOrThrow(input: AssessmentInput, now: Date): NormalizedAssessment {
  const result = normalizeAssessment(input, now)
  if (!result.ok)
    throw unprocessable(
      'assessment.inconsistent',
      result.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      result.errors,
    )
  return result.assessment
}

const eventPayload = (
  studentId: string,
  assessmentId: string,
  a: { source: string; externalId: string | null; form: string },
) => ({ studentId, assessmentId, source: a.source, externalId: a.externalId, form: a.form })

async function reload(tx: Tx, studentId: string, assessmentId: string): Promise<Assessment> {
  const assessment = await findAssessment(tx, { studentId, assessmentId })
  if (!assessment) throw new Error(`assessment ${assessmentId} vanished inside its own transaction`)
  return assessment
}

/** POST /assessments: 201 for a new assessment, 200 when (source, externalId) named an existing one. */
export async function logAssessment(
  tx: Tx,
  studentId: string,
  body: CreateAssessmentBody,
  now: Date,
): Promise<StoredResponse> {
  const assessment = normalizedOrThrow({ ...body, source: body.source ?? DEFAULT_SOURCE }, now)
  const { assessmentId, created } = await upsertAssessment(tx, studentId, assessment)
  await recordEvent(tx, {
    type: created ? 'assessment.created' : 'assessment.updated',
    studentId,
    resourceId: assessmentId,
    payload: eventPayload(studentId, assessmentId, assessment),
  })
  return { status: created ? 201 : 200, body: await reload(tx, studentId, assessmentId) }
}

const merge = <T>(patched: T | null | undefined, current: T | null): T | null | undefined =>
  patched === undefined ? current : patched

export async function changeAssessment(
  tx: Tx,
  studentId: string,
  assessmentId: string,
  patch: PatchAssessmentBody,
  now: Date,
): Promise<StoredResponse> {
  const current = await findAssessmentForUpdate(tx, { studentId, assessmentId })
  if (!current) throw notFound('assessment', assessmentId)
  const merged = normalizedOrThrow(
    {
      source: current.source,
      externalId: current.externalId,
      form: patch.form ?? current.form,
      label: merge(patch.label, current.label),
      takenAt: patch.takenAt ?? current.takenAt,
      score: merge(patch.score, current.score),
      percentCorrect: merge(patch.percentCorrect, current.percentCorrect),
      examConditions: patch.examConditions ?? current.examConditions,
      // Stored rows keep their level; a new list is normalised from its labels.
      systems: merge(patch.systems, current.systems),
      note: merge(patch.note, current.note),
    },
    now,
  )
  await updateAssessment(tx, studentId, assessmentId, merged)
  await recordEvent(tx, {
    type: 'assessment.updated',
    studentId,
    resourceId: assessmentId,
    payload: eventPayload(studentId, assessmentId, merged),
  })
  return { status: 200, body: await reload(tx, studentId, assessmentId) }
}

export async function deleteAssessment(
  tx: Tx,
  studentId: string,
  assessmentId: string,
): Promise<StoredResponse> {
  const deleted = await softDeleteAssessment(tx, studentId, assessmentId)
  if (!deleted) throw notFound('assessment', assessmentId)
  await recordEvent(tx, {
    type: 'assessment.deleted',
    studentId,
    resourceId: assessmentId,
    payload: eventPayload(studentId, assessmentId, deleted),
  })
  return { status: 204, body: null }
}

/** GET /assessments: the ?form= filter takes the same names as the body, so it is normalised first. */
export async function listAssessmentPage(
  db: Db,
  params: { studentId: string; timezone: string; query: ListQuery & { form?: string | undefined } },
) {
  const { form } = params.query
  if (form === undefined) return listAssessments(db, params)
  const normalized = normalizeForm(form)
  if (!normalized.ok)
    throw badRequest('request.invalid', `Unknown form "${form}"`, [
      {
        in: 'querystring',
        path: '/form',
        message: `unknown form "${form}"; accepted: ${normalized.accepted.join(', ')}`,
      },
    ])
  return listAssessments(db, { ...params, query: { ...params.query, form: normalized.id } })
}
