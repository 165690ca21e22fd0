// Backoff bounds, jitter, server hints and close-code classes. Pure functions; random is injected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, backoffOptions, closeAction, hintFrom, reconnectDelay } from '../src/reconnect-policy.js';
import { refreshAtMs, tokenExpiryMs } from '../src/token.js';

const defaults = backoffOptions();

test('full jitter: each delay lies in [0, min(30 s, 1 s * 2^attempt)], reaching both ends', () => {
  const ceilings = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
  ceilings.forEach((ceiling, attempt) => {
    assert.equal(backoffDelay(attempt, defaults, null, () => 0), 0);
    assert.equal(backoffDelay(attempt, defaults, null, () => 0.999999), ceiling);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(attempt, defaults);
      assert.ok(delay >= 0 && delay <= ceiling, `attempt ${attempt}: ${delay} outside [0, ${ceiling}]`);
    }
  });
  assert.equal(backoffDelay(5000, defaults, null, () => 1), 30000, 'huge attempt counts stay at the cap');
});

test('full jitter spreads: 200 draws at the cap are not all alike', () => {
  const draws = new Set(Array.from({ length: 200 }, () => backoffDelay(10, defaults)));
  assert.ok(draws.size > 100, `only ${draws.size} distinct delays`);
});

test('decorrelated jitter: delay in [initial, min(cap, 3 * previous)]', () => {
  const options = backoffOptions({ jitter: 'decorrelated' });
  let previous = null;
  for (let i = 0; i < 500; i++) {
    const delay = backoffDelay(i, options, previous);
    const upper = Math.min(30000, 3 * (previous ?? 1000));
    assert.ok(delay >= 1000 && delay <= upper, `${delay} outside [1000, ${upper}]`);
    previous = delay;
  }
  assert.equal(backoffDelay(3, options, 20000, () => 1), 30000);
  assert.equal(backoffDelay(3, options, 20000, () => 0), 1000);
});

test('the server hint is a floor (retryAfterMs, or the older reconnectAfterMs), bounded at 5 minutes', () => {
  assert.equal(hintFrom({ type: 'error', code: 1012, retryAfterMs: 2500, reconnectAfterMs: 2500 }), 2500);
  assert.equal(hintFrom({ type: 'error', code: 1012, reconnectAfterMs: 1800 }), 1800);
  assert.equal(hintFrom({ type: 'error', code: 1011 }), null);
  assert.equal(hintFrom(null), null);
  assert.equal(reconnectDelay(300, { code: 1012, hintMs: 2500 }), 2500);
  assert.equal(reconnectDelay(4000, { code: 1012, hintMs: 2500 }), 4000);
  assert.equal(reconnectDelay(100, { code: 1011, hintMs: 10 * 60 * 1000 }), 5 * 60 * 1000);
});

test('4008 without a hint waits at least the backoff cap', () => {
  assert.equal(reconnectDelay(200, { code: 4008, maxMs: 30000 }), 30000);
  assert.equal(reconnectDelay(200, { code: 4008, hintMs: 45000, maxMs: 30000 }), 45000);
  assert.equal(reconnectDelay(200, { code: 1006, maxMs: 30000 }), 200);
});

test('close codes: terminal ones fail, 4003 gets one retry only with a token function, the rest retry', () => {
  for (const code of [4001, 4002, 4005, 4006, 1003, 1008, 1009]) assert.equal(closeAction(code, { canRefreshToken: true }), 'fail', `${code}`);
  for (const code of [1000, 1001, 1006, 1011, 1012, 1013, 4004, 4008, null]) assert.equal(closeAction(code), 'retry', `${code}`);
  assert.equal(closeAction(4003), 'fail');
  assert.equal(closeAction(4003, { canRefreshToken: true }), 'refresh-token');
  assert.equal(closeAction(4003, { canRefreshToken: true, refreshedSinceLive: true }), 'fail');
});

test('bad backoff options are refused with the field name', () => {
  assert.throws(() => backoffOptions({ initialMs: -1 }), /backoff\.initialMs/);
  assert.throws(() => backoffOptions({ initialMs: 5000, maxMs: 1000 }), /backoff\.maxMs/);
  assert.throws(() => backoffOptions({ jitter: 'equal' }), /backoff\.jitter/);
});

test('token refresh: a minute before expiry, half the remaining life for short tokens, never within a second', () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${b64({ alg: 'HS256' })}.${b64({ sub: 'u', exp: 2000000000 })}.sig`;
  assert.equal(tokenExpiryMs(token), 2000000000 * 1000);
  assert.equal(tokenExpiryMs('not-a-jwt'), null);
  assert.equal(tokenExpiryMs('a.b.c'), null);
  const now = 1_000_000;
  assert.equal(refreshAtMs(now + 3_600_000, now, 60000), now + 3_540_000);
  assert.equal(refreshAtMs(now + 10_000, now, 60000), now + 5_000);
  assert.equal(refreshAtMs(now - 5_000, now, 60000), now + 1_000);
});
