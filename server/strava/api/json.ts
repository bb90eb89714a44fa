// Strava ids are 64-bit integers and some (segment efforts, upload ids) already exceed 2^53,
// where JSON.parse silently rounds them (docs/STRAVA.md §Activities). We never let an id become a
// JS number: before JSON.parse, one regex pass over the text turns
//   - every integer value of a key named `id` or ending in `_id` (any size) into a string, so an
//     id field has one type whatever its magnitude, and
//   - every other integer outside Number.MAX_SAFE_INTEGER into a string, so no value loses digits.
// Why a pre-pass rather than a reviver: a reviver sees the already rounded number (and Node 20
// has no reviver `context.source`). Why not a full tokenizer: the regex below is one, for the
// only two token kinds that matter. It matches whole JSON strings first, so digits inside
// strings are never touched, and an integer is only taken when it is not part of a fraction
// or exponent. The output is still plain JSON.

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:\s*)(-?\d+)(?![\w.])|"(?:[^"\\]|\\.)*"|(?<![\w.+-])(-?\d+)(?![\w.])/g;

function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id');
}

function isUnsafe(integer: string): boolean {
  return !Number.isSafeInteger(Number(integer));
}

/** Rewrites a well-formed JSON text so ids and unsafe integers are strings (see the note above). */
export function quoteIds(text: string): string {
  return text.replace(TOKEN, (match, keyText: string | undefined, separator: string | undefined, keyed: string | undefined, bare: string | undefined) => {
    if (keyText !== undefined && separator !== undefined && keyed !== undefined) {
      const key = JSON.parse(keyText) as string;
      return isIdKey(key) || isUnsafe(keyed) ? `${keyText}${separator}"${keyed}"` : match;
    }
    if (bare !== undefined && isUnsafe(bare)) return `"${bare}"`;
    return match;
  });
}

/** Parses a Strava JSON body with ids kept as strings; throws SyntaxError on bad JSON. */
export function parseStravaJson(text: string): unknown {
  // Validate first: on well-formed JSON every string the regex meets is terminated, so the pass
  // is linear; on garbage (e.g. a hostile webhook body) it could backtrack quadratically.
  JSON.parse(text);
  return JSON.parse(quoteIds(text));
}
