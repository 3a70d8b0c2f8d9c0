import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/common/errors.ts';
import { DEFAULT_LIMITS, resolveLimits } from './limits.ts';

test('limits come from defaults, then the environment, then flags', () => {
  assert.deepEqual(resolveLimits(), DEFAULT_LIMITS);
  const l = resolveLimits({ maxConnections: '20' }, { MOODSCAPE_MAX_CONNECTIONS: '10', MOODSCAPE_BODY_LIMIT: '4096' });
  assert.equal(l.maxConnections, 20, 'the flag wins');
  assert.equal(l.bodyBytes, 4096, 'the environment beats the default');
});

test('a limit that is not a whole number above its minimum is an input error naming the flag or variable', () => {
  assert.throws(() => resolveLimits({ maxConnections: '0' }), (e: unknown) => e instanceof InputError && /--max-connections/.test(e.message));
  assert.throws(() => resolveLimits({}, { MOODSCAPE_REQUEST_TIMEOUT: '1e9' }), /MOODSCAPE_REQUEST_TIMEOUT/);
});
