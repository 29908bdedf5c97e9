// Ask page: a chat view. A question goes to POST /v1/query with the chat's id; the answer streams
// in (`delta` events), then `done` brings the citations, shown as numbered buttons that open the
// source in the viewer. Chats are listed, reopened and deleted.

import { api, readSSE, request } from "./api.js";
import { announce, byId, chipLabel, confirmDialog, el, fill, formatDate } from "./dom.js";
import { closeViewer, openCitation } from "./viewer.js";

let chatId = null; // the open chat; null: a new one is made with the first question

export function initAsk() {
  byId("ask-form").addEventListener("submit", ask);
  byId("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      byId("ask-form").requestSubmit();
    }
  });
  byId("new-chat").addEventListener("click", () => openChat(null));
  loadChats();
}

async function loadChats() {
  try {
    const { chats } = await api("/v1/chats?limit=100");
    fill(byId("chats"), chats.length ? chats.map(chatItem) : el("li", { class: "empty" }, "No chats yet."));
  } catch (error) {
    announce(error.message, true);
  }
}

function chatItem(chat) {
  const name = `${formatDate(chat.created_at)} · ${chat.message_count} messages`;
  return el("li", { "data-chat-id": chat.id },
    el("button", { type: "button", class: "open-chat", "aria-current": chat.id === chatId ? "true" : null,
      onclick: () => openChat(chat.id) }, name),
    el("button", { type: "button", class: "delete-chat", "aria-label": `Delete chat of ${name}`,
      onclick: () => deleteChat(chat.id, name) }, "Delete"));
}

async function openChat(id) {
  chatId = id;
  closeViewer();
  const log = fill(byId("messages"));
  loadChats(); // marks the open one
  if (!id) { byId("question").focus(); return; }
  try {
    const { messages } = await api(`/v1/chats/${id}/messages?limit=1000`);
    for (const message of messages) {
      if (message.role === "user") { log.append(userMessage(message.content)); continue; }
      const answer = assistantMessage();
      finish(answer, { ...message, answer: message.content, citations: message.references });
      if (!message.finished) fail(answer, message.error ?? "the answer broke off");
      log.append(answer.node);
    }
  } catch (error) {
    announce(error.message, true);
  }
}

async function deleteChat(id, name) {
  if (!(await confirmDialog(`Delete the chat of ${name}? Its messages go with it.`))) return;
  try {
    await api(`/v1/chats/${id}`, { method: "DELETE" });
    announce("Chat deleted");
    if (id === chatId) openChat(null);
    else loadChats();
  } catch (error) {
    announce(error.message, true);
  }
}

// -- messages ---------------------------------------------------------------------------------

const userMessage = (text) =>
  el("div", { class: "message user" }, el("p", { class: "who" }, "You"), el("p", { class: "text" }, text));

function assistantMessage() {
  const who = el("p", { class: "who" }, "Answer");
  const text = el("p", { class: "text answer-text" });
  return { node: el("div", { class: "message assistant" }, who, text), who, text };
}

// The finished answer: its text, whether the documents hold it, and its citations as buttons.
function finish(answer, done) {
  answer.text.textContent = done.answer;
  if (done.no_answer) {
    answer.node.classList.add("no-answer");
    answer.node.insertBefore(el("p", { class: "no-answer-label" }, "Not in your documents"), answer.text);
  }
  if (done.cached) answer.who.append(el("span", { class: "cached", title: "answered from the cache of earlier answers" }, " · cached"));
  const citations = done.citations ?? [];
  if (citations.length) {
    answer.node.append(el("ol", { class: "citations", "aria-label": "Sources" }, citations.map((citation) =>
      el("li", {}, el("button", { type: "button", class: "citation", "data-marker": citation.marker,
        "data-document-id": citation.document_id, onclick: () => openCitation(citation) },
        chipLabel(citation))))));
  }
}

function fail(answer, message) {
  answer.node.classList.add("failed");
  answer.node.append(el("p", { class: "error", role: "alert" }, `The answer failed and was withdrawn: ${message}`));
}

async function ask(event) {
  event.preventDefault();
  const input = byId("question");
  const button = byId("ask-button");
  const log = byId("messages");
  const question = input.value.trim();
  if (!question || button.disabled) return;
  button.disabled = true;
  let answer = null;
  try {
    if (!chatId) chatId = (await api("/v1/chats", { method: "POST" })).id;
    log.append(userMessage(question));
    input.value = "";
    answer = assistantMessage();
    log.append(answer.node);
    log.setAttribute("aria-busy", "true"); // screen readers read the answer once it is whole
    const response = await request("/v1/query", { method: "POST", json: { question, chat_id: chatId } });
    let ended = false;
    await readSSE(response, ({ event, data }) => {
      if (event === "delta") answer.text.textContent += data.text;
      else if (event === "done") { ended = true; finish(answer, data); }
      else if (event === "error") { ended = true; fail(answer, data.error?.message ?? "unknown error"); }
      log.scrollTop = log.scrollHeight;
    });
    if (!ended) fail(answer, "the stream broke off");
  } catch (error) {
    if (error.status === 404) chatId = null; // the chat was deleted meanwhile
    if (answer) fail(answer, error.message);
    else announce(error.message, true);
  } finally {
    log.setAttribute("aria-busy", "false");
    button.disabled = false;
    input.focus();
    loadChats();
  }
}
