import { HadirError } from '../../../src/shared/api/result'

/** The HadirError `fn` throws (anything else is rethrown; not throwing fails). */
export function errorOf(fn: () => unknown): HadirError {
  try {
    fn()
  } catch (e) {
    if (e instanceof HadirError) return e
    throw e
  }
  throw new Error('expected a HadirError')
}

/** The HadirError `p` rejects with (anything else is rethrown; resolving fails). */
export async function rejectionOf(p: Promise<unknown>): Promise<HadirError> {
  try {
    await p
  } catch (e) {
    if (e instanceof HadirError) return e
    throw e
  }
  throw new Error('expected a HadirError')
}
