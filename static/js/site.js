// Progressive enhancement only: the site works without this file.
(function () {
  "use strict";
  // Remember the browser's time zone in the `tz` cookie so that server-rendered
  // schedules can show the viewer's local times on the next request.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) {
    /* no Intl support: the event's zone is shown alone */
  }
})();
