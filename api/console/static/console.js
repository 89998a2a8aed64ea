// The console's little JavaScript: confirmations before irreversible actions, and a queue
// that refreshes itself while nobody is typing. Pages work without it.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});

const queue = document.getElementById("queue");
if (queue) {
  const seconds = Number(queue.dataset.refresh || "20");
  window.setInterval(async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("queue");
      if (fresh) queue.replaceChildren(...fresh.childNodes);
    } catch (error) {
      // Offline for a moment: the next tick tries again.
    }
  }, seconds * 1000);
}
