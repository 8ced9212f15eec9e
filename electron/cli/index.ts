/**
 * Hadir command-line tool: the same vision pipeline, dispatcher and store as the kiosk.
 *   npm run --silent cli -- enroll <dir> [--db FILE]
 *   npm run --silent cli -- identify <file...> [--db FILE]
 *   npm run --silent cli -- people [--db FILE]
 *   npm run --silent cli -- roster <file.csv|file.xlsx> [--db FILE]
 *   npm run --silent cli -- delete <person-id> [--db FILE]
 *   npm run --silent cli -- backup [--db FILE]
 *   npm run --silent cli -- restore <backup-file> [--db FILE]
 * stdout is machine-readable JSON; progress and messages go to stderr.
 */
import { HadirError, toApiError } from '../../src/shared/api/result'
import { runCommand, usage } from './commands'

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h') {
    process.stderr.write(usage)
    return command ? 0 : 2
  }
  try {
    return await runCommand(command, rest, {
      out: (line) => process.stdout.write(`${line}\n`),
      progress: (line) => process.stderr.write(`${line}\n`),
    })
  } catch (err) {
    const error = toApiError(err)
    if (!(err instanceof HadirError)) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
    process.stdout.write(`${JSON.stringify({ error })}\n`)
    process.stderr.write(`hadir: ${error.message}\n`)
    return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`hadir: ${String(err)}\n`)
    process.exitCode = 1
  },
)
