/*
 * The minutes editor tells the projector view (meetings:projector_show) where the
 * facilitator is, so that the screen in the room follows without anyone touching it.
 *
 * The page root carries data-meeting (the meeting's id) and data-show-url; each agenda item's
 * container carries data-item="<id>". When the focus enters another item, that item is sent
 * (POST item=<id>, header X-Follow: 1); moving within the same item sends nothing. A form
 * [data-show] (each item's "Visa den här punkten", the "Läs upp besluten" button) is sent the
 * same way instead of reloading the editor, and the answer's message goes into
 * [data-show-status] (aria-live). Without JavaScript those forms post and come back.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-meeting][data-show-url]");
  if (!root || !window.fetch) return;
  var status = root.querySelector("[data-show-status]");
  var shown = null;
  var timer = null;

  function send(body) {
    if (!body.has("csrfmiddlewaretoken")) {
      var token = root.querySelector('input[name="csrfmiddlewaretoken"]');
      body.append("csrfmiddlewaretoken", token ? token.value : "");
    }
    return fetch(root.dataset.showUrl, {
      method: "POST",
      body: body,
      headers: { "X-Follow": "1" },
      credentials: "same-origin",
      redirect: "manual",
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  root.addEventListener("focusin", function (event) {
    var item = event.target.closest("[data-item]");
    if (!item || item.dataset.item === shown) return;
    shown = item.dataset.item;
    window.clearTimeout(timer);
    // A short wait, so that tabbing through several items sends only the one the focus stays in.
    timer = window.setTimeout(function () {
      var body = new FormData();
      body.append("item", shown);
      send(body).catch(function () {
        shown = null; // sent again at the next focus
      });
    }, 250);
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-show")) return;
    event.preventDefault();
    window.clearTimeout(timer);
    var body = new FormData(form);
    shown = body.get("item");
    send(body).then(
      function (answer) {
        if (status) status.textContent = answer.message;
      },
      function () {
        shown = null;
        form.submit(); // the plain post says what went wrong
      }
    );
  });
})();
