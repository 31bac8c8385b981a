import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../../http/errors.js'
import {
  FORMS,
  OUTLINE_SYSTEMS,
  SCORE_SCALE,
  SUBJECTS,
  SYSTEMS,
  UWORLD_TOTAL_QUESTIONS,
} from '../../reference/index.js'

const SystemInfo = z
  .object({
    slug: z.string().describe('Canonical id used in every response'),
    name: z.string().describe('UWorld label'),
    outlineSystem: z.string().describe('USMLE content-outline system it rolls up to'),
    uworldQuestions: z.number().int().describe('Questions in the UWorld Step 2 CK bank for this system'),
    examWeight: z
      .number()
      .describe('Share of the UWorld bank (uworldQuestions / total): the exam-blueprint proxy'),
    aliases: z.array(z.string()).describe('Labels accepted on input (case- and punctuation-insensitive)'),
  })
  .meta({ id: 'SystemInfo' })

const SystemsResponse = z
  .object({
    data: z.array(SystemInfo),
    uworldTotalQuestions: z.number().int(),
    outlineSystems: z.array(
      z.object({
        slug: z.string(),
        name: z.string(),
        examShare: z.object({ min: z.number(), max: z.number() }).describe('Share of the exam, percent'),
      }),
    ),
    subjects: z.array(
      z.object({
        slug: z.string(),
        name: z.string(),
        uworldQuestions: z.number().int(),
        aliases: z.array(z.string()),
      }),
    ),
    forms: z.array(z.object({ id: z.string(), name: z.string(), reports: z.string(), scored: z.boolean() })),
    scoreScale: z.object({
      min: z.number(),
      max: z.number(),
      passingScore: z.number(),
      nationalMean: z.number(),
      nationalSd: z.number(),
      measurementError: z.number(),
    }),
  })
  .meta({ id: 'SystemsResponse' })

export const referenceRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/systems',
    {
      schema: {
        operationId: 'listSystems',
        tags: ['reference'],
        summary: 'Canonical systems with aliases, plus subjects, forms and the score scale',
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
