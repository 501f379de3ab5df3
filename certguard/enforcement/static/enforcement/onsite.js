// On-site inspection on a phone, working offline once opened: the task's bundle (checklist
// with versions, the workers to check and their registry extract) is kept in localStorage;
// entries made offline wait in a queue and are sent when the network returns. A checklist
// item someone else changed meanwhile comes back as a conflict and is shown with both values,
// never overwritten; a task cancelled meanwhile refuses the sync with the server's message.
(function () {
  "use strict";
  const body = document.body;
  const taskId = body.dataset.task;
  const bundleKey = "cg-task-" + taskId;
  const queueKey = "cg-pending-" + taskId;
  const $ = (selector) => document.querySelector(selector);
  const say = (text, bad) => {
    const box = $("[data-message]");
    box.textContent = text;
    box.className = bad ? "bad" : "ok";
  };
  let bundle = null;

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function queue() { return load(queueKey, []); }
  function enqueue(entry) {
    const q = queue();
    q.push(entry);
    save(queueKey, q);
    showPending();
    if (navigator.onLine) sync();
  }
  function showPending() {
    const n = queue().length;
    $("[data-pending]").textContent = n ? "待同步 " + n + " 条" : "已全部同步";
  }
  function showNet() {
    const net = $("[data-net]");
    net.textContent = navigator.onLine ? "在线" : "离线";
    net.classList.toggle("offline", !navigator.onLine);
  }

  function render() {
    const list = $("[data-checklist]");
    list.textContent = "";
    for (const item of bundle.checklist) {
      const li = document.createElement("li");
      li.dataset.code = item.code;
      const text = document.createElement("p");
      text.textContent = item.text;
      const select = document.createElement("select");
      for (const [value, label] of [["", "未检查"], ["ok", "符合"], ["problem", "存在问题"],
                                    ["na", "不适用"]]) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = label;
        option.selected = item.result === value;
        select.appendChild(option);
      }
      const note = document.createElement("input");
      note.placeholder = "说明及整改意见";
      note.value = item.note || "";
      const button = document.createElement("button");
      button.textContent = "记录";
      button.addEventListener("click", () => {
        if (!select.value) { say("请选择检查情况", true); return; }
        enqueue({type: "checklist", code: item.code, result: select.value, note: note.value,
                 base_version: item.version});
        item.result = select.value;
        item.note = note.value;
        save(bundleKey, bundle);
        say("第 " + item.code + " 项已记录" + (navigator.onLine ? "" : "（离线，联网后同步）"));
      });
      li.append(text, select, note, button);
      list.appendChild(li);
    }
    const workers = $("[data-workers]");
    workers.textContent = "";
    for (const w of bundle.workers) {
      const li = document.createElement("li");
      li.textContent = w.name + " " + w.post + " " + (w.result || "未核验");
      workers.appendChild(li);
    }
  }

  // ID number + name against the cached registry extract (then checked online on sync).
  function offlineCheck(idNo, name) {
    const rows = (bundle.registry || []).filter((r) => r.id_no === idNo);
    if (!rows.length) return ["not_found", "证书库中查无此人的证书"];
    const mine = rows.filter((r) => r.name === name);
    if (!mine.length) return ["name_mismatch", "姓名与证书库不一致"];
    if (mine.some((r) => r.status === "valid")) return ["valid", "证书有效"];
    return ["invalid", "证书已失效"];
  }

  async function fetchBundle() {
    try {
      const response = await fetch(body.dataset.bundle, {credentials: "same-origin"});
      if (!response.ok) throw new Error(String(response.status));
      bundle = await response.json();
      save(bundleKey, bundle);
    } catch (error) {
      bundle = load(bundleKey, null);
      if (!bundle) { say("没有网络，也没有缓存的检查资料：请先在有网络时打开本页", true); return; }
      say("离线：使用 " + bundle.cached_at.slice(0, 16).replace("T", " ") + " 缓存的资料");
    }
    render();
  }

  function showConflicts(conflicts) {
    const box = $("[data-conflicts]");
    box.textContent = "";
    for (const c of conflicts) {
      const div = document.createElement("div");
      div.className = "conflict";
      div.textContent = "冲突：第 " + c.code + " 项已被他人修改。您的记录：" +
        (c.mine.result || "") + " " + (c.mine.note || "") + "；对方的记录：" +
        (c.theirs.result || "") + " " + (c.theirs.note || "") + "。未覆盖对方记录，请核对后重新记录。";
      box.appendChild(div);
    }
  }

  let syncing = false;
  async function sync() {
    const entries = queue();
    if (!entries.length || syncing) return;
    syncing = true;
    try {
      const response = await fetch(body.dataset.sync, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": body.dataset.csrf},
        body: JSON.stringify({entries: entries})});
      const answer = await response.json();
      if (!response.ok) {
        say((answer.error && answer.error.message) || "同步失败，请稍后重试", true);
        return;
      }
      save(queueKey, queue().slice(entries.length));
      showConflicts(answer.conflicts || []);
      say("已同步 " + answer.applied + " 条" +
          (answer.conflicts && answer.conflicts.length ? "，" + answer.conflicts.length + " 条冲突待核对" : ""),
          answer.conflicts && answer.conflicts.length);
      await fetchBundle();
    } catch (error) {
      say("网络不可用，记录已保存在本机，联网后自动同步");
    } finally {
      syncing = false;
      showPending();
    }
  }

  $("[data-check]").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const idNo = form.id_no.value.trim().toUpperCase();
    const name = form.name.value.trim();
    const [code, text] = offlineCheck(idNo, name);
    const worker = bundle.workers.find((w) => w.id_no === idNo);
    enqueue({type: "worker", id_no: idNo, name: name, offline_result: code,
             worker_id: worker ? worker.id : null});
    say(name + "：" + text + (navigator.onLine ? "" : "（离线核对，联网后复核）"), code !== "valid");
    form.reset();
  });
  $("[data-qr]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const value = form.qr_text.value.trim();
    if (!value) return;
    form.reset();
    // verified here against the cached trust list; the server verifies it again on sync
    const check = await window.certguardEcertOffline.verifyOffline(
      value, bundle.trust || [], Date.now());
    enqueue({type: "worker", qr_text: value, offline_result: check.code});
    const who = check.certificate && check.certificate.name ? check.certificate.name + "：" : "";
    const line = document.createElement("li");
    line.dataset.qrResult = check.code;
    line.textContent = who + check.message;
    $("[data-workers]").appendChild(line);
    say(who + check.message, !check.ok);
  });
  $("[data-finding]").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const key = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    enqueue({type: "finding", key: key, kind: form.kind.value,
             description: form.description.value, people: Number(form.people.value || 0)});
    const li = document.createElement("li");
    li.textContent = form.kind.options[form.kind.selectedIndex].text + "：" + form.description.value;
    $("[data-findings]").appendChild(li);
    form.reset();
  });
  $("[data-sync-now]").addEventListener("click", () => sync());
  window.addEventListener("online", () => { showNet(); sync(); });
  window.addEventListener("offline", showNet);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/enforcement/sw.js", {scope: "/enforcement/"})
      .catch(() => {});
  }
  showNet();
  showPending();
  fetchBundle().then(() => { if (navigator.onLine) sync(); });
})();
