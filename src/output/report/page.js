(function () {
  "use strict";
  var PAGE = 50;
  function fail(message) {
    document.title = "script error: " + message;
    document.body.setAttribute("data-script-error", message);
    var p = document.getElementById("script-error");
    if (p) { p.hidden = false; p.textContent = "Script error: " + message; }
  }
  window.addEventListener("error", function (e) { fail(String(e.message)); });
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function table(section) {
    var node = section.querySelector("script.table-data");
    var D = JSON.parse(node.textContent);
    node.textContent = "";
    var rows = D.rows, ncols = D.cols.length, base = Date.parse(D.from + "T00:00:00Z");
    var input = section.querySelector("input.q"), select = section.querySelector("select.facet");
    var tbody = section.querySelector("tbody"), status = section.querySelector(".status");
    var order = [], view = [], keys = null, page = 0, sortCol = -1, sortDir = 1, open = {};
    var i, j;
    for (i = 0; i < rows.length; i++) { order.push(i); }
    var tr = el("tr");
    D.cols.forEach(function (c, k) {
      var th = el("th", c[0]);
      th.setAttribute("scope", "col");
      th.addEventListener("click", function () { sortBy(k); });
      tr.appendChild(th);
    });
    section.querySelector("thead").appendChild(tr);
    if (select && D.facet !== undefined) {
      var seen = {};
      for (i = 0; i < rows.length; i++) { seen[rows[i][D.facet]] = true; }
      Object.keys(seen).sort().forEach(function (v) {
        var o = el("option", v); o.value = v; select.appendChild(o);
      });
      select.addEventListener("change", function () { filter(); });
    }
    function day(offset) {
      return new Date(base + offset * 86400000).toISOString().slice(0, 10);
    }
    function timeline(row) {
      var td = el("td"); td.colSpan = ncols;
      D.timelines.forEach(function (label, t) {
        var steps = row[ncols + t], rules = D.rules[t], templates = D.templates[t];
        if (D.timelines.length > 1) { td.appendChild(el("h4", label)); }
        var ol = el("ol", undefined, "timeline");
        ol.setAttribute("data-invoice", row[0]);
        for (var s = 0; s + 3 < steps.length; s += 4) {
          var text = day(steps[s]) + " " + D.kinds[steps[s + 1]];
          if (steps[s + 3] > 0) { text += " \u201c" + templates[steps[s + 3] - 1] + "\u201d"; }
          text += " (" + rules[steps[s + 2]] + ")";
          ol.appendChild(el("li", text));
        }
        if (steps.length === 0) { ol.appendChild(el("li", "no action")); }
        td.appendChild(ol);
      });
      var r = el("tr", undefined, "timeline-row"); r.appendChild(td);
      return r;
    }
    function render() {
      var pages = Math.max(1, Math.ceil(view.length / PAGE));
      if (page >= pages) { page = pages - 1; }
      tbody.textContent = "";
      var end = Math.min(view.length, (page + 1) * PAGE);
      for (var v = page * PAGE; v < end; v++) {
        var index = view[v], row = rows[index], r = el("tr");
        for (var k = 0; k < ncols; k++) {
          var td = el("td", undefined, D.cols[k][1] === "n" ? "n" : undefined);
          if (k === 0) {
            var b = el("button", open[index] ? "\u2212" : "+", "open");
            b.type = "button";
            b.setAttribute("aria-expanded", open[index] ? "true" : "false");
            b.setAttribute("aria-label", "timeline of " + row[0]);
            b.addEventListener("click", toggle(index));
            td.appendChild(b);
          }
          td.appendChild(document.createTextNode(String(row[k])));
          r.appendChild(td);
        }
        tbody.appendChild(r);
        if (open[index]) { tbody.appendChild(timeline(row)); }
      }
      status.textContent = view.length + " of " + rows.length + " rows; page " + (page + 1) + " of " + pages;
    }
    function toggle(index) {
      return function () { open[index] = !open[index]; render(); };
    }
    function filter() {
      var q = input.value.trim().toLowerCase(), facet = select ? select.value : "";
      if (q && keys === null) {
        keys = new Array(rows.length);
        for (i = 0; i < rows.length; i++) {
          var parts = [];
          for (j = 0; j < D.search.length; j++) { parts.push(rows[i][D.search[j]]); }
          keys[i] = parts.join("\u0001").toLowerCase();
        }
      }
      view = [];
      var exact = -1;
      for (i = 0; i < order.length; i++) {
        var index = order[i];
        if (facet && rows[index][D.facet] !== facet) { continue; }
        if (q && keys[index].indexOf(q) < 0) { continue; }
        if (q && String(rows[index][0]).toLowerCase() === q) { exact = index; }
        view.push(index);
      }
      if (view.length === 1) { exact = view[0]; }
      if (exact >= 0) {
        open[exact] = true;
        var at = view.indexOf(exact);
        view.splice(at, 1); view.unshift(exact);
      }
      page = 0;
      render();
    }
    function sortBy(k) {
      sortDir = sortCol === k ? -sortDir : 1; sortCol = k;
      var numeric = D.cols[k][1] === "n", key = new Array(rows.length);
      for (i = 0; i < rows.length; i++) { key[i] = numeric ? Number(rows[i][k]) : String(rows[i][k]); }
      order.sort(function (a, b) {
        return (key[a] < key[b] ? -sortDir : key[a] > key[b] ? sortDir : 0) || a - b;
      });
      section.querySelectorAll("thead th").forEach(function (th, n) {
        if (n === k) { th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending"); }
        else { th.removeAttribute("aria-sort"); }
      });
      filter();
    }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer); timer = setTimeout(filter, rows.length > 50000 ? 250 : 60);
    });
    section.querySelector("button.prev").addEventListener("click", function () { if (page > 0) { page--; render(); } });
    section.querySelector("button.next").addEventListener("click", function () { page++; render(); });
    function fromHash() {
      var m = /^#q=(.*)$/.exec(location.hash);
      if (m) {
        try { input.value = decodeURIComponent(m[1]); } catch (e) { input.value = m[1]; }
      }
      filter();
      if (m && section.scrollIntoView) { section.scrollIntoView(); }
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
  try {
    var sections = document.querySelectorAll("section");
    for (var s = 0; s < sections.length; s++) {
      if (sections[s].querySelector("script.table-data")) { table(sections[s]); }
    }
    document.body.setAttribute("data-ready", "true");
  } catch (e) {
    fail(String(e && e.message ? e.message : e));
  }
})();
