import { z } from 'zod'
import { MAX, Score, StudentIdParam, Timestamp, UtcTimestamp } from '../../http/common.schemas.js'
import { QbankSource } from '../students/profile.schemas.js'

const Percent = z
  .number()
  .min(0)
  .max(100)
  .describe('Percent correct, 0–100; stored with one decimal (72.25 → 72.3)')

export const AssessmentSystemInput = z
  .object({
    system: z
      .string()
      .min(1)
      .max(MAX.label)
      .describe(
        'A study-level system (slug, UWorld label or short form: cardio, GI, …) or a USMLE outline system (immune, renal-reproductive, human-development, …); see GET /v1/systems',
      ),
    percentCorrect: Percent,
  })
  .strict()
  .meta({ id: 'AssessmentSystemInput' })

/** Rows of a per-system breakdown: one per system, study-level or outline-level. */
export const ASSESSMENT_SYSTEMS_MAX = 40

/** Where a record comes from; the same id rules as a Qbank source. Shared with activities. */
export const RecordSource = QbankSource.describe(
  'Where the record comes from: manual (default) or the syncing app’s lower-case id',
)

export const CreateAssessmentBody = z
  .object({
    form: z
      .string()
      .min(1)
      .max(MAX.label)
      .describe(
        'Form id or its usual name: nbme-9 … nbme-15 ("NBME 12"), uwsa-1/uwsa-2 ("UWSA 2"), amboss-sa, free-120 ("Free 120"), other',
      ),
    label: z
      .string()
      .min(1)
      .max(MAX.name)
      .optional()
      .describe('What the form is, only for form "other" (e.g. "NBME 8")'),
    takenAt: Timestamp.describe('When the assessment was finished; at most a day in the future'),
    score: Score.optional().describe(
      '3-digit score, 1–300: required for forms that report one (NBME, UWSA, AMBOSS SA), refused for Free 120',
    ),
    percentCorrect: Percent.optional().describe(
      'Percent correct, 0–100 (one decimal); required when there is no score (Free 120, most "other" forms)',
    ),
    examConditions: z
      .boolean()
      .optional()
      .describe(
        'Taken under exam conditions (timed, one sitting, no breaks beyond the real ones); default false',
      ),
    systems: z
      .array(AssessmentSystemInput)
      .max(ASSESSMENT_SYSTEMS_MAX)
      .optional()
      .describe('Per-system percent correct, at study-level or outline-level systems; one row per system'),
    source: RecordSource.optional(),
    externalId: z
      .string()
      .min(1)
      .max(MAX.externalId)
      .optional()
      .describe(
        "The client's id for this assessment; posting the same (source, externalId) again updates it",
      ),
    note: z.string().max(MAX.note).optional(),
  })
  .strict()
  .meta({
    id: 'CreateAssessmentBody',
    example: {
      form: 'NBME 12',
      takenAt: '2027-05-10T13:30:00Z',
      score: 246,
      percentCorrect: 74,
      examConditions: true,
      systems: [
        { system: 'cardio', percentCorrect: 81 },
        { system: 'renal-reproductive', percentCorrect: 62.5 },
      ],
      source: 'manual',
      externalId: 'nbme-12-first-try',
    },
  })
export type CreateAssessmentBody = z.infer<typeof CreateAssessmentBody>

export const PatchAssessmentBody = CreateAssessmentBody.omit({ externalId: true, source: true })
  .partial()
  .extend({
    label: z.string().min(1).max(MAX.name).nullable().optional(),
    score: Score.nullable().optional(),
    percentCorrect: Percent.nullable().optional(),
    systems: z.array(AssessmentSystemInput).max(ASSESSMENT_SYSTEMS_MAX).nullable().optional(),
    note: z.string().max(MAX.note).nullable().optional(),
  })
  .strict()
  .meta({
    id: 'PatchAssessmentBody',
    description:
      'Fields to change; systems replaces the stored breakdown; null clears. The merged assessment must still satisfy every rule.',
  })
export type PatchAssessmentBody = z.infer<typeof PatchAssessmentBody>

export const Assessment = z
  .object({
    id: z.uuid(),
    studentId: z.uuid(),
    source: RecordSource,
    externalId: z.string().max(MAX.externalId).nullable(),
    form: z.string().max(MAX.label).describe('Canonical form id, e.g. nbme-12'),
    label: z.string().max(MAX.name).nullable().describe('What an "other" form is'),
    takenAt: UtcTimestamp.describe('UTC'),
    score: z.number().int().nullable().describe('3-digit score; null for percent-only forms'),
    percentCorrect: z.number().nullable().describe('Percent correct, one decimal'),
    examConditions: z.boolean(),
    systems: z
      .array(
        z.object({
          system: z.string().max(MAX.label).describe('Canonical slug of the study-level or outline system'),
          level: z
            .enum(['system', 'outline'])
            .describe('system: a study-level system; outline: a USMLE content-outline system'),
          percentCorrect: z.number(),
        }),
      )
      .max(ASSESSMENT_SYSTEMS_MAX),
    note: z.string().max(MAX.note).nullable(),
    createdAt: UtcTimestamp,
    updatedAt: UtcTimestamp,
    deletedAt: UtcTimestamp.nullable().describe('Set on tombstones (listed with includeDeleted=true)'),
  })
  .meta({ id: 'Assessment' })
export type Assessment = z.infer<typeof Assessment>

export const AssessmentParams = StudentIdParam.extend({ assessmentId: z.uuid() })

export const AssessmentListQuery = z.object({
  form: z
    .string()
    .min(1)
    .max(MAX.label)
    .optional()
    .describe('Only this form (id or usual name, e.g. nbme-12 or "NBME 12")'),
})
