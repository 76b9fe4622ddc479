// Affiliate space, progressive enhancement: a "Copy link" button, and focus kept on the
// purchases table when htmx swaps in another page (the link that was pressed is gone).
(() => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const input = document.getElementById(button.dataset.copy);
    const status = document.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        document.execCommand("copy"); // older browsers and plain-http pages have no clipboard API
      }
      status.textContent = status.dataset.copied;
    });
  }
  document.body.addEventListener("htmx:afterSettle", () => {
    document.querySelector("#commissions .commission-table-wrap")?.focus({ preventScroll: true });
  });
})();
