import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { problemResponses } from '../../http/errors.js'
import {
  FORMS,
  OUTLINE_SYSTEMS,
  SCORE_SCALE,
  SUBJECTS,
  SYSTEMS,
  UWORLD_TOTAL_QUESTIONS,
} from '../../reference/index.js'
import { SystemsResponse } from './reference.schemas.js'

export const referenceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/systems',
    {
      schema: {
        operationId: 'listSystems',
        tags: ['reference'],
        summary: 'Canonical systems with aliases, plus subjects, forms and the score scale',
        description:
          'The labels every write accepts and the slugs every response uses. Any valid token may read it; it changes only with a new release.',
        response: { 200: SystemsResponse, ...problemResponses(401, 429) },
      },
    },
    () => ({
      data: SYSTEMS.map((s) => ({ ...s, aliases: [...s.aliases] })),
      uworldTotalQuestions: UWORLD_TOTAL_QUESTIONS,
      outlineSystems: OUTLINE_SYSTEMS.map((o) => ({
        slug: o.slug,
        name: o.name,
        examShare: { ...o.examShare },
      })),
      subjects: SUBJECTS.map((s) => ({
        slug: s.slug,
        name: s.name,
        uworldQuestions: s.uworldQuestions,
        aliases: [...s.aliases],
      })),
      forms: FORMS.map((f) => ({ id: f.id, name: f.name, reports: f.reports, scored: f.scored })),
      scoreScale: { ...SCORE_SCALE },
    }),
  )
}
