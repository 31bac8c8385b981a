import { z } from 'zod'

/** IANA zone names only (no raw offsets), as the runtime's ICU knows them. */
export function isIanaTimezone(value: string): boolean {
  if (!/^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(value)) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/**
 * Length limits shared by requests and responses. Requests are refused beyond them (400); responses
 * are checked against the same schemas by the serializer, so the OpenAPI document's limits hold both
 * ways.
 */
export const MAX = {
  /** A person's display name, a label such as an "other" form's. */
  name: 200,
  /** RFC 5321: the longest address a mail path allows. */
  email: 320,
  timezone: 64,
  /** Free-text notes on blocks, assessments and activities. */
  note: 5000,
  /** A client's own id for a record (externalId). */
  externalId: 200,
  /** A system, subject or form as typed (slug, vendor label or short form); canonical slugs are shorter. */
  label: 100,
  /** A topic tag on a block. */
  topic: 60,
  /** Sentences the server writes (recommendations, reasons, how a figure is made). */
  text: 2000,
  /** ISO 8601 timestamps: nanosecond fractions and an offset fit in 35 characters. */
  timestamp: 40,
  /** Opaque cursors of paginated lists. */
  cursor: 512,
} as const

/**
 * Lists returned whole, without pagination (a user's tokens, a student's advisors): a stated cap,
 * far above any real use, checked by the response serializer.
 */
export const UNPAGED_LIST_MAX = 1000

export const Timezone = z
  .string()
  .max(MAX.timezone)
  .refine(isIanaTimezone, { message: 'must be an IANA time zone name such as Europe/Berlin or UTC' })
  .describe('IANA time zone name; decides "today" and week boundaries')
  .meta({ example: 'Asia/Kolkata' })

/** A real calendar date (2027-02-30 is refused), ISO format. */
export const IsoDate = z.iso.date().describe('ISO date, YYYY-MM-DD').meta({ example: '2027-06-14' })

export const Timestamp = z.iso
  .datetime({ offset: true })
  .max(MAX.timestamp)
  .describe('ISO 8601 timestamp; offsets accepted on input, UTC on output')
  .meta({ example: '2027-06-14T09:30:00Z' })

/** A timestamp the server writes: Date.toISOString(), always UTC. */
export const UtcTimestamp = z.iso.datetime().max(MAX.timestamp)

export const Uuid = z.uuid()

/** A user id, or `me` for the caller: one string type, so generated clients take a plain string. */
export const UuidOrMe = z
  .string()
  .max(36)
  .regex(
    /^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/,
    'must be a UUID or me',
  )

/**
 * `{studentId}` in paths: a student's user id, or `me` for the caller. Every route under
 * /v1/students/{studentId} declares it (alone, or extended with its own ids); the access check
 * (src/http/student-access.ts) has already answered 404 for anything else before validation runs.
 */
export const StudentIdParam = z.object({
  studentId: UuidOrMe.describe('The student user id, or `me` for the caller'),
})

export const Score = z.number().int().min(1).max(300).describe('3-digit USMLE score, 1–300')
