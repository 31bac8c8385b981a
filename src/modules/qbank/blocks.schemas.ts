import { z } from 'zod'
import { MAX, StudentIdParam, Timestamp, UtcTimestamp } from '../../http/common.schemas.js'
import { FieldErrorSchema, PROBLEM_LIMITS } from '../../http/errors.js'
import { SUBJECTS, SYSTEMS } from '../../reference/index.js'
import { QbankSource } from '../students/profile.schemas.js'
import { PASSES, SELECTIONS } from './blocks.table.js'

const Count = z.number().int().min(0).max(1000)

/** Per-block breakdown caps: rows are merged per canonical system/subject, so these are generous. */
export const BLOCK_LIMITS = { systems: 40, subjects: 10, topics: 20 } as const

/** Blocks in one POST /blocks/batch (api.md); more is a 422 batch.too_large, per item 400s aside. */
export const BATCH_MAX = 500

export const ScoreRowInput = z.object({
  total: z.number().int().min(1).max(1000).describe('Questions in this system/subject'),
  correct: Count.describe('Of which correct'),
})

export const SystemScoreInput = ScoreRowInput.extend({
  system: z
    .string()
    .min(1)
    .max(MAX.label)
    .describe('Canonical slug, UWorld label or short form (cardio, GI, heme/onc, …); see GET /v1/systems'),
}).meta({ id: 'SystemScoreInput' })

export const SubjectScoreInput = ScoreRowInput.extend({
  subject: z
    .string()
    .min(1)
    .max(MAX.label)
    .describe('medicine, surgery, pediatrics, obstetrics-gynecology, psychiatry (or a short form)'),
}).meta({ id: 'SubjectScoreInput' })

export const Mistakes = z
  .object({
    knowledge: Count.default(0).describe('Missed for lack of knowledge'),
    misread: Count.default(0).describe('Knew it, misread the stem or answers'),
    timing: Count.default(0).describe('Ran out of time or rushed'),
  })
  .meta({ id: 'Mistakes' })

export const CreateBlockBody = z
  .object({
    source: QbankSource.describe('Qbank: uworld, amboss, or another lower-case id'),
    externalId: z
      .string()
      .min(1)
      .max(MAX.externalId)
      .optional()
      .describe("The client's id for this block; posting the same (source, externalId) again updates it"),
    takenAt: Timestamp.describe('When the block was finished'),
    questionCount: z.number().int().min(1).max(1000).describe('Questions in the block'),
    correctCount: Count.describe('Questions answered correctly (≤ questionCount)'),
    newQuestionCount: Count.optional().describe(
      'Questions seen for the first time (≤ questionCount); default: all on a first pass, none on a review pass',
    ),
    pass: z
      .enum(PASSES)
      .describe('first: first pass through the bank; review: a second pass of incorrects/marked'),
    timed: z.boolean().describe('Timed mode'),
    selection: z.enum(SELECTIONS).describe('random: mixed systems; subject: chosen systems/subjects'),
    durationMinutes: z.number().int().min(1).max(1440).optional().describe('Time to do the block, minutes'),
    reviewMinutes: z
      .number()
      .int()
      .min(0)
      .max(1440)
      .optional()
      .describe('Time spent reading explanations, minutes'),
    systems: z
      .array(SystemScoreInput)
      .max(BLOCK_LIMITS.systems)
      .optional()
      .describe('Per-system results; totals sum to at most questionCount, corrects to at most correctCount'),
    subjects: z
      .array(SubjectScoreInput)
      .max(BLOCK_LIMITS.subjects)
      .optional()
      .describe('Per-subject results, same rules as systems'),
    mistakes: Mistakes.optional().describe(
      'Why questions were missed; sums to at most questionCount − correctCount',
    ),
    topics: z
      .array(z.string().min(1).max(MAX.topic))
      .max(BLOCK_LIMITS.topics)
      .optional()
      .describe('Topic tags, e.g. dvt-pe, gi-bleeding (IR-relevant topics feed the ir-lens rule)'),
    note: z.string().max(MAX.note).optional(),
  })
  .strict()
  .meta({
    id: 'CreateBlockBody',
    example: {
      source: 'uworld',
      externalId: 'uw-test-1842',
      takenAt: '2027-05-03T14:10:00Z',
      questionCount: 40,
      correctCount: 29,
      pass: 'first',
      timed: true,
      selection: 'random',
      durationMinutes: 62,
      reviewMinutes: 150,
      systems: [
        { system: 'cardio', total: 12, correct: 9 },
        { system: 'GI', total: 10, correct: 6 },
        { system: 'pulm', total: 18, correct: 14 },
      ],
      mistakes: { knowledge: 7, misread: 3, timing: 1 },
      topics: ['dvt-pe'],
    },
  })
