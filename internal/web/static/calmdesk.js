// calmdesk's own script: keyboard shortcuts, the help overlay, applying the
// coach's suggestions, live updates over server-sent events, and ticking
// clocks. Loaded as a file because the Content-Security-Policy forbids
// inline script. Every page works without it; it only makes them quicker.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // ---- durations, the way the server writes them -------------------------
  function span(ms) {
    ms = Math.abs(ms);
    var m = Math.floor(ms / 60000), h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (m < 1) return "<1m";
    if (h < 1) return m + "m";
    if (d < 1) return h + "h " + (m % 60) + "m";
    return d + "d " + (h % 24) + "h";
  }
  function tickClocks() {
    var now = Date.now();
    $all("time[data-ago]").forEach(function (t) {
      t.textContent = span(now - Date.parse(t.getAttribute("datetime"))) + " ago";
    });
    $all("time[data-due]").forEach(function (t) {
      var left = Date.parse(t.getAttribute("datetime")) - now;
      var cls = left < 0 ? "sla-breached" : left < 3600000 ? "sla-soon" : "sla-ok";
      t.textContent = left < 0 ? "overdue " + span(left) : "due in " + span(left);
      t.classList.remove("sla-ok", "sla-soon", "sla-breached");
      t.classList.add(cls);
    });
  }

  // ---- keyboard ----------------------------------------------------------
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function rows() { return $all("#cases tbody tr[data-case]"); }
  function messages() { return $all(".timeline article.msg"); }
  var selected = -1;
  function select(list, i) {
    if (!list.length) return;
    selected = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (el, j) { el.classList.toggle("selected", j === selected); });
    var el = list[selected];
    var link = el.querySelector("a");
    (el.tagName === "TR" && link ? link : el).focus();
    el.scrollIntoView({ block: "nearest" });
  }
  function currentIndex(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) { if (list[i] === active || list[i].contains(active)) return i; }
    return selected;
  }
  function goReply() {
    var box = $("#reply-text");
    if (box) { box.scrollIntoView({ block: "center" }); box.focus(); return true; }
    return false;
  }
  function goEscalate() {
    var box = $("#esc-reason");
    if (!box) return false;
    var pop = box.closest("details");
    if (pop) pop.open = true;
    box.scrollIntoView({ block: "nearest" });
    box.focus();
    return true;
  }
  function openSelected(hash) {
    var list = rows();
    var i = currentIndex(list);
    if (i < 0 && list.length) i = 0;
    if (i >= 0 && list[i]) window.location.href = list[i].getAttribute("data-href") + (hash || "");
  }
  var pendingG = false;
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var help = $("#help");
    if (ev.key === "Escape" && typing(ev.target)) { ev.target.blur(); return; }
    if (typing(ev.target) || (help && help.open)) return;
    var inbox = !!$("#cases"), list = inbox ? rows() : messages();
    if (pendingG) {
      pendingG = false;
      if (ev.key === "i") { window.location.href = "/"; ev.preventDefault(); }
      return;
    }
    switch (ev.key) {
      case "j": select(list, currentIndex(list) + 1); break;
      case "k": select(list, currentIndex(list) - 1); break;
      case "o": if (inbox) openSelected(""); else return; break;
      case "r": if (inbox) openSelected("#reply"); else if (!goReply()) return; break;
      case "e": if (inbox) openSelected("#escalate"); else if (!goEscalate()) return; break;
      case "s": if (inbox || !$("#saved-reply")) return; $("#saved-reply").focus(); break;
      case "g": pendingG = true; break;
      case "?": if (help) help.showModal(); break;
      default: return;
    }
    ev.preventDefault();
  });
  function openFromHash() {
    // After the browser's own move to the fragment, which would take the
    // focus back to the page.
    setTimeout(function () {
      if (location.hash === "#reply") goReply();
      if (location.hash === "#escalate") goEscalate();
    }, 0);
  }

  // ---- the coach ---------------------------------------------------------
  // Offsets come from the server in UTF-16 code units, the unit of a
  // textarea's value. If the text moved since the review, fall back to
  // finding the same words.
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button.apply");
    if (b) {
      var box = $("#reply-text");
      if (!box) return;
      var start = parseInt(b.getAttribute("data-start"), 10), end = parseInt(b.getAttribute("data-end"), 10);
      var words = b.getAttribute("data-text"), rewrite = b.getAttribute("data-rewrite");
      var v = box.value;
      if (!(start >= 0 && v.slice(start, end) === words)) {
        start = v.indexOf(words);
        end = start + words.length;
      }
      if (start < 0) return;
      var rest = v.slice(end);
      // "calm down, as I said" -> "I can see why this has upset you. As I said"
      if (/[.!?]$/.test(rewrite) && /^\s*,/.test(rest)) {
        rest = rest.replace(/^\s*,\s*/, " ");
        rest = rest.replace(/^ ([a-z])/, function (m, c) { return " " + c.toUpperCase(); });
      }
      box.value = v.slice(0, start) + rewrite + rest;
      box.focus();
      box.setSelectionRange(start, start + rewrite.length);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    if (ev.target.closest && ev.target.closest("[data-help-open]")) {
      var help = $("#help");
      if (help) help.showModal();
    }
  });
  // Switching between reply and note re-asks the coach.
  document.addEventListener("change", function (ev) {
    if (ev.target.name === "kind") {
      var box = $("#reply-text");
      if (box && window.htmx) window.htmx.trigger(box, "recheck");
    }
  });
  // A failed htmx request says so where the agent is looking.
  document.addEventListener("htmx:responseError", function (ev) {
    var st = $("#coach-status");
    if (!st) return;
    var xhr = ev.detail.xhr, plain = /^text\/plain/.test(xhr.getResponseHeader("Content-Type") || "");
    st.textContent = plain && xhr.responseText ? xhr.responseText : "The coach could not answer (" + xhr.status + "). Reload the page if this lasts.";
  });
  document.addEventListener("htmx:sendError", function () {
    var st = $("#coach-status");
    if (st) st.textContent = "The coach cannot be reached; check your connection.";
  });

  // ---- drafts survive a reload ---------------------------------------------
  // Kept in this tab's sessionStorage per case, cleared when sent.
  function draftKey() {
    var main = $("main.case[data-case]");
    return main ? "calmdesk:draft:" + main.getAttribute("data-case") : null;
  }
  function saveDraft() {
    var key = draftKey(), box = $("#reply-text");
    if (key && box) {
      try { sessionStorage.setItem(key, box.value); } catch (e) { /* storage full or off */ }
    }
  }
  document.addEventListener("input", function (ev) { if (ev.target.id === "reply-text") saveDraft(); });
  document.addEventListener("htmx:afterSettle", saveDraft); // "Draft for me" swaps the box
  document.addEventListener("submit", function (ev) {
    var key = draftKey();
    if (key && ev.target.id === "reply-form") {
      try { sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  });
  function restoreDraft() {
    var key = draftKey(), box = $("#reply-text");
    if (!key || !box || box.value !== "") return;
    var saved = null;
    try { saved = sessionStorage.getItem(key); } catch (e) { return; }
    if (saved) box.value = saved;
  }
  // The script is deferred, so the page is parsed; restoring now, before
  // htmx starts, lets the box's own "load" trigger review the draft once.
  restoreDraft();

  // ---- live updates ------------------------------------------------------
  function liveNotifications(es) {
    es.addEventListener("notifications", function (ev) {
      var d = JSON.parse(ev.data), link = $('.top a[href="/notifications"]');
      if (!link) return;
      var badge = $(".badge", link);
      if (!d.unread) { if (badge) badge.remove(); return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "badge";
        link.appendChild(document.createTextNode(" "));
        link.appendChild(badge);
      }
      badge.textContent = d.unread;
      var sr = document.createElement("span");
      sr.className = "sr";
      sr.textContent = " new";
      badge.appendChild(sr);
    });
  }
  function liveInbox(table) {
    var status = $("#live-status");
    var es = new EventSource(table.getAttribute("data-events"));
    liveNotifications(es);
    es.onopen = function () { if (status) status.textContent = "Live: new and changed cases appear as they happen."; };
    es.onerror = function () { if (status) status.textContent = "Live updates paused; reconnecting…"; };
    es.addEventListener("case", function (ev) {
      var d = JSON.parse(ev.data);
      var tbody = table.tBodies[0];
      var old = document.getElementById("case-" + d.id);
      var tmp = document.createElement("tbody");
      tmp.innerHTML = d.html.trim();
      var row = tmp.firstElementChild;
      if (!row) return;
      // Keep the keyboard's place when the selected row is replaced.
      var wasSelected = old && (old.classList.contains("selected") || old.contains(document.activeElement));
      if (old) old.remove();
      var empty = $("tr.empty", tbody);
      var before = null, list = rows();
      for (var i = 0; i < list.length; i++) {
        var p = parseInt(list[i].getAttribute("data-priority"), 10), id = parseInt(list[i].getAttribute("data-case"), 10);
        if (p < d.priority || (p === d.priority && id < d.id)) { before = list[i]; break; }
      }
      // A row cooler than the whole page belongs to a later page.
      if (!before && table.hasAttribute("data-more")) return;
      if (empty) empty.remove();
      tbody.insertBefore(row, before);
      if (wasSelected) {
        row.classList.add("selected");
        var link = row.querySelector("a");
        if (link) link.focus({ preventScroll: true });
      }
      row.classList.add("fresh");
      setTimeout(function () { row.classList.remove("fresh"); }, 4000);
    });
    es.addEventListener("remove", function (ev) {
      var d = JSON.parse(ev.data);
      var old = document.getElementById("case-" + d.id);
      if (old) old.remove();
    });
  }
  // liveCase keeps the conversation current: when the case changes, the
  // timeline is fetched again and swapped in (the reply being written is
  // not touched), and a banner says what changed and offers a reload for
  // the side panels (concerns, promises, escalation).
  function liveCase(main) {
    var banner = $("#case-live");
    var es = new EventSource(main.getAttribute("data-events"));
    liveNotifications(es);
    es.onopen = function () { main.setAttribute("data-live", "on"); };
    es.onerror = function () { main.setAttribute("data-live", "off"); };
    var say = function (message, shown) {
      if (!banner) return;
      banner.hidden = false;
      banner.textContent = message + " ";
      if (shown) banner.appendChild(document.createTextNode("The conversation below is up to date. "));
      var a = document.createElement("a");
      a.href = window.location.pathname;
      a.textContent = shown ? "Reload for concerns, promises and signals" : "Reload to see it";
      banner.appendChild(a);
      var note = document.createElement("span");
      note.className = "muted";
      note.textContent = " (your draft is kept).";
      banner.appendChild(note);
    };
    // Collision: who else is writing a reply on this case.
    es.addEventListener("typing", function (ev) {
      var t = $("#typing");
      if (t) t.textContent = JSON.parse(ev.data).message || "";
    });
    es.addEventListener("changed", function (ev) {
      var d = JSON.parse(ev.data);
      var old = $("ol.timeline", main);
      if (!old || !window.fetch) { say(d.message, false); return; }
      fetch(window.location.pathname + "/timeline", { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var tmp = document.createElement("div");
          tmp.innerHTML = html.trim();
          var fresh = tmp.firstElementChild;
          if (!fresh) throw new Error("empty timeline");
          var known = {};
          $all("article.msg", old).forEach(function (m) { known[m.id] = true; });
          var pane = old.closest(".conversation");
          var atEnd = pane && pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
          old.replaceWith(fresh);
          if (atEnd) pane.scrollTop = pane.scrollHeight;
          $all("article.msg", fresh).forEach(function (m) {
            if (!known[m.id]) m.classList.add("fresh");
          });
          say(d.message, true);
        })
        .catch(function () { say(d.message, false); });
    });
  }

  // ---- the workspace (case page) --------------------------------------------
  // The conversation scrolls in its own column: start at its end, where the
  // customer's latest message is. A confirmation (the flash) takes focus, so
  // it is read where the agent is looking. Escape closes an open popover.
  function conversationToEnd() {
    var pane = $(".workspace .conversation");
    if (pane && !/^#m\d+$/.test(location.hash)) pane.scrollTop = pane.scrollHeight;
  }
  function focusFlash() {
    // A form that came back refused: the first field in error takes focus
    // (its message is tied to it by aria-describedby), the typed text kept.
    var bad = $("[aria-invalid=true]") || $("[data-autofocus]");
    if (bad) { bad.focus(); return; }
    var flash = $("#flash");
    if (flash && !location.hash) flash.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    $all("details.pop[open]").forEach(function (d) {
      d.open = false;
      var s = $("summary", d);
      if (s && d.contains(ev.target)) s.focus();
    });
  });
  // Ctrl+Enter (Cmd+Enter on a Mac) in the reply box sends, as "Send" does.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || !(ev.ctrlKey || ev.metaKey) || ev.target.id !== "reply-text") return;
    var send = $("#send");
    if (!send) return;
    ev.preventDefault();
    if (send.form.requestSubmit) send.form.requestSubmit(send); else send.click();
  });
  // Saved replies: choosing one inserts it (htmx swaps the reply box), then
  // the box takes focus with the caret at the end; gaps the case could not
  // fill ([order number]) are said where the coach speaks.
  document.addEventListener("change", function (ev) {
    if (ev.target.id !== "saved-reply" || !ev.target.value || !window.htmx) return;
    var b = $("#insert-saved");
    if (b) window.htmx.trigger(b, "click");
  });
  var savedGaps = "";
  document.addEventListener("savedReplyGaps", function (ev) { savedGaps = ev.detail && ev.detail.value || ""; });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var box = $("#reply-text"), rc = ev.detail.requestConfig, trig = rc && rc.elt;
    if (box && trig && trig.id === "insert-saved") {
      var pick = $("#saved-reply");
      if (pick) pick.value = "";
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
      var st = $("#coach-status");
      if (st && savedGaps) st.textContent = "Fill in what the case did not say: " + savedGaps.replace(/_/g, " ") + ".";
      savedGaps = "";
    }
  });
  // Opening one popover closes the others.
  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (!d.classList || !d.classList.contains("pop") || !d.open) return;
    $all("details.pop[open]").forEach(function (o) { if (o !== d) o.open = false; });
    // Into the form, unless the person is already in one of its fields
    // (typing fast after the click: their keys must not move).
    var active = document.activeElement;
    if (d.contains(active) && active.tagName !== "SUMMARY") return;
    var first = $("textarea, input:not([type=hidden]), select", d);
    if (first) first.focus();
  }, true);

  // ---- collision: tell the others on the case that this person is replying.
  // A keystroke in the reply box reports at most every 4 s (the desk keeps
  // it for 8 s); emptying the box or leaving the page says it stopped.
  function typingReports(form) {
    var url = form.getAttribute("action").replace(/\/reply$/, "/typing");
    var lastSent = 0, active = false;
    var send = function (stopped) {
      var body = new URLSearchParams();
      if (stopped) body.set("stopped", "1");
      if (stopped && navigator.sendBeacon) { navigator.sendBeacon(url, body); return; }
      fetch(url, { method: "POST", credentials: "same-origin", body: body }).catch(function () {});
    };
    document.addEventListener("input", function (ev) {
      if (ev.target.id !== "reply-text" || !window.fetch) return;
      if (!ev.target.value.trim()) {
        if (active) { active = false; lastSent = 0; send(true); }
        return;
      }
      var now = Date.now();
      if (now - lastSent < 4000) return;
      lastSent = now; active = true;
      send(false);
    });
    window.addEventListener("pagehide", function () { if (active) send(true); });
    form.addEventListener("submit", function () { active = false; });
  }

  // ---- the inbox's bulk actions: tick all, say how many are ticked, and
  // show only the choice the picked action needs.
  function bulkBar(form) {
    var all = $("#pick-all"), action = $("#bulk-action"), count = $("#bulk-count");
    var boxes = function () { return $all("#cases input[name=case]"); };
    var update = function () {
      var n = boxes().filter(function (b) { return b.checked; }).length;
      if (count) count.textContent = n ? n + " selected" : "";
      if (all) { all.checked = n > 0 && n === boxes().length; all.indeterminate = n > 0 && n < boxes().length; }
      var a = action ? action.value : "";
      var u = $("#bulk-user"), c = $("#bulk-category");
      if (u) u.hidden = a !== "assign";
      if (c) c.hidden = a !== "category";
    };
    if (all) all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      update();
    });
    document.addEventListener("change", function (ev) {
      if (ev.target.name === "case" || ev.target === action) update();
    });
    form.addEventListener("submit", function (ev) {
      if (!boxes().some(function (b) { return b.checked; })) {
        ev.preventDefault();
        if (count) count.textContent = "Tick the cases to change first.";
      }
    });
    update();
  }
  // The priority's parts show on hover and focus (CSS); Escape hides them.
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.activeElement && document.activeElement.classList.contains("prio-num")) {
      document.activeElement.closest("td").classList.add("tip-off");
    }
  });
  document.addEventListener("focusout", function (ev) {
    var td = ev.target.closest && ev.target.closest("td.prio");
    if (td) td.classList.remove("tip-off");
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Only a case has others to tell; a training session's composer shares
    // the form's id but has no one watching.
    var replyForm = $("#reply-form");
    if (replyForm && /^\/cases\/\d+\/reply$/.test(replyForm.getAttribute("action") || "")) typingReports(replyForm);
    var bulk = $("#bulk");
    if (bulk) bulkBar(bulk);
    conversationToEnd();
    focusFlash();
    var table = $("#cases[data-events]");
    if (table && window.EventSource) liveInbox(table);
    var main = $("main.case[data-events]");
    if (main && window.EventSource) liveCase(main);
    setInterval(tickClocks, 30000);
    openFromHash();
  });
})();
