import type { HttpResponse } from '../../http/types.js';
import type { PageFormat } from './negotiate.js';
/** Nothing loads, nothing runs, but the page's own style and script. */
export declare const PAGE_CSP: string;
export interface PairingPageInput {
    code: string;
    state: 'pending' | 'claimed' | 'expired' | 'full';
    expiresAt: number;
    now: number;
    greeting: string | null;
    baseUrl: string;
    sessionTtl: number;
    pairTtl: number;
    /** docs/spec/nexus-e2e.md §9: the page says the session is end-to-end and how to claim it with the key. */
    e2e?: boolean;
}
export declare function pairingPage(p: PairingPageInput, format: PageFormat): HttpResponse;
/** `code` is whatever the URL said: shown only as code characters, so a crafted link cannot write the page. */
export declare function unknownCodePage(code: string, baseUrl: string, pairTtl: number, format: PageFormat): HttpResponse;
/** The general skill served at `/`: the template without host-specific blocks. */
export declare function skillPage(vars: {
    baseUrl: string;
    ttlMinutes: number;
    rateLimit: number;
}, format: PageFormat): HttpResponse;
