// The JSON API (served by the same origin; see /openapi.json).

/** The API's page size cap. */
export const MAX_LIMIT = 1000;
/** Pages fetched at most for one layer (the map would not show more usefully). */
const MAX_PAGES = 50;

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") q.set(k, v);
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

export class ApiError extends Error {}

export async function getJSON(path, params = {}) {
  const res = await fetch(path + query(params), {
    credentials: "same-origin",
    headers: { accept: "application/json" },
  });
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: reported below
  }
  if (!res.ok) {
    throw new ApiError((body && body.message) || `${path}: HTTP ${res.status}`);
  }
  return body;
}

/** Every item of a paged list (up to MAX_PAGES pages); `total` is what the filter matches. */
export async function getAll(path, params = {}) {
  const items = [];
  let total = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await getJSON(path, { ...params, limit: MAX_LIMIT, offset: page * MAX_LIMIT });
    total = body.total;
    items.push(...body.items);
    if (items.length >= total || body.items.length === 0) break;
  }
  return { items, total };
}

/** Document and incident ids may hold "/" and other URL characters. */
export function idPath(prefix, id) {
  return prefix + encodeURIComponent(id);
}
