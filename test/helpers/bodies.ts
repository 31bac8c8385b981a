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

/** A valid self-assessment body (a scored NBME form); override what the test is about. */
export function assessmentBody(overrides: Record<string, unknown> = {}) {
  return {
    form: 'NBME 12',
    takenAt: '2026-10-03T14:00:00Z',
    score: 245,
    percentCorrect: 74,
    examConditions: true,
    systems: [
      { system: 'cardio', percentCorrect: 81 },
      { system: 'immune', percentCorrect: 62.5 },
    ],
    ...overrides,
  }
}

/** A valid study activity body; override what the test is about. */
export function activityBody(overrides: Record<string, unknown> = {}) {
  return {
    type: 'content_review',
    date: '2026-10-05',
    minutes: 90,
    systems: ['cardio', 'GI'],
    ...overrides,
  }
}
