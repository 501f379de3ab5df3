// Offline check of an e-certificate QR code on the phone, against the trust list cached with
// the task's bundle: prefix → base45 → zlib → COSE_Sign1 → signature (WebCrypto: Ed25519,
// ES256, PS256) with the key named by the protected kid, valid when the payload was signed →
// expiry. SM2 has no WebCrypto support: such codes are verified when the phone is back online.
// The server verifies every scanned code again when the entries sync.
(function () {
  "use strict";
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  function base45(text) {
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3);
      let n = 0;
      for (let j = chunk.length - 1; j >= 0; j--) {
        const v = B45.indexOf(chunk[j]);
        if (v < 0) throw new Error("base45");
        n = n * 45 + v;
      }
      if (chunk.length === 3) { out.push(n >> 8, n & 255); } else { out.push(n); }
    }
    return new Uint8Array(out);
  }

  async function inflate(bytes) {
    if (bytes[0] !== 0x78) return bytes;
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function cbor(bytes) {
    let pos = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    function length(info) {
      if (info < 24) return info;
      if (info === 24) return bytes[pos++];
      if (info === 25) { const v = view.getUint16(pos); pos += 2; return v; }
      if (info === 26) { const v = view.getUint32(pos); pos += 4; return v; }
      if (info === 27) { const v = Number(view.getBigUint64(pos)); pos += 8; return v; }
      throw new Error("cbor length");
    }
    function item() {
      const head = bytes[pos++];
      const major = head >> 5;
      const info = head & 31;
      if (major === 7) {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        throw new Error("cbor simple");
      }
      const n = length(info);
      switch (major) {
        case 0: return n;
        case 1: return -1 - n;
        case 2: { const v = bytes.slice(pos, pos + n); pos += n; return v; }
        case 3: { const v = new TextDecoder().decode(bytes.slice(pos, pos + n)); pos += n; return v; }
        case 4: { const a = []; for (let i = 0; i < n; i++) a.push(item()); return a; }
        case 5: { const m = new Map(); for (let i = 0; i < n; i++) { const k = item(); m.set(k, item()); } return m; }
        case 6: return item();  // a tag (COSE_Sign1 = 18): the tagged item itself
        default: throw new Error("cbor major");
      }
    }
    return item();
  }

  function head(major, n) {
    if (n < 24) return [major << 5 | n];
    if (n < 256) return [major << 5 | 24, n];
    if (n < 65536) return [major << 5 | 25, n >> 8, n & 255];
    return [major << 5 | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function sigStructure(protectedBytes, payload) {
    const label = new TextEncoder().encode("Signature1");
    const parts = [head(4, 4), head(3, label.length), label, head(2, protectedBytes.length),
                   protectedBytes, head(2, 0), head(2, payload.length), payload];
    const size = parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const ALGS = {
    "-8": [{name: "Ed25519"}, {name: "Ed25519"}],
    "-7": [{name: "ECDSA", namedCurve: "P-256"}, {name: "ECDSA", hash: "SHA-256"}],
    "-37": [{name: "RSA-PSS", hash: "SHA-256"}, {name: "RSA-PSS", saltLength: 32}],
  };

  // {ok, code, message, certificate}; code: ecert_valid | ecert_invalid | pending
  async function verifyOffline(text, trust, now) {
    const fail = (message) => ({ok: false, code: "ecert_invalid", message: message});
    const match = /^([A-Z]{2}[0-9]):/.exec(text.trim());
    if (!match) return fail("不是电子证书二维码");
    let sign1;
    try {
      sign1 = cbor(await inflate(base45(text.trim().slice(match[0].length))));
    } catch (error) {
      return fail("二维码内容已损坏，无法解码");
    }
    if (!Array.isArray(sign1) || sign1.length !== 4) return fail("不是有效的签名结构");
    const [protectedBytes, unprotected, payload, signature] = sign1;
    const header = protectedBytes.length ? cbor(protectedBytes) : new Map();
    const alg = header.get(1);
    const kid = header.get(4) || (unprotected instanceof Map ? unprotected.get(4) : null);
    if (!kid) return fail("缺少签名密钥标识");
    const claims = cbor(payload);
    const signedAt = (claims.get(6) || 0) * 1000;
    const keys = trust.filter((k) => k.kid === hex(kid) && k.alg === alg &&
      (!k.nbf || signedAt >= k.nbf * 1000) && (!k.exp || signedAt <= k.exp * 1000));
    if (!keys.length) return fail("签名密钥不在信任列表中（可能是伪造的二维码）");
    const algorithm = ALGS[String(alg)];
    if (!algorithm || !(crypto && crypto.subtle)) {
      return {ok: false, code: "pending", message: "本机无法离线验证该算法的签名，联网后核验"};
    }
    let valid = false;
    try {
      const key = await crypto.subtle.importKey("spki", unb64(keys[0].spki), algorithm[0],
                                                false, ["verify"]);
      valid = await crypto.subtle.verify(algorithm[1], key, signature,
                                         sigStructure(protectedBytes, payload));
    } catch (error) {
      return {ok: false, code: "pending", message: "本机无法离线验证签名，联网后核验"};
    }
    if (!valid) return fail("签名验证失败：二维码被篡改或伪造");
    const fields = claims.get(-65537) || new Map();
    const certificate = {cert_no: fields.get(1), id_no: fields.get(2), name: fields.get(3),
                         valid_until: fields.get(8), status: fields.get(10)};
    if (claims.get(4) && claims.get(4) * 1000 < now) {
      return {ok: false, code: "ecert_invalid", message: "电子证书已过期", certificate};
    }
    return {ok: true, code: "ecert_valid", message: "签名有效（离线核验，联网后复核吊销状态）",
            certificate};
  }

  window.certguardEcertOffline = {verifyOffline: verifyOffline};
})();
