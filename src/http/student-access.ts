import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/client.js'
import { findGrant } from '../modules/advisors/grants.repository.js'
import { findUser } from '../modules/users/users.repository.js'
import type { Caller } from '../modules/users/users.repository.js'
import { callerOf, hasScope, isAdmin } from './auth.js'
import { forbidden, notFound } from './errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The student whose data the route touches, after the access check. */
    studentId: string
    /** That student's IANA time zone: decides its days and weeks. */
    studentTimezone: string
  }
}

export type Access = 'read' | 'write'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The one place that decides whether a caller may read or write a student's data.
 * - the student itself: with progress:read to read, progress:write to write (403 without);
 * - an advisor the student granted access: read with mentees:read (403 without, and 403 on writes);
 * - an admin token (role admin + admin scope): read and write;
 * - everyone else: 404, so nobody learns which student ids exist.
 * Returns the resolved student id (`me` → the caller's own id).
 */
export async function authorizeStudent(
  db: Db,
  caller: Caller,
  studentIdParam: string,
  access: Access,
): Promise<{ studentId: string; timezone: string }> {
  const hidden = () => notFound('student', studentIdParam)
  const studentId = studentIdParam === 'me' ? caller.userId : studentIdParam
  if (!UUID.test(studentId)) throw hidden()
  const studentId_ = studentId.toLowerCase()

  if (studentId_ === caller.userId) {
    if (caller.role !== 'student') throw hidden()
    const scope = access === 'read' ? 'progress:read' : 'progress:write'
    if (!hasScope(caller, scope))
      throw forbidden('auth.scope_missing', `This needs a token with the ${scope} scope`)
    return { studentId: studentId_, timezone: caller.timezone }
  }
  if (caller.role === 'advisor') {
    const grant = await findGrant(db, { studentId: studentId_, advisorId: caller.userId })
    // Without a grant the advisor may not learn the student exists.
    if (!grant) throw hidden()
    if (!hasScope(caller, 'mentees:read'))
      throw forbidden('auth.scope_missing', 'Reading a mentee needs a token with the mentees:read scope')
    if (access === 'write')
      throw forbidden('auth.read_only', "Advisors read their mentees' data; they never write it")
    return { studentId: studentId_, timezone: grant.timezone }
  }
  if (isAdmin(caller)) {
    const user = await findUser(db, studentId_)
    if (user?.role !== 'student') throw hidden()
    return { studentId: studentId_, timezone: user.timezone }
  }
  throw hidden()
}

export const accessFor = (req: FastifyRequest): Access =>
  req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write'

/**
 * preParsing hook for the `/v1/students/:studentId` scope: every student route is registered
 * inside it, so none can skip the check. Runs after the rate limiter and before the body is read
 * and validated, so a stranger learns nothing from validation errors either.
 */
export function studentAccessHook(db: Db) {
  return async (req: FastifyRequest) => {
    const params = req.params as { studentId?: string }
    const { studentId, timezone } = await authorizeStudent(
      db,
      callerOf(req),
      params.studentId ?? '',
      accessFor(req),
    )
    req.studentId = studentId
    req.studentTimezone = timezone
  }
}
