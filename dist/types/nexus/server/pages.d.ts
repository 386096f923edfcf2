import type { HttpResponse } from '../../http/types.js';
import type { PageFormat } from './negotiate.js';
export interface PairingPageInput {
    code: string;
    state: 'pending' | 'claimed' | 'expired';
    expiresAt: number;
    now: number;
    greeting: string | null;
    baseUrl: string;
    sessionTtl: number;
    pairTtl: number;
}
export declare function pairingPage(p: PairingPageInput, format: PageFormat): HttpResponse;
export declare function unknownCodePage(code: string, baseUrl: string, pairTtl: number, format: PageFormat): HttpResponse;
/** The general skill served at `/`: the template without host-specific blocks. */
export declare function skillPage(vars: {
    baseUrl: string;
    ttlMinutes: number;
    rateLimit: number;
}, format: PageFormat): HttpResponse;
