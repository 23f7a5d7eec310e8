// The grapher and escalation pages: Chart / Table tabs, and a PNG made from the chart's SVG in
// the browser (drawn onto a canvas; nothing is fetched from elsewhere). Pages work without it:
// both panels then show one under the other, and the PNG link opens the SVG.
"use strict";

function showTab(name) {
  document.querySelectorAll("[role=tab][data-tab]").forEach((tab) => {
    const on = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    const panel = document.getElementById(tab.dataset.tab);
    if (panel) panel.hidden = !on;
  });
}

function savePng(link) {
  const img = new Image();
  img.onload = () => {
    const scale = 2;
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth * scale;
    canvas.height = img.naturalHeight * scale;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = link.dataset.name || "chart.png";
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    }, "image/png");
  };
  img.src = link.href;
}

document.addEventListener("DOMContentLoaded", () => {
  const tabs = document.querySelectorAll("[role=tab][data-tab]");
  if (tabs.length) {
    tabs.forEach((tab) => tab.addEventListener("click", (e) => {
      e.preventDefault();
      showTab(tab.dataset.tab);
      history.replaceState(null, "", "#" + tab.dataset.tab);
    }));
    const names = Array.from(tabs, (t) => t.dataset.tab);
    const first = Array.from(tabs).find((t) => t.getAttribute("aria-selected") === "true") || tabs[0];
    showTab(names.includes(location.hash.slice(1)) ? location.hash.slice(1) : first.dataset.tab);
  }
  const png = document.getElementById("png");
  if (png) png.addEventListener("click", (e) => { e.preventDefault(); savePng(png); });
});
