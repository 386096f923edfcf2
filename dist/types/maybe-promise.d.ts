/**
 * A value now, or a promise of it: the embedded stores answer at once (no promise, no tick of
 * the event loop), a shared or durable one later. Callers await it, or look (isThenable) and go
 * on at once. One spelling for the session server, the messenger and the HTTP adapter.
 */
export type MaybePromise<T> = T | Promise<T>;
/** Whether `v` is a promise (of a MaybePromise). */
export declare const isThenable: <T>(v: MaybePromise<T>) => v is Promise<T>;
