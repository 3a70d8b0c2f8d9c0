/**
 * Queue settings shared by `enqueue`, `worker` and `fleet`, from the environment (every process of
 * a fleet should see the same values):
 *   MOODSCAPE_FLEET_EXPIRE_SECONDS       lease of one attempt (default 600)
 *   MOODSCAPE_FLEET_RETRY_LIMIT          retries after the first attempt (default 5)
 *   MOODSCAPE_FLEET_RETRY_DELAY_SECONDS  base of the exponential backoff (default 10)
 *   MOODSCAPE_FLEET_MAINTENANCE_SECONDS  how often workers look for expired jobs (default 30)
 *   MOODSCAPE_FLEET_POLL_SECONDS         how often an idle worker polls (default 1)
 */
import { InputError } from '../../../core/common/errors.ts';
import { isPostgresSpec } from '../../../io/store/open-store.ts';
import type { FleetQueueOptions } from '../../../io/queue/fleet-queue.ts';

const ENV: Record<string, keyof FleetQueueOptions> = {
  MOODSCAPE_FLEET_EXPIRE_SECONDS: 'expireInSeconds',
  MOODSCAPE_FLEET_RETRY_LIMIT: 'retryLimit',
  MOODSCAPE_FLEET_RETRY_DELAY_SECONDS: 'retryDelaySeconds',
  MOODSCAPE_FLEET_MAINTENANCE_SECONDS: 'maintenanceIntervalSeconds',
  MOODSCAPE_FLEET_POLL_SECONDS: 'pollingIntervalSeconds',
};

export function fleetOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FleetQueueOptions {
  const out: Record<string, number> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    const min = key === 'retryLimit' || key === 'retryDelaySeconds' ? 0 : key === 'pollingIntervalSeconds' ? 0.5 : 1;
    if (!Number.isFinite(v) || v < min || (key !== 'pollingIntervalSeconds' && !Number.isInteger(v))) {
      throw new InputError(`${name} must be ${key === 'pollingIntervalSeconds' ? 'a number' : 'an integer'} ≥ ${min}, got "${raw}"`);
    }
    out[key] = v;
  }
  return out;
}

/** The fleet lives in PostgreSQL: a SQLite --db is a usage error. */
export function requirePostgres(db: string): string {
  if (!isPostgresSpec(db)) throw new InputError(`--db must be a postgres:// URL for the fleet (the queue lives in PostgreSQL), got "${db}"`);
  return db;
}
