// Talking to the ragloom API: requests with the signed-in credentials, errors as ApiError (the
// API's {"error": {"code", "message"}}), a Server-Sent Events reader over fetch streams
// (EventSource cannot send an Authorization header) and uploads through XMLHttpRequest (for
// upload progress events).

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, from Retry-After
  }
}

// The Authorization header value lives in this tab's sessionStorage only (no cookies, no
// localStorage): closing the tab forgets it. Each console uses its own storage key.
let storageKey = "ragloom.tenant";
export const auth = {
  use(key) { storageKey = key; },
  header() { return sessionStorage.getItem(storageKey); },
  set(value) { sessionStorage.setItem(storageKey, value); },
  clear() { sessionStorage.removeItem(storageKey); },
};

let unauthorized = () => {};
// fn(error) is called on every 401 (a revoked key, a deleted tenant).
export function onUnauthorized(fn) { unauthorized = fn; }

function failure(status, body, retryAfter, fallback) {
  const error = new ApiError(status, body?.error?.code ?? `http_${status}`,
    body?.error?.message ?? fallback, Number(retryAfter) || null);
  if (status === 401) unauthorized(error);
  return error;
}

// fetch with the credentials; a non-2xx answer throws ApiError. credentials: "omit" keeps the
// browser from showing its own login box on a 401 with a Basic challenge (the admin API).
export async function request(path, { method = "GET", json, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: "omit", cache: "no-store" };
  const header = auth.header();
  if (header) init.headers.Authorization = header;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "the server could not be reached");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw failure(response.status, body, response.headers.get("Retry-After"),
      `${response.status} ${response.statusText}`.trim());
  }
  return response;
}

// The parsed JSON body, or null for 204 No Content.
export async function api(path, options) {
  const response = await request(path, options);
  return response.status === 204 ? null : response.json();
}

// Reads a text/event-stream body until it ends, calling onEvent({event, data, id}) per event;
// data is parsed JSON (null for a block that only sets the id).
export async function readSSE(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll("\r", "");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let id = null;
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue; // a comment: keep-alive
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
        else if (field === "id") id = text;
      }
      if (data.length || id !== null) onEvent({ event, id, data: data.length ? JSON.parse(data.join("\n")) : null });
    }
  }
}

// POST /v1/documents as multipart field `file`; onProgress(share of bytes sent, 0..1).
// Resolves with the document (201 new, 200 the same bytes were uploaded before).
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/documents");
    xhr.setRequestHeader("Authorization", auth.header() ?? "");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response);
      else reject(failure(xhr.status, xhr.response, xhr.getResponseHeader("Retry-After"), `upload failed (${xhr.status})`));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "network", "the upload could not reach the server")));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

// A time-limited link to a document's original, usable in <iframe>, <video> and <img>:
// `?redirect=false` answers the link as JSON; a server that still redirects is followed, and the
// address it ended at is the link.
export async function originalLink(documentId) {
  const response = await request(`/v1/documents/${encodeURIComponent(documentId)}/original?redirect=false`);
  if (response.redirected) {
    response.body?.cancel();
    return response.url;
  }
  return (await response.json()).url;
}
