/** Posts each body once with at most `concurrency` in flight; throws on the first non-2xx. */
export async function postEach(
  url: string,
  headers: Record<string, string>,
  bodies: readonly string[],
  concurrency = 8,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      })
      if (!res.ok) throw new Error(`seeding ${url}: ${res.status} ${(await res.text()).slice(0, 500)}`)
      await res.arrayBuffer().catch(() => undefined)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}
