import { beforeAll, describe, expect, test } from 'vitest'
import { DEFAULT_ANALYTICS_CONFIG } from '../../src/modules/analytics/config.js'
import { runCheckins } from '../../src/modules/checkins/checkins.service.js'
import { useTestApp } from '../helpers/app.js'
import { activityBody, assessmentBody, blockBody } from '../helpers/bodies.js'
import { createAdmin, createAdvisor, createStudent, type TestUser } from '../helpers/factories.js'

/**
 * Every student-data route, called as every kind of caller. A route registered under
 * /v1/students/{studentId} but missing from ROUTES fails the first test, so new routes must be
 * added here.
 */
const t = useTestApp()

type Ctx = { student: TestUser; as: TestUser }
interface RouteCase {
  /** Prepares what the call needs (as the student, through the API) and returns the URL path after the student prefix. */
  path: (ctx: Ctx) => Promise<string>
  body?: () => unknown
  ok: number
}

const created = async (ctx: Ctx, url: string, body: object) => {
  const res = await t.http.post(`/v1/students/${ctx.student.id}${url}`).set(ctx.student.auth).send(body)
  if (res.status !== 201) throw new Error(`setup ${url} → ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id as string
}

const ROUTES: Record<string, RouteCase> = {
  'GET /profile': { path: async () => '/profile', ok: 200 },
  'PATCH /profile': { path: async () => '/profile', body: () => ({ targetScore: 255 }), ok: 200 },
  'GET /blocks': { path: async () => '/blocks', ok: 200 },
  'POST /blocks': { path: async () => '/blocks', body: () => blockBody(), ok: 201 },
  'POST /blocks/batch': {
    path: async () => '/blocks/batch',
    body: () => ({ blocks: [blockBody()] }),
    ok: 200,
  },
  'GET /blocks/{blockId}': {
    path: async (c) => `/blocks/${await created(c, '/blocks', blockBody())}`,
    ok: 200,
  },
  'PATCH /blocks/{blockId}': {
    path: async (c) => `/blocks/${await created(c, '/blocks', blockBody())}`,
    body: () => ({ note: 'x' }),
    ok: 200,
  },
  'DELETE /blocks/{blockId}': {
    path: async (c) => `/blocks/${await created(c, '/blocks', blockBody())}`,
    ok: 204,
  },
  'GET /assessments': { path: async () => '/assessments', ok: 200 },
  'POST /assessments': { path: async () => '/assessments', body: () => assessmentBody(), ok: 201 },
  'GET /assessments/{assessmentId}': {
    path: async (c) => `/assessments/${await created(c, '/assessments', assessmentBody())}`,
    ok: 200,
  },
  'PATCH /assessments/{assessmentId}': {
    path: async (c) => `/assessments/${await created(c, '/assessments', assessmentBody())}`,
    body: () => ({ examConditions: true }),
    ok: 200,
  },
  'DELETE /assessments/{assessmentId}': {
    path: async (c) => `/assessments/${await created(c, '/assessments', assessmentBody())}`,
    ok: 204,
  },
  'GET /activities': { path: async () => '/activities', ok: 200 },
  'POST /activities': { path: async () => '/activities', body: () => activityBody(), ok: 201 },
  'GET /activities/{activityId}': {
    path: async (c) => `/activities/${await created(c, '/activities', activityBody())}`,
    ok: 200,
  },
  'PATCH /activities/{activityId}': {
    path: async (c) => `/activities/${await created(c, '/activities', activityBody())}`,
    body: () => ({ minutes: 45 }),
    ok: 200,
  },
  'DELETE /activities/{activityId}': {
    path: async (c) => `/activities/${await created(c, '/activities', activityBody())}`,
    ok: 204,
  },
  'GET /analytics': { path: async () => '/analytics', ok: 200 },
  'GET /recommendations': { path: async () => '/recommendations', ok: 200 },
  'GET /advisors': { path: async () => '/advisors', ok: 200 },
  'POST /advisors': {
    path: async () => '/advisors',
    body: () => ({ advisorId: spareAdvisorId }),
    ok: 201,
  },
  'GET /checkins': { path: async () => '/checkins', ok: 200 },
  'GET /checkins/{checkinId}': {
    path: async (c) => {
      // The check-in of the week two weeks ago, generated as the weekly job would.
      await runCheckins(t.database.db, {
        now: new Date(),
        weekOf: new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10),
        config: DEFAULT_ANALYTICS_CONFIG,
        studentIds: [c.student.id],
      })
      const list = await t.http.get(`/v1/students/${c.student.id}/checkins`).set(c.student.auth)
      return `/checkins/${list.body.data[0].id}`
    },
    ok: 200,
  },
  'DELETE /advisors/{advisorId}': {
    path: async (c) => {
      const advisor = await createAdvisor(t.database.db)
      await t.http
        .post(`/v1/students/${c.student.id}/advisors`)
        .set(c.student.auth)
        .send({ advisorId: advisor.id })
      return `/advisors/${advisor.id}`
    },
    ok: 204,
  },
}

let spareAdvisorId = ''

type CallerKind =
  | 'the student'
  | 'another student'
  | 'a granted advisor'
  | 'an ungranted advisor'
  | 'a revoked advisor'
  | 'an admin'
  | 'a token without the scope'
  | 'a revoked token'
  | 'no token'

/** What each caller gets: 'ok' means the route's success status. */
function expected(kind: CallerKind, write: boolean): number | 'ok' {
  switch (kind) {
    case 'the student':
    case 'an admin':
      return 'ok'
    case 'a granted advisor':
      return write ? 403 : 'ok'
    case 'a token without the scope':
      return 403
    case 'another student':
    case 'an ungranted advisor':
    case 'a revoked advisor':
      return 404
    case 'a revoked token':
    case 'no token':
      return 401
  }
}

const CALLERS: CallerKind[] = [
  'the student',
  'another student',
  'a granted advisor',
  'an ungranted advisor',
  'a revoked advisor',
  'an admin',
  'a token without the scope',
  'a revoked token',
  'no token',
]

async function callerFor(kind: CallerKind, student: TestUser, write: boolean): Promise<TestUser | null> {
  const db = t.database.db
  switch (kind) {
    case 'the student':
      return student
    case 'another student':
      return createStudent(db)
    case 'a granted advisor':
    case 'a revoked advisor': {
      const advisor = await createAdvisor(db)
      await t.http
        .post(`/v1/students/${student.id}/advisors`)
        .set(student.auth)
        .send({ advisorId: advisor.id })
      if (kind === 'a revoked advisor')
        await t.http.delete(`/v1/students/${student.id}/advisors/${advisor.id}`).set(student.auth)
      return advisor
    }
    case 'an ungranted advisor':
      return createAdvisor(db)
    case 'an admin':
      return createAdmin(db)
    case 'a token without the scope': {
      // The student's own id, with a token holding only the other progress scope.
      const res = await t.http
        .post(`/v1/users/${student.id}/tokens`)
        .set(student.auth)
        .send({ name: 'narrow', scopes: [write ? 'progress:read' : 'progress:write'] })
      return {
        ...student,
        token: res.body.token,
        tokenId: res.body.id,
        auth: { Authorization: `Bearer ${res.body.token}` },
      }
    }
    case 'a revoked token': {
      const res = await t.http
        .post(`/v1/users/${student.id}/tokens`)
        .set(student.auth)
        .send({ name: 'soon revoked' })
      await t.http.delete(`/v1/tokens/${res.body.id}`).set(student.auth)
      return {
        ...student,
        token: res.body.token,
        tokenId: res.body.id,
        auth: { Authorization: `Bearer ${res.body.token}` },
      }
    }
    case 'no token':
      return null
  }
}

describe('authorization matrix', () => {
  let registered: string[] = []
  beforeAll(async () => {
    const doc = (await t.http.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> }
    registered = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/students/{studentId}'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map(
          (m) => `${m.toUpperCase()} ${path.slice('/v1/students/{studentId}'.length)}`,
        ),
      )
    spareAdvisorId = (await createAdvisor(t.database.db)).id
  })

  test('every student-data route is in the matrix (add new routes to ROUTES)', () => {
    expect(registered.length).toBeGreaterThan(10)
    expect(registered.filter((r) => !(r in ROUTES))).toEqual([])
    expect(Object.keys(ROUTES).filter((r) => !registered.includes(r))).toEqual([])
  })

  const cases = Object.entries(ROUTES).flatMap(([route, spec]) =>
    CALLERS.map((kind) => [route, kind, spec] as const),
  )

  test.each(cases)('%s as %s', async (route, kind, spec) => {
    const [method = 'GET'] = route.split(' ')
    const write = method !== 'GET'
    const student = await createStudent(t.database.db)
    const caller = await callerFor(kind, student, write)
    const path = await spec.path({ student, as: caller ?? student })
    const url = `/v1/students/${student.id}${path}`
    let req = t.http[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url)
    if (caller) req = req.set(caller.auth)
    const res = spec.body ? await req.send(spec.body() as object) : await req
    const want = expected(kind, write)
    expect(res.status, JSON.stringify(res.body)).toBe(want === 'ok' ? spec.ok : want)
    if (res.status >= 400) {
      expect(res.headers['content-type']).toContain('application/problem+json')
      // Never a hint of another student's data in an error.
      expect(JSON.stringify(res.body)).not.toMatch(/stack|select |insert /i)
    }
  })
})
