import { z } from 'zod'
import { IsoDate, MAX, Timestamp } from '../../http/common.schemas.js'
import { badRequest } from '../../http/errors.js'

/** Opaque keyset cursor: the sort value and id of the last row of the previous page. */
export function encodeCursor(sortValue: string, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id]), 'utf8').toString('base64url')
}

const CursorShape = z.tuple([z.string().min(1).max(256), z.uuid()])

export function decodeCursor(cursor: string): { sortValue: string; id: string } {
  try {
    const [sortValue, id] = CursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    return { sortValue, id }
  } catch {
    throw badRequest('request.invalid_cursor', 'The cursor is not one this API returned', [
      { in: 'querystring', path: '/cursor', message: 'unknown cursor' },
    ])
  }
}

/** Query parameters shared by every list of student data (api.md "Lists" and "Sync filters"). */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500 (default 50)'),
  cursor: z.string().max(MAX.cursor).optional().describe('Opaque cursor from the previous page’s nextCursor'),
  updatedAfter: Timestamp.optional().describe(
    'Only records created, changed or deleted after this instant (sync)',
  ),
  // true/false, 1/0, yes/no, on/off, y/n, enabled/disabled (any case): never longer than 8 characters.
  includeDeleted: z
    .string()
    .max(8)
    .pipe(z.stringbool())
    .default(false)
    .describe(
      'Include deleted records as tombstones (with deletedAt); for sync. true or false (also 1/0, yes/no)',
    ),
  from: IsoDate.optional().describe('First day to include (student’s time zone), inclusive'),
  to: IsoDate.optional().describe('Last day to include (student’s time zone), inclusive'),
})
export type ListQuery = z.infer<typeof ListQuery>

/** Largest page a list returns (api.md: `?limit=` max 500). */
export const PAGE_MAX = 500

export const page = <T extends z.ZodType>(item: T, id: string, cursorMax: number = MAX.cursor) =>
  z
    .object({
      data: z.array(item).max(PAGE_MAX),
      nextCursor: z
        .string()
        .max(cursorMax)
        .nullable()
        .describe('Pass as ?cursor= for the next page; null on the last page'),
    })
    .meta({ id })
