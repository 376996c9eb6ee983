/**
 * Error types shared by the trainer and the edge. Each carries enough context for a message a user can act on:
 * the CLI exits with its `exitCode` (2 unless a subclass says otherwise), the Worker answers with 4xx/5xx JSON
 * problem bodies.
 */

/** The CLI's exit code for an error Marquee raised on purpose: bad flags, data, artifacts or storage. */
export const ERROR_EXIT_CODE = 2;

/** Base class of every error Marquee raises on purpose (as opposed to bugs). */
export class MarqueeError extends Error {
  override name = 'MarqueeError';
  /**
   * What the CLI exits with: ERROR_EXIT_CODE, or a subclass's own code when schedulers must tell its case apart
   * (e.g. a candidate the pipeline's gate refused: 3).
   */
  readonly exitCode: number = ERROR_EXIT_CODE;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A flag, parameter or option value that cannot be used. */
export class UsageError extends MarqueeError {
  override name = 'UsageError';
}

/** Input data that cannot be read: names the file and (1-based) line where known. */
export class DataError extends MarqueeError {
  override name = 'DataError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly problem: string;
  constructor(problem: string, where: { file?: string; line?: number; cause?: unknown } = {}) {
    const prefix =
      where.file === undefined
        ? ''
        : where.line === undefined
          ? `${where.file}: `
          : `${where.file}:${where.line}: `;
    super(`${prefix}${problem}`, { cause: where.cause });
    this.file = where.file;
    this.line = where.line;
    this.problem = problem;
  }
}

/** A model artifact that is missing, corrupt, truncated or of an unknown schema. */
export class ArtifactError extends MarqueeError {
  override name = 'ArtifactError';
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

/** Object storage that cannot be reached or refuses the operation. */
export class StorageError extends MarqueeError {
  override name = 'StorageError';
}
