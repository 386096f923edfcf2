/**
 * The cost of one `opennexus.mjs send` over a live session, beside its floor measured in the
 * same run: a bare `node -e` process that makes one POST to the same messenger. Over a live
 * session a send is one fsync'd locked cache update (the sealed message and its counter), one
 * POST, and one locked update without fsync recording that the messenger accepted it (so a
 * send killed mid-POST is sent again, never reported delivered); the outbox does the confirming.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { median } from './stats.ts';

const script = `${process.cwd()}/scripts/opennexus.mjs`;

/** CPU (user + system) of this process's waited-for children so far, ms (/proc/self/stat cutime + cstime). */
function childCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms
}

export async function benchOpenNexusSend(n = 15): Promise<void> {
  const server = spawn('node', [script, 'serve', '--port', '0'], { env: { ...process.env, RATE_LIMIT: '0', DATA_DIR: 'none' }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve) => server.stdout!.once('data', (b: Buffer) => resolve(JSON.parse(b.toString()).url)));
  try {
    const envOf = (name: string) => ({ ...process.env, NEXUS_STATE_DIR: mkdtempSync(join(tmpdir(), `bench-${name}-`)), MESSENGER_URL: url });
    const a = envOf('a');
    const b = envOf('b');
    execFileSync('node', [script, 'generate-keys'], { env: a, stdio: 'ignore' });
    const bPub = JSON.parse(execFileSync('node', [script, 'generate-keys', '--json'], { env: b }).toString()).public_key as string;
    // A live session: B streams while A's first send handshakes.
    const bStream = spawn('node', [script, 'stream', '--json', '--timeout', '10'], { env: b, stdio: 'ignore' });
    const first = JSON.parse(execFileSync('node', [script, 'send', '--json', '--to', bPub, '--messenger-url', url, '--message', 'hi', '--wait', '8'], { env: a }).toString());
    bStream.kill();
    if (first.status !== 'sent') throw new Error(`no live session for the send bench: ${JSON.stringify(first)}`);
    const post = `const r=require('node:http').request(${JSON.stringify(`${url}/v1/messages`)},{method:'POST',headers:{'content-type':'application/json','x-agent-id':'S'}},(s)=>s.resume());r.end('{"protocol_version":"0.1.0","type":"data","sender_id":"S","receiver_id":"R","session_id":"x","counter":1,"ciphertext":"eA=="}')`;
    // NODE_EXTRA_CA_CERTS makes every node process load that file at start (~40 ms for the
    // Debian bundle here): a constant added to both sides that flatters the ratio. Measured
    // as set and, when set, without it; the ratio without it is the one that counts.
    const { NODE_EXTRA_CA_CERTS: extraCa, ...clean } = process.env;
    const runs: [string, NodeJS.ProcessEnv][] = extraCa ? [[' (NODE_EXTRA_CA_CERTS unset)', clean], [' (NODE_EXTRA_CA_CERTS set, as here)', process.env]] : [['', process.env]];
    // Every send starts with the outbox the first send left: the peer never answers here, so it
    // would otherwise grow by one unconfirmed message per send. Only the outbox is put back; the
    // session's counter keeps going up (putting the whole file back would reuse nonces).
    const cacheFile = readdirSync(join(a.NEXUS_STATE_DIR, 'opennexus')).find((f) => f.startsWith('session_keys_') && f.endsWith('.json'))!;
    const cachePath = join(a.NEXUS_STATE_DIR, 'opennexus', cacheFile);
    const firstOutbox = JSON.parse(readFileSync(cachePath, 'utf8')).outbox;
    const resetOutbox = () => writeFileSync(cachePath, JSON.stringify({ ...JSON.parse(readFileSync(cachePath, 'utf8')), outbox: firstOutbox }));
    // A second baseline: the same POST from an .mjs file that also loads node:crypto, the least
    // any single-file ESM client that encrypts pays (the ESM loader alone is ~5 ms over node -e).
    const floorDir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
    const mjsFloor = join(floorDir, 'post.mjs');
    writeFileSync(mjsFloor, `process.getBuiltinModule('node:crypto');\nconst require = process.getBuiltinModule('node:module').createRequire(import.meta.url);\n${post}\n`);
    // A third: the least a single-file client with the design card's AES pays, bundled the way
    // the CLIs are: noble's AES-256-GCM seals one message under a random key, then one POST. No
    // keys, no state, no lock, no fsync: what `send` must do besides is all extra to it.
    const nobleFloor = join(floorDir, 'noble-post.mjs');
    writeFileSync(join(floorDir, 'noble-post.src.mjs'), [
      `import { gcm } from '${process.cwd()}/node_modules/@noble/ciphers/aes.js';`,
      `import { randomBytes } from '${process.cwd()}/node_modules/@noble/hashes/utils.js';`,
      `const sealed = gcm(randomBytes(32), randomBytes(12)).encrypt(new TextEncoder().encode('m'));`,
      `const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);`,
      post.replace(`'{"protocol_version"`, `'{"sealed":"' + Buffer.from(sealed).toString('base64') + '","protocol_version"`),
    ].join('\n'));
    await build({ entryPoints: [join(floorDir, 'noble-post.src.mjs')], outfile: nobleFloor, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
    for (const [label, base] of runs) {
      const floor: number[] = [];
      const mjs: number[] = [];
      const send: number[] = [];
      const noble: number[] = [];
      let nobleCpu = 0;
      let floorCpu = 0;
      let mjsCpu = 0;
      let sendCpu = 0;
      for (let i = 0; i < n; i++) {
        let c = childCpuMs();
        let t = performance.now();
        execFileSync('node', ['-e', post], { env: base, stdio: 'ignore' });
        floor.push(performance.now() - t);
        floorCpu += childCpuMs() - c;
        c = childCpuMs();
        t = performance.now();
        execFileSync('node', [mjsFloor], { env: base, stdio: 'ignore' });
        mjs.push(performance.now() - t);
        mjsCpu += childCpuMs() - c;
        c = childCpuMs();
        t = performance.now();
        execFileSync('node', [nobleFloor], { env: base, stdio: 'ignore' });
        noble.push(performance.now() - t);
        nobleCpu += childCpuMs() - c;
        resetOutbox();
        c = childCpuMs();
        t = performance.now();
        execFileSync('node', [script, 'send', '--json', '--to', bPub, '--message', `m${i}`, '--wait', '0'], { env: { ...base, NEXUS_STATE_DIR: a.NEXUS_STATE_DIR, MESSENGER_URL: url }, stdio: 'ignore' });
        send.push(performance.now() - t);
        sendCpu += childCpuMs() - c;
      }
      const [f, m, s, nb] = [median(floor), median(mjs), median(send), median(noble)];
      // CPU per process is the steadier figure on a shared machine (wall time waits for the other core's work too).
      console.log(
        `opennexus     send over a live session${label}: ${s.toFixed(1)} ms vs node -e + one POST ${f.toFixed(1)} ms (${(s / f).toFixed(2)}x wall, median of ${n}) | CPU ${(sendCpu / n).toFixed(1)} vs ${(floorCpu / n).toFixed(1)} ms per process (${(sendCpu / floorCpu).toFixed(2)}x); target <= 1.5x (issue 20) | an .mjs loading node:crypto + one POST: ${m.toFixed(1)} ms (${(m / f).toFixed(2)}x; send ${(s / m).toFixed(2)}x of it; CPU ${(sendCpu / mjsCpu).toFixed(2)}x)`,
      );
      console.log(
        `opennexus     the least a single-file client with noble's AES-GCM pays (bundled .mjs: one seal + one POST, no keys, no state, no fsync)${label}: ${nb.toFixed(1)} ms = ${(nb / f).toFixed(2)}x of node -e + one POST (CPU ${(nobleCpu / floorCpu).toFixed(2)}x); send is ${(s / nb).toFixed(2)}x of it (CPU ${(sendCpu / nobleCpu).toFixed(2)}x)`,
      );
    }
    for (const d of [floorDir, a.NEXUS_STATE_DIR, b.NEXUS_STATE_DIR]) rmSync(d, { recursive: true, force: true });
  } finally {
    server.kill();
  }
}
