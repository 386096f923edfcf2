/**
 * Random bytes from node's CSPRNG drawn 4 KiB at a time: a request needs a few (ids, keys,
 * pairing codes) and one synchronous draw per request was a measurable share of the server's
 * CPU. Every byte is handed out once; each caller gets its own copy.
 */
import { randomFillSync } from 'node:crypto';

export function pooledRandom(poolSize = 4096): (bytes: number) => Uint8Array {
  const pool = new Uint8Array(poolSize);
  let used = poolSize;
  return (n) => {
    if (n > poolSize) return randomFillSync(new Uint8Array(n));
    if (used + n > poolSize) {
      randomFillSync(pool);
      used = 0;
    }
    const out = pool.slice(used, used + n);
    used += n;
    return out;
  };
}

/**
 * Random hex strings (ids, keys) from the same kind of pool: the pool is turned into hex once
 * per refill, and each caller gets its own slice of it.
 */
export function pooledRandomHex(poolSize = 4096): (bytes: number) => string {
  const pool = Buffer.alloc(poolSize);
  let hex = '';
  let used = poolSize;
  return (n) => {
    if (n > poolSize) return randomFillSync(Buffer.alloc(n)).toString('hex');
    if (used + n > poolSize) {
      randomFillSync(pool);
      hex = pool.toString('hex');
      used = 0;
    }
    const out = hex.slice(2 * used, 2 * (used + n));
    used += n;
    return out;
  };
}
