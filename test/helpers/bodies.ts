/** A valid block body; override what the test is about. */
export function blockBody(overrides: Record<string, unknown> = {}) {
  return {
    source: 'uworld',
    takenAt: '2026-05-03T14:10:00Z',
    questionCount: 40,
    correctCount: 29,
    pass: 'first',
    timed: true,
    selection: 'random',
    systems: [
      { system: 'cardio', total: 12, correct: 9 },
      { system: 'GI', total: 10, correct: 6 },
      { system: 'pulm', total: 18, correct: 14 },
    ],
    ...overrides,
  }
}
