import { toApiError, type ApiErrorCode } from '../../src/shared/api/result'

/** Errors that stop a whole run: nothing later could succeed. Anything else is one file's error line. */
const FATAL: ReadonlySet<ApiErrorCode> = new Set(['internal', 'db-error', 'db-not-writable', 'disk-full', 'model-missing', 'model-corrupt'])

/** True for an error that must end the whole command rather than one file. */
export const isFatal = (code: ApiErrorCode): boolean => FATAL.has(code)

/**
 * The per-file loop of the CLI's one-line-per-file commands: progress on stderr, `line(file)` on
 * stdout, or `{"file", "error": {code, message}}` for a file that fails, and on with the next.
 */
export async function eachFile(
  files: readonly string[],
  io: { out(line: string): void; progress(line: string): void },
  verb: string,
  line: (file: string) => Promise<Record<string, unknown>>,
): Promise<void> {
  for (const [i, file] of files.entries()) {
    if (files.length > 1) io.progress(`${verb} ${i + 1}/${files.length} ${file}`)
    try {
      io.out(JSON.stringify({ file, ...(await line(file)) }))
    } catch (err) {
      const e = toApiError(err)
      if (isFatal(e.code)) throw err
      io.out(JSON.stringify({ file, error: { code: e.code, message: e.message } }))
    }
  }
}
