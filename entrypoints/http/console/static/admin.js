// The admin console: tenants with their status, keys and usage against quotas; create (the first
// key shown once), suspend, resume, delete (with the erasure receipt), issue and revoke keys, and
// verify the audit trail. HTTP Basic credentials live in this tab's sessionStorage only.

import { api, auth, onUnauthorized } from "./api.js";
import { announce, byId, confirmDialog, el, fill, formatBytes, formatDate } from "./dom.js";

auth.use("ragloom.admin");
const PAGE = 20;
const MB = 1024 * 1024;
let offset = 0;
let started = false;

// user:password as UTF-8, base64 (btoa alone takes Latin-1 only).
function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function signOut(message) {
  auth.clear();
  if (message) sessionStorage.setItem("ragloom.notice", message);
  location.reload();
}
onUnauthorized((error) => { if (started) signOut(error.message); });

async function start() {
  await api("/admin/tenants?limit=1"); // checks the credentials
  started = true;
  byId("signin").hidden = true;
  byId("app").hidden = false;
  byId("signout").hidden = false;
  await loadTenants();
}

// -- tenants ----------------------------------------------------------------------------------

const limitText = (value, show) => (value == null ? "default" : value === 0 ? "unlimited" : show(value));

async function loadTenants() {
  try {
    const { tenants } = await api(`/admin/tenants?limit=${PAGE}&offset=${offset}`);
    // the details (keys, usage) of each; a tenant being deleted may have none
    const detailed = await Promise.all(tenants.map((t) => api(`/admin/tenants/${t.id}`).catch(() => t)));
    fill(byId("tenants"), detailed.length ? detailed.map(tenantItem) : el("li", { class: "empty" }, "No tenants."));
    byId("tenants-prev").disabled = offset === 0;
    byId("tenants-next").disabled = tenants.length < PAGE;
  } catch (error) {
    announce(error.message, true);
  }
}

function tenantItem(tenant) {
  const live = tenant.status !== "deleted";
  const action = (label, cls, handler) => el("button", { type: "button", class: cls,
    "aria-label": `${label}: ${tenant.name}`, onclick: handler }, label);
  const usage = tenant.usage && [
    `Documents ${tenant.usage.documents} of ${limitText(tenant.max_documents, String)}`,
    `storage ${formatBytes(tenant.usage.bytes)} of ${limitText(tenant.max_bytes, formatBytes)}`,
  ].join(" · ");
  return el("li", { class: "tenant card", "data-tenant-id": tenant.id },
    el("div", { class: "row" }, el("h3", {}, tenant.name),
      el("span", { class: "status", "data-status": tenant.status }, tenant.status)),
    el("p", { class: "meta" }, `id ${tenant.id} · created ${formatDate(tenant.created_at)}`),
    usage ? el("p", { class: "usage" }, usage) : null,
    tenant.keys ? el("ul", { class: "keys", "aria-label": `API keys of ${tenant.name}` }, tenant.keys.map((key) =>
      el("li", { class: "key", "data-key-id": key.id }, el("code", {}, key.id),
        key.revoked_at ? ` revoked ${formatDate(key.revoked_at)}` : ` since ${formatDate(key.created_at)} `,
        key.revoked_at || !live ? null : el("button", { type: "button", class: "revoke-key",
          "aria-label": `Revoke key ${key.id}`, onclick: () => revokeKey(tenant, key) }, "Revoke")))) : null,
    el("div", { class: "actions" },
      live && tenant.status === "active" ? action("Suspend", "suspend", () => setStatus(tenant, "suspend")) : null,
      live && tenant.status === "suspended" ? action("Resume", "resume", () => setStatus(tenant, "resume")) : null,
      live ? action("Issue key", "issue-key", () => issueKey(tenant)) : null,
      action(live ? "Delete" : "Finish deleting", "delete danger", () => removeTenant(tenant))));
}

async function run(work) {
  try {
    await work();
  } catch (error) {
    announce(error.message, true);
  }
  await loadTenants();
}

const setStatus = (tenant, verb) => run(async () => {
  await api(`/admin/tenants/${tenant.id}/${verb}`, { method: "POST" });
  announce(`${tenant.name} ${verb === "suspend" ? "suspended: its keys answer 403" : "resumed"}`);
});

