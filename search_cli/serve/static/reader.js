// The reader's keys and its memory of how far down a chapter you read. Optional: every
// control also works as a link or a form without it. Served as a file: the page's
// Content-Security-Policy allows scripts from this server only, none inline.
(function () {
  "use strict";
  var main = document.querySelector("main.reader");
  if (!main) return;

  function follow(rel) {
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) window.location.href = link.href;
  }

  function nextNotes() {
    var order = ["shown", "collapsed", "hidden"];
    var on = document.querySelector(".notes-choice button.on");
    var at = on ? order.indexOf(on.value) : 0;
    var button = document.getElementById("notes-" + order[(at + 1) % order.length]);
    if (button) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "ArrowRight" || event.key === "l") follow("next");
    else if (event.key === "ArrowLeft" || event.key === "h") follow("prev");
    else if (event.key === "n") nextNotes();
    else return;
    event.preventDefault();
  });

  // Where you were in this chapter: restored on opening it, saved as you go.
  var url = main.dataset.position;
  var chapter = main.dataset.chapter;
  var saved = parseFloat(main.dataset.progress || "0");

  function fraction() {
    var room = document.documentElement.scrollHeight - window.innerHeight;
    return room > 0 ? Math.min(Math.max(window.scrollY / room, 0), 1) : 1;
  }

  if (saved > 0 && !window.location.hash) {
    window.addEventListener("load", function () {
      var room = document.documentElement.scrollHeight - window.innerHeight;
      window.scrollTo(0, room * saved);
    });
  }

  var last = saved;
  function save() {
    var now = fraction();
    if (Math.abs(now - last) < 0.01) return;
    last = now;
    var body = new URLSearchParams({ chapter: chapter, progress: now.toFixed(3) });
    if (navigator.sendBeacon) navigator.sendBeacon(url, body);
    else fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true });
  }

  var timer = null;
  window.addEventListener("scroll", function () {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  }, { passive: true });
  window.addEventListener("pagehide", save);
})();
