// The hub's REST API: the stored token, JSON requests, and errors with the API's message.

const TOKEN_KEY = 'jc.token';

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (t) => localStorage.setItem(TOKEN_KEY, t),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** An error answer of the API: `{error: {code, message, field}}` plus the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let onUnauthorized = () => {};
/** Called when the hub refuses the stored token (revoked, member deleted). */
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

/** Encodes path segments: p`/api/projects/${name}/tasks`. */
export function p(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

/** Sends a request; resolves to the JSON body, or rejects with an ApiError. */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const t = opts.token ?? token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the hub. Is jc-hub serve running?');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const e = data && data.error ? data.error : {};
    const err = new ApiError(response.status, e.code || 'http', e.message || `${response.status} ${response.statusText}`, e.field);
    if (response.status === 401 && opts.token === undefined) onUnauthorized(err);
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
