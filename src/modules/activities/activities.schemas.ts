import { z } from 'zod'
import { IsoDate, MAX, StudentIdParam, UtcTimestamp } from '../../http/common.schemas.js'
import { RecordSource } from '../assessments/assessments.schemas.js'
import { ACTIVITY_TYPES } from './activities.table.js'

const Minutes = z.number().int().min(1).max(1440)
const SimulationBlocks = z.number().int().min(1).max(12)
/** Systems an activity covers; labels are merged per canonical system. */
export const ACTIVITY_SYSTEMS_MAX = 40

export const CreateActivityBody = z
  .object({
    type: z
      .enum(ACTIVITY_TYPES)
      .describe(
        'content_review: reading/notes; explanation_review: Qbank explanations; anki; simulation_day: a full practice day; video',
      ),
    date: IsoDate.describe('The student’s local day of the activity; at most one day after today (UTC)'),
    minutes: Minutes.describe('Time spent, 1–1440 minutes'),
    systems: z
      .array(z.string().min(1).max(MAX.label))
      .max(ACTIVITY_SYSTEMS_MAX)
      .optional()
      .describe('Systems covered: slugs, UWorld labels or short forms (cardio, GI, …); see GET /v1/systems'),
    blocks: SimulationBlocks.optional().describe(
      'Blocks done on a simulation day, 1–12; only for simulation_day',
    ),
    source: RecordSource.optional(),
    externalId: z
      .string()
      .min(1)
      .max(MAX.externalId)
      .optional()
      .describe("The client's id for this activity; posting the same (source, externalId) again updates it"),
    note: z.string().max(MAX.note).optional(),
  })
  .strict()
  .meta({
    id: 'CreateActivityBody',
    example: {
      type: 'content_review',
      date: '2027-05-04',
      minutes: 90,
      systems: ['cardio', 'pulm'],
      source: 'anki-sync',
      externalId: 'session-2027-05-04-1',
      note: 'OnlineMedEd cardiology',
    },
  })
export type CreateActivityBody = z.infer<typeof CreateActivityBody>

export const PatchActivityBody = CreateActivityBody.omit({ externalId: true, source: true })
  .partial()
  .extend({
    blocks: SimulationBlocks.nullable().optional(),
    note: z.string().max(MAX.note).nullable().optional(),
  })
  .strict()
  .meta({
    id: 'PatchActivityBody',
    description:
      'Fields to change; systems replaces the stored list ([] empties it); null clears blocks or note. The merged activity must still satisfy every rule.',
  })
export type PatchActivityBody = z.infer<typeof PatchActivityBody>

export const Activity = z
  .object({
    id: z.uuid(),
    studentId: z.uuid(),
    source: RecordSource,
    externalId: z.string().max(MAX.externalId).nullable(),
    type: z.enum(ACTIVITY_TYPES),
    date: z.iso.date().describe('The student’s local day'),
    minutes: z.number().int(),
    systems: z.array(z.string().max(MAX.label)).max(ACTIVITY_SYSTEMS_MAX).describe('Canonical system slugs'),
    blocks: z.number().int().nullable().describe('Blocks on a simulation day; null otherwise'),
    note: z.string().max(MAX.note).nullable(),
    createdAt: UtcTimestamp,
    updatedAt: UtcTimestamp,
    deletedAt: UtcTimestamp.nullable().describe('Set on tombstones (listed with includeDeleted=true)'),
  })
  .meta({ id: 'Activity' })
export type Activity = z.infer<typeof Activity>

export const ActivityParams = StudentIdParam.extend({ activityId: z.uuid() })

export const ActivityListQuery = z.object({
  type: z.enum(ACTIVITY_TYPES).optional().describe('Only this type of activity'),
})
