/**
 * DELETE /v1/sessions/:id: the creator closes the session (close.ts). A route table of its
 * own, after the session routes (app.ts): `GET` on the same path stays theirs.
 */
import type { HttpRequest } from '../../http/types.ts';
import { closeSession } from './close.ts';
import { requestAgent, type Route, type ServerContext } from './context.ts';
import { json } from './json.ts';

async function close(ctx: ServerContext, req: HttpRequest, id: string) {
  const agentId = requestAgent(req);
  const t = ctx.now();
  // ctx.update wakes the session's waiters (its agents went): they read `closedAt` and end.
  const result = await ctx.update(id, t, (s) => closeSession(s, agentId, req.headers['x-session-key'], t));
  ctx.idempotent.drop(id);
  return json(200, result);
}

export const closeRoutes: Route[] = [['DELETE', /^\/v1\/sessions?\/([^/]+)$/, close]];
