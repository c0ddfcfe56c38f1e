// Click-to-load video: a link with data-embed becomes the player only when clicked,
// so nothing is requested from the video host before. Without this file it stays a link.
(function () {
  "use strict";
  if (window.eventsiteFacade) return; // the script may be included once per video
  window.eventsiteFacade = true;
  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[data-embed]") : null;
    if (!link) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = link.getAttribute("data-embed") + "?autoplay=1";
    frame.title = link.getAttribute("data-title") || "";
    frame.className = "video-facade__player";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    // The site sends no referrer off-site; the player needs the page's origin.
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    link.parentNode.replaceChild(frame, link);
    frame.focus();
  });
})();
