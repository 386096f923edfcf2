import { type Route, type RouteHandler } from './context.js';
/**
 * The session id of `/v1/session(s)/<id>/messages`, as the first route's pattern would capture
 * it (undecoded), or null: send and poll are nearly every request, and this is cheaper than
 * the table's regex (app.ts tries it first; null means "walk the table").
 */
export declare function messagesPathId(path: string): string | null;
/** The handler of `messages` for `method` (HEAD is GET's), for the path above. */
export declare function messagesHandler(method: string): RouteHandler | undefined;
export declare const sessionRoutes: Route[];
