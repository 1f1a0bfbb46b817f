// The draft editor's totals, recomputed as the user types with the server's own
// rounding: the form is posted to its totals URL (nothing is saved) and the amounts
// the server returns replace the net column and the totals table, which the server
// rendered (and escaped) itself. Without JavaScript, "Save and recalculate" does the
// same after a save.
"use strict";
(() => {
  const form = document.querySelector("form[data-totals-url]");
  if (!form) return;
  const url = form.dataset.totalsUrl;
  let timer = 0;
  let asked = 0;
  async function refresh() {
    const mine = ++asked;
    const body = new URLSearchParams(new FormData(form));
    // A catalogue item is added only when the user presses "Add".
    body.delete("add_product");
    body.delete("action");
    let response;
    try {
      response = await fetch(url, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch {
      return;
    }
    if (!response.ok || mine !== asked) return;
    const data = await response.json();
    form.querySelectorAll("[data-net]").forEach((cell, i) => {
      cell.textContent = data.nets[i] ?? "";
    });
    const totals = form.querySelector("[data-totals]");
    if (totals) totals.innerHTML = data.totals_html;
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