export type CreateBlockBody = z.infer<typeof CreateBlockBody>

export const PatchBlockBody = CreateBlockBody.omit({ externalId: true, source: true })
  .partial()
  .extend({
    durationMinutes: z.number().int().min(1).max(1440).nullable().optional(),
    reviewMinutes: z.number().int().min(0).max(1440).nullable().optional(),
    mistakes: Mistakes.nullable().optional(),
    note: z.string().max(MAX.note).nullable().optional(),
  })
  .strict()
  .meta({
    id: 'PatchBlockBody',
    description: 'Fields to change; systems/subjects/topics replace the stored list; null clears.',
  })
export type PatchBlockBody = z.infer<typeof PatchBlockBody>

const ScoreRow = z.object({
  total: z.number().int(),
  correct: z.number().int(),
  percent: z.number().describe('100·correct/total, one decimal'),
})

export const Block = z
  .object({
    id: z.uuid(),
    studentId: z.uuid(),
    source: QbankSource,
    externalId: z.string().max(MAX.externalId).nullable(),
    takenAt: UtcTimestamp.describe('UTC'),
    questionCount: z.number().int(),
    correctCount: z.number().int(),
    percentCorrect: z.number().describe('100·correctCount/questionCount, one decimal'),
    newQuestionCount: z.number().int(),
    pass: z.enum(PASSES),
    timed: z.boolean(),
    selection: z.enum(SELECTIONS),
    durationMinutes: z.number().int().nullable(),
    reviewMinutes: z.number().int().nullable(),
    systems: z
      .array(ScoreRow.extend({ system: z.string().max(MAX.label).describe('Canonical system slug') }))
      .max(Math.min(BLOCK_LIMITS.systems, SYSTEMS.length))
      .describe('One row per canonical system'),
    subjects: z
      .array(ScoreRow.extend({ subject: z.string().max(MAX.label).describe('Canonical subject slug') }))
      .max(Math.min(BLOCK_LIMITS.subjects, SUBJECTS.length))
      .describe('One row per canonical subject'),
    mistakes: z
      .object({ knowledge: z.number().int(), misread: z.number().int(), timing: z.number().int() })
      .nullable(),
    topics: z.array(z.string().max(MAX.topic)).max(BLOCK_LIMITS.topics),
    note: z.string().max(MAX.note).nullable(),
    createdAt: UtcTimestamp,
    updatedAt: UtcTimestamp,
    deletedAt: UtcTimestamp.nullable().describe('Set on tombstones (listed with includeDeleted=true)'),
  })
  .meta({ id: 'Block' })
export type Block = z.infer<typeof Block>

export const BlockParams = StudentIdParam.extend({ blockId: z.uuid() })

export const BlockListQuery = z.object({ source: QbankSource.optional().describe('Only this Qbank') })

export const BatchBody = z
  .object({
    blocks: z
      .array(z.unknown())
      .min(1)
      // Enforced by the service (422 batch.too_large), so one oversized batch gets one clear problem.
      .meta({ maxItems: BATCH_MAX })
      .describe('Up to 500 CreateBlockBody items, each validated and upserted (by externalId) on its own'),
  })
  .strict()
  .meta({ id: 'BlockBatchBody' })

export const BatchResult = z
  .object({
    results: z
      .array(
        z.object({
          index: z
            .number()
            .int()
            .min(0)
            .max(BATCH_MAX - 1)
            .describe('Position in the request'),
          externalId: z
            .string()
            .max(MAX.externalId)
            .nullable()
            .describe('The item’s externalId; null when it has none (or it is not a valid one)'),
          status: z.enum(['created', 'updated', 'error']),
          block: Block.optional(),
          problem: z
            .object({
              status: z.number().int().min(400).max(599),
              code: z.string().max(100),
              detail: z.string().max(PROBLEM_LIMITS.detail),
              errors: z.array(FieldErrorSchema).max(PROBLEM_LIMITS.errors).optional(),
            })
            .optional()
            .describe('Why this item was refused (problem details without type/instance)'),
        }),
      )
      .max(BATCH_MAX)
      .describe('One result per item, in request order'),
  })
  .meta({ id: 'BlockBatchResult' })
