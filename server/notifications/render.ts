import { KIND_LABELS, type NotificationKind } from '#shared/schema/notifications.ts';
import { formatDistance, formatDuration, formatPace } from '#shared/training/units.ts';
import type { GoalPayload, JournalPayload, Payload, ProposalPayload, ReminderPayload, StravaPayload } from './kinds.ts';

// Plain-text and HTML bodies from a notification's payload snapshot: the same input gives the
// same bytes, so every attempt of a notification sends the same message.

/** What every body has: a greeting line, paragraphs, and one button to the app. */
interface Body {
  intro: string;
  paragraphs: string[];
  /** Lines shown as a list (a workout's steps, the week's numbers). */
  list: string[];
  action: { label: string; path: string } | null;
}

const WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** `2026-03-03` → `Tuesday 3 March`. */
function day(date: string): string {
  return WEEKDAY.format(new Date(`${date}T12:00:00Z`));
}

/** The subject line of a notification, from its payload. */
export function subjectFor(kind: NotificationKind, payload: Payload): string {
  switch (kind) {
    case 'workout_reminder': {
      const p = payload as ReminderPayload;
      if (p.rest || p.workouts.length === 0) return 'Tomorrow is a rest day';
      const first = p.workouts[0]!;
      const size = first.distance_meters
        ? ` (${formatDistance(first.distance_meters, p.units)})`
        : first.duration_seconds
          ? ` (${formatDuration(first.duration_seconds)})`
          : '';
      return `Tomorrow: ${first.title}${size}${p.workouts.length > 1 ? ` and ${p.workouts.length - 1} more` : ''}`;
    }
    case 'weekly_journal':
      return `Your week: ${formatDistance((payload as JournalPayload).distance_meters, (payload as JournalPayload).units)} in ${(payload as JournalPayload).runs} run${(payload as JournalPayload).runs === 1 ? '' : 's'}`;
    case 'goal_unrealistic':
      return `Your goal “${(payload as GoalPayload).title}” looks out of reach`;
    case 'strava_disconnected':
      return (payload as StravaPayload).reason === 'deauthorized' ? 'Strava is disconnected from RunCoach' : 'Reconnect Strava to keep your runs coming in';
    case 'coach_proposal':
      return 'Your coach proposed a change to your plan';
  }
}

