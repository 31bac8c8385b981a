import { EventEmitter } from 'node:events'
import { expect, test } from 'vitest'
import { openPostgres } from '../../src/db/client.js'

// pg-pool listens for 'error' on a client only while it is idle. A connection dropped while a
// request holds it (mid-transaction) must reject that request's query, not crash the process.
test('a pooled client that errors while checked out does not throw out of the pool', async () => {
  const database = openPostgres('postgres://nobody@127.0.0.1:1/none')
  const pool = database.pool
  if (!pool) throw new Error('expected a pg pool')
  const client = new EventEmitter()
  pool.emit('connect', client)
  expect(client.listenerCount('error')).toBe(1)
  expect(() =>
    client.emit('error', new Error('terminating connection due to administrator command')),
  ).not.toThrow()
  // Without the listener, EventEmitter throws the error itself: that is the crash this guards against.
  expect(() => new EventEmitter().emit('error', new Error('boom'))).toThrow('boom')
  await database.close()
})
