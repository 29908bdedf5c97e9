// Documents page: uploads with a progress bar each (bytes sent, then ingestion as /v1/events
// reports it, until ready or failed), the paged list of documents, deletion after a confirmation.

import { api, originalLink, readSSE, request, upload } from "./api.js";
import { announce, byId, confirmDialog, el, fill, formatBytes, sleep } from "./dom.js";

const PAGE = 20;
const PARALLEL = 2; // uploads at once (the server allows a few per tenant, then answers 429)
const TERMINAL = new Set(["ready", "failed", "rejected"]);
const STATUS_TEXT = { queued: "Queued", processing: "Processing", ready: "Ready", failed: "Failed", deleting: "Deleting" };

let offset = 0;
const queue = []; // uploads not started yet
let running = 0;
const watched = new Map(); // document id -> its upload row, until ready or failed
let refreshTimer = null;

export function initDocuments() {
  const input = byId("file-input");
  input.addEventListener("change", () => { enqueue([...input.files]); input.value = ""; });
  const zone = byId("drop-zone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    enqueue([...event.dataTransfer.files]);
  });
  byId("docs-prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); loadDocuments(); });
  byId("docs-next").addEventListener("click", () => { offset += PAGE; loadDocuments(); });
  byId("docs-refresh").addEventListener("click", () => loadDocuments());
  byId("audit-export").addEventListener("click", exportAudit);
  byId("clear-uploads").addEventListener("click", () => {
    for (const row of byId("uploads").querySelectorAll("li")) {
      if (TERMINAL.has(row.querySelector("[data-status]").dataset.status)) row.remove();
    }
  });
  loadDocuments();
}

// -- uploads ----------------------------------------------------------------------------------

function enqueue(files) {
  for (const file of files) {
    const bar = el("progress", { max: 100, value: 0, "aria-label": `Progress of ${file.name}` });
    const status = el("span", { class: "status", "data-status": "waiting" }, "Waiting");
    const detail = el("span", { class: "detail" });
    const node = el("li", { class: "upload", "data-file-name": file.name },
      el("span", { class: "name" }, file.name), bar, status, detail);
    byId("uploads").append(node);
    queue.push({ file, node, bar, status, detail });
  }
  pump();
}

function pump() {
  while (running < PARALLEL && queue.length) {
    running += 1;
    send(queue.shift()).finally(() => { running -= 1; pump(); });
  }
}

function setStatus(row, status, text) {
  row.status.dataset.status = status;
  row.status.textContent = text;
}

async function send(row, attempt = 1) {
  setStatus(row, "uploading", "Uploading");
  try {
    const doc = await upload(row.file, (share) => {
      row.bar.value = Math.round(share * 100);
      setStatus(row, "uploading", `Uploading ${row.bar.value}%`);
    });
    row.node.dataset.documentId = doc.id;
    show(row, doc);
    if (!TERMINAL.has(doc.status)) {
      watched.set(doc.id, row);
      refreshOne(doc.id); // it may have finished before we started watching
    }
    scheduleRefresh();
  } catch (error) {
    const busy = error.status === 503 || (error.status === 429 && error.code !== "quota_exceeded");
    if (busy && attempt < 4) {
      setStatus(row, "waiting", "Server busy: retrying soon");
      await sleep((error.retryAfter || 2) * 1000);
      return send(row, attempt + 1);
    }
    setStatus(row, "rejected", "Rejected");
    row.detail.textContent = error.message;
    announce(`${row.file.name}: ${error.message}`, true);
  }
}

// A document's state on its upload row; a row that reached ready or failed stays there.
function show(row, doc) {
  if (TERMINAL.has(row.status.dataset.status)) return;
  row.bar.value = doc.status === "ready" ? 100 : Math.round((doc.progress ?? 0) * 100);
  setStatus(row, doc.status, STATUS_TEXT[doc.status] ?? doc.status);
  row.detail.textContent = doc.status === "failed" ? doc.error ?? "" : doc.media_type;
  if (TERMINAL.has(doc.status)) {
    watched.delete(doc.id);
    announce(`${row.file.name}: ${doc.status === "ready" ? "ready" : `failed: ${doc.error ?? ""}`}`, doc.status === "failed");
  }
}

