// Calls to the service's API with the bearer token the user gave. The token lives in this module
// (and in the tab's session storage, see console.js); it is sent only in the Authorization header.

let current = null;

export function setToken(value) {
  current = value;
}

/** The bearer credential in use, or null. */
export function token() {
  return current;
}

/** A refusal or failure as the service described it: the status and its RFC 9457 problem detail. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * Calls the API (a path relative to the console's page) and returns the JSON it answered, or null
 * for an empty answer. A request that changes something carries a JSON body or none.
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const all = { Accept: 'application/json', Authorization: `Bearer ${current}`, ...headers };
  if (body !== undefined) {
    all['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers: all,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await response.text();
  let json = null;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch (ignored) {
      json = null;
    }
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}
