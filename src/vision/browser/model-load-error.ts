/** A model file failed to load or verify; `file` names it for the screen and the log. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError'
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message)
  }
}
