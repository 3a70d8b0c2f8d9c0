import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonBody } from './json-body.ts';

test('JSON bodies: prototype keys refused by name, deep nesting and bad JSON as 400s that say which', () => {
  assert.deepEqual(parseJsonBody('{"a":[1,{"b":null}]}'), { a: [1, { b: null }] });
  assert.throws(() => parseJsonBody('{"x":{"__proto__":{"polluted":1}}}'), { statusCode: 400, message: /"__proto__" key/ });
  assert.throws(() => parseJsonBody('{"constructor":{"prototype":{"p":1}}}'), { statusCode: 400, message: /"constructor" key/ });
  assert.deepEqual(parseJsonBody('{"constructor":"fine"}'), { constructor: 'fine' });
  assert.throws(() => parseJsonBody('['.repeat(100_000) + ']'.repeat(100_000)), { statusCode: 400, message: /nested too deeply/ });
  assert.throws(() => parseJsonBody('{"a":'), { statusCode: 400, message: /not valid JSON/ });
  assert.throws(() => parseJsonBody(''), { statusCode: 400, message: /empty/ });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
