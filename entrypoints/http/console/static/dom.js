// Building the page without ever parsing HTML: nodes get attributes, listeners and text only,
// so a file name, an answer or an error message is always shown as text.

// el("button", {type: "button", class: "x", onclick: fn}, "Label", childNode, null, [more])
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) {
      if (typeof value !== "function") throw new TypeError(`${name} must be a function`);
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  return put(node, ...children);
}

// Appends children to node: nodes as they are, strings and numbers as text, null and false skipped.
export function put(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Replaces node's children (same rules as put).
export function fill(node, ...children) {
  node.replaceChildren();
  return put(node, ...children);
}

export const byId = (id) => document.getElementById(id);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The page's status line (role=status, aria-live): screen readers announce what it says.
export function announce(message, isError = false) {
  const status = byId("status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

// A modal yes/no question; resolves true only when the confirming button is pressed.
let dialog = null;
export function confirmDialog(message, action = "Delete") {
  if (!dialog) {
    dialog = el("dialog", { id: "confirm", "aria-labelledby": "confirm-message" },
      el("p", { id: "confirm-message" }),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "confirm-no", onclick: () => dialog.close("no") }, "Cancel"),
        el("button", { type: "button", id: "confirm-yes", class: "danger", onclick: () => dialog.close("yes") })));
    document.body.append(dialog);
  }
  byId("confirm-message").textContent = message;
  byId("confirm-yes").textContent = action;
  dialog.returnValue = "";
  dialog.showModal();
  byId("confirm-no").focus(); // the safe choice is the default one
  return new Promise((resolve) =>
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true }));
}

export function formatBytes(bytes) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}

export const formatDate = (iso) => (iso ? new Date(iso).toLocaleString() : "");

// 65.2 -> "1:05"
export function clock(seconds) {
  const whole = Math.floor(Number(seconds) || 0);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

// Where a citation points, as a person looks it up: "report.pdf p.2", "call.mp3 0:19-0:40",
// "tour.mp4 frame 6 at 1:05"; with the marker: "[2] tour.mp4 frame 6 at 1:05".
export const chipLabel = (citation) => `[${citation.marker}] ${placeOf(citation)}`.trim();

export function placeOf(citation) {
  const where = [citation.source || citation.title || ""];
  if (citation.frame != null) where.push(`frame ${citation.frame} at ${clock(citation.start_seconds)}`);
  else if (citation.start_seconds != null) where.push(`${clock(citation.start_seconds)}–${clock(citation.end_seconds)}`);
  else if (citation.page != null) where.push(`p.${citation.page}`);
  return where.filter(Boolean).join(" "); // "" for a stored reference to a text: no name is kept
}
