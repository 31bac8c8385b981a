/**
 * USMLE Step 2 CK score scale (shared/spec/reference-data.md). The passing score is the one for exams from
 * 2025-07-01 (it was 214 from 2022-07-01); mean and SD are US/Canadian first-takers, 2025–26, as published
 * by USMLE. measurementError is roughly one standard error of measurement: it sets the plateau tolerance and
 * the width of prediction bands. Defaults: a deployment can override them.
 */

export interface ScoreScale {
  min: number
  max: number
  passingScore: number
  nationalMean: number
  nationalSd: number
  measurementError: number
}

export const SCORE_SCALE: Readonly<ScoreScale> = Object.freeze({
  min: 1,
  max: 300,
  passingScore: 218,
  nationalMean: 251,
  nationalSd: 15,
  measurementError: 8,
})
