// `npx tsx scripts/rules-table.ts`: prints the README's table of the 27 recommendation rules
// (guide-rules.md §3) from RULE_METADATA, so the README can be regenerated when a rule changes.
// test/unit/readme-rules.test.ts checks that README.md names every rule id.
import { pathToFileURL } from 'node:url'
import { RULE_METADATA } from '../src/modules/analytics/rules.js'
import type { RuleId } from '../src/modules/analytics/types.js'

/** What each rule's `action` says, in short, with the default thresholds (config.ts). Typed so a new rule needs one. */
const GIST: Record<RuleId, string> = {
  'exam-before-eras':
    'Move the exam to erasSubmissionDate − 60 days or earlier, so the score is out when programs read the application',
  'plan-too-short': 'Move the exam to prepStartDate + 42 days (dedicated) or + 90 days (part-time) or later',
  'baseline-assessment': 'Take a baseline NBME or UWSA now',
  'baseline-foundations':
    'Baseline < 236 (national mean 251 − 1 SD) or < target − 25: more content review (4–6 h/week), subject blocks first; otherwise Qbank first with timed random blocks',
  'assessment-cadence': 'high: take a self-assessment this week; low: schedule one by the last one + 28 days',
  'first-pass-pace':
    'Do `requiredDailyPace` new UWorld questions a day to finish the first pass by examDate − 14',
  'daily-volume':
    'Raise Qbank volume to the phase range (foundation 40–60, heavy_qbank 60–80, refinement 40–60 a day)',
  'weekly-volume':
    'Reach 160–240 questions a week: 2 timed blocks of 20–25 on weekdays, 40–80 on a weekend day',
  'burnout-volume': 'Stay under 80 questions a day (names the heaviest day); rest beats cramming',
  'timed-random': 'Switch to timed, random blocks (at least 50%)',
  'review-depth': 'Spend 2–3 h on explanations per 40-question block (3.0–4.5 min a question)',
  'weak-systems':
    '30–60 min a day on the top 3 weak systems (named), one 2–3 h deep dive this week on the top one',
  'plateau-cut-new':
    'Cut new questions to about 20–40 a day; review the weak systems (named) and rewatch short high-yield videos on them',
  'declining-scores': 'As plateau-cut-new, and check the 14-day mistake mix and fatigue',
  'keep-going': 'Scores are rising: continue the current plan',
  'mistake-pattern':
    'knowledge: content review of the weak systems; misread: slow down, read the stem and last line, review "guessed but right"; timing: more timed blocks and pacing checks',
  'second-pass': 'Start a second pass of the UWorld incorrects',
  'secondary-after-uworld': 'Finish UWorld first; add the other bank only if time allows',
  'simulation-day': 'Do a full-length simulation day: 6–8 timed blocks with realistic breaks',
  'final-assessment': 'Take UWSA 2 or an NBME under exam conditions by examDate − 7',
  'below-target-near-exam':
    'Consider a short delay if the ERAS timeline allows (says how many days of slack remain before exam-before-eras)',
  'final-weeks-focus':
    'Review incorrects and marked questions; repeat the ACS, stroke, DVT/PE (IVC filter) and GI-bleeding algorithms; light Anki; no new major resource',
  'no-new-resources': 'Drop the new resource (named); spend the days left on UWorld incorrects',
  'exam-eve': 'Very light review; route, documents, snacks, layers of clothing; sleep over cramming',
  consistency: 'Protect a daily block (1–2 h early morning or 2–3 h late evening); micro-learning on breaks',
  'ir-lens':
    'Review the named IR topics with the IR lens: would IR take the patient, which imaging first, which procedure',
  'score-below-target':
    'Reassess targets: DR and prelim/transitional years alongside IR; research, USCE, letters; consider a one-year delay if the profile is thin',
}

/** A Markdown table cell: pipes escaped, on one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

export function rulesTable(): string {
  const rows = RULE_METADATA.map((r) =>
    [`\`${r.id}\``, r.when, r.priorities.join(' / '), GIST[r.id], r.guideSections.join('; ')].map(cell),
  )
  return [
    '| id | fires when | priority | what it says (gist) | guide section |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(rulesTable())
