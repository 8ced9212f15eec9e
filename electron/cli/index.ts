/**
 * Hadir command-line tool: the same vision pipeline, dispatcher and store as the kiosk.
 *   npm run --silent cli -- enroll <dir> [--db FILE]
 *   npm run --silent cli -- identify <file...> [--db FILE]
 *   npm run --silent cli -- people [--db FILE]
 *   npm run --silent cli -- roster <file.csv|file.xlsx> [--db FILE]
 *   npm run --silent cli -- delete <person-id> [--db FILE]
 *   npm run --silent cli -- backup [--db FILE]
 *   npm run --silent cli -- restore <backup-file> [--db FILE]
 *   npm run --silent cli -- admin set-pin [--db FILE]     (the PIN from stdin)
 *   npm run --silent cli -- pair [--db FILE]
 * stdout is machine-readable JSON; progress and messages go to stderr.
 */
import { createInterface } from 'node:readline'
import { HadirError, toApiError } from '../../src/shared/api/result'
import { runCommand, usage } from './commands'

/**
 * A secret from stdin: on a terminal asked twice without echo (the two must match); piped, the first
 * line. Never from argv, which other users see in `ps`.
 */
async function readSecret(prompt: string): Promise<string> {
  const tty = process.stdin.isTTY === true
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: tty })
      if (tty) {
        process.stderr.write(q)
        // no echo of the digits typed
        ;(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined
      }
      let answered = false
      rl.once('line', (line) => {
        answered = true
        rl.close()
        if (tty) process.stderr.write('\n')
        resolve(line)
      })
      rl.once('close', () => {
        if (!answered) resolve('')
      })
    })
  const first = await ask(prompt)
  if (!tty) return first
  const again = await ask('Again: ')
  if (again !== first) throw new HadirError('invalid-args', 'The two PINs differ: nothing was changed')
  return first
}

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
      readSecret,
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
