// The sales document form's line editor, improved: rows are added and
// removed in place, a chosen product fills the row's empty price, unit
// and KDV rate, and a preview of the totals follows the typing. Without
// this file the form works the same through its "add line" button; the
// totals the server computes on saving are the ones that count.
(function () {
  "use strict";
  var table = document.getElementById("line-editor");
  if (!table) { return; }
  var body = table.tBodies[0];
  var preview = document.getElementById("doc-preview");

  // Money and quantities as typed the Turkish or the plain way
  // ("1.234,56" or "1234.56"), in whole hundredths / thousandths.
  function parseDecimal(s, places) {
    s = (s || "").replace(/\s|₺|TL/g, "");
    if (s === "") { return null; }
    var comma = s.lastIndexOf(","), dot = s.lastIndexOf(".");
    if (comma >= 0) { s = s.replace(/\./g, "").replace(",", "."); }
    else if (dot >= 0 && s.indexOf(".") !== dot) { s = s.replace(/\./g, ""); }
    if (!/^\d+(\.\d+)?$/.test(s)) { return null; }
    var parts = s.split(".");
    var frac = (parts[1] || "").slice(0, places);
    while (frac.length < places) { frac += "0"; }
    return parseInt(parts[0], 10) * Math.pow(10, places) + parseInt(frac || "0", 10);
  }
  function roundDiv(a, b) { return Math.sign(a) * Math.floor((Math.abs(a) + b / 2) / b); }
  function money(k) {
    var neg = k < 0; k = Math.abs(k);
    var whole = String(Math.floor(k / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var frac = String(k % 100); if (frac.length < 2) { frac = "0" + frac; }
    return (neg ? "−" : "") + whole + "," + frac + " ₺";
  }

  function rows() { return Array.prototype.filter.call(body.rows, function (r) { return r.classList.contains("lineedit"); }); }
  function field(row, cls) { return row.querySelector("." + cls); }

  function renumber() {
    rows().forEach(function (r, i) { r.querySelector(".lineno").textContent = String(i + 1); });
  }

  function recompute() {
    if (!preview) { return; }
    var sub = 0, kdv = 0, ok = true, any = false;
    rows().forEach(function (r) {
      var q = parseDecimal(field(r, "line-qty").value, 3);
      var p = parseDecimal(field(r, "line-price").value, 2);
      var d = parseDecimal(field(r, "line-discount").value.replace("%", ""), 2) || 0;
      var rate = parseInt(field(r, "line-rate").value, 10) || 0;
      if (q === null && p === null) { return; }
      if (q === null || p === null) { ok = false; return; }
      any = true;
      var gross = roundDiv(q * p, 1000);
      var net = roundDiv(q * p * (10000 - d), 1000 * 10000);
      if (d === 0) { net = gross; }
      sub += net;
      kdv += roundDiv(net * rate, 10000);
    });
    var note = preview.getAttribute("data-label-note");
    if (!any || !ok) { preview.innerHTML = ""; return; }
    var t = document.createElement("table");
    t.className = "doctotals";
    [["data-label-subtotal", sub], ["data-label-kdv", kdv], ["data-label-grand", sub + kdv]].forEach(function (x, i) {
      var tr = t.insertRow(); if (i === 2) { tr.className = "grand"; }
      var th = document.createElement("th"); th.scope = "row"; th.textContent = preview.getAttribute(x[0]); tr.appendChild(th);
      var td = tr.insertCell(); td.className = "num"; td.textContent = money(x[1]);
    });
    preview.innerHTML = "";
    preview.appendChild(t);
    var p = document.createElement("p"); p.className = "hint"; p.textContent = note; preview.appendChild(p);
  }

  function clear(row) {
    row.classList.remove("invalid");
    Array.prototype.forEach.call(row.querySelectorAll("input"), function (i) { i.value = ""; });
    field(row, "line-product").value = "";
  }

  function wire(row) {
    var remove = field(row, "line-remove");
    remove.hidden = false;
    remove.addEventListener("click", function () {
      var next = row.nextElementSibling;
      if (next && next.classList.contains("lineerrors")) { next.remove(); }
      if (rows().length > 1) { row.remove(); } else { clear(row); }
      renumber(); recompute();
    });
    field(row, "line-product").addEventListener("change", function (e) {
      var o = e.target.selectedOptions[0];
      if (!o || !o.value) { return; }
      if (!field(row, "line-price").value) { field(row, "line-price").value = o.getAttribute("data-price"); }
      if (!field(row, "line-qty").value) { field(row, "line-qty").value = "1"; }
      field(row, "line-unit").value = o.getAttribute("data-unit");
      var rate = field(row, "line-rate");
      if (rate.querySelector('option[value="' + o.getAttribute("data-rate") + '"]')) { rate.value = o.getAttribute("data-rate"); }
      recompute();
    });
  }

  rows().forEach(wire);
  table.addEventListener("input", recompute);
  table.addEventListener("change", recompute);
  var add = document.getElementById("add-line");
  if (add) {
    add.addEventListener("click", function (e) {
      e.preventDefault();
      var all = rows();
      var row = all[all.length - 1].cloneNode(true);
      clear(row);
      field(row, "line-unit").value = "adet";
      body.appendChild(row);
      wire(row);
      renumber();
      field(row, "line-desc").focus();
    });
  }
  recompute();
})();
