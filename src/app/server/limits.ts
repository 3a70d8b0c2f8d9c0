/**
 * The service's stated limits, in one place: what a request, its headers and body, a connection
 * and the whole server may use, and for how long. `serve` takes each as a flag or an environment
 * variable (flag wins); README's "Reliability" section lists them.
 */
import { InputError } from '../../core/common/errors.ts';

export interface ServerLimits {
  /** Largest request body in bytes (JSON routes). */
  bodyBytes: number;
  /** Largest body of POST /tracks (catalogue imports). */
  tracksBodyBytes: number;
  /** Largest request line + headers in bytes (Node's maxHeaderSize); a longer URL alone is 414. */
  headerBytes: number;
  /** Longest URL (path + query) in bytes; longer is 414 URI Too Long. */
  urlBytes: number;
  /** Open connections at once; further connections are closed at once. */
  maxConnections: number;
  /** Requests served over one keep-alive connection before it is closed (0 = no limit). */
  requestsPerConnection: number;
  /** Milliseconds a whole request may take (headers and body). */
  requestTimeoutMs: number;
  /** Milliseconds to receive the headers. */
  headersTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Milliseconds a socket may be idle in the middle of a request. */
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  bodyBytes: 1 << 20,
  tracksBodyBytes: 16 << 20,
  headerBytes: 16 << 10,
  urlBytes: 8 << 10,
  maxConnections: 512,
  // 0 = no cap: past a cap Node answers 503 to clients that ignore "Connection: close" (autocannon did).
  requestsPerConnection: 0,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
};

/** Flag name, environment variable and allowed minimum of each limit. */
export const LIMIT_SETTINGS: Readonly<Record<keyof ServerLimits, { flag: string; env: string; min: number }>> = {
  bodyBytes: { flag: 'body-limit', env: 'MOODSCAPE_BODY_LIMIT', min: 1024 },
  tracksBodyBytes: { flag: 'tracks-body-limit', env: 'MOODSCAPE_TRACKS_BODY_LIMIT', min: 1024 },
  headerBytes: { flag: 'header-limit', env: 'MOODSCAPE_HEADER_LIMIT', min: 1024 },
  urlBytes: { flag: 'url-limit', env: 'MOODSCAPE_URL_LIMIT', min: 256 },
  maxConnections: { flag: 'max-connections', env: 'MOODSCAPE_MAX_CONNECTIONS', min: 1 },
  requestsPerConnection: { flag: 'requests-per-connection', env: 'MOODSCAPE_REQUESTS_PER_CONNECTION', min: 0 },
  requestTimeoutMs: { flag: 'request-timeout', env: 'MOODSCAPE_REQUEST_TIMEOUT', min: 100 },
  headersTimeoutMs: { flag: 'headers-timeout', env: 'MOODSCAPE_HEADERS_TIMEOUT', min: 100 },
  keepAliveTimeoutMs: { flag: 'keep-alive-timeout', env: 'MOODSCAPE_KEEP_ALIVE_TIMEOUT', min: 0 },
  idleTimeoutMs: { flag: 'idle-timeout', env: 'MOODSCAPE_IDLE_TIMEOUT', min: 100 },
};

/**
 * Limits from defaults, then the environment, then explicit values (flags); every value an integer
 * at or above its minimum, else an InputError naming the flag or variable.
 */
export function resolveLimits(explicit: Partial<Record<keyof ServerLimits, string | number | undefined>> = {}, env: NodeJS.ProcessEnv = {}): ServerLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_SETTINGS) as (keyof ServerLimits)[]) {
    const { flag, env: name, min } = LIMIT_SETTINGS[key];
    const given = Object.hasOwn(explicit, key) && explicit[key] !== undefined ? { from: `--${flag}`, value: explicit[key] } : env[name] !== undefined && env[name] !== '' ? { from: name, value: env[name] } : null;
    if (!given) continue;
    const v = typeof given.value === 'number' ? given.value : /^\s*\d+\s*$/.test(given.value!) ? Number(given.value) : NaN;
    if (!Number.isSafeInteger(v) || v < min) throw new InputError(`${given.from} must be a whole number ≥ ${min}, got "${String(given.value)}"`);
    out[key] = v;
  }
  if (out.headersTimeoutMs > out.requestTimeoutMs) out.headersTimeoutMs = out.requestTimeoutMs;
  return out;
}
