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
  label.textContent = "Find a time zone";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "tz-filter";
  input.placeholder = "City or region, e.g. Berlin";
  input.setAttribute("aria-controls", "id_timezone");
  input.autocomplete = "off";
  wrapper.appendChild(label);
  wrapper.appendChild(input);
  select.parentNode.insertBefore(wrapper, select);
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().replace(/_/g, " ").trim();
    var current = select.value;
    var matches = all.filter(function (o) {
      return !words || (o.value !== "" && o.text.toLowerCase().indexOf(words) !== -1);
    });
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
