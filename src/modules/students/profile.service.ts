import type { Db } from '../../db/client.js'
import { notFound, unprocessable, type FieldError } from '../../http/errors.js'
import { DAY_RANGE, inDayRange } from '../analytics/dates.js'
import { findProfile, lockStudent, type ProfileRow, saveProfile } from './profile.repository.js'
import type { PatchProfileBody } from './profile.schemas.js'

/**
 * Cross-field rules checked on the merged profile (body over stored values), so a PATCH of one
 * date is judged against the other one already stored. Pure.
 */
export function profileInconsistencies(p: {
  prepStartDate: string | null
  examDate: string | null
}): FieldError[] {
  const errors: FieldError[] = []
  if (p.prepStartDate && p.examDate && p.examDate <= p.prepStartDate)
    errors.push({
      in: 'body',
      path: '/examDate',
      message: `examDate ${p.examDate} must be after prepStartDate ${p.prepStartDate}`,
    })
  return errors
}

/** Dates sent that the analytics could not reason about (e.g. year 0050: every analytics call would fail). */
export function datesOutOfRange(body: PatchProfileBody): FieldError[] {
  return (['prepStartDate', 'examDate', 'erasSubmissionDate'] as const).flatMap((field) => {
    const value = body[field]
    return typeof value === 'string' && !inDayRange(value)
      ? [
          {
            in: 'body',
            path: `/${field}`,
            message: `${field} must be between ${DAY_RANGE.min} and ${DAY_RANGE.max}`,
          },
        ]
      : []
  })
}

export async function patchProfile(db: Db, studentId: string, body: PatchProfileBody): Promise<ProfileRow> {
  await db.transaction(async (tx) => {
    await lockStudent(tx, studentId)
    const current = await findProfile(tx, studentId)
    if (!current) throw notFound('student', studentId)
    const fields = {
      prepStartDate: body.prepStartDate !== undefined ? body.prepStartDate : current.prepStartDate,
      examDate: body.examDate !== undefined ? body.examDate : current.examDate,
      erasSubmissionDate:
        body.erasSubmissionDate !== undefined ? body.erasSubmissionDate : current.erasSubmissionDate,
      targetScore: body.targetScore !== undefined ? body.targetScore : current.targetScore,
      examScore: body.examScore !== undefined ? body.examScore : current.examScore,
      studyMode: body.studyMode ?? current.studyMode,
      studyDaysPerWeek: body.studyDaysPerWeek ?? current.studyDaysPerWeek,
    }
    const errors = [...datesOutOfRange(body), ...profileInconsistencies(fields)]
    if (errors.length > 0)
      throw unprocessable('profile.inconsistent', errors.map((e) => e.message).join('; '), errors)
    await saveProfile(tx, studentId, {
      fields,
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(body.qbanks !== undefined ? { qbanks: body.qbanks } : {}),
    })
  })
  const saved = await findProfile(db, studentId)
  if (!saved) throw notFound('student', studentId)
  return saved
}
