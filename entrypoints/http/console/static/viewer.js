// The citation viewer: the source at the cited place. A PDF at its page; a recording or video
// played from start_seconds, paused at end_seconds; a video keyframe or a picture with the boxes
// of the lines read drawn over it; anything else as the cited text.

import { api, originalLink, request } from "./api.js";
import { byId, chipLabel, el } from "./dom.js";

let generation = 0; // bumped on every open and close: work for an older citation stops
let objectUrls = [];
let opener = null; // the citation button that opened the viewer: focus goes back to it

function dismiss() {
  closeViewer();
  opener?.focus();
}
byId("viewer-close").addEventListener("click", dismiss);
byId("viewer").addEventListener("keydown", (event) => { if (event.key === "Escape") dismiss(); });

export function closeViewer() {
  generation += 1;
  for (const media of byId("viewer-body").querySelectorAll("audio, video")) media.pause();
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls = [];
  byId("viewer-body").replaceChildren();
  byId("viewer").hidden = true;
}

function objectUrl(blob) {
  const url = URL.createObjectURL(blob);
  objectUrls.push(url);
  return url;
}

export async function openCitation(cited) {
  opener = document.activeElement;
  closeViewer();
  const mine = ++generation;
  const stale = () => mine !== generation;
  const body = byId("viewer-body");
  let citation = cited;
  byId("viewer").hidden = false;
  byId("viewer-title").textContent = chipLabel(citation);
  byId("viewer-title").focus();
  try {
    if (!citation.source || !citation.media_type) { // a reopened chat's reference: no name with it
      const doc = await api(`/v1/documents/${citation.document_id}`);
      citation = { ...citation, source: doc.filename, media_type: citation.media_type ?? doc.media_type };
      if (stale()) return;
      byId("viewer-title").textContent = chipLabel(citation);
    }
    const type = (citation.media_type ?? "").split(";")[0].trim().toLowerCase();
    const video = type.startsWith("video/");
    if (video && citation.frame != null) await showKeyframe(citation, body, stale);
    else if (video || type.startsWith("audio/")) await showMedia(citation, video ? "video" : "audio", body, stale);
    else if (type === "application/pdf") await showPdf(citation, body, stale);
    else if (type.startsWith("image/")) await showImage(citation, body, stale);
    if (stale()) return;
    if (citation.text) body.append(el("blockquote", { class: "cited-text" }, citation.text));
    else if (!body.childElementCount) body.append(el("p", {}, "The cited passage is not kept with this chat; ask again to see it."));
  } catch (error) {
    if (!stale()) body.append(el("p", { class: "error", role: "alert" }, error.message));
  }
}

async function showPdf(citation, body, stale) {
  const url = await originalLink(citation.document_id);
  if (stale()) return;
  body.append(el("iframe", { id: "pdf-frame", class: "pdf", src: `${url}#page=${citation.page ?? 1}`,
    title: `${citation.source}, page ${citation.page ?? 1}` }));
}

async function showMedia(citation, kind, body, stale) {
  const url = await originalLink(citation.document_id);
  if (stale()) return;
  body.append(player(kind, url, citation.start_seconds, citation.end_seconds, true));
}

// <audio>/<video id="player">: at `start` once the metadata is in (playing if `autoplay`), paused
// once past `end`. Where the server sends no byte ranges the browser cannot seek in the stream:
// the bytes are then fetched once and played from memory (for a keyframe's video, on play only).
function player(kind, url, start, end, autoplay) {
  const media = el(kind, { id: "player", controls: true, preload: autoplay ? "auto" : "metadata", src: url });
  let stopAt = end ?? null;
  let play = autoplay;
  const fromMemory = async () => {
    media.pause();
    play = true;
    try {
      const response = await fetch(url, { credentials: "omit" });
      if (response.ok) { media.src = objectUrl(await response.blob()); return; } // its metadata loads again
    } catch { /* play from the start instead */ }
    media.play().catch(() => {});
  };
  media.addEventListener("loadedmetadata", () => {
    if (start > 0 && !seekable(media, start) && !media.src.startsWith("blob:")) {
      if (play) fromMemory();
      else media.addEventListener("play", fromMemory, { once: true });
      return;
    }
    media.currentTime = start ?? 0;
    if (play) media.play().catch(() => {}); // the browser may refuse to play on its own
  });
  media.addEventListener("timeupdate", () => {
    if (stopAt !== null && media.currentTime >= stopAt) { media.pause(); stopAt = null; }
  });
  return media;
}

function seekable(media, seconds) {
  for (let i = 0; i < media.seekable.length; i += 1) {
    if (media.seekable.start(i) <= seconds && seconds <= media.seekable.end(i)) return true;
  }
  return false;
}

async function showImage(citation, body, stale) {
  const url = await originalLink(citation.document_id);
  if (stale()) return;
  const shown = picture(url, "source-image", citation.boxes, `${citation.source}`);
  shown.node.classList.add("original"); // pixels as stored: the boxes ignore EXIF rotation
  body.append(shown.node);
}

// The keyframe (a small JPEG, fetched with the key) with its boxes, and the video at that moment.
// The boxes are in the video's own pixels, so they are scaled by its size once that is known.
async function showKeyframe(citation, body, stale) {
  const response = await request(`/v1/documents/${citation.document_id}/frames/${citation.frame}`);
  const src = objectUrl(await response.blob());
  if (stale()) return;
  const shown = picture(src, "frame-image", citation.boxes, `Keyframe ${citation.frame} of ${citation.source}`);
  body.append(shown.node);
  const url = await originalLink(citation.document_id);
  if (stale()) return;
  const media = player("video", url, citation.start_seconds, citation.end_seconds, false);
  media.addEventListener("loadedmetadata", () => shown.scale(media.videoWidth, media.videoHeight));
  body.append(media);
}

const percent = (share) => `${(share * 100).toFixed(3)}%`;

// An image with its [left, top, right, bottom] boxes as outlines, positioned in percent of the
// size the boxes were measured in (by default the image's natural size), so they follow any zoom.
function picture(src, id, boxes, alt) {
  const img = el("img", { id, src, alt });
  const node = el("div", { class: "picture" }, img);
  let size = null;
  const draw = () => {
    const [width, height] = size ?? [img.naturalWidth, img.naturalHeight];
    if (!width || !height) return;
    for (const old of node.querySelectorAll(".box")) old.remove();
    for (const [left, top, right, bottom] of boxes ?? []) {
      const box = el("div", { class: "box", "aria-hidden": "true" });
      Object.assign(box.style, { // CSSOM, which the Content-Security-Policy allows (style attributes it would not)
        left: percent(left / width), top: percent(top / height),
        width: percent((right - left) / width), height: percent((bottom - top) / height),
      });
      node.append(box);
    }
  };
  img.addEventListener("load", draw);
  return { node, scale(width, height) { if (width && height) { size = [width, height]; draw(); } } };
}
