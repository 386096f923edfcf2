/**
 * Random bytes from the platform's CSPRNG (the crypto module's randomBytes) drawn 4 KiB at a time: a request needs a few (ids, keys,
 * pairing codes) and one synchronous draw per request was a measurable share of the server's
 * CPU. Every byte is handed out once; each caller gets its own copy.
 */
import { randomBytes } from '../../opennexus/core/crypto.ts';

export function pooledRandom(poolSize = 4096): (bytes: number) => Uint8Array {
  const pool = new Uint8Array(poolSize);
  let used = poolSize;
  return (n) => {
    if (n > poolSize) return randomBytes(n);
    if (used + n > poolSize) {
      pool.set(randomBytes(poolSize));
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
    if (n > poolSize) return Buffer.from(randomBytes(n)).toString('hex');
    if (used + n > poolSize) {
      pool.set(randomBytes(poolSize));
      hex = pool.toString('hex');
      used = 0;
    }
    const out = hex.slice(2 * used, 2 * (used + n));
    used += n;
    return out;
  };
}
