/*
 * Autosave for any <form data-autosave> (the minutes editor, the study-visit report).
 *
 * The form must contain <input type="hidden" name="version"> (the version the text was
 * loaded at) and an element [data-autosave-status] with aria-live="polite"; its data-text-*
 * attributes carry the translated messages (see templates/meetings/_autosave_status.html,
 * which any app may include). Without JavaScript the form's own Save button posts normally.
 *
 * On input the form is POSTed after ~1 s of quiet: fetch with FormData, the header
 * "X-Autosave: 1" and the form's CSRF token. The server answers
 *   200 {"version": n, "saved_at": "10.31", "preview": {field: html}}   saved (preview optional,
 *       put into [data-preview-for=field] inside the form);
 *   409 {"conflict": true, "version": current, "html": "..."}  someone else saved first: the
 *       html (what changed, and the user's own text) is shown; the text stays in the form and
 *       "Save my text" saves it over the current version once the user has merged;
 *   400 {"errors": {field: [messages]}}  shown next to the status, nothing is cleared.
 * A redirect to the login page (expired session), any other answer or a network error keeps
 * the text and says so. Until the server confirms, the text is also kept in localStorage
 * (keyed by the form's action) and retried when the connection returns; after a reload or a
 * closed tab the kept text is offered back.
 */
(function () {
  "use strict";

  var DELAY = 1000;
  var RETRY = 15000;

  function fields(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.name === "version" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.type === "checkbox") values[el.name] = el.checked;
        else if (el.checked) values[el.name] = el.value;
        return;
      }
      values[el.name] = el.value;
    });
    return values;
  }

  function fill(form, values) {
    Object.keys(values).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (!el) return;
      if (el.type === "checkbox") el.checked = !!values[name];
      else if (el.value !== undefined) el.value = values[name];
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function enhance(form) {
    var status = form.querySelector("[data-autosave-status]");
    var version = form.querySelector('input[name="version"]');
    if (!status || !version || form.dataset.autosaveReady) return;
    form.dataset.autosaveReady = "1";

    var key = "autosave:" + form.action;
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var timer = null;
    var saving = false;
    var again = false;
    var conflict = false;
    var panel = document.createElement("div");
    panel.className = "autosave-panel";
    status.insertAdjacentElement("afterend", panel);

    // The texts are on the status line, or once on the page (the first status line that has
    // them) for the many items of the minutes editor.
    var texts = status.hasAttribute("data-text-saved") ? status :
      document.querySelector("[data-autosave-status][data-text-saved]") || status;

    function text(name, time) {
      return (texts.getAttribute("data-text-" + name) || name).replace("{time}", time || "");
    }

    function say(message) {
      status.textContent = message;
    }

    function keep() {
      try {
        localStorage.setItem(key, JSON.stringify({
          version: version.value, fields: fields(form), at: new Date().toISOString()
        }));
      } catch (e) { /* storage full or blocked: the server save still runs */ }
    }

    function stored() {
      try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
    }

    function forget() {
      try { localStorage.removeItem(key); } catch (e) { /* nothing to do */ }
    }

    function later(delay) {
      clearTimeout(timer);
      timer = setTimeout(save, delay);
    }

    function save() {
      clearTimeout(timer);
      if (conflict) return;
      if (saving) { again = true; return; }
      saving = true;
      var sent = fields(form);
      say(text("saving"));
      var headers = { "X-Autosave": "1", "Accept": "application/json" };
      if (token) headers["X-CSRFToken"] = token.value;
      fetch(form.action, {
        method: "POST", body: new FormData(form), headers: headers, credentials: "same-origin"
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.redirected || !json) {
          say(response.redirected ? text("login") : text("failed"));
          later(RETRY);
          return;
        }
        return response.json().then(function (data) { answer(response.status, data, sent); });
      }).catch(function () {
        say(text("offline"));
      }).then(function () {
        saving = false;
        if (again) { again = false; later(DELAY); }
      });
    }

    function answer(code, data, sent) {
      panel.textContent = "";
      if (code === 200) {
        version.value = data.version;
        Object.keys(data.preview || {}).forEach(function (name) {
          var box = form.querySelector('[data-preview-for="' + name + '"]');
          if (box) box.innerHTML = data.preview[name];  // sanitised by the server
        });
        say(text("saved", data.saved_at));
        if (same(sent, fields(form))) forget(); else keep();
      } else if (code === 409) {
        conflict = true;
        say(text("conflict"));
        panel.innerHTML = data.html;  // rendered by our own template, escaped there
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = text("save-mine");
        button.addEventListener("click", function () {
          conflict = false;
          if (data.version !== null && data.version !== undefined) version.value = data.version;
          keep();
          save();
        });
        panel.appendChild(button);
      } else if (code === 400 && data.errors) {
        var list = [];
        Object.keys(data.errors).forEach(function (name) { list = list.concat(data.errors[name]); });
        say(text("invalid") + " " + list.join(" "));
      } else {
        say(text("failed"));
        later(RETRY);
      }
    }

    function changed() {
      keep();
      if (!conflict) later(DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      keep();
      save();
    });
    window.addEventListener("online", function () { if (stored()) save(); });

    // Text kept from an earlier visit that the server never confirmed: offer it back.
    var kept = stored();
    if (kept && !same(kept.fields, fields(form))) {
      var when = new Date(kept.at);
      var time = isNaN(when) ? "" : when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      var offer = document.createElement("p");
      offer.className = "autosave-offer";
      offer.textContent = text("restore", time) + " ";
      var take = document.createElement("button");
      take.type = "button";
      take.textContent = text("restore-button");
      take.addEventListener("click", function () {
        fill(form, kept.fields);
        version.value = kept.version;
        offer.remove();
        save();
      });
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "secondary";
      drop.textContent = text("discard-button");
      drop.addEventListener("click", function () { forget(); offer.remove(); });
      offer.appendChild(take);
      offer.appendChild(document.createTextNode(" "));
      offer.appendChild(drop);
      panel.appendChild(offer);
      say(text("unsaved"));
    } else if (kept) {
      forget();
    }

    // Typed before this script ran (the page was still loading): saved like any typing.
    if (!panel.firstChild && typedBefore(form)) changed();
  }

  function typedBefore(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      return el.name && el.type !== "hidden" && el.value !== undefined &&
        el.defaultValue !== undefined && el.value !== el.defaultValue;
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("form[data-autosave]"), enhance);
  }

  enhanceAll(document);
  // For markup put in by other scripts (static/js/minutes.js: a new agenda item).
  window.groupworkAutosave = enhanceAll;
  // Forms that htmx swaps in later are enhanced too.
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
