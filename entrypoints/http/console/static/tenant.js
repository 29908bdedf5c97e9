// The tenant console: sign in with an API key, then the Documents and Ask pages (#documents, #ask).

import { api, auth, onUnauthorized } from "./api.js";
import { initAsk } from "./ask.js";
import { byId } from "./dom.js";
import { initDocuments, watchEvents } from "./documents.js";

auth.use("ragloom.tenant");
const NOTICE = "ragloom.notice"; // a message kept across the reload that signs out
let started = false;

function signOut(message) {
  auth.clear();
  if (message) sessionStorage.setItem(NOTICE, message);
  location.reload(); // forgets every bit of the session's state
}

// A key revoked, or its tenant deleted, while the page is open: back to the sign-in form.
onUnauthorized((error) => { if (started) signOut(error.message); });

function route() {
  const page = location.hash === "#ask" ? "ask" : "documents";
  for (const name of ["documents", "ask"]) {
    byId(`${name}-page`).hidden = name !== page;
    const tab = byId(`tab-${name}`);
    if (name === page) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

async function start() {
  const tenant = await api("/v1/tenant"); // a wrong key fails here, with the API's message
  started = true;
  byId("tenant-name").textContent = tenant.status === "active" ? tenant.name : `${tenant.name} (${tenant.status})`;
  byId("signin").hidden = true;
  for (const id of ["nav", "signout"]) byId(id).hidden = false;
  window.addEventListener("hashchange", route);
  route();
  initDocuments();
  initAsk();
  watchEvents();
}

byId("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  byId("signin-error").textContent = "";
  auth.set(`Bearer ${byId("api-key").value.trim()}`);
  try {
    await start();
    byId("api-key").value = "";
  } catch (error) {
    auth.clear();
    byId("signin-error").textContent = error.message;
    byId("api-key").focus();
  }
});
byId("signout").addEventListener("click", () => signOut());

byId("signin-error").textContent = sessionStorage.getItem(NOTICE) ?? "";
sessionStorage.removeItem(NOTICE);
if (auth.header()) {
  start().catch((error) => {
    auth.clear();
    byId("signin-error").textContent = error.message;
  });
}
