// `npm run cli -- <command>`: manage users and tokens without HTTP (e.g. before any admin exists).
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { runMigrations } from './db/migrate.js'
import { SCOPES_BY_ROLE } from './modules/users/tokens.js'
import {
  findUser,
  findUserByEmail,
  insertToken,
  insertUser,
  revokeToken,
} from './modules/users/users.repository.js'
import { CreateUserBody, TokenName } from './modules/users/users.schemas.js'
import { SCOPES, type Scope } from './modules/users/users.table.js'

const USAGE = `Usage: npm run cli -- <command> [options]

  create-user  --role student|advisor|admin --name NAME --email EMAIL [--timezone Area/City]
  create-token --user USER_ID_OR_EMAIL --name NAME [--scopes a,b]   (prints the secret once)
  revoke-token --id TOKEN_ID

Uses DATABASE_URL, or the embedded database in DATA_DIR (stop the server first: PGlite is single-process).`

async function run(argv: string[]) {
  const [command, ...rest] = argv
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      timezone: { type: 'string' },
      user: { type: 'string' },
      scopes: { type: 'string' },
      id: { type: 'string' },
    },
  })
  if (!command || command === 'help' || command === '--help') return console.log(USAGE)

  const config = loadConfig()
  const database = await openDatabase(config)
  try {
    await runMigrations(database)
    const { db } = database
    if (command === 'create-user') {
      // The API's own limits (name, email, time zone), so every user reads back as the API documents it.
      const input = z.object(CreateUserBody.shape).parse(values)
      const user = await insertUser(db, input)
      if (!user) throw new Error(`a user with email ${input.email} exists`)
      console.log(JSON.stringify(user, null, 2))
    } else if (command === 'create-token') {
      const input = z
        .object({ user: z.string().min(1), name: TokenName, scopes: z.string().optional() })
        .parse(values)
      const user = z.uuid().safeParse(input.user).success
        ? await findUser(db, input.user)
        : await findUserByEmail(db, input.user)
      if (!user) throw new Error(`no user ${input.user}`)
      const allowed = SCOPES_BY_ROLE[user.role]
      const scopes = input.scopes
        ? [...new Set(z.array(z.enum(SCOPES)).parse(input.scopes.split(',')))]
        : [...allowed]
      const refused = scopes.filter((s: Scope) => !allowed.includes(s))
      if (refused.length) throw new Error(`a ${user.role} token may not carry: ${refused.join(', ')}`)
      const token = await insertToken(db, { userId: user.id, name: input.name, scopes })
      console.log(
        JSON.stringify({ id: token.id, userId: user.id, scopes: token.scopes, token: token.token }, null, 2),
      )
      console.error('Store the token now: it is not shown again.')
    } else if (command === 'revoke-token') {
      const { id } = z.object({ id: z.uuid() }).parse(values)
      await revokeToken(db, id)
      console.log(`revoked ${id}`)
    } else {
      throw new Error(`unknown command ${command}\n\n${USAGE}`)
    }
  } finally {
    await database.close()
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof z.ZodError) console.error(z.prettifyError(err))
  else if (err instanceof ConfigError || err instanceof Error) console.error(err.message)
  else console.error(err)
  process.exitCode = 1
})
