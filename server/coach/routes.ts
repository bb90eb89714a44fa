import { Hono } from 'hono';
import { ChatRequestSchema } from '#shared/schema/coach.ts';
import { chatResponse } from './chat-reply.ts';
import { decideProposal, type Decision } from './proposals.ts';
import { tokensUsed } from './usage.ts';
import { getProfile } from '../profile/profile.ts';
import { publicWorkout } from '../workouts/workouts.ts';
import { localDay, nextMidnight } from './claude/budget.ts';
import type { Claude } from './claude/client.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readJson } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';

/** The 503 every coach call answers when the server has no Claude key; the rest of the app works. */
export function coachNotConfigured(): AppError {
  return new AppError('coach_not_configured', {
    message: 'The AI coach is offline: this server has no ANTHROPIC_API_KEY. Your plan, workouts, journal and memories still work.',
  });
}

/** The AI coach: streamed chat, its proposals (accept/reject) and its status. */
export function coachRoutes(deps: AppDeps, claude: Claude | null): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

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
