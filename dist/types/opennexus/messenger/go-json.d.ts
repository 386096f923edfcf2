export declare function goString(s: string): string;
/** A gin.H map: keys sorted. Values are strings or numbers. */
export declare function ginJson(obj: Record<string, string | number | boolean>): string;
/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are dropped. */
export declare function rfc3339Nano(ms: number): string;
