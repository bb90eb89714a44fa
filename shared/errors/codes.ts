// Every error code the server answers with, its HTTP status and the words a runner reads
// (docs/ARCHITECTURE.md §Errors: one table turns codes into words). The server sends these words as the
// message unless it has more to say (a wait, the fields, the rule); the client shows the message,
// or these words when none came. A code missing here is a type error where it is thrown.

/** What the registry holds for one code. */
export interface ErrorEntry {
  /** The HTTP status of the answer; 0 for a device's own failure, which never was an answer. */
  readonly status: number;
  /** One or two sentences a runner understands: what happened, and what to do. */
  readonly words: string;
}

/** The server's codes: thrown as AppError, answered in the JSON envelope, sent in the chat stream and in sync rejections. */
export const SERVER_ERRORS = {
  // Requests
  bad_request: { status: 400, words: 'The app sent something the server could not understand. Reload the app and try again.' },
  validation_failed: { status: 400, words: 'The request is not valid.' },
  invalid_json: { status: 400, words: 'The app sent something the server could not read. Reload the app and try again.' },
  invalid_text: { status: 400, words: 'A text field holds a character that cannot be stored (a NUL or an unpaired surrogate).' },
  invalid_range: { status: 400, words: 'The start of that range is after its end.' },
  not_found: { status: 404, words: 'That was not found. It may have been deleted.' },
  id_taken: { status: 409, words: 'That id is already used; send it with a new id.' },
  payload_too_large: { status: 413, words: 'That is too large to send in one go.' },
  unsupported_media_type: { status: 415, words: 'The app sent something the server could not read. Reload the app and try again.' },
  cross_origin_refused: { status: 403, words: 'This request came from another site and was refused.' },
  internal_error: { status: 500, words: 'Something went wrong on our side. Please try again.' },
  storage_full: { status: 507, words: 'The server has run out of disk space, so your change was not saved. It will be sent again later.' },
  database_unavailable: { status: 503, words: 'The database is unavailable for a moment, so your change was not saved. It will be sent again shortly.' },

  // Accounts
  unauthenticated: { status: 401, words: 'Sign in first.' },
  invalid_credentials: { status: 401, words: 'That e-mail and password do not match an account.' },
  password_mismatch: { status: 403, words: 'That password is not right; your account was not deleted.' },
  too_many_attempts: { status: 429, words: 'Too many attempts. Wait a few minutes, then try again.' },
  invite_code_invalid: { status: 400, words: 'That invite code does not exist. Check it for typos.' },
  invite_code_used: { status: 400, words: 'That invite code has already been used.' },
  invite_code_expired: { status: 400, words: 'That invite code has expired. Ask for a new one.' },
  email_taken: { status: 409, words: 'An account with that e-mail address already exists. Sign in instead.' },
  reset_link_invalid: { status: 400, words: 'This reset link has expired or was already used. Ask for a new one.' },
  password_reset_unavailable: {
    status: 503,
    words: 'This server cannot send e-mail, so it cannot mail you a reset link. Ask the person who runs it for one.',
  },

  // Profile, goals, plans, workouts, activities
  profile_incomplete: { status: 400, words: 'Your coach needs a few more details first. Complete your profile.' },
  race_date_in_past: { status: 400, words: 'The race date must be after today.' },
  field_not_for_goal_type: { status: 400, words: 'That goal has a field that does not belong to its type.' },
  plan_input_invalid: { status: 400, words: 'A plan cannot be made from this goal and start date.' },
  plan_goal_changed: { status: 409, words: 'The goal changed since this plan was made; make the plan again.' },
  plan_archived: { status: 409, words: 'Only your active plan can be adapted.' },
  plan_without_goal: { status: 409, words: 'This plan has no goal any more; make a new plan instead.' },
  guardrail_violation: { status: 422, words: 'That change would break your plan’s safety rules.' },
  workout_not_encodable: { status: 422, words: 'This workout cannot be written as a .FIT file.' },
  wrong_source: { status: 400, words: 'Uploaded activities come from your own files: a watch file, a GPX or TCX file, or your Strava archive.' },
  import_unreadable: { status: 422, words: 'That file could not be imported: it is not a run RunCoach can read.' },

  // Sync (HTTP answers, and the reasons a single change is refused)
  client_id_taken: { status: 403, words: 'The data on this device belongs to another account. Sign in again on this device.' },
  client_too_old: { status: 426, words: 'This version of RunCoach is too old to sync. Reload the app to update it.' },
  protocol_unsupported: { status: 426, words: 'This version of RunCoach is too old to sync. Reload the app to update it.' },
  out_of_order: { status: 409, words: 'Changes reached the server out of order. They stay on this device and are sent again.' },
  unknown_mutation: { status: 400, words: 'This server does not know that kind of change. Reload the app to update it.' },
  result_expired: { status: 410, words: 'The server received this change long ago but no longer keeps its answer; check that it shows as you expect.' },

  // The coach
  coach_not_configured: { status: 503, words: 'The AI coach is offline on this server. Your plan, workouts, journal and memories still work.' },
  coach_budget_spent: { status: 429, words: 'You’ve used today’s coaching allowance. It resets at midnight. The plan and workouts still work meanwhile.' },
  coach_unavailable: { status: 503, words: 'The coach cannot answer right now. Try again in a moment.' },
  coach_error: { status: 502, words: 'The coach could not answer that. Try asking in other words.' },
  coach_interrupted: { status: 502, words: 'The coach’s reply was cut off. What arrived is saved; ask again for the rest.' },
  reply_in_progress: { status: 409, words: 'The coach is still answering this message.' },
  proposal_decided: { status: 409, words: 'This proposal was already decided.' },
  proposal_stale: { status: 409, words: 'The workout changed after the coach proposed this, so the proposal no longer applies. Ask the coach again.' },

  // Strava
  strava_not_configured: { status: 503, words: 'Strava is not set up on this server.' },
  strava_not_connected: { status: 409, words: 'Strava is not connected. Connect it in Settings.' },
  strava_reconnect_needed: { status: 409, words: 'Strava no longer accepts our access. Please connect Strava again in Settings.' },
  sync_too_soon: { status: 429, words: 'You synced a few minutes ago, and new runs arrive by themselves. Try again in a few minutes.' },
  verify_token_mismatch: { status: 403, words: 'The verify token does not match this server.' },
  // Stored for the Strava card (last problem), never an answer of their own
  processing_failed: { status: 500, words: 'A run from Strava could not be imported.' },
  strava_backfill_failed: { status: 502, words: 'Importing your Strava history stopped before it finished.' },
  strava_refresh_uncertain: { status: 504, words: 'Strava did not confirm our access in time. We will check again shortly.' },
  strava_rate_limited: { status: 503, words: 'Strava is busy right now. We will try again shortly.' },
  strava_not_found: { status: 502, words: 'Strava could not find that activity (yet).' },
  strava_unauthorized: { status: 502, words: 'Strava no longer accepts our access. Please connect Strava again.' },
  strava_invalid_grant: { status: 502, words: 'Strava did not accept the authorization. Please connect Strava again.' },
  strava_bad_request: { status: 502, words: 'Strava rejected the request.' },
  strava_server: { status: 502, words: 'Strava is having trouble. We will try again later.' },
  strava_timeout: { status: 504, words: 'Strava did not answer in time. We will try again later.' },
  strava_network: { status: 502, words: 'We could not reach Strava. We will try again later.' },
  strava_invalid_response: { status: 502, words: 'Strava sent an answer we could not read.' },
} as const satisfies Record<string, ErrorEntry>;

/** A code the server may answer with. */
export type ErrorCode = keyof typeof SERVER_ERRORS;

/** An HTTP status some error code answers with. */
export type ErrorStatus = (typeof SERVER_ERRORS)[ErrorCode]['status'];
