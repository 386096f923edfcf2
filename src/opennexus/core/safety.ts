/**
 * A safety number for two OpenNexus identities (pure): what two owners compare out of band
 * before one approves the other's agent, as Reef and Signal show. The same for both sides
 * (the keys are sorted), and different for any other pair of keys: 20 bytes of
 * SHA-256("opennexus-safety-v1" || lower key || higher key), as 8 groups of 5 hex digits.
 */
import { compareBytes, concat, hex, unb64, utf8 } from './bytes.ts';
import { sha256 } from './crypto.ts';

export function safetyNumber(publicKeyA: string, publicKeyB: string): string {
  const [lo, hi] = [unb64(publicKeyA, 32, 'public key'), unb64(publicKeyB, 32, 'public key')].sort(compareBytes) as [Uint8Array, Uint8Array];
  const h = hex(sha256(concat(utf8('opennexus-safety-v1'), lo, hi))).slice(0, 40).toUpperCase();
  return h.match(/.{5}/g)!.join(' ');
}
