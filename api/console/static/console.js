// The console's little JavaScript: confirmations before irreversible actions, and a queue
// that refreshes itself when the desk changes. Pages work without it.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});

const queue = document.getElementById("queue");
if (queue) {
  // The table is fetched again when the desk changes (a live stream from the server), and on
  // a timer as well, for changes no notice reaches and for when the stream cannot stay open.
  let fallbackSeconds = Number(queue.dataset.refresh || "20");
  let pending = null;
  let lastRefresh = Date.now();
  const refresh = async () => {
    if (document.hidden) return;
    lastRefresh = Date.now();
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("queue");
      if (fresh) queue.replaceChildren(...fresh.childNodes);
    } catch (error) {
      // Offline for a moment: the next change or tick tries again.
    }
  };
  const soon = () => {
    // Several changes in a burst (a reply moves the escalation and stores a message): one fetch.
    if (pending === null) pending = window.setTimeout(() => { pending = null; refresh(); }, 300);
  };
  if ("EventSource" in window) {
    const stream = new EventSource("/console/events");
    stream.addEventListener("ready", (event) => {
      queue.dataset.live = "on";
      // The server says how often to reload anyway: rarely when every process's changes reach it.
      const told = Number(JSON.parse(event.data).fallback_seconds);
      if (told > 0) fallbackSeconds = told;
    });
    stream.addEventListener("changed", soon);
    stream.addEventListener("error", () => { queue.dataset.live = "off"; fallbackSeconds = 20; });
  }
  window.setInterval(() => {
    if (Date.now() - lastRefresh >= fallbackSeconds * 1000) refresh();
  }, 5000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) soon(); });
}