async function refreshOne(id) {
  const row = watched.get(id);
  if (!row) return;
  try {
    show(row, await api(`/v1/documents/${id}`));
  } catch (error) {
    if (error.status === 404) watched.delete(id);
  }
}

// -- the event stream -------------------------------------------------------------------------

// Follows GET /v1/events from now on, for as long as the page is open; reconnects with
// Last-Event-ID when the server ends the stream, so no ready or failed event is missed.
export async function watchEvents() {
  let last = null;
  for (;;) {
    try {
      const headers = last === null ? {} : { "Last-Event-ID": last };
      const response = await request(last === null ? "/v1/events?since=now" : "/v1/events", { headers });
      await readSSE(response, ({ event, id, data }) => {
        if (id !== null) last = id;
        if (data) onEvent(event, data);
      });
    } catch (error) {
      if (error.status === 401 || error.status === 403) return;
    }
    await sleep(2000);
    for (const id of watched.keys()) refreshOne(id); // covers anything the stream missed
  }
}

function onEvent(event, data) {
  const id = data.document_id;
  if (event === "document.progress") {
    const share = Math.round(data.progress * 100);
    const row = watched.get(id);
    if (row) {
      row.bar.value = share;
      setStatus(row, "processing", `Processing ${share}%`);
    }
    const listed = document.querySelector(`#documents [data-document-id="${CSS.escape(id)}"] [data-status]`);
    if (listed) { listed.dataset.status = "processing"; listed.textContent = `Processing ${share}%`; }
  } else if (event === "document.ready" || event === "document.failed") {
    refreshOne(id);
    scheduleRefresh();
  } else if (event === "document.upload" || event === "document.delete") {
    scheduleRefresh();
  }
}

// -- the list ---------------------------------------------------------------------------------

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(loadDocuments, 400);
}

export async function loadDocuments() {
  try {
    const { documents } = await api(`/v1/documents?limit=${PAGE}&offset=${offset}`);
    if (!documents.length && offset > 0) { offset = Math.max(0, offset - PAGE); return loadDocuments(); }
    fill(byId("documents"), documents.length ? documents.map(documentRow)
      : el("li", { class: "empty" }, "No documents yet: upload some above."));
    byId("docs-prev").disabled = offset === 0;
    byId("docs-next").disabled = documents.length < PAGE;
    byId("docs-range").textContent = documents.length ? `${offset + 1}–${offset + documents.length}` : "";
  } catch (error) {
    announce(error.message, true);
  }
}

function documentRow(doc) {
  const masked = Object.entries(doc.pii_entities ?? {}).map(([kind, count]) => `${kind}: ${count}`).join(", ");
  const name = doc.filename || doc.title;
  return el("li", { class: "doc", "data-document-id": doc.id },
    el("span", { class: "name" }, name),
    el("span", { class: "status", "data-status": doc.status }, STATUS_TEXT[doc.status] ?? doc.status),
    el("span", { class: "meta" }, `${doc.media_type} · ${formatBytes(doc.size_bytes)}`),
    masked ? el("span", { class: "pii", title: "personal data masked before indexing" }, `Masked ${masked}`) : null,
    doc.error ? el("span", { class: "error reason" }, doc.error) : null,
    el("button", { type: "button", class: "original", "aria-label": `Download ${name}`,
      onclick: () => download(() => originalLink(doc.id), name) }, "Download"),
    el("button", { type: "button", class: "delete", "aria-label": `Delete ${name}`, onclick: () => remove(doc.id, name) }, "Delete"));
}

// Saves what `link()` points to under `name` (a same-origin link: the browser downloads it).
async function download(link, name) {
  try {
    const anchor = el("a", { href: await link(), download: name, hidden: true });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } catch (error) {
    announce(error.message, true);
  }
}

// GET /v1/audit (it needs the key, so it is fetched here and saved from memory).
function exportAudit() {
  download(async () => {
    const blob = await (await request("/v1/audit")).blob();
    const url = URL.createObjectURL(blob);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return url;
  }, "audit.jsonl");
}

async function remove(id, name) {
  if (!(await confirmDialog(`Delete "${name}"? Its text, vectors and original are removed.`))) return;
  try {
    await api(`/v1/documents/${id}`, { method: "DELETE" });
    announce(`Deleted ${name}`);
  } catch (error) {
    announce(error.message, true);
  }
  loadDocuments();
}
