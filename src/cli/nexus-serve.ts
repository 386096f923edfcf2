/**
 * `nexus.mjs serve`: the session server in this process (nexus spec §2.10), with embedded
 * storage under DATA_DIR or on Redis; prints one `listening` document, runs until a stop signal.
 */
import { int, str, type Parsed } from './args.ts';
import { err, onStopSignal } from './io.ts';
import { reply, shown } from './nexus-reply.ts';
import { serverDataDir } from './state-dir.ts';
import { InvalidSetting } from '../settings.ts';

interface Ctx {
  env: Record<string, string | undefined>;
  moduleUrl: string;
}

export async function serve(p: Parsed, ctx: Ctx): Promise<number> {
  const { nexusConfig } = await import('../nexus/server/config.ts');
  const { startNexusServer } = await import('../nexus/server/server.ts');
  const port = int(p, 'port', 0, 65535);
  let config;
  try {
    config = nexusConfig(ctx.env, { dataDir: serverDataDir(ctx.env, ctx.moduleUrl), ...(str(p, 'host') ? { host: str(p, 'host')! } : {}), ...(port !== undefined ? { port } : {}) });
  } catch (e) {
    if (!(e instanceof InvalidSetting)) throw e;
    return reply({ code: 2, json: { error: e.code, message: e.message, problems: e.problems }, hints: () => err(e.problems.map((x) => `Error: ${shown(x)}`).join('\n')) });
  }
  let s;
  try {
    s = await startNexusServer(config);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'redis_unavailable' || code === 'data_dir_in_use') return reply({ code: 1, json: { error: code, message: (e as Error).message } });
    return reply({ code: 1, json: { error: 'listen_failed', message: `cannot listen on ${config.host}:${config.port}: ${(e as Error).message}` } });
  }
  const storage = config.redisUrl ? 'redis' : config.dataDir ? 'disk' : 'memory';
  const where = config.redisUrl ? `Redis, prefix ${config.redisPrefix}` : (config.dataDir ?? 'memory only');
  reply({
    code: 0,
    json: { event: 'listening', service: 'nexus-session-server', url: s.url, storage, dataDir: config.redisUrl ? null : config.dataDir },
    hints: () => err(`NexusMessaging server listening on ${s.url} (data: ${where}; Ctrl-C to stop)`),
  });
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await s.close();
  err('Session server stopped.');
  return 0;
}
