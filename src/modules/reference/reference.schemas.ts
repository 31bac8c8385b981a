import { z } from 'zod'
import { MAX } from '../../http/common.schemas.js'
import { FORMS, OUTLINE_SYSTEMS, SUBJECTS, SYSTEMS } from '../../reference/index.js'

// Everything here is the reference data itself, so every limit is its exact size.
const ALIASES_MAX = Math.max(
  ...SYSTEMS.map((s) => s.aliases.length),
  ...SUBJECTS.map((s) => s.aliases.length),
)

export const SystemInfo = z
  .object({
    slug: z.string().max(MAX.label).describe('Canonical id used in every response'),
    name: z.string().max(MAX.name).describe('UWorld label'),
    outlineSystem: z.string().max(MAX.label).describe('USMLE content-outline system it rolls up to'),
    uworldQuestions: z.number().int().describe('Questions in the UWorld Step 2 CK bank for this system'),
    examWeight: z
      .number()
      .describe('Share of the UWorld bank (uworldQuestions / total): the exam-blueprint proxy'),
    aliases: z
      .array(z.string().max(MAX.label))
      .max(ALIASES_MAX)
      .describe('Labels accepted on input (case- and punctuation-insensitive)'),
  })
  .meta({ id: 'SystemInfo' })

export const SystemsResponse = z
  .object({
    data: z.array(SystemInfo).max(SYSTEMS.length),
    uworldTotalQuestions: z.number().int(),
    outlineSystems: z
      .array(
        z.object({
          slug: z.string().max(MAX.label),
          name: z.string().max(MAX.name),
          examShare: z.object({ min: z.number(), max: z.number() }).describe('Share of the exam, percent'),
        }),
      )
      .max(OUTLINE_SYSTEMS.length),
    subjects: z
      .array(
        z.object({
          slug: z.string().max(MAX.label),
          name: z.string().max(MAX.name),
          uworldQuestions: z.number().int(),
          aliases: z.array(z.string().max(MAX.label)).max(ALIASES_MAX),
        }),
      )
      .max(SUBJECTS.length),
    forms: z
      .array(
        z.object({
          id: z.string().max(MAX.label),
          name: z.string().max(MAX.name),
          reports: z
            .enum(['score', 'percent', 'either'])
            .describe('What the form reports: a 3-digit score, a percent correct, or either'),
          scored: z.boolean(),
        }),
      )
      .max(FORMS.length),
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
