import { StravaError } from './errors.ts';
import { readJson, stravaRequest, type StravaHttpOptions } from './http.ts';
import type { StravaActivityJson } from './activity.ts';

/** Strava caps a page of /athlete/activities at 200. */
export const MAX_PER_PAGE = 200;

export interface StravaClientOptions extends StravaHttpOptions {
  /** `config.strava.apiUrl`, e.g. https://www.strava.com/api/v3 (no trailing slash). */
  apiUrl: string;
}

export interface ListActivitiesQuery {
  /** Only activities that started after this instant (sent as epoch seconds). */
  after?: Date;
  /** Only activities that started before this instant (sent as epoch seconds). */
  before?: Date;
  /** 1-based. */
  page: number;
  /** 1..200. */
  perPage: number;
}

/** The athlete a token belongs to (GET /athlete), id as a string. */
export type StravaAthleteJson = { id: string } & Record<string, unknown>;

/** Read access to one athlete's activities, with the athlete's own access token per call. */
export interface StravaClient {
  /** GET /athlete: whom the token belongs to; a 401 here means Strava no longer accepts it. */
  getAthlete(accessToken: string): Promise<StravaAthleteJson>;
  /** GET /activities/{id}: the detailed activity, ids as strings. */
  getActivity(accessToken: string, id: string): Promise<StravaActivityJson>;
  /** GET /athlete/activities: one page of summary activities; an empty page means the end. */
  listAthleteActivities(accessToken: string, query: ListActivitiesQuery): Promise<StravaActivityJson[]>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The full shape is checked by toActivity; here only what makes the value an activity at all,
// so unknown and missing fields never fail a fetch (docs/STRAVA.md §Activities: parse leniently, keep the raw JSON).
function asActivity(value: unknown, operation: string): StravaActivityJson {
  if (!isObject(value) || typeof value.id !== 'string') throw new StravaError('invalid_response', { operation });
  return value as StravaActivityJson;
}

function epochSeconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}

/** A Strava API client bound to an API URL and transport options (no tokens kept). */
export function createStravaClient(options: StravaClientOptions): StravaClient {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  return {
    async getAthlete(accessToken) {
      const operation = 'GET /athlete';
      const response = await stravaRequest(options, { method: 'GET', url: `${apiUrl}/athlete`, operation, accessToken });
      const body = readJson(response, operation);
      if (!isObject(body) || typeof body.id !== 'string') throw new StravaError('invalid_response', { httpStatus: response.status, operation });
      return body as StravaAthleteJson;
    },

    async getActivity(accessToken, id) {
      // The id lands in the path: insist it is one, so nothing else can be smuggled into the URL.
      if (!/^\d{1,20}$/.test(id)) throw new RangeError('A Strava activity id is a string of digits.');
      const operation = 'GET /activities/{id}';
      const response = await stravaRequest(options, { method: 'GET', url: `${apiUrl}/activities/${id}`, operation, accessToken });
      return asActivity(readJson(response, operation), operation);
    },

    async listAthleteActivities(accessToken, query) {
      if (!Number.isInteger(query.page) || query.page < 1) throw new RangeError('page starts at 1.');
      if (!Number.isInteger(query.perPage) || query.perPage < 1 || query.perPage > MAX_PER_PAGE) {
        throw new RangeError(`perPage must be 1..${MAX_PER_PAGE}.`);
      }
      const params = new URLSearchParams({ page: String(query.page), per_page: String(query.perPage) });
      if (query.after) params.set('after', epochSeconds(query.after));
      if (query.before) params.set('before', epochSeconds(query.before));
      const operation = 'GET /athlete/activities';
      const response = await stravaRequest(options, { method: 'GET', url: `${apiUrl}/athlete/activities?${params.toString()}`, operation, accessToken });
      const body = readJson(response, operation);
      if (!Array.isArray(body)) throw new StravaError('invalid_response', { httpStatus: response.status, operation });
      return body.map((item) => asActivity(item, operation));
    },
  };
}

/**
 * Pages through /athlete/activities until an empty page (docs/STRAVA.md §Activities: a short page is not the end).
 * A backfill job that must survive restarts should instead store `page` and call
 * listAthleteActivities once per step.
 */
export async function* iterateAthleteActivities(
  client: StravaClient,
  accessToken: string,
  query: Omit<ListActivitiesQuery, 'page'> & { page?: number },
): AsyncGenerator<{ page: number; activities: StravaActivityJson[] }> {
  for (let page = query.page ?? 1; ; page++) {
    const activities = await client.listAthleteActivities(accessToken, { ...query, page });
    if (activities.length === 0) return;
    yield { page, activities };
  }
}
