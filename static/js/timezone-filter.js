// Progressive enhancement for the time zone select: a search box above it that
// narrows the ~430 options as you type. Without JS the plain select works.
(function () {
  "use strict";
  var select = document.getElementById("id_timezone");
  if (!select) return;
  var all = Array.prototype.map.call(select.options, function (o) {
    return { value: o.value, text: o.text };
  });
  var wrapper = document.createElement("div");
  wrapper.className = "tz-filter";
  var label = document.createElement("label");
  label.htmlFor = "tz-filter";
  label.textContent = select.dataset.filterLabel || "Filter the list";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "tz-filter";
  input.placeholder = select.dataset.filterPlaceholder || "City or region, e.g. Berlin";
  input.setAttribute("aria-controls", "id_timezone");
  input.autocomplete = "off";
  wrapper.appendChild(label);
  wrapper.appendChild(input);
  select.parentNode.insertBefore(wrapper, select);
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().replace(/_/g, " ").trim();
    var current = select.value;
    // Best matches first: the city starts with the words, then any part does,
    // then the words appear anywhere ("tok" gives Asia/Tokyo before Antarctica/Vostok).
    var rank = function (o) {
      var text = o.text.toLowerCase();
      if (text.slice(text.lastIndexOf("/") + 1).indexOf(words) === 0) return 0;
      if (text.indexOf(words) === 0 || text.indexOf("/" + words) !== -1) return 1;
      return text.indexOf(words) !== -1 ? 2 : 3;
    };
    var matches = all.filter(function (o) {
      return !words || (o.value !== "" && rank(o) < 3);
    });
    if (words) {
      matches.sort(function (a, b) { return rank(a) - rank(b); });
    }
    if (!matches.length) {
      matches = all.filter(function (o) { return o.value === current; });
    }
    select.textContent = "";
    matches.forEach(function (o, i) {
      var chosen = words ? i === 0 : o.value === current;
      select.add(new Option(o.text, o.value, chosen, chosen));
    });
  });
})();
