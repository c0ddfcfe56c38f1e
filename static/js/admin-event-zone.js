// Event and talk forms in the admin take times in the event's time zone
// (schedule.admin.LocalTimesForm). Django's "Now" and "Today" shortcuts and their
// "You are N hours ahead of server time" note use the offset in
// <body data-admin-utc-offset>, which is the server's (UTC). Point it at the
// event's zone: from the form's time-zone select (event form) or the zone named
// on the time fields (talk form). Without this script the shortcuts use UTC.
(function () {
  "use strict";

  function offsetSeconds(zone, at) {
    var parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(at);
    var v = {};
    parts.forEach(function (part) {
      v[part.type] = Number(part.value);
    });
    // Both sides to the whole minute: the offset is a whole number of minutes.
    var wall = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute);
    var minute = Math.floor(at.getTime() / 60000) * 60000;
    return (wall - minute) / 1000;
  }

  function zoneName() {
    var select = document.getElementById("id_timezone");
    if (select && select.value) {
      return select.value;
    }
    var marked = document.querySelector("[data-event-zone]");
    return marked ? marked.getAttribute("data-event-zone") : "";
  }

  function apply() {
    var zone = zoneName();
    if (!zone) {
      return;
    }
    try {
      document.body.dataset.adminUtcOffset = String(offsetSeconds(zone, new Date()));
    } catch (e) {
      /* an unknown zone name: the shortcuts keep the server's clock */
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    apply();
    var select = document.getElementById("id_timezone");
    if (select) {
      select.addEventListener("change", apply);
    }
  });

  // Django's note says "server time"; here the reference is the event's clock.
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      var zone = zoneName();
      document.querySelectorAll(".timezonewarning").forEach(function (note) {
        note.textContent = note.textContent.replace("server time", "the event's time (" + zone + ")");
      });
    }, 0);
  });
})();
