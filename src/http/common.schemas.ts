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

export const Timezone = z
  .string()
  .max(64)
  .refine(isIanaTimezone, { message: 'must be an IANA time zone name such as Europe/Berlin or UTC' })
  .describe('IANA time zone name; decides "today" and week boundaries')
  .meta({ example: 'Asia/Kolkata' })

/** A real calendar date (2027-02-30 is refused), ISO format. */
export const IsoDate = z.iso.date().describe('ISO date, YYYY-MM-DD').meta({ example: '2027-06-14' })

export const Timestamp = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 timestamp; offsets accepted on input, UTC on output')
  .meta({ example: '2027-06-14T09:30:00Z' })

export const Uuid = z.uuid()

/** `{studentId}` in paths: a student's user id, or `me` for the caller. */
export const StudentIdParam = z.object({
  studentId: z.union([z.literal('me'), z.uuid()]).describe('The student user id, or `me` for the caller'),
})

export const Score = z.number().int().min(1).max(300).describe('3-digit USMLE score, 1–300')
