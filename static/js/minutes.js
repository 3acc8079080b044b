/*
 * The minutes editor from the keyboard (templates/meetings/edit.html, one .editor-item per
 * agenda item; static/js/editor.js saves each item's form as it is typed).
 *
 * Quick entry in an item's notes: a line "Beslut: …" or "@Eva 12/3 …" is read by the server
 * (meetings.lines, POST rad to data-understand) and what was understood is shown under the notes
 * before anything happens; Enter then moves the decision into the decision field or creates
 * the task (POST the item's data-quick-task), Esc keeps the line as a plain note. What was done
 * can be undone with the button that follows. A line that cannot be read is said so and
 * nothing is saved.
 *
 * Shortcuts (each also a button, listed on the page): Ctrl+Enter a new item after this one,
 * Alt+Shift+Up/Down moves the item, Alt+Shift+B moves the current line between notes and
 * decision, "?" outside a text field opens the list. The translated texts are the data-text-*
 * attributes of the .minutes element.
 */
(function () {
  "use strict";

  var root = document.querySelector(".minutes[data-meeting]");
  if (!root) return;
  document.documentElement.classList.add("js-minutes");

  var announcer = root.querySelector("[data-minutes-announce]");
  var readings = new WeakMap();   // notes textarea -> {text, data} the server's last reading
  var dismissed = new WeakMap();  // notes textarea -> the line Esc kept as a note
  var timers = new WeakMap();
  var lastArea = new WeakMap();   // item -> the textarea last written in

  function text(name, values) {
    var s = root.getAttribute("data-text-" + name) || name;
    Object.keys(values || {}).forEach(function (key) { s = s.replace("{" + key + "}", values[key]); });
    return s;
  }

  function announce(message) {
    if (announcer) announcer.textContent = message;
  }

  function token() {
    var input = root.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function post(url, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (key) { body.append(key, data[key]); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token(), "HX-Request": "true", "Accept": "application/json" }
    });
  }

  function itemOf(element) { return element.closest(".editor-item"); }
  function notesOf(item) { return item.querySelector('textarea[name$="-notes"]'); }
  function decisionOf(item) { return item.querySelector('textarea[name$="-decision"]'); }
  function isNotes(element) { return element.matches && element.matches('.editor-item textarea[name$="-notes"]'); }

  function special(line) { return /^\s*@/.test(line) || /^\s*beslut\s*:/i.test(line); }

  function currentLine(area) {
    var value = area.value, at = area.selectionStart;
    var start = value.lastIndexOf("\n", at - 1) + 1;
    var end = value.indexOf("\n", at);
    if (end < 0) end = value.length;
    return { start: start, end: end, text: value.slice(start, end) };
  }

  function changed(area) { area.dispatchEvent(new Event("input", { bubbles: true })); }

  // The line's text goes; the line stays, empty, with the cursor on it to write on.
  function removeLine(area, line) {
    area.value = area.value.slice(0, line.start) + area.value.slice(line.end);
    area.selectionStart = area.selectionEnd = line.start;
    changed(area);
  }

  function putLineBack(area, at, line) {
    var value = area.value;
    at = Math.min(at, value.length);
    var before = value.slice(0, at), after = value.slice(at);
    if (before && !/\n$/.test(before)) line = "\n" + line;
    if (after && !/^\n/.test(after)) line = line + "\n";
    area.value = before + line + after;
    changed(area);
  }

  function appendText(area, addition) {
    area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? "\n" : "") + addition;
    changed(area);
  }

  // --- what the quick entry shows -------------------------------------------------------

  function statusOf(item) { return item.querySelector("[data-quick-status]"); }

  function actionsOf(item) {
    var box = item.querySelector(".quick-actions");
    if (!box) {
      box = document.createElement("div");
      box.className = "quick-actions";
      statusOf(item).insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function button(label, onClick, secondary) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (secondary) b.className = "secondary";
    b.addEventListener("click", onClick);
    return b;
  }

  function show(item, message, buttons) {
    statusOf(item).textContent = message;
    var box = actionsOf(item);
    box.textContent = "";
    (buttons || []).forEach(function (b) { box.appendChild(b); box.appendChild(document.createTextNode(" ")); });
  }

  function clear(item) { show(item, "", []); }

  function understand(area, line) {
    // POSTed: what was typed stays out of the servers' access logs.
    return post(root.getAttribute("data-understand"), { rad: line })
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("not understood");
        return response.json();
      })
      .then(function (data) {
        if (currentLine(area).text !== line) return;  // typed on meanwhile
        readings.set(area, { text: line, data: data });
        var item = itemOf(area);
        if (data.kind === "error") {
          show(item, data.summary + " " + text("error-hint"), [
            button(text("undo"), function () { keep(area); area.focus(); }, true)
          ]);
        } else if (data.kind === "task" || data.kind === "decision") {
          show(item, data.summary + " – " + text("enter"), [
            button(text("save"), function () { area.focus(); act(area); }),
            button(text("undo"), function () { keep(area); area.focus(); }, true)
          ]);
        } else {
          clear(item);
        }
      })
      .catch(function () { show(itemOf(area), text("offline"), []); });
  }

  function keep(area) {
    dismissed.set(area, currentLine(area).text);
    readings.delete(area);
    show(itemOf(area), text("kept"), []);
  }

  function act(area) {
    var line = currentLine(area), reading = readings.get(area), item = itemOf(area);
    if (!reading || reading.text !== line.text) return;
    readings.delete(area);
    if (reading.data.kind === "decision") {
      var decision = decisionOf(item), before = decision.value;
      appendText(decision, reading.data.text);
      var after = decision.value;
      removeLine(area, line);
      show(item, text("decision-moved"), [button(text("undo"), function () {
        if (decision.value === after) { decision.value = before; changed(decision); }
        putLineBack(area, line.start, line.text);
        show(item, text("undone"), []);
        area.focus();
      }, true)]);
    } else if (reading.data.kind === "task") {
      post(item.getAttribute("data-quick-task"), { rad: line.text })
        .then(function (response) {
          if (response.redirected) throw new Error("logged out");
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (answer) {
          if (!answer.ok) { show(item, answer.data.message + " " + text("error-hint"), []); return; }
          replaceTasks(item, answer.data.html);
          // The line is gone from the notes only once the task is saved.
          if (currentLine(area).text === line.text) removeLine(area, currentLine(area));
          show(item, text("task-saved", { summary: answer.data.summary }), [button(text("undo"), function () {
            post(answer.data.undo, {}).then(function (response) { return response.json(); })
              .then(function (data) {
                if (data.html) replaceTasks(item, data.html);
                if (data.message) { show(item, data.message, []); return; }
                putLineBack(area, line.start, line.text);
                show(item, text("undone"), []);
                area.focus();
              })
              .catch(function () { show(item, text("offline"), []); });
          }, true)]);
        })
        .catch(function () { show(item, text("offline"), []); });
    }
  }

  function replaceTasks(item, html) {
    var tasks = item.querySelector(".item-tasks");
    if (tasks) tasks.outerHTML = html;
  }

  // --- items: new, move, switch a line ------------------------------------------------------

  function renumber() {
    var numbers = root.querySelectorAll(".editor-item .item-number");
    Array.prototype.forEach.call(numbers, function (span, i) { span.textContent = (i + 1) + "."; });
  }

  function numberOf(item) {
    return Array.prototype.indexOf.call(root.querySelectorAll(".editor-item"), item) + 1;
  }

  function prepare(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-new-item], [data-switch-line]"), function (b) {
      b.hidden = false;
    });
  }

  function newItemAfter(item) {
    post(root.getAttribute("data-add-item"), { heading: text("new-item"), efter: item.getAttribute("data-item") })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("not added");
        return response.text();
      })
      .then(function (html) {
        item.insertAdjacentHTML("afterend", html);
        var added = item.nextElementSibling;
        prepare(added);
        if (window.groupworkAutosave) window.groupworkAutosave(added);
        renumber();
        var heading = added.querySelector(".heading-input");
        heading.focus();
        heading.select();
        announce(text("added", { number: numberOf(added) }));
      })
      .catch(function () { show(item, text("offline"), []); });
  }

  function move(item, direction) {
    var other = direction === "up" ? item.previousElementSibling : item.nextElementSibling;
    if (!other || !other.classList.contains("editor-item")) return;
    var focused = document.activeElement, start = focused && focused.selectionStart, end = focused && focused.selectionEnd;
    post(item.getAttribute("data-move"), { direction: direction })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("not moved");
        if (direction === "up") item.parentNode.insertBefore(item, other);
        else item.parentNode.insertBefore(other, item);
        renumber();
        if (focused && item.contains(focused)) {
          focused.focus();
          if (typeof start === "number") { try { focused.setSelectionRange(start, end); } catch (e) { /* not a text field */ } }
        }
        announce(text("moved", { number: numberOf(item) }));
      })
      .catch(function () { show(item, text("offline"), []); });
  }

  function switchLine(area) {
    var item = itemOf(area), notes = notesOf(item), decision = decisionOf(item);
    var line = currentLine(area), content = line.text.trim();
    if (!content) return;
    removeLine(area, line);
    if (area === notes) {
      appendText(decision, content.replace(/^beslut\s*:\s*/i, ""));
      announce(text("to-decision"));
    } else {
      appendText(notes, content);
      announce(text("to-notes"));
    }
  }

  // --- the keys and buttons -------------------------------------------------------------

  root.addEventListener("focusin", function (event) {
    if (event.target.matches(".editor-item textarea")) lastArea.set(itemOf(event.target), event.target);
  });

  root.addEventListener("input", function (event) {
    var area = event.target;
    if (!isNotes(area)) return;
    clearTimeout(timers.get(area));
    var line = currentLine(area).text;
    if (!special(line) || dismissed.get(area) === line) {
      if (readings.has(area)) { readings.delete(area); clear(itemOf(area)); }
      return;
    }
    timers.set(area, setTimeout(function () { understand(area, line); }, 300));
  });

  root.addEventListener("keydown", function (event) {
    var target = event.target, item = itemOf(target);
    if (!item) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      newItemAfter(item);
    } else if (event.altKey && event.shiftKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      move(item, event.key === "ArrowUp" ? "up" : "down");
    } else if (event.altKey && event.shiftKey && event.code === "KeyB" && target.matches("textarea")) {
      event.preventDefault();
      switchLine(target);
    } else if (event.key === "Enter" && target.matches(".heading-input")) {
      event.preventDefault();  // not the form's submit: on to the notes
      notesOf(item).focus();
    } else if (isNotes(target) && !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      var line = currentLine(target).text;
      if (!special(line) || dismissed.get(target) === line) return;
      var reading = readings.get(target);
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timers.get(target));
        if (reading && reading.text === line) act(target);
        else understand(target, line);  // shown first; the next Enter acts
      } else if (event.key === "Escape") {
        event.preventDefault();
        keep(target);
      }
    }
  });

  root.addEventListener("click", function (event) {
    var b = event.target.closest("button");
    if (!b) return;
    var item = itemOf(b);
    if (b.hasAttribute("data-new-item")) newItemAfter(item);
    if (b.hasAttribute("data-switch-line")) {
      var area = lastArea.get(item) || notesOf(item);
      switchLine(area);
      area.focus();
    }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-move-form")) return;
    event.preventDefault();
    move(itemOf(form), form.elements.namedItem("direction").value);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "?" || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var list = document.getElementById("kortkommandon");
    if (!list) return;
    event.preventDefault();
    list.open = true;
    list.querySelector("summary").focus();
  });

  prepare(root);
})();
