// Small progressive enhancements: the fact panel in the reader, drag-and-drop upload with
// progress. Pages work without it.
"use strict";

// the interface language of the page (base.html sets <html lang>): zh-CN or en
const EN = document.documentElement.lang === "en";
const WORDS = {
  fields: EN
    ? ["Source", "Value", "Measure", "Comparator", "Kind", "Indicator", "Indicator id", "Year"]
    : ["原文", "数值", "度量", "比较", "类型", "指标", "指标代码", "年份"],
  kind: EN
    ? {target: "target", actual: "actual", estimate: "estimate", other: "other"}
    : {target: "目标", actual: "实际", estimate: "预计", other: "其他"},
  measure: EN
    ? {level: "level", growth: "growth", share: "share", change: "change", change_pp: "change in points", rank: "rank", change_rank: "change in rank"}
    : {level: "数值", growth: "增速", share: "比重", change: "增减量", change_pp: "百分点变化", rank: "位次", change_rank: "位次变化"},
  uploading: EN ? "Uploading… " : "上传中… ",
  done: EN ? "Done; opening the report…" : "完成，正在打开报告…",
  failed: EN ? "Upload failed: " : "上传失败：",
  network: EN ? "Network error: the upload did not reach the server." : "网络错误：文件未能送达服务器。",
  // the API's error codes, in words a person reads
  codes: EN ? {
    unsupported_type: "this kind of file cannot be read; upload .txt, .html, .docx or .pdf",
    too_large: "the file is too large",
    unreadable_document: "the file could not be read as a report",
    unauthorized: "sign in first",
    forbidden: "uploading needs the editor role",
    csrf_failed: "the page has expired; reload it and try again",
  } : {
    unsupported_type: "无法读取这种文件，请上传 .txt、.html、.docx 或 .pdf",
    too_large: "文件太大",
    unreadable_document: "无法把这个文件读作报告",
    unauthorized: "请先登录",
    forbidden: "上传需要编辑权限",
    csrf_failed: "页面已过期，请刷新后重试",
  },
};

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function showFact(mark) {
  const panel = document.getElementById("factpanel");
  if (!panel) return;
  document.querySelectorAll("mark.fact.active").forEach((m) => m.classList.remove("active"));
  mark.classList.add("active");
  const d = mark.dataset;
  const values = [
    mark.textContent, Number(d.value).toLocaleString(EN ? "en" : "zh-CN", {maximumFractionDigits: 6}) + " " + d.unit,
    WORDS.measure[d.measure] || d.measure, d.comparator, WORDS.kind[d.kind] || d.kind,
    d.indicator, d.indicatorId, d.period,
  ];
  const fields = WORDS.fields.map((name, i) => [name, values[i]]);
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
  const status = form.querySelector(".upload-message");
  const say = (text, tone) => { status.textContent = text; status.className = "upload-message" + (tone ? " " + tone : ""); };
  const body = new FormData();
  body.append("file", file);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/documents");
  xhr.setRequestHeader("X-CSRF-Token", csrfToken());
  bar.hidden = false; bar.value = 0;
  say(WORDS.uploading + file.name);
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
  xhr.onload = () => {
    let data = {};
    try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    if (xhr.status === 201 && data.id) {
      say(WORDS.done, "ok");
      window.location.href = "/documents/" + data.id;
    } else {
      const code = data.error && data.error.code;
      say(WORDS.failed + (WORDS.codes[code] || (data.error && data.error.message) || xhr.statusText || xhr.status), "bad");
      bar.hidden = true;
    }
  };
  xhr.onerror = () => { say(WORDS.network, "bad"); bar.hidden = true; };
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
  // the reader's line that holds an offset: the one starting there, or the nearest before it
  const lineAt = (offset) => {
    let best = null;
    document.querySelectorAll(".reader p[id^='p-']").forEach((p) => {
      if (Number(p.id.slice(2)) <= offset) best = p;
    });
    return best;
  };
  const hash = window.location.hash;
  const target = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
  if (target && target.matches("mark.fact")) { target.scrollIntoView({block: "center"}); showFact(target); }
  else if (!target && /^#p-\d+$/.test(hash)) {
    // a link to where a commitment starts (#p-2248), inside a line: that line
    const line = lineAt(Number(hash.slice(3)));
    if (line) { line.scrollIntoView({block: "start"}); line.classList.add("linked"); }
  }
  document.querySelectorAll(".outline a[data-offset]").forEach((a) => {
    a.addEventListener("click", (e) => {
      const line = lineAt(Number(a.dataset.offset));  // the heading's line
      if (line) { e.preventDefault(); line.scrollIntoView({block: "start"}); }
    });
  });
});
