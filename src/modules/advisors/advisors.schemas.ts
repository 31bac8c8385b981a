import { z } from 'zod'
import {
  IsoDate,
  MAX,
  StudentIdParam,
  UNPAGED_LIST_MAX,
  UtcTimestamp,
  UuidOrMe,
} from '../../http/common.schemas.js'
import { PHASE_NAMES, RULE_IDS, TREND_STATUSES } from '../analytics/types.js'
import { PAGE_MAX } from '../sync/pagination.js'

export const AdvisorGrant = z
  .object({
    advisorId: z.uuid(),
    name: z.string().max(MAX.name),
    email: z.string().max(MAX.email),
    grantedAt: UtcTimestamp,
  })
  .meta({ id: 'AdvisorGrant' })

export const AdvisorGrantList = z.object({ data: z.array(AdvisorGrant).max(UNPAGED_LIST_MAX) })

export const GrantAdvisorBody = z
  .object({ advisorId: z.uuid().describe('The advisor user to grant read access to') })
  .strict()
  .meta({ id: 'GrantAdvisorBody' })

export const GrantParams = StudentIdParam.extend({ advisorId: z.uuid() })

/** Weak systems a mentee row names. */
export const MENTEE_WEAK_SYSTEMS = 3

/** Distinct factors menteeRisk can list (risk.ts); at most one of declining_scores and plateau. */
const RISK_FACTORS_MAX = 7

export const MenteeRow = z
  .object({
    studentId: z.uuid(),
    name: z.string().max(MAX.name),
    examDate: IsoDate.nullable().describe('ISO date'),
    daysToExam: z.number().int().nullable(),
    phase: z.enum(PHASE_NAMES).describe('Study phase (guide-rules.md §2)'),
    planWeek: z.number().int().nullable(),
    uworldPercentComplete: z.number().nullable().describe('UWorld first pass, 0–100'),
    pace7: z.number().describe('New UWorld questions per day over the last 7 days'),
    requiredDailyPace: z
      .number()
      .nullable()
      .describe('New questions a day needed to finish the first pass by exam − 14 days'),
    latestScore: z.number().int().nullable().describe('Latest 3-digit self-assessment score'),
    trendStatus: z.enum(TREND_STATUSES),
    readinessEstimate: z.number().nullable(),
    weakSystems: z
      .array(
        z.object({
          system: z.string().max(MAX.label),
          name: z.string().max(MAX.name),
          percent: z.number(),
        }),
      )
      .max(MENTEE_WEAK_SYSTEMS)
      .describe('Top weak systems (at most 3), most important first'),
    highPriorityCount: z.number().int().describe('High-priority recommendations now'),
    highPriority: z
      .array(z.string().max(40))
      .max(RULE_IDS.length)
      .describe('Their rule ids (one recommendation per rule at most)'),
    lastActivityAt: IsoDate.nullable().describe(
      'Last day a block or activity was logged (student’s time zone)',
    ),
    risk: z
      .number()
      .int()
      .min(0)
      .max(100)
      .describe('Attention score, 0–100; see README "Advising dashboards"'),
    riskFactors: z
      .array(z.object({ factor: z.string().max(40), points: z.number().int() }))
      .max(RISK_FACTORS_MAX)
      .describe('What the risk is made of'),
  })
  .meta({ id: 'MenteeRow' })

/**
 * A mentee cursor carries the sort key, which may be the mentee's lower-cased name: 200 characters
 * at up to 6 bytes each once JSON-escaped, base64url-encoded, stays under 2048.
 */
const MENTEE_CURSOR_MAX = 2048

export const MenteePage = z
  .object({
    data: z.array(MenteeRow).max(PAGE_MAX),
    nextCursor: z.string().max(MENTEE_CURSOR_MAX).nullable(),
  })
  .meta({ id: 'MenteePage' })

export const MenteesParams = z.object({
  advisorId: UuidOrMe.describe('`me`, or an advisor id (admins)'),
})

export const MenteesQuery = z.object({
  sort: z
    .enum(['risk', 'examDate', 'name'])
    .default('risk')
    .describe('risk (highest first), examDate (soonest first), name'),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(50),
  cursor: z.string().max(MENTEE_CURSOR_MAX).optional(),
  phase: z.enum(PHASE_NAMES).optional().describe('Only mentees in this phase'),
  trendStatus: z.enum(TREND_STATUSES).optional().describe('Only mentees with this score trend'),
})
