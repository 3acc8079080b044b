/*
 * The projector view (templates/meetings/projector.html): follows the editor without a reload.
 *
 * <main data-projector data-screen-url data-etag data-now> holds the screen's HTML
 * (templates/jinja2/meetings/_projector.html). Every 2 s it is asked for again with the ETag
 * it was loaded with: 304 leaves it as it is; 200 brings the new HTML, which replaces it, and a
 * new heading is announced to screen readers. The answer's X-Server-Time (the page's data-now
 * at first) sets the timer against the server's clock, whatever the room computer's says.
 * A timer is [data-timer data-since data-planned] (seconds) with its words in data-text-*.
 * If the session ended or the server cannot be reached, the page says so.
 */
(function () {
  "use strict";

  var POLL = 2000;
  var screen = document.querySelector("[data-projector]");
  if (!screen) return;
  var announce = document.querySelector("[data-projector-announce]");
  var problem = document.querySelector("[data-projector-problem]");
  var etag = screen.dataset.etag;
  var offset = parseFloat(screen.dataset.now) * 1000 - Date.now();

  function title() {
    var heading = screen.querySelector("[data-title]");
    return heading ? heading.textContent.trim() : "";
  }

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var timer = screen.querySelector("[data-timer]");
    if (!timer) return;
    var elapsed = Math.max(0, Math.floor((Date.now() + offset) / 1000 - parseFloat(timer.dataset.since)));
    var planned = parseInt(timer.dataset.planned, 10);
    var over = elapsed - planned;
    var text = over > 0 ? timer.dataset.textOver : timer.dataset.textRunning;
    timer.textContent = text
      .replace("%(elapsed)s", clock(elapsed))
      .replace("%(planned)s", String(planned / 60))
      .replace("%(over)s", clock(over));
    timer.classList.toggle("screen-timer-over", over > 0);
  }

  function poll() {
    fetch(screen.dataset.screenUrl, {
      headers: { "If-None-Match": etag },
      cache: "no-store",
      credentials: "same-origin",
      redirect: "manual",
    })
      .then(function (response) {
        if (response.status !== 200 && response.status !== 304) throw new Error(response.status);
        var now = parseFloat(response.headers.get("X-Server-Time"));
        if (now) offset = now * 1000 - Date.now();
        problem.hidden = true;
        if (response.status === 304) return null;
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var before = title();
        screen.innerHTML = html;
        if (title() !== before) announce.textContent = announce.dataset.textNow.replace("%(title)s", title());
        tick();
      })
      .catch(function () {
        problem.hidden = false;
      })
      .then(function () {
        window.setTimeout(poll, POLL);
      });
  }

  tick();
  window.setInterval(tick, 1000);
  window.setTimeout(poll, POLL);
})();
