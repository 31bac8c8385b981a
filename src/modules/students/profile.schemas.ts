import { z } from 'zod'
import { IsoDate, MAX, Score, Timezone, UtcTimestamp } from '../../http/common.schemas.js'
import { STUDY_MODES } from './profiles.table.js'

export const QbankSource = z
  .string()
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _; e.g. uworld, amboss')
  .describe('Qbank source id: uworld, amboss, or another lower-case id')

export const QbankSetting = z.object({
  totalQuestions: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe('Questions in the bank (first-pass denominator)'),
})

export const Profile = z
  .object({
    studentId: z.uuid(),
    name: z.string().max(MAX.name),
    prepStartDate: IsoDate.nullable().describe('First day of structured prep'),
    examDate: IsoDate.nullable().describe('Scheduled Step 2 CK date'),
    erasSubmissionDate: IsoDate.nullable().describe('When the ERAS application goes out'),
    targetScore: Score.nullable().describe('Target 3-digit score'),
    studyMode: z.enum(STUDY_MODES).describe('dedicated (full-time) or part_time'),
    timezone: z
      .string()
      .max(MAX.timezone)
      .describe('IANA time zone; decides "today" and Monday–Sunday weeks'),
    studyDaysPerWeek: z.number().int().min(1).max(7),
    qbanks: z
      .record(
        QbankSource,
        QbankSetting.extend({
          isDefault: z.boolean().describe('true when the total is the reference default'),
        }),
      )
      .describe('Per-source bank sizes; uworld is always present (default 4085)'),
    examScore: Score.nullable().describe('The actual exam score, once known'),
    updatedAt: UtcTimestamp.nullable().describe('Last change; null before the first PATCH'),
  })
  .meta({ id: 'Profile' })
export type Profile = z.infer<typeof Profile>

export const PatchProfileBody = z
  .object({
    prepStartDate: IsoDate.nullable(),
    examDate: IsoDate.nullable(),
    erasSubmissionDate: IsoDate.nullable(),
    targetScore: Score.nullable(),
    studyMode: z.enum(STUDY_MODES),
    timezone: Timezone,
    studyDaysPerWeek: z.number().int().min(1).max(7).describe('Days a week the student studies (default 6)'),
    qbanks: z
      .record(QbankSource, QbankSetting.nullable())
      .refine((r) => Object.keys(r).length <= 20, 'at most 20 sources')
      .describe('Sources to set; null removes a source (uworld then falls back to 4085)'),
    examScore: Score.nullable(),
  })
  .partial()
  .strict()
  .meta({
    id: 'PatchProfileBody',
    description: 'Fields to change; omitted fields stay as they are, null clears an optional field.',
    example: {
      prepStartDate: '2027-04-05',
      examDate: '2027-06-14',
      erasSubmissionDate: '2027-09-01',
      targetScore: 260,
      studyMode: 'dedicated',
      timezone: 'Asia/Kolkata',
      studyDaysPerWeek: 6,
      qbanks: { uworld: { totalQuestions: 4085 } },
    },
  })
export type PatchProfileBody = z.infer<typeof PatchProfileBody>