function bodyFor(kind: NotificationKind, payload: Payload): Body {
  switch (kind) {
    case 'workout_reminder': {
      const p = payload as ReminderPayload;
      if (p.rest || p.workouts.length === 0) {
        return {
          intro: `${day(p.date)} is a rest day in your plan.`,
          paragraphs: ['Rest is where the training sinks in: an easy walk is fine, a hard run is not.'],
          list: [],
          action: { label: 'Open your plan', path: '/' },
        };
      }
      const list = p.workouts.flatMap((w) => {
        const size = [w.distance_meters ? formatDistance(w.distance_meters, p.units) : null, w.duration_seconds ? formatDuration(w.duration_seconds) : null]
          .filter(Boolean)
          .join(', ');
        return [`${w.title}${size ? ` — ${size}` : ''}`, ...w.lines.map((line) => `  ${line}`), ...(w.reason ? [`  Why: ${w.reason}`] : [])];
      });
      const first = p.workouts[0]!;
      return {
        intro: `Tomorrow, ${day(p.date)}:`,
        paragraphs: ['Sleep well, and have your watch charged.'],
        list,
        action: { label: 'See the workout', path: `/workouts/${first.id}` },
      };
    }
    case 'weekly_journal': {
      const p = payload as JournalPayload;
      const list = [
        `${p.runs} run${p.runs === 1 ? '' : 's'}, ${formatDistance(p.distance_meters, p.units)} in ${formatDuration(p.moving_time_seconds)}`,
        ...(p.average_pace_seconds_per_km ? [`Average pace ${formatPace(p.average_pace_seconds_per_km, p.units)}`] : []),
        ...(p.longest_run_meters > 0 ? [`Longest run ${formatDistance(p.longest_run_meters, p.units)}`] : []),
        ...(p.planned_sessions > 0 ? [`${p.completed} of ${p.planned_sessions} planned sessions done`] : []),
        ...p.insights,
      ];
      return {
        intro: `Your week of ${day(p.week)} to ${day(p.week_end)}:`,
        paragraphs: p.narrative ? [p.narrative] : [],
        list,
        action: { label: 'Open your journal', path: `/journal?week=${p.week}` },
      };
    }
    case 'goal_unrealistic': {
      const p = payload as GoalPayload;
      return {
        intro: `Your goal “${p.title}” looks out of reach with the training you have done so far.`,
        paragraphs: [...(p.reason ? [p.reason] : []), 'You can change the goal, move the race date, or ask your coach what is realistic.'],
        list: [],
        action: { label: 'Review the goal', path: '/goals' },
      };
    }
    case 'strava_disconnected': {
      const p = payload as StravaPayload;
      return {
        intro:
          p.reason === 'deauthorized'
            ? 'RunCoach no longer has access to your Strava account, and the Strava data we held has been deleted.'
            : 'Strava stopped accepting RunCoach’s access to your account.',
        paragraphs: ['New runs will not be matched to your plan until you connect Strava again in Settings. Runs you upload as FIT files still count.'],
        list: [],
        action: { label: 'Reconnect Strava', path: '/settings' },
      };
    }
    case 'coach_proposal': {
      const p = payload as ProposalPayload;
      return {
        intro: 'Your coach proposed a change to your plan and is waiting for your answer:',
        paragraphs: [],
        list: [p.summary],
        action: { label: 'Accept or reject it', path: '/coach' },
      };
    }
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The text and HTML bodies of a notification for `name`, with its unsubscribe link. */
/** What a notification says, in plain words and without links: the row's `content` (the seed's column). */
export function contentFor(kind: NotificationKind, payload: Payload): string {
  const body = bodyFor(kind, payload);
  return [body.intro, ...body.list.map((line) => (line.startsWith('  ') ? line : `- ${line}`)), ...body.paragraphs].join('\n');
}

export function renderBodies(
  kind: NotificationKind,
  payload: Payload,
  ctx: { name: string; publicUrl: string; unsubscribeUrl: string },
): { text: string; html: string } {
  const body = bodyFor(kind, payload);
  const action = body.action ? { label: body.action.label, url: `${ctx.publicUrl}${body.action.path}` } : null;
  const footer = `You get this e-mail because “${KIND_LABELS[kind]}” is on in your RunCoach settings.`;
  const text = [
    `Hi ${ctx.name},`,
    '',
    body.intro,
    ...(body.list.length ? ['', ...body.list.map((line) => (line.startsWith('  ') ? `  ${line}` : `- ${line}`))] : []),
    ...body.paragraphs.flatMap((p) => ['', p]),
    ...(action ? ['', `${action.label}: ${action.url}`] : []),
    '',
    '--',
    footer,
    `Unsubscribe from these e-mails: ${ctx.unsubscribeUrl}`,
    `All e-mail settings: ${ctx.publicUrl}/settings`,
    '',
  ].join('\r\n');
  const items = body.list
    .map((line) => (line.startsWith('  ') ? `<li style="list-style:none;color:#475569">${escapeHtml(line.trim())}</li>` : `<li>${escapeHtml(line)}</li>`))
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a;max-width:560px">',
    `<p>Hi ${escapeHtml(ctx.name)},</p>`,
    `<p>${escapeHtml(body.intro)}</p>`,
    items ? `<ul>${items}</ul>` : '',
    ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="background:#0f766e;color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>`
      : '',
    `<hr><p style="font-size:12px;color:#64748b">${escapeHtml(footer)} <a href="${escapeHtml(ctx.unsubscribeUrl)}">Unsubscribe</a> · <a href="${escapeHtml(ctx.publicUrl)}/settings">All e-mail settings</a></p>`,
    '</body></html>',
  ].join('\r\n');
  return { text, html };
}
