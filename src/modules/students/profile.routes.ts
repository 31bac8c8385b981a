import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import { StudentIdParam } from '../../http/common.schemas.js'
import { COMMON_PROBLEMS, notFound, problemResponses } from '../../http/errors.js'
import { findProfile, type ProfileRow } from './profile.repository.js'
import { PatchProfileBody, Profile } from './profile.schemas.js'
import { patchProfile } from './profile.service.js'

const toProfile = (p: ProfileRow): Profile => ({
  ...p,
  updatedAt: p.updatedAt ? p.updatedAt.toISOString() : null,
})

/** Registered inside the student scope: req.studentId is already authorised. */
export const profileRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'getProfile',
        tags: ['students'],
        summary: "A student's profile (dates, target, study mode, bank sizes)",
        description:
          'Dates are in the student’s time zone; qbanks always lists uworld (its size defaults to 4085 questions). ETag / If-None-Match supported.',
        params: StudentIdParam,
        response: { 200: Profile, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const profile = await findProfile(db, req.studentId)
      if (!profile) throw notFound('student', req.studentId)
      return toProfile(profile)
    },
  )

  app.patch(
    '',
    {
      schema: {
        operationId: 'updateProfile',
        tags: ['students'],
        summary: "Change a student's profile",
        description:
          'examDate must be after prepStartDate (checked against stored values too): 422 otherwise.',
        params: StudentIdParam,
        body: PatchProfileBody,
        response: { 200: Profile, ...problemResponses(...COMMON_PROBLEMS, 413, 415, 422) },
      },
    },
    async (req) => toProfile(await patchProfile(db, req.studentId, req.body)),
  )
}