const issueKey = (tenant) => run(async () => {
  const issued = await api(`/admin/tenants/${tenant.id}/keys`, { method: "POST" });
  showSecret(`New API key for ${tenant.name}`, issued.api_key);
});

async function revokeKey(tenant, key) {
  if (!(await confirmDialog(`Revoke key ${key.id} of ${tenant.name}? It stops working at once.`, "Revoke"))) return;
  await run(async () => {
    await api(`/admin/tenants/${tenant.id}/keys/${encodeURIComponent(key.id)}`, { method: "DELETE" });
    announce(`Key ${key.id} revoked`);
  });
}

async function removeTenant(tenant) {
  const question = `Delete tenant ${tenant.name}? Its documents, vectors, originals, keys and chats are erased; its audit trail is kept.`;
  if (!(await confirmDialog(question, "Delete tenant"))) return;
  await run(async () => {
    const receipt = await api(`/admin/tenants/${tenant.id}`, { method: "DELETE" });
    byId("receipt-title").textContent = `${tenant.name} deleted: erasure receipt`;
    fill(byId("receipt-counts"), Object.entries(receipt.removed).map(([store, count]) =>
      [el("dt", {}, store.replaceAll("_", " ")), el("dd", {}, count)]));
    byId("receipt").hidden = false;
    byId("receipt-title").focus();
  });
}

// -- the key shown once -----------------------------------------------------------------------

function showSecret(label, key) {
  byId("secret-label").textContent = label;
  byId("secret-value").value = key;
  byId("secret-box").hidden = false;
  byId("secret-value").focus();
  byId("secret-value").select();
}

byId("secret-dismiss").addEventListener("click", () => {
  byId("secret-value").value = "";
  byId("secret-box").hidden = true;
});
byId("secret-copy").addEventListener("click", () => navigator.clipboard.writeText(byId("secret-value").value)
  .then(() => announce("Copied"), () => announce("Copy failed: select the key and copy it by hand", true)));
byId("receipt-dismiss").addEventListener("click", () => { byId("receipt").hidden = true; });

// -- forms and buttons ------------------------------------------------------------------------

byId("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const number = (id, scale = 1) => (byId(id).value === "" ? null : Math.round(Number(byId(id).value) * scale));
  byId("create-error").textContent = "";
  try {
    const created = await api("/admin/tenants", { method: "POST", json: {
      name: byId("new-tenant-name").value.trim(),
      max_documents: number("new-tenant-max-documents"),
      max_bytes: number("new-tenant-max-mb", MB),
    } });
    event.target.reset();
    showSecret(`API key for ${created.name}`, created.api_key);
    await loadTenants();
  } catch (error) {
    byId("create-error").textContent = error.message;
  }
});

byId("tenants-prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); loadTenants(); });
byId("tenants-next").addEventListener("click", () => { offset += PAGE; loadTenants(); });
byId("tenants-refresh").addEventListener("click", () => loadTenants());

byId("audit-verify").addEventListener("click", async () => {
  const out = byId("audit-result");
  out.dataset.ok = "";
  fill(out, "Verifying every chain…");
  try {
    const result = await api("/admin/audit/verify", { method: "POST" });
    out.dataset.ok = String(result.ok);
    const counts = `${result.chains} chains, ${result.records} records`;
    fill(out, el("p", { class: result.ok ? "ok" : "error" }, result.ok ? `Intact: ${counts} verified.` : `Broken: ${counts} checked.`),
      result.problems?.length ? el("ul", {}, result.problems.map((problem) => el("li", {}, problem))) : null);
  } catch (error) {
    out.dataset.ok = "error";
    fill(out, el("p", { class: "error" }, error.message));
  }
});

byId("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  byId("signin-error").textContent = "";
  auth.set(basic(byId("admin-user").value, byId("admin-password").value));
  try {
    await start();
    byId("admin-password").value = "";
  } catch (error) {
    auth.clear();
    byId("signin-error").textContent = error.message;
  }
});
byId("signout").addEventListener("click", () => signOut());

byId("signin-error").textContent = sessionStorage.getItem("ragloom.notice") ?? "";
sessionStorage.removeItem("ragloom.notice");
if (auth.header()) start().catch((error) => { auth.clear(); byId("signin-error").textContent = error.message; });
