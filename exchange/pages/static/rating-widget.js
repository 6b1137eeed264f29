// The exchange's rating widget for other sites: no build step, no framework.
//
//   <script src="https://exchange.example/static/rating-widget.js" data-pitch="12"></script>
//
// puts the widget of pitch 12 (a frame of https://exchange.example/embed/pitches/12) where
// the script is. For several pitches on one page, include the script once and mark each
// place with <div data-exchange-pitch="12"></div>. The frame reports its height; only
// messages from the exchange's origin and from that frame are believed.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script) return;
  const exchange = new URL(script.src).origin;
  const frames = new Map(); // frame window -> iframe element

  function insert(place, pitchId, after) {
    if (!/^[0-9]+$/.test(pitchId || "")) return;
    const frame = document.createElement("iframe");
    frame.src = exchange + "/embed/pitches/" + pitchId;
    frame.title = "Rate this pitch on the Open Innovation Exchange";
    frame.loading = "lazy";
    frame.setAttribute("data-exchange-widget", pitchId);
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.maxWidth = "28rem";
    frame.style.height = "20rem"; // until the frame says how tall it is
    if (after) place.after(frame); else place.appendChild(frame);
    frames.set(frame.contentWindow, frame);
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== exchange) return;
    const frame = frames.get(event.source);
    const data = event.data;
    if (!frame || !data || data.type !== "exchange-widget-height") return;
    const height = Number(data.height);
    if (Number.isFinite(height) && height > 0 && height < 5000) {
      frame.style.height = Math.ceil(height) + "px";
    }
  });

  function start() {
    if (script.hasAttribute("data-pitch")) insert(script, script.getAttribute("data-pitch"), true);
    for (const place of document.querySelectorAll("[data-exchange-pitch]")) {
      if (place !== script) insert(place, place.getAttribute("data-exchange-pitch"), false);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
