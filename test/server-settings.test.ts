// Server settings (src/settings.ts, issue 20): an invalid value stops the server at start,
// naming the variable, the value and what is allowed, for the session server, the messenger
// and the hub alike; never the default in its place. The hub's raised defaults are valid.
import { describe, expect, it } from 'vitest';
import { hubEnv, HUB_LOOPBACK_ENV } from '../src/hub-defaults.ts';
import { connectionLimits } from '../src/http/limits.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { InvalidSetting } from '../src/settings.ts';
import { ROOT, runScript } from './helpers/cli.ts';

const nexus = (env: Record<string, string>) => nexusConfig(env, { dataDir: null, port: 0 });
const messenger = (env: Record<string, string>) => messengerConfig(env, { port: 0 });

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidSetting);
    return (e as InvalidSetting).problems;
  }
  throw new Error('no InvalidSetting thrown');
}

describe('the session server refuses invalid settings', () => {
  it.each([
    ['PAIR_CODE_TTL', 'abc', /PAIR_CODE_TTL="abc" is invalid: it must be a whole number of seconds, at least 10/],
    ['PAIR_CODE_TTL', '5', /PAIR_CODE_TTL="5" is invalid: .*at least 10/],
    ['DEFAULT_TTL', '10', /DEFAULT_TTL="10" is invalid: it must be a whole number of seconds from 60 to 86400/],
    ['DEFAULT_TTL', '90000', /DEFAULT_TTL="90000" is invalid: .*from 60 to 86400/],
    ['MAX_AGENTS', '1', /MAX_AGENTS="1" .*at least 2/],
    ['SLIDE_ON_POLL', 'maybe', /SLIDE_ON_POLL="maybe" is invalid: it must be true or false/],
    ['RATE_LIMIT_MAX', '1.5', /RATE_LIMIT_MAX="1.5" .*whole number, at least 1/],
    ['PORT', '70000', /PORT="70000" .*from 0 to 65535/],
    ['MAX_CONNECTIONS', 'lots', /MAX_CONNECTIONS="lots" .*at least 0/],
    ['TRUST_PROXY', 'nonsense', /TRUST_PROXY=nonsense: 'nonsense' is not an IP address/],
  ])('%s=%s', (name, value, message) => {
    const p = problems(() => nexusConfig({ [name]: value }, { dataDir: null }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(message);
  });

  it('reports every problem at once; unset or empty values are the defaults', () => {
    expect(problems(() => nexus({ PAIR_CODE_TTL: 'abc', DEFAULT_TTL: '10', SSE_KEEPALIVE_MS: '-1' }))).toHaveLength(3);
    const c = nexus({ PAIR_CODE_TTL: '', DEFAULT_TTL: ' ' });
    expect([c.pairTtl, c.defaultTtl]).toEqual([600, 3660]);
    // A default above a lowered maximum follows it; valid values are taken as given.
    expect(nexus({ MAX_TTL_SECONDS: '600' }).defaultTtl).toBe(600);
    expect(nexus({ PAIR_CODE_TTL: '30', DEFAULT_TTL: '120', SLIDE_ON_POLL: 'off' })).toMatchObject({ pairTtl: 30, defaultTtl: 120, slideOnPoll: false });
  });

  it('a headers timeout set above the request timeout is an error; the default follows it down', () => {
    expect(problems(() => connectionLimits({ REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '5000' }))[0]).toMatch(/HEADERS_TIMEOUT_MS="5000" is invalid: it must be at most REQUEST_TIMEOUT_MS \(2000\)/);
    expect(connectionLimits({ REQUEST_TIMEOUT_MS: '2000' }).headersTimeoutMs).toBe(2000);
  });
});

describe('the messenger refuses invalid settings (the same parser)', () => {
  it.each([
    ['OFFLINE_QUEUE_TTL', 'abc', /OFFLINE_QUEUE_TTL="abc" is invalid: it must be a number of seconds, at least 0/],
    ['RATE_BURST', '0', /RATE_BURST="0" .*at least 1/],
    ['STREAM_BUFFER_BYTES', '1000', /STREAM_BUFFER_BYTES="1000" .*at least 524288/],
    ['REQUIRE_STREAM_AUTH', 'yes please', /REQUIRE_STREAM_AUTH="yes please" .*true or false/],
    ['TRUST_PROXY', '65', /TRUST_PROXY=65: more than 64 proxy hops/],
  ])('%s=%s', (name, value, message) => {
    const p = problems(() => messenger({ [name]: value }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(message);
  });

  it('valid values are taken as given', () => {
    expect(messenger({ RATE_LIMIT: '0.001', RATE_BURST: '3', REQUIRE_STREAM_AUTH: '1', DRAIN_GRACE: '0' })).toMatchObject({ rateLimit: 0.001, rateBurst: 3, requireStreamAuth: true, drainGraceMs: 0 });
  });
});

describe("the hub's raised loopback values are valid settings", () => {
  it('both servers accept them', () => {
    const e = hubEnv({}, '127.0.0.1');
    for (const [name] of HUB_LOOPBACK_ENV) expect(e[name]).toBeDefined();
    expect(() => nexus(e as Record<string, string>)).not.toThrow();
    expect(() => messenger(e as Record<string, string>)).not.toThrow();
  });
});

describe('the CLIs stop at start: exit 2, code invalid_setting, the variable, the value and the range', () => {
  it('nexus serve', async () => {
    const r = await runScript(`${ROOT}scripts/nexus.mjs`, ['serve', '--port', '0'], { DATA_DIR: 'none', PAIR_CODE_TTL: '5' });
    expect(r.exitCode).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ error: 'invalid_setting', problems: [expect.stringMatching(/PAIR_CODE_TTL="5" is invalid: .*at least 10/)] });
    expect(r.stderr).toMatch(/PAIR_CODE_TTL/);
  });

  it('opennexus serve', async () => {
    const r = await runScript(`${ROOT}scripts/opennexus.mjs`, ['serve', '--port', '0'], { DATA_DIR: 'none', OFFLINE_QUEUE_TTL: 'abc' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Error: OFFLINE_QUEUE_TTL="abc" is invalid: it must be a number of seconds, at least 0$/m);
  });

  it('hub start', async () => {
    const r = await runScript(`${ROOT}scripts/hub.mjs`, ['start', '--messenger-port', '0', '--nexus-port', '0'], { DATA_DIR: 'none', DEFAULT_TTL: '10' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/DEFAULT_TTL="10" is invalid/);
  });
});
