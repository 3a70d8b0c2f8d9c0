/** The bytes the CSV scanners look for. */
export const COMMA = 44;
export const QUOTE = 34;
export const LF = 10;
export const CR = 13;

/** Longest record accepted; anything longer is almost certainly an unterminated quote. */
export const MAX_RECORD_BYTES = 64 << 20;

/** Most header columns accepted: far above any catalogue, low enough that planning stays instant. */
export const MAX_COLUMNS = 4096;
