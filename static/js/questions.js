// Live questions: refresh the list every few seconds and send its forms without a
// reload. Progressive enhancement only: without this file the forms post and the
// page reloads.
(function () {
  "use strict";
  var POLL_MS = 4000;
  var lists = document.querySelectorAll("[data-questions-list]");
  if (!lists.length || !window.fetch) {
    return;
  }

  function busy(list) {
    // Never replace what someone is typing in or has opened (a reason to hide).
    var active = document.activeElement;
    if (active && list.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) {
      return true;
    }
    return Boolean(list.querySelector("details[open]"));
  }

  function refresh(list, force) {
    if (!force && (document.hidden || busy(list))) {
      return Promise.resolve();
    }
    var headers = { "X-Questions": "fragment" };
    if (list.dataset.etag) {
      headers["If-None-Match"] = list.dataset.etag;
    }
    return fetch(list.dataset.pollUrl, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status !== 200) {
          return;
        }
        var etag = response.headers.get("ETag");
        return response.text().then(function (html) {
          var focusedId = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : "";
          list.innerHTML = html;
          list.dataset.etag = etag || "";
          if (focusedId && document.getElementById(focusedId)) {
            document.getElementById(focusedId).focus();
          }
        });
      })
      .catch(function () {
        /* offline for a moment: the next poll tries again */
      });
  }

  function say(text) {
    var status = document.querySelector("[data-questions-status]");
    if (status) {
      status.textContent = text;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-questions-form]")) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    // getAttribute: a control named "action" would shadow form.action.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Questions": "fragment" },
    })
      .then(function (response) {
        if (response.status === 204) {
          if (form.querySelector("textarea")) {
            form.reset();
            say(form.dataset.doneMessage || "");
          }
          lists.forEach(function (list) {
            refresh(list, true);
          });
          return;
        }
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("text/plain") !== 0) {
          form.submit(); // not a refusal we can show: let the page explain
          return;
        }
        return response.text().then(function (text) {
          say(text);
        });
      })
      .catch(function () {
        form.submit();
      });
  });

  lists.forEach(function (list) {
    window.setInterval(function () {
      refresh(list, false);
    }, POLL_MS);
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      lists.forEach(function (list) {
        refresh(list, false);
      });
    }
  });
})();
