import { z } from 'zod'

// Booleans from the environment: z.coerce.boolean() would read "false" as true.
const flag = (fallback: boolean) => z.stringbool().default(fallback)

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1').describe('interface to listen on (0.0.0.0 in containers)'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .optional()
    .describe('PostgreSQL connection string; unset → embedded PGlite in DATA_DIR'),
  DATA_DIR: z.string().min(1).default('./data').describe('folder of the embedded database'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  MIGRATE_ON_START: flag(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: z
    .string()
    .min(32, 'ADMIN_TOKEN must be at least 32 characters')
    .optional()
    .describe('bootstraps the first admin; secrets never have defaults'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_ANON_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe('when set, GET /metrics requires "Authorization: Bearer <METRICS_TOKEN>"'),
  TRUST_PROXY: flag(false),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  WEBHOOKS_ENABLED: flag(true).describe('run the webhook delivery worker in this process'),
  WEBHOOK_POLL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(1_000)
    .describe('how often the webhook worker looks for new events and due deliveries'),
  WEBHOOK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(10_000)
    .describe('a webhook receiver must answer within this long, or the attempt fails'),
  WEBHOOK_ALLOW_PRIVATE: flag(false).describe(
    'allow webhook URLs on loopback, private and link-local addresses (tests and local development only)',
  ),
  JOBS_ENABLED: flag(true).describe(
    'run the job queue (pg-boss) in this process: the check-in worker and its schedule; false → API only',
  ),
  CHECKIN_CRON: z
    .string()
    .regex(/^\S+( \S+){4}$/, 'must be a 5-field cron expression (minute hour day month weekday)')
    .default('0 * * * *')
    .describe(
      'when (UTC) the weekly check-in job runs; hourly by default, since Monday starts at a different UTC hour in each time zone',
    ),
  ANALYTICS_OVERRIDES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return {}
      try {
        const value: unknown = JSON.parse(text)
        if (value && typeof value === 'object' && !Array.isArray(value))
          return value as Record<string, unknown>
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of analytics thresholds to override' })
      return z.NEVER
    })
    .describe('JSON overrides of the analytics thresholds, e.g. {"weak":{"minAttempts":30}}'),
})

export type Config = Readonly<z.infer<typeof Env>>

export class ConfigError extends Error {}

/** Parses the environment once; a bad value throws a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty string in .env means "not set", as it does for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = Env.safeParse(present)
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${z.prettifyError(parsed.error)}`)
  return Object.freeze(parsed.data)
}
