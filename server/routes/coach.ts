import { Hono } from 'hono';
import { ChatRequestSchema } from '#shared/schema/coach.ts';
import { chatResponse } from '../coach/chat-reply.ts';
import { decideProposal, type Decision } from '../coach/proposals.ts';
import { tokensUsed } from '../coach/usage.ts';
import { getProfile } from '../domain/profile.ts';
import { publicWorkout } from '../domain/workouts.ts';
import { localDay, nextMidnight } from '../integrations/claude/budget.ts';
import { createClaude } from '../integrations/claude/client.ts';
import type { AppDeps, AppEnv } from '../lib/context.ts';
import { AppError } from '../lib/errors.ts';
import { readJson } from '../lib/http.ts';
import { requireUser } from '../lib/session.ts';
import { routeId } from './ids.ts';

/** The 503 every coach call answers when the server has no Claude key; the rest of the app works. */
export function coachNotConfigured(): AppError {
  return new AppError(
    503,
    'coach_not_configured',
    'The AI coach is offline: this server has no ANTHROPIC_API_KEY. Your plan, workouts, journal and memories still work.',
  );
}

/** The AI coach: streamed chat, its proposals (accept/reject) and its status. */
export function coachRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const claude = createClaude(deps.config.anthropic);

  app.get('/status', async (c) => {
    const user = requireUser(c);
    const now = deps.now();
    const zone = (await getProfile(deps.db, user.id)).time_zone;
    const limit = deps.config.anthropic.dailyTokenBudget;
    const used = await tokensUsed(deps.db, user.id, localDay(now, zone));
    return c.json({
      configured: claude !== null,
      model: claude?.model ?? null,
      strava_data_in_ai: deps.config.strava.dataInAi,
      budget: { limit, used, remaining: Math.max(0, limit - used), resets_at: nextMidnight(now, zone).toISOString() },
    });
  });

  app.post('/chat', async (c) => {
    const user = requireUser(c);
    if (!claude) throw coachNotConfigured();
    const request = await readJson(c, ChatRequestSchema);
    return chatResponse(deps, claude, user, request);
  });

  const decide = (decision: Decision) =>
    app.post(`/proposals/:id/${decision}`, async (c) => {
      const user = requireUser(c);
      const id = routeId(c.req.param('id'), 'The proposal');
      const { proposal, workouts } = await decideProposal(deps.db, user.id, id, decision, deps.now());
      return c.json({ proposal, workouts: workouts.map(publicWorkout) });
    });
  decide('accept');
  decide('reject');

  return app;
}
