// The rating widget's page (/embed/pitches/<id>, templates/embed.html): rate with the star
// buttons, sign in with the small form, and tell the page that frames it how tall it is.
// Every call goes to the API of this same origin with the session cookie; writes carry the
// CSRF token the page was rendered with.
(function () {
  "use strict";
  const API = "/api/v1";
  const main = document.querySelector("main");
  const pitchId = main.getAttribute("data-pitch");

  // The frame's height, for rating-widget.js on the embedding page. Nothing secret: any
  // page may read it, the receiver checks that it came from the exchange.
  function reportHeight() {
    if (window.parent === window) return;
    window.parent.postMessage({
      type: "exchange-widget-height", pitch: pitchId,
      height: Math.ceil(document.body.getBoundingClientRect().height),
    }, "*");
  }

  function summary(tally) {
    if (!tally.count) return "No ratings yet.";
    const plural = tally.count === 1 ? "" : "s";
    return tally.mean.toFixed(1) + " out of 5 stars from " + tally.count + " rating" + plural + ".";
  }

  function showTally(tally) {
    const whole = Math.round(tally.mean || 0);
    main.querySelector('[data-tally="stars"]').textContent =
      "★".repeat(whole) + "☆".repeat(5 - whole);
    main.querySelector('[data-tally="summary"]').textContent = summary(tally);
    for (const stars of ["1", "2", "3", "4", "5"]) {
      const bar = main.querySelector('[data-histogram-bar="' + stars + '"]');
      bar.max = tally.count || 1;
      bar.value = tally.histogram[stars];
      bar.textContent = tally.histogram[stars];
      main.querySelector('[data-histogram="' + stars + '"]').textContent = tally.histogram[stars];
    }
  }

  function answerOf(response) {
    return response.json().then(
      (body) => ({ ok: response.ok, body: body }),
      () => ({ ok: response.ok, body: {} }));
  }

  function refreshTally() {
    return fetch(API + "/pitches/" + pitchId, { credentials: "same-origin", cache: "no-cache" })
      .then(answerOf)
      .then((answer) => { if (answer.ok) showTally(answer.body.tally.public); });
  }

  function markStars(stars) {
    for (const button of main.querySelectorAll("button[data-stars]")) {
      const n = Number(button.getAttribute("data-stars"));
      button.setAttribute("aria-pressed", n === stars ? "true" : "false");
      button.classList.toggle("filled", n <= stars);
    }
  }

  function rate(stars) {
    const status = document.getElementById("rating-status");
    const token = document.querySelector('meta[name="csrf-token"]').content;
    status.textContent = "Saving your rating…";
    fetch(API + "/pitches/" + pitchId + "/rating", {
      method: "PUT", credentials: "same-origin", body: JSON.stringify({ stars: stars }),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
    }).then(answerOf).then((answer) => {
      if (!answer.ok) {
        status.textContent = answer.body.detail || "Your rating was not saved; try again.";
        return null;
      }
      markStars(stars);
      const plural = stars === 1 ? "" : "s";
      const kept = answer.body.excluded_reason
        ? " It is kept but not counted in the ranking (" +
          answer.body.excluded_reason.replace(/_/g, " ") + ")."
        : "";
      status.textContent = "You gave it " + stars + " star" + plural + "." + kept;
      return refreshTally();
    }).catch(() => { status.textContent = "The exchange could not be reached; try again."; });
  }

  function signIn(event) {
    event.preventDefault();
    const form = event.target;
    const status = document.getElementById("sign-in-status");
    status.textContent = "Signing in…";
    fetch(API + "/auth/login", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: form.email.value, password: form.password.value }),
    }).then(answerOf).then((answer) => {
      if (!answer.ok) {
        status.textContent = answer.body.detail || "Sign-in failed; try again.";
        return null;
      }
      // Signed in, unless this browser dropped the cookie of a frame on another site.
      return fetch(API + "/auth/me", { credentials: "same-origin", cache: "no-store" })
        .then((me) => {
          if (me.ok) {
            window.location.reload();
            return;
          }
          status.textContent = "";
          document.getElementById("elsewhere").hidden = false;
          reportHeight();
        });
    }).catch(() => { status.textContent = "The exchange could not be reached; try again."; });
  }

  if (pitchId) {
    for (const button of main.querySelectorAll("button[data-stars]")) {
      button.addEventListener("click", () => rate(Number(button.getAttribute("data-stars"))));
      button.disabled = false;
    }
    const form = document.getElementById("sign-in");
    if (form) {
      form.addEventListener("submit", signIn);
      // Enabled only now: a click before this would have submitted the form itself.
      form.querySelector("button[type=submit]").disabled = false;
    }
  }
  if ("ResizeObserver" in window) new ResizeObserver(reportHeight).observe(document.body);
  reportHeight();
})();
