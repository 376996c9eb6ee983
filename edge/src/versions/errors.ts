/** Why no model can answer a request; the Worker maps it to 503 with Retry-After. */
export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
  /** `unpublished`: no channels.json yet; `load-failed`: the version(s) to serve cannot be loaded. */
  readonly reason: 'unpublished' | 'load-failed';
  constructor(reason: 'unpublished' | 'load-failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
