/**
 * Errors a user can fix (bad file, bad flag, bad model directory). The CLI maps these to exit
 * code 2 and prints the message alone; anything else is an internal error (exit 1).
 */
export class InputError extends Error {
  readonly file?: string;
  /** 1-based line number in the file, counting the header as line 1. */
  readonly row?: number;
  readonly column?: string;
  readonly expected?: string;

  constructor(message: string, where: { file?: string; row?: number; column?: string; expected?: string } = {}) {
    super(InputError.format(message, where));
    this.name = 'InputError';
    this.file = where.file;
    this.row = where.row;
    this.column = where.column;
    this.expected = where.expected;
  }

  private static format(message: string, w: { file?: string; row?: number; column?: string; expected?: string }): string {
    const place = [w.file, w.row !== undefined ? `row ${w.row}` : undefined, w.column !== undefined ? `column "${w.column}"` : undefined]
      .filter(Boolean)
      .join(', ');
    const expected = w.expected ? ` (expected ${w.expected})` : '';
    return place ? `${place}: ${message}${expected}` : `${message}${expected}`;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
