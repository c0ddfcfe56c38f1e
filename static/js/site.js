// Progressive enhancement only: the site works without this file.
(function () {
  "use strict";
  var script = document.currentScript;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return; /* no Intl support: the event's zone is shown alone */
  }
  if (!zone) return;
  // Remember the browser's time zone in the `tz` cookie so that server-rendered
  // pages show the viewer's local times from the next request on.
  if (document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
  }

  // On the first visit the server knew no zone for this viewer (data-viewer-zone is
  // empty): add the browser's times to the <time> elements already in the page, as
  // the server does on later pages, with no second request.
  function showViewerTimes() {
    if (!document.body || document.body.getAttribute("data-viewer-zone")) return;
    var lang = document.documentElement.lang || undefined;
    var pattern = (script && script.getAttribute("data-in-city")) || "%(time)s in %(city)s";
    var city = zone.indexOf("/") === -1 ? zone : zone.slice(zone.lastIndexOf("/") + 1).replace(/_/g, " ");
    var clock = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
    var day = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    var weekday = new Intl.DateTimeFormat(lang, { timeZone: zone, weekday: "short" });
    var shown = 0;
    // "2020-09-19T16:00:00+03:00": the clock and the date in the event's zone.
    function written(iso) {
      return { clock: iso.slice(11, 16), date: iso.slice(0, 10) };
    }
    function here(iso) {
      var moment = new Date(iso);
      return { clock: clock.format(moment), date: day.format(moment), moment: moment };
    }
    Array.prototype.forEach.call(document.querySelectorAll("time.time-label[datetime]"), function (el) {
      var next = el.nextElementSibling;
      if (next && next.classList.contains("time-other")) return;
      var iso = el.getAttribute("datetime");
      if (iso.length < 16 || isNaN(new Date(iso))) return;
      var start = here(iso);
      var there = written(iso);
      if (start.clock === there.clock && start.date === there.date) return;
      var text = start.clock;
      if (start.date !== there.date) text += " " + weekday.format(start.moment);
      var endIso = el.getAttribute("data-end");
      if (endIso && !isNaN(new Date(endIso))) {
        var end = here(endIso);
        text += "–" + end.clock;
        if (end.date !== start.date) text += " " + weekday.format(end.moment);
      }
      var other = document.createElement("span");
      other.className = "time-other time-other--browser";
      other.textContent = "(" + pattern.replace("%(time)s", text).replace("%(city)s", city) + ")";
      el.insertAdjacentText("afterend", " ");
      el.parentNode.insertBefore(other, el.nextSibling.nextSibling);
      shown += 1;
    });
    if (!shown) return;
    // "Times in the event's zone, Moscow." becomes "...; yours in brackets."
    Array.prototype.forEach.call(document.querySelectorAll("[data-with-viewer]"), function (el) {
      el.textContent = el.getAttribute("data-with-viewer");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showViewerTimes);
  } else {
    showViewerTimes();
  }
})();

// A Copy button beside read-only fields marked data-copy (the calendar address).
// Without JavaScript the field stays selectable.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  Array.prototype.forEach.call(document.querySelectorAll("input[data-copy]"), function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small copy-field__button";
    button.textContent = input.getAttribute("data-copy");
    button.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = input.getAttribute("data-copied");
        setTimeout(function () { button.textContent = input.getAttribute("data-copy"); }, 2000);
      });
    });
    input.addEventListener("focus", function () { input.select(); });
    input.insertAdjacentElement("afterend", button);
  });
})();
