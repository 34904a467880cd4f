// kobicrm's small script. Every page works without it; it only adds
// comfort: a confirmation before destructive forms, "/" to reach the
// search box, and closing the open menus with Escape.
(function () {
  "use strict";

  // <form data-confirm="Really delete?"> asks before it submits. Once
  // asked here, the form says so (confirmed=1) and the server skips its
  // own confirmation page, which is what a browser without JavaScript gets.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (!msg) { return; }
    if (!window.confirm(msg)) {
      ev.preventDefault();
      return;
    }
    if (!form.querySelector("input[name=confirmed]")) {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      flag.value = "1";
      form.appendChild(flag);
    }
  });

  // The bulk bar shows only the input the chosen action needs, and asks
  // before deleting the ticked records.
  function showBulkInputs(action) {
    var owner = document.getElementById("bulk-owner");
    var tag = document.getElementById("bulk-tag");
    if (owner) { owner.hidden = action !== "assign"; }
    if (tag) { tag.hidden = action !== "tag"; }
  }
  var bulk = document.getElementById("bulk-form");
  if (bulk) {
    var chosen = document.getElementById("bulk-action");
    showBulkInputs(chosen ? chosen.value : "");
    bulk.addEventListener("change", function (ev) {
      if (ev.target.id === "bulk-action") {
        showBulkInputs(ev.target.value);
        if (ev.target.value === "delete") {
          bulk.setAttribute("data-confirm", bulk.getAttribute("data-delete-confirm") || "?");
        } else {
          bulk.removeAttribute("data-confirm");
          var flag = bulk.querySelector("input[name=confirmed]");
          if (flag) { flag.remove(); }
        }
      }
    });
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      var box = document.querySelector("[data-search]");
      if (box) {
        ev.preventDefault();
        box.focus();
        box.select();
      }
    }
    if (ev.key === "Escape") {
      document.querySelectorAll("details[open].usermenu").forEach(function (d) { d.removeAttribute("open"); });
      if (location.hash === "#nav") { location.hash = ""; }
    }
  });

  // A click outside the open user menu closes it.
  document.addEventListener("click", function (ev) {
    document.querySelectorAll("details[open].usermenu").forEach(function (d) {
      if (!d.contains(ev.target)) { d.removeAttribute("open"); }
    });
  });
  // The calendar's who selector shows its choice at once.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // Calendar drag and drop: an activity dropped on another day is moved
  // there (same time of day) by posting the move form the server takes
  // without JavaScript too, then the page reloads to show the result.
  var cal = document.querySelector("[data-return][data-csrf]");
  if (cal) {
    var dragged = null;
    cal.addEventListener("dragstart", function (ev) {
      var item = ev.target.closest && ev.target.closest("[data-move]");
      if (!item) { return; }
      dragged = item;
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", item.getAttribute("data-move"));
    });
    cal.addEventListener("dragover", function (ev) {
      var day = dragged && ev.target.closest && ev.target.closest("[data-date]");
      if (!day) { return; }
      ev.preventDefault();
      cal.querySelectorAll(".dragover").forEach(function (d) { d.classList.remove("dragover"); });
      day.classList.add("dragover");
    });
    cal.addEventListener("drop", function (ev) {
      var day = dragged && ev.target.closest && ev.target.closest("[data-date]");
      if (!day) { return; }
      ev.preventDefault();
      // URL-encoded, as a plain form posts: the server reads the token
      // from such a body (a multipart one is an upload's). The redirect
      // is not followed, so that the reload shows the move's message.
      var body = new URLSearchParams();
      body.append("csrf_token", cal.getAttribute("data-csrf"));
      body.append("date", day.getAttribute("data-date"));
      body.append("return", cal.getAttribute("data-return"));
      fetch(dragged.getAttribute("data-move"), { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
        .then(function () { location.reload(); }, function () { location.reload(); });
      dragged = null;
    });
    cal.addEventListener("dragend", function () {
      dragged = null;
      cal.querySelectorAll(".dragover").forEach(function (d) { d.classList.remove("dragover"); });
    });
  }

  // Pipeline board drag and drop: a card dropped on another stage's column
  // is moved there by posting the move form the server also takes from a
  // plain form, then the page reloads with the new totals and forecast. A
  // lost stage asks for the reason first; without one nothing moves.
  var board = document.querySelector("#board[data-csrf]");
  if (board) {
    var card = null;
    var columnAt = function (ev) { return ev.target.closest && ev.target.closest("[data-stage]"); };
    board.addEventListener("dragstart", function (ev) {
      card = ev.target.closest && ev.target.closest("[data-move]");
      if (!card) { return; }
      card.classList.add("dragging");
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", card.getAttribute("data-move"));
    });
    board.addEventListener("dragover", function (ev) {
      var col = card && columnAt(ev);
      if (!col) { return; }
      ev.preventDefault();
      board.querySelectorAll(".dragover").forEach(function (c) { c.classList.remove("dragover"); });
      col.classList.add("dragover");
    });
    board.addEventListener("drop", function (ev) {
      var col = card && columnAt(ev);
      if (!col) { return; }
      ev.preventDefault();
      var moving = card;
      card = null;
      if (col.contains(moving)) { return; }
      var body = new URLSearchParams();
      body.append("csrf_token", board.getAttribute("data-csrf"));
      body.append("stage_id", col.getAttribute("data-stage"));
      body.append("return", board.getAttribute("data-return"));
      if (col.getAttribute("data-kind") === "lost") {
        var reason = window.prompt(board.getAttribute("data-lost-prompt") || "?", "");
        if (reason === null || reason.trim() === "") {
          board.querySelectorAll(".dragover, .dragging").forEach(function (c) { c.classList.remove("dragover", "dragging"); });
          return;
        }
        body.append("lost_reason", reason.trim());
      }
      var list = col.querySelector(".oppcards");
      if (list) { list.insertBefore(moving, list.firstChild); }
      fetch(moving.getAttribute("data-move"), { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
        .then(function () { location.reload(); }, function () { location.reload(); });
    });
    board.addEventListener("dragend", function () {
      card = null;
      board.querySelectorAll(".dragover, .dragging").forEach(function (c) { c.classList.remove("dragover", "dragging"); });
    });
  }
})();

// A knowledge base answer goes into the resolution note in place; without
// JavaScript the same button posts and the server adds it to the note.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.addEventListener("click", function (ev) {
      var target = document.getElementById(b.getAttribute("data-copy-target"));
      if (!target) { return; }
      ev.preventDefault();
      var text = b.getAttribute("data-copy");
      target.value = target.value.trim() === "" ? text : target.value.replace(/\s+$/, "") + "\n\n" + text;
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  });
})();
