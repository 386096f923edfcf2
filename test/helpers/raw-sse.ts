import { request, type IncomingMessage } from 'node:http';

/** A hand-driven SSE client: frames as text, so 390 KB frames (past the client's line cap) are fine. */
export interface RawStream {
  res: IncomingMessage;
  /** Complete frames (`data: ...` without the three newlines) received so far. */
  frames: string[];
  /** Resolves when the server ends or drops the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a stream and resolves once the connected event has arrived. */
export function rawStream(url: string, agent: string, query = ''): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/messages/stream${query}`, { headers: { 'X-Agent-ID': agent }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream refused: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      const frames: string[] = [];
      let buf = '';
      let ready = false;
      let onEnd!: () => void;
      const ended = new Promise<void>((r) => (onEnd = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n\n\n'); i >= 0; i = buf.indexOf('\n\n\n')) {
          frames.push(buf.slice(0, i));
          buf = buf.slice(i + 3);
        }
        if (!ready && frames.length) {
          ready = true;
          resolve({ res, frames, ended, close: () => req.destroy() });
        }
      });
      res.on('end', onEnd);
      res.on('close', onEnd);
      res.on('error', onEnd);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `counter` of each relayed frame (the connected event has none). */
export function counters(frames: string[]): number[] {
  return frames.flatMap((f) => {
    const m = /"counter":(\d+)/.exec(f.slice(0, 600));
    return m ? [Number(m[1])] : [];
  });
}
