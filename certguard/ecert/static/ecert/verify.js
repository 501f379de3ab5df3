// The verification page a printed QR opens: https://<host>/v/#CG1:...
// The payload stays in the URL fragment (a browser never sends it to the server). This
// script checks it here, as the platform's verifier does: prefix, base45, zlib, COSE_Sign1,
// the signature (WebCrypto) against the trust list, and the expiry. The trust list is kept
// (service worker cache and localStorage), so the page still answers offline once visited;
// online, the server is asked whether the certificate has been revoked.
(function () {
  "use strict";
  const TRUST_URL = "/api/v1/ecert/trust-list";
  const VERIFY_URL = "/api/v1/ecert/verify";
  const STORE_KEY = "certguard.trust-list.v1";
  const CACHE = "certguard-verify-v1";
  const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const PREFIXES = ["CG1"];
  const MAX_INFLATED = 64 * 1024;
  const ALGS = { "-8": "Ed25519", "-7": "ES256", "-37": "PS256", "-65537": "SM2" };
  const root = document.querySelector("[data-verify]");
  if (!root) return;
  const names = JSON.parse(document.getElementById("authority-names").textContent || "{}");
  const items = JSON.parse(document.getElementById("item-names").textContent || "{}");

  class Failure extends Error {
    constructor(step, message) { super(message); this.step = step; }
  }

  function el(sel) { return root.querySelector(sel); }

  // --- transport layers ---------------------------------------------------------------------
  function b45decode(text) {
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3);
      const values = [...chunk].map((c) => ALPHABET.indexOf(c));
      if (values.some((v) => v < 0)) throw new Failure("base45", "二维码内容含有非法字符，无法解码");
      if (chunk.length === 1) throw new Failure("base45", "二维码内容长度不对，可能不完整");
      const n = values[0] + values[1] * 45 + (values.length === 3 ? values[2] * 2025 : 0);
      if (values.length === 3) {
        if (n > 0xffff) throw new Failure("base45", "二维码内容无法解码");
        out.push(n >> 8, n & 0xff);
      } else {
        if (n > 0xff) throw new Failure("base45", "二维码内容无法解码");
        out.push(n);
      }
    }
    return new Uint8Array(out);
  }

  async function inflate(bytes) {
    try {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      const reader = stream.getReader();
      const parts = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > MAX_INFLATED) throw new Failure("zlib", "二维码内容解压后过大，不是电子证书");
        parts.push(value);
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) { out.set(p, at); at += p.length; }
      return out;
    } catch (error) {
      if (error instanceof Failure) throw error;
      throw new Failure("zlib", "二维码内容已损坏或被改动，无法解压");
    }
  }

  // --- a small CBOR decoder (RFC 8949) and the one encoding COSE needs ----------------------
  function cborDecode(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    let depth = 0;
    function need(n) { if (at + n > bytes.length) throw new Failure("cose", "签名结构不完整"); }
    function length(info) {
      if (info < 24) return info;
      if (info === 24) { need(1); return view.getUint8(at++); }
      if (info === 25) { need(2); const v = view.getUint16(at); at += 2; return v; }
      if (info === 26) { need(4); const v = view.getUint32(at); at += 4; return v; }
      if (info === 27) { need(8); const v = Number(view.getBigUint64(at)); at += 8; return v; }
      throw new Failure("cose", "签名结构有误");
    }
    function item() {
      if (++depth > 16) throw new Failure("cose", "签名结构嵌套过深");
      need(1);
      const first = view.getUint8(at++);
      const major = first >> 5;
      const info = first & 31;
      let value;
      if (major === 7) {
        if (info === 20) value = false;
        else if (info === 21) value = true;
        else if (info === 22 || info === 23) value = null;
        else if (info === 25) { need(2); at += 2; value = null; }
        else if (info === 26) { need(4); value = view.getFloat32(at); at += 4; }
        else if (info === 27) { need(8); value = view.getFloat64(at); at += 8; }
        else throw new Failure("cose", "签名结构有误");
      } else {
        const n = length(info);
        if (major === 0) value = n;
        else if (major === 1) value = -1 - n;
        else if (major === 2) { need(n); value = bytes.slice(at, at + n); at += n; }
        else if (major === 3) { need(n); value = new TextDecoder().decode(bytes.slice(at, at + n)); at += n; }
        else if (major === 4) { value = []; for (let i = 0; i < n; i++) value.push(item()); }
        else if (major === 5) { value = new Map(); for (let i = 0; i < n; i++) { const k = item(); value.set(k, item()); } }
        else if (major === 6) value = { tag: n, value: item() };
      }
      depth--;
      return value;
    }
    const value = item();
    if (at !== bytes.length) throw new Failure("cose", "签名结构后有多余数据");
    return value;
  }

  function head(major, n) {
    if (n < 24) return [(major << 5) | n];
    if (n < 256) return [(major << 5) | 24, n];
    if (n < 65536) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  }

  function sigStructure(protectedBytes, payload) {
    const label = new TextEncoder().encode("Signature1");
    const parts = [[0x84], head(3, label.length), label, head(2, protectedBytes.length),
      protectedBytes, [0x40], head(2, payload.length), payload];
    const total = parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  // --- trust list ---------------------------------------------------------------------------
  function hex(bytes) { return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(""); }

  function pemToDer(pem) {
    const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  }

  async function trustList() {
    try {
      const response = await fetch(TRUST_URL, { credentials: "omit", headers: { Accept: "application/json" } });
      if (response.ok) {
        const list = await response.json();
        localStorage.setItem(STORE_KEY, JSON.stringify({ list, saved: Date.now() }));
        return { list, cached: response.headers.get("X-From-Cache") === "1" };
      }
    } catch (error) { /* offline: the stored copy below */ }
    const stored = localStorage.getItem(STORE_KEY);
    if (!stored) throw new Failure("signature", "无法获取信任列表：首次使用需联网打开本页一次");
    return { list: JSON.parse(stored).list, cached: true };
  }

  async function importKey(alg, pem) {
    const der = pemToDer(pem);
    if (alg === -8) return crypto.subtle.importKey("spki", der, { name: "Ed25519" }, false, ["verify"]);
    if (alg === -7) return crypto.subtle.importKey("spki", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    if (alg === -37) return crypto.subtle.importKey("spki", der, { name: "RSA-PSS", hash: "SHA-256" }, false, ["verify"]);
    return null;
  }

  function params(alg) {
    if (alg === -8) return { name: "Ed25519" };
    if (alg === -7) return { name: "ECDSA", hash: "SHA-256" };
    return { name: "RSA-PSS", saltLength: 32 };
  }

  // --- the checks ---------------------------------------------------------------------------
  function untag(value) {
    while (value && typeof value === "object" && "tag" in value) {
      if (value.tag !== 18 && value.tag !== 61) throw new Failure("cose", "不是电子证书签名结构");
      value = value.value;
    }
    return value;
  }

  async function verify(text, trust) {
    const match = /^([A-Z]{2}[0-9]):(.*)$/s.exec(text);
    if (!match) throw new Failure("prefix", "缺少前缀，应以 CG1: 开头");
    if (!PREFIXES.includes(match[1])) throw new Failure("prefix", `不支持的前缀 ${match[1]}:，只接受 CG1:`);
    const cose = untag(cborDecode(await inflate(b45decode(match[2]))));
    if (!Array.isArray(cose) || cose.length !== 4 || !(cose[0] instanceof Uint8Array)
        || !(cose[2] instanceof Uint8Array) || !(cose[3] instanceof Uint8Array)) {
      throw new Failure("cose", "不是电子证书签名结构");
    }
    const prot = cose[0].length ? cborDecode(cose[0]) : new Map();
    const unprot = cose[1] instanceof Map ? cose[1] : new Map();
    const alg = prot.get(1) ?? unprot.get(1);
    const kid = prot.get(4) ?? unprot.get(4);
    const claims = cborDecode(cose[2]);
    if (!(claims instanceof Map)) throw new Failure("cose", "证书内容格式有误");
    const fields = claims.get(-65537);
    if (!(fields instanceof Map)) throw new Failure("prefix", "该载荷不是本平台的电子证书");
    const iat = claims.get(6);
    const exp = claims.get(4);
    if (!(kid instanceof Uint8Array)) throw new Failure("signature", "签名缺少密钥标识");
    const candidates = trust.list.keys.filter((k) => k.kid === hex(kid));
    if (!candidates.length) throw new Failure("signature", "签名密钥不在信任列表中：不是发证机关签发的证书");
    const moment = typeof iat === "number" ? iat * 1000 : null;
    const inWindow = candidates.filter((k) => moment === null
      || ((!k.not_before || Date.parse(k.not_before) <= moment + 1000)
          && (!k.not_after || moment <= Date.parse(k.not_after))));
    if (!inWindow.length) throw new Failure("signature", "签发时间不在该签名密钥的有效期内");
    if (ALGS[String(alg)] === "SM2") {
      throw new Failure("unsupported", "本浏览器不能离线核验国密 SM2 签名，请联网核验");
    }
    const data = sigStructure(cose[0], cose[2]);
    let good = false;
    for (const entry of inWindow) {
      const key = await importKey(alg, entry.public_key_pem).catch(() => null);
      if (key && await crypto.subtle.verify(params(alg), key, cose[3], data).catch(() => false)) {
        good = true;
        break;
      }
    }
    if (!good) throw new Failure("signature", "签名验证失败：证书内容被篡改或不是发证机关签发");
    const out = {};
    const keys = { 1: "cert_no", 2: "id_no", 3: "name", 4: "family", 5: "item_code", 6: "issuer_code",
      7: "valid_from", 8: "valid_until", 9: "review_due", 10: "status" };
    for (const [k, v] of fields) if (keys[k]) out[keys[k]] = String(v ?? "");
    out.expired = typeof exp === "number" && exp * 1000 < Date.now();
    out.iss = claims.get(1);
    return out;
  }

  // --- showing the answer -------------------------------------------------------------------
  function chineseDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : "—";
  }

  function mask(id) { return id && id.length >= 10 ? id.slice(0, 6) + "*".repeat(id.length - 10) + id.slice(-4) : id; }

  function sexOf(id) {
    if (/^\d{17}[\dX]$/.test(id)) return Number(id[16]) % 2 ? "男" : "女";
    if (/^\d{15}$/.test(id)) return Number(id[14]) % 2 ? "男" : "女";
    return "—";
  }

  function setVerdict(state, text) {
    const verdict = el("[data-verdict]");
    verdict.dataset.state = state;
    verdict.className = "verify-verdict " + (state === "valid" ? "ok" : state === "pending" ? "" : "bad");
    verdict.textContent = text;
  }

  function show(fields) {
    const masked = mask(fields.id_no);
    const rows = [
      ["姓名", fields.name], ["性别", sexOf(fields.id_no)], ["身份证号", masked],
      ["证书编号", fields.cert_no.replace(fields.id_no, masked)],
      ["操作项目", `${fields.item_code} ${items[`${fields.family}:${fields.item_code}`] || ""}`.trim()],
      ["发证机关", names[fields.issuer_code] || fields.issuer_code],
      ["有效期", `${chineseDate(fields.valid_from)} 至 ${chineseDate(fields.valid_until)}`],
      ["应复审日期", chineseDate(fields.review_due)],
    ];
    const list = el("[data-fields]");
    list.replaceChildren();
    for (const [label, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value || "—";
      list.append(dt, dd);
    }
    list.hidden = false;
  }

  function note(text) { el("[data-online]").textContent = text; }

  async function online(text) {
    if (!navigator.onLine) {
      note("当前离线：已用本机保存的信任列表核验签名；联网后重新打开本页可查询证书是否已被撤销。");
      return;
    }
    try {
      const response = await fetch(VERIFY_URL, {
        method: "POST", credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ payload: text }),
      });
      const answer = await response.json();
      if (!response.ok) {
        note((answer.error && answer.error.message) || "联网查询暂不可用，请稍后再试");
        return;
      }
      root.dataset.online = answer.valid ? "valid" : (answer.reason || "invalid");
      if (answer.valid) {
        note("已联网查询：证书库记录一致，未被撤销。");
      } else if (answer.steps && (answer.steps.revocation === "failed" || answer.reason === "revoked")) {
        setVerdict("revoked", "证书已被撤销或注销，不再有效");
        note(answer.message || "");
      } else {
        setVerdict("invalid", "联网核验未通过");
        note(answer.message || "");
      }
    } catch (error) {
      note("联网查询失败：已用本机保存的信任列表核验签名，请稍后再查询吊销状态。");
    }
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register("/v/sw.js", { scope: "/v/" });
      await navigator.serviceWorker.ready;
      const cache = await caches.open(CACHE);
      if (await cache.match(TRUST_URL) && await cache.match("/v/")) root.dataset.offlineReady = "1";
    } catch (error) { /* the page still works online */ }
  }

  async function main() {
    const raw = location.hash.slice(1);
    const worker = registerWorker();
    let trust = null;
    try { trust = await trustList(); } catch (error) { trust = error; }
    if (!raw) {
      el("[data-empty]").hidden = false;
      setVerdict("none", "请用手机相机或微信扫描电子证书上的二维码");
      await worker;
      return;
    }
    let text;
    try { text = decodeURIComponent(raw); } catch (error) { text = raw; }
    try {
      if (trust instanceof Error) throw trust;
      const fields = await verify(text, trust);
      show(fields);
      if (fields.expired) setVerdict("expired", "电子证书已过有效期");
      else setVerdict("valid", "签名有效：该电子证书由发证机关签发，内容未被改动");
      await online(text);
    } catch (error) {
      const failure = error instanceof Failure ? error : new Failure("cose", "二维码内容无法识别");
      if (failure.step === "unsupported") {
        setVerdict("pending", failure.message);
        await online(text);
      } else {
        setVerdict("invalid", "核验未通过：" + failure.message);
        root.dataset.step = failure.step;
      }
    }
    await worker;
  }

  // A second QR opened while the page is showing changes only the fragment: start over.
  window.addEventListener("hashchange", () => location.reload());
  main();
}());
