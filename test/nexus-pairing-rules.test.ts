// Pairing-code rules as pure functions (nexus spec §2.2, §2.3 pair/claim, pairing.ts): a code's
// state and error, which codes a new one evicts, issuing, reserving and releasing a code.
import { describe, expect, it } from 'vitest';
import { codeError, codesToEvict, codeState, issueCode, newCodeBody, newPair, releaseCode, reserveCode } from '../src/nexus/server/pairing.ts';
import type { PairRecord } from '../src/store/nexus-store.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const pair = (code: string, extra: Partial<PairRecord> = {}): PairRecord => ({ code, sessionId: 's', createdAt: T0, expiresAt: T0 + 600_000, ...extra });

describe('codeState and codeError', () => {
  it('pending until it expires, claimed once reserved', () => {
    expect(codeState(pair('A'), T0)).toBe('pending');
    expect(codeState(pair('A'), T0 + 600_000)).toBe('expired');
    expect(codeState(pair('A', { claimedBy: 'b', claimedAt: T0 }), T0 + 600_000)).toBe('claimed');
  });

  it('maps each state to its catalogue error (nexus spec §3)', () => {
    const e = (s: Parameters<typeof codeError>[0]) => [codeError(s).status, codeError(s).body];
    expect(e('unknown')).toEqual([404, { error: 'code_not_found', message: 'no such pairing code' }]);
    expect(e('expired')).toEqual([410, expect.objectContaining({ error: 'code_expired', legacyError: 'code_expired_or_used' })]);
    expect(e('claimed')).toEqual([409, expect.objectContaining({ error: 'code_already_claimed', legacyError: 'code_expired_or_used' })]);
  });
});

describe('codesToEvict', () => {
  const codes = [
    pair('K1', { keyed: true, createdAt: T0 }),
    pair('A3', { createdAt: T0 + 3 }),
    pair('A1', { createdAt: T0 + 1 }),
    pair('A2', { createdAt: T0 + 2 }),
    pair('AX', { createdAt: T0, claimedBy: 'b' }),
    pair('AE', { createdAt: T0, expiresAt: T0 }),
  ];

  it('keeps room for one more of the same class, evicting the oldest pending first', () => {
    expect(codesToEvict(codes, false, T0, 3).map((p) => p.code)).toEqual(['A1']);
    expect(codesToEvict(codes, false, T0, 2).map((p) => p.code)).toEqual(['A1', 'A2']);
    expect(codesToEvict(codes, false, T0, 4)).toEqual([]);
  });

  it('an anonymous code never evicts a keyed one, nor a claimed or expired one', () => {
    expect(codesToEvict(codes, false, T0, 1).map((p) => p.code)).toEqual(['A1', 'A2', 'A3']);
    expect(codesToEvict(codes, true, T0, 1).map((p) => p.code)).toEqual(['K1']);
  });
});

describe('issue, reserve, release', () => {
  it('issues a code only where none is stored', () => {
    const fresh = newPair('W-W-1', 's', T0, 600, true);
    expect(fresh).toEqual({ code: 'W-W-1', sessionId: 's', createdAt: T0, expiresAt: T0 + 600_000, keyed: true });
    expect(newPair('W-W-1', 's', T0, 600, false)).not.toHaveProperty('keyed');
    expect(issueCode(null, fresh)).toEqual({ next: fresh, result: true });
    expect(issueCode(pair('W-W-1'), fresh)).toEqual({ result: false });
    expect(newCodeBody(fresh, 'http://h/p/W-W-1', 600)).toEqual({ code: 'W-W-1', url: 'http://h/p/W-W-1', expiresAt: '2026-11-21T12:10:00Z', ttl: 600, expiresIn: 600 });
  });

  it('reserves a pending code for one claimer; anything else says why', () => {
    expect(reserveCode(pair('A'), 'b', T0 + 5)).toEqual({ next: { ...pair('A'), claimedBy: 'b', claimedAt: T0 + 5 }, result: 'ok' });
    expect(reserveCode(null, 'b', T0)).toEqual({ result: 'unknown' });
    expect(reserveCode(pair('A', { claimedBy: 'c', claimedAt: T0 }), 'b', T0)).toEqual({ result: 'claimed' });
    expect(reserveCode(pair('A'), 'b', T0 + 600_000)).toEqual({ result: 'expired' });
  });

  it('a release makes the code pending again, keeping whether it was keyed', () => {
    expect(releaseCode(pair('A', { claimedBy: 'b', claimedAt: T0, keyed: true }))).toEqual({ next: pair('A', { keyed: true }), result: null });
    expect(releaseCode(pair('A', { claimedBy: 'b', claimedAt: T0 }))).toEqual({ next: pair('A'), result: null });
    expect(releaseCode(null)).toEqual({ result: null });
  });
});
