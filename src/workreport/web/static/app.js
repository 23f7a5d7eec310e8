// Small progressive enhancements: the fact panel in the reader, drag-and-drop upload with
// progress. Pages work without it.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function showFact(mark) {
  const panel = document.getElementById("factpanel");
  if (!panel) return;
  document.querySelectorAll("mark.fact.active").forEach((m) => m.classList.remove("active"));
  mark.classList.add("active");
  const fields = [
    ["原文", mark.textContent], ["数值", Number(mark.dataset.value).toLocaleString("zh-CN", {maximumFractionDigits: 6}) + " " + mark.dataset.unit],
    ["度量", mark.dataset.measure], ["比较", mark.dataset.comparator], ["类型", mark.dataset.kind],
    ["指标", mark.dataset.indicator], ["指标ID", mark.dataset.indicatorId], ["年份", mark.dataset.period],
  ];
  const dl = document.getElementById("factfields");
  dl.replaceChildren();
  for (const [k, v] of fields) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v || "—";
    dl.append(dt, dd);
  }
  document.getElementById("factlink").href = "/facts/" + encodeURIComponent(mark.dataset.factId);
  panel.hidden = false;
}

document.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.fact");
  if (mark) { showFact(mark); return; }
  if (event.target.closest("#factpanel .close")) document.getElementById("factpanel").hidden = true;
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches && event.target.matches("mark.fact")) showFact(event.target);
});

function upload(form, file) {
  const bar = form.querySelector("progress");
  const status = form.querySelector(".status");
  const body = new FormData();
  body.append("file", file);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/documents");
  xhr.setRequestHeader("X-CSRF-Token", csrfToken());
  bar.hidden = false; bar.value = 0;
  status.textContent = "上传中… " + file.name;
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
  xhr.onload = () => {
    let data = {};
    try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    if (xhr.status === 201 && data.id) {
      status.textContent = "完成，正在打开…";
      window.location.href = "/documents/" + data.id;
    } else {
      status.textContent = "失败：" + ((data.error && data.error.message) || xhr.statusText);
      bar.hidden = true;
    }
  };
  xhr.onerror = () => { status.textContent = "网络错误"; bar.hidden = true; };
  xhr.send(body);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload");
  if (form) {
    const input = form.querySelector('input[type="file"]');
    input.addEventListener("change", () => { if (input.files.length) upload(form, input.files[0]); });
    form.addEventListener("dragover", (e) => { e.preventDefault(); form.classList.add("over"); });
    form.addEventListener("dragleave", () => form.classList.remove("over"));
    form.addEventListener("drop", (e) => {
      e.preventDefault(); form.classList.remove("over");
      if (e.dataTransfer.files.length) upload(form, e.dataTransfer.files[0]);
    });
  }
  const target = window.location.hash && document.querySelector(window.location.hash);
  if (target && target.matches("mark.fact")) { target.scrollIntoView({block: "center"}); showFact(target); }
  document.querySelectorAll(".outline a[data-offset]").forEach((a) => {
    a.addEventListener("click", (e) => {
      // the heading's paragraph, or the nearest one before it
      const offset = Number(a.dataset.offset);
      let best = null;
      document.querySelectorAll(".reader p[id^='p-']").forEach((p) => {
        const at = Number(p.id.slice(2));
        if (at <= offset) best = p;
      });
      if (best) { e.preventDefault(); best.scrollIntoView({block: "start"}); }
    });
  });
});
