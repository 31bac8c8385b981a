import { describe, expect, test } from 'vitest'
import { latencyFloor, reqPerSecForLatency } from '../../bench/lib/report.js'
import type { LoadResult } from '../../bench/lib/load.js'
import type { HttpRow, Targets } from '../../bench/scenarios/types.js'

const load = (requestsPerSec: number, connections: number): LoadResult => ({
  requestsPerSec,
  latencyMs: { p50: 1, p90: 1, p99: 1, average: 1, max: 1 },
  responses: 1,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  statusCodes: { '200': 1 },
  durationSec: 10,
  connections,
})

const row = (targets: Targets, connections: number, bareReqPerSec: number | null): HttpRow => ({
  kind: 'http',
  name: 'POST /blocks',
  description: 'a row',
  targets,
  ours: load(100, connections),
  bare: bareReqPerSec === null ? null : load(bareReqPerSec, connections),
})

describe('bench report: what a latency target needs of the machine', () => {
  // Closed loop: mean latency = connections ÷ req/s, so req/s = connections × 1000 ÷ ms.
  test.each([
    [50, 50, 1000],
    [50, 100, 500],
    [2, 25, 80],
    [1, 1000, 1],
  ])('%i connections at %i ms need %d req/s', (connections, ms, needed) => {
    expect(reqPerSecForLatency(connections, ms)).toBe(needed)
  })

  test.each([
    // 1,000 ÷ 1,353 = 73.9%
    [
      { minRatio: 0.6, maxP99Ms: 50 },
      50,
      1353,
      'p99 ≤ 50 ms at 50 connections needs about ≥ 1,000 req/s (mean latency = connections ÷ req/s), 74% of bare here',
    ],
    [
      { maxP99Ms: 50 },
      50,
      798,
      "p99 ≤ 50 ms at 50 connections needs about ≥ 1,000 req/s (mean latency = connections ÷ req/s), more than bare's 798 here",
    ],
    [
      { maxP99Ms: 100 },
      20,
      null,
      'p99 ≤ 100 ms at 20 connections needs about ≥ 200 req/s (mean latency = connections ÷ req/s)',
    ],
    [{ maxP50Ms: 25 }, 2, 190, null],
    [{ maxP99Ms: 50 }, 1, 190, null],
  ])('%j at %i connections, bare %s req/s', (targets, connections, bare, expected) => {
    expect(latencyFloor(row(targets, connections, bare))).toBe(expected)
  })
})
