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
    return escapeControls(place ? `${place}: ${message}${expected}` : `${message}${expected}`);
  }
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides written as `\xNN` / `\u{NNNN}`, so
 * a message that echoes input stays one line and cannot drive a terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

const NAMED_SPACES: Readonly<Record<number, string>> = {
  0x00a0: 'a non-breaking space (U+00A0)', 0x2007: 'a figure space (U+2007)', 0x202f: 'a narrow non-breaking space (U+202F)',
  0x2009: 'a thin space (U+2009)', 0xfeff: 'a zero-width no-break space (U+FEFF)', 0x200b: 'a zero-width space (U+200B)',
  0x2212: 'a minus sign (U+2212) instead of "-"',
};

/**
 * What in a cell's text keeps it from being what it looks like: the first character outside
 * printable ASCII, named ("a non-breaking space (U+00A0)"), or '' when there is none.
 */
export function oddCharacter(text: string): string {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) continue;
    if (Object.hasOwn(NAMED_SPACES, code)) return NAMED_SPACES[code];
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
    if (code === 0xfffd) return 'bytes that are not valid UTF-8';
    return `the character "${ch}" (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return '';
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
