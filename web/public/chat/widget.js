/* Guichet's web chat, on a service's website, with one tag:
 *   <script async src="https://guichet.example.fr/chat/widget.js" data-service="6"></script>
 * (data-lang="en" for English). It shows one button and loads nothing else,
 * and writes nothing in the browser, until the citizen opens the chat: then
 * the conversation runs in Guichet's own frame, which the service's website
 * must be allowed to embed (the queue's chat_origins). Once a conversation
 * starts, what resuming needs is kept in the frame's session storage, or
 * here in the site's when the browser refuses storage to the frame.
 * Hand-written and small: it is what every visitor loads. */
(function () {
  var script = document.currentScript;
  if (!script || !script.dataset.service) return;
  var base = new URL(script.src).origin;
  var lang = script.dataset.lang === "en" ? "en" : "fr";
  var label = lang === "en" ? "Chat with us" : "Discuter avec nous";
  var close = lang === "en" ? "Close the chat" : "Fermer la discussion";
  var frame = null;
  var panel = document.createElement("div");
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "guichet-chat-panel");
  button.style.cssText =
    "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.75rem 1.25rem;" +
    "border:0;border-radius:.25rem;background:#000091;color:#fff;font:700 1rem/1.5 Marianne,arial,sans-serif;" +
    "cursor:pointer;box-shadow:0 2px 6px rgba(0,0,18,.3)";
  panel.id = "guichet-chat-panel";
  panel.hidden = true;
  panel.style.cssText =
    "position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(26rem,calc(100vw - 2rem));" +
    "height:min(40rem,calc(100vh - 6rem));box-shadow:0 6px 18px rgba(0,0,18,.35);background:#fff";
  function toggle(open) {
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.title = label;
      frame.src = base + "/chat/frame.html?service=" + encodeURIComponent(script.dataset.service) + "&lang=" + lang +
        "&origin=" + encodeURIComponent(location.origin);
      frame.style.cssText = "border:0;width:100%;height:100%";
      frame.setAttribute("allow", "clipboard-write");
      panel.appendChild(frame);
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? close : label;
    if (open && frame) frame.focus();
    else button.focus();
  }
  button.addEventListener("click", function () {
    toggle(panel.hidden);
  });
  // The frame asks to close (its "Fermer" button, or Escape); and, where
  // the browser refuses storage to a frame of another site, it keeps what
  // resuming needs in this site's session storage (only once started).
  var key = "guichet-chat:" + script.dataset.service;
  window.addEventListener("message", function (event) {
    if (event.origin !== base || !frame || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data === "guichet-chat:close") toggle(false);
    else if (data && data.type === "guichet-chat:save") {
      if (typeof data.value === "string") sessionStorage.setItem(key, data.value);
      else sessionStorage.removeItem(key);
    } else if (data && data.type === "guichet-chat:restore") {
      event.source.postMessage({ type: "guichet-chat:state", value: sessionStorage.getItem(key) }, base);
    }
  });
  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
